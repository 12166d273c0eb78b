"""Exporting a review in a real Chromium: the lead finds the button on the reports page, uses it with the keyboard,
and the downloaded archive imports again as a copy."""

import json
import time
import zipfile

import pytest
from playwright.sync_api import expect

from reviews import transfer
from reviews.models import AccessLog, ReviewExport, Role

from ..factories import CaseFactory, MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


def test_the_lead_exports_the_review_with_the_keyboard_and_it_imports_again(live_server, page, tmp_path, report_worker):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Amara", last_name="Quist")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    CaseFactory(review=review, reference="C-01")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Move this review to another installation")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Export this review").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Prepare an export").focus()
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not ReviewExport.objects.filter(review=review, status="done").exists():
        time.sleep(0.5)
    page.reload()
    page.get_by_role("link", name="Download the ZIP").focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    assert download.suggested_filename == f"review-{review.pk}-export.zip"
    document = json.loads(zipfile.ZipFile(path).read("review.json"))
    assert document["source"]["title"] == review.title
    assert [row["fields"]["reference"] for row in document["objects"]["reviews.case"]] == ["C-01"]
    assert AccessLog.objects.filter(review=review, user=lead, action=AccessLog.Action.EXPORT).count() == 1
    with path.open("rb") as source:
        copy = transfer.import_review(source, title="Testshire review, copy").review
    assert list(copy.cases.values_list("reference", flat=True)) == ["C-01"]
