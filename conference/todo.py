"""What the conference stage asks of each person: the plan actions they own, the 3- and 12-month checks, and the
draft letter's factual-accuracy round (comments for the leads to answer, the draft for the sponsor to check)."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from reviews import todo
from reviews.models import Review, ReviewMembership, Role
from reviews.notifications.models import Notification
from reviews.permissions import HOST_SIDE, PLAN_EDITORS, REVIEW_LEADS

from .models import Action, Checkpoint, Letter, LetterComment

# The impact checks show on the home page this many days ahead, and are reminded of this many days ahead.
CHECK_SHOWN_DAYS = 30
CHECK_REMINDER_DAYS = 14
CHECKS = ((3, "followup_3_months"), (12, "followup_12_months"))


def tasks(user, today: datetime.date) -> list[todo.Task]:
    actions = (
        Action.objects.filter(
            owner=user,
            priority__review__memberships__user=user,
            priority__review__memberships__role__in=HOST_SIDE | PLAN_EDITORS,
        )
        .exclude(status=Action.Status.DONE)
        .with_current_rag()
        .select_related("priority__review")
        .order_by("due_date", "pk")
    )
    found = [
        todo.Task(
            review_id=action.priority.review_id,
            review_title=action.priority.review.title,
            kind="Plan action",
            title=str(action),
            url=reverse("conference:action_detail", args=[action.priority.review_id, action.pk]),
            due=action.due_date,
            note=f"{action.get_status_display()}, rated {action.rag_now_label.lower()}",
        )
        for action in actions
    ]
    horizon = today + datetime.timedelta(days=CHECK_SHOWN_DAYS)
    reviews = (
        Review.objects.filter(memberships__user=user, memberships__role__in=PLAN_EDITORS)
        .filter(Q(followup_3_months__lte=horizon) | Q(followup_12_months__lte=horizon))
        .annotate(**_held())
    )
    for review in reviews:
        for months, field in CHECKS:
            due = getattr(review, field)
            if due and due <= horizon and not getattr(review, f"held_{months}"):
                found.append(
                    todo.Task(
                        review_id=review.pk,
                        review_title=review.title,
                        kind="Impact check",
                        title=f"The {months}-month impact check",
                        url=reverse("conference:checkpoint_create", args=[review.pk]),
                        due=due,
                    )
                )
    return found + _letter_tasks(user)


def _letter_tasks(user) -> list[todo.Task]:
    """The shared draft letter: its open factual-accuracy comments for the review's leads to answer, and the
    draft itself for the sponsor to check. Two queries."""
    open_comments = Count("comments", filter=Q(comments__status=LetterComment.Status.OPEN), distinct=True)
    letters = (
        Letter.objects.filter(review__memberships__user=user, review__memberships__role__in=REVIEW_LEADS)
        .exclude(status=Letter.Status.PUBLISHED)
        .annotate(open_comments=open_comments)
        .filter(open_comments__gt=0)
        .select_related("review")
        .order_by("pk")
    )
    found = [
        todo.Task(
            review_id=letter.review_id,
            review_title=letter.review.title,
            kind="Factual-accuracy comments to answer",
            title=f"{letter.open_comments} comment{'s' if letter.open_comments != 1 else ''} on the draft letter",
            url=reverse("conference:letter", args=[letter.review_id]),
            due=letter.review.letter_due,
        )
        for letter in letters
    ]
    shared = Letter.objects.filter(
        status=Letter.Status.SHARED, review__memberships__user=user, review__memberships__role=Role.SPONSOR
    ).select_related("review")
    found += [
        todo.Task(
            review_id=letter.review_id,
            review_title=letter.review.title,
            kind="Draft letter to check",
            title="Check the draft feedback letter for factual accuracy",
            url=reverse("conference:letter", args=[letter.review_id]),
            due=letter.review.letter_due,
        )
        for letter in shared
    ]
    return found


def _held() -> dict:
    return {
        f"held_{months}": Exists(Checkpoint.objects.filter(review=OuterRef("pk"), months=months))
        for months, _ in CHECKS
    }


def reminders(today: datetime.date) -> list[todo.Reminder]:
    """Open plan actions due in three days or overdue, to their owner; impact checks two weeks ahead, to the
    plan's editors, unless the check has been held."""
    actions = (
        Action.objects.filter(due_date__in=todo.reminder_dates(today), owner__isnull=False)
        .exclude(status=Action.Status.DONE)
        .filter(priority__review__memberships__user=F("owner"))
        .select_related("priority__review")
    )
    found = []
    for action in actions:
        kind = todo.reminder_kind(action.due_date, today)
        if kind is None:
            continue
        when = "Due on" if kind == Notification.Kind.DUE_SOON else "Overdue since"
        found.append(
            todo.Reminder(
                recipient_id=action.owner_id,
                review=action.priority.review,
                item=f"conference.action:{action.pk}",
                kind=kind,
                title=f"{when} {action.due_date:%-d %B %Y}: the plan action “{action}”",
                link=reverse("conference:action_detail", args=[action.priority.review_id, action.pk]),
            )
        )
    ahead = today + datetime.timedelta(days=CHECK_REMINDER_DAYS)
    reviews = {
        review.pk: review
        for review in Review.objects.filter(Q(followup_3_months=ahead) | Q(followup_12_months=ahead)).annotate(
            **_held()
        )
    }
    editors = ReviewMembership.objects.filter(review_id__in=reviews, role__in=PLAN_EDITORS).order_by("pk")
    for membership in editors:
        review = reviews[membership.review_id]
        for months, field in CHECKS:
            if getattr(review, field) == ahead and not getattr(review, f"held_{months}"):
                found.append(
                    todo.Reminder(
                        recipient_id=membership.user_id,
                        review=review,
                        item=f"reviews.review:{review.pk}:check-{months}",
                        kind=Notification.Kind.IMPACT_CHECK,
                        title=f"The {months}-month impact check of {review.title} is on {ahead:%-d %B %Y}",
                        link=reverse("conference:checkpoint_create", args=[review.pk]),
                    )
                )
    return found
