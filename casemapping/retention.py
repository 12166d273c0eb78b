"""What a purge removes from case mapping: every chronology event, with its history; the workshops' notes."""

from reviews.models import Review
from reviews.retention import delete_with_history, empty_with_history

from .models import Event, Workshop


def purge(review: Review) -> dict[str, int]:
    return {
        "chronology events": delete_with_history(Event.objects.filter(case__review=review)),
        "workshop notes emptied": empty_with_history(Workshop.objects.filter(review=review), went_well="", worries=""),
    }
