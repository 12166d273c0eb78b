import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from focusgroups import services
from focusgroups.models import Question, QuestionnaireSettings

from .conftest import add_responses, make_questionnaire, make_segment


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review)


@pytest.fixture
def segments(review):
    """Three segments: 3, 6 and 7 respondents to the agree-disagree question."""
    small = make_segment(review, "Youth justice", expected=10)
    middle = make_segment(review, "Police", expected=12)
    large = make_segment(review, "Health", expected=14)
    return small, middle, large


@pytest.fixture
def answered(questionnaire, segments):
    small, middle, large = segments
    add_responses(questionnaire, segment=small, values=[1, 2, 5])
    add_responses(questionnaire, segment=middle, values=[4, 4, 4, 5, 5, 2])
    add_responses(questionnaire, segment=large, values=[5, 5, 5, 4, 3, 3, 1])
    return questionnaire


def agree_table(questionnaire):
    tables = services.question_tables(questionnaire, 5)
    return next(table for table in tables if table.question.kind == Question.Kind.AGREE)


def test_suppress_hides_small_groups_and_one_more_so_they_cannot_be_worked_out():
    assert services.suppress([3, 6, 7, 16], 5) == [True, True, False, False]
    assert services.suppress([3, 2, 7, 12], 5) == [True, True, False, False]
    assert services.suppress([5, 6, 11], 5) == [False, False, False]
    assert services.suppress([3, 4], 5) == [True, True]
    assert services.suppress([3, 0, 9, 12], 5) == [True, False, True, False]


def test_a_group_below_the_minimum_and_the_next_smallest_are_hidden(answered):
    table = agree_table(answered)

    assert table.columns == ["Health", "Police", "Youth justice", "All respondents"]
    assert table.bases == [7, None, None, 16]
    assert [row["cells"] for row in table.rows] == [
        [3, None, None, 6],
        [1, None, None, 4],
        [2, None, None, 2],
        [0, None, None, 2],
        [1, None, None, 2],
    ]
    assert table.rows[0]["percents"] == [43, None, None, 38]


def test_a_question_with_fewer_respondents_than_the_minimum_is_hidden_entirely(questionnaire, segments):
    add_responses(questionnaire, segment=segments[2], values=[5, 4, 3, 2])

    table = agree_table(questionnaire)

    assert table.suppressed is True
    assert table.bases == [None, None]
    assert all(cell is None for row in table.rows for cell in row["cells"])


def test_the_results_page_shows_no_hidden_figure(answered, lead_client):
    response = lead_client.get(answered.get_absolute_url())

    tables = [table for table, chart in response.context["results"]]
    agree = next(table for table in tables if table.question.kind == Question.Kind.AGREE)
    assert agree.bases == [7, None, None, 16]
    body = response.content.decode()
    assert "fewer than 5 respondents in this group" in body
    assert 'role="img"' in body


