"""Practitioners each partner agency sent to the case-mapping workshops, for the engagement table."""

from django.db.models import Sum

from reviews.engagement import Against, EngagementMeasure
from reviews.models import Review

from .models import Workshop, WorkshopAgency


def engagement(review: Review) -> list[EngagementMeasure]:
    """One query: practitioners per agency across the review's workshops."""
    counts = dict(
        WorkshopAgency.objects.filter(
            workshop__review=review, workshop__status=Workshop.Status.HELD, practitioners__isnull=False
        )
        .values("agency_id")
        .annotate(n=Sum("practitioners"))
        .values_list("agency_id", "n")
        .order_by()
    )
    return [
        EngagementMeasure(
            key="case-mapping-practitioners",
            label="Practitioners at case-mapping workshops",
            stage_slug="case-mapping",
            counts=counts,
            commitment="mapping_practitioners",
            against=Against.COUNT,
            unit="practitioners",
        )
    ]
