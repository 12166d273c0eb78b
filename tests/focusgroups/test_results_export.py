"""Questionnaire results downloads go through the one export writer: no cell is ever a live formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from focusgroups.models import Question

from .conftest import add_responses, make_questionnaire, make_segment, question

HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review)


def plant(questionnaire, review, text):
    agree = question(questionnaire, Question.Kind.AGREE)
    agree.text = text
    agree.save()
    add_responses(questionnaire, segment=make_segment(review, text), values=[5, 5, 5, 5, 5])
    return f"/reviews/{review.pk}/focus-groups/questionnaires/{questionnaire.pk}/results"


@pytest.mark.parametrize("text", HOSTILE)
def test_the_xlsx_results_keep_formula_like_text_as_text(questionnaire, review, lead_client, text):
    url = plant(questionnaire, review, text)

    response = lead_client.get(url + ".xlsx")

    sheet = load_workbook(io.BytesIO(response.content), data_only=False).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    kept = text  # written with lxml (which the Word and PowerPoint writers need), a carriage return is kept
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert [row[4] for row in sheet.iter_rows(values_only=True) if row[1] == kept][:1] == [kept]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_csv_results_put_one_apostrophe_before_formula_like_text(questionnaire, review, lead_client, text):
    url = plant(questionnaire, review, text)

    response = lead_client.get(url + ".csv")

    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    planted = [row for row in rows if row[1] == "'" + text]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert planted[0][3:5] == ["Respondents", "'" + text]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "''")) for row in rows for cell in row)
