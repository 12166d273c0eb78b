"""Invitations: the lead invites people one by one or as a list; each sets their own password from a one-time,
expiring link received through a real SMTP server; resend and revoke; bad input changes nothing."""

import datetime
import re
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.invitations import services
from reviews.invitations.tokens import LINK_PLACEHOLDER, invitation_path, invitation_tokens
from reviews.models import EmailRecord, Invitation, Notification, ReviewMembership, Role

from ..factories import MembershipFactory, UserFactory
from ..mailserver import deliver

User = get_user_model()
PASSWORD = "a-long-and-unusual-passphrase-42"
LINK = re.compile(r"https://peer-review\.example(/accounts/invitation/[^/\s]+/[^/\s]+/)")


def invite_url(review) -> str:
    return reverse("team:invite", args=[review.pk])


def list_url(review) -> str:
    return reverse("team:invite_list", args=[review.pk])


def person(**changes) -> dict:
    return {"name": "Jo Example", "email": "jo.example@northmoor.example", "role": "contributor"} | changes


def link_in(message) -> str:
    return LINK.search(message.get_content()).group(1)


def unchanged() -> tuple:
    return (
        Invitation.objects.count(),
        User.objects.count(),
        EmailRecord.objects.count(),
        ReviewMembership.objects.count(),
    )


@pytest.fixture
def invited(mail_server, review, lead, lead_client, after_commit):
    """Jo, invited through the page; the email received by the SMTP server."""
    with after_commit():
        lead_client.post(invite_url(review), person(job_title="Team manager", organisation="Northmoor"))
    return Invitation.objects.get(), mail_server.messages[-1]


# Inviting one person and accepting


def test_the_invitation_email_carries_a_one_time_link_and_the_username_but_no_password(invited, review):
    invitation, message = invited

    body = message.get_content()
    record = EmailRecord.objects.get()
    assert message["To"] == "jo.example@northmoor.example"
    assert message["Subject"] == f"You are invited to join {review.title}"
    assert link_in(message).startswith("/accounts/invitation/")
    assert "Your username is: jo.example@northmoor.example" in body
    assert "We never send passwords by email." in body
    assert (record.kind, record.status, record.invitation) == ("invitation", "sent", invitation)
    assert LINK_PLACEHOLDER in record.body
    assert "/accounts/invitation/" not in record.body  # the link itself is never kept
    assert (invitation.status, invitation.role, invitation.sent_count) == ("pending", "contributor", 1)
    assert invitation.user.is_active is False
    assert not invitation.user.has_usable_password()


def test_the_lead_sees_who_has_not_accepted(invited, review, lead_client):
    page = lead_client.get(reverse("team:index", args=[review.pk])).content.decode()

    assert "1 person has not yet accepted." in page
    assert "jo.example@northmoor.example" in page
    assert "Not yet accepted" in page
    assert page.count("<h1") == 1


def test_an_invitation_whose_link_has_expired_says_so_on_the_team_page(invited, review, lead_client, settings):
    invitation, _ = invited
    live = lead_client.get(reverse("team:index", args=[review.pk])).content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(
        last_sent_at=timezone.now() - datetime.timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)
    )

    expired = lead_client.get(reverse("team:index", args=[review.pk])).content.decode()

    assert "Link works until" in live and "Link expired" not in live
    assert "Link expired" in expired and "send the invitation again" in expired
    assert "Link works until" not in expired


def test_following_the_link_sets_the_password_and_joins_the_team(invited, review, lead):
    invitation, message = invited
    link = link_in(message)
    visitor = Client()

    form = visitor.get(link)
    response = visitor.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)

    invitation.refresh_from_db()
    user = invitation.user
    assert form.status_code == 200
    assert "Your username is <strong>jo.example@northmoor.example</strong>" in form.content.decode()
    assert "Sign in with your username, jo.example@northmoor.example." in response.content.decode()
    assert (invitation.status, user.is_active) == ("accepted", True)
    assert user.check_password(PASSWORD)
    membership = ReviewMembership.objects.get(review=review, user=user)
    assert (membership.role, membership.job_title, membership.organisation) == (
        "contributor",
        "Team manager",
        "Northmoor",
    )
    assert (user.first_name, user.last_name) == ("Jo", "Example")
    told = Notification.objects.get(recipient=lead)
    assert told.title == f"Jo Example accepted the invitation to {review.title}"
    signed_in = Client().post(
        reverse("login"), {"username": "jo.example@northmoor.example", "password": PASSWORD}, follow=True
    )
    assert "<title>My reviews" in signed_in.content.decode()
    assert escape(review.title) in signed_in.content.decode()


