import pytest
from django.core import mail
from django.test import Client

from focusgroups.models import Question, QuestionnaireSettings, SafeguardingAlert

from .conftest import make_questionnaire, question, send_waiting_alert_emails


@pytest.fixture
def child_questionnaire(review):
    return make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11", simple_pages=True)


def answer(questionnaire, data, *, capture):
    with capture() as callbacks:
        response = Client().post(f"/q/{questionnaire.token}/", data)
    assert len(callbacks) == SafeguardingAlert.objects.count()  # the email is queued after commit, not sent
    send_waiting_alert_emails()
    return response


def test_a_child_who_does_not_feel_safe_is_shown_who_to_talk_to_and_the_lead_is_alerted(
    child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    safe = question(child_questionnaire, Question.Kind.AGREE)

    response = answer(child_questionnaire, {f"q{safe.pk}": "1"}, capture=django_capture_on_commit_callbacks)

    body = response.content.decode()
    assert "Who you can talk to" in body
    assert "Call Childline on 0800 1111." in body
    alert = SafeguardingAlert.objects.get()
    assert alert.review == child_questionnaire.review
    assert alert.response.answers.get().value == 1
    assert alert.reason == "Answered “Strongly disagree” to “My caseload is manageable.”"
    assert alert.status == SafeguardingAlert.Status.NEW
    assert [message.to for message in mail.outbox] == [["lead@northmoor.example"]]
    assert "Open the alert" in mail.outbox[0].body


def test_a_concern_phrase_in_free_text_raises_an_alert(
    child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    free = question(child_questionnaire, Question.Kind.TEXT)

    response = answer(
        child_questionnaire,
        {f"q{free.pk}": "Sometimes I am  SCARED to go home"},
        capture=django_capture_on_commit_callbacks,
    )

    assert "Who you can talk to" in response.content.decode()
    assert (
        SafeguardingAlert.objects.get().reason
        == "A free-text answer to “What would you change?” has words that may be a disclosure: “scared”."
    )


def test_a_safe_answer_raises_no_alert(child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks):
    safe = question(child_questionnaire, Question.Kind.AGREE)

    response = answer(child_questionnaire, {f"q{safe.pk}": "4"}, capture=django_capture_on_commit_callbacks)

    assert "Who you can talk to" not in response.content.decode()
    assert SafeguardingAlert.objects.count() == 0
    assert mail.outbox == []


def test_without_a_named_lead_the_alert_is_still_raised_in_the_app(
    child_questionnaire, django_capture_on_commit_callbacks
):
    safe = question(child_questionnaire, Question.Kind.AGREE)

    answer(child_questionnaire, {f"q{safe.pk}": "2"}, capture=django_capture_on_commit_callbacks)

    assert SafeguardingAlert.objects.count() == 1
    assert mail.outbox == []


def make_alert(questionnaire):
    safe = question(questionnaire, Question.Kind.AGREE)
    Client().post(f"/q/{questionnaire.token}/", {f"q{safe.pk}": "1"})
    return SafeguardingAlert.objects.get()


def test_the_alert_page_shows_the_response_and_leaves_the_alert_new(
    child_questionnaire, safeguarding_lead, lead_client
):
    alert = make_alert(child_questionnaire)

    response = lead_client.get(alert.get_absolute_url())

    assert response.status_code == 200
    alert.refresh_from_db()
    assert (alert.status, alert.read_by, alert.read_at) == (SafeguardingAlert.Status.NEW, None, None)
    assert "My caseload is manageable." in response.content.decode()


def test_the_lead_records_what_they_did(child_questionnaire, safeguarding_lead, lead_client):
    alert = make_alert(child_questionnaire)

    response = lead_client.post(alert.get_absolute_url(), {"action": "Told the council's designated officer at 10:00."})

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafeguardingAlert.Status.ACTIONED
    assert alert.action == "Told the council's designated officer at 10:00."
    assert alert.actioned_by == safeguarding_lead


def test_recording_nothing_is_refused(child_questionnaire, safeguarding_lead, lead_client):
    alert = make_alert(child_questionnaire)

    response = lead_client.post(alert.get_absolute_url(), {"action": ""})

    assert response.context["form"].errors == {"action": ["Enter what you did about this alert."]}
    alert.refresh_from_db()
    assert alert.action == ""


def test_the_named_lead_who_is_a_peer_can_read_alerts(child_questionnaire, review, peer, peer_client):
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=peer)
    alert = make_alert(child_questionnaire)

    response = peer_client.get(alert.get_absolute_url())

    assert response.status_code == 200


@pytest.mark.parametrize("client_name", ["peer_client", "contributor_client", "organiser_client"])
def test_members_who_are_not_the_safeguarding_lead_get_404(
    child_questionnaire, safeguarding_lead, client_name, request
):
    alert = make_alert(child_questionnaire)
    client = request.getfixturevalue(client_name)

    response = client.get(alert.get_absolute_url())

    assert response.status_code == 404


def test_an_alert_of_another_review_is_404(child_questionnaire, other_review, safeguarding_lead, lead_client):
    alert = make_alert(child_questionnaire)

    response = lead_client.get(f"/reviews/{other_review.pk}/focus-groups/alerts/{alert.pk}/")

    assert response.status_code == 404


def test_a_disclosure_after_a_single_choice_answer_is_kept_and_raises_one_alert_with_its_own_reason(
    child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    single = question(child_questionnaire, Question.Kind.SINGLE)
    single.order = 0  # the first question on the page, before the safety scale
    single.save()
    free = question(child_questionnaire, Question.Kind.TEXT)
    multiple = question(child_questionnaire, Question.Kind.MULTIPLE)

    response = answer(
        child_questionnaire,
        {f"q{single.pk}": "Less than a year", f"q{free.pk}": "My uncle hurt me", f"q{multiple.pk}": ["Strategy"]},
        capture=django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    alert = SafeguardingAlert.objects.get()
    assert (
        alert.reason == "A free-text answer to “What would you change?” has words that may be a disclosure: “hurt me”."
    )
    assert alert.response.answers.get(question=free).text == "My uncle hurt me"
    assert len(mail.outbox) == 1
