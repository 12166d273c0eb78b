"""Two-factor sign-in in a real Chromium, with the keyboard alone and with JavaScript off: a lead signs in with the
password, is sent to set up an authenticator app, types the key shown into (here) a computed authenticator, keeps
the recovery codes and reaches the page asked for; signing in again asks for a code; axe on each page."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from reviews.models import Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
TIMEOUT = 30_000


def code(secret: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.fixture
def review(db, settings):
    settings.TWO_FACTOR_ENFORCED = True
    review = ReviewFactory(title="Fictional Borough children's safeguarding peer review 2026")
    MembershipFactory(review=review, user=UserFactory(username="lead"), role=Role.LEAD)
    return review


def sign_in_with_keyboard(page, live_server, next_path: str) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("lead")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_lead_sets_up_an_app_then_signs_in_with_a_code(browser, live_server, review, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    overview = f"/reviews/{review.pk}/"

    sign_in_with_keyboard(page, live_server, overview)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in", level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    if javascript:
        assert_accessible(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")

    tab_to(page, page.get_by_label("Code from the app"))
    page.keyboard.type("000000" if code(secret) != "000000" else "111111")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="That code is not right")).to_be_visible()
    if javascript:
        assert_accessible(page)
    time.sleep(1.1)  # the one-second wait after a wrong code
    page.get_by_label("Code from the app").fill(code(secret))
    page.get_by_label("Code from the app").press("Enter")

    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    if javascript:
        assert_accessible(page)
    continue_link = page.get_by_role("link", name="I have kept my codes: continue")
    tab_to(page, continue_link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=review.title, level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_keyboard(page, live_server, overview)
    expect(page.get_by_role("heading", name="Enter your code", level=1)).to_be_visible()
    if javascript:
        assert_accessible(page)
    tab_to(page, page.get_by_label("Enter your code"))
    page.keyboard.type(code(secret, steps_ahead=1))  # the code just used is spent; the next step's is accepted
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=review.title, level=1)).to_be_visible()
    context.close()
