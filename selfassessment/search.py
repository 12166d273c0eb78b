"""The self assessment's entries and document requests in a search of the review: the council supplies both, so
every member sees them."""

from django.db.models import Q
from django.urls import reverse

from reviews.models import Review, ReviewMembership
from reviews.search import RESULTS_PER_SOURCE, Result, matching

from .models import DocumentRequest, Entry


def search(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    entries = (
        Entry.objects.filter(review=review)
        .filter(
            matching(["what_we_know", "how_we_know", "what_next"], query)
            | Q(scope_area__title__icontains=query)
            | Q(theme__name__icontains=query)
        )
        .select_related("scope_area", "theme")
        .order_by("pk")[:RESULTS_PER_SOURCE]
    )
    requests = DocumentRequest.objects.filter(review=review).filter(matching(["title", "description"], query))
    return [
        Result("Self-assessment entry", entry.subject_title, entry.get_absolute_url(), entry.get_status_display())
        for entry in entries
    ] + [
        Result(
            "Document request",
            item.title,
            reverse("selfassessment:request_detail", args=[review.pk, item.pk]),
            item.get_status_display(),
        )
        for item in requests.order_by("title", "pk")[:RESULTS_PER_SOURCE]
    ]
