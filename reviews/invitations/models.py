"""An invitation to join a review's team: the person sets their own password through a one-time link.

Imported by reviews/models.py, so the model belongs to the reviews app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Not yet accepted"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="invitations")
    # An account made for the invitation, inactive until the person sets a password.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=30)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Raised by every email sent: a resent invitation's earlier links stop working.
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every change; a stale action is refused.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "email"], condition=Q(status="pending"), name="invitation_one_pending_per_address"
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False), name="invitation_accepted_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False), name="invitation_revoked_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_role_display(self) -> str:
        from ..models import Role

        return Role(self.role).label if self.role in Role.values else self.role

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def expires_at(self):
        if self.last_sent_at is None:
            return None
        return self.last_sent_at + timezone.timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def link_expired(self) -> bool:
        """Whether the link last sent no longer works (the invitation is still open: it can be sent again)."""
        expires = self.expires_at()
        return expires is not None and expires <= timezone.now()
