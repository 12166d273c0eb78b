"""Files of a review written by a worker rather than in the request: the whole review's export, and its access log.

The lead asks for an export; a worker writes the ZIP (reviews/transfer) to a temporary file, a chunk at a time,
and keeps it in the private storage; the lead hears it is ready and downloads it from the review's export page.
Whoever reads the review's access log asks for its CSV in the same way (reviews/access_csv.py), as filtered on its
page: a busy review's log holds millions of entries, too many to write while a page waits. Each file is deleted
EXPORT_KEPT_HOURS after it was made (by the retention schedule's hourly run) and when the review is purged.
"""

import datetime
import logging
import tempfile
import uuid

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import access_csv, storage, transfer
from .export_record import ReviewExport
from .models import Notification, Review
from .notifications import services as notifications

logger = logging.getLogger(__name__)
UNFINISHED = [ReviewExport.Status.QUEUED, ReviewExport.Status.RUNNING]
# Access log CSVs one person may have waiting at once in a review (each a different set of filters), and waiting or
# kept: a busy review's log is hundreds of megabytes a file, so the file store is not filled by asking again.
MAX_WAITING_CSVS = 3
MAX_KEPT_CSVS = 10


class TooManyWaiting(Exception):
    """Someone asked for more files at once than a worker should queue for them: it says what to do."""


def request_export(
    review: Review, user, *, kind: str = ReviewExport.Kind.REVIEW, filters: dict | None = None
) -> tuple[ReviewExport, bool]:
    """A new file of the review, or the same one already waiting or being written: (export, whether it is new). The
    caller starts a new one on commit (reviews/rendering.start_export). A whole review is exported once at a time;
    an access log's CSV once at a time per person and filters."""
    filters = filters or {}
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()  # one request at a time per review
        waiting = ReviewExport.objects.filter(review=review, kind=kind, status__in=UNFINISHED)
        if kind == ReviewExport.Kind.ACCESS_LOG:
            waiting = waiting.filter(requested_by=user)
            if (found := waiting.filter(filters=filters).first()) is not None:
                return found, False
            if waiting.count() >= MAX_WAITING_CSVS:
                raise TooManyWaiting(
                    f"You have {MAX_WAITING_CSVS} CSVs of this log being prepared already. Wait until one is ready, "
                    "then ask for this one again."
                )
            kept = ReviewExport.objects.filter(
                review=review, kind=kind, requested_by=user, status__in=[*UNFINISHED, ReviewExport.Status.DONE]
            )
            if kept.count() >= MAX_KEPT_CSVS:
                raise TooManyWaiting(
                    f"You have {MAX_KEPT_CSVS} CSVs of this log on this site already. Delete one you have safe, "
                    "below, then ask for this one again."
                )
        elif (found := waiting.first()) is not None:
            return found, False
        export = ReviewExport.objects.create(review=review, kind=kind, filters=filters, requested_by=user)
    return export, True


def listed(review: Review, kind: str, gone: int = 5) -> list[ReviewExport]:
    """A review's files of one kind for its page, newest first: every one waiting or still kept, so each can be
    downloaded or deleted there however many were asked for, and the last few `gone` (failed, expired, deleted)."""
    files = ReviewExport.objects.filter(review=review, kind=kind).select_related("requested_by")
    live = [*UNFINISHED, ReviewExport.Status.DONE]
    found = [*files.filter(status__in=live), *files.exclude(status__in=live)[:gone]]
    return sorted(found, key=lambda export: (export.requested_at, export.pk), reverse=True)


def _write_file(export: ReviewExport, review: Review, archive) -> dict:
    """Write the export's file; the records written, by kind."""
    if export.kind == ReviewExport.Kind.ACCESS_LOG:
        return {"entries": access_csv.write_review_log(review, export.filters, archive)}
    path = reverse("reviews:export", args=[review.pk])
    return transfer.export_review(review=review, out=archive, user=export.requested_by, path=path)