def test_the_csv_export_hides_the_same_figures(answered, lead_client):
    response = lead_client.get(f"/reviews/{answered.review_id}/focus-groups/questionnaires/{answered.pk}/results.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    agree = [row[3:6] for row in rows if row[1] == "My caseload is manageable."]
    assert response["Content-Disposition"] == f'attachment; filename="questionnaire-{answered.pk}-results.csv"'
    assert agree[:4] == [
        ["Respondents", "Health", "7"],
        ["Respondents", "Police", "*"],
        ["Respondents", "Youth justice", "*"],
        ["Respondents", "All respondents", "16"],
    ]
    assert ["Strongly agree", "Youth justice", "*"] in agree
    assert ["Strongly agree", "Police", "*"] in agree


def test_the_xlsx_export_hides_the_same_figures(answered, lead_client):
    response = lead_client.get(f"/reviews/{answered.review_id}/focus-groups/questionnaires/{answered.pk}/results.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    agree = [row[3:6] for row in sheet.iter_rows(values_only=True) if row[1] == "My caseload is manageable."]
    assert agree[:4] == [
        ("Respondents", "Health", 7),
        ("Respondents", "Police", "*"),
        ("Respondents", "Youth justice", "*"),
        ("Respondents", "All respondents", 16),
    ]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.example")', "+1+1", "-2", "@SUM(A1)"])
def test_exports_neutralise_spreadsheet_formulas(questionnaire, review, name, lead_client):
    segment = make_segment(review, name)
    add_responses(questionnaire, segment=segment, values=[5, 5, 5, 5, 5])

    response = lead_client.get(f"/reviews/{review.pk}/focus-groups/questionnaires/{questionnaire.pk}/results.csv")

    groups = {row[4] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert "'" + name in groups
    assert name not in groups


def test_free_text_is_hidden_until_the_minimum_and_escaped_when_shown(questionnaire, lead_client):
    add_responses(questionnaire, values=[4] * 9, text="<script>alert('x')</script>")

    hidden = lead_client.get(questionnaire.get_absolute_url())
    add_responses(questionnaire, values=[4], text="<script>alert('x')</script>")
    shown = lead_client.get(questionnaire.get_absolute_url())

    assert "&lt;script&gt;" not in hidden.content.decode()
    assert "Answers to 1 question are not shown: fewer than 10 people wrote one." in hidden.content.decode()
    assert shown.content.decode().count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 10
    assert "<script>alert" not in shown.content.decode()
    assert [group["theme"] for group in shown.context["texts"]] == ["Capacity and managing resources"]


def test_minimums_are_configurable_per_review(answered, review):
    QuestionnaireSettings.objects.create(review=review, minimum_group=3)

    table = services.question_tables(answered, QuestionnaireSettings.for_review(review).minimum_group)

    agree = next(table for table in table if table.question.kind == Question.Kind.AGREE)
    assert agree.bases == [7, 6, 3, 16]


def test_response_rates_use_the_expected_numbers_and_hide_small_groups(answered, review, lead_client):
    response = lead_client.get(f"/reviews/{review.pk}/focus-groups/segments/")

    [(questionnaire, rates)] = response.context["rates"]
    rows = [(row.name, row.responses, row.percent) for row in rates.rows]
    assert questionnaire == answered
    assert rows == [
        ("Health", 7, 50),
        ("Police", None, None),
        ("Youth justice", None, None),
        ("No segment given", 0, None),
    ]


def results_queries(client, questionnaire) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(questionnaire.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_results_page_runs_the_same_number_of_queries_for_1_and_50_responses(review, lead_client):
    one = make_questionnaire(review, title="One")
    many = make_questionnaire(review, title="Many")
    segment = make_segment(review)
    add_responses(one, segment=segment, values=[4], text="Fine")
    add_responses(many, segment=segment, values=[4, 5] * 25, text="Fine")
    results_queries(lead_client, one)  # the first visit seeds the review's codebook from its framework

    assert results_queries(lead_client, one) == results_queries(lead_client, many)


def test_host_members_see_the_suppressed_results(answered, sponsor_client):
    response = sponsor_client.get(answered.get_absolute_url())

    assert response.status_code == 200
    assert response.context["form"] is None


def test_a_questionnaire_of_another_review_is_404(answered, other_review, lead_client):
    response = lead_client.get(f"/reviews/{answered.review_id}/focus-groups/questionnaires/999999/")

    assert response.status_code == 404


def test_the_lead_sets_the_dates_and_bad_dates_are_refused(questionnaire, lead_client):
    response = lead_client.post(
        questionnaire.get_absolute_url(), {"opens_on": "2026-11-10", "closes_on": "2026-11-01", "version": "1"}
    )

    assert response.context["form"].errors == {"closes_on": ["The closing date must be on or after the opening date."]}
    questionnaire.refresh_from_db()
    assert str(questionnaire.opens_on) == "2000-01-01"


@pytest.mark.parametrize(
    ("sent", "errors"),
    [
        (
            {"opens_on": "2027-13-01"},
            {"opens_on": ["Enter the date the questionnaire opens as a real date, for example 27/3/2027."]},
        ),
        (
            {"opens_on": "31/02/2027", "closes_on": "soon"},
            {
                "opens_on": ["Enter the date the questionnaire opens as a real date, for example 27/3/2027."],
                "closes_on": ["Enter the date the questionnaire closes as a real date, for example 27/3/2027."],
            },
        ),
    ],
)
def test_dates_that_are_not_dates_are_named(questionnaire, lead_client, sent, errors):
    response = lead_client.post(questionnaire.get_absolute_url(), {**sent, "version": "1"})

    assert response.context["form"].errors == errors
    questionnaire.refresh_from_db()
    assert str(questionnaire.opens_on) == "2000-01-01"


def test_the_dates_cannot_be_moved_past_answers_already_received(questionnaire, lead_client):
    add_responses(questionnaire, values=[4, 5])
    first, last = datetime.date(2026, 11, 2), datetime.date(2026, 11, 9)
    questionnaire.responses.filter(pk=questionnaire.responses.order_by("pk")[0].pk).update(submitted_on=first)
    questionnaire.responses.exclude(submitted_on=first).update(submitted_on=last)

    refused = lead_client.post(
        questionnaire.get_absolute_url(), {"opens_on": "2026-11-03", "closes_on": "2026-11-08", "version": "1"}
    )
    kept = lead_client.post(
        questionnaire.get_absolute_url(), {"opens_on": "2026-11-02", "closes_on": "2026-11-09", "version": "1"}
    )

    assert refused.context["form"].errors == {
        "opens_on": ["Answers have been received since 2 November 2026, so it cannot open later than that."],
        "closes_on": ["Answers were received on 9 November 2026, so it cannot close before that day."],
    }
    assert kept.status_code == 302
    questionnaire.refresh_from_db()
    assert (questionnaire.opens_on, questionnaire.closes_on) == (first, last)


def test_a_contributor_may_not_change_the_dates(questionnaire, contributor_client):
    response = contributor_client.post(questionnaire.get_absolute_url(), {"opens_on": "2026-11-10"})

    assert response.status_code == 403


def test_core_questions_compare_across_age_bands_with_suppression(review, lead_client):
    younger = make_questionnaire(review, title="Younger", audience="children", age_band="8-11")
    older = make_questionnaire(review, title="Older", audience="children", age_band="11-17")
    middle = make_questionnaire(review, title="Youngest", audience="children", age_band="4-7")
    Question.objects.filter(kind=Question.Kind.AGREE).update(core_key="feel-safe")
    add_responses(younger, values=[5, 5, 4, 4, 4, 1])
    add_responses(older, values=[5, 5, 5, 5, 5, 5, 2])
    add_responses(middle, values=[4, 4])

    response = lead_client.get(f"/reviews/{review.pk}/focus-groups/")

    [table] = response.context["core_tables"]
    assert table.columns == ["Aged 11 to 17", "Aged 4 to 7", "Aged 8 to 11", "All versions"]
    # Each column is another questionnaire: the total is hidden, never another questionnaire's results.
    assert table.bases == [7, None, 6, None]
    assert [row["cells"] for row in table.rows][0] == [6, None, 2, None]
