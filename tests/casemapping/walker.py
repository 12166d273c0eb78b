import datetime

from casemapping.models import Event, EventKind, Workshop
from tests.factories import CaseFactory, PartnerFactory


def walker_objects(review, lead) -> dict[str, int]:
    case = CaseFactory(review=review, reference="W-001")
    agency = PartnerFactory(council=review.council, name="Walker Police")
    event = Event.objects.create(
        review=review,
        case=case,
        date=datetime.date(2025, 1, 6),
        sequence=1,
        kind=EventKind.objects.get(slug="referral"),
        agency=agency,
        summary="Referral received",
    )
    workshop = Workshop.objects.create(
        status=Workshop.Status.HELD, review=review, held_on=datetime.date(2025, 2, 3), facilitators="Peer lead"
    )
    workshop.cases.add(case)
    return {"case_id": case.pk, "event_id": event.pk, "workshop_id": workshop.pk}
