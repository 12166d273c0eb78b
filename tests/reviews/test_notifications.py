"""Notifications in the app and by email through a real SMTP server on loopback; email down loses nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import EmailRecord, Notification, NotificationSettings
from reviews.notifications import services

from ..factories import UserFactory

TODAY = datetime.date(2026, 11, 2)


def choose(user, preference: str) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"email": preference})


def tell(user, review=None, title="A document request is assigned to you", kind=Notification.Kind.ASSIGNMENT):
    return services.notify(
        recipient=user, review=review, kind=kind, title=title, body="Due 9 November 2026.", link="/reviews/"
    )


# Email as each person chose


def test_a_notification_is_emailed_at_once_through_the_smtp_server_and_recorded(
    mail_server, lead, review, after_commit
):
    with after_commit():
        notification = tell(lead, review)

    record = EmailRecord.objects.get()
    [message] = mail_server.messages
    assert message["To"] == "lead@people.example"
    assert message["Subject"] == "A document request is assigned to you"
    body = message.get_content()
    assert "Due 9 November 2026." in body
    assert "Open it: https://peer-review.example/reviews/" in body
    assert "https://peer-review.example/notifications/settings/" in body
    assert (record.status, record.attempts, record.error, record.recipient) == ("sent", 1, "", lead)
    assert record.sent_at is not None
    notification.refresh_from_db()
    assert (notification.email, notification.read_at) == (record, None)


def test_no_email_for_someone_who_chose_none_but_the_notification_is_in_the_app(
    mail_server, lead, review, after_commit
):
    choose(lead, "none")

    with after_commit():
        tell(lead, review)

    assert mail_server.messages == []
    assert EmailRecord.objects.count() == 0
    assert Notification.objects.get().email_mode == "none"


def test_a_safeguarding_alert_is_emailed_even_to_someone_who_chose_none(mail_server, lead, review, after_commit):
    choose(lead, "none")

    with after_commit():
        tell(lead, review, title="A safeguarding alert needs you", kind=Notification.Kind.SAFEGUARDING_ALERT)

    assert [message["Subject"] for message in mail_server.messages] == ["A safeguarding alert needs you"]


def test_a_person_without_an_address_gets_the_notification_in_the_app_only(mail_server, review, db):
    nobody = UserFactory(username="no-address", email="")

    tell(nobody, review)

    assert Notification.objects.get().email_mode == "none"
    assert EmailRecord.objects.count() == 0


def test_the_daily_summary_lists_what_came_since_and_is_sent_once_a_day(mail_server, lead, review, after_commit):
    choose(lead, "digest")
    tell(lead, review, title="First thing")
    tell(lead, review, title="Second thing")
    assert EmailRecord.objects.count() == 0

    with after_commit():
        first = services.send_digests(today=TODAY)
        again = services.send_digests(today=TODAY)
    tell(lead, review, title="Third thing")
    with after_commit():
        same_day = services.send_digests(today=TODAY)
        next_day = services.send_digests(today=TODAY + datetime.timedelta(days=1))

    assert (first, again, same_day, next_day) == (1, 0, 0, 1)
    assert [message["Subject"] for message in mail_server.messages] == [
        "Your daily summary for 2 November 2026: 2 notifications",
        "Your daily summary for 3 November 2026: 1 notification",
    ]
    body = mail_server.messages[0].get_content()
    assert f"- First thing ({review.title})" in body
    assert f"- Second thing ({review.title})" in body
    assert "Third thing" not in body
    assert Notification.objects.filter(email__isnull=True).count() == 0


# Email down: nothing lost


def test_email_down_keeps_the_notification_records_the_failure_and_the_retry_sends_it(
    mail_server_down, lead, review, settings, after_commit
):
    with after_commit():
        tell(lead, review)
    failed = EmailRecord.objects.get()

    from tests.mailserver import Inbox, start

    inbox = Inbox()
    controller = start(inbox)
    settings.EMAIL_PORT = inbox.port
    try:
        queued = services.emails_to_retry()
        for email_id in queued:
            services.send_email(email_id=email_id)
    finally:
        controller.stop()

    assert Notification.objects.get().title == "A document request is assigned to you"
    assert failed.status == "failed"
    assert failed.attempts == 1
    assert failed.error.startswith("ConnectionRefusedError")
    sent = EmailRecord.objects.get()
    assert queued == [failed.pk]
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, "")
    assert [message["Subject"] for message in inbox.messages] == ["A document request is assigned to you"]


def test_a_failed_email_is_tried_no_more_than_the_set_number_of_times(
    mail_server_down, lead, review, settings, after_commit
):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3
    with after_commit():
        tell(lead, review)

    counts = []
    for _ in range(4):
        waiting = services.emails_to_retry()
        counts.append(len(waiting))
        for email_id in waiting:
            services.send_email(email_id=email_id)

    record = EmailRecord.objects.get()
    assert counts == [1, 1, 0, 0]
    assert (record.status, record.attempts) == ("failed", 3)


def test_a_sent_email_is_not_sent_again_when_the_task_runs_twice(mail_server, lead, review, after_commit):
    with after_commit():
        tell(lead, review)

    services.send_email(email_id=EmailRecord.objects.get().pk)

    assert len(mail_server.messages) == 1
    assert EmailRecord.objects.get().attempts == 1


def test_without_an_email_server_set_up_the_email_is_recorded_as_not_sent(settings, lead, review, after_commit):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    with after_commit():
        tell(lead, review)

    record = EmailRecord.objects.get()
    assert (record.status, record.error) == ("not_configured", services.NOT_SET_UP)
    assert services.emails_to_retry() == []


# The pages


def test_the_header_shows_the_unread_count_and_the_page_lists_the_notifications(lead, review, lead_client):
    choose(lead, "none")
    tell(lead, review, title="First thing")
    tell(lead, review, title="Second thing")

    page = lead_client.get(reverse("notifications:list")).content.decode()

    assert '<span class="moj-notification-badge">2<span class="govuk-visually-hidden"> unread</span></span>' in page
    assert page.index("Second thing") < page.index("First thing")
    assert page.count("<h1") == 1
    assert "<title>Notifications – Safeguarding peer review</title>" in page
    assert "Not emailed." in page


def test_marking_one_read_by_post_lowers_the_count(lead, review, lead_client):
    first, second = tell(lead, review, title="First"), tell(lead, review, title="Second")

    response = lead_client.post(reverse("notifications:mark_read", args=[first.pk]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert response.status_code == 302
    assert first.read_at is not None
    assert second.read_at is None
    assert services.unread_count(lead) == 1


def test_marking_all_read(lead, review, lead_client):
    tell(lead, review), tell(lead, review)

    response = lead_client.post(reverse("notifications:mark_all_read"), follow=True)

    assert services.unread_count(lead) == 0
    assert "Marked 2 as read." in response.content.decode()
    assert "moj-notification-badge" not in response.content.decode()


def test_someone_elses_notification_cannot_be_marked_read(lead, review, peer_client):
    notification = tell(lead, review)

    response = peer_client.post(reverse("notifications:mark_read", args=[notification.pk]))

    notification.refresh_from_db()
    assert response.status_code == 404
    assert notification.read_at is None


@pytest.mark.parametrize("name", ["notifications:mark_all_read", "notifications:mark_read"])
def test_marking_read_is_post_only(name, lead, review, lead_client):
    notification = tell(lead, review)
    args = [notification.pk] if name.endswith("mark_read") else []

    response = lead_client.get(reverse(name, args=args))

    notification.refresh_from_db()
    assert response.status_code == 405
    assert notification.read_at is None


def test_marking_read_needs_the_csrf_token(lead, review):
    notification = tell(lead, review)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    notification.refresh_from_db()
    assert response.status_code == 403
    assert notification.read_at is None


def test_a_signed_out_visitor_is_sent_to_sign_in(db):
    response = Client().get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_notifications_page_runs_the_same_queries_for_1_and_30(lead, review, lead_client):
    tell(lead, review)
    url = reverse("notifications:list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead_client.get(url)  # each time seen again, as the header's figures are kept until they change
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url)
    for number in range(29):
        tell(lead, review, title=f"Thing {number}")
    lead_client.get(url)
    with CaptureQueriesContext(connection) as thirty:
        page = lead_client.get(url).content.decode()

    assert "Thing 28" in page
    assert len(one.captured_queries) == len(thirty.captured_queries) > 0


def test_the_emails_page_shows_each_email_with_its_result_to_its_recipient_only(
    mail_server_down, lead, peer, review, lead_client, after_commit
):
    with after_commit():
        tell(lead, review, title="For the lead")
        tell(peer, review, title="For the peer")

    page = lead_client.get(reverse("notifications:emails")).content.decode()

    assert "For the lead" in page
    assert "For the peer" not in page
    assert "Not sent" in page
    assert "ConnectionRefusedError" in page


def test_the_email_choice_is_saved(lead, lead_client):
    response = lead_client.post(reverse("notifications:settings"), {"email": "digest", "version": "1"})

    assert response.status_code == 302
    assert NotificationSettings.objects.get(user=lead).email == "digest"
    assert services.preference_of(lead) == "digest"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "1"}, "Choose how we should email you."),
        ({"email": "hourly", "version": "1"}, "Choose one of the options."),
    ],
)
def test_a_bad_email_choice_is_refused_with_a_message_and_nothing_saved(data, message, lead, lead_client):
    response = lead_client.post(reverse("notifications:settings"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: Email settings" in response.content.decode()
    assert not NotificationSettings.objects.filter(user=lead).exists()


def test_a_stale_email_choice_is_refused(lead, lead_client):
    choose(lead, "none")
    NotificationSettings.objects.filter(user=lead).update(version=2)

    response = lead_client.post(reverse("notifications:settings"), {"email": "digest", "version": "1"})

    assert "changed by someone else after you opened it" in response.content.decode()
    assert NotificationSettings.objects.get(user=lead).email == "none"


def test_the_email_is_handed_to_the_workers_after_commit_and_not_sent_in_the_request(
    mail_server, lead, review, django_capture_on_commit_callbacks
):
    from celery.signals import before_task_publish

    from peerreview.celery import app

    published = []

    def record(sender=None, body=None, **kwargs):
        published.append((sender, body[1]))

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    before_task_publish.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            tell(lead, review)
            assert published == []
    finally:
        before_task_publish.disconnect(record)
        app.conf.task_always_eager = eager
        app.control.purge()

    record_id = EmailRecord.objects.get().pk
    assert len(callbacks) == 1
    assert published == [("reviews.notifications.tasks.send_email", {"email_id": record_id})]
    assert mail_server.messages == []
    assert EmailRecord.objects.get().status == "queued"
