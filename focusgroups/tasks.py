from celery import shared_task

from . import alerts


@shared_task
def email_safeguarding_alert(*, alert_id: int, site_url: str = "") -> None:
    """Email the safeguarding lead about an alert. Safe to run twice: an alert already emailed is not sent again."""
    alerts.email_alert(alert_id=alert_id, site_url=site_url)
