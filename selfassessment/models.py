from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models import EvidenceDocument, Framework, Grade, GradeScale, Review, ScopeArea, Theme
from reviews.validators import review_date_validator


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
    due_date = models.DateField(validators=[review_date_validator])
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

    evidence_label_related = ("scope_area", "theme")  # what __str__ reads, loaded with it when it is evidence

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


# The last inspection and progress since it


class Rag(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class InspectionKind(models.Model):
    """A kind of inspection (an inspection framework), configured in admin with the grade scale it judges on."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    valid_from = models.DateField(null=True, blank=True, help_text="The first day inspections of this kind took place.")
    valid_to = models.DateField(null=True, blank=True, help_text="The last day; leave empty while it is in use.")
    grade_scale = models.ForeignKey(GradeScale, on_delete=models.PROTECT, related_name="inspection_kinds")
    judgement_areas = models.TextField(
        blank=True, help_text="The judgements this kind of inspection usually makes, one per line, offered first."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="inspectionkind_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def usual_judgement_areas(self) -> list[str]:
        return [line.strip() for line in self.judgement_areas.splitlines() if line.strip()]

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def describe_validity(self) -> str:
        start = f"{self.valid_from.day} {self.valid_from:%B %Y}" if self.valid_from else None
        end = f"{self.valid_to.day} {self.valid_to:%B %Y}" if self.valid_to else None
        if start and end:
            return f"from {start} to {end}"
        if start:
            return f"from {start}"
        return f"until {end}" if end else "at any time"


class Inspection(models.Model):
    """The inspection a review measures progress from: one per review."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="last_inspection")
    kind = models.ForeignKey(InspectionKind, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField("date of the inspection", validators=[review_date_validator])
    reference = models.CharField(
        "title or reference of the published report", max_length=300, blank=True, help_text="Optional."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.kind}, {self.date:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("selfassessment:inspection", args=[self.review_id])

    def clean(self) -> None:
        if self.kind_id and self.date and not self.kind.is_valid_on(self.date):
            raise ValidationError(
                {
                    "date": f"Inspections of this kind took place {self.kind.describe_validity()}: check the date or the kind."
                }
            )


class Judgement(models.Model):
    """One judgement of the inspection (an area and its grade on the inspection kind's scale)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    order = models.PositiveSmallIntegerField()
    area = models.CharField("judgement area", max_length=300)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "order"], name="judgement_unique_order"),
            models.UniqueConstraint(fields=["inspection", "area"], name="judgement_unique_area"),
            models.CheckConstraint(condition=~Q(area=""), name="judgement_area_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.grade}"

    def clean(self) -> None:
        if self.grade_id and self.inspection_id and self.grade.scale_id != self.inspection.kind.grade_scale_id:
            raise ValidationError(
                {"grade": f"Choose a grade of the {self.inspection.kind.grade_scale}, the scale this inspection used."}
            )


RECOMMENDATION_MAX_LENGTH = 1000


class Recommendation(models.Model):
    """A recommendation or area for improvement of the last inspection, with the council's progress against it."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="inspection_recommendations")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.RECOMMENDATION)
    text = models.CharField(max_length=RECOMMENDATION_MAX_LENGTH)
    what_done = models.TextField("what the council has done", blank=True)
    what_changed = models.TextField("what has changed as a result", blank=True)
    rag = models.CharField("progress status", max_length=20, choices=Rag.choices, default=Rag.NOT_ASSESSED)
    documents = models.ManyToManyField(EvidenceDocument, blank=True, related_name="inspection_recommendations")
    progress_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "order"], name="recommendation_unique_order"),
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    def get_absolute_url(self) -> str:
        return reverse("selfassessment:recommendation_detail", args=[self.review_id, self.pk])

    def clean(self) -> None:
        if self.inspection_id and self.review_id and self.inspection.review_id != self.review_id:
            raise ValidationError("A recommendation belongs to the last inspection of its own review.")

    @property
    def is_assessed(self) -> bool:
        return self.rag != Rag.NOT_ASSESSED

    @property
    def has_progress(self) -> bool:
        return self.is_assessed or bool(self.what_done.strip() or self.what_changed.strip())


class RecommendationPeerView(models.Model):
    """The peer team's view of the council's progress on a recommendation. Peer-side until published."""

    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="peer_view")
    rag = models.CharField("the peer team's status", max_length=20, choices=Rag.choices, default=Rag.NOT_ASSESSED)
    commentary = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Peer view of {self.recommendation}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
