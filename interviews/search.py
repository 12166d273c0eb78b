"""On-site sessions by title or place in a search of the review. The timetable is open to every member; the
notes, peer material, are not searched."""

from django.urls import reverse

from reviews.models import Review, ReviewMembership
from reviews.search import RESULTS_PER_SOURCE, Result, matching

from .models import Session


def search(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    sessions = (
        Session.objects.filter(review=review)
        .filter(matching(["title", "location"], query))
        .order_by("day", "start", "pk")[:RESULTS_PER_SOURCE]
    )
    return [
        Result(
            "On-site session",
            session.title,
            reverse("interviews:session", args=[review.pk, session.pk]),
            f"{session.get_kind_display()}, {session.day:%-d %B %Y} at {session.start:%H:%M}",
        )
        for session in sessions
    ]
