"""Safeguarding alerts raised by questionnaire responses: what raised them, who read them, what was done, and
the email to the safeguarding lead. Imported by models.py, so they are the focusgroups app's models."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review


class SafeguardingAlertQuerySet(models.QuerySet):
    def fail_stale_emails(self) -> int:
        """Alerts whose email no worker sent in time say so, with the reason, so the lead can try again."""
        minutes = max(1, settings.ALERT_EMAIL_WAIT_SECONDS // 60)
        return self.filter(
            email_sent_at__isnull=True,
            email_error="",
            email_queued_at__lt=timezone.now() - datetime.timedelta(seconds=settings.ALERT_EMAIL_WAIT_SECONDS),
        ).update(
            email_error=f"Not sent: no worker sent the email within {minutes} minutes. "
            "Check that a Celery worker is running, then try again."
        )


class SafeguardingAlert(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        READ = "read", "Read"
        ACTIONED = "actioned", "Action recorded"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="safeguarding_alerts")
    response = models.ForeignKey("focusgroups.Response", on_delete=models.PROTECT, related_name="alerts")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    # Identical alert-raising responses that come soon after are counted here, not raised again (nor emailed).
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    repeats = models.PositiveIntegerField(
        default=0, help_text="Identical responses that came soon after this one and are counted on this alert."
    )
    last_repeated_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    action = models.TextField(blank=True, help_text="What was done: who was told, when, and the outcome.")
    actioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actioned_at = models.DateTimeField(null=True, blank=True)
    # The email to the safeguarding lead, sent by a task: once sent it is never sent again.
    email_sent_at = models.DateTimeField("emailed at", null=True, blank=True)
    email_recipients = models.PositiveSmallIntegerField(default=0, help_text="How many people the email went to.")
    email_attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times sending was tried.")
    email_tried_at = models.DateTimeField("email last tried at", null=True, blank=True)
    email_error = models.TextField(
        blank=True, help_text="Why the last try sent nothing. Empty once sent, and while the email waits to be sent."
    )
    email_queued_at = models.DateTimeField(
        "email queued at", null=True, blank=True, help_text="When the email was last handed to the workers."
    )

    objects = SafeguardingAlertQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(status="actioned") | ~Q(action=""), name="alert_actioned_has_action"),
            models.CheckConstraint(
                condition=Q(repeats=0) | Q(last_repeated_at__isnull=False), name="alert_repeats_have_a_time"
            ),
            models.CheckConstraint(
                condition=Q(email_sent_at__isnull=True) | (Q(email_error="") & Q(email_recipients__gt=0)),
                name="alert_emailed_has_recipients_and_no_error",
            ),
        ]
        indexes = [models.Index(fields=["review", "fingerprint", "created_at"], name="alert_grouping")]

    def __str__(self) -> str:
        return f"Safeguarding alert {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("focusgroups:alert", args=[self.review_id, self.pk])

    def mark_read(self, user) -> None:
        if self.read_at is None:
            self.read_by, self.read_at = user, timezone.now()
            if self.status == self.Status.NEW:
                self.status = self.Status.READ
            self.save(update_fields=["read_by", "read_at", "status"])

    def record_action(self, user, action: str) -> None:
        self.action, self.actioned_by, self.actioned_at = action, user, timezone.now()
        self.status = self.Status.ACTIONED
        self.save(update_fields=["action", "actioned_by", "actioned_at", "status"])
