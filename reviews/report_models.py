"""Reports prepared by a worker, and the access log the application writes (this app's models, imported into
reviews.models)."""

import datetime
import hashlib
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .storage import private_storage

if TYPE_CHECKING:
    from .models import Review


class ReportQuerySet(models.QuerySet):
    def active(self) -> "ReportQuerySet":
        return self.filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING])

    def fail_stale(self) -> int:
        """Mark failed, with the reason, the reports no worker finished in time, so they can be tried again.

        A report still running past the task's hard time limit was lost with its worker; one still queued past the
        broker's visibility timeout was never taken up. Returns how many were marked.
        """
        now = timezone.now()
        running_minutes = (settings.CELERY_TASK_TIME_LIMIT + 60) // 60
        queued_minutes = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] // 60
        lost = self.filter(
            status=Report.Status.RUNNING, started_at__lt=now - datetime.timedelta(minutes=running_minutes)
        ).update(
            status=Report.Status.FAILED,
            finished_at=now,
            error=f"The report was still being prepared after {running_minutes} minutes, so it was stopped. "
            "Try again; if it fails again, tell whoever runs this site.",
        )
        never_taken = self.filter(
            status=Report.Status.QUEUED, requested_at__lt=now - datetime.timedelta(minutes=queued_minutes)
        ).update(
            status=Report.Status.FAILED,
            finished_at=now,
            error=f"No worker took the report up within {queued_minutes} minutes. "
            "Check that a Celery worker is running, then try again.",
        )
        return lost + never_taken


class Report(models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline report"
        CASE_MAPPING_PACK = "case_mapping_pack", "Case mapping pack"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan report"
        PRESENTATION = "presentation", "Feedback presentation"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    shared_with_host = models.BooleanField(
        default=False, help_text="Host-side members may download it once the lead shares it."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to="reports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes in the PDF.")
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # The same document for the council's own papers, where the kind offers it.
    docx = models.FileField(storage=private_storage, upload_to="reports/", blank=True)
    pptx = models.FileField(storage=private_storage, upload_to="reports/", blank=True)
    error = models.TextField(blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "kind", "version"], name="report_unique_version"),
            # The database refuses a second report of a kind while one is queued or running.
            models.UniqueConstraint(
                fields=["review", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_active_per_kind",
            ),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(sha256=""), name="report_done_has_checksum"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} – {self.review}"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    def filename(self, extension: str = "pdf") -> str:
        return f"{self.kind.replace('_', '-')}-report-review-{self.review_id}-v{self.version}.{extension}"

    def formats(self) -> list[str]:
        """The file extensions this finished report can be downloaded as, PDF first."""
        return [name for name, field in (("pdf", self.file), ("docx", self.docx), ("pptx", self.pptx)) if field]

    def store_pdf(self, pdf: bytes, *, page_count: int | None = None) -> None:
        from django.core.files.base import ContentFile

        if self.file:
            self.file.delete(save=False)
        self.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
        self.sha256 = hashlib.sha256(pdf).hexdigest()
        self.size = len(pdf)
        self.page_count = page_count

    def store_office_file(self, extension: str, content: bytes) -> None:
        """Keep the DOCX or PPTX copy of the report beside its PDF."""
        from django.core.files.base import ContentFile

        field = {"docx": self.docx, "pptx": self.pptx}[extension]
        if field:
            field.delete(save=False)
        field.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)


class ReportSharing(models.Model):
    """Each time a report was shared with the council's side of its review or withdrawn from it: who did it, and
    when. Written by `services.share_report` and `services.withdraw_report`, never edited."""

    class Action(models.TextChoices):
        SHARED = "shared", "Shared with the council"
        WITHDRAWN = "withdrawn", "Withdrawn from the council"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sharings")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "report shared or withdrawn"
        verbose_name_plural = "reports shared and withdrawn"

    def __str__(self) -> str:
        return f"{self.report}: {self.get_action_display().lower()}"


# Access log: written by the application, never edited by users.


class AccessLogQuerySet(models.QuerySet):
    def record(self, *, user, review: "Review | None", action: str, target: str, path: str = "") -> "AccessLog":
        """An entry written by a service rather than by the middleware (`reviews.access`), such as an export."""
        return self.create(user=user, review=review, action=action, target=target[:300], path=path[:500])


class AccessLog(models.Model):
    """Who read what, when and from where: append-only (no permission to change it, and a database trigger)."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"
        SEARCH = "search", "Searched"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey("reviews.Review", on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    target = models.CharField(max_length=300)
    path = models.CharField(max_length=500, blank=True)
    view_name = models.CharField(max_length=120, blank=True)
    object_kind = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        indexes = [
            # In the order the log's pages list it (newest first, then by id), so a page reads its 50 entries from
            # the index instead of sorting all of a review's or a person's entries.
            models.Index(fields=["review", "-at", "-id"], name="accesslog_review_newest"),
            models.Index(fields=["user", "-at", "-id"], name="accesslog_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.target}"
