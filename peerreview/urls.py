from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from conference import urls as conference_urls
from focusgroups import views as questionnaire_views
from reviews import (
    access_views,
    accessibility,
    glossary,
    health,
    lockout,
    schedule_views,
    search_views,
    sessions,
    subject_access_views,
    two_factor,
    two_factor_views,
)
from reviews import views as review_views
from reviews.forms import PasswordForm
from reviews.invitations import views as invitation_views

admin.site.site_header = "Safeguarding peer review: configuration"
admin.site.site_title = "Peer review admin"

urlpatterns = [
    path("", review_views.home, name="home"),
    path("health/", health.health, name="health"),
    path("health/ready/", health.ready, name="health_ready"),
    path("glossary/", glossary.glossary, name="glossary"),
    path("accessibility/", accessibility.statement, name="accessibility"),
    path("data-protection/", accessibility.data_protection, name="data_protection"),
    path("q/<str:token>/", questionnaire_views.answer, name="questionnaire_answer"),
    path("accounts/login/", lockout.login, name="login"),
    # Signing out, and keeping a session alive, need no second step first.
    path("accounts/logout/", two_factor.exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/session/extend/", two_factor.exempt(sessions.extend), name="session_extend"),
    path("accounts/two-factor/", two_factor_views.verify, name="two_factor"),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/manage/", two_factor_views.manage, name="two_factor_manage"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(form_class=PasswordForm), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/invitation/<str:uidb64>/<str:token>/", invitation_views.accept, name="accept_invitation"),
    path("accounts/access-history/", access_views.my_access_history, name="access_history"),
    path(
        "accounts/access-history/export.csv", access_views.my_access_history, {"fmt": "csv"}, name="access_history_csv"
    ),
    path("reviews/<int:review_id>/access-log/", access_views.review_access_log, name="access_log"),
    path("reviews/<int:review_id>/access-log/csv/", access_views.review_access_log_export, name="access_log_export"),
    path("subject-access/", subject_access_views.subject_access_search, name="subject_access"),
    path(
        "subject-access/export.json",
        subject_access_views.subject_access_export,
        {"fmt": "json"},
        name="subject_access_json",
    ),
    path(
        "subject-access/export.pdf",
        subject_access_views.subject_access_export,
        {"fmt": "pdf"},
        name="subject_access_pdf",
    ),
    # The admin signs in through the same door as everyone, with its lockouts.
    path("admin/login/", lockout.login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("reviews/", include("reviews.urls")),
    path("notifications/", include("reviews.notifications.urls")),
    path("reviews/<int:review_id>/team/", include("reviews.invitations.urls")),
    path("reviews/<int:review_id>/schedule/", schedule_views.schedule_edit, name="review_schedule"),
    path("reviews/<int:review_id>/search/", search_views.review_search, name="review_search"),
    path("reviews/<int:review_id>/self-assessment/", include("selfassessment.urls")),
    path("reviews/<int:review_id>/case-mapping/", include("casemapping.urls")),
    path("reviews/<int:review_id>/audits/", include("audits.urls")),
    path("reviews/<int:review_id>/focus-groups/", include("focusgroups.urls")),
    path("reviews/<int:review_id>/interviews/", include("interviews.urls")),
    path("reviews/<int:review_id>/conference/", include("conference.urls")),
    path("vote/", include(conference_urls.vote_patterns)),
]
