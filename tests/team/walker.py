"""Objects for the URL walkers: a pending invitation to the review, and the lead's saved choice of email (so its
page is an edit of a saved record, for the stale-edit walk)."""

from reviews.invitations import services
from reviews.models import NotificationSettings


def walker_objects(review, lead) -> dict[str, int]:
    [invitation] = services.invite(
        review=review,
        people=[services.Person(name="Walker Invitee", email="walker@invited.example", role="peer")],
        invited_by=lead,
    )
    NotificationSettings.objects.get_or_create(user=lead)
    return {"invitation_id": invitation.pk}
