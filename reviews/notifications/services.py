"""Telling people things: a notification in the app, and an email as each person chose.

A notification is saved first and stays in the app whatever happens to its email. Every email is an
EmailRecord, sent by a task after commit; a failure is recorded on it and the periodic task tries again,
so nothing is lost while the mail server is down. Reminders and daily summaries are made once per item,
person and day, whatever how often the scheduled job runs: the database refuses the second.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import person_cache, todo
from ..invitations.tokens import LINK_PLACEHOLDER, invitation_link
from .models import EmailPreference, EmailRecord, Notification, NotificationSettings, SentReminder

logger = logging.getLogger(__name__)

# Backends that write messages to the process's output, which ends up in logs: an email with a link to set a
# password must not, so with these the site counts email as not set up.
LOGGING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
NOT_SET_UP = "Not sent: email is not set up on this site, so this is only in the app."
FOOTER = (
    "\n\n--\nSafeguarding peer review workspace. You can choose how you are emailed, or stop these emails, "
    "under Notifications, Email settings: {url}"
)


def email_is_set_up() -> bool:
    return settings.EMAIL_BACKEND not in LOGGING_EMAIL_BACKENDS


def absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link


def preference_of(user) -> str:
    chosen = NotificationSettings.objects.filter(user=user).values_list("email", flat=True).first()
    return chosen or EmailPreference.IMMEDIATELY


def notify(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    review=None,
    preference: str | None = None,
    in_app_only: bool = False,
) -> Notification:
    """Tell one person something: in the app always, by email as they chose (safeguarding alerts always go).

    `in_app_only` is for news that has its own email already, such as a safeguarding alert's.
    """
    if kind == Notification.Kind.SAFEGUARDING_ALERT:
        mode = Notification.Email.IMMEDIATELY
    else:
        mode = preference or preference_of(recipient)
    if in_app_only or not recipient.email:
        mode = Notification.Email.NONE
    notification = Notification.objects.create(
        recipient=recipient,
        review=review,
        kind=kind,
        title=title[:300],
        body=body,
        link=link,
        email_mode=mode,
    )
    if mode == Notification.Email.IMMEDIATELY:
        record = EmailRecord.objects.create(
            recipient=recipient,
            to_address=recipient.email,
            kind=EmailRecord.Kind.NOTIFICATION,
            subject=notification.title,
            body=_notification_text(notification),
        )
        Notification.objects.filter(pk=notification.pk).update(email=record)
        notification.email = record
        queue_email(record)
    return notification


def _notification_text(notification: Notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.link:
        lines += ["", f"Open it: {absolute(notification.link)}"]
    return "\n".join(lines)


def queue_email(record: EmailRecord) -> None:
    from .tasks import send_email

    transaction.on_commit(lambda: send_email.delay(email_id=record.pk))


def email_address(*, to_address: str, subject: str, body: str, kind: str, about: str = "") -> EmailRecord:
    """Email someone who is not a user of the site, such as a partner agency's member of staff, after commit.

    The email is recorded like every other, so its sender sees whether it went, and a failure is tried again.
    """
    record = EmailRecord.objects.create(to_address=to_address, kind=kind, subject=subject[:300], body=body, about=about)
    queue_email(record)
    return record


def send_email(*, email_id: int) -> None:
    """Send one recorded email, once: the row stays locked while sending, and a sent email is left as it is.

    Whatever stops it is recorded on the row, where its recipient sees it and the periodic task tries again.
    """
    with transaction.atomic():
        record = EmailRecord.objects.select_for_update(of=("self",)).select_related("invitation").get(pk=email_id)
        if record.status not in {EmailRecord.Status.QUEUED, EmailRecord.Status.FAILED}:
            return
        if record.attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS:
            return
        record.attempts += 1
        record.last_tried_at = timezone.now()
        if record.invitation_id and not record.invitation.is_pending:
            record.status = EmailRecord.Status.CANCELLED
            record.error = f"Not sent: the invitation was {record.invitation.get_status_display().lower()} first."
        elif not email_is_set_up():
            record.status, record.error = EmailRecord.Status.NOT_CONFIGURED, NOT_SET_UP
        else:
            try:
                _message(record).send()
            except Exception as exc:  # any failure of the mail server is recorded and tried again, never lost
                logger.warning("Email %s was not sent (%s)", record.pk, type(exc).__name__)
                record.status = EmailRecord.Status.FAILED
                record.error = f"{type(exc).__name__}: {exc}"[:2000]
            else:
                record.status, record.sent_at, record.error = EmailRecord.Status.SENT, timezone.now(), ""
        record.save(update_fields=["attempts", "last_tried_at", "status", "sent_at", "error"])


def _message(record: EmailRecord) -> EmailMessage:
    body = record.body
    if record.invitation_id:
        # The link is made afresh for each try and never kept.
        body = body.replace(LINK_PLACEHOLDER, invitation_link(record.invitation))
    elif record.kind in {EmailRecord.Kind.NOTIFICATION, EmailRecord.Kind.DIGEST}:
        # Only users have email settings; an email to someone else's address carries its own explanation.
        body += FOOTER.format(url=absolute("/notifications/settings/"))
    return EmailMessage(subject=record.subject, body=body, to=[record.to_address])


def emails_to_retry() -> list[int]:
    """The emails to try again: failed with tries left, or queued an hour ago and never taken up by a worker."""
    stale = timezone.now() - datetime.timedelta(hours=1)
    return list(
        EmailRecord.objects.filter(attempts__lt=settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS)
        .filter(Q(status=EmailRecord.Status.FAILED) | Q(status=EmailRecord.Status.QUEUED, created_at__lt=stale))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Reading and marking read


def unread_count(user) -> int:
    return person_cache.unread(user, lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count())


def mark_read(*, user, notification_id: int) -> bool:
    """Mark one of the user's notifications read; False when it is not theirs (or does not exist)."""
    found = Notification.objects.filter(recipient=user, pk=notification_id)
    if not found.exists():
        return False
    found.filter(read_at__isnull=True).update(read_at=timezone.now())
    person_cache.forget_unread(user.pk)
    return True


def mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    person_cache.forget_unread(user.pk)
    return marked


# Reminders and daily summaries, made by the scheduled jobs


def send_reminders(*, today: datetime.date) -> int:
    """Make today's reminders that are not made yet; returns how many were made.

    The stages say which items need one today (tasks due soon or overdue, checks coming up), looking only at
    items still open, so an item completed in the meantime gets none. Each is made once per person, item,
    kind and day: running the job again the same day makes nothing new.
    """
    due = todo.reminders_due(today)
    if not due:
        return 0
    users = get_user_model().objects.in_bulk({reminder.recipient_id for reminder in due})
    preferences = dict(NotificationSettings.objects.filter(user_id__in=users).values_list("user_id", "email"))
    made = 0
    for reminder in due:
        recipient = users.get(reminder.recipient_id)
        if recipient is None or not recipient.is_active:
            continue
        try:
            with transaction.atomic():
                sent = SentReminder.objects.create(
                    recipient=recipient, item=reminder.item, kind=reminder.kind, day=today
                )
                notification = notify(
                    recipient=recipient,
                    review=reminder.review,
                    kind=reminder.kind,
                    title=reminder.title,
                    body=reminder.body,
                    link=reminder.link,
                    preference=preferences.get(recipient.pk, EmailPreference.IMMEDIATELY),
                )
                SentReminder.objects.filter(pk=sent.pk).update(notification=notification)
        except IntegrityError:
            continue  # made already today
        made += 1
    return made


def send_digests(*, today: datetime.date) -> int:
    """One email a day to each person who chose a daily summary, listing what reached them since the last one."""
    waiting = (
        Notification.objects.filter(email_mode=Notification.Email.DIGEST, email__isnull=True)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    made = 0
    for recipient in get_user_model().objects.filter(pk__in=list(waiting), is_active=True):
        try:
            with transaction.atomic():
                SentReminder.objects.create(recipient=recipient, item="digest", kind="digest", day=today)
                items = list(
                    Notification.objects.select_for_update(of=("self",))
                    .filter(recipient=recipient, email_mode=Notification.Email.DIGEST, email__isnull=True)
                    .select_related("review")
                    .order_by("created_at", "pk")
                )
                if not items:
                    continue
                record = EmailRecord.objects.create(
                    recipient=recipient,
                    to_address=recipient.email,
                    kind=EmailRecord.Kind.DIGEST,
                    subject=_digest_subject(len(items), today),
                    body=_digest_text(items),
                )
                Notification.objects.filter(pk__in=[item.pk for item in items]).update(email=record)
                queue_email(record)
        except IntegrityError:
            continue  # sent already today
        made += 1
    return made


def _digest_subject(count: int, today: datetime.date) -> str:
    things = "1 notification" if count == 1 else f"{count} notifications"
    return f"Your daily summary for {today:%-d %B %Y}: {things}"


def _digest_text(items: list[Notification]) -> str:
    lines = ["Since your last summary:", ""]
    for item in items:
        where = f" ({item.review.title})" if item.review_id else ""
        lines.append(f"- {item.title}{where}")
        if item.link:
            lines.append(f"  {absolute(item.link)}")
    lines += ["", f"All your notifications: {absolute('/notifications/')}"]
    return "\n".join(lines)
