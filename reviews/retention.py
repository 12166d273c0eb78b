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
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from . import derived, review_exports, stages, storage
from .models import (
    AccessLog,
    Case,
    DocumentVersion,
    EvidenceDocument,
    FindingEvidence,
    Notification,
    PurgeRecord,
    Report,
    Review,
    Role,
    SentReminder,
)
from .notifications.services import notify

log = logging.getLogger(__name__)

PURGED_CASE = "[purged case]"
SCHEDULE = "the retention schedule"


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
    if by is None:  # the retention schedule: its purge record and the log say so
        return
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=Review.objects.filter(pk=review.pk),
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


def archive(review: Review, by=None) -> bool:
    """Make the review read-only for everyone. False when it already was."""
    with transaction.atomic():
        changed = Review.objects.filter(pk=review.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), archived_by=by
        )
        if changed:
            _record(review, by, "Archived: read-only for every member.")
    if changed:
        log.info("review archived", extra={"review_id": review.pk, "by_user_id": by.pk if by else None})
    return bool(changed)


def unarchive(review: Review, by) -> bool:
    """Open an archived review for changes again. False when it was not archived; a purged review stays archived,
    or what members added afterwards would never be purged."""
    if PurgeRecord.objects.filter(review=review).exists():
        raise Refused(f"“{review}” was purged: it stays archived.")
    with transaction.atomic():
        changed = Review.objects.filter(pk=review.pk, archived_at__isnull=False).update(
            archived_at=None, archived_by=None
        )
        if changed:
            _record(review, by, "Taken out of the archive: members can change it again.")
    if changed:
        log.info("review taken out of the archive", extra={"review_id": review.pk, "by_user_id": by.pk})
    return bool(changed)


# Purging: what is deleted when a review's records are no longer kept


class Refused(Exception):
    """What was asked cannot be done to this review (the message says why)."""


class NotArchived(Refused):
    """A review is archived (read-only) before anything is purged from it."""