def write(export_id: int) -> None:
    """Write the file of a queued export (a ZIP, or an access log's CSV) and keep it. Safe to run twice: a finished
    export is left as it is, and only the last run to start one may finish it."""
    with transaction.atomic():
        export = ReviewExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status not in UNFINISHED:
            return
        export.status = ReviewExport.Status.RUNNING
        export.attempts += 1
        export.save(update_fields=["status", "attempts"])
    review = Review.objects.select_related("council").get(pk=export.review_id)
    try:
        with tempfile.TemporaryFile() as archive:
            counts = _write_file(export, review, archive)
            size = archive.tell()
            archive.seek(0)
            with storage.writing():
                suffix = "access-log.csv" if export.kind == ReviewExport.Kind.ACCESS_LOG else "zip"
                name = f"review-{review.pk}-{uuid.uuid4().hex}.{suffix}"
                export.file.save(name, File(archive, name=name), save=False)
    except transfer.TransferError as error:
        _fail(export, f"The review could not be exported. {error}")
        return
    except storage.StorageUnavailable:
        _fail(export, "The file store did not answer, so the export was not kept. Try again in a few minutes.")
        return
    except Exception as error:
        logger.exception("Export %s of review %s failed", export_id, review.pk)
        _fail(export, f"The export could not be made ({type(error).__name__}). Try again; if it fails again, "
                      "tell whoever runs this site.")  # fmt: skip
        return
    now = timezone.now()
    # Only the run that started it finishes it: if the review was purged meanwhile (the row is gone), or another run
    # took it over, the file just kept belongs to nobody and is deleted, never left in storage.
    finished = ReviewExport.objects.filter(
        pk=export.pk, status=ReviewExport.Status.RUNNING, attempts=export.attempts
    ).update(
        status=ReviewExport.Status.DONE,
        file=export.file.name,
        size=size,
        counts=counts,
        error="",
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.EXPORT_KEPT_HOURS),
    )
    if not finished:
        storage.delete_quietly(export.file.name)
        return
    _tell(export, review, ready=True)


def _fail(export: ReviewExport, message: str) -> None:
    ReviewExport.objects.filter(pk=export.pk).update(
        status=ReviewExport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    _tell(export, export.review, ready=False)


def _tell(export: ReviewExport, review: Review, *, ready: bool) -> None:
    if export.requested_by_id is None:
        return
    what = "The access log's CSV" if export.kind == ReviewExport.Kind.ACCESS_LOG else "The export of the review"
    notifications.notify(
        recipient=export.requested_by,
        review=review,
        kind=Notification.Kind.REPORT,
        title=f"{what} is ready to download" if ready else f"{what} could not be made",
        body="" if ready else "Open it to see why and to try again.",
        link=page_of(export),
    )


def page_of(export: ReviewExport) -> str:
    """Where the file is offered: the review's export page, or its access log's."""
    if export.kind == ReviewExport.Kind.ACCESS_LOG:
        return reverse("access_log", args=[export.review_id]) + "#csv-files"
    return reverse("reviews:export", args=[export.review_id])


def delete_now(export: ReviewExport) -> bool:
    """Delete a ready export's file before its time, once the lead has it safe; False if it was not ready."""
    name = export.file.name
    deleted = ReviewExport.objects.filter(pk=export.pk, status=ReviewExport.Status.DONE).update(
        status=ReviewExport.Status.DELETED, file="", size=0
    )
    if deleted and name:
        storage.delete_quietly(name)
    return bool(deleted)


def delete_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their time (and of any left unfinished for a day); the rows stay, marked."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(days=1)
    done = ReviewExport.objects.filter(status=ReviewExport.Status.DONE, expires_at__lte=now)
    stuck = ReviewExport.objects.filter(status__in=UNFINISHED, requested_at__lte=stale)
    names = [name for name in done.values_list("file", flat=True) if name]
    count = done.update(status=ReviewExport.Status.EXPIRED, file="", size=0)
    stuck.update(status=ReviewExport.Status.FAILED, error="No worker finished it within a day. Ask for a new export.")
    for name in names:
        storage.delete_quietly(name)
    return count


def delete_for_purge(review: Review) -> int:
    """Every export of a review being purged, with its file (reviews/retention.py)."""
    exports = ReviewExport.objects.filter(review=review)
    names = [name for name in exports.values_list("file", flat=True) if name]
    count = exports.count()
    exports.delete()
    transaction.on_commit(lambda: [storage.delete_quietly(name) for name in names])
    return count
