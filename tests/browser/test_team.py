"""The team in a real Chromium: the lead invites a council contact with the keyboard (a bad address refused
first), the contact sets a password from the one-time link and signs in to find their task on the home page;
the lead reads the notification of it; every page passes axe."""

import datetime

import pytest
from playwright.sync_api import expect

from reviews.invitations.tokens import invitation_path
from reviews.models import Invitation, Role
from selfassessment.models import DocumentRequest

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_lead_invites_a_contact_who_sets_a_password_and_finds_their_task(live_server, page):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Helen", last_name="Ashdown")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)

    sign_in(page, live_server, "lead", PASSWORD)
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("link", name="Team", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Team and invitations")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Invite someone").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Full name").fill("Jo Example")
    page.get_by_label("Email address").fill("jo at testshire")
    page.get_by_label("Contributor", exact=True).check()
    page.get_by_role("button", name="Send the invitation").press("Enter")
    expect(page.get_by_role("link", name="Enter an email address in the right format")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("jo.example@testshire.example")
    page.get_by_role("button", name="Send the invitation").press("Enter")
    expect(page.get_by_text("Invitation sent to jo.example@testshire.example.")).to_be_visible()
    expect(page.get_by_text("1 person has not yet accepted.")).to_be_visible()
    assert_accessible(page)

    invitation = Invitation.objects.get()
    DocumentRequest.objects.create(
        review=review, title="Early help strategy", due_date=datetime.date(2026, 1, 5), assignee=invitation.user
    )
    contact = page.context.browser.new_context().new_page()
    contact.goto(f"{live_server.url}{invitation_path(invitation)}")
    expect(contact.get_by_role("heading", name="Set your password")).to_be_visible()
    assert_accessible(contact)
    contact.get_by_label("Choose a password").fill(NEW_PASSWORD)
    contact.get_by_label("Type the password again").fill(NEW_PASSWORD)
    contact.get_by_role("button", name="Set my password and join").press("Enter")
    expect(contact.get_by_text("Your password is set")).to_be_visible()
    sign_in(contact, live_server, "jo.example@testshire.example", NEW_PASSWORD)
    expect(contact.get_by_role("heading", name="Your tasks")).to_be_visible()
    expect(contact.get_by_role("link", name="Early help strategy")).to_be_visible()
    expect(contact.get_by_text("Overdue", exact=True)).to_be_visible()
    assert_accessible(contact)

    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("link", name=f"Jo Example accepted the invitation to {review.title}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as read").first.press("Enter")
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    page.get_by_role("link", name="Email settings").click()
    assert_accessible(page)
