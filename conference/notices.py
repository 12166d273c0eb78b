"""Telling people about the improvement plan's work as it happens: an action given to them to update. Called by
the views after the change is saved; the notification goes after commit, with its email as the person chose."""

from django.urls import reverse

from reviews.notifications import services as notifications
from reviews.notifications.models import Notification

from .models import Action


def action_assigned(action: Action, *, by, before: int | None = None) -> None:
    """Tell the action's owner it is theirs to update: when it is added with an owner, or its owner changes
    (`before`: the owner it had); never someone who gave it to themselves."""
    if action.owner_id is None or action.owner_id in (by.pk, before):
        return
    review = action.priority.review
    notifications.notify(
        recipient=action.owner,
        review=review,
        kind=Notification.Kind.ASSIGNMENT,
        title=f"An improvement plan action is yours to update, due {action.due_date:%-d %B %Y}",
        body=f"Priority: {action.priority.title}\n\n{action.description}",
        link=reverse("conference:action_detail", args=[review.pk, action.pk]),
    )
