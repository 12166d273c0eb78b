"""What a purge removes from audit validation: the council's audits of cases and the peers' validations of them,
with their grades and history."""

from reviews.models import Review
from reviews.retention import delete_with_history

from .models import CouncilAudit, CouncilGrade, PeerGrade, Validation


def purge(review: Review) -> dict[str, int]:
    return {
        "peer grades": delete_with_history(PeerGrade.objects.filter(validation__review=review)),
        "validations": delete_with_history(Validation.objects.filter(review=review)),
        "council grades": delete_with_history(CouncilGrade.objects.filter(audit__review=review)),
        "council audits": delete_with_history(CouncilAudit.objects.filter(review=review)),
    }
