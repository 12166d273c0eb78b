"""Safeguarding alerts: which answers raise one, grouping identical responses, and the email to the lead.

The email is sent by a task, once; whatever stops it is recorded on the alert, where the lead can try again.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from reviews.notifications import services as notifications
from reviews.notifications.models import Notification

from .models import Answer, Question, Questionnaire, QuestionnaireSettings, Response, SafeguardingAlert

logger = logging.getLogger(__name__)


# Email backends that write messages to the process's output, which ends up in logs: a disclosure must not.
LOGGING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def raise_alert(
    *, questionnaire: Questionnaire, response: Response, rows: list[Answer], reasons: list[str], site_url: str
) -> SafeguardingAlert:
    """A new alert, emailed to the lead; or, when the same answers raised an alert that is still unread within
    the last few minutes, that alert counts one more response (a flood of copies is one alert and one email)."""
    fingerprint = _fingerprint(response, rows)
    # The questionnaire's row serialises alerts for it, so two identical responses at once cannot both raise one.
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    now = timezone.now()
    since = now - datetime.timedelta(seconds=settings.ALERT_GROUPING_SECONDS)
    earlier = (
        SafeguardingAlert.objects.select_for_update()
        .filter(review_id=questionnaire.review_id, fingerprint=fingerprint, status=SafeguardingAlert.Status.NEW)
        .filter(Q(created_at__gte=since) | Q(last_repeated_at__gte=since))
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        earlier.repeats += 1
        earlier.last_repeated_at = now
        earlier.save(update_fields=["repeats", "last_repeated_at"])
        return earlier
    alert = SafeguardingAlert.objects.create(
        review=questionnaire.review, response=response, reason="\n".join(reasons), fingerprint=fingerprint
    )
    _queue_alert_email(alert, site_url)
    _notify_in_app(alert, questionnaire)
    return alert


def _notify_in_app(alert: SafeguardingAlert, questionnaire: Questionnaire) -> None:
    """The alert on the safeguarding lead's notifications page too; its email is the alert's own, sent above.
    The notification names no answer: the child's words stay on the alert."""
    lead_id = QuestionnaireSettings.for_review(questionnaire.review).safeguarding_lead_id
    lead = get_user_model().objects.filter(pk=lead_id, is_active=True).first() if lead_id else None
    if lead is None:
        return
    notifications.notify(
        recipient=lead,
        review=questionnaire.review,
        kind=Notification.Kind.SAFEGUARDING_ALERT,
        title=f"A response to “{questionnaire.title}” raised a safeguarding alert",
        body="Open the alert today to read the response and record what you did.",
        link=alert.get_absolute_url(),
        in_app_only=True,
    )


def _fingerprint(response: Response, rows: list[Answer]) -> str:
    """The same questionnaire, segment, way of answering and answers give the same fingerprint."""
    parts = [str(response.questionnaire_id), str(response.segment_id or ""), response.mode]
    answers = sorted(
        (row.question_id, row.value if row.value is not None else -1, row.choice, row.text) for row in rows
    )
    parts += ["|".join(str(part) for part in answer) for answer in answers]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def answer_concern(
    config: QuestionnaireSettings, question: Question, given: object, *, about_a_child: bool
) -> tuple[str, str] | None:
    """Why one given answer raises an alert, or None: a low safety-scale value, or words in free text that may be a
    disclosure (`about_a_child`: the questionnaire's answers speak of a child's own life)."""
    if question.kind == Question.Kind.TEXT:
        return _concern(config, question, text=given, about_a_child=about_a_child)
    if question.is_scale:
        return _concern(config, question, value=int(given), about_a_child=about_a_child)
    return None


def _concern(
    config: QuestionnaireSettings,
    question: Question,
    *,
    text: str = "",
    value: int | None = None,
    about_a_child: bool,
) -> tuple[str, str] | None:
    """Why an answer raises an alert (kept on the alert) and what the lead reads in the email, or None."""
    if question.kind == Question.Kind.TEXT:
        words = config.concern_in(text, about_a_child=about_a_child) if text else None
        if words:
            return (
                f"A free-text answer to “{question.text}” has words that may be a disclosure: “{words}”.",
                f"Wrote, in answer to “{question.text}”:\n“{text}”",
            )
        return None
    if question.is_unsafe(value):
        label = dict(question.options()).get(str(value), value)
        reason = _sentence(f"Answered “{label}” to “{question.text}”")
        return reason, reason
    return None


def _sentence(text: str) -> str:
    """The text with a full stop, unless a quotation it ends with ends a sentence already (“… at home?”)."""
    return text if text.endswith(("?”", ".”", "!”")) else f"{text}."


def _queue_alert_email(alert: SafeguardingAlert, site_url: str) -> None:
    from .tasks import email_safeguarding_alert

    # When it was handed over, so an email no worker ever sends is shown as not sent rather than waiting for ever.
    SafeguardingAlert.objects.filter(pk=alert.pk).update(email_queued_at=timezone.now())
    transaction.on_commit(lambda: email_safeguarding_alert.delay(alert_id=alert.pk, site_url=site_url))


