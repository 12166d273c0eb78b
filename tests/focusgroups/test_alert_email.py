"""The safeguarding alert email: sent by a task after commit, once only, never written to the logs, and a failure
is recorded on the alert for the lead to try again."""

import datetime
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from celery.signals import before_task_publish
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from focusgroups.models import Question, QuestionnaireSettings, Response, SafeguardingAlert
from focusgroups.tasks import email_safeguarding_alert
from peerreview.celery import app

from ..conftest import need_service
from .conftest import make_questionnaire, make_segment, question, send_waiting_alert_emails

SITE = "http://testserver/"
TASK = "focusgroups.tasks.email_safeguarding_alert"


@pytest.fixture
def child_questionnaire(review):
    return make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11", simple_pages=True)


@pytest.fixture
def safeguarding_lead(review, lead):
    lead.email = "lead@northmoor.example"
    lead.save()
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)
    return lead


@pytest.fixture
def unsafe_alert(child_questionnaire, django_capture_on_commit_callbacks):
    """An alert raised through the anonymous page, its email queued but not yet sent."""
    safe = question(child_questionnaire, Question.Kind.AGREE)
    with django_capture_on_commit_callbacks() as callbacks:
        Client().post(f"/q/{child_questionnaire.token}/", {f"q{safe.pk}": "1"})
    assert len(callbacks) == 1
    return SafeguardingAlert.objects.get()


