"""The programme dashboard in a real Chromium: at 1280 px its table fits without scrolling sideways, at 320 px
only the table's own region scrolls; a programme manager moves by keyboard to a review and back; axe on each."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from reviews.models import Council, Review, Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"

OVERFLOW = """
() => {
  const table = document.querySelector(".app-programme-table");
  const region = table.closest("[role=region]") || table.parentElement;
  return {page: document.documentElement.scrollWidth, region: region.scrollWidth - region.clientWidth};
}
"""


@pytest.fixture
def programme(db):
    for number in range(12):
        review = ReviewFactory(
            title=f"Fictional Borough {number} children's safeguarding peer review 2026",
            council__name=f"Fictional Borough Council {number}",
            council__region=Council.Region.YORKSHIRE,
            status=Review.Status.REPORTING,
            onsite_start=datetime.date(2026, 3, 9),
            letter_due=datetime.date(2026, 5, 1),
        )
        MembershipFactory(
            review=review,
            role=Role.LEAD,
            user=UserFactory(username=f"lead{number}", first_name="Alexandra", last_name=f"Longname-Example{number}"),
        )
    manager = UserFactory(username="programme")
    manager.user_permissions.add(Permission.objects.get(codename="view_programme"))
    return manager


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("programme")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_dashboard_fits_1280_pixels_and_a_review_opens_by_keyboard_and_back(live_server, page, programme):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/reviews/programme/")

    assert page.evaluate(OVERFLOW) == {"page": 1280, "region": 0}
    assert page.get_by_text("Late").count() >= 1
    assert_accessible(page)

    link = page.get_by_role("link", name="Fictional Borough 0 children's safeguarding peer review 2026")
    for _ in range(80):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    assert link.evaluate("element => element === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Dates").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the programme").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Programme", exact=True).is_visible()


def test_at_320_pixels_only_the_table_region_scrolls(live_server, page, programme):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/reviews/programme/")

    assert page.evaluate(OVERFLOW)["page"] <= 320
    assert_accessible(page)
