"""Searching one review: its findings and documents here, and each stage's own records through the registry.

Every source is filtered by what the member may see before it is matched, so a search never shows a host
member the peer team's working material nor a record the member could not open.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from . import permissions, stages
from .models import EvidenceDocument, Finding, Review, ReviewMembership

MAX_QUERY_LENGTH = 100
MIN_QUERY_LENGTH = 2
# Each source gives at most this many rows, so one search costs a fixed number of bounded queries.
RESULTS_PER_SOURCE = 25
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Result:
    kind: str  # what sort of record, such as "Finding" or "Case"
    title: str
    url: str
    hint: str = ""


def clean_query(raw: str | None) -> str:
    """The query as searched: spaces collapsed, at most MAX_QUERY_LENGTH characters."""
    return SPACES.sub(" ", raw or "").strip()[:MAX_QUERY_LENGTH]


def matching(fields: list[str], query: str) -> Q:
    """Rows where any of the fields contains the query, ignoring case."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": query})
    return condition


def search_text(queryset, fields: list[str], query: str):
    """Rows whose text fields match the query: PostgreSQL's full-text search in English (so “meetings” finds
    “meeting”), or on another database every word contained somewhere in the fields, ignoring case."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*fields, config="english")
        return queryset.annotate(search_vector=vector).filter(
            search_vector=SearchQuery(query, config="english", search_type="websearch")
        )
    for word in query.split():
        queryset = queryset.filter(matching(fields, word))
    return queryset


def _findings(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    findings = (
        Finding.objects.visible_to_membership(membership)
        .filter(matching(["summary", "detail"], query))
        .select_related("theme")
        .order_by("summary", "pk")[:RESULTS_PER_SOURCE]
    )
    return [
        Result(
            "Finding",
            finding.summary,
            finding.get_absolute_url(),
            f"{finding.get_kind_display()}, {finding.theme.name}, {finding.get_status_display().lower()}",
        )
        for finding in findings
    ]


def _documents(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    if not permissions.can_see_documents(membership):
        return []
    documents = EvidenceDocument.objects.filter(review=review).filter(matching(["title", "description"], query))
    return [
        Result("Document", document.title, document.get_absolute_url(), document.get_kind_display())
        for document in documents.order_by("title", "pk")[:RESULTS_PER_SOURCE]
    ]


def search_review(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    """What in the review matches the query that this member may see: the review's own records, then each stage's."""
    query = clean_query(query)
    if len(query) < MIN_QUERY_LENGTH:
        return []
    results = _findings(review, membership, query) + _documents(review, membership, query)
    for stage in stages.visible_stages(membership):
        if stage.search is not None:
            results.extend(stage.search(review, membership, query)[:RESULTS_PER_SOURCE])
    return results
