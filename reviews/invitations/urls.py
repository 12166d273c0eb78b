from django.urls import path

from . import views

app_name = "team"

urlpatterns = [
    path("", views.team, name="index"),
    path("invite/", views.invite_person, name="invite"),
    path("invite/list/", views.invite_list, name="invite_list"),
    path("invitations/<int:invitation_id>/resend/", views.resend, name="resend"),
    path("invitations/<int:invitation_id>/revoke/", views.revoke, name="revoke"),
]
