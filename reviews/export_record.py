"""A file prepared by a worker and offered for download for a while (reviews/review_exports.py): a whole review's
export (a ZIP), or its access log (a CSV)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .storage import private_storage


class ReviewExport(models.Model):
    """One request for a file of a review: written by a worker, downloaded, then deleted."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Whole review (ZIP)"
        ACCESS_LOG = "access-log", "Access log (CSV)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Being written"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Could not be made"
        EXPIRED = "expired", "Deleted after its time"
        DELETED = "deleted", "Deleted by the lead"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REVIEW)
    filters = models.JSONField(
        default=dict, blank=True, help_text="What an access log's CSV holds: the filters it was asked for with."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(storage=private_storage, upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="The records written, by kind.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When the file is deleted.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["review", "kind", "-requested_at"], name="reviews_exp_review_kind_idx"),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        what = "Export" if self.kind == self.Kind.REVIEW else "Access log CSV"
        return f"{what} of {self.review} requested {self.requested_at:%-d %B %Y %H:%M}"

    @property
    def records(self) -> int:
        return sum(self.counts.values()) if self.counts else 0
