"""Markup typed into free text, notes and names reaches the baseline report PDF and the exports as literal text."""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from focusgroups import services
from focusgroups.models import Coding, Question
from reviews.models import Report
from reviews.tasks import render_report

from ..factories import ReportFactory
from .conftest import add_responses, make_code, make_group, make_questionnaire, make_segment, question

NOTE = "Staff said <b>supervision</b> is rare <script>alert(1)</script> in the team."
ANSWER = "Managers <i>listen</i> & <script>steal()</script> nothing."


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def raise_finding(client, coding: Coding, summary: str, theme) -> None:
    response = client.post(
        f"/reviews/{coding.review_id}/focus-groups/codings/{coding.pk}/finding/",
        {"summary": summary, "kind": "area", "theme": theme.pk, "detail": coding.quote},
    )
    assert response.status_code == 302


def test_markup_in_notes_free_text_and_names_is_literal_text_in_the_baseline_report(review, peer, peer_client):
    theme = review.framework.themes.get(order=1)
    code = make_code(review, "<b>Trust</b>")
    group = make_group(review, notes=NOTE)
    note_coding = services.code_passage(group=group, code=code, start=0, end=len(NOTE), coder=peer, version=1)
    questionnaire = make_questionnaire(review)
    make_segment(review, "<em>Police</em>")
    add_responses(questionnaire, values=[4] * 10, text=ANSWER)
    answer = questionnaire.responses.order_by("pk").first().answers.exclude(text="").get()
    coded = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/questionnaires/{questionnaire.pk}/code-answer/",
        {"code": code.pk, "answer": answer.pk},
    )
    answer_coding = Coding.objects.get(answer=answer)
    raise_finding(peer_client, note_coding, "Supervision is rare", theme)
    raise_finding(peer_client, answer_coding, "Managers listen", theme)
    report = ReportFactory(review=review)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    with report.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert coded.status_code == 302
    assert report.status == Report.Status.DONE
    squeezed = "".join(text.split())  # lines wrap at any space, and the extracted text puts spaces where they wrap
    assert squeezed.count("".join(NOTE.split())) == 1  # the evidence index's note (the summary leaves out details)
    assert squeezed.count("".join(ANSWER.split())) == 2  # and the evidence label, short enough to be whole
    assert "<b>Trust</b>" in text
    assert "<em>Police</em>" in text
    assert "&lt;" not in text
    assert "&amp;" not in text


@pytest.fixture
def marked_up(review):
    questionnaire = make_questionnaire(review)
    Question.objects.filter(pk=question(questionnaire, Question.Kind.AGREE).pk).update(
        text="My <b>caseload</b> is <script>x()</script> fine."
    )
    segment = make_segment(review, "<i>Health</i>")
    add_responses(questionnaire, segment=segment, values=[5] * 5)
    return questionnaire


def test_markup_in_question_and_segment_names_is_literal_in_the_csv(marked_up, lead_client):
    response = lead_client.get(f"/reviews/{marked_up.review_id}/focus-groups/questionnaires/{marked_up.pk}/results.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    agree = [row for row in rows if row[1] == "My <b>caseload</b> is <script>x()</script> fine."]
    assert ["Respondents", "<i>Health</i>", "5"] in [row[3:6] for row in agree]
    assert "&lt;" not in response.content.decode()


def test_markup_in_question_and_segment_names_is_literal_in_the_xlsx(marked_up, lead_client):
    response = lead_client.get(
        f"/reviews/{marked_up.review_id}/focus-groups/questionnaires/{marked_up.pk}/results.xlsx"
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    agree = [row for row in rows if row[1] == "My <b>caseload</b> is <script>x()</script> fine."]
    assert ("Respondents", "<i>Health</i>", 5) in [row[3:6] for row in agree]
    assert not any("&lt;" in str(cell) for row in rows for cell in row)
