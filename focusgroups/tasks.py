import datetime

from celery import shared_task
from django.utils import timezone

from . import alerts, distribution


@shared_task
def email_safeguarding_alert(*, alert_id: int, site_url: str = "") -> None:
    """Email the safeguarding lead about an alert. Safe to run twice: an alert already emailed is not sent again."""
    alerts.email_alert(alert_id=alert_id, site_url=site_url)


@shared_task
def remind_partners(*, today: str | None = None) -> int:
    """Remind the partners a questionnaire was sent to, before it closes (run hourly by Celery beat; each
    questionnaire's partners are reminded once, on the day, however often this runs)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return distribution.remind_partners(today=day)
