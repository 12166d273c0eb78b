"""Objects for the URL walker: a pending invitation to the review."""

from reviews.invitations import services


def walker_objects(review, lead) -> dict[str, int]:
    [invitation] = services.invite(
        review=review,
        people=[services.Person(name="Walker Invitee", email="walker@invited.example", role="peer")],
        invited_by=lead,
    )
    return {"invitation_id": invitation.pk}