@pytest.fixture
def unreachable_mail_server(settings):
    """A real SMTP backend pointed at a port nobody listens on: every send fails at once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


def retry_url(alert) -> str:
    return reverse("focusgroups:alert_email_retry", args=[alert.review_id, alert.pk])


# What the email says


def test_the_email_carries_the_questionnaire_segment_day_and_the_answers_that_raised_the_concern(
    review, safeguarding_lead, django_capture_on_commit_callbacks
):
    # Partners' staff say which agency or team they are in; children are never asked.
    partners = make_questionnaire(review, title="Partner staff", audience="partners")
    school = make_segment(review, "Northmoor Primary")
    safe = question(partners, Question.Kind.AGREE)
    free = question(partners, Question.Kind.TEXT)
    calm = question(partners, Question.Kind.FREQUENCY)
    with django_capture_on_commit_callbacks():
        Client().post(
            f"/q/{partners.token}/",
            {
                "segment": school.pk,
                f"q{safe.pk}": "1",
                f"q{calm.pk}": "4",
                f"q{free.pk}": "My brother hits me when mum is out",
            },
        )
    alert = SafeguardingAlert.objects.get()

    email_safeguarding_alert(alert_id=alert.pk, site_url=SITE)

    today = datetime.date.today()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@northmoor.example"]
    assert message.subject == "Safeguarding alert from a questionnaire response"
    assert message.body == (
        "A response to a questionnaire of the review “Testshire children's safeguarding peer review” raised a "
        "safeguarding alert. Please act on it today.\n"
        "\n"
        "Questionnaire: Partner staff\n"
        "Audience: Partner agency staff\n"
        "Agency or team: Northmoor Primary\n"
        f"Given: {today.day} {today:%B %Y}, online, by the respondent\n"
        "\n"
        "What raised the concern:\n"
        "- Answered “Strongly disagree” to “My caseload is manageable.”\n"
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
    with django_capture_on_commit_callbacks() as callbacks:
        response = peer_client.post(
            f"/reviews/{review.pk}/focus-groups/questionnaires/{child_questionnaire.pk}/paper/",
            {"mode": "paper", f"q{safe.pk}": "2"},
        )

    send_waiting_alert_emails()

    assert (response.status_code, len(callbacks)) == (302, 1)
    body = mail.outbox[0].body
    assert "Agency or team: not given\n" in body
    assert ", on paper, keyed in by staff\n" in body
    assert "- Answered “Disagree” to “My caseload is manageable.”\n" in body


def test_markup_in_free_text_goes_into_the_plain_text_email_as_typed(
    child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    free = question(child_questionnaire, Question.Kind.TEXT)
    with django_capture_on_commit_callbacks():
        Client().post(f"/q/{child_questionnaire.token}/", {f"q{free.pk}": "<b>scared</b> <script>x()</script>"})

    send_waiting_alert_emails()

    message = mail.outbox[0]
    assert "“<b>scared</b> <script>x()</script>”" in message.body
    assert message.alternatives == []


def test_the_answers_stay_in_the_email_when_the_concern_phrases_change_before_it_is_sent(
    child_questionnaire, review, safeguarding_lead, django_capture_on_commit_callbacks
):
    free = question(child_questionnaire, Question.Kind.TEXT)
    QuestionnaireSettings.objects.filter(review=review).update(concern_phrases="the lodger")
    with django_capture_on_commit_callbacks():
        Client().post(f"/q/{child_questionnaire.token}/", {f"q{free.pk}": "The lodgers come into my room"})
    QuestionnaireSettings.objects.filter(review=review).update(concern_phrases="nothing that matches")

    send_waiting_alert_emails()

    assert (
        "- A free-text answer to “What would you change?” has words that may be a disclosure: “the lodgers”.\n"
        in mail.outbox[0].body
    )


# Sent by a task, once


def test_the_web_request_queues_the_email_and_does_not_send_it_when_tasks_are_not_run_in_process(
    child_questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    safe = question(child_questionnaire, Question.Kind.AGREE)
    published = []

    def record(sender=None, body=None, **kwargs):
        published.append((sender, list(body[0]), body[1]))

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    before_task_publish.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(f"/q/{child_questionnaire.token}/", {f"q{safe.pk}": "1"})
    finally:
        before_task_publish.disconnect(record)
        app.conf.task_always_eager = eager
        app.control.purge()

    alert = SafeguardingAlert.objects.get()
    assert "Who you can talk to" in response.content.decode()
    assert published == [(TASK, [], {"alert_id": alert.pk, "site_url": SITE})]
    assert mail.outbox == []
    assert (alert.email_sent_at, alert.email_attempts, alert.email_error) == (None, 0, "")


def test_the_task_sends_once_even_when_run_twice(unsafe_alert, safeguarding_lead):
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)

    unsafe_alert.refresh_from_db()
    assert len(mail.outbox) == 1
    assert unsafe_alert.email_sent_at is not None
    assert (unsafe_alert.email_recipients, unsafe_alert.email_attempts, unsafe_alert.email_error) == (1, 1, "")


def test_the_task_for_an_alert_that_is_gone_does_nothing(db):
    email_safeguarding_alert(alert_id=987654, site_url=SITE)

    assert mail.outbox == []


def test_the_alert_page_says_when_the_email_was_sent(unsafe_alert, safeguarding_lead, lead_client):
    waiting = lead_client.get(unsafe_alert.get_absolute_url()).content.decode()
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)

    sent = lead_client.get(unsafe_alert.get_absolute_url()).content.decode()

    assert "Waiting to be sent" in waiting
    assert "to 1 person</dd>" in sent
    assert "Try sending the email again" not in sent


# Never through the logs, and why nothing was sent


def test_no_email_goes_through_the_console_backend_that_writes_to_the_logs(
    child_questionnaire, safeguarding_lead, settings, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    free = question(child_questionnaire, Question.Kind.TEXT)
    with django_capture_on_commit_callbacks():
        response = Client().post(f"/q/{child_questionnaire.token}/", {f"q{free.pk}": "I am scared at home"})

    send_waiting_alert_emails()

    alert = SafeguardingAlert.objects.get()
    assert "Who you can talk to" in response.content.decode()
    assert "scared at home" not in capsys.readouterr().out
    assert (alert.email_sent_at, alert.email_attempts) == (None, 1)
    assert alert.email_error == "Not sent: email is not set up on this site, so the alert is only here."


def test_without_a_lead_or_their_email_the_alert_says_why_nothing_was_sent(unsafe_alert, review, lead):
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)
    no_lead = SafeguardingAlert.objects.get().email_error
    lead.email = ""
    lead.save()
    QuestionnaireSettings.objects.update_or_create(review=review, defaults={"safeguarding_lead": lead})
    SafeguardingAlert.objects.update(email_error="")
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)

    unsafe_alert.refresh_from_db()
    assert no_lead == "Not sent: the review has no named safeguarding lead."
    assert unsafe_alert.email_error == "Not sent: the named safeguarding lead has no email address in their account."
    assert (unsafe_alert.email_attempts, mail.outbox) == (2, [])


# A failure is recorded and can be tried again


def test_a_failure_is_recorded_shown_and_sent_on_a_second_try(
    unsafe_alert, safeguarding_lead, lead_client, unreachable_mail_server, settings, django_capture_on_commit_callbacks
):
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)
    unsafe_alert.refresh_from_db()
    failed_page = lead_client.get(unsafe_alert.get_absolute_url()).content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with django_capture_on_commit_callbacks() as callbacks:
        retried = lead_client.post(retry_url(unsafe_alert), follow=True)
    waiting = SafeguardingAlert.objects.get()
    send_waiting_alert_emails()

    sent = SafeguardingAlert.objects.get()
    assert unsafe_alert.email_sent_at is None
    assert unsafe_alert.email_error.startswith("The email could not be sent: ConnectionRefusedError:")
    assert "The email to the safeguarding lead was not sent. The email could not be sent: Connection" in failed_page
    assert "Try sending the email again" in failed_page
    assert retried.redirect_chain[-1][0] == unsafe_alert.get_absolute_url()
    assert "The email to the safeguarding lead will be sent again in a moment." in retried.content.decode()
    assert len(callbacks) == 1
    assert (waiting.email_error, waiting.email_sent_at) == ("", None)
    assert (sent.email_attempts, sent.email_recipients, sent.email_error) == (2, 1, "")
    assert [message.to for message in mail.outbox] == [["lead@northmoor.example"]]


def test_trying_again_is_refused_while_the_email_waits_and_once_it_is_sent(
    unsafe_alert, safeguarding_lead, lead_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as waiting_callbacks:
        waiting = lead_client.post(retry_url(unsafe_alert), follow=True)
    email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url=SITE)
    with django_capture_on_commit_callbacks() as sent_callbacks:
        sent = lead_client.post(retry_url(unsafe_alert), follow=True)

    assert "The email about this alert is waiting to be sent: there is nothing to try again yet." in (
        waiting.content.decode()
    )
    assert "The email about this alert has already been sent, so it is not sent again." in sent.content.decode()
    assert (len(waiting_callbacks), len(sent_callbacks), len(mail.outbox)) == (0, 0, 1)


def test_who_may_try_again(
    unsafe_alert, review, other_review, safeguarding_lead, challenge_client, observer_client, peer_client, settings
):
    SafeguardingAlert.objects.update(email_error="Not sent: the review has no named safeguarding lead.")
    observer_page = observer_client.get(unsafe_alert.get_absolute_url()).content.decode()

    statuses = [
        observer_client.post(retry_url(unsafe_alert)).status_code,
        peer_client.post(retry_url(unsafe_alert)).status_code,
        challenge_client.get(retry_url(unsafe_alert)).status_code,
        challenge_client.post(reverse("focusgroups:alert_email_retry", args=[review.pk, 987654])).status_code,
        challenge_client.post(retry_url(unsafe_alert)).status_code,
    ]

    assert statuses == [403, 404, 405, 404, 302]
    assert "Try sending the email again" not in observer_page
    assert SafeguardingAlert.objects.get().email_error == ""


def test_an_alert_of_another_review_cannot_be_tried_again(unsafe_alert, other_review, outsider_client, lead_client):
    SafeguardingAlert.objects.update(email_error="Not sent: the review has no named safeguarding lead.")
    foreign_url = reverse("focusgroups:alert_email_retry", args=[other_review.pk, unsafe_alert.pk])

    statuses = [
        outsider_client.post(foreign_url).status_code,
        outsider_client.post(retry_url(unsafe_alert)).status_code,
    ]

    assert statuses == [404, 404]
    assert SafeguardingAlert.objects.get().email_error != ""


def test_trying_again_needs_a_csrf_token(unsafe_alert, safeguarding_lead):
    SafeguardingAlert.objects.update(email_error="Not sent: the review has no named safeguarding lead.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(safeguarding_lead)

    response = client.post(retry_url(unsafe_alert))

    assert response.status_code == 403
    assert SafeguardingAlert.objects.get().email_error != ""


def test_the_database_refuses_a_sent_email_with_an_error(unsafe_alert):
    from django.db import IntegrityError
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingAlert.objects.update(email_sent_at=timezone.now(), email_recipients=1, email_error="Failed.")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_run_waits_for_the_lock_on_the_alert_and_then_does_not_send_again(
    child_questionnaire, safeguarding_lead
):
    """On PostgreSQL: while one run holds the alert row, another waits, then finds the email sent."""
    if connection.vendor != "postgresql":
        need_service("Row locks need PostgreSQL (set DATABASE_URL).")
    response = Response.objects.create(questionnaire=child_questionnaire)
    alert = SafeguardingAlert.objects.create(review=child_questionnaire.review, response=response, reason="Unsafe.")

    def second_run():
        try:
            email_safeguarding_alert(alert_id=alert.pk, site_url=SITE)
        finally:
            connection.close()

    with transaction.atomic():
        email_safeguarding_alert(alert_id=alert.pk, site_url=SITE)
        other = threading.Thread(target=second_run)
        other.start()
        other.join(timeout=1)
        blocked = other.is_alive()
    other.join(timeout=10)

    alert.refresh_from_db()
    assert blocked
    assert len(mail.outbox) == 1
    assert (alert.email_attempts, alert.email_recipients) == (1, 1)


# A real worker


@pytest.fixture
def worker_outbox(request, monkeypatch, tmp_path):
    """A real worker whose email goes to files in a temporary folder (it cannot share this process's outbox)."""
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("DJANGO_EMAIL_FILE_PATH", str(outbox))
    request.getfixturevalue("celery_worker")
    return outbox


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_the_email_once_for_an_answer_given_on_the_page(
    worker_outbox, child_questionnaire, safeguarding_lead
):
    free = question(child_questionnaire, Question.Kind.TEXT)

    Client().post(f"/q/{child_questionnaire.token}/", {f"q{free.pk}": "I am scared at home"})
    alert = SafeguardingAlert.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alert.refresh_from_db()
        if alert.email_sent_at or alert.email_error:
            break
        time.sleep(0.25)
    email_safeguarding_alert.delay(alert_id=alert.pk, site_url=SITE)  # a second run must not send again
    time.sleep(2)

    alert.refresh_from_db()
    files = sorted(worker_outbox.iterdir())
    assert (alert.email_error, alert.email_recipients, alert.email_attempts) == ("", 1, 1)
    assert alert.email_sent_at is not None
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes().split(b"\n" + b"-" * 79 + b"\n")[0], policy=default_policy)
    assert message["To"] == "lead@northmoor.example"
    body = message.get_content()
    assert "“I am scared at home”" in body
    assert f"http://testserver/reviews/{alert.review_id}/focus-groups/alerts/{alert.pk}/" in body


