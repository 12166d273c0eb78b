"""The overview's schedule at 1280 px in a real Chromium: no word of its labels or dates is broken across lines
(it once read "Conferen-ce")."""

import datetime

import pytest

from reviews.models import Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"

# Each word of the schedule's labels and values, with how many lines it takes on screen.
BROKEN_WORDS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll(".app-schedule dt, .app-schedule dd")) {
    const text = cell.firstChild && cell.firstChild.nodeType === Node.TEXT_NODE ? cell.firstChild : null;
    if (!text) continue;
    const re = /\\S+/g;
    let match;
    while ((match = re.exec(text.data)) !== null) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}
"""


def test_no_word_of_the_schedule_breaks_at_1280_pixels(live_server, page):
    review = ReviewFactory(
        title="Testshire children's safeguarding peer review 2026",
        scoping_date=datetime.date(2026, 8, 3),
        onsite_start=datetime.date(2026, 11, 9),
        onsite_end=datetime.date(2026, 11, 13),
        conference_date=datetime.date(2026, 11, 13),
        letter_due=datetime.date(2026, 12, 11),
    )
    MembershipFactory(review=review, user=UserFactory(username="lead"), role=Role.LEAD)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/reviews/{review.pk}/")

    assert page.viewport_size["width"] == 1280
    assert page.locator(".app-schedule dt").count() >= 7
    assert page.evaluate(BROKEN_WORDS) == []
    assert_accessible(page)
