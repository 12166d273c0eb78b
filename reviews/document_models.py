"""Evidence documents and their file versions (this app's models, imported into reviews.models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .storage import private_storage


class EvidenceDocument(models.Model):
    """A document the review relies on. Its file versions are kept; the latest is the current one."""

    class Kind(models.TextChoices):
        POLICY = "policy", "Policy, procedure or strategy"
        PLAN = "plan", "Plan or action plan"
        REPORT = "report", "Report or evaluation"
        AUDIT = "audit", "Audit or quality assurance"
        DATA = "data", "Performance or workforce data"
        MINUTES = "minutes", "Minutes or papers"
        INSPECTION = "inspection", "Inspection report"
        OTHER = "other", "Other"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField("type of document", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    themes = models.ManyToManyField("reviews.Theme", blank=True, related_name="documents")
    scope_areas = models.ManyToManyField("reviews.ScopeArea", blank=True, related_name="documents")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="documents_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version_count = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="document_title_not_empty")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:document_detail", args=[self.review_id, self.pk])


class DocumentVersion(models.Model):
    """One uploaded file of a document, stored under a random name outside any public URL."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(storage=private_storage, upload_to="documents/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique_number"),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_version_not_empty"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (version {self.number})"
