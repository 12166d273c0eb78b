"""What the self assessment asks of each person: document requests assigned to them, entries sent back to them."""

import datetime

from django.db.models import F
from django.urls import reverse

from reviews import todo
from reviews.notifications.models import Notification
from reviews.permissions import HOST_SIDE

from .models import DocumentRequest, Entry

OPEN = [DocumentRequest.Status.REQUESTED, DocumentRequest.Status.RETURNED]


def tasks(user, today: datetime.date) -> list[todo.Task]:
    requests = (
        DocumentRequest.objects.filter(
            assignee=user, status__in=OPEN, review__memberships__user=user, review__memberships__role__in=HOST_SIDE
        )
        .select_related("review")
        .order_by("due_date", "pk")
    )
    found = [
        todo.Task(
            review_id=request.review_id,
            review_title=request.review.title,
            kind="Document request sent back"
            if request.status == DocumentRequest.Status.RETURNED
            else "Document request",
            title=request.title,
            url=request.get_absolute_url(),
            due=request.due_date,
            note=request.return_reason,
        )
        for request in requests
    ]
    # An entry sent back goes to whoever submitted it; the self assessment is due before the on-site week.
    entries = Entry.objects.filter(
        status=Entry.Status.CHANGES_REQUESTED,
        submitted_by=user,
        review__memberships__user=user,
        review__memberships__role__in=HOST_SIDE,
    ).select_related("review", "scope_area", "theme")
    found += [
        todo.Task(
            review_id=entry.review_id,
            review_title=entry.review.title,
            kind="Self assessment entry sent back",
            title=entry.subject_title,
            url=reverse("selfassessment:entry_edit", args=[entry.review_id, entry.pk]),
            due=entry.review.onsite_start,
            note=entry.changes_reason,
        )
        for entry in entries
    ]
    return found


def reminders(today: datetime.date) -> list[todo.Reminder]:
    """Open document requests due in three days, or overdue (the day after, then weekly), to their assignee."""
    requests = DocumentRequest.objects.filter(
        status__in=OPEN,
        due_date__in=todo.reminder_dates(today),
        assignee__isnull=False,
        # Only while the assignee is still on the council's side of the review.
        review__memberships__user=F("assignee"),
        review__memberships__role__in=HOST_SIDE,
    ).select_related("review")
    found = []
    for request in requests:
        kind = todo.reminder_kind(request.due_date, today)
        if kind is None:
            continue
        if kind == Notification.Kind.DUE_SOON:
            title = f"Due on {request.due_date:%-d %B %Y}: the document request “{request.title}”"
        else:
            title = f"Overdue since {request.due_date:%-d %B %Y}: the document request “{request.title}”"
        found.append(
            todo.Reminder(
                recipient_id=request.assignee_id,
                review=request.review,
                item=f"selfassessment.documentrequest:{request.pk}",
                kind=kind,
                title=title,
                link=request.get_absolute_url(),
            )
        )
    return found
