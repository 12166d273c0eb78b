import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import file_deletions, retention, review_exports, storage
from .models import Notification, Report
from .notifications import services as notifications
from .services import build_report
from .storage import StorageUnavailable

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def render_report(self, *, report_id: int) -> None:
    """Render a queued report to PDF. Safe to run twice: a finished report is left as it is.

    A report is done only with its files in the storage: if the storage does not answer, nothing is kept, and a
    worker tries again later (a render without a broker fails at once, with the reason and a way to try again).
    """
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

    try:
        _store(report_id, built)
    except StorageUnavailable as exc:
        tries, waits = self.request.retries, settings.REPORT_STORAGE_RETRY_SECONDS
        in_worker = not (self.request.called_directly or self.request.is_eager)
        if in_worker and tries < len(waits):
            wait = waits[tries]
            logger.warning("Report %s could not be stored; trying again in %s s", report_id, wait)
            Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
                status=Report.Status.QUEUED,
                error=f"The file store did not answer, so the report was not kept. It will be tried again in {wait} "
                "seconds.",
            )
            raise self.retry(countdown=wait, exc=exc) from exc
        logger.warning("Report %s could not be stored; it is marked failed", report_id)
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED,
            error="The file store did not answer, so the report was not kept. Try again in a few minutes; if it "
            "keeps failing, tell whoever runs this site.",
            finished_at=timezone.now(),
        )
        _tell_requester(report, ready=False)


def _store(report_id: int, built) -> None:
    """Keep the rendered files and mark the report done, in one transaction; on any failure no object is left."""
    written: list[str] = []
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status == Report.Status.DONE:
                return
            with storage.writing():
                report.store_pdf(built.pdf, page_count=built.page_count)
                written.append(report.file.name)
                for extension, content in built.office_files.items():
                    report.store_office_file(extension, content)
                    written.append(getattr(report, extension).name)
            report.status = Report.Status.DONE
            report.error = ""
            report.finished_at = timezone.now()
            report.save()
            _tell_requester(report, ready=True)
    except BaseException:
        for name in written:
            storage.delete_quietly(name)
        raise


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


@shared_task
def run_retention_schedule(*, today: str | None = None) -> dict[str, int]:
    """Warn before reviews' records stop being kept, then archive and purge them (run daily; safe to run again)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return retention.run_schedule(today=day)


@shared_task
def write_review_export(*, export_id: int) -> None:
    """Write a requested file of a review (the whole review's ZIP, or its access log's CSV) and keep it to download."""
    review_exports.write(export_id)


@shared_task
def expire_review_exports() -> int:
    """Delete the files of exports (whole reviews, access logs) past their time (run hourly)."""
    return review_exports.delete_expired()


@shared_task
def retry_file_deletions() -> int:
    """Delete the files the storage did not delete when asked (run hourly); the number still kept."""
    deleted, kept = storage.retry_deletions()
    if deleted or kept:
        logger.info("Files left by a storage that did not answer: %s deleted now, %s still to delete", deleted, kept)
    count, oldest = file_deletions.overdue()
    if count:
        # At ERROR, so the operators' alert on errors fires: a file of a child's case data is outliving its record.
        logger.error(
            "%s files have waited more than a day to be deleted from the private storage, the first since %s: "
            "see “Files still to delete” in the admin for the storage's last error",
            count,
            oldest.isoformat(timespec="minutes"),
        )
    return kept
