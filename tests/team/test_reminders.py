"""Reminders on a schedule, with an explicit clock: three days before, the day after, then weekly while open; once
per item, person and day however often the job runs; none for an item completed in the meantime. The scheduled
task runs on a real Celery worker on Redis and its email reaches a real SMTP server."""

import datetime
import time

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from peerreview.celery import app
from reviews.models import EmailRecord, Notification, NotificationSettings, Role, SentReminder
from reviews.notifications import services
from selfassessment.models import DocumentRequest

from ..factories import MembershipFactory, UserFactory
from ..mailserver import Inbox, deliver, start
from . import builders

DUE = datetime.date(2026, 11, 20)
DAY = datetime.timedelta(days=1)


def remind(on: datetime.date) -> list[str]:
    """Run the job on a day, send what it queued as the worker would, and give the titles made that day."""
    made_before = set(Notification.objects.values_list("pk", flat=True))
    services.send_reminders(today=on)
    deliver()
    return list(Notification.objects.exclude(pk__in=made_before).order_by("pk").values_list("title", flat=True))


def test_a_document_request_is_reminded_three_days_before_the_day_after_and_weekly(mail_server, review, contributor):
    builders.document_request(review, contributor, DUE, title="Early help strategy")

    days = {on: remind(on) for on in [DUE - 4 * DAY, DUE - 3 * DAY, DUE - 2 * DAY, DUE, DUE + DAY, DUE + 2 * DAY]}
    weekly = remind(DUE + 8 * DAY)

    assert days == {
        DUE - 4 * DAY: [],
        DUE - 3 * DAY: ["Due on 20 November 2026: the document request “Early help strategy”"],
        DUE - 2 * DAY: [],
        DUE: [],
        DUE + DAY: ["Overdue since 20 November 2026: the document request “Early help strategy”"],
        DUE + 2 * DAY: [],
    }
    assert weekly == ["Overdue since 20 November 2026: the document request “Early help strategy”"]
    assert mail_server.subjects("contributor@people.example") == [
        "Due on 20 November 2026: the document request “Early help strategy”",
        "Overdue since 20 November 2026: the document request “Early help strategy”",
        "Overdue since 20 November 2026: the document request “Early help strategy”",
    ]
    assert set(Notification.objects.values_list("kind", flat=True)) == {"due_soon", "overdue"}


def test_running_the_job_again_the_same_day_sends_nothing_more(mail_server, review, contributor):
    builders.document_request(review, contributor, DUE)

    runs = [services.send_reminders(today=DUE - 3 * DAY) for _ in range(3)]
    deliver()

    assert runs == [1, 0, 0]
    assert len(mail_server.messages) == 1
    assert SentReminder.objects.get().day == DUE - 3 * DAY


def test_the_database_refuses_a_second_reminder_for_the_same_item_person_kind_and_day(review, contributor):
    SentReminder.objects.create(recipient=contributor, item="x:1", kind="due_soon", day=DUE)

    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(recipient=contributor, item="x:1", kind="due_soon", day=DUE)


def test_a_request_completed_in_the_meantime_is_not_reminded(mail_server, review, contributor):
    request = builders.document_request(review, contributor, DUE)
    DocumentRequest.objects.filter(pk=request.pk).update(status=DocumentRequest.Status.ACCEPTED)

    made = remind(DUE - 3 * DAY) + remind(DUE + DAY)

    assert made == []
    assert mail_server.messages == []


def test_a_request_of_someone_no_longer_in_the_team_is_not_reminded(review, contributor):
    builders.document_request(review, contributor, DUE)
    review.memberships.filter(user=contributor).delete()

    assert remind(DUE - 3 * DAY) == []


def test_plan_actions_are_reminded_to_their_owner_and_not_once_done(mail_server, review, sponsor, organiser):
    open_action = builders.action(review, sponsor, DUE, description="Refresh the threshold document")
    done = builders.action(review, organiser, DUE, description="Train the front door")
    done.status = "done"
    done.save()

    soon, late = remind(DUE - 3 * DAY), remind(DUE + DAY)

    assert soon == ["Due on 20 November 2026: the plan action “Refresh the threshold document”"]
    assert late == ["Overdue since 20 November 2026: the plan action “Refresh the threshold document”"]
    assert {message["To"] for message in mail_server.messages} == {"sponsor@people.example"}
    assert Notification.objects.filter(recipient=sponsor).first().link == (
        f"/reviews/{review.pk}/conference/plan/actions/{open_action.pk}/"
    )


def test_impact_checks_are_reminded_two_weeks_ahead_to_the_plan_editors_unless_held(
    mail_server, review, lead, sponsor, organiser, peer, contributor
):
    review.followup_3_months = DUE
    review.followup_12_months = DUE + 365 * DAY
    review.save()
    title = f"The 3-month impact check of {review.title} is on 20 November 2026"

    made = remind(DUE - 14 * DAY)
    builders.checkpoint(review, 12)
    held = remind(DUE + 351 * DAY)

    assert made == [title, title, title]
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"lead", "sponsor", "organiser"}
    assert held == []


def test_the_reminder_follows_the_person_s_choice_of_email(mail_server, review, contributor):
    NotificationSettings.objects.create(user=contributor, email="digest")
    builders.document_request(review, contributor, DUE)

    remind(DUE - 3 * DAY)
    services.send_digests(today=DUE - 3 * DAY)
    deliver()

    assert mail_server.subjects() == ["Your daily summary for 17 November 2026: 1 notification"]


def test_an_inactive_person_gets_no_reminder(review, db):
    pending = UserFactory(username="pending", is_active=False)
    MembershipFactory(review=review, user=pending, role=Role.CONTRIBUTOR)
    builders.document_request(review, pending, DUE)

    assert remind(DUE - 3 * DAY) == []


# The scheduled task on a real worker


@pytest.fixture
def worker_mail(request, monkeypatch):
    """A real SMTP server, and a real worker (its own process) whose email goes to it."""
    inbox = Inbox()
    controller = start(inbox)
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("DJANGO_EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("DJANGO_EMAIL_PORT", str(inbox.port))
    monkeypatch.setenv("DJANGO_SITE_URL", "https://peer-review.example")
    request.getfixturevalue("celery_worker")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduled_reminder_job_runs_on_a_real_worker_and_its_email_reaches_the_mail_server(
    worker_mail, review, contributor
):
    builders.document_request(review, contributor, DUE, title="Early help strategy")
    job = settings.CELERY_BEAT_SCHEDULE["send-reminders"]

    app.send_task(job["task"], kwargs={"today": (DUE - 3 * DAY).isoformat()})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not EmailRecord.objects.filter(status="sent").exists():
        time.sleep(0.25)
    app.send_task(job["task"], kwargs={"today": (DUE - 3 * DAY).isoformat()})  # beat firing again: nothing more
    time.sleep(3)

    record = EmailRecord.objects.get()
    assert (record.status, record.attempts, record.error) == ("sent", 1, "")
    [message] = worker_mail.messages
    assert message["To"] == "contributor@people.example"
    assert worker_mail.subjects() == ["Due on 20 November 2026: the document request “Early help strategy”"]
    assert f"https://peer-review.example/reviews/{review.pk}/self-assessment/requests/" in message.get_content()
    assert Notification.objects.get(recipient=contributor).email == record
