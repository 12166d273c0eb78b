"""Practitioners each partner agency sent to the case-mapping workshops, for the engagement table."""

from django.db.models import Sum

from reviews.engagement import Against, EngagementMeasure
from reviews.models import Review

from .models import Workshop, WorkshopAgency


def engagement(review: Review) -> list[EngagementMeasure]:
    """Two queries: practitioners per agency across the review's held workshops, and whether any is still planned
    (until then the count can grow, so nobody is short of a commitment yet)."""
    counts = dict(
        WorkshopAgency.objects.filter(
            workshop__review=review, workshop__status=Workshop.Status.HELD, practitioners__isnull=False
        )
        .values("agency_id")
        .annotate(n=Sum("practitioners"))
        .values_list("agency_id", "n")
        .order_by()
    )
    settled = not Workshop.objects.filter(review=review, status=Workshop.Status.PLANNED).exists()
    return [
        EngagementMeasure(
            key="case-mapping-practitioners",
            label="Practitioners at case-mapping workshops",
            stage_slug="case-mapping",
            counts=counts,
            commitment="mapping_practitioners",
            against=Against.COUNT,
            unit="practitioners",
            settled=settled,
            note="" if settled else "A workshop is still planned: nobody is short of the practitioners committed yet.",
        )
    ]
