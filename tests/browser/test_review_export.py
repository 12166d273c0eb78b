"""The whole-review export in a real Chromium, with JavaScript off as well as on: the lead reaches "Export this
review" from the reports page and asks for an export with the keyboard, a worker (or, without a broker, the web
process) writes it, the refreshed page offers the ZIP, and the download holds the review; axe on the page."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reviews.models import ReviewExport, Role

from ..factories import CaseFactory, MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def review(db):
    review = ReviewFactory(title="Fictional Borough children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Alexandra", last_name="Lead")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    CaseFactory(review=review, reference="NM-004")
    return review


@pytest.fixture(params=[True, False], ids=["with-javascript", "without-javascript"])
def any_page(request, browser):
    context = browser.new_context(
        java_script_enabled=request.param, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.javascript = request.param
    yield page
    context.close()


def test_the_lead_asks_for_an_export_and_downloads_it(live_server, any_page, review, report_worker):
    page = any_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reviews/{review.pk}/reports/")
    page.get_by_role("link", name="Export this review").click()
    expect(page.get_by_role("heading", name="Export this review")).to_be_visible()
    if page.javascript:  # axe runs in the page, so only where scripts may
        assert_accessible(page)

    button = page.get_by_role("button", name="Prepare an export")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.get_by_text("The export is being prepared")).to_be_visible()

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not ReviewExport.objects.filter(review=review, status="done").exists():
        time.sleep(0.5)
    page.reload()
    link = page.get_by_role("link", name="Download the ZIP")
    expect(link).to_be_visible()
    if page.javascript:
        assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    document = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("review.json"))
    assert document["source"]["review_id"] == review.pk
    assert [case["fields"]["reference"] for case in document["objects"]["reviews.case"]] == ["NM-004"]

    # The ZIP is safe: the lead deletes the site's copy with the keyboard, and the page says it is gone.
    delete = page.get_by_role("button", name="Delete the file now")
    tab_to(page, delete)
    page.keyboard.press("Enter")
    expect(page.get_by_text("The file is deleted from this site.")).to_be_visible()
    expect(page.get_by_text("Deleted by the lead")).to_be_visible()
    expect(page.get_by_role("link", name="Download the ZIP")).to_have_count(0)
    assert ReviewExport.objects.get(review=review).status == "deleted"
    if page.javascript:
        assert_accessible(page)
