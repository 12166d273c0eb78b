"""Prioritisation in a real Chromium: the lead issues ballot cards, three phones vote with them without accounts (a
used card is refused), the lead closes the round and sees the ranking."""

import pytest
from playwright.sync_api import expect

from conference.models import Ballot
from reviews.models import Finding, Role

from ..factories import FindingFactory, MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
PHONE = {"width": 390, "height": 844}
CANDIDATES = ["Make the front door consistent", "Put the child's voice in every plan", "Reduce caseloads"]


@pytest.fixture
def conference_review():
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    MembershipFactory(review=review, user=UserFactory(username="lead"), role=Role.LEAD)
    for summary in CANDIDATES:
        FindingFactory(review=review, summary=summary, kind=Finding.Kind.AREA, status=Finding.Status.AGREED)
    return review


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def vote_on_a_phone(browser, live_server, code: str, points: list[int]) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/vote/")
    assert_accessible(phone)
    phone.get_by_label("Ballot code").fill(code.lower())
    phone.get_by_role("button", name="Continue").click()
    for title, value in zip(CANDIDATES, points, strict=True):
        phone.get_by_label(title).fill(str(value))
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.get_by_role("heading", name="Your vote has been counted")).to_be_visible()
    assert_accessible(phone)
    context.close()


def try_a_used_card(browser, live_server, code: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/vote/")
    phone.get_by_label("Ballot code").fill(code)
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("This ballot card has already been used.")
    assert_accessible(phone)
    context.close()


def test_three_phones_vote_with_ballot_cards_and_the_lead_sees_the_ranking(
    live_server, browser, page, conference_review
):
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/reviews/{conference_review.pk}/conference/rounds/")
    assert_accessible(page)
    page.get_by_role("button", name="Open a round").click()
    assert_accessible(page)
    page.get_by_label("Ballot cards to print").fill("4")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name="Ballot cards", level=1)).to_be_visible()
    cards = page.locator("[data-card-code]")
    expect(cards).to_have_count(4)
    assert_accessible(page)
    codes = cards.all_inner_texts()

    vote_on_a_phone(browser, live_server, codes[0], [5, 3, 2])
    vote_on_a_phone(browser, live_server, codes[1], [1, 6, 3])
    vote_on_a_phone(browser, live_server, codes[2], [4, 4, 2])
    try_a_used_card(browser, live_server, codes[0])
    page.get_by_role("link", name="Back to the round").click()
    expect(page.get_by_text("3 votes so far.")).to_be_visible()
    expect(page.locator("#results")).to_have_count(0)
    expect(page.locator("#ballots")).to_contain_text("Cards unused")
    assert_accessible(page)
    page.get_by_role("button", name="Close the round and show the results").click()
    expect(page.get_by_text("1 of the 4 ballot cards issued has not been used.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep voting open").click()
    expect(page.locator("#confirm-close")).to_have_count(0)
    page.get_by_label("Card number").fill("4")
    page.get_by_role("button", name="Void this card").click()
    expect(page.get_by_text("Card 4 is void: it can no longer be used.")).to_be_visible()

    page.get_by_role("button", name="Close the round and show the results").click()

    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Put the child's voice in every plan")
    expect(rows.nth(0)).to_contain_text("13")
    expect(rows.nth(1)).to_contain_text("Make the front door consistent")
    expect(rows.nth(2)).to_contain_text("Reduce caseloads")
    assert list(Ballot.objects.order_by("number").values_list("status", flat=True)) == ["used", "used", "used", "void"]
    assert_accessible(page)


def test_the_conference_pages_pass_axe(live_server, page, conference_review):
    from conference.models import Letter

    from ..conference.factories import ActionFactory, PriorityFactory

    priority = PriorityFactory(review=conference_review, title="Make the front door consistent")
    action = ActionFactory(priority=priority)
    Letter.objects.create(
        review=conference_review, body="<h2>Headline messages</h2>\n<p>The front door works well.</p>"
    )
    base = f"{live_server.url}/reviews/{conference_review.pk}/conference"
    sign_in(page, live_server, "lead")

    for path in [
        "/",
        "/findings/",
        "/presentation/",
        "/letter/",
        "/letter/edit/",
        "/letter/publish/",
        "/plan/",
        f"/plan/actions/{action.pk}/",
    ]:
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)

    page.goto(f"{base}/plan/priorities/{priority.pk}/actions/new/")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
