"""Each role sees only what it can do: on the overview and every stage page, no form posts to a URL the role
may not post to, and no link opens a page that refuses the role."""

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse

from reviews import stages
from reviews.models import Role

from ..conftest import _member
from ..factories import FindingFactory
from ..test_url_walker import stage_object_makers

ROLES = [
    Role.LEAD,
    Role.CHALLENGE_MANAGER,
    Role.PEER,
    Role.CASE_AUDITOR,
    Role.SPONSOR,
    Role.ORGANISER,
    Role.CONTRIBUTOR,
    Role.OBSERVER,
]


class _Controls(HTMLParser):
    """The targets of a page's POST forms and of its links."""

    def __init__(self) -> None:
        super().__init__()
        self.post_actions: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.post_actions.append(attributes.get("action") or "")
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


class _Undo(Exception):
    pass


def controls_of(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


def stage_pages(review) -> list[str]:
    return [reverse("reviews:overview", args=[review.pk])] + [
        reverse(stage.entry_url_name, args=[review.pk]) for stage in stages.all_stages()
    ]


def post_status(client, url: str) -> int:
    """What a POST of an empty form gives, undone afterwards so one form does not change the next page."""
    status = 0
    try:
        with transaction.atomic():
            status = client.post(url, {}).status_code
            raise _Undo
    except _Undo:
        pass
    return status


@pytest.fixture
def populated_review(review, lead):
    FindingFactory(review=review, raised_by=lead)
    for make in stage_object_makers():
        make(review, lead)
    return review


@pytest.mark.parametrize("role", ROLES)
def test_no_stage_page_offers_a_role_a_form_or_link_it_would_be_refused(role, populated_review, client):
    review = populated_review
    user = _member(review, role, f"member-{role}")
    client.force_login(user)
    review_prefix = re.compile(rf"^/reviews/{review.pk}/")
    refused = []

    seen = {}
    for page in stage_pages(review):
        response = client.get(page)
        assert response.status_code == 200, page
        controls = controls_of(response.content.decode())
        for action in controls.post_actions:
            target = action or page
            if review_prefix.match(target):
                status = post_status(client, target)
                if status in {403, 404}:
                    refused.append(f"{page}: form posting to {target} gives {status}")
        for link in controls.links:
            target = link.split("#")[0]
            if target and review_prefix.match(target) and target not in seen:
                seen[target] = client.get(target).status_code
            if target and seen.get(target) in {403, 404}:
                refused.append(f"{page}: link to {target} is refused")

    assert refused == []
