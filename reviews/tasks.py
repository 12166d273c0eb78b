import logging

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Notification, Report
from .notifications import services as notifications
from .services import build_report

logger = logging.getLogger(__name__)


@shared_task
def render_report(*, report_id: int) -> None:
    """Render a queued report to PDF. Safe to run twice: a finished report is left as it is."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("review").filter(pk=report_id).first()
        if report is None or report.status in {Report.Status.DONE, Report.Status.FAILED}:
            return
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])

    try:
        built = build_report(report)
    except (KeyboardInterrupt, SystemExit):
        raise  # the worker is shutting down: the message goes back to the queue (late acknowledgement)
    except BaseException as exc:  # some libraries raise BaseException subclasses; the row must not stay running
        logger.exception("Report %s failed to render", report_id)
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        _tell_requester(report, ready=False)
        return

    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == Report.Status.DONE:
            return
        report.store_pdf(built.pdf, page_count=built.page_count)
        for extension, content in built.office_files.items():
            report.store_office_file(extension, content)
        report.status = Report.Status.DONE
        report.error = ""
        report.finished_at = timezone.now()
        report.save()
        _tell_requester(report, ready=True)


def _tell_requester(report: Report, *, ready: bool) -> None:
    """Whoever asked for the report hears that it is ready, or that it failed and can be tried again."""
    if report.requested_by_id is None:
        return
    name = f"The {report.get_kind_display().lower()} (version {report.version})"
    notifications.notify(
        recipient=report.requested_by,
        review=report.review,
        kind=Notification.Kind.REPORT,
        title=f"{name} is ready" if ready else f"{name} could not be prepared",
        body="" if ready else "Open it to see why and to try again.",
        link=reverse("reviews:report_detail", args=[report.review_id, report.pk]),
    )