class Halt(BaseException):
    """Raised by a mail backend the way some libraries stop work: not an Exception subclass."""


class HaltingBackend:
    """A mail backend whose connection gives up with a BaseException, as a gevent or signal-driven library may."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise Halt("the connection was torn down")


def test_an_email_stopped_by_a_base_exception_is_recorded_as_not_sent_and_can_be_tried_again(
    unsafe_alert, safeguarding_lead, settings, lead_client
):
    settings.EMAIL_BACKEND = f"{__name__}.HaltingBackend"

    with pytest.raises(Halt):
        email_safeguarding_alert(alert_id=unsafe_alert.pk, site_url="http://testserver/")

    unsafe_alert.refresh_from_db()
    assert unsafe_alert.email_error == "The email could not be sent: Halt: the connection was torn down"
    assert (unsafe_alert.email_attempts, unsafe_alert.email_sent_at) == (1, None)
    assert "Try sending the email again" in lead_client.get(unsafe_alert.get_absolute_url()).content.decode()


def _queued_minutes_ago(alert, minutes: int) -> None:
    SafeguardingAlert.objects.filter(pk=alert.pk).update(
        email_queued_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_an_alert_email_no_worker_sent_in_time_is_shown_as_not_sent_with_a_way_to_try_again(
    unsafe_alert, safeguarding_lead, lead_client
):
    _queued_minutes_ago(unsafe_alert, 16)

    page = lead_client.get(unsafe_alert.get_absolute_url()).content.decode()

    unsafe_alert.refresh_from_db()
    assert unsafe_alert.email_error == (
        "Not sent: no worker sent the email within 15 minutes. Check that a Celery worker is running, then try again."
    )
    assert "Try sending the email again" in page


def test_an_alert_email_within_its_time_is_still_waiting(unsafe_alert, safeguarding_lead, lead_client):
    _queued_minutes_ago(unsafe_alert, 5)

    lead_client.get(f"/reviews/{unsafe_alert.review_id}/focus-groups/alerts/")

    unsafe_alert.refresh_from_db()
    assert (unsafe_alert.email_error, unsafe_alert.email_sent_at) == ("", None)


def test_trying_again_after_the_wait_queues_the_email_afresh_so_it_is_not_failed_at_once(
    unsafe_alert, safeguarding_lead, lead_client, django_capture_on_commit_callbacks
):
    _queued_minutes_ago(unsafe_alert, 16)
    lead_client.get(unsafe_alert.get_absolute_url())

    with django_capture_on_commit_callbacks() as callbacks:
        lead_client.post(retry_url(unsafe_alert))
    lead_client.get(unsafe_alert.get_absolute_url())

    unsafe_alert.refresh_from_db()
    assert len(callbacks) == 1
    assert unsafe_alert.email_error == ""
    assert timezone.now() - unsafe_alert.email_queued_at < datetime.timedelta(minutes=1)
