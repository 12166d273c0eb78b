"""A peer adds events to a case's chronology in a real Chromium and sees a missed timescale flagged."""

import pytest
from playwright.sync_api import expect

from reviews.models import PartnerKind, Role

from ..factories import CaseFactory, MembershipFactory, PartnerFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def mapped_case():
    review = ReviewFactory(title="Testshire case mapping walk")
    MembershipFactory(review=review, user=UserFactory(username="peer"), role=Role.PEER)
    PartnerFactory(
        council=review.council,
        name="Testshire Children's Services",
        kind=PartnerKind.objects.get(slug="childrens-social-care"),
    )
    return CaseFactory(review=review, reference="C-001")


def add_event(page, day: str, kind: str, summary: str) -> None:
    page.get_by_role("button", name="Add an event").click()
    page.get_by_label("Date of the event").fill(day)
    page.get_by_label("Kind of event").select_option(label=kind)
    page.get_by_label("Agency").first.select_option(label="Testshire Children's Services")
    page.get_by_label("What happened").fill(summary)
    page.get_by_role("button", name="Save event").click()


def test_a_peer_adds_events_and_sees_a_missed_timescale(live_server, page, mapped_case):
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_label("Username").fill("peer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reviews/{mapped_case.review_id}/case-mapping/")
    expect(page.get_by_role("heading", name="Case mapping", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="C-001").click()
    page.get_by_role("button", name="Add an event").click()
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    add_event(page, "2025-02-05", "Strategy discussion", "Strategy discussion with police")
    add_event(page, "2025-03-05", "Initial child protection conference", "Initial conference held")

    expect(page.get_by_role("cell", name="5 Feb 2025: Missed by 5 working days")).to_be_visible()
    expect(page.get_by_text("missed timescales in this chronology")).to_be_visible()
    expect(page.locator("svg.app-timeline")).to_be_visible()
    assert_accessible(page)
