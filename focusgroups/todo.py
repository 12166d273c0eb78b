"""What focus groups and questionnaires ask of each person: notes to write and code, alerts to acknowledge."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from reviews import todo
from reviews.models import ReviewMembership
from reviews.notifications.models import Notification
from reviews.permissions import PEER_WRITERS, QUESTIONNAIRE_MANAGERS

from . import distribution
from .models import Coding, FocusGroup, Questionnaire, QuestionnaireSettings, SafeguardingAlert

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


# Questionnaires: those who manage them hear when one opens, three days before it closes and the day after,
# with how many have answered against the numbers expected, in all and by segment (a count under the review's
# smallest group shown is given only as "fewer than").
CLOSING_NOTICE_DAYS = 3


def reminders(today: datetime.date) -> list[todo.Reminder]:
    closing, closed = today + datetime.timedelta(days=CLOSING_NOTICE_DAYS), today - datetime.timedelta(days=1)
    questionnaires = list(
        Questionnaire.objects.filter(review__isnull=False)
        .filter(Q(opens_on=today) | Q(closes_on__in=[closing, closed]))
        .select_related("review")
        .order_by("pk")
    )
    if not questionnaires:
        return []
    reviews = {questionnaire.review_id for questionnaire in questionnaires}
    minimums = dict(
        QuestionnaireSettings.objects.filter(review_id__in=reviews).values_list("review_id", "minimum_group")
    )
    rates = distribution.rates_for(questionnaires, minimums)
    managers = ReviewMembership.objects.filter(review_id__in=reviews, role__in=QUESTIONNAIRE_MANAGERS).order_by("pk")
    found = []
    for membership in managers:
        for questionnaire in questionnaires:
            if questionnaire.review_id != membership.review_id:
                continue
            summary = rates[questionnaire.pk].summary()
            if questionnaire.opens_on == today:
                event, title = "opens", f"“{questionnaire.title}” opens today"
            elif questionnaire.closes_on == closing:
                event = "closing"
                title = f"“{questionnaire.title}” closes on {closing:%-d %B %Y}: {summary} so far"
            else:
                event, title = "closed", f"“{questionnaire.title}” has closed: {summary}"
            found.append(
                todo.Reminder(
                    recipient_id=membership.user_id,
                    review=questionnaire.review,
                    item=f"focusgroups.questionnaire:{questionnaire.pk}:{event}",
                    kind=Notification.Kind.QUESTIONNAIRE,
                    title=title,
                    link=questionnaire.get_absolute_url(),
                    body=_by_segment(rates[questionnaire.pk]),
                )
            )
    return found


def _by_segment(rates: distribution.Rates) -> str:
    """The response rate of each segment with an expected number or a response, one a line; nothing for a
    questionnaire not rated by segment."""
    lines = []
    for rate in rates.rows:
        if rate.expected is None and not rate.responses:
            continue
        count = f"fewer than {rates.minimum}" if rate.responses is None else str(rate.responses)
        against = f" of {rate.expected} expected" if rate.expected is not None else ""
        said = [f"{rate.percent}%"] if rate.percent is not None else []
        if rate.more_than_expected:
            said.append(distribution.TOO_LOW)
        percent = f" ({': '.join(said)})" if said else ""
        lines.append(f"- {rate.name}: {count}{against}{percent}")
    return "Responses by segment:\n" + "\n".join(lines) if lines else ""
