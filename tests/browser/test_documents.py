"""The evidence store in a real Chromium: a council contributor uploads a document and finds it in the register."""

import pytest
from playwright.sync_api import expect

from reviews.demo import demo_pdf
from reviews.models import EvidenceDocument, Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


def test_the_contributor_uploads_a_document_and_sees_it_in_the_register(live_server, page, settings, tmp_path):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    contributor = UserFactory(username="contributor", first_name="Priya", last_name="Okafor")
    MembershipFactory(review=review, user=contributor, role=Role.CONTRIBUTOR)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("contributor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Documents").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    expect(page.get_by_text("No documents match.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Upload a document").click()
    expect(page.get_by_role("heading", name="Upload a document")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Title").fill("Threshold document")
    page.get_by_label("File").set_input_files(
        files=[{"name": "threshold.pdf", "mimeType": "application/pdf", "buffer": b"<html><body>hi</body></html>"}]
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="The selected file contains a web page")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Type of document").select_option(label="Policy, procedure or strategy")
    page.get_by_label("Working together").check()
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "Threshold document 2025.pdf",
                "mimeType": "application/pdf",
                "buffer": demo_pdf("Threshold document", ["Levels of need in Testshire."]),
            }
        ]
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_role("heading", name="Threshold document")).to_be_visible()
    expect(page.get_by_text("Document “Threshold document” uploaded.")).to_be_visible()
    expect(page.get_by_role("link", name="Download version 1, Threshold document 2025.pdf")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to documents").click()
    row = page.get_by_role("row", name="Threshold document")
    expect(row).to_contain_text("Policy, procedure or strategy")
    expect(row).to_contain_text("Priya Okafor")
    assert_accessible(page)
    assert EvidenceDocument.objects.get().versions.get().original_name == "Threshold document 2025.pdf"
