"""What the on-site programme asks of each peer: notes to write for the sessions they attended."""

import datetime

from django.urls import reverse

from reviews import todo
from reviews.permissions import PEER_WRITERS

from .models import Session

# Notes are written within two days of the session, while it is fresh.
NOTES_WITHIN_DAYS = 2


def tasks(user, today: datetime.date) -> list[todo.Task]:
    sessions = (
        Session.objects.active()
        .filter(
            peers=user,
            day__lte=today,
            review__memberships__user=user,
            review__memberships__role__in=PEER_WRITERS,
        )
        .exclude(notes__author=user)
        .select_related("review")
        .order_by("day", "start", "pk")
    )
    return [
        todo.Task(
            review_id=session.review_id,
            review_title=session.review.title,
            kind="Interview notes to write",
            title=str(session),
            url=reverse("interviews:notes", args=[session.review_id, session.pk]),
            due=session.day + datetime.timedelta(days=NOTES_WITHIN_DAYS),
        )
        for session in sessions
    ]
