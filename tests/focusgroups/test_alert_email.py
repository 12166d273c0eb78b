"""The safeguarding alert email carries what the lead needs to act on, and is never written to the logs."""

import datetime

import pytest
from django.core import mail
from django.test import Client

from focusgroups.models import Question, QuestionnaireSettings, SafeguardingAlert

from .conftest import make_questionnaire, make_segment, question


@pytest.fixture
def child_questionnaire(review):
    return make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11", simple_pages=True)


@pytest.fixture
def safeguarding_lead(review, lead):
    lead.email = "lead@northmoor.example"
    lead.save()
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)
    return lead


def test_the_email_carries_the_questionnaire_segment_day_and_the_answers_that_raised_the_concern(
    child_questionnaire, review, safeguarding_lead, django_capture_on_commit_callbacks
):
    school = make_segment(review, "Northmoor Primary")
    safe = question(child_questionnaire, Question.Kind.AGREE)
    free = question(child_questionnaire, Question.Kind.TEXT)
    calm = question(child_questionnaire, Question.Kind.FREQUENCY)

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            f"/q/{child_questionnaire.token}/",
            {
                "segment": school.pk,
                f"q{safe.pk}": "1",
                f"q{calm.pk}": "4",
                f"q{free.pk}": "My brother hits me when mum is out",
            },
        )

    alert = SafeguardingAlert.objects.get()
    today = datetime.date.today()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@northmoor.example"]
    assert message.subject == "Safeguarding alert from a questionnaire response"
    assert message.body == (
        "A response to a questionnaire of the review “Testshire children's safeguarding peer review” raised a "
        "safeguarding alert. Please act on it today.\n"
        "\n"
        "Questionnaire: Children 8 to 11\n"
        "Audience: Children and young people, aged 8 to 11\n"
        "Agency or team: Northmoor Primary\n"
        f"Given: {today.day} {today:%B %Y}, online, by the respondent\n"
        "\n"
        "What raised the concern:\n"
        "- Answered “Strongly disagree” to “My caseload is manageable.”.\n"
        "- Wrote, in answer to “What would you change?”:\n"
        "“My brother hits me when mum is out”\n"
        "\n"
        "The response is anonymous: it holds no name, address or link to the person who gave it, beyond what "
        "they wrote.\n"
        "\n"
        "Open the alert to see the whole response and to record that you read it and what you did: "
        f"http://testserver/reviews/{review.pk}/focus-groups/alerts/{alert.pk}/"
    )
    assert "I am treated with respect." not in message.body


def test_a_keyed_in_paper_return_says_how_it_was_given(
    child_questionnaire, review, safeguarding_lead, peer_client, django_capture_on_commit_callbacks
):
    safe = question(child_questionnaire, Question.Kind.AGREE)

    with django_capture_on_commit_callbacks(execute=True):
        response = peer_client.post(
            f"/reviews/{review.pk}/focus-groups/questionnaires/{child_questionnaire.pk}/paper/",
            {"mode": "paper", f"q{safe.pk}": "2"},
        )

    assert response.status_code == 302
    body = mail.outbox[0].body
    assert "Agency or team: not given\n" in body
    assert ", on paper, keyed in by staff\n" in body
    assert "- Answered “Disagree” to “My caseload is manageable.”.\n" in body


def test_markup_in_free_text_goes_into_the_plain_text_email_as_typed(
    child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    free = question(child_questionnaire, Question.Kind.TEXT)

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/q/{child_questionnaire.token}/", {f"q{free.pk}": "<b>scared</b> <script>x()</script>"})

    message = mail.outbox[0]
    assert "“<b>scared</b> <script>x()</script>”" in message.body
    assert message.alternatives == []


def test_no_email_goes_through_the_console_backend_that_writes_to_the_logs(
    child_questionnaire, safeguarding_lead, settings, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    free = question(child_questionnaire, Question.Kind.TEXT)

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(f"/q/{child_questionnaire.token}/", {f"q{free.pk}": "I am scared at home"})

    assert "Who you can talk to" in response.content.decode()
    assert SafeguardingAlert.objects.count() == 1
    assert "scared at home" not in capsys.readouterr().out
