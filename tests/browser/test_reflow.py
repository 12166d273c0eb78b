"""Reflow at 320 px (WCAG 1.4.10): a crawl of every page a lead reaches from the demo review's overview, and the
public questionnaire and vote pages, finds no page that scrolls sideways. Only a data table or the timeline may
scroll, inside its own region that has a name and can be focused from the keyboard."""

import io
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from conference import services as conference_services
from focusgroups.models import Audience
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import Review

from ..conference.factories import CandidateFactory, RoundFactory
from ..focusgroups.conftest import make_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NARROW = {"width": 320, "height": 640}
# Pages of one kind (each case, each finding) share a template: two of each are enough to see how it reflows.
VISITS_PER_ROUTE = 2
MAX_PAGES = 250
SKIPPED_ENDINGS = (".pdf", ".csv", ".xlsx", ".docx", ".ics", ".json", ".zip")
SKIPPED_WORDS = ("/logout/", "/admin/", "/download", "/export", "/pdf/", "/docx/", "/xlsx/", "/csv/", "/ics/")

MEASURE = """() => {
  const MIN_TEXT_HEIGHT = 10;
  const offenders = [];
  for (const element of document.querySelectorAll("body *")) {
    const style = getComputedStyle(element);
    const scrolls = ["auto", "scroll"].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
    if (!scrolls) continue;
    const named = element.getAttribute("role") === "region" && (element.getAttribute("aria-label") || "").trim();
    if (!named || element.tabIndex !== 0) offenders.push(element.outerHTML.slice(0, 120));
  }
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1 || element.scrollWidth > window.innerWidth)
    .filter((element) => !element.closest(".app-table-scroll, .app-chart-scroll, .govuk-visually-hidden, .govuk-skip-link"))
    .slice(-3)
    .map((element) => element.outerHTML.slice(0, 120));
  const tinyText = [...document.querySelectorAll("svg text")]
    .map((text) => text.getBoundingClientRect().height)
    .filter((height) => height > 0 && height < MIN_TEXT_HEIGHT);
  return {
    tinyText: tinyText.length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    unnamedScrollers: offenders,
    wide: wide,
  };
}"""

LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter((link) => !link.hasAttribute("download"))
  .map((link) => link.href)"""


def worth_visiting(url: str, origin: str) -> bool:
    if not url.startswith(origin):
        return False
    path = urlsplit(url).path
    return not path.endswith(SKIPPED_ENDINGS) and not any(word in path for word in SKIPPED_WORDS)


def route_of(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return urlsplit(url).path


def problems_at(page) -> list[str]:
    measured = page.evaluate(MEASURE)
    problems = []
    if measured["scrollWidth"] > measured["innerWidth"]:
        problems.append(
            f"{page.url} scrolls sideways: {measured['scrollWidth']} px wide in a {measured['innerWidth']} px "
            f"window; widest: {measured['wide']}"
        )
    if measured["tinyText"]:
        problems.append(f"{page.url} shrinks {measured['tinyText']} words of a chart below 10 px")
    problems += [
        f"{page.url} scrolls inside an unnamed or unfocusable element: {html}" for html in measured["unnamedScrollers"]
    ]
    return problems


def crawl(page, start: str, origin: str) -> tuple[list[str], list[str]]:
    """Breadth first over same-origin GET links; returns the pages visited and the problems found."""
    queue, seen, visited, problems = deque([start]), {start}, [], []
    per_route: dict[str, int] = {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        route = route_of(url)
        if per_route.get(route, 0) >= VISITS_PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a link to a file: the browser downloads it instead of showing a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(url)
        problems += problems_at(page)
        for link in page.evaluate(LINKS):
            link = urldefrag(link).url
            if link not in seen and worth_visiting(link, origin):
                seen.add(link)
                queue.append(link)
    return visited, problems


@pytest.fixture
def demo_review(settings):
    settings.DEBUG = True  # the demo's default password needs it, as in the quick start
    call_command("seed_demo", stdout=io.StringIO())
    return Review.objects.get(title=NORTHMOOR_REVIEW)


def test_every_page_a_lead_reaches_reflows_at_320_px(live_server, browser, demo_review):
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("peer-review-demo")
    page.get_by_role("button", name="Sign in").click()

    visited, problems = crawl(page, f"{live_server.url}/reviews/{demo_review.pk}/", live_server.url)
    context.close()

    print(len(visited), "pages")
    assert len(visited) >= 60, visited
    assert problems == []


def test_the_public_questionnaire_and_vote_pages_reflow_at_320_px(live_server, browser, review):
    questionnaire = make_questionnaire(
        review, title="Children 8 to 11", audience=Audience.CHILDREN, age_band="8-11", simple_pages=True
    )
    round_ = RoundFactory(review=review)
    CandidateFactory(round=round_, title="Make the front door consistent for every family and every agency")
    CandidateFactory(round=round_, title="Put the child's voice in every plan")
    [(_, code)] = conference_services.issue_cards(round_=round_, count=1)
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()

    problems = []
    for path in [
        f"/q/{questionnaire.token}/",
        "/vote/",
        f"/vote/ballot/{code}/",
        "/accessibility/",
        "/accounts/login/",
    ]:
        page.goto(f"{live_server.url}{path}")
        problems += problems_at(page)
    context.close()

    assert problems == []


def test_a_table_region_is_a_tab_stop_only_while_it_scrolls(live_server, browser):
    """With JavaScript, a region whose table fits is skipped by Tab; once the window narrows it scrolls and is one."""
    from reviews.models import Role

    from ..factories import FindingFactory, MembershipFactory, ReviewFactory, UserFactory

    review = ReviewFactory()
    MembershipFactory(review=review, user=UserFactory(username="reflow-lead"), role=Role.LEAD)
    FindingFactory(review=review, summary="Return interviews are offered within 72 hours")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("reflow-lead")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reviews/{review.pk}/findings/")
    region = page.locator(".app-table-scroll").first

    assert region.get_attribute("tabindex") is None
    page.set_viewport_size(NARROW)
    page.wait_for_function("() => document.querySelector('.app-table-scroll').getAttribute('tabindex') === '0'")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("() => !document.querySelector('.app-table-scroll').hasAttribute('tabindex')")
    context.close()
