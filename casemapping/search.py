"""Cases by reference in a search of the review. The case sample is what the council supplies and every member
opens a case's chronology, so every member finds cases; learning points, peer material, are not searched."""

from django.urls import reverse

from reviews.models import Case, Review, ReviewMembership
from reviews.search import RESULTS_PER_SOURCE, Result


def search(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    cases = Case.objects.filter(review=review, reference__icontains=query).order_by("reference")[:RESULTS_PER_SOURCE]
    return [
        Result(
            "Case",
            case.reference,
            reverse("casemapping:case_detail", args=[review.pk, case.pk]),
            case.get_age_band_display(),
        )
        for case in cases
    ]
