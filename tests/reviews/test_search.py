"""Searching a review: findings, documents, cases, self-assessment entries and requests, sessions and codes, each
only as far as the member may see them; the query is bounded and the results capped."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import search
from reviews.models import Finding

from ..factories import CaseFactory, FindingFactory
from ..focusgroups.conftest import make_code, make_group
from ..interviews.conftest import make_session
from ..selfassessment.factories import DocumentFactory, DocumentRequestFactory, EntryFactory


def rows(response) -> list[tuple[str, str]]:
    return [(result.kind, result.title) for result in response.context["page"].object_list]


@pytest.fixture
def missing_children_material(review, lead):
    FindingFactory(
        review=review, raised_by=lead, summary="Missing children are found quickly", status=Finding.Status.PUBLISHED
    )
    FindingFactory(review=review, raised_by=lead, summary="Draft: return interviews for missing children are late")
    DocumentFactory(review=review, title="Missing children protocol", created_by=lead)
    DocumentRequestFactory(review=review, title="Missing children data for 2025")
    EntryFactory(review=review, what_we_know="Missing children get a return interview within 72 hours.")
    make_session(review, peers=[lead], title="Missing children team visit")
    make_group(review, title="Missing children practitioners")
    make_code(review, "Missing children")
    CaseFactory(review=review, reference="MC-07")


def test_the_lead_finds_everything_that_matches(review, missing_children_material, lead_client):
    response = lead_client.get(reverse("review_search", args=[review.pk]), {"q": "  missing   CHILDREN "})

    assert response.status_code == 200
    assert response.context["q"] == "missing CHILDREN"
    assert sorted(rows(response)) == [
        ("Code", "Missing children"),
        ("Document", "Missing children protocol"),
        ("Document request", "Missing children data for 2025"),
        ("Finding", "Draft: return interviews for missing children are late"),
        ("Finding", "Missing children are found quickly"),
        ("Focus group", "Missing children practitioners"),
        ("On-site session", "Missing children team visit"),
        ("Self-assessment entry", "1. Overall progress since the last inspection"),
    ]


@pytest.mark.parametrize("client_name", ["sponsor_client", "organiser_client", "contributor_client"])
def test_the_council_finds_no_peer_material(client_name, review, missing_children_material, request):
    client = request.getfixturevalue(client_name)

    response = client.get(reverse("review_search", args=[review.pk]), {"q": "missing children"})

    assert sorted(rows(response)) == [
        ("Document", "Missing children protocol"),
        ("Document request", "Missing children data for 2025"),
        ("Finding", "Missing children are found quickly"),
        ("On-site session", "Missing children team visit"),
        ("Self-assessment entry", "1. Overall progress since the last inspection"),
    ]
    assert b"Draft: return interviews" not in response.content
    assert b"practitioners" not in response.content


def test_a_case_is_found_by_its_reference(review, missing_children_material, contributor_client):
    response = contributor_client.get(reverse("review_search", args=[review.pk]), {"q": "mc-0"})

    assert rows(response) == [("Case", "MC-07")]
    assert response.context["page"].object_list[0].url == reverse(
        "casemapping:case_detail", args=[review.pk, review.cases.get().pk]
    )


def test_a_long_query_is_cut_and_a_one_letter_query_finds_nothing(review, missing_children_material, lead_client):
    url = reverse("review_search", args=[review.pk])

    long = lead_client.get(url, {"q": "x" * 5000})
    short = lead_client.get(url, {"q": "m"})

    assert long.context["q"] == "x" * search.MAX_QUERY_LENGTH
    assert b"Only the first 100 characters were searched for." in long.content
    assert rows(short) == []
    assert b"Enter at least 2 characters to search." in short.content


def test_results_are_capped_per_source_and_paginated(review, lead_client):
    for number in range(40):
        CaseFactory(review=review, reference=f"CAP-{number:02d}")
    url = reverse("review_search", args=[review.pk])

    first = lead_client.get(url, {"q": "cap-"})
    second = lead_client.get(url, {"q": "cap-", "page": 2})

    assert first.context["result_count"] == search.RESULTS_PER_SOURCE == 25
    assert len(rows(first)) == 25
    assert rows(second) == rows(first)  # one page only: a page past the end shows the last
    assert b"?q=cap-&amp;page=" not in first.content


def test_a_search_costs_the_same_queries_for_one_match_or_many(review, lead_client):
    url = reverse("review_search", args=[review.pk])
    CaseFactory(review=review, reference="QC-00")
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url, {"q": "qc-"})
    for number in range(1, 30):
        CaseFactory(review=review, reference=f"QC-{number:02d}")
        FindingFactory(review=review, summary=f"QC-{number:02d} finding")

    with CaptureQueriesContext(connection) as many:
        lead_client.get(url, {"q": "qc-"})

    assert len(many) == len(one)


def test_every_review_page_has_the_search_box(review, sponsor_client):
    response = sponsor_client.get(reverse("selfassessment:index", args=[review.pk]))

    assert f'action="/reviews/{review.pk}/search/" method="get"' in response.content.decode()


def test_posting_to_the_search_is_refused(review, lead_client):
    response = lead_client.post(reverse("review_search", args=[review.pk]), {"q": "missing"})

    assert response.status_code == 405
