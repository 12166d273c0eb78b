"""What audit validation asks of each person: cases to regrade (whoever is assigned them) and to moderate."""

import datetime

from django.db.models import Q
from django.urls import reverse

from reviews import todo
from reviews.models import Role
from reviews.permissions import PEER_WRITERS

from .models import Validation


def tasks(user, today: datetime.date) -> list[todo.Task]:
    # Regrading comes before the on-site week; moderation before the conference.
    regrades = (
        Validation.objects.filter(
            auditor=user,
            status=Validation.Status.ASSIGNED,
            review__memberships__user=user,
            review__memberships__role__in=PEER_WRITERS,
        )
        .select_related("review", "audit__case")
        .distinct()
    )
    found = [
        todo.Task(
            review_id=validation.review_id,
            review_title=validation.review.title,
            kind="Audit to regrade",
            title=f"Case {validation.audit.case.reference}",
            url=validation.get_absolute_url(),
            due=validation.review.onsite_start,
        )
        for validation in regrades
    ]
    # Each case whose grades differ from the council's: the named moderator moderates it, and the lead any case.
    moderations = (
        Validation.objects.to_moderate()
        .filter(
            Q(review__memberships__user=user, review__memberships__role=Role.LEAD)
            | Q(moderator=user, review__memberships__user=user, review__memberships__role__in=PEER_WRITERS),
        )
        .select_related("review", "audit__case")
        .distinct()
    )
    found += [
        todo.Task(
            review_id=validation.review_id,
            review_title=validation.review.title,
            kind="Audit to moderate",
            title=f"Case {validation.audit.case.reference}",
            url=reverse("audits:moderate", args=[validation.review_id, validation.pk]),
            due=validation.review.conference_date,
        )
        for validation in moderations
    ]
    return found
