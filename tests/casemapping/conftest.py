import datetime

import pytest

from casemapping.models import Event, EventKind, Workshop
from reviews.models import PartnerKind

from ..factories import CaseFactory, PartnerFactory


@pytest.fixture
def police(review):
    return PartnerFactory(council=review.council, name="Testshire Police")


@pytest.fixture
def social_care(review):
    kind = PartnerKind.objects.get(slug="childrens-social-care")
    return PartnerFactory(council=review.council, name="Testshire Children's Services", kind=kind)


@pytest.fixture
def kinds(db):
    return {kind.slug: kind for kind in EventKind.objects.all()}


@pytest.fixture
def add_event(kinds, social_care):
    """Adds an event to a case's chronology at the end of its day."""

    def add(case, day: datetime.date, kind: str, *, agency=None, time=None, **values) -> Event:
        sequence = case.events.filter(date=day).count() + 1
        return Event.objects.create(
            review=case.review,
            case=case,
            date=day,
            time=time,
            sequence=sequence,
            kind=kinds[kind],
            agency=agency or social_care,
            summary=values.pop("summary", f"{kinds[kind].name} recorded"),
            **values,
        )

    return add


@pytest.fixture
def workshop(review, case):
    workshop = Workshop.objects.create(
        status=Workshop.Status.HELD, review=review, held_on=datetime.date(2025, 11, 3), facilitators="Peer lead"
    )
    workshop.cases.add(case)
    return workshop


@pytest.fixture
def other_case(other_review):
    return CaseFactory(review=other_review, reference="X-001")