def alert_email_body(alert: SafeguardingAlert, concerns: list[str], site_url: str = "") -> str:
    """The email to the safeguarding lead: where the response came from and the answers that raised the concern."""
    response = alert.response
    questionnaire = response.questionnaire
    audience = questionnaire.get_audience_display()
    if questionnaire.age_band:
        audience += f", {questionnaire.get_age_band_display().lower()}"
    link = reverse("focusgroups:alert", args=[alert.review_id, alert.pk])
    if site_url:
        link = site_url.rstrip("/") + link
    lines = [
        f"A response to a questionnaire of the review “{questionnaire.review.title}” raised a safeguarding alert. "
        "Please act on it today.",
        "",
        f"Questionnaire: {questionnaire.title}",
        f"Audience: {audience}",
        f"Agency or team: {response.segment.name if response.segment_id else 'not given'}",
        f"Given: {dateformat.format(response.submitted_on, 'j F Y')}, {response.get_mode_display().lower()}",
        "",
        "What raised the concern:",
        *[f"- {concern}" for concern in concerns],
        "",
        "The response is anonymous: it holds no name, address or link to the person who gave it, beyond what "
        "they wrote.",
        "",
        f"Open the alert to see the whole response and to record that you read it and what you did: {link}",
    ]
    return "\n".join(lines)


def alert_concerns(alert: SafeguardingAlert, config: QuestionnaireSettings) -> list[str]:
    """The answers behind an alert as the email gives them, read again from the stored response."""
    answers = alert.response.answers.select_related("question").order_by(
        "question__section__order", "question__order", "pk"
    )
    concerns = []
    about_a_child = alert.response.questionnaire.answers_about_a_child
    for answer in answers:
        concern = _concern(config, answer.question, text=answer.text, value=answer.value, about_a_child=about_a_child)
        if concern is not None:
            concerns.append(concern[1])
    # The concern phrases may have changed since the response came in: the reasons kept on the alert still hold.
    return concerns or alert.reason.splitlines()


def email_alert(*, alert_id: int, site_url: str = "") -> None:
    """Email the safeguarding lead about an alert, once: the row stays locked while sending, and a sent alert is left.

    The email carries the answers that raised the concern, so it is never sent through a backend that writes
    messages to the logs. Whatever stops it is recorded on the alert, where the lead can try again.
    """
    try:
        _email_alert(alert_id=alert_id, site_url=site_url)
    except (KeyboardInterrupt, SystemExit):
        raise  # the worker is shutting down: the message goes back to the queue
    except BaseException as exc:  # anything else is recorded, so the alert never shows "waiting" for ever
        logger.warning("The email for safeguarding alert %s failed (%s)", alert_id, type(exc).__name__)
        SafeguardingAlert.objects.filter(pk=alert_id, email_sent_at__isnull=True).update(
            email_error=f"The email could not be sent: {type(exc).__name__}: {exc}"[:2000],
            email_tried_at=timezone.now(),
            email_attempts=F("email_attempts") + 1,
        )
        raise


def _email_alert(*, alert_id: int, site_url: str) -> None:
    with transaction.atomic():
        alert = (
            SafeguardingAlert.objects.select_for_update(of=("self",))
            .select_related("review", "response__questionnaire__review", "response__segment")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.email_sent_at is not None:
            return
        config = QuestionnaireSettings.for_review(alert.review)
        lead = config.safeguarding_lead
        alert.email_attempts += 1
        alert.email_tried_at = timezone.now()
        alert.email_error = ""
        if settings.EMAIL_BACKEND in LOGGING_EMAIL_BACKENDS:
            alert.email_error = "Not sent: email is not set up on this site, so the alert is only here."
        elif lead is None:
            alert.email_error = "Not sent: the review has no named safeguarding lead."
        elif not lead.email:
            alert.email_error = "Not sent: the named safeguarding lead has no email address in their account."
        else:
            recipients = [lead.email]
            try:
                send_mail(
                    subject="Safeguarding alert from a questionnaire response",
                    message=alert_email_body(alert, alert_concerns(alert, config), site_url),
                    from_email=None,
                    recipient_list=recipients,
                )
            except Exception as exc:  # any failure of the mail server is recorded, never lost
                # The log names the alert and the kind of failure only: never the child's words.
                logger.warning("The email for safeguarding alert %s was not sent (%s)", alert.pk, type(exc).__name__)
                alert.email_error = f"The email could not be sent: {type(exc).__name__}: {exc}"[:2000]
            else:
                alert.email_sent_at, alert.email_recipients = timezone.now(), len(recipients)
        alert.save(
            update_fields=["email_attempts", "email_tried_at", "email_error", "email_sent_at", "email_recipients"]
        )


def retry_alert_email(*, alert: SafeguardingAlert, site_url: str) -> tuple[bool, str]:
    """Queue the email of an alert again after a failed try; refused once sent or while it waits to be sent."""
    with transaction.atomic():
        locked = SafeguardingAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.email_sent_at is not None:
            return False, "The email about this alert has already been sent, so it is not sent again."
        if not locked.email_error:
            return False, "The email about this alert is waiting to be sent: there is nothing to try again yet."
        locked.email_error = ""
        locked.save(update_fields=["email_error"])
        _queue_alert_email(locked, site_url)
    return True, ""
