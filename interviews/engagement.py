"""On-site sessions that met people from each partner agency, for the engagement table."""

from django.db.models import Count

from reviews.engagement import EngagementMeasure
from reviews.models import Review

from .models import Interviewee, Session


def engagement(review: Review) -> list[EngagementMeasure]:
    """One query: sessions, not cancelled, with at least one interviewee of the agency."""
    counts = dict(
        Interviewee.objects.filter(session__review=review)
        .exclude(session__status=Session.Status.CANCELLED)
        .values("agency_id")
        .annotate(n=Count("session_id", distinct=True))
        .values_list("agency_id", "n")
        .order_by()
    )
    return [
        EngagementMeasure(
            key="interview-sessions",
            label="On-site sessions with the agency",
            stage_slug="interviews",
            counts=counts,
            unit="sessions",
        )
    ]
