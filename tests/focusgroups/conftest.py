"""Questionnaires and focus groups made directly, for the stage's tests."""

import datetime

import pytest

from focusgroups.models import (
    Answer,
    Audience,
    Code,
    FocusGroup,
    Question,
    Questionnaire,
    QuestionnaireSettings,
    Response,
    SafeguardingAlert,
    Section,
    Segment,
)
from focusgroups.tasks import email_safeguarding_alert

from ..mailserver import after_commit, mail_server, mail_server_down  # noqa: F401 (fixtures)

OPEN = datetime.date(2000, 1, 1)


STAFF_QUESTIONS = [
    (Question.Kind.AGREE, "My caseload is manageable.", "", True),
    (Question.Kind.FREQUENCY, "I am treated with respect.", "", False),
    (Question.Kind.SCORE, "How much do you trust your manager?", "", False),
    (Question.Kind.SINGLE, "How long have you worked here?", "Less than a year\nMore than a year", False),
    (Question.Kind.MULTIPLE, "Which meetings have you attended?", "Strategy\nConference\nCore group", False),
    (Question.Kind.TEXT, "What would you change?", "", False),
]


def make_questionnaire(
    review, *, title="Staff health check", audience=Audience.STAFF, age_band="", questions=STAFF_QUESTIONS, **kwargs
):
    """A review's questionnaire, open since 2000, with one section holding the questions given as
    (kind, text, choices, safety check): by default one of each kind. Staff and partners are asked their
    segment, as the library's are."""
    kwargs.setdefault("ask_segment", audience in {Audience.STAFF, Audience.PARTNERS})
    questionnaire = Questionnaire.objects.create(
        review=review,
        title=title,
        audience=audience,
        age_band=age_band,
        token=f"token-{title}-{review.pk}".replace(" ", "-"),
        opens_on=OPEN,
        **kwargs,
    )
    section = Section.objects.create(questionnaire=questionnaire, order=1, title="Your work")
    theme = review.framework.themes.get(order=4)
    for order, (kind, text, choices, safety) in enumerate(questions, start=1):
        Question.objects.create(
            section=section, order=order, kind=kind, text=text, choices=choices, theme=theme, safety_check=safety
        )
    return questionnaire


@pytest.fixture
def safeguarding_lead(review, lead):
    """The review's lead, named as its safeguarding lead, with an email address and the review's help text."""
    lead.email = "lead@northmoor.example"
    lead.save()
    QuestionnaireSettings.objects.create(
        review=review, safeguarding_lead=lead, help_text="Call Childline on 0800 1111."
    )
    return lead


def question(questionnaire, kind) -> Question:
    return Question.objects.get(section__questionnaire=questionnaire, kind=kind)


def add_responses(questionnaire, *, segment=None, values=(), text=""):
    """One response per value, each answering the agree-disagree question (and free text if given)."""
    agree = question(questionnaire, Question.Kind.AGREE)
    free = question(questionnaire, Question.Kind.TEXT)
    for value in values:
        response = Response.objects.create(questionnaire=questionnaire, segment=segment)
        Answer.objects.create(response=response, question=agree, value=value)
        if text:
            Answer.objects.create(response=response, question=free, text=text)


def make_segment(review, name="Police", expected=None, partner=None):
    return Segment.objects.create(review=review, name=name, expected=expected, partner=partner)


def make_group(review, *, notes="First point. Second point.\nA new paragraph here.", title="Frontline staff"):
    return FocusGroup.objects.create(
        review=review,
        title=title,
        held_on=datetime.date(2026, 11, 3),
        audience=Audience.STAFF,
        participants=8,
        notes=notes,
    )


def make_code(review, name="Supervision", parent=None):
    return Code.objects.create(review=review, name=name, parent=parent)


def send_waiting_alert_emails(site_url: str = "http://testserver/") -> None:
    """Run, in the test process, the email task the worker would run for each alert waiting for its email."""
    waiting = SafeguardingAlert.objects.filter(email_sent_at__isnull=True, email_error="").order_by("pk")
    for alert_id in waiting.values_list("pk", flat=True):
        email_safeguarding_alert(alert_id=alert_id, site_url=site_url)
