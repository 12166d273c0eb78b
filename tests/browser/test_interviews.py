"""The on-site programme in a real Chromium: the lead builds a session, attends it and writes notes; axe on each page."""

import datetime

import pytest
from playwright.sync_api import expect

from interviews.models import LineOfEnquiry, SessionNote
from reviews.models import Partner, PartnerKind, Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def programme_review():
    review = ReviewFactory(
        title="Testshire children's safeguarding peer review 2026",
        # Held before today: a session is marked held only once its day has come.
        onsite_start=datetime.date(2026, 11, 23),
        onsite_end=datetime.date(2026, 11, 27),
    )
    lead = UserFactory(username="lead", first_name="Helen", last_name="Ashdown")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    Partner.objects.create(council=review.council, kind=PartnerKind.objects.get(slug="police"), name="Testshire Police")
    LineOfEnquiry.objects.create(
        review=review, theme=review.framework.themes.get(order=3), text="How well do agencies share information?"
    )
    return review


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_lead_builds_a_session_and_writes_notes(live_server, page, programme_review):
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/reviews/{programme_review.pk}/")
    page.get_by_role("link", name="On-site visits and officer interviews").click()
    expect(page.get_by_role("heading", name="On-site programme")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a session").click()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Kind of session").select_option(label="Interview")
    page.get_by_label("Title").fill("Detective Chief Inspector, public protection")
    page.get_by_label("Day").fill("2026-11-23")
    page.get_by_label("Starts at").fill("10:15")
    page.get_by_label("Ends at").fill("11:15")
    page.get_by_label("Location (optional if online)").fill("Testshire Police Station")
    page.get_by_label("Helen Ashdown").check()
    page.get_by_label("How well do agencies share information?").check()
    page.get_by_label("Held").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Detective Chief Inspector, public protection")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Role").select_option(label="Police lead")
    page.get_by_label("Agency").select_option(label="Testshire Police")
    page.get_by_role("button", name="Add who they meet").click()
    expect(page.get_by_role("cell", name="Police lead", exact=True)).to_be_visible()

    page.get_by_role("button", name="Write your notes").click()
    expect(page.get_by_role("heading", name="Your notes")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How well do agencies share information?").fill("Strategy discussions happen within a day.")
    page.get_by_label("General notes").fill("Ran to time.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Strategy discussions happen within a day.")).to_be_visible()
    assert_accessible(page)
    assert SessionNote.objects.count() == 2

    page.get_by_role("link", name="Raise a finding").first.click()
    assert_accessible(page)
    page.get_by_label("Summary").fill("Police and children's services share information promptly")
    page.get_by_label("Strength").check()
    page.get_by_role("button", name="Save finding").click()
    expect(
        page.get_by_role("heading", name="Police and children's services share information promptly")
    ).to_be_visible()
    expect(page.get_by_text("On-site visits and officer interviews").first).to_be_visible()

    page.goto(f"{live_server.url}/reviews/{programme_review.pk}/interviews/")
    page.get_by_text("Each peer's agenda").click()
    page.get_by_role("link", name="Helen Ashdown").click()
    expect(page.get_by_role("heading", name="Agenda of Helen Ashdown")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Timetable", exact=True).click()
    expect(page.get_by_role("link", name="Detective Chief Inspector, public protection", exact=True)).to_be_visible()
    page.get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", name="Coverage of themes and scope areas")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lines of enquiry").click()
    expect(page.get_by_role("heading", name="Key lines of enquiry")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/{programme_review.pk}/interviews/import/")
    assert_accessible(page)
