"""The letter's editor in a real Chromium: the toolbar formats text from the keyboard, the hidden textarea carries
the result, and the sponsor's factual-accuracy page passes axe."""

import pytest
from playwright.sync_api import expect

from conference import letter as letters
from conference.models import Letter
from reviews.models import Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def drafted():
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    lead = MembershipFactory(review=review, user=UserFactory(username="lead"), role=Role.LEAD).user
    MembershipFactory(review=review, user=UserFactory(username="sponsor"), role=Role.SPONSOR)
    return letters.generate_letter(review=review, user=lead, addressee_name="Ruth Calloway", addressee_role="DCS")


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_toolbar_makes_text_bold_from_the_keyboard_and_the_save_keeps_it(live_server, page, drafted):
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/reviews/{drafted.review_id}/conference/letter/edit/")
    editor = page.get_by_role("textbox", name="The letter")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    assert_accessible(page)

    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Closing words")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Shift+Tab")  # into the toolbar, on its first button
    expect(page.get_by_role("button", name="Heading", exact=True)).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Bold")).to_be_focused()
    page.keyboard.press("Enter")
    expect(editor.locator("b, strong")).to_have_text("Closing words")  # the selection made just before the toolbar
    page.get_by_role("button", name="Save the letter").click()

    expect(page.get_by_role("heading", name="Feedback letter", exact=True)).to_be_visible()
    body = Letter.objects.get().body
    assert "<b>Closing words</b>" in body or "<strong>Closing words</strong>" in body


def test_the_sponsor_comments_on_a_paragraph_in_the_browser(live_server, page, drafted):
    letters.share_letter(letter=drafted, user=drafted.updated_by)
    sign_in(page, live_server, "sponsor")
    page.goto(f"{live_server.url}/reviews/{drafted.review_id}/conference/letter/")
    assert_accessible(page)

    page.get_by_text("Comment on paragraph 2", exact=True).click()
    page.get_by_label("Your comment on paragraph 2", exact=True).fill("The name is spelt Callaway.")
    page.get_by_role("button", name="Send the comment on paragraph 2").click()

    expect(page.get_by_text("The name is spelt Callaway.")).to_be_visible()
    assert_accessible(page)
