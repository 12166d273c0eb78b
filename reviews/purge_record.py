"""The record kept, for ever, of each purge of a review's case-level data (reviews/retention.py does the purge)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PurgeRecord(models.Model):
    """What was deleted from a review, when, by whom or by the retention schedule, and the counts of each kind.

    It names the review in words as well as by link, and keeps the aggregates each stage showed just before, so it
    still reads if the review itself is later deleted. Nobody may change or delete one (admin and database).
    """

    review = models.ForeignKey("reviews.Review", on_delete=models.SET_NULL, null=True, related_name="purges")
    review_title = models.CharField(max_length=200)
    council_name = models.CharField(max_length=200)
    purged_at = models.DateTimeField(default=timezone.now)
    purged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    purged_by_name = models.CharField(
        max_length=150, help_text="The administrator's username, or the retention schedule when it ran on its own."
    )
    reason = models.CharField(max_length=300)
    kept_until = models.DateField(null=True, blank=True)
    counts = models.JSONField(default=dict, help_text="What was deleted or emptied: {kind: number}.")
    aggregates = models.JSONField(default=dict, help_text="Each stage's summary just before the purge.")

    class Meta:
        ordering = ["-purged_at"]

    def __str__(self) -> str:
        return f"Purge of {self.review_title} on {self.purged_at:%-d %B %Y}"
