from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models import EvidenceDocument, Framework, Grade, Review, ScopeArea, Theme


class DocumentRequestTemplate(models.Model):
    """A standard item of the information health check, configured per framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="document_request_templates")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="request_template_unique_order"),
            models.UniqueConstraint(fields=["framework", "title"], name="request_template_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentRequestQuerySet(models.QuerySet):
    def overdue(self, today=None) -> "DocumentRequestQuerySet":
        today = today or timezone.localdate()
        return self.filter(
            due_date__lt=today, status__in=[DocumentRequest.Status.REQUESTED, DocumentRequest.Status.RETURNED]
        )


class DocumentRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        UPLOADED = "uploaded", "Uploaded"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="document_requests")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="document_requests"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    documents = models.ManyToManyField(EvidenceDocument, blank=True, related_name="requests")
    return_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[])

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "title"], name="document_request_unique_title"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="document_request_returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selfassessment:request_detail", args=[self.review_id, self.pk])

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in {self.Status.REQUESTED, self.Status.RETURNED} and self.due_date < today

    def mark_uploaded(self, *, user, documents) -> None:
        if self.status not in {self.Status.REQUESTED, self.Status.RETURNED, self.Status.UPLOADED}:
            raise ValidationError("This request has been accepted; it cannot take more documents.")
        if not documents:
            raise ValidationError("Choose at least one document for this request.")
        self.documents.add(*documents)
        self.status = self.Status.UPLOADED
        self.uploaded_at = timezone.now()
        self.version += 1
        self.save()

    def accept(self, *, user) -> None:
        if self.status != self.Status.UPLOADED:
            raise ValidationError("Only a request with an uploaded document can be accepted.")
        if not self.documents.exists():
            raise ValidationError("This request has no document to accept.")
        self.status = self.Status.ACCEPTED
        self.decided_by, self.decided_at = user, timezone.now()
        self.return_reason = ""
        self.version += 1
        self.save()

    def send_back(self, *, user, reason: str) -> None:
        if self.status != self.Status.UPLOADED:
            raise ValidationError("Only a request with an uploaded document can be returned.")
        if not reason.strip():
            raise ValidationError("Say why the document is being returned.")
        self.status = self.Status.RETURNED
        self.return_reason = reason.strip()
        self.decided_by, self.decided_at = user, timezone.now()
        self.version += 1
        self.save()


class Entry(models.Model):
    """The council's judgement of one scope area (or one theme) of its review."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACCEPTED = "accepted", "Accepted"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="self_assessment_entries")
    scope_area = models.ForeignKey(ScopeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    what_we_know = models.TextField("what we know", blank=True)
    how_we_know = models.TextField("how we know it", blank=True)
    what_next = models.TextField("what we will do next", blank=True)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    documents = models.ManyToManyField(EvidenceDocument, blank=True, related_name="self_assessment_entries")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    changes_reason = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name_plural = "self assessment entries"
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope_area__isnull=False) & Q(theme__isnull=True))
                | (Q(scope_area__isnull=True) & Q(theme__isnull=False)),
                name="entry_one_scope_area_or_theme",
            ),
            models.UniqueConstraint(
                fields=["review", "scope_area"], condition=Q(scope_area__isnull=False), name="entry_one_per_scope_area"
            ),
            models.UniqueConstraint(
                fields=["review", "theme"], condition=Q(theme__isnull=False), name="entry_one_per_theme"
            ),
        ]

    def __str__(self) -> str:
        return self.subject_title

    def get_absolute_url(self) -> str:
        return reverse("selfassessment:entry_detail", args=[self.review_id, self.pk])

    @property
    def subject_title(self) -> str:
        return str(self.scope_area) if self.scope_area_id else f"Theme: {self.theme}"

    def clean(self) -> None:
        if self.grade_id and self.review_id and self.grade.scale_id != self.review.grade_scale_id:
            raise ValidationError({"grade": "Choose a grade from this review's grade scale."})

    @property
    def is_editable_by_council(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.CHANGES_REQUESTED}

    def submit(self, *, user) -> None:
        if not self.is_editable_by_council:
            raise ValidationError(f"This entry is {self.get_status_display().lower()}; it cannot be submitted again.")
        missing = self.missing_for_submission()
        if missing:
            raise ValidationError(f"Before submitting, add {', '.join(missing)}.")
        self.status = self.Status.SUBMITTED
        self.submitted_by, self.submitted_at = user, timezone.now()
        self.version += 1
        self.save()

    def accept(self, *, user) -> None:
        if self.status != self.Status.SUBMITTED:
            raise ValidationError("Only a submitted entry can be accepted.")
        self.status = self.Status.ACCEPTED
        self.decided_by, self.decided_at = user, timezone.now()
        self.changes_reason = ""
        self.version += 1
        self.save()

    def request_changes(self, *, user, reason: str) -> None:
        if self.status not in {self.Status.SUBMITTED, self.Status.ACCEPTED}:
            raise ValidationError("Changes can be asked for only on a submitted or accepted entry.")
        if not reason.strip():
            raise ValidationError("Say what should change.")
        self.status = self.Status.CHANGES_REQUESTED
        self.changes_reason = reason.strip()
        self.decided_by, self.decided_at = user, timezone.now()
        self.version += 1
        self.save()

    def missing_for_submission(self) -> list[str]:
        missing = []
        if not self.what_we_know.strip():
            missing.append("what we know")
        if not self.how_we_know.strip():
            missing.append("how we know it")
        if not self.what_next.strip():
            missing.append("what we will do next")
        if not self.grade_id:
            missing.append("a grade")
        return missing


class PeerAnalysis(models.Model):
    """The peer team's reading of an entry: commentary and their own grade. Peer-side until published."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="peer_analysis")
    commentary = models.TextField()
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "peer analyses"

    def __str__(self) -> str:
        return f"Peer analysis of {self.entry}"

    def clean(self) -> None:
        if self.grade_id and self.grade.scale_id != self.entry.review.grade_scale_id:
            raise ValidationError({"grade": "Choose a grade from this review's grade scale."})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def grade_gap(self) -> int | None:
        """How many grades the peers' grade is from the council's (positive: the council graded itself higher)."""
        if not (self.grade_id and self.entry.grade_id):
            return None
        return self.grade.rank - self.entry.grade.rank


class Submission(models.Model):
    """The host organiser's submission of the whole self assessment."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="self_assessment_submission")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Self assessment of {self.review}"
