"""The shared model every stage builds on: councils and their partners, reviews and who works on them, cases and
findings. The framework, evidence documents, reports and the access log, and the planning group live in their own
modules beside this one (framework_models, document_models, report_models, planning_models) and are imported here,
so every model of this app is named from reviews.models."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import stages
from .document_models import (  # noqa: F401 (their own module; this app's models)
    DocumentVersion,
    EvidenceDocument,
)
from .export_record import ReviewExport  # noqa: F401 (its own module; this app's model)
from .file_deletions import FileToDelete  # noqa: F401 (its own module; this app's model)
from .framework_models import (  # noqa: F401 (their own module; this app's models)
    FocusArea,
    Framework,
    Grade,
    GradeScale,
    ScopeArea,
    Theme,
)
from .invitations.models import Invitation  # noqa: F401 (its own module; this app's model)
from .notifications.models import (  # noqa: F401 (their own module; this app's models)
    EmailRecord,
    Notification,
    NotificationSettings,
    SentReminder,
)
from .planning_models import (  # noqa: F401 (their own module; this app's models)
    MAX_EXPECTED_RESPONSES,
    MAX_PRACTITIONERS,
    PRACTITIONERS_CAP,
    RESPONSES_CAP,
    Commitment,
    PlanningMeeting,
    PlanningMember,
)
from .purge_record import PurgeRecord  # noqa: F401 (its own module; this app's model)
from .report_models import (  # noqa: F401 (their own module; this app's models)
    AccessLog,
    AccessLogQuerySet,
    Report,
    ReportQuerySet,
    ReportSharing,
)
from .storage import private_storage  # noqa: F401 (the migrations name reviews.models.private_storage)
from .validators import review_date_validator

# Councils, partners and thresholds


class Council(models.Model):
    class Region(models.TextChoices):
        NORTH_EAST = "north_east", "North East"
        NORTH_WEST = "north_west", "North West"
        YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
        EAST_MIDLANDS = "east_midlands", "East Midlands"
        WEST_MIDLANDS = "west_midlands", "West Midlands"
        EAST = "east", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south_east", "South East"
        SOUTH_WEST = "south_west", "South West"

    name = models.CharField(max_length=200, unique=True)
    region = models.CharField(
        max_length=20, choices=Region.choices, blank=True, help_text="The English region, for the programme's filters."
    )
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^E\d{8}$", "An ONS code is E followed by eight digits, such as E10000999.")],
    )
    record_number_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="A regular expression matching the council's own case record numbers; "
        "case references that match it are refused.",
    )

    def __str__(self) -> str:
        return self.name

    def adopt_default_thresholds(self) -> int:
        """Copy the default threshold model to a council that has none yet; returns how many levels it gained."""
        if self.threshold_levels.exists():
            return 0
        defaults = ThresholdLevel.objects.filter(council__isnull=True).order_by("order")
        ThresholdLevel.objects.bulk_create(
            ThresholdLevel(
                council=self,
                order=level.order,
                label=level.label,
                description=level.description,
                legal_basis=level.legal_basis,
            )
            for level in defaults
        )
        return len(defaults)


class PartnerKind(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    is_safeguarding_partner = models.BooleanField(
        default=False, help_text="One of the statutory safeguarding partners (council, health, police)."
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="partnerkind_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class Partner(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="partners")
    kind = models.ForeignKey(PartnerKind, on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="partner_unique_name_per_council")]

    def __str__(self) -> str:
        return self.name


class ThresholdLevel(models.Model):
    class LegalBasis(models.TextChoices):
        UNIVERSAL = "universal", "Universal services"
        EARLY_HELP = "early_help", "Early help (CAF or local early help assessment)"
        S17 = "s17", "Child in need (Children Act 1989 s.17)"
        S47 = "s47", "Child protection (Children Act 1989 s.47)"
        LOOKED_AFTER = "looked_after", "Looked after (s.20 or s.31)"

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threshold_levels",
        help_text="Leave empty for the default model that councils copy and rename.",
    )
    order = models.PositiveSmallIntegerField(help_text="1 is the lowest level of need.")
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "order"], name="threshold_unique_order_per_council"),
            models.UniqueConstraint(fields=["council", "label"], name="threshold_unique_label_per_council"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(council__isnull=True), name="threshold_default_unique_order"
            ),
            models.CheckConstraint(condition=Q(order__gte=1), name="threshold_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.label}"


# Reviews and who works on them


class Role(models.TextChoices):
    LEAD = "lead", "Peer lead"
    CHALLENGE_MANAGER = "challenge_manager", "Challenge manager"
    PEER = "peer", "Peer reviewer"
    CASE_AUDITOR = "case_auditor", "Case auditor"
    SPONSOR = "sponsor", "Sponsor"
    ORGANISER = "organiser", "Organiser"
    CONTRIBUTOR = "contributor", "Contributor"
    OBSERVER = "observer", "Observer"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Review(models.Model):
    class Status(models.TextChoices):
        SCOPING = "scoping", "Scoping"
        PREPARATION = "preparation", "Preparation"
        ON_SITE = "on_site", "On site"
        REPORTING = "reporting", "Reporting"
        IMPROVEMENT = "improvement", "Improvement plan"
        CLOSED = "closed", "Closed"

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="reviews")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reviews")
    grade_scale = models.ForeignKey(GradeScale, on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCOPING)
    scoping_date = models.DateField(null=True, blank=True, validators=[review_date_validator])
    onsite_start = models.DateField("on-site week starts", null=True, blank=True, validators=[review_date_validator])
    onsite_end = models.DateField("on-site week ends", null=True, blank=True, validators=[review_date_validator])
    conference_date = models.DateField(null=True, blank=True, validators=[review_date_validator])
    letter_due = models.DateField(null=True, blank=True, validators=[review_date_validator])
    followup_3_months = models.DateField(
        "first impact check", null=True, blank=True, validators=[review_date_validator]
    )
    followup_12_months = models.DateField(
        "second impact check", null=True, blank=True, validators=[review_date_validator]
    )
    baseline_reference = models.CharField(
        max_length=300, blank=True, help_text="What progress is measured from, such as the last inspection."
    )
    previous_review = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="later_reviews"
    )
    excluded_scope_areas = models.ManyToManyField(
        ScopeArea,
        blank=True,
        related_name="+",
        help_text="The framework's scope areas this review leaves out; every other one is in scope.",
    )
    excluded_focus_areas = models.ManyToManyField(
        FocusArea,
        blank=True,
        related_name="+",
        help_text="The framework's focus areas and specific circumstances this review leaves out.",
    )
    # How long its records are kept (reviews/retention.py): months after the 12-month check; empty takes the
    # site's default. Archived reviews are read-only for everyone.
    retention_months = models.PositiveSmallIntegerField(
        "keep for (months after the 12-month check)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Leave empty for the site's default (RETENTION_MONTHS).",
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save in the workspace; a stale edit is refused."
    )
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_start__isnull=True)
                | Q(onsite_end__isnull=True)
                | Q(onsite_end__gte=models.F("onsite_start")),
                name="review_onsite_dates_ordered",
            )
        ]
        permissions = [("view_programme", "Can see the programme dashboard across reviews")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:overview", args=[self.pk])

    def clean(self) -> None:
        if self.grade_scale_id and self.framework_id and self.grade_scale.framework_id != self.framework_id:
            raise ValidationError({"grade_scale": "Choose a grade scale of the review's framework."})
        if self.previous_review_id:
            self._clean_previous_review()

    def _clean_previous_review(self) -> None:
        """The previous review is an earlier review of the same council, never this one or a later one."""
        previous = self.previous_review
        if self.pk and previous.pk == self.pk:
            raise ValidationError({"previous_review": "A review cannot be its own previous review."})
        if previous.council_id != self.council_id:
            raise ValidationError({"previous_review": "A previous review must be of the same council."})
        if previous.onsite_start and self.onsite_start and previous.onsite_start >= self.onsite_start:
            raise ValidationError(
                {
                    "previous_review": f"The previous review must have been on site before this one: "
                    f"“{previous}” was on site from {previous.onsite_start:%-d %B %Y}."
                }
            )
        # Walk back along the chain: this review must not be the earlier review of its own previous review.
        seen = {previous.pk}
        step = previous
        while self.pk and step.previous_review_id:
            if step.previous_review_id == self.pk:
                raise ValidationError(
                    {"previous_review": f"“{previous}” already comes after this review: choose an earlier review."}
                )
            if step.previous_review_id in seen:
                break
            seen.add(step.previous_review_id)
            step = Review.objects.only("pk", "previous_review_id").get(pk=step.previous_review_id)

    def schedule(self) -> list[tuple[str, object]]:
        return [
            ("Scoping", self.scoping_date),
            ("On site from", self.onsite_start),
            ("On site until", self.onsite_end),
            ("Conference", self.conference_date),
            ("Letter due", self.letter_due),
            ("Impact check at 3 months", self.followup_3_months),
            ("Impact check at 12 months", self.followup_12_months),
        ]


class ReviewMembership(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="membership_one_per_user_and_review")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.review}"


# Cases, findings and their evidence


class Case(models.Model):
    class AgeBand(models.TextChoices):
        UNBORN = "unborn", "Unborn"
        UNDER_1 = "0", "Under 1"
        AGE_1_4 = "1-4", "1 to 4"
        AGE_5_9 = "5-9", "5 to 9"
        AGE_10_15 = "10-15", "10 to 15"
        AGE_16_17 = "16-17", "16 to 17"
        CARE_LEAVER = "18+", "18 or over (care leaver)"

    class LegalStatus(models.TextChoices):
        NONE = "none", "No statutory plan"
        EARLY_HELP = "early_help", "Early help"
        CHILD_IN_NEED = "cin", "Child in need (s.17)"
        CHILD_PROTECTION = "cp", "Child protection plan"
        LOOKED_AFTER_S20 = "s20", "Looked after (s.20)"
        LOOKED_AFTER_S31 = "s31", "Looked after (care order, s.31)"
        CARE_LEAVER = "care_leaver", "Care leaver"

    class CPCategory(models.TextChoices):
        NONE = "", "Not applicable"
        NEGLECT = "neglect", "Neglect"
        PHYSICAL = "physical", "Physical abuse"
        EMOTIONAL = "emotional", "Emotional abuse"
        SEXUAL = "sexual", "Sexual abuse"
        MULTIPLE = "multiple", "Multiple"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(
        max_length=30,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                "A case reference uses letters, digits and hyphens only, such as C-01.",
            )
        ],
        help_text="A review-local reference; never a name, date of birth, address or the council's record number.",
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    threshold_level = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True)
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices, default=LegalStatus.NONE)
    cp_category = models.CharField(
        "child protection category", max_length=20, choices=CPCategory.choices, blank=True, default=""
    )
    has_disability = models.BooleanField("disabled child", default=False)
    specific_circumstances = models.ManyToManyField(FocusArea, blank=True, related_name="cases")
    partners = models.ManyToManyField(Partner, blank=True, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "reference"], name="case_unique_reference_per_review")]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if self.threshold_level_id and self.threshold_level.council_id != self.review.council_id:
            raise ValidationError({"threshold_level": "Choose one of the council's own threshold levels."})

    def work_recorded(self) -> list[str]:
        """What the review has recorded against this case, such as "2 events"; a case with any stays in the sample.

        Every model that points at Case counts, so a new stage's link is covered without being listed here.
        The many-to-many fields Case itself declares (partners, specific circumstances) describe the case
        and are not counted.
        """
        recorded = []
        for relation in self._meta.related_objects:
            if relation.one_to_one:
                count = relation.related_model._default_manager.filter(**{relation.field.name: self}).count()
            else:
                count = getattr(self, relation.get_accessor_name()).count()
            if count:
                meta = relation.related_model._meta
                recorded.append(f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}")
        case_type = ContentType.objects.get_for_model(Case)
        if FindingEvidence.objects.filter(content_type=case_type, object_id=self.pk).exists():
            # Draft findings are the peer team's; the host side learns only that one exists.
            recorded.append("evidence for a finding")
        return recorded


class FindingQuerySet(models.QuerySet):
    def visible_to_membership(self, membership: ReviewMembership) -> "FindingQuerySet":
        from .permissions import can_see_peer_material

        qs = self.filter(review_id=membership.review_id)
        if can_see_peer_material(membership):
            return qs
        return qs.filter(status=Finding.Status.PUBLISHED)

    def counts_by_theme(self, framework: "Framework") -> list[dict]:
        """Strengths and areas for consideration per theme of the framework, in its order, in one query."""
        counts = {
            row["theme_id"]: row
            for row in self.order_by()
            .values("theme_id")
            .annotate(
                strengths=Count("id", filter=Q(kind=Finding.Kind.STRENGTH)),
                areas=Count("id", filter=Q(kind=Finding.Kind.AREA)),
            )
        }
        rows = []
        for theme in framework.themes.order_by("order"):
            row = counts.get(theme.pk, {})
            strengths, areas = row.get("strengths", 0), row.get("areas", 0)
            rows.append({"theme": theme, "strengths": strengths, "areas": areas, "total": strengths + areas})
        return rows


class Finding(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        AREA = "area", "Area for consideration"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        PUBLISHED = "published", "Published"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="findings")
    scope_area = models.ForeignKey(ScopeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="findings")
    focus_areas = models.ManyToManyField(
        FocusArea,
        blank=True,
        related_name="findings",
        help_text="The focus areas and specific circumstances the finding bears on, any number.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    stage = models.CharField(max_length=40, help_text="The stage that raised the finding.")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="findings_raised"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__isnull=True) | Q(priority__gte=1), name="finding_priority_positive"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="finding_summary_not_empty"),
        ]
        indexes = [models.Index(fields=["review", "status"])]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("reviews:finding_detail", args=[self.review_id, self.pk])

    def clean(self) -> None:
        framework_id = self.review.framework_id if self.review_id else None
        errors = {}
        if self.theme_id and self.theme.framework_id != framework_id:
            errors["theme"] = "Choose a theme of this review's framework."
        if self.scope_area_id and self.scope_area.framework_id != framework_id:
            errors["scope_area"] = "Choose a scope area of this review's framework."
        if self.stage and stages.get(self.stage) is None and self.stage != stages.GENERAL:
            errors["stage"] = "Choose one of the review's stages."
        if errors:
            raise ValidationError(errors)

    def stage_title(self) -> str:
        return stages.title_for(self.stage)

    def triangulation(self) -> int:
        """How many distinct stages stand behind the finding: its own and those of its evidence."""
        items = getattr(self, "evidence_items", None)
        if items is None:
            items = getattr(self, "_prefetched_objects_cache", {}).get("evidence")
        if items is None:
            items = self.evidence.select_related("content_type")
        slugs = {stages.slug_for_app(item.content_type.app_label) for item in items}
        slugs.add(self.stage)
        slugs.discard(stages.GENERAL)
        slugs.discard(None)
        return len(slugs)

    def evidence_sources(self) -> int:
        """Sources for `signals_status.evidence_strength`: 0 with no evidence linked, else its triangulation."""
        items = getattr(self, "evidence_items", None)
        if items is None:
            items = getattr(self, "_prefetched_objects_cache", {}).get("evidence")
        has_evidence = bool(items) if items is not None else self.evidence.exists()
        return max(self.triangulation(), 1) if has_evidence else 0


class FindingEvidence(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("content_type", "object_id")
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "content_type", "object_id"], name="evidence_one_link_per_object"
            )
        ]
        verbose_name_plural = "finding evidence"

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id}"

    def clean(self) -> None:
        source = self.source
        if source is None:
            raise ValidationError("The evidence points at a record that does not exist.")
        review_id = getattr(source, "review_id", None)
        if review_id is None and isinstance(source, Review):
            review_id = source.pk
        if review_id != self.finding.review_id:
            raise ValidationError("Evidence must come from the same review as the finding.")
