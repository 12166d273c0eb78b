"""The self assessment in a real Chromium: the council uploads and submits, a peer grades it."""

import pytest
from playwright.sync_api import expect

from reviews.demo import demo_pdf
from reviews.models import Role
from selfassessment.models import Entry, PeerAnalysis

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
AREA = "2. Referral and access arrangements, including the use of the Common Assessment Framework (CAF), the application of thresholds and the assessment of risk"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()


def test_the_contributor_submits_an_entry_with_a_document_and_a_peer_grades_it(live_server, browser, page):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    for username, role in [("contributor", Role.CONTRIBUTOR), ("peer", Role.PEER)]:
        MembershipFactory(review=review, user=UserFactory(username=username), role=role)
    for area in review.framework.scope_areas.all():
        Entry.objects.create(review=review, scope_area=area)

    sign_in(page, live_server, "contributor")
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Documents").click()
    page.get_by_role("button", name="Upload a document").click()
    page.get_by_label("Title").fill("Threshold document 2026")
    page.get_by_label("File").set_input_files(
        files=[{"name": "thresholds.pdf", "mimeType": "application/pdf", "buffer": demo_pdf("Thresholds", ["Levels."])}]
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_text("Document “Threshold document 2026” uploaded.")).to_be_visible()

    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Self assessment and documentary analysis").click()
    expect(page.get_by_role("heading", name="Self assessment", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=AREA).click()
    assert_accessible(page)
    page.get_by_role("button", name="Edit entry").click()
    page.get_by_label("What we know").fill("Contacts are routed to the right level within a working day.")
    page.get_by_label("How we know it").fill("Monthly dip samples of 40 contacts.")
    page.get_by_label("What we will do next").fill("Train school designated leads on the new levels.")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("Threshold document 2026").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    page.get_by_role("button", name="Submit entry to the peer team").click()
    expect(page.get_by_text("submitted to the peer team")).to_be_visible()
    assert_accessible(page)

    peer_page = browser.new_page()
    sign_in(peer_page, live_server, "peer")
    peer_page.goto(f"{live_server.url}/reviews/{review.pk}/self-assessment/")
    peer_page.get_by_role("link", name=AREA).click()
    peer_page.get_by_role("button", name="Record the peer team's analysis").click()
    assert_accessible(peer_page)
    peer_page.get_by_label("The peer team's commentary").fill("The dip samples support the council's view.")
    peer_page.get_by_label("Requires improvement to be good").check()
    peer_page.get_by_role("button", name="Save analysis").click()
    expect(peer_page.get_by_text("The council cannot see it until published.")).to_be_visible()
    peer_page.get_by_role("link", name="Council and peer grades").click()
    expect(peer_page.get_by_role("cell", name="Council 1 grade higher")).to_be_visible()
    assert_accessible(peer_page)
    peer_page.close()

    entry = Entry.objects.get(review=review, scope_area__order=2)
    analysis = PeerAnalysis.objects.get(entry=entry)
    assert (entry.status, entry.grade.label, entry.documents.get().title) == (
        "submitted",
        "Good",
        "Threshold document 2026",
    )
    assert (analysis.grade.label, analysis.published_at) == ("Requires improvement to be good", None)