def test_a_link_used_twice_is_refused_and_changes_nothing(invited):
    invitation, message = invited
    link = link_in(message)
    Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    again = Client().get(link)
    posted = Client().post(
        link, {"new_password1": "another-long-passphrase-77", "new_password2": "another-long-passphrase-77"}
    )

    invitation.user.refresh_from_db()
    assert "This invitation has already been used to set a password." in again.content.decode()
    assert "This invitation has already been used to set a password." in posted.content.decode()
    assert invitation.user.check_password(PASSWORD)


def test_an_expired_link_is_refused_with_a_message_and_changes_nothing(invited, settings):
    invitation, _ = invited
    eight_days_ago = datetime.datetime.now() - datetime.timedelta(days=settings.INVITATION_VALID_DAYS + 1)
    old = invitation_tokens._make_token_with_timestamp(
        invitation, invitation_tokens._num_seconds(eight_days_ago), invitation_tokens.secret
    )
    uid = invitation_path(invitation).split("/")[3]

    response = Client().post(
        reverse("accept_invitation", args=[uid, old]), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )

    invitation.refresh_from_db()
    assert "This invitation link has expired or has been replaced by a newer email." in response.content.decode()
    assert (invitation.status, invitation.user.is_active) == ("pending", False)


@pytest.mark.parametrize(
    "path",
    ["/accounts/invitation/xx/yy/", "/accounts/invitation/MQ/not-a-token/", "/accounts/invitation/%F0/1-a/"],
)
def test_a_broken_link_gets_a_clear_page(path, db):
    response = Client().get(path)

    assert response.status_code == 200
    assert "This invitation link does not work" in response.content.decode()


def test_a_weak_password_is_refused_and_the_invitation_stays_open(invited):
    invitation, message = invited

    response = Client().post(link_in(message), {"new_password1": "short", "new_password2": "short"})

    invitation.refresh_from_db()
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    assert (invitation.status, invitation.user.is_active) == ("pending", False)


def test_an_invited_person_cannot_sign_in_before_accepting(invited):
    response = Client().post(reverse("login"), {"username": "jo.example@northmoor.example", "password": PASSWORD})

    assert "Enter a correct username and password." in response.content.decode()


# Resend and revoke


def test_sending_again_sends_a_new_link_and_the_old_one_stops_working(
    invited, review, lead_client, mail_server, after_commit
):
    invitation, first = invited

    with after_commit():
        lead_client.post(reverse("team:resend", args=[review.pk, invitation.pk]), {"version": invitation.version})

    second = mail_server.messages[-1]
    assert len(mail_server.messages) == 2
    assert link_in(first) != link_in(second)
    assert "has expired or has been replaced" in Client().get(link_in(first)).content.decode()
    assert "Set your password" in Client().get(link_in(second)).content.decode()


