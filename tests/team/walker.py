"""Objects for the URL walkers: a pending invitation to the review, the lead's saved choice of email (so its
page is an edit of a saved record, for the stale-edit walk), and a scope item of the council's own."""

from reviews import scope
from reviews.invitations import services
from reviews.models import NotificationSettings


def walker_objects(review, lead) -> dict[str, int | str]:
    [invitation] = services.invite(
        review=review,
        people=[services.Person(name="Walker Invitee", email="walker@invited.example", role="peer")],
        invited_by=lead,
    )
    NotificationSettings.objects.get_or_create(user=lead)
    scope.set_scope(
        review,
        scope_areas_in=list(scope.framework_scope_areas(review)),
        focus_areas_in=list(scope.framework_focus_areas(review)),
        local_scope_items=["Walker's own scope item"],
    )
    return {"invitation_id": invitation.pk, "kind": "scope", "item_id": review.local_scope_areas.get().pk}
