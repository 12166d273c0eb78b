"""Files that were to be deleted from the private storage while it did not answer, kept until they are gone.

A file is deleted after the database has committed (an export past its time or deleted by the lead, a purged
review's uploads, an object written by a step that then failed). When the storage does not answer then, its name
is kept here and `storage.retry_deletions` (hourly, by the beat) tries again until it is gone, so a file of a
child's case data never outlives its record because the storage was down for a minute.
"""

import datetime

from django.db import models
from django.db.models import Count, Min
from django.utils import timezone

# A name still here after this long means the storage refuses deletions, not that it was down for a while.
OVERDUE_AFTER = datetime.timedelta(days=1)


class FileToDelete(models.Model):
    name = models.CharField(max_length=500, unique=True, help_text="The object's name in the private storage.")
    first_tried_at = models.DateTimeField(default=timezone.now)
    last_tried_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_tried_at"]
        verbose_name = "file still to delete"
        verbose_name_plural = "files still to delete"

    def __str__(self) -> str:
        return self.name


def overdue() -> tuple[int, datetime.datetime | None]:
    """The names kept for longer than OVERDUE_AFTER, and since when the oldest of them: (count, first tried at)."""
    found = FileToDelete.objects.filter(first_tried_at__lt=timezone.now() - OVERDUE_AFTER).aggregate(
        count=Count("pk"), oldest=Min("first_tried_at")
    )
    return found["count"], found["oldest"]