def delete_with_history(queryset) -> int:
    """Delete these rows with every change-history row of theirs and every finding's link to them; their files
    are removed by the caller after the transaction. Returns the rows deleted (not counting cascades)."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    try:
        history = get_history_model_for_model(model)
    except NotHistoricalModelError:
        history = None
    FindingEvidence.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).delete()
    model.objects.filter(pk__in=ids).delete()
    if history is not None:  # after the delete, which itself adds a last version of each row to the history
        history.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).delete()
    return len(ids)


def empty_with_history(queryset, **empty) -> int:
    """Blank these fields of these rows (free text, notes) and the same fields in every earlier version of them."""
    model = queryset.model
    try:
        history = get_history_model_for_model(model)
    except NotHistoricalModelError:
        history = None
    if history is not None:  # every earlier version too, including text since emptied by hand
        ids = list(queryset.values_list("pk", flat=True))
        history.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).update(**empty)
    return model.objects.filter(pk__in=queryset.exclude(**empty).values("pk")).update(**empty)


def _aggregates(review: Review) -> dict:
    """What each stage showed of the review just before the purge: its progress and its measures."""
    kept: dict = {}
    for stage in stages.all_stages():
        entry: dict = {}
        if stage.progress is not None:
            progress = stage.progress(review)
            entry["progress"] = {"done": progress.done, "total": progress.total, "summary": progress.summary}
        if stage.comparison is not None:
            entry["measures"] = {
                f"{table.title}: {row.measure}": row.now
                for table in stage.comparison(review, review)
                for row in table.rows
            }
        kept[stage.slug] = entry
    return kept


def _redact_access_log(review: Review, references: list[str]) -> int:
    """The access log is append-only; a purge alone may put "[purged case]" where a purged case's reference stood
    in its descriptions. One UPDATE a case, longest references first, so that one that contains another (NM-10,
    NM-1) is replaced whole."""
    entries = AccessLog.objects.filter(review=review)
    changed = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL peerreview.purging = 'on'")
        for reference in sorted(set(references), key=len, reverse=True):
            holding = entries.filter(target__contains=reference)
            changed.update(holding.values_list("pk", flat=True))
            holding.update(target=Replace("target", Value(reference), Value(PURGED_CASE)))
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL peerreview.purging = 'off'")
    return len(changed)


def purge(review: Review, *, by=None, reason: str) -> PurgeRecord:
    """Delete an archived review's case-level data, uploads, reports, notes and free text, with their history and
    files; keep its aggregates, findings, feedback letter and improvement plan; record it all in a PurgeRecord.

    `by` is the administrator, or None when the retention schedule runs it. All or nothing: files go only after the
    database has committed, and one the storage does not remove then is kept by name and removed by the hourly retry
    (reviews/file_deletions.py).
    """
    review = Review.objects.get(pk=review.pk)
    if by is not None and not by.is_superuser:
        raise Refused("Only an administrator purges a review.")
    if review.archived_at is None:
        raise NotArchived(f"Archive “{review}” before purging it.")
    if PurgeRecord.objects.filter(review=review).exists():
        raise Refused(f"“{review}” was purged already.")
    files: list[str] = []
    with transaction.atomic():
        aggregates = _aggregates(review)
        counts: dict[str, int] = {}
        for stage in stages.all_stages():
            if stage.purge is not None:
                counts.update(stage.purge(review))
        references = list(Case.objects.filter(review=review).values_list("reference", flat=True))
        counts["access log descriptions redacted"] = _redact_access_log(review, references)
        counts["cases"] = delete_with_history(Case.objects.filter(review=review))
        versions = DocumentVersion.objects.filter(document__review=review)
        files += [name for name in versions.values_list("file", flat=True) if name]
        counts["uploaded files"] = versions.count()
        counts["documents"] = delete_with_history(EvidenceDocument.objects.filter(review=review))
        reports = Report.objects.filter(review=review).exclude(kind=Report.Kind.IMPROVEMENT_PLAN)
        for row in reports.values("file", "docx", "pptx"):
            files += [name for name in row.values() if name]
        counts["reports"] = delete_with_history(reports)
        counts["exports"] = review_exports.delete_for_purge(review)
        record = PurgeRecord.objects.create(
            review=review,
            review_title=review.title,
            council_name=review.council.name,
            purged_by=by,
            purged_by_name=by.get_username() if by is not None else SCHEDULE,
            reason=reason,
            kept_until=kept_until(review),
            counts=counts,
            aggregates=aggregates,
        )
        _record(review, by, f"Purged: {describe(counts)}.")
        transaction.on_commit(lambda: [storage.delete_quietly(name) for name in files])
        derived.changed(review.pk)
    log.warning("review purged", extra={"review_id": review.pk, "by_user_id": by.pk if by is not None else None})
    return record


def describe(counts: dict[str, int]) -> str:
    """The counts of a purge in words, the kinds with none left out."""
    done = [f"{kind}: {number}" for kind, number in counts.items() if number]
    return "; ".join(done) if done else "nothing was held"


# The schedule: warnings before the end of the retention period, then the archive and the purge


WARN_DAYS = (30, 7)


def _people_to_tell(review: Review) -> list:
    leads = [
        membership.user
        for membership in review.memberships.filter(role__in=[Role.LEAD, Role.CHALLENGE_MANAGER]).select_related("user")
    ]
    admins = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    return list({person.pk: person for person in [*leads, *admins] if person.is_active}.values())


def _warned_long_enough(review: Review, today: datetime.date) -> bool:
    """A purge needs a warning given at least the last warning's days before: never a deletion out of the blue."""
    return SentReminder.objects.filter(
        item=f"reviews.review:{review.pk}",
        kind__startswith="retention-",
        created_at__lte=_start_of(today - datetime.timedelta(days=min(WARN_DAYS))),
    ).exists()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _warn(review: Review, until: datetime.date, kind: str, delete_after: datetime.date, today: datetime.date) -> int:
    """Tell each person once per review, retention date and kind of warning; recorded as given on `today`."""
    told = 0
    for person in _people_to_tell(review):
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    recipient=person,
                    item=f"reviews.review:{review.pk}",
                    kind=f"retention-{kind}",
                    day=until,
                    created_at=_start_of(today),
                )
                notify(
                    recipient=person,
                    review=review,
                    kind=Notification.Kind.RETENTION,
                    title=f"{review.title}: case-level records will be deleted after {delete_after:%-d %B %Y}",
                    body=(
                        f"The review's records are kept until {delete_after:%-d %B %Y}. After that its cases, "
                        "chronologies, audits, uploaded documents, reports, notes and free-text answers are deleted "
                        "for good; its findings, feedback letter, improvement plan and counts are kept. Download "
                        "anything the council must keep before then, or ask an administrator to keep the records "
                        "longer (the review's retention months in the admin)."
                    ),
                    link=review.get_absolute_url(),
                )
        except IntegrityError:
            continue  # told already
        told += 1
    return told


def run_schedule(*, today: datetime.date) -> dict[str, int]:
    """Warn the leads and administrators 30 and 7 days before a review's records stop being kept, then, the day
    after, archive the review and purge it. Safe to run again: each warning goes once, each purge happens once."""
    done = {"warnings": 0, "purged": 0}
    reviews = Review.objects.filter(followup_12_months__isnull=False, purges__isnull=True).select_related("council")
    for review in reviews:
        until = kept_until(review)
        days_left = (until - today).days
        if days_left < 0 and not _warned_long_enough(review, today):
            # Its date passed with no warning (a date set late, a schedule not running): warn now, purge later.
            late = today + datetime.timedelta(days=min(WARN_DAYS))
            done["warnings"] += _warn(review, until, "late", late, today)
            continue
        if days_left < 0:
            archive(review)
            try:
                record = purge(review, reason=f"The retention period ended on {until:%-d %B %Y}.")
            except Exception:  # one review that fails is left for tomorrow's run; the others go on
                log.exception("purge failed", extra={"review_id": review.pk})
                continue
            for person in _people_to_tell(review):
                notify(
                    recipient=person,
                    review=review,
                    kind=Notification.Kind.RETENTION,
                    title=f"{review.title}: case-level records deleted",
                    body=f"The retention period ended on {until:%-d %B %Y}. Deleted: {describe(record.counts)}.",
                    link=review.get_absolute_url(),
                )
            done["purged"] += 1
            continue
        due = [days for days in WARN_DAYS if days_left <= days]
        if due:
            done["warnings"] += _warn(review, until, str(min(due)), until, today)
    return done
