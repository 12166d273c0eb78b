"""What focus groups and questionnaires ask of each person: notes to write and code, alerts to acknowledge."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from reviews import todo
from reviews.permissions import PEER_WRITERS

from .models import Coding, FocusGroup, SafeguardingAlert

# A focus group's notes are written and coded within a week of it.
CODING_WITHIN_DAYS = 7


def tasks(user, today: datetime.date) -> list[todo.Task]:
    groups = (
        FocusGroup.objects.filter(
            Q(facilitator=user) | Q(note_taker=user),
            held_on__lte=today,
            review__memberships__user=user,
            review__memberships__role__in=PEER_WRITERS,
        )
        .annotate(coded=Exists(Coding.objects.filter(focus_group=OuterRef("pk"))))
        .filter(coded=False)
        .select_related("review")
        .order_by("held_on", "pk")
    )
    found = [
        todo.Task(
            review_id=group.review_id,
            review_title=group.review.title,
            kind="Focus-group coding" if group.notes.strip() else "Focus-group notes to write",
            title=group.title,
            url=(
                group.get_absolute_url()
                if group.notes.strip()
                else reverse("focusgroups:group_notes", args=[group.review_id, group.pk])
            ),
            due=group.held_on + datetime.timedelta(days=CODING_WITHIN_DAYS),
        )
        for group in groups
    ]
    # A new alert is for the review's named safeguarding lead to read today. The task names no answer.
    alerts = SafeguardingAlert.objects.filter(
        status=SafeguardingAlert.Status.NEW,
        review__questionnaire_settings__safeguarding_lead=user,
        review__memberships__user=user,
    ).select_related("review")
    found += [
        todo.Task(
            review_id=alert.review_id,
            review_title=alert.review.title,
            kind="Safeguarding alert to acknowledge",
            title=f"Alert {alert.pk}, raised {alert.created_at:%-d %B %Y}",
            url=alert.get_absolute_url(),
            due=timezone.localtime(alert.created_at).date(),
        )
        for alert in alerts
    ]
    return found
