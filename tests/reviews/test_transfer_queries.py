"""The export of a review costs a fixed number of queries whatever its size: one a lookup of each kind of record
and one a link table, never one a record."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casemapping.models import Event, EventKind
from focusgroups.models import Answer, Question, Response
from reviews import transfer
from reviews.models import Finding, ReviewMembership, Role

from ..factories import CaseFactory, FindingFactory, PartnerFactory, UserFactory
from ..focusgroups.conftest import make_questionnaire, question


def fill(review, cases: int) -> None:
    ReviewMembership.objects.create(review=review, user=UserFactory(), role=Role.PEER)
    agencies = [PartnerFactory(council=review.council) for _ in range(2)]
    kind = EventKind.objects.get(slug="referral")
    questionnaire = make_questionnaire(review, title="Staff", audience="staff")
    scale = question(questionnaire, Question.Kind.AGREE)
    for number in range(cases):
        case = CaseFactory(review=review, reference=f"Q-{number}")
        case.partners.set(agencies)
        Event.objects.create(
            review=review, case=case, date="2025-01-06", sequence=1, kind=kind, agency=agencies[number % 2],
            summary="Referral",
        )  # fmt: skip
        finding = FindingFactory(review=review)
        finding.focus_areas.set([])
        answer_to = Response.objects.create(questionnaire=questionnaire)
        Answer.objects.create(response=answer_to, question=scale, value=4)


def export_queries(review, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        transfer.export_to_bytes(review=review, user=user)
    return len(queries)


def test_the_export_of_a_large_review_costs_the_queries_of_a_small_one(review, other_review, lead):
    fill(review, 1)
    fill(other_review, 25)
    assert Finding.objects.filter(review=other_review).count() == 25

    small, large = export_queries(review, lead), export_queries(other_review, lead)

    assert large == small
