from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models import Case, Council, Finding, FocusArea, Partner, PartnerKind, Review, Theme, ThresholdLevel
from reviews.validators import check_chronology_date, check_has_happened, review_date_validator


class EventKind(models.Model):
    """A kind of event in a chronology, configured in admin (contact, referral, strategy discussion, ...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=100, help_text="Where the kind is listed in choices.")
    ends = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ended_by",
        help_text="The kind of event this one closes, such as a plan ended closing a plan started; "
        "an event of this kind dated before its start is refused.",
    )

    def __str__(self) -> str:
        return self.name


class TimescaleRuleQuerySet(models.QuerySet):
    def for_council(self, council: Council) -> "TimescaleRuleQuerySet":
        return self.filter(Q(council__isnull=True) | Q(council=council))


class TimescaleRule(models.Model):
    """A statutory timescale or local standard: from one event kind to the next of another, within a limit."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "working days"
        CALENDAR_DAYS = "calendar_days", "calendar days"
        HOURS = "hours", "hours"
        MONTHS = "months", "months"

    name = models.CharField(max_length=200)
    from_kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="rules_from")
    to_kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="rules_to")
    limit = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    source = models.CharField(
        max_length=200, help_text="The guidance version or local standard, such as Working Together 2013."
    )
    applies_from = models.DateField(null=True, blank=True, help_text="Empty: since before any chronology.")
    applies_to = models.DateField(null=True, blank=True, help_text="Empty: still in force.")
    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="timescale_rules",
        help_text="Empty for a national rule; a council for its own local standard.",
    )
    stopped_by = models.ManyToManyField(
        EventKind,
        blank=True,
        related_name="rules_stopped",
        help_text="Events that make the rule no longer apply, such as the plan ending or the case closing.",
    )
    first_occurrence = models.PositiveSmallIntegerField(
        default=1,
        help_text="Check starting events from this one on, counted in each case: 2 for “then every six months” "
        "after a second review.",
    )
    last_occurrence = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Check starting events up to this one; empty for all that follow."
    )
    window_from = models.ForeignKey(
        EventKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules_windowed",
        help_text="Only check starting events within the window after the latest event of this kind, "
        "such as visits in the first year of being looked after.",
    )
    window_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="The window's length in calendar days (365 for the first year)."
    )
    responsible = models.ForeignKey(
        PartnerKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The kind of agency whose timescale this is, such as children's social care for a referral "
        "decision; a miss is shown against it. Empty: the agency whose event started the clock.",
    )

    objects = TimescaleRuleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "source"], name="timescalerule_unique_name_per_source"),
            models.CheckConstraint(condition=Q(limit__gte=1), name="timescalerule_limit_positive"),
            models.CheckConstraint(
                condition=Q(first_occurrence__gte=1)
                & (Q(last_occurrence__isnull=True) | Q(last_occurrence__gte=models.F("first_occurrence"))),
                name="timescalerule_occurrences_ordered",
            ),
            models.CheckConstraint(
                condition=Q(applies_from__isnull=True)
                | Q(applies_to__isnull=True)
                | Q(applies_to__gte=models.F("applies_from")),
                name="timescalerule_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(window_from__isnull=True, window_days__isnull=True)
                | Q(window_from__isnull=False, window_days__isnull=False, window_days__gte=1),
                name="timescalerule_window_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.source})"

    def describe_limit(self) -> str:
        unit = self.get_unit_display()
        if self.limit == 1:
            unit = unit.removesuffix("s")
        return f"{self.limit} {unit}"

    def applies_on(self, day) -> bool:
        return (self.applies_from is None or self.applies_from <= day) and (
            self.applies_to is None or day <= self.applies_to
        )


class TimescaleSetting(models.Model):
    """An admin's override of which guidance version a review's chronologies are checked against."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="timescale_setting")
    rules_as_of = models.DateField(
        help_text="Check every event against the rules in force on this date, instead of those in force "
        "on the event's own date."
    )
    reason = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.review}: rules as of {self.rules_as_of:%-d %B %Y}"


class Event(models.Model):
    evidence_label_related = ("case", "kind")  # what __str__ reads, loaded with the event when it is evidence
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="chronology_events")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(validators=[review_date_validator])
    date_is_approximate = models.BooleanField("the date is approximate", default=False)
    time = models.TimeField(null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(help_text="Orders events within one day.")
    kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="events")
    agency = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="chronology_events")
    summary = models.TextField("what happened")
    decision = models.TextField("decision made", blank=True)
    source_record = models.CharField(max_length=200, blank=True)
    threshold_level = models.ForeignKey(
        ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_disputed = models.BooleanField("disputed", default=False)
    disputed_by = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dispute_reason = models.TextField(blank=True)
    is_material = models.BooleanField("material to the case", default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "date", "sequence"], name="event_unique_sequence_in_day"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="event_sequence_positive"),
            models.CheckConstraint(
                condition=Q(is_disputed=False) | (Q(disputed_by__isnull=False) & ~Q(dispute_reason="")),
                name="event_dispute_has_agency_and_reason",
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="event_summary_not_empty"),
        ]
        indexes = [models.Index(fields=["case", "date", "sequence"])]

    def __str__(self) -> str:
        return f"{self.case.reference if self.case_id else ''} {self.date:%-d %b %Y}: {self.kind.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("casemapping:case_detail", args=[self.review_id, self.case_id])

    def clean(self) -> None:
        if self.date and self.case_id:
            case = self.case
            check_chronology_date(
                self.date, age_band=case.age_band, as_of=case.review.onsite_start or timezone.localdate()
            )


class WorkshopQuerySet(models.QuerySet):
    def held(self) -> "WorkshopQuerySet":
        return self.filter(status=Workshop.Status.HELD)


class Workshop(models.Model):
    """A mapping workshop: planned weeks ahead (date, venue, who is invited), then recorded once held."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="mapping_workshops")
    held_on = models.DateField("date", validators=[review_date_validator])
    venue = models.CharField(max_length=200, blank=True, help_text="A room and building, or “Online”.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    facilitators = models.CharField(max_length=300, help_text="Roles, such as “Peer lead and challenge manager”.")
    cases = models.ManyToManyField(
        Case, related_name="workshops", help_text="The cases to map at the workshop; mapped once it is held."
    )
    went_well = models.TextField("what went well", blank=True)
    worries = models.TextField("what worries us", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save of what the workshop found; a stale save is refused."
    )
    history = HistoricalRecords(m2m_fields=[])

    objects = WorkshopQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Mapping workshop on {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("casemapping:workshop_detail", args=[self.review_id, self.pk])

    def clean(self) -> None:
        if self.status == self.Status.HELD and self.held_on:
            check_has_happened(self.held_on, what="A workshop")

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


class WorkshopAgency(models.Model):
    """An agency at a workshop: how many of its practitioners were invited, and how many came (numbers, never
    names). Attendance is empty until the workshop is held."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    invited = models.PositiveSmallIntegerField("practitioners invited", default=0)
    practitioners = models.PositiveSmallIntegerField("practitioners who came", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "agency"], name="workshopagency_one_row_per_agency"),
            models.CheckConstraint(
                condition=Q(invited__gte=1) | Q(practitioners__gte=1), name="workshopagency_invited_or_came"
            ),
        ]
        verbose_name_plural = "workshop agencies"

    def __str__(self) -> str:
        came = "not recorded" if self.practitioners is None else self.practitioners
        return f"{self.agency}: {self.invited} invited, came {came}"


class LearningPoint(models.Model):
    """What the group learned; it becomes a finding with its events as evidence."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="learning_points")
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Finding.Kind.choices)
    events = models.ManyToManyField(Event, related_name="learning_points")
    focus_areas = models.ManyToManyField(
        FocusArea,
        blank=True,
        related_name="learning_points",
        help_text="The focus areas and specific circumstances the learning point bears on, any number.",
    )
    finding = models.OneToOneField(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(summary=""), name="learningpoint_summary_not_empty")]

    def __str__(self) -> str:
        return self.summary
