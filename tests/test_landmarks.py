"""Landmarks, titles and link text on every page a lead can open (WCAG 1.3.1, 2.4.2, 2.4.4).

Walks the same URLs as the URL walker: breadcrumbs are a labelled navigation landmark, the banner and the review
navigation sit inside landmarks, no two links on a page say the same thing but go to different places, and two
objects of the same kind get pages with different titles.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from casemapping.models import Event, EventKind
from reviews.models import PlanningMember

from .factories import CaseFactory, PartnerFactory
from .test_url_walker import PARAMETER, fill, review_scoped_routes, walk
from .test_url_walker import objects as objects  # noqa: F401 (the walker's objects fixture)

LANDMARKS = {"header", "nav", "main", "footer", "aside", "search"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Blocks that must sit inside a landmark, by class.
MUST_BE_IN_A_LANDMARK = {"govuk-phase-banner", "moj-sub-navigation", "govuk-breadcrumbs"}


class Page(HTMLParser):
    """The title, the links with their accessible text, and the blocks found outside any landmark."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.title = ""
        self.links: list[tuple[str, str]] = []
        self.problems: list[str] = []
        self._link: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        classes = set(attrs.get("class", "").split())
        if "govuk-breadcrumbs" in classes and not (tag == "nav" and attrs.get("aria-label") == "Breadcrumb"):
            self.problems.append(f'breadcrumbs in <{tag}> rather than <nav aria-label="Breadcrumb">')
        for block in sorted(classes & MUST_BE_IN_A_LANDMARK):
            if tag != "nav" and not self._in_landmark():
                self.problems.append(f"{block} outside any landmark")
        if tag == "a" and "href" in attrs:
            self._link = {"href": attrs["href"], "text": [], "label": attrs.get("aria-label")}
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "a" and self._link is not None:
            text = self._link["label"] or "".join(self._link["text"])
            self.links.append((self._link["href"], " ".join(text.split())))
            self._link = None

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "title":
            self.title += data
        if self._link is not None and not any(attrs.get("aria-hidden") == "true" for _, attrs in self.stack):
            self._link["text"].append(data)

    def _in_landmark(self) -> bool:
        return any(
            tag in LANDMARKS or (tag == "section" and attrs.get("aria-label")) or attrs.get("role") == "region"
            for tag, attrs in self.stack
        )


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    page.title = " ".join(page.title.split())
    return page


def ambiguous_links(page: Page) -> list[str]:
    """Link texts that lead to more than one place on the page."""
    hrefs_by_text: dict[str, set[str]] = {}
    for href, text in page.links:
        if text and not href.startswith("#"):
            hrefs_by_text.setdefault(text, set()).add(href)
    return [f"{text!r} goes to {sorted(hrefs)}" for text, hrefs in sorted(hrefs_by_text.items()) if len(hrefs) > 1]


def pages_a_lead_opens(objects) -> list[str]:
    plain = sorted({"/" + route for route, _ in walk() if not PARAMETER.search(route) and "admin/" not in route})
    return plain + [fill(route, objects) for route in review_scoped_routes()]


def problems_on(client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    page = parse(response.content.decode())
    return [f"{url}: {problem}" for problem in page.problems + ambiguous_links(page)]


def test_the_parser_finds_ambiguous_links_and_breadcrumbs_outside_a_navigation_landmark():
    page = parse(
        '<div class="govuk-breadcrumbs"><a href="/a">Home</a></div><main>'
        '<a href="/e/1">View<span class="govuk-visually-hidden"> event on 3 March</span></a>'
        '<a href="/e/2">View<span class="govuk-visually-hidden"> event on 4 March</span></a>'
        '<a href="/f/1">Edit</a><a href="/f/2">Edit</a></main>'
    )

    assert page.problems == [
        'breadcrumbs in <div> rather than <nav aria-label="Breadcrumb">',
        "govuk-breadcrumbs outside any landmark",
    ]
    assert ambiguous_links(page) == ["'Edit' goes to ['/f/1', '/f/2']"]


def test_every_page_a_lead_opens_has_its_blocks_in_landmarks_and_unambiguous_links(objects, lead_client):
    problems = [problem for url in pages_a_lead_opens(objects) for problem in problems_on(lead_client, url)]

    assert problems == [], "\n".join(problems)


def test_no_two_pages_a_lead_opens_share_a_title(objects, lead_client):
    """Each page's title says which page it is (WCAG 2.4.2): two different pages never share one."""
    urls_by_title: dict[str, list[str]] = {}
    for url in pages_a_lead_opens(objects):
        response = lead_client.get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            urls_by_title.setdefault(parse(response.content.decode()).title, []).append(url)

    assert len(urls_by_title) > 100  # the walk reached the pages
    shared = {title: urls for title, urls in urls_by_title.items() if len(urls) > 1}
    assert shared == {}


def test_every_planning_group_members_edit_page_names_the_member(review, lead_client):
    police = PlanningMember.objects.create(
        review=review, role="Chair", partner=PartnerFactory(council=review.council, name="Testshire Police")
    )
    health = PlanningMember.objects.create(
        review=review, role="Chair", partner=PartnerFactory(council=review.council, name="Testshire ICB")
    )

    titles = [
        parse(
            lead_client.get(reverse("reviews:planning_member_edit", args=[review.pk, member.pk])).content.decode()
        ).title
        for member in (police, health)
    ]

    assert titles[0].startswith("Change Chair, Testshire Police in the planning group – ")
    assert titles[1].startswith("Change Chair, Testshire ICB in the planning group – ")


@pytest.fixture
def two_referrals(review):
    case = CaseFactory(review=review, reference="C-101")
    school = PartnerFactory(council=review.council, name="Testshire Primary")
    return [
        Event.objects.create(
            review=review,
            case=case,
            date=date,
            sequence=1,
            kind=EventKind.objects.get(slug="referral"),
            agency=school,
            summary=summary,
        )
        for date, summary in [(datetime.date(2026, 3, 3), "Referral from school"), (datetime.date(2026, 3, 4), "Again")]
    ]


def test_every_chronology_events_edit_page_names_the_event(review, lead_client, two_referrals):
    titles = [
        parse(
            lead_client.get(
                reverse("casemapping:event_edit", args=[review.pk, event.case_id, event.pk])
            ).content.decode()
        ).title
        for event in two_referrals
    ]

    assert titles[0].startswith("Edit the referral by Testshire Primary on 3 March 2026 – case C-101 – ")
    assert titles[1].startswith("Edit the referral by Testshire Primary on 4 March 2026 – case C-101 – ")


def test_the_chronologys_edit_links_say_which_event_they_edit(review, lead_client, two_referrals):
    page = parse(
        lead_client.get(reverse("casemapping:case_detail", args=[review.pk, two_referrals[0].case_id])).content.decode()
    )

    edit_links = sorted(text for href, text in page.links if href.endswith("/edit/") and "/events/" in href)
    assert edit_links == [
        "Edit referral by Testshire Primary on 3 Mar 2026 (event 1)",
        "Edit referral by Testshire Primary on 4 Mar 2026 (event 2)",
    ]
    assert ambiguous_links(page) == []


@pytest.mark.parametrize("route", ["/reviews/", "/glossary/"])
def test_pages_outside_a_review_have_a_title_of_their_own(route, lead_client):
    page = parse(lead_client.get(route).content.decode())

    assert not page.title.startswith("–")
