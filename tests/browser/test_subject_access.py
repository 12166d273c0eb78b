"""Subject access in a real Chromium: an administrator reaches the page from the header with the keyboard alone,
searches for a peer and reads what is held, meets "Nothing held matches" for a name nobody has, and downloads the
JSON; the search works with JavaScript turned off too; axe on each page."""

import json
import re

import pytest
from playwright.sync_api import expect

from reviews.models import AccessLog, Role

from ..factories import CaseFactory, FindingFactory, MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT = 30_000

FINDING = "Strategic leaders know their children well and act on what they learn from audit."


@pytest.fixture
def held(db):
    """An administrator on no review; a review with a lead, a peer who raised a finding, and a case."""
    admin = UserFactory(username="admin", first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True)
    review = ReviewFactory(title="Fictional Borough children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Alexandra", last_name="Lead")
    peer = UserFactory(username="priya.peer", first_name="Priya", last_name="Peer")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    MembershipFactory(review=review, user=peer, role=Role.PEER)
    FindingFactory(review=review, raised_by=peer, summary=FINDING)
    FindingFactory(review=review, raised_by=lead, summary="A finding the lead raised, not the peer.")
    CaseFactory(review=review, reference="NM-004")
    return {"admin": admin, "peer": peer, "review": review}


@pytest.fixture
def no_script(browser):
    """A page in a browser context that runs no JavaScript at all."""
    context = browser.new_context(java_script_enabled=False, accept_downloads=True, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT)
    yield context.new_page()
    context.close()


def sign_in(page, live_server, username: str = "admin") -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="What I have read")).to_be_visible()


def results_heading(page, query: str):
    return page.get_by_role("heading", level=2, name=re.compile(rf"^\d+ records? held for “{re.escape(query)}”$"))


def test_an_administrator_searches_for_a_peer_by_keyboard_alone(live_server, page, held):
    sign_in(page, live_server)

    # From the header, Tab to "Subject access" and follow it with Enter.
    link = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Subject access")
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/subject-access/")
    expect(page.get_by_role("heading", name="Subject access", level=1)).to_be_visible()
    expect(link).to_have_attribute("aria-current", "page")
    assert page.title().startswith("Subject access")
    expect(page.get_by_text("Questionnaire answers are anonymous")).to_be_visible()
    assert page.locator("#main-content h2").count() == 0, "Results are shown before any search"
    assert_accessible(page)

    # Tab to the box, type the peer's username and send it with Enter.
    box = page.get_by_label("Person or case reference")
    tab_to(page, box)
    page.keyboard.type("priya.peer")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=priya.peer" in page.url
    expect(page.get_by_label("Person or case reference")).to_have_value("priya.peer")
    heading = results_heading(page, "priya.peer")
    expect(heading).to_be_visible()
    count = int(heading.inner_text().split()[0])
    assert count >= 3, "The account, the membership and the finding are all held about the peer"
    assert page.title().startswith("Subject access: priya.peer")
    expect(page.get_by_text("Team member Priya Peer (priya.peer)").first).to_be_visible()
    expect(page.get_by_text(FINDING, exact=True).first).to_be_visible()
    assert page.get_by_text("A finding the lead raised, not the peer.").count() == 0
    # The download links carry the search.
    expect(page.get_by_role("link", name="JSON")).to_have_attribute("href", "/subject-access/export.json?q=priya.peer")
    expect(page.get_by_role("link", name="PDF")).to_have_attribute("href", "/subject-access/export.pdf?q=priya.peer")
    assert AccessLog.objects.filter(
        user=held["admin"], action=AccessLog.Action.SEARCH, target="Subject access search for “priya.peer”"
    ).exists()
    assert_accessible(page)

    # A name nobody has: "Nothing held matches", and no download links.
    box = page.get_by_label("Person or case reference")
    tab_to(page, box)
    page.keyboard.press("Control+A")
    page.keyboard.type("Nobody Known")
    button = page.get_by_role("button", name="Search")
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nothing held matches “Nobody Known”", level=2)).to_be_visible()
    assert page.get_by_role("link", name="JSON").count() == 0
    assert page.get_by_text(FINDING).count() == 0
    assert_accessible(page)


def test_the_json_download_holds_what_the_page_shows(live_server, page, held):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/subject-access/")
    page.get_by_label("Person or case reference").fill("Priya Peer")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    heading = results_heading(page, "Priya Peer")
    expect(heading).to_be_visible()
    shown = int(heading.inner_text().split()[0])

    with page.expect_download(timeout=TIMEOUT) as download_info:
        page.get_by_role("link", name="JSON").click()
    download = download_info.value
    assert re.fullmatch(r"subject-access-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as handle:
        bundle = json.load(handle)

    assert bundle["query"] == "Priya Peer"
    assert isinstance(bundle["holdings"], list) and bundle["holdings"]
    assert sum(len(holding["records"]) for holding in bundle["holdings"]) == shown
    account = [holding for holding in bundle["holdings"] if holding["kind"] == "Account"]
    assert len(account) == 1
    assert account[0]["records"][0]["fields"]["username"] == "priya.peer"
    assert "password" not in account[0]["records"][0]["fields"]
    summaries = [record["fields"].get("summary") for holding in bundle["holdings"] for record in holding["records"]]
    assert FINDING in summaries
    assert "A finding the lead raised, not the peer." not in summaries


def test_without_javascript_the_search_still_works(live_server, no_script, held):
    page = no_script
    sign_in(page, live_server)
    assert page.locator("body.js-enabled").count() == 0, "JavaScript ran in the page"

    page.get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", name="Subject access", level=1)).to_be_visible()
    page.get_by_label("Person or case reference").fill("priya.peer@people.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    expect(results_heading(page, "priya.peer@people.example")).to_be_visible()
    expect(page.get_by_text(FINDING, exact=True).first).to_be_visible()

    # A case reference, in any case, sent with Enter from the box.
    page.get_by_label("Person or case reference").fill("nm-004")
    with page.expect_navigation():
        page.get_by_label("Person or case reference").press("Enter")
    expect(results_heading(page, "nm-004")).to_be_visible()
    expect(page.get_by_text(f"Case NM-004 in {held['review'].title}").first).to_be_visible()

    # Too short to search: said so, and nothing is listed.
    page.get_by_label("Person or case reference").fill("p")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Enter at least 2 characters to search.")).to_be_visible()
    assert page.locator("#main-content h2").count() == 0
    assert page.get_by_text(FINDING).count() == 0
