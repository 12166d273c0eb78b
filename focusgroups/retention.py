"""What a purge removes from questionnaires and focus groups: free-text answers, focus-group notes, the quotes
coded from them, and the words behind safeguarding alerts. The choices people made stay, so the counts and
charts of the results stay true."""

from django.db.models import Q

from reviews.models import Review
from reviews.retention import empty_with_history

from .models import Answer, Coding, FocusGroup, SafeguardingAlert

PURGED = "[purged]"


def purge(review: Review) -> dict[str, int]:
    alerts = SafeguardingAlert.objects.filter(review=review)
    return {
        # Marked rather than emptied: an answer of free text alone still counts as answered.
        "free-text answers emptied": empty_with_history(
            Answer.objects.filter(response__questionnaire__review=review).filter(~Q(text="")), text=PURGED
        ),
        "focus-group notes emptied": empty_with_history(FocusGroup.objects.filter(review=review), notes=""),
        "coded quotes emptied": empty_with_history(Coding.objects.filter(review=review), quote=PURGED),
        "safeguarding alert reasons emptied": empty_with_history(alerts, reason=PURGED),
        "safeguarding alert actions emptied": empty_with_history(alerts.filter(~Q(action="")), action=PURGED),
    }
