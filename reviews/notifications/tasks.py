"""The notification tasks: sending one email, and the jobs Celery beat runs (see CELERY_BEAT_SCHEDULE)."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def send_email(*, email_id: int) -> None:
    """Send one recorded email. Safe to run twice: a sent email is not sent again."""
    services.send_email(email_id=email_id)


@shared_task
def send_reminders(*, today: str | None = None) -> int:
    """Make the day's reminders (run hourly; each is made once a day however often this runs)."""
    return services.send_reminders(today=_day(today))


@shared_task
def send_digests(*, today: str | None = None) -> int:
    """Email the daily summaries (once a person and day however often this runs)."""
    return services.send_digests(today=_day(today))


@shared_task
def retry_failed_emails() -> int:
    """Queue again the emails that failed and have tries left (run every few minutes)."""
    waiting = services.emails_to_retry()
    for email_id in waiting:
        send_email.delay(email_id=email_id)
    return len(waiting)
