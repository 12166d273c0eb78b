import datetime
import hashlib
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import stages
from .export_record import ReviewExport  # noqa: F401 (its own module; this app's model)
from .invitations.models import Invitation  # noqa: F401 (its own module; this app's model)
from .notifications.models import (  # noqa: F401 (their own module; this app's models)
    EmailRecord,
    Notification,
    NotificationSettings,
    SentReminder,
)
from .purge_record import PurgeRecord  # noqa: F401 (its own module; this app's model)
from .storage import private_storage
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


# The framework a review works through


class Framework(models.Model):
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="Offered first for new reviews.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_unique_version"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="framework_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Theme(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="theme_unique_order"),
            models.UniqueConstraint(fields=["framework", "name"], name="theme_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ScopeArea(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="scope_areas")
    review = models.ForeignKey(
        "Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_scope_areas",
        help_text="Set for a scope item of one council's own; empty for the framework's shared scope areas.",
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "order"], condition=Q(review__isnull=True), name="scopearea_unique_order"
            ),
            models.UniqueConstraint(
                fields=["framework", "title"], condition=Q(review__isnull=True), name="scopearea_unique_title"
            ),
            models.UniqueConstraint(
                fields=["review", "order"], condition=Q(review__isnull=False), name="scopearea_local_unique_order"
            ),
            models.UniqueConstraint(
                fields=["review", "title"], condition=Q(review__isnull=False), name="scopearea_local_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class FocusArea(models.Model):
    class Kind(models.TextChoices):
        FOCUS = "focus", "Focus area"
        CIRCUMSTANCE = "circumstance", "Specific circumstance"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="focus_areas")
    review = models.ForeignKey(
        "Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_focus_areas",
        help_text="Set for a line of enquiry of one council's own; empty for the framework's shared ones.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "kind", "order"], condition=Q(review__isnull=True), name="focusarea_unique_order"
            ),
            models.UniqueConstraint(
                fields=["framework", "title"], condition=Q(review__isnull=True), name="focusarea_unique_title"
            ),
            models.UniqueConstraint(
                fields=["review", "kind", "order"],
                condition=Q(review__isnull=False),
                name="focusarea_local_unique_order",
            ),
            models.UniqueConstraint(
                fields=["review", "title"], condition=Q(review__isnull=False), name="focusarea_local_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GradeScale(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="grade_scales")
    name = models.CharField(max_length=200)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="gradescale_unique_name"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="gradescale_valid_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    scale = models.ForeignKey(GradeScale, on_delete=models.CASCADE, related_name="grades")
    rank = models.PositiveSmallIntegerField(help_text="1 is the best grade; each grade in a scale has its own rank.")
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scale", "rank"], name="grade_unique_rank_in_scale"),
            models.UniqueConstraint(fields=["scale", "label"], name="grade_unique_label_in_scale"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="grade_rank_positive"),
        ]

    def __str__(self) -> str:
        return self.label


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


# Evidence documents


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

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField("type of document", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    themes = models.ManyToManyField(Theme, blank=True, related_name="documents")
    scope_areas = models.ManyToManyField(ScopeArea, blank=True, related_name="documents")
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


# Reports


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

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
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


# Access log: written by the application, never edited by users.


class AccessLogQuerySet(models.QuerySet):
    def record(self, *, user, review: Review | None, action: str, target: str, path: str = "") -> "AccessLog":
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
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, related_name="+")
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
            models.Index(fields=["review", "-at"], name="accesslog_review_at"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.target}"


# The planning group, its meetings and what each partner agency commits to the review

MAX_PRACTITIONERS = 200
MAX_EXPECTED_RESPONSES = 5000
PRACTITIONERS_CAP = MaxValueValidator(
    MAX_PRACTITIONERS, f"Enter a number of practitioners from 0 to {MAX_PRACTITIONERS}."
)
RESPONSES_CAP = MaxValueValidator(
    MAX_EXPECTED_RESPONSES, f"Enter a number of expected responses from 0 to {MAX_EXPECTED_RESPONSES}."
)


class PlanningMember(models.Model):
    """A seat on the review's planning group: a role and an agency; a name and email only if recorded."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="planning_members")
    role = models.CharField(max_length=120, help_text="Such as Chair, Business manager or Designated nurse.")
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planning_members",
        verbose_name="agency",
        help_text="Leave empty for the council itself.",
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(role=""), name="planningmember_role_not_empty")]

    def __str__(self) -> str:
        return f"{self.role}, {self.agency_name()}"

    def clean(self) -> None:
        if self.partner_id and self.review_id and self.partner.council_id != self.review.council_id:
            raise ValidationError({"partner": "Choose one of the council's own partner agencies."})

    def agency_name(self) -> str:
        return self.partner.name if self.partner_id else self.review.council.name


class PlanningMeeting(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="planning_meetings")
    held_on = models.DateField("date", validators=[review_date_validator])
    note = models.TextField("agenda or note", blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "held_on"], name="planningmeeting_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"Planning group meeting on {self.held_on:%d %B %Y}"


class Commitment(models.Model):
    """What one partner agency commits to the review: staff time for mapping and focus groups, the questionnaire."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="commitments", verbose_name="agency")
    mapping_practitioners = models.PositiveSmallIntegerField(
        "practitioners for case mapping",
        default=0,
        validators=[PRACTITIONERS_CAP],
        help_text=f"A whole number from 0 to {MAX_PRACTITIONERS}.",
    )
    focus_group_practitioners = models.PositiveSmallIntegerField(
        "practitioners for focus groups",
        default=0,
        validators=[PRACTITIONERS_CAP],
        help_text=f"A whole number from 0 to {MAX_PRACTITIONERS}.",
    )
    distributes_questionnaire = models.BooleanField("distributes the questionnaire to its staff", default=False)
    expected_responses = models.PositiveIntegerField(
        "questionnaire responses expected",
        null=True,
        blank=True,
        validators=[RESPONSES_CAP],
        help_text=f"Optional. A whole number from 0 to {MAX_EXPECTED_RESPONSES}.",
    )
    contact_name = models.CharField("contact's name", max_length=200, blank=True)
    contact_role = models.CharField("contact's role", max_length=200, blank=True)
    contact_email = models.EmailField("contact's email", blank=True)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "partner"], name="commitment_one_per_partner"),
            models.CheckConstraint(
                condition=Q(mapping_practitioners__lte=MAX_PRACTITIONERS)
                & Q(focus_group_practitioners__lte=MAX_PRACTITIONERS),
                name="commitment_practitioners_sensible",
            ),
            models.CheckConstraint(
                condition=Q(expected_responses__isnull=True)
                | (Q(expected_responses__lte=MAX_EXPECTED_RESPONSES) & Q(distributes_questionnaire=True)),
                name="commitment_responses_only_when_distributing",
            ),
        ]

    def __str__(self) -> str:
        return f"Commitment of {self.partner}"

    def clean(self) -> None:
        if self.partner_id and self.review_id and self.partner.council_id != self.review.council_id:
            raise ValidationError({"partner": "Choose one of the council's own partner agencies."})
        if self.expected_responses is not None and not self.distributes_questionnaire:
            raise ValidationError(
                {
                    "expected_responses": "Leave the expected responses empty unless the agency distributes the questionnaire."
                }
            )

    def is_empty(self) -> bool:
        """Nothing committed: no practitioners and no questionnaire."""
        return not (self.mapping_practitioners or self.focus_group_practitioners or self.distributes_questionnaire)
