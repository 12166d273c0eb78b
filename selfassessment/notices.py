"""Telling people about the self assessment's work as it happens: a request assigned to them, their document or
entry accepted or sent back. Called by the views after the change is saved; the notification goes after commit."""

from reviews.notifications import services as notifications
from reviews.notifications.models import Notification

from .models import DocumentRequest, Entry


def request_assigned(item: DocumentRequest, *, by) -> None:
    """Tell the assignee, unless they assigned it to themselves."""
    if item.assignee_id is None or item.assignee_id == by.pk:
        return
    notifications.notify(
        recipient=item.assignee,
        review=item.review,
        kind=Notification.Kind.ASSIGNMENT,
        title=f"A document request is assigned to you: “{item.title}”, due {item.due_date:%-d %B %Y}",
        body=item.description,
        link=item.get_absolute_url(),
    )


def request_decided(item: DocumentRequest) -> None:
    """Tell the assignee whether the document they uploaded was accepted or sent back, and why."""
    if item.assignee_id is None:
        return
    if item.status == DocumentRequest.Status.RETURNED:
        kind, title, body = Notification.Kind.RETURNED, f"Sent back to you: “{item.title}”", item.return_reason
    else:
        kind, title, body = Notification.Kind.ACCEPTED, f"Accepted: “{item.title}”", ""
    notifications.notify(
        recipient=item.assignee, review=item.review, kind=kind, title=title, body=body, link=item.get_absolute_url()
    )


def entry_decided(entry: Entry) -> None:
    """Tell whoever submitted the entry whether it was accepted or changes were asked for, and why."""
    if entry.submitted_by_id is None:
        return
    if entry.status == Entry.Status.CHANGES_REQUESTED:
        kind = Notification.Kind.RETURNED
        title, body = f"Changes asked for in the self assessment: “{entry.subject_title}”", entry.changes_reason
    else:
        kind, title, body = Notification.Kind.ACCEPTED, f"Accepted: “{entry.subject_title}”", ""
    notifications.notify(
        recipient=entry.submitted_by,
        review=entry.review,
        kind=kind,
        title=title,
        body=body,
        link=entry.get_absolute_url(),
    )
