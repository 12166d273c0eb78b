"""The stage's overview and list pages run the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from focusgroups.models import Coding, Question, QuestionnaireSettings, Response, SafeguardingAlert

from ..factories import PartnerFactory
from .conftest import add_responses, make_code, make_group, make_questionnaire, make_segment


def fill(review, lead, size: int) -> None:
    """`size` of everything the pages list: questionnaires (two age-banded), segments, groups, codes and alerts."""
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)
    for band in ["8-11", "11-17"]:
        make_questionnaire(review, title=f"Children {band}", audience="children", age_band=band)
    Question.objects.filter(section__questionnaire__review=review, kind="agree").update(core_key="feel-safe")
    for number in range(size):
        partner = PartnerFactory(council=review.council, name=f"Agency {number}")
        segment = make_segment(review, f"Team {number}", expected=20, partner=partner)
        questionnaire = make_questionnaire(review, title=f"Staff {number}")
        add_responses(questionnaire, segment=segment, values=[4, 5, 2, 1, 3, 4])
        group = make_group(review, title=f"Group {number}")
        code = make_code(review, f"Code {number}", parent=None)
        Coding.objects.create(review=review, code=code, focus_group=group, start=0, end=5, quote="First", coder=lead)
        response = Response.objects.filter(questionnaire=questionnaire).first()
        SafeguardingAlert.objects.create(review=review, response=response, reason="Answered “Strongly disagree”.")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["", "segments/", "codes/", "alerts/"])
def test_the_stage_pages_run_the_same_queries_for_1_and_for_12_of_everything(
    page, review, other_review, lead, lead_client
):
    small = review
    fill(small, lead, 1)
    large = other_review
    large.memberships.create(user=lead, role="lead")
    fill(large, lead, 12)

    small_count = queries(lead_client, f"/reviews/{small.pk}/focus-groups/{page}")
    large_count = queries(lead_client, f"/reviews/{large.pk}/focus-groups/{page}")

    assert small_count == large_count
