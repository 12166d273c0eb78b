"""What a purge removes from the interviews: the notes taken in each session, with their history."""

from reviews.models import Review
from reviews.retention import delete_with_history

from .models import SessionNote


def purge(review: Review) -> dict[str, int]:
    return {"interview notes": delete_with_history(SessionNote.objects.filter(session__review=review))}
