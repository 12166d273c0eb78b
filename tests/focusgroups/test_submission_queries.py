"""An anonymous submission runs the same queries whatever the number of questions, segments and settings."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from focusgroups.models import Answer, Question, Questionnaire, QuestionnaireSettings, Response, Section

from .conftest import OPEN, make_segment


def questionnaire_of(review, title: str, questions: int) -> Questionnaire:
    """`questions` questions in two sections, cycling through every kind (choices where they need them)."""
    questionnaire = Questionnaire.objects.create(
        review=review, title=title, audience="staff", token=f"token-{title}", opens_on=OPEN, ask_segment=True
    )
    sections = [Section.objects.create(questionnaire=questionnaire, order=order, title=f"S{order}") for order in (1, 2)]
    kinds = list(Question.Kind)
    Question.objects.bulk_create(
        Question(
            section=sections[number % 2],
            order=number,
            text=f"Question {number}",
            kind=kinds[number % len(kinds)],
            choices="One\nTwo" if kinds[number % len(kinds)] in {"single", "multiple"} else "",
        )
        for number in range(questions)
    )
    return questionnaire


def answers_to(questionnaire) -> dict:
    """An answer to every question: the highest point of scales, the first choice, a line of text."""
    data = {}
    for question in Question.objects.filter(section__questionnaire=questionnaire):
        options = [value for value, _ in question.options()]
        data[f"q{question.pk}"] = "Fine." if question.kind == Question.Kind.TEXT else options[0]
    return data


def submit(questionnaire, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(f"/q/{questionnaire.token}/", data)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    return len(queries)


@pytest.mark.parametrize("with_settings", [False, True])
def test_a_submission_runs_the_same_queries_for_5_and_for_40_questions(review, with_settings):
    if with_settings:
        QuestionnaireSettings.objects.create(review=review, minimum_group=3)
    segment = make_segment(review, "Police")
    small = questionnaire_of(review, "small", 5)
    large = questionnaire_of(review, "large", 40)

    small_count = submit(small, {**answers_to(small), "segment": segment.pk})
    large_count = submit(large, {**answers_to(large), "segment": segment.pk})

    assert small_count == large_count
    # The questionnaire with its review and settings, its questions, the segments, then the response
    # and its answers in one insert each, inside one transaction (a savepoint in tests).
    assert large_count == 7
    assert Response.objects.filter(questionnaire=large, segment=segment).count() == 1
    assert Answer.objects.filter(response__questionnaire=large).count() == 40


def test_a_submission_to_a_review_without_segments_runs_the_same_queries(review):
    questionnaire = questionnaire_of(review, "plain", 5)

    count = submit(questionnaire, answers_to(questionnaire))

    assert count == 7
    assert Answer.objects.filter(response__questionnaire=questionnaire).count() == 5
