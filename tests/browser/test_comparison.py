"""The comparison with an earlier review in a real Chromium: a council sponsor reads what changed since 2023."""

import datetime
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conference.models import Action
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import Review, Role

from ..conference.factories import ActionFactory, PriorityFactory
from ..factories import MembershipFactory, ReviewFactory, UserFactory
from ..reviews.test_comparison import grade_entries, met, missed
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
D = datetime.date


def test_the_sponsor_reads_the_comparison_with_the_earlier_review(live_server, page):
    review = ReviewFactory(
        title="Testshire children's safeguarding peer review 2026",
        onsite_start=D(2026, 11, 2),
        onsite_end=D(2026, 11, 6),
    )
    earlier = ReviewFactory(
        council=review.council,
        title="Testshire children's safeguarding peer review 2023",
        onsite_start=D(2023, 3, 6),
        status=Review.Status.CLOSED,
    )
    review.previous_review = earlier
    review.save()
    grade_entries(earlier, [3, 2])
    grade_entries(review, [2, 3])
    met(earlier, "E-1")
    missed(review, "C-1")
    priority = PriorityFactory(review=earlier, title="Strengthen the front door")
    ActionFactory(priority=priority, description="Publish the threshold document", status=Action.Status.DONE)
    ActionFactory(priority=priority, description="Audit contacts", status=Action.Status.IN_PROGRESS)
    sponsor = UserFactory(username="sponsor")
    MembershipFactory(review=review, user=sponsor, role=Role.SPONSOR)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("sponsor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=review.title).click()
    expect(page.get_by_role("heading", name="Since the last review")).to_be_visible()
    expect(page.get_by_text("1 of 2 actions in the earlier plan done, 1 not completed")).to_be_visible()
    assert_accessible(page)

    link = page.get_by_role("link", name="See the full comparison with the earlier review")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Since the last review", level=1)).to_be_visible()
    council_grades = page.get_by_role("table", name="Council's grades by scope area")
    expect(council_grades.get_by_role("row").nth(1)).to_contain_text("Requires improvement to be good")
    expect(council_grades.get_by_text("Better")).to_be_visible()
    expect(council_grades.get_by_text("Worse")).to_be_visible()
    expect(page.get_by_text("Audit contacts (priority: Strengthen the front door")).to_be_visible()
    # Audits and questionnaires: once in the list at the top, once in their sections.
    expect(page.get_by_text("No data in the earlier review")).to_have_count(4)
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/reviews/{earlier.pk}/")
    assert response.status == 404


def test_the_lead_chooses_the_earlier_review_with_the_keyboard(live_server, page):
    review = ReviewFactory(
        title="Testshire children's safeguarding peer review 2026",
        onsite_start=D(2026, 11, 2),
        onsite_end=D(2026, 11, 6),
    )
    ReviewFactory(council=review.council, title="Testshire peer review 2023", onsite_start=D(2023, 3, 6))
    ReviewFactory(council=review.council, title="Testshire peer review 2029", onsite_start=D(2029, 3, 5))
    lead = UserFactory(username="lead")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("link", name=f"Compare with an earlier review of {review.council.name}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Earlier review to compare with")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Earlier review of the council").select_option(label="Testshire peer review 2029")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="The previous review must have been on site before this one")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Earlier review of the council").select_option(label="Testshire peer review 2023")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_text("This review is now compared with “Testshire peer review 2023”.")).to_be_visible()
    expect(page.get_by_role("heading", name="Since the last review")).to_be_visible()
    assert_accessible(page)


def test_the_demo_comparison_reads_well_for_the_peer_lead(live_server, page, settings):
    settings.DEBUG = True  # the demo's default password needs it, as in the quick start
    call_command("seed_demo", stdout=io.StringIO())
    northmoor = Review.objects.get(title=NORTHMOOR_REVIEW)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("peer-review-demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reviews/{northmoor.pk}/comparison/")
    expect(page.get_by_role("heading", name="Since the last review", level=1)).to_be_visible()
    expect(
        page.get_by_role("table", name="Agreement between the council's audits and the peers' regrading")
    ).to_be_visible()
    expect(page.get_by_text("No data in the earlier review")).to_have_count(0)
    assert_accessible(page)
