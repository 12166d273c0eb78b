from django.urls import path

from . import letter_views, views, voting

app_name = "conference"

urlpatterns = [
    path("", views.index, name="index"),
    path("findings/", views.consolidation, name="consolidation"),
    path("findings/merge/", views.merge, name="merge"),
    path("findings/agree/", views.agree, name="agree"),
    path("presentation/", views.presentation, name="presentation"),
    path("rounds/", voting.round_list, name="rounds"),
    path("rounds/new/", voting.round_create, name="round_create"),
    path("rounds/<int:round_id>/", voting.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/close/", voting.round_close, name="round_close"),
    path("rounds/<int:round_id>/again/", voting.round_again, name="round_again"),
    path("rounds/<int:round_id>/adopt/", voting.round_adopt, name="round_adopt"),
    path("rounds/<int:round_id>/ballots/issue/", voting.ballot_issue, name="ballot_issue"),
    path("rounds/<int:round_id>/ballots/cards/", voting.ballot_cards, name="ballot_cards"),
    path("rounds/<int:round_id>/ballots/void/", voting.ballot_void, name="ballot_void"),
    path("rounds/<int:round_id>/vote/", voting.member_vote, name="member_vote"),
    path("letter/", letter_views.letter, name="letter"),
    path("letter/draft/", letter_views.letter_generate, name="letter_generate"),
    path("letter/edit/", letter_views.letter_edit, name="letter_edit"),
    path("letter/share/", letter_views.letter_share, name="letter_share"),
    path("letter/comments/", letter_views.letter_comment, name="letter_comment"),
    path("letter/comments/<int:letter_comment_id>/", letter_views.letter_resolve, name="letter_resolve"),
    path("letter/versions/<int:version_number>/", letter_views.letter_version, name="letter_version"),
    path("letter/publish/", letter_views.letter_publish, name="letter_publish"),
    path("letter/pdf/", letter_views.letter_pdf, name="letter_pdf"),
    path("letter/docx/", letter_views.letter_docx, name="letter_docx"),
    path("plan/", views.plan, name="plan"),
    path("plan/export/", views.plan_xlsx, name="plan_xlsx"),
    path("plan/priorities/new/", views.priority_create, name="priority_create"),
    path("plan/priorities/<int:priority_id>/", views.priority_edit, name="priority_edit"),
    path("plan/priorities/<int:priority_id>/actions/new/", views.action_create, name="action_create"),
    path("plan/actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("plan/actions/<int:action_id>/updates/", views.action_update, name="action_update"),
    path("plan/checks/new/", views.checkpoint_create, name="checkpoint_create"),
]

# Participants vote from their phones without an account, with a ballot card's code: typed at /vote/, or scanned
# from the card's QR code, which opens /vote/ballot/<code>/.
vote_patterns = (
    [
        path("", voting.join, name="join"),
        path("ballot/<str:code>/", voting.ballot, name="ballot"),
    ],
    "vote",
)
