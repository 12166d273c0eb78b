"""The session timeout warning in a real Chromium: a modal dialog before the session ends, "Stay signed in" keeps
the session, "Sign out" ends it, and when the time runs out the page stays as it was and says so."""

import pytest
from playwright.sync_api import expect

from reviews.models import Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def short_session(settings):
    """A session of 123 seconds: the two-minute warning comes 3 seconds after a page opens."""
    settings.SESSION_COOKIE_AGE = 123
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    MembershipFactory(review=review, user=UserFactory(username="lead"), role=Role.LEAD)
    return review


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_warning_comes_before_the_session_ends_and_stay_signed_in_keeps_it(live_server, page, short_session):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/reviews/{short_session.pk}/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")

    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    expect(dialog.get_by_role("heading", name="You’re about to be signed out")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Stages")).to_be_visible()


def test_sign_out_in_the_warning_signs_out(live_server, page, short_session):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/reviews/{short_session.pk}/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)

    dialog.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_when_the_time_runs_out_the_page_stays_and_says_so(live_server, page, short_session):
    sign_in(page, live_server)
    page.clock.install()
    page.goto(f"{live_server.url}/reviews/{short_session.pk}/findings/new/")
    page.get_by_label("Summary").fill("Typed before the session ended")

    page.clock.run_for(124_000)

    dialog = page.get_by_role("dialog", name="You have been signed out")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("link", name="Sign in again")).to_have_attribute(
        "href", f"/accounts/login/?next=/reviews/{short_session.pk}/findings/new/"
    )
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(page.get_by_label("Summary")).to_have_value("Typed before the session ended")
