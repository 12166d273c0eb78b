"""A report's own page in a real Chromium: reached and used with the keyboard, accessible, and updating itself
while the report is prepared."""

import io
import re

import pytest
from playwright.sync_api import expect
from pptx import Presentation

from reviews.models import Report, Role
from reviews.tasks import render_report

from ..factories import MembershipFactory, ReportFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def signed_in(live_server, page):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Amara", last_name="Quist")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return review, lead


def test_the_lead_requests_the_slides_opens_the_report_page_and_downloads_them_with_the_keyboard(
    live_server, page, signed_in, report_worker
):
    review, _ = signed_in
    page.goto(f"{live_server.url}/reviews/{review.pk}/reports/")

    page.get_by_role("button", name="Request a new feedback presentation").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Feedback presentation version 1 requested.")).to_be_visible()
    link = page.get_by_role("link", name="Feedback presentation version 1", exact=True)
    for _ in range(120):
        if page.get_by_text("Done", exact=True).count():
            break
        page.wait_for_timeout(500)
        page.reload()
    link.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Feedback presentation version 1")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Feedback presentation version 1 – Reports – "))
    expect(page.get_by_text("Done", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Download PowerPoint slides")).focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    slides = Presentation(io.BytesIO(download.path().read_bytes())).slides
    assert download.suggested_filename == f"presentation-report-review-{review.pk}-v1.pptx"
    assert slides[0].shapes.title.text_frame.text == f"Feedback to {review.council.name}"

    # Sharing asks first, saying what a report holds, then shares it and comes back to the report.
    page.get_by_role("button", name="Share with the council").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", level=1, name="Share feedback presentation version 1 with the council?")
    ).to_be_visible()
    expect(page.get_by_text("including draft findings and peer grades that were not published then")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Share with the council").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Feedback presentation version 1 shared with the council.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Feedback presentation version 1")).to_be_visible()
    assert Report.objects.get(review=review).shared_with_host

    # Shared by mistake: the lead takes it back from the same page.
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw from the council").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Feedback presentation version 1 withdrawn from the council")).to_be_visible()
    expect(page.get_by_role("button", name="Share with the council")).to_be_visible()
    assert not Report.objects.get(review=review).shared_with_host


def test_the_page_of_a_report_being_prepared_updates_itself_when_it_is_done(live_server, page, signed_in):
    review, lead = signed_in
    report = ReportFactory(review=review, kind=Report.Kind.PRESENTATION, requested_by=lead)
    page.goto(f"{live_server.url}/reviews/{review.pk}/reports/{report.pk}/")
    expect(page.get_by_text("Queued", exact=True)).to_be_visible()
    assert_accessible(page)

    render_report(report_id=report.pk)

    expect(page.get_by_text("Done", exact=True)).to_be_visible(timeout=15000)
    expect(page.get_by_role("link", name=re.compile("Download PowerPoint slides"))).to_be_visible()
    expect(page.locator("#report-status-live")).to_have_text("Report status updated.")
