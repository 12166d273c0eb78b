"""Blind regrading and moderation in a real Chromium, with axe checks on every page visited."""

import pytest
from playwright.sync_api import expect

from audits.models import Validation
from reviews.models import Role
from tests.audits.helpers import make_audit

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
DOMAINS = [
    "Threshold and referral decision",
    "Quality of assessment",
    "Planning",
    "Voice of the child",
    "Multi-agency working and information sharing",
    "Management oversight and supervision",
    "Recording and chronology",
    "Timeliness",
    "Impact and outcomes",
]


@pytest.fixture
def validation_review():
    review = ReviewFactory(title="Testshire audit validation 2026")
    lead = UserFactory(username="lead")
    auditor = UserFactory(username="auditor")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    MembershipFactory(review=review, user=auditor, role=Role.CASE_AUDITOR)
    audit = make_audit(review, "C-07", ranks=[2] * 9, overall=2, narrative="Council found the plan sound")
    Validation.objects.create(review=review, audit=audit, auditor=auditor)
    return review


def sign_in(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_a_case_auditor_regrades_blind_and_the_lead_moderates(live_server, browser, validation_review):
    review = validation_review
    page = sign_in(browser, live_server, "auditor")
    page.goto(f"{live_server.url}/reviews/{review.pk}/audits/")
    expect(page.get_by_role("heading", name="Cases for you to regrade")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Case C-07", exact=True).click()
    expect(page.get_by_role("heading", name="Case C-07")).to_be_visible()
    assert "Council found the plan sound" not in page.content()
    page.get_by_role("button", name="Submit my grades").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    for domain in DOMAINS:
        page.get_by_role("group", name=domain).get_by_label("Good", exact=True).check()
    page.get_by_role("group", name="Timeliness").get_by_label("Inadequate").check()
    page.get_by_role("group", name="Overall grade").get_by_label("Requires improvement to be good").check()
    page.get_by_label("Your analysis").fill("Visits slipped in the summer; the plan did not change.")
    page.get_by_role("button", name="Submit my grades").click()
    expect(page.get_by_role("heading", name="Case C-07: council and peer grades")).to_be_visible()
    expect(page.get_by_text("Council found the plan sound")).to_be_visible()
    assert_accessible(page)

    lead = sign_in(browser, live_server, "lead")
    lead.goto(f"{live_server.url}/reviews/{review.pk}/audits/")
    lead.get_by_role("link", name="Case C-07", exact=True).click()
    lead.get_by_role("link", name="Compare them with the council's grades").click()
    lead.get_by_role("button", name="Moderate").click()
    lead.get_by_role("button", name="Save the moderation").click()
    expect(lead.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(lead)

    lead.get_by_role("group", name="Agreed grade: Timeliness").get_by_label("Requires improvement to be good").check()
    lead.get_by_role("group", name="Agreed grade: Overall").get_by_label("Good", exact=True).check()
    lead.get_by_label("Rationale").fill("Visits slipped but were recovered within the month.")
    lead.get_by_role("button", name="Save the moderation").click()
    expect(lead.get_by_text("Visits slipped but were recovered within the month.")).to_be_visible()
    assert_accessible(lead)

    lead.goto(f"{live_server.url}/reviews/{review.pk}/audits/statistics/")
    expect(lead.get_by_role("heading", name="Agreement between the council's and the peers' grades")).to_be_visible()
    assert_accessible(lead)
    assert Validation.objects.get(review=review).status == Validation.Status.MODERATED
