"""How long a review's records are kept, and archiving: a finished review made read-only for everyone.

A review's records are kept for `retention_months` (or the site's `RETENTION_MONTHS`) after its 12-month check;
until that check is dated there is no end date. Archiving is an administrator's action, recorded in the admin's
history: after it every page of the review still reads and downloads, but nothing can be changed (every POST to
the review's addresses is refused by `ReviewMembershipMiddleware`), and its questionnaires and votes are closed.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone

from .models import Review

log = logging.getLogger(__name__)


def months_kept(review: Review) -> int:
    return review.retention_months or settings.RETENTION_MONTHS


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 January + 1: 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover: every month has a 28th


def kept_until(review: Review) -> datetime.date | None:
    """The last day the review's records are kept; None until its 12-month check is dated."""
    if review.followup_12_months is None:
        return None
    return add_months(review.followup_12_months, months_kept(review))


def _record(review: Review, by, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=Review.objects.filter(pk=review.pk),
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


def archive(review: Review, by) -> bool:
    """Make the review read-only for everyone. False when it already was."""
    with transaction.atomic():
        changed = Review.objects.filter(pk=review.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), archived_by=by
        )
        if changed:
            _record(review, by, "Archived: read-only for every member.")
    if changed:
        log.info("review archived", extra={"review_id": review.pk, "by_user_id": by.pk})
    return bool(changed)


def unarchive(review: Review, by) -> bool:
    """Open an archived review for changes again. False when it was not archived."""
    with transaction.atomic():
        changed = Review.objects.filter(pk=review.pk, archived_at__isnull=False).update(
            archived_at=None, archived_by=None
        )
        if changed:
            _record(review, by, "Taken out of the archive: members can change it again.")
    if changed:
        log.info("review taken out of the archive", extra={"review_id": review.pk, "by_user_id": by.pk})
    return bool(changed)
