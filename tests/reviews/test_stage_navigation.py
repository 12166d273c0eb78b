"""Every review page links to the other stages the member may open, with the current stage marked."""

import re

import pytest
from django.urls import reverse

from reviews import stages

NAV = re.compile(r'<nav class="moj-sub-navigation app-stage-navigation" aria-label="Review stages">(.*?)</nav>', re.S)
LINK = re.compile(r'<a class="moj-sub-navigation__link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def stage_links(response) -> list[tuple[str, bool, str]]:
    found = NAV.search(response.content.decode())
    assert found is not None, "no stage navigation on the page"
    return [(href, bool(current), title) for href, current, title in LINK.findall(found.group(1))]


def test_a_stage_page_links_to_every_stage_and_marks_itself_current(review, contributor_client):
    response = contributor_client.get(reverse("casemapping:case_create", args=[review.pk]))

    links = stage_links(response)

    assert links == [
        (f"/reviews/{review.pk}/self-assessment/", False, "Self assessment"),
        (f"/reviews/{review.pk}/case-mapping/", True, "Case mapping"),
        (f"/reviews/{review.pk}/audits/", False, "Audit validation"),
        (f"/reviews/{review.pk}/focus-groups/", False, "Questionnaires and focus groups"),
        (f"/reviews/{review.pk}/interviews/", False, "On-site interviews"),
        (f"/reviews/{review.pk}/conference/", False, "Conference"),
    ]


@pytest.mark.parametrize(
    ("url_name", "current"),
    [
        ("selfassessment:requests", "Self assessment"),
        ("audits:index", "Audit validation"),
        ("focusgroups:index", "Questionnaires and focus groups"),
        ("interviews:index", "On-site interviews"),
        ("conference:plan", "Conference"),
    ],
)
def test_the_stage_of_the_page_is_the_one_marked_current(url_name, current, review, lead_client):
    response = lead_client.get(reverse(url_name, args=[review.pk]))

    assert [title for _, is_current, title in stage_links(response) if is_current] == [current]


def test_pages_outside_the_stages_mark_no_stage_current(review, observer_client):
    response = observer_client.get(reverse("reviews:overview", args=[review.pk]))

    links = stage_links(response)

    assert len(links) == len(stages.all_stages())
    assert not any(is_current for _, is_current, _ in links)


@pytest.fixture
def peer_only_stage():
    stage = stages.Stage(
        slug="peer-only",
        title="Peer-only stage",
        order=99,
        app_label="reviews",
        entry_url_name="reviews:findings",
        description="A stage only the peer side may open.",
        progress=stages.not_started,
        report_section=stages.empty_section,
        visible_to=lambda membership: membership.role == "lead",
    )
    stages.register(stage)
    yield stage
    stages.unregister(stage.slug)


def test_a_stage_the_member_may_not_open_is_left_out(review, peer_only_stage, lead_client, sponsor_client):
    url = reverse("reviews:documents", args=[review.pk])

    lead_titles = [title for _, _, title in stage_links(lead_client.get(url))]
    sponsor_titles = [title for _, _, title in stage_links(sponsor_client.get(url))]

    assert "Peer-only stage" in lead_titles
    assert "Peer-only stage" not in sponsor_titles
    assert len(sponsor_titles) == len(lead_titles) - 1