def test_withdrawing_stops_the_link_and_an_email_still_waiting(
    mail_server, review, lead, lead_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        lead_client.post(invite_url(review), person())
    invitation = Invitation.objects.get()
    token_path = invitation_path(invitation)

    lead_client.post(reverse("team:revoke", args=[review.pk, invitation.pk]), {"version": invitation.version})
    deliver()

    invitation.refresh_from_db()
    record = EmailRecord.objects.get()
    assert invitation.status == "revoked"
    assert mail_server.messages == []
    assert (record.status, record.error) == ("cancelled", "Not sent: the invitation was revoked first.")
    assert "This invitation has been withdrawn." in Client().get(token_path).content.decode()


def test_a_stale_withdrawal_is_refused_and_changes_nothing(invited, review, lead_client):
    invitation, _ = invited

    response = lead_client.post(
        reverse("team:revoke", args=[review.pk, invitation.pk]), {"version": invitation.version - 1}, follow=True
    )

    invitation.refresh_from_db()
    assert "was changed by someone else after you opened the page, so nothing was done." in response.content.decode()
    assert invitation.status == "pending"


def test_an_accepted_invitation_cannot_be_withdrawn_or_sent_again(invited, review, lead_client):
    invitation, message = invited
    Client().post(link_in(message), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    invitation.refresh_from_db()

    response = lead_client.post(
        reverse("team:resend", args=[review.pk, invitation.pk]), {"version": invitation.version}, follow=True
    )

    assert (
        "The invitation to jo.example@northmoor.example is accepted, so nothing was done." in response.content.decode()
    )
    assert EmailRecord.objects.filter(kind="invitation").count() == 1


# Bad input: a clear message, nothing changed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (person(email="not-an-address"), "Enter an email address in the right format, like name@council.example."),
        (person(email="jo@example@council.example"), "Enter an email address in the right format"),
        (person(email=""), "Enter the person&#x27;s email address."),
        (person(name="   "), "Enter the person&#x27;s full name."),
        (person(role="chair"), "Choose one of the roles."),
        ({"name": "Jo"}, "Choose the person&#x27;s role."),
    ],
)
def test_bad_input_gets_a_message_naming_the_field_and_nothing_changes(data, message, review, lead, lead_client):
    before = unchanged()

    response = lead_client.post(invite_url(review), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: Invite someone" in response.content.decode()
    assert unchanged() == before


def test_an_address_already_in_the_team_is_refused(review, lead, peer, lead_client):
    before = unchanged()

    response = lead_client.post(invite_url(review), person(email="PEER@people.example"))

    assert "PEER@people.example is already in this review&#x27;s team." in response.content.decode()
    assert unchanged() == before


def test_an_address_already_invited_is_refused(invited, review, lead_client):
    before = unchanged()

    response = lead_client.post(invite_url(review), person(name="Jo Again"))

    assert "has already been invited and has not yet accepted; send the invitation again instead." in (
        response.content.decode()
    )
    assert unchanged() == before


def test_someone_with_an_account_joins_at_once_and_is_told_without_a_password_email(
    mail_server, review, lead, lead_client, other_review, after_commit
):
    existing = MembershipFactory(review=other_review, role=Role.PEER, user=UserFactory(username="sam")).user

    with after_commit():
        lead_client.post(invite_url(review), person(email="sam@people.example", role="peer"))

    assert ReviewMembership.objects.get(review=review, user=existing).role == "peer"
    assert Invitation.objects.get().status == "accepted"
    [message] = mail_server.messages
    assert message["Subject"] == f"You have been added to {review.title} as peer reviewer"
    assert "/accounts/invitation/" not in message.get_content()


def test_one_password_joins_every_review_that_invited_the_person(invited, review, other_review, after_commit):
    invitation, message = invited
    other_lead = MembershipFactory(review=other_review, role=Role.LEAD).user
    with after_commit():
        services.invite(
            review=other_review,
            people=[services.Person(name="Jo Example", email="jo.example@northmoor.example", role="peer")],
            invited_by=other_lead,
        )

    Client().post(link_in(message), {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert set(ReviewMembership.objects.filter(user=invitation.user).values_list("review_id", "role")) == {
        (review.pk, "contributor"),
        (other_review.pk, "peer"),
    }


# Lists


def test_a_pasted_list_invites_everyone_on_it(mail_server, review, lead, lead_client, after_commit):
    pasted = (
        "name,email,role,job_title\n"
        "Ann Adams,ann@northmoor.example,Sponsor,Director of Children's Services\n"
        "Ben Brown,ben@peers.example,case auditor,\n"
    )

    with after_commit():
        response = lead_client.post(list_url(review), {"pasted": pasted}, follow=True)

    assert "2 invitations sent." in response.content.decode()
    assert set(Invitation.objects.values_list("email", "role", "job_title")) == {
        ("ann@northmoor.example", "sponsor", "Director of Children's Services"),
        ("ben@peers.example", "case_auditor", ""),
    }
    assert sorted(message["To"] for message in mail_server.messages) == ["ann@northmoor.example", "ben@peers.example"]


def test_an_uploaded_csv_invites_everyone_on_it(review, lead, lead_client):
    upload = SimpleUploadedFile("team.csv", b"Name,Email,Role\nCal Cole,cal@northmoor.example,organiser\n")

    lead_client.post(list_url(review), {"upload": upload})

    assert Invitation.objects.get().email == "cal@northmoor.example"


def test_a_list_with_bad_rows_names_each_row_and_invites_no_one(review, lead, peer, lead_client):
    pasted = (
        "name,email,role\n"
        "Ann Adams,ann@northmoor.example,sponsor\n"
        "Ben Brown,ben at peers,peer\n"
        ",cal@northmoor.example,chair\n"
    )
    before = unchanged()

    page = lead_client.post(list_url(review), {"pasted": pasted}).content.decode()

    assert "Row 3, column “email”: “ben at peers” is not an email address" in page
    assert "Row 4, column “name”: enter the person&#x27;s name." in page
    assert "Row 4, column “role”: “chair” is not a role" in page
    assert unchanged() == before


def test_a_list_with_someone_in_the_team_or_twice_invites_no_one(review, lead, peer, lead_client):
    pasted = (
        "name,email,role\n"
        "Ann Adams,ann@northmoor.example,sponsor\n"
        "Peer,peer@people.example,peer\n"
        "Ann Again,ANN@northmoor.example,sponsor\n"
    )
    before = unchanged()

    page = lead_client.post(list_url(review), {"pasted": pasted}).content.decode()

    assert "There is a problem: no one was invited" in page
    assert "Row 3: peer@people.example is already in this review&#x27;s team." in page
    assert "Row 4: ANN@northmoor.example appears twice in the list." in page
    assert unchanged() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste a list or choose a file to upload."),
        ({"pasted": "x" * 100_001}, "The pasted list is 100,001 characters; the most is 100,000."),
        ({"pasted": "name,email\nAnn,ann@northmoor.example\n"}, "missing column role"),
        ({"pasted": "name,email,role\n"}, "has no rows under the header."),
        (
            {"pasted": "name,email,role\n" + "Ann,ann@x.example,peer\n" * 201},
            "The pasted list.csv has more than 200 rows",
        ),
    ],
)
def test_a_list_that_cannot_be_read_gets_a_message_and_invites_no_one(data, message, review, lead, lead_client):
    before = unchanged()

    page = lead_client.post(list_url(review), data).content.decode()

    assert message in page
    assert unchanged() == before


def test_a_file_that_is_not_a_table_is_refused(review, lead, lead_client):
    upload = SimpleUploadedFile("team.pdf", b"%PDF-1.4")

    page = lead_client.post(list_url(review), {"upload": upload}).content.decode()

    assert "team.pdf is not a CSV or Excel file" in page
    assert Invitation.objects.count() == 0


# Who may


@pytest.mark.parametrize("client_name", ["challenge_client", "peer_client", "organiser_client", "observer_client"])
def test_only_the_lead_manages_the_team(client_name, review, request):
    client = request.getfixturevalue(client_name)
    before = unchanged()

    got = client.get(reverse("team:index", args=[review.pk]))
    posted = client.post(invite_url(review), person())

    assert (got.status_code, posted.status_code) == (403, 403)
    assert unchanged() == before


def test_an_invitation_of_another_review_is_404(invited, other_review, review, lead_client):
    invitation, _ = invited
    MembershipFactory(review=other_review, role=Role.LEAD, user=UserFactory(username="lead"))

    response = lead_client.post(
        reverse("team:revoke", args=[other_review.pk, invitation.pk]), {"version": invitation.version}
    )

    invitation.refresh_from_db()
    assert response.status_code == 404
    assert invitation.status == "pending"


def test_resend_and_revoke_are_post_only(invited, review, lead_client):
    invitation, _ = invited

    statuses = {
        lead_client.get(reverse(name, args=[review.pk, invitation.pk])).status_code
        for name in ["team:resend", "team:revoke"]
    }

    assert statuses == {405}


def test_the_team_page_runs_the_same_queries_for_1_and_30_invitations(
    review, lead, lead_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def invite(number):
        services.invite(
            review=review,
            people=[services.Person(name=f"P {number}", email=f"p{number}@people.example", role="peer")],
            invited_by=lead,
        )

    invite(0)
    url = reverse("team:index", args=[review.pk])
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url)
    for number in range(1, 30):
        invite(number)

    with django_assert_num_queries(len(one.captured_queries)):
        lead_client.get(url)


# When the site cannot send email


@pytest.fixture
def no_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


def test_without_email_an_invitation_says_no_email_was_sent(no_email, review, lead_client, after_commit):
    with after_commit():
        response = lead_client.post(invite_url(review), person(), follow=True)

    page = response.content.decode()
    assert (
        "jo.example@northmoor.example is invited, but email is not set up on this site, so no email was sent." in page
    )
    assert "Invitation sent to" not in page
    assert Invitation.objects.get().is_pending


def test_without_email_a_pasted_list_says_no_email_was_sent(no_email, review, lead_client, after_commit):
    pasted = "name,email,role\nAnn Adams,ann@northmoor.example,Sponsor\nBen Brown,ben@peers.example,case auditor\n"

    with after_commit():
        response = lead_client.post(list_url(review), {"pasted": pasted}, follow=True)

    page = response.content.decode()
    assert "2 people invited, but email is not set up on this site, so no email was sent." in page
    assert "invitations sent" not in page


def test_without_email_sending_again_says_no_email_was_sent(no_email, review, lead_client, after_commit):
    with after_commit():
        lead_client.post(invite_url(review), person())
    invitation = Invitation.objects.get()

    with after_commit():
        response = lead_client.post(
            reverse("team:resend", args=[review.pk, invitation.pk]), {"version": invitation.version}, follow=True
        )

    page = response.content.decode()
    assert "the earlier link no longer works, but email is not set up on this site, so no email was sent." in page
