"""Whole-review exports, written by a worker rather than in the request.

The lead asks for an export; a worker writes the ZIP (reviews/transfer) to a temporary file, a chunk at a time,
and keeps it in the private storage; the lead hears it is ready and downloads it from the review's export page.
The file is deleted EXPORT_KEPT_HOURS after it was made (by the retention schedule's daily run) and when the
review is purged, as it holds every record of the review.
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

from . import storage, transfer
from .export_record import ReviewExport
from .models import Notification, Review
from .notifications import services as notifications

logger = logging.getLogger(__name__)
UNFINISHED = [ReviewExport.Status.QUEUED, ReviewExport.Status.RUNNING]


def request_export(review: Review, user) -> tuple[ReviewExport, bool]:
    """A new export of the review, or the one already waiting or being written: (export, whether it is new). The
    caller starts a new one on commit (reviews/rendering.start_export)."""
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()  # one request at a time per review
        waiting = ReviewExport.objects.filter(review=review, status__in=UNFINISHED).first()
        if waiting is not None:
            return waiting, False
        export = ReviewExport.objects.create(review=review, requested_by=user)
    return export, True


def write(export_id: int) -> None:
    """Write the ZIP of a queued export and keep it. Safe to run twice: a finished export is left as it is."""
    with transaction.atomic():
        export = ReviewExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status not in UNFINISHED:
            return
        export.status = ReviewExport.Status.RUNNING
        export.attempts += 1
        export.save(update_fields=["status", "attempts"])
    review = Review.objects.select_related("council").get(pk=export.review_id)
    path = reverse("reviews:export", args=[review.pk])
    try:
        with tempfile.TemporaryFile() as archive:
            counts = transfer.export_review(review=review, out=archive, user=export.requested_by, path=path)
            size = archive.tell()
            archive.seek(0)
            with storage.writing():
                name = f"review-{review.pk}-{uuid.uuid4().hex}.zip"
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
    ReviewExport.objects.filter(pk=export.pk).update(
        status=ReviewExport.Status.DONE,
        file=export.file.name,
        size=size,
        counts=counts,
        error="",
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.EXPORT_KEPT_HOURS),
    )
    _tell(export, review, ready=True)


def _fail(export: ReviewExport, message: str) -> None:
    ReviewExport.objects.filter(pk=export.pk).update(
        status=ReviewExport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    _tell(export, export.review, ready=False)


def _tell(export: ReviewExport, review: Review, *, ready: bool) -> None:
    if export.requested_by_id is None:
        return
    notifications.notify(
        recipient=export.requested_by,
        review=review,
        kind=Notification.Kind.REPORT,
        title="The export of the review is ready to download" if ready else "The export of the review failed",
        body="" if ready else "Open it to see why and to try again.",
        link=reverse("reviews:export", args=[review.pk]),
    )


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
