import datetime

import pytest

from interviews.models import LineOfEnquiry, Session
from reviews.models import Partner, PartnerKind

from ..factories import PartnerFactory

MONDAY = datetime.date(2026, 12, 7)


def make_session(review, *, peers=(), day=MONDAY, start="09:00", end="10:00", **values) -> Session:
    defaults = {"kind": Session.Kind.INTERVIEW, "title": f"Session at {start}", "location": "Room 1"}
    session = Session.objects.create(
        review=review,
        day=day,
        start=datetime.time.fromisoformat(start),
        end=datetime.time.fromisoformat(end),
        **{**defaults, **values},
    )
    session.peers.set(peers)
    return session


@pytest.fixture
def week_review(review):
    review.onsite_start = MONDAY
    review.onsite_end = MONDAY + datetime.timedelta(days=4)
    review.save()
    return review


@pytest.fixture
def police(review) -> Partner:
    return PartnerFactory(council=review.council, name="Testshire Police", kind=PartnerKind.objects.get(slug="police"))


@pytest.fixture
def line(review) -> LineOfEnquiry:
    theme = review.framework.themes.get(order=3)
    area = review.framework.scope_areas.get(order=5)
    return LineOfEnquiry.objects.create(review=review, theme=theme, scope_area=area, text="How well do agencies share?")


@pytest.fixture
def other_line(other_review) -> LineOfEnquiry:
    theme = other_review.framework.themes.get(order=1)
    return LineOfEnquiry.objects.create(review=other_review, theme=theme, text="Elsewhere")
