from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from reviews.models import Case, Grade, GradeScale, Review
from reviews.validators import review_date_validator


class AuditToolQuerySet(models.QuerySet):
    def for_review(self, review: Review) -> "AuditTool | None":
        return self.filter(grade_scale=review.grade_scale_id).order_by("-is_default", "name").first()


class AuditTool(models.Model):
    """A case audit tool: domains graded on a scale, an overall grade and a narrative."""

    name = models.CharField(max_length=200, unique=True)
    grade_scale = models.ForeignKey(GradeScale, on_delete=models.PROTECT, related_name="audit_tools")
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="Used for reviews on this tool's grade scale.")

    objects = AuditToolQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grade_scale"], condition=Q(is_default=True), name="audittool_one_default_per_scale"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AuditDomain(models.Model):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="domains")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    guidance = models.TextField("guidance questions", blank=True, help_text="One question a line.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tool", "order"], name="auditdomain_unique_order"),
            models.UniqueConstraint(fields=["tool", "name"], name="auditdomain_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def questions(self) -> list[str]:
        return [line.strip() for line in self.guidance.splitlines() if line.strip()]


class CouncilAudit(models.Model):
    """The council's own audit of a case in the sample: the grades peers later re-grade blind."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="council_audits")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="council_audits")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="council_audits")
    auditor_role = models.CharField("auditor's role", max_length=120)
    auditor_team = models.CharField("auditor's team", max_length=120)
    audit_date = models.DateField(validators=[review_date_validator])
    overall_grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "case"], name="councilaudit_one_per_case"),
            models.CheckConstraint(condition=~Q(narrative=""), name="councilaudit_narrative_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Council audit of case {self.case.reference}"

    def get_absolute_url(self) -> str:
        return reverse("audits:audit_detail", args=[self.review_id, self.pk])


class CouncilGrade(models.Model):
    audit = models.ForeignKey(CouncilAudit, on_delete=models.CASCADE, related_name="grades")
    domain = models.ForeignKey(AuditDomain, on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "domain"], name="councilgrade_one_per_domain")]

    def __str__(self) -> str:
        return f"{self.domain}: {self.grade}"


def disagreement() -> Q:
    """The one rule for which cases need moderation: the peer's grade differs from the council's, overall or on a
    domain both graded. A case whose grades all agree is done once regraded; each disagreement is moderated.
    """
    council_differs = CouncilGrade.objects.filter(
        audit_id=OuterRef("validation__audit_id"), domain_id=OuterRef("domain_id")
    ).exclude(grade_id=OuterRef("grade_id"))
    peer_differs = PeerGrade.objects.filter(validation_id=OuterRef("pk")).filter(Exists(council_differs))
    return Q(Exists(peer_differs)) | ~Q(overall_grade_id=F("audit__overall_grade_id"))


class ValidationQuerySet(models.QuerySet):
    def to_moderate(self) -> "ValidationQuerySet":
        """Regraded cases whose grades differ from the council's and have not been moderated yet."""
        return self.filter(disagreement(), status=Validation.Status.REGRADED)

    def with_to_moderate(self) -> "ValidationQuerySet":
        """Each case marked `to_moderate` by the same rule, in the same query."""
        return self.annotate(
            to_moderate=models.ExpressionWrapper(
                Q(status=Validation.Status.REGRADED) & disagreement(), output_field=models.BooleanField()
            )
        )


class Validation(models.Model):
    """A council audit chosen for blind regrading by a case auditor, then compared and moderated."""

    evidence_label_related = ("audit__case",)  # what __str__ reads, loaded with it when it is evidence

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        REGRADED = "regraded", "Regraded"
        MODERATED = "moderated", "Moderated"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="validations")
    audit = models.OneToOneField(CouncilAudit, on_delete=models.CASCADE, related_name="validation")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="validations")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderations",
        help_text="A named moderator besides the lead; empty for the lead alone.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    sample_seed = models.PositiveIntegerField(null=True, blank=True, help_text="The seed of the draw; empty by hand.")
    overall_grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    narrative = models.TextField(blank=True)
    agreed_overall_grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    moderation_rationale = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ValidationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="assigned") | (Q(overall_grade__isnull=False) & Q(submitted_at__isnull=False)),
                name="validation_regraded_has_grade",
            ),
            models.CheckConstraint(
                condition=~Q(status="moderated") | ~Q(moderation_rationale=""),
                name="validation_moderation_has_rationale",
            ),
        ]
        indexes = [models.Index(fields=["review", "status"])]

    def __str__(self) -> str:
        # Never the grades: this text is shown wherever the validation is evidence.
        return f"Validation of case {self.audit.case.reference}"

    def get_absolute_url(self) -> str:
        return reverse("audits:validation_detail", args=[self.review_id, self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status != self.Status.ASSIGNED


class PeerGrade(models.Model):
    """A domain grade: the case auditor's blind grade, and after moderation the agreed one."""

    validation = models.ForeignKey(Validation, on_delete=models.CASCADE, related_name="grades")
    domain = models.ForeignKey(AuditDomain, on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    agreed_grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["validation", "domain"], name="peergrade_one_per_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.grade}"
