"""Small-number suppression applies within one table of one questionnaire's results, never across
questionnaires; a whole questionnaire's number of responses is never suppressed."""

from django.urls import reverse

from focusgroups import services
from focusgroups.models import Question

from .conftest import add_responses, make_questionnaire, make_segment


def test_a_questionnaire_with_12_responses_shows_12_beside_one_with_3(review, lead_client):
    staff = make_questionnaire(review, title="Staff")
    parents = make_questionnaire(review, title="Parents", audience="parents")
    add_responses(staff, values=[5] * 12)
    add_responses(parents, values=[4, 4, 2])

    response = lead_client.get(reverse("focusgroups:index", args=[review.pk]))

    assert {row["questionnaire"].title: row["responses"] for row in response.context["summary"]} == {
        "Staff": 12,
        "Parents": 3,
    }


def test_one_questionnaires_small_group_does_not_hide_another_questionnaires_results(review):
    staff = make_questionnaire(review, title="Staff")
    parents = make_questionnaire(review, title="Parents", audience="parents")
    police = make_segment(review, "Police")
    health = make_segment(review, "Health")
    add_responses(staff, segment=police, values=[5, 5, 4, 4, 4, 3])
    add_responses(staff, segment=health, values=[5, 4, 4, 4, 2, 2, 1])
    add_responses(parents, segment=police, values=[1, 2])

    [staff_table] = [t for t in services.question_tables(staff, 5) if t.question.kind == Question.Kind.AGREE]
    [parents_table] = [t for t in services.question_tables(parents, 5) if t.question.kind == Question.Kind.AGREE]

    assert staff_table.bases == [7, 6, 13]
    assert parents_table.bases == [None, None]
    assert parents_table.suppressed is True


def test_complementary_suppression_stays_within_the_table():
    # One group of the table below the minimum: the next smallest group of the same table goes too, so the
    # hidden one cannot be worked out from the total.
    assert services.suppress([3, 6, 7, 16], 5) == [True, True, False, False]
    # Columns that are different questionnaires: the total goes instead of another questionnaire's column.
    assert services.suppress_versions([3, 6, 7, 16], 5) == [True, False, False, True]
    assert services.suppress_versions([3, 4, 7, 14], 5) == [True, True, False, False]
    assert services.suppress_versions([6, 7, 13], 5) == [False, False, False]
    assert services.suppress_versions([2, 1, 3], 5) == [True, True, True]
