"""Notifications in the app, the emails that carry them, each person's choice of email, and sent reminders.

Imported by reviews/models.py, so the models belong to the reviews app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmailPreference(models.TextChoices):
    IMMEDIATELY = "immediately", "Email me each notification as it happens"
    DIGEST = "digest", "Email me one daily summary"
    NONE = "none", "Do not email me: I will look in the app"


class EmailRecord(models.Model):
    """One email the site sent or tried to send: who, what, when, and what came of it.

    Every email the site sends is one of these, shown to its recipient in the app. A failed email is
    tried again by the periodic task until it has been tried `NOTIFICATION_EMAIL_MAX_ATTEMPTS` times.
    """

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", "Notification"
        DIGEST = "digest", "Daily summary"
        INVITATION = "invitation", "Invitation"
        QUESTIONNAIRE = "questionnaire", "Questionnaire link"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"
        NOT_CONFIGURED = "not_configured", "Not sent: email is not set up"
        CANCELLED = "cancelled", "Not sent: no longer needed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="email_records"
    )
    to_address = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    # For invitations the link is left out: a one-time link to set a password is never kept.
    body = models.TextField()
    invitation = models.ForeignKey(
        "reviews.Invitation", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    about = models.CharField(
        max_length=100, blank=True, help_text="What it was sent for, such as focusgroups.distribution:12."
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | (Q(sent_at__isnull=False) & Q(error="")), name="email_sent_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(kind="invitation") | Q(invitation__isnull=False), name="email_invitation_has_invitation"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="email_status_created"),
            models.Index(fields=["about"], name="email_about"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", "Assigned to you"
        RETURNED = "returned", "Sent back to you"
        ACCEPTED = "accepted", "Accepted"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        IMPACT_CHECK = "impact_check", "Impact check coming up"
        QUESTIONNAIRE = "questionnaire", "Questionnaire"
        REPORT = "report", "Report"
        TEAM = "team", "Review team"
        LETTER = "letter", "Feedback letter"
        SAFEGUARDING_ALERT = "safeguarding_alert", "Safeguarding alert"
        RETENTION = "retention", "Records to be deleted"

    class Email(models.TextChoices):
        """How this notification reaches the person's inbox, fixed when it is made from their preference."""

        IMMEDIATELY = "immediately", "On its own"
        DIGEST = "digest", "In the daily summary"
        NONE = "none", "Not emailed"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="A path on this site, such as /reviews/1/.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_mode = models.CharField(max_length=20, choices=Email.choices, default=Email.NONE)
    email = models.ForeignKey(
        EmailRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="notification_title_not_empty"),
            models.CheckConstraint(condition=Q(link="") | Q(link__startswith="/"), name="notification_link_on_site"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """A person's choice of email. Safeguarding alerts go whatever they choose."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.CharField(
        "how to email you", max_length=20, choices=EmailPreference.choices, default=EmailPreference.IMMEDIATELY
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class SentReminder(models.Model):
    """A reminder made for one item, of one kind, to one person, on one day: the database refuses a second."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=100, help_text="What it is about, such as selfassessment.documentrequest:12.")
    kind = models.CharField(max_length=30)
    day = models.DateField()
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "item", "kind", "day"], name="reminder_once_per_item_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.item} on {self.day}"
