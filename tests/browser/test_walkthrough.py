"""The foundation's walk in a real Chromium: log in, open the review, add a finding, get the baseline report."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pypdf import PdfReader

from reviews.models import Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

# Each test commits for real (the live server and the worker are other threads or processes); the data
# migration's framework is restored after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def walk_review():
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Helen", last_name="Ashdown")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    MembershipFactory(review=review, user=UserFactory(username="sponsor"), role=Role.SPONSOR)
    return review


def test_the_lead_adds_a_finding_and_downloads_the_baseline_report(live_server, page, walk_review, report_worker):
    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=walk_review.title).click()
    expect(page.get_by_role("heading", name="Stages")).to_be_visible()
    for title in [
        "Self assessment and documentary analysis",
        "Case mapping",
        "Audit validation and case review",
        "Focus groups and questionnaires",
        "On-site visits and officer interviews",
        "Feedback and prioritisation conference",
    ]:
        expect(page.get_by_role("main").get_by_role("link", name=title)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Findings").click()
    page.get_by_role("button", name="Add a finding").click()
    page.get_by_role("button", name="Save finding").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Summary").fill("Early help assessments are timely and led by the right agency")
    page.get_by_label("Strength").check()
    page.get_by_label("Theme").select_option(label="Working together")
    page.get_by_label("Stage that raised it").select_option(label="Case mapping")
    page.get_by_label("Detail (optional)").fill("Seen in four of the six cases mapped.")
    page.get_by_role("button", name="Save finding").click()
    expect(
        page.get_by_role("heading", name="Early help assessments are timely and led by the right agency")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Reports").click()
    page.get_by_role("button", name="Request a new baseline report").click()
    download_link = page.get_by_role("link", name=re.compile("Download PDF"))
    for _ in range(120):
        if download_link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(download_link).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    data = download.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert download.suggested_filename == f"baseline-report-review-{walk_review.pk}-v1.pdf"
    assert walk_review.title in text
    assert "Early help assessments are timely and led by the right agency" in text


def test_the_whole_walk_can_be_done_with_the_keyboard(live_server, page, walk_review):
    page.goto(f"{live_server.url}/accounts/login/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("Username").focus()
    page.keyboard.type("lead")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    page.get_by_role("link", name=walk_review.title).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Stages")).to_be_visible()
    page.get_by_role("link", name="Findings", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Add a finding").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Summary").focus()
    page.keyboard.type("Keyboard users can record findings")
    page.get_by_label("Strength").focus()
    page.keyboard.press("Space")
    page.get_by_label("Theme").focus()
    page.keyboard.press("ArrowDown")
    page.get_by_role("button", name="Save finding").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Keyboard users can record findings")).to_be_visible()
    assert get_user_model().objects.get(username="lead").findings_raised.count() == 1


def test_the_host_sponsor_sees_the_review_but_not_draft_findings(live_server, page, walk_review):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("sponsor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name=walk_review.title).click()
    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Findings").click()

    expect(page.get_by_text("You see the findings the peer team has published to the council.")).to_be_visible()
    expect(page.get_by_role("button", name="Add a finding")).to_have_count(0)
    assert_accessible(page)
