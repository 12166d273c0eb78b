import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from reviews.models import FocusArea, Framework, Partner, Review, ScopeArea, Theme
from reviews.validators import check_has_happened, review_date_validator


class LineTemplate(models.Model):
    """A key line of enquiry offered by a framework; reviews copy them and then edit their own."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="line_templates")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    scope_area = models.ForeignKey(ScopeArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=400)

    class Meta:
        verbose_name = "key line of enquiry (framework)"
        verbose_name_plural = "key lines of enquiry (framework)"
        constraints = [
            models.UniqueConstraint(fields=["framework", "text"], name="linetemplate_unique_text"),
            models.CheckConstraint(
                condition=Q(theme__isnull=False) | Q(scope_area__isnull=False), name="linetemplate_has_theme_or_area"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        errors = {}
        if self.theme_id and self.framework_id and self.theme.framework_id != self.framework_id:
            errors["theme"] = "Choose a theme of the same framework."
        if self.scope_area_id and self.framework_id and self.scope_area.framework_id != self.framework_id:
            errors["scope_area"] = "Choose a scope area of the same framework."
        if not self.theme_id and not self.scope_area_id:
            errors["theme"] = "Choose a theme, a scope area or both."
        if errors:
            raise ValidationError(errors)


class LineOfEnquiry(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="lines_of_enquiry")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scope_area = models.ForeignKey(ScopeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.CharField("line of enquiry", max_length=400)
    focus_areas = models.ManyToManyField(
        FocusArea,
        blank=True,
        related_name="lines_of_enquiry",
        help_text="The focus areas and specific circumstances the line pursues, any number.",
    )
    template = models.ForeignKey(LineTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "lines of enquiry"
        constraints = [
            models.UniqueConstraint(fields=["review", "text"], name="line_unique_text_per_review"),
            models.CheckConstraint(
                condition=Q(theme__isnull=False) | Q(scope_area__isnull=False), name="line_has_theme_or_area"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="line_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class ProgrammeRules(models.Model):
    """The review's own limits for clash warnings; a review without a row uses the defaults."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="programme_rules")
    travel_gap_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="The least time between two sessions in different places."
    )
    max_without_break_minutes = models.PositiveSmallIntegerField(
        default=180,
        validators=[MinValueValidator(30, "Allow at least 30 minutes without a break.")],
        help_text="The longest a peer may work without a break.",
    )
    break_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1, "A break is at least 1 minute.")],
        help_text="A gap at least this long between sessions counts as a break.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")

    class Meta:
        verbose_name_plural = "programme rules"
        constraints = [
            models.CheckConstraint(condition=Q(max_without_break_minutes__gte=30), name="rules_max_without_break_sane"),
            models.CheckConstraint(condition=Q(break_minutes__gte=1), name="rules_break_positive"),
        ]

    def __str__(self) -> str:
        return f"Programme rules for {self.review}"


class SessionQuerySet(models.QuerySet):
    def active(self) -> "SessionQuerySet":
        return self.exclude(status=Session.Status.CANCELLED)


class Session(models.Model):
    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        FOCUS_GROUP = "focus_group", "Focus group"
        VISIT = "visit", "Visit to a team or service"
        CASE_DISCUSSION = "case_discussion", "Case discussion"
        OBSERVATION = "observation", "Observation of a meeting"
        BRIEFING = "briefing", "Briefing"
        FEEDBACK = "feedback", "Feedback"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    day = models.DateField(validators=[review_date_validator])
    start = models.TimeField()
    end = models.TimeField()
    location = models.CharField(max_length=200, blank=True, help_text="A room and building, or leave empty if online.")
    online_link = models.URLField(blank=True, help_text="The meeting link, if online.")
    peers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="interview_sessions")
    lines = models.ManyToManyField(LineOfEnquiry, blank=True, related_name="sessions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[peers])

    objects = SessionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_ends_after_start"),
            models.CheckConstraint(condition=~Q(location="") | ~Q(online_link=""), name="session_has_place"),
            models.CheckConstraint(condition=~Q(title=""), name="session_title_not_empty"),
        ]
        indexes = [models.Index(fields=["review", "day", "start"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.day:%a %d %b} {self.start:%H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("interviews:session", args=[self.review_id, self.pk])

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})
        if not self.location and not self.online_link:
            raise ValidationError({"location": "Enter a location or an online link."})
        if self.status == self.Status.HELD and self.day:
            try:
                check_has_happened(self.day, what="A session")
            except ValidationError as error:
                raise ValidationError({"status": error.messages}) from error

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.day, self.start)

    @property
    def ends_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.day, self.end)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def status_tag(self) -> str:
        return {
            self.Status.PLANNED: "govuk-tag--grey",
            self.Status.CONFIRMED: "govuk-tag--blue",
            self.Status.HELD: "govuk-tag--green",
            self.Status.CANCELLED: "govuk-tag--red",
        }[self.status]


class IntervieweeRole(models.TextChoices):
    DCS = "dcs", "Director of Children's Services"
    LEAD_MEMBER = "lead_member", "Lead Member for Children's Services"
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    LSCB_CHAIR = "lscb_chair", "LSCB chair or independent scrutineer"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    TEAM_MANAGER = "team_manager", "Team manager"
    PRACTITIONER = "practitioner", "Practitioners"
    DESIGNATED_HEALTH = "designated_health", "Designated health professional"
    POLICE_LEAD = "police_lead", "Police lead"
    SCHOOL_LEADER = "school_leader", "School leader"
    IRO = "iro", "Independent reviewing officer"
    LADO = "lado", "Designated officer (LADO)"
    OTHER = "other", "Other"


# Common names for the roles above, as timetables write them; matched without regard to case or apostrophes.
ROLE_SYNONYMS = {
    "director of childrens services": IntervieweeRole.DCS,
    "dcs": IntervieweeRole.DCS,
    "lead member": IntervieweeRole.LEAD_MEMBER,
    "lead member for children": IntervieweeRole.LEAD_MEMBER,
    "portfolio holder for children": IntervieweeRole.LEAD_MEMBER,
    "chief exec": IntervieweeRole.CHIEF_EXECUTIVE,
    "lscb chair": IntervieweeRole.LSCB_CHAIR,
    "chair of the lscb": IntervieweeRole.LSCB_CHAIR,
    "independent chair": IntervieweeRole.LSCB_CHAIR,
    "independent scrutineer": IntervieweeRole.LSCB_CHAIR,
    "safeguarding partnership chair": IntervieweeRole.LSCB_CHAIR,
    "service manager": IntervieweeRole.HEAD_OF_SERVICE,
    "assistant director": IntervieweeRole.HEAD_OF_SERVICE,
    "team leader": IntervieweeRole.TEAM_MANAGER,
    "practice manager": IntervieweeRole.TEAM_MANAGER,
    "practitioner": IntervieweeRole.PRACTITIONER,
    "social worker": IntervieweeRole.PRACTITIONER,
    "social workers": IntervieweeRole.PRACTITIONER,
    "frontline practitioners": IntervieweeRole.PRACTITIONER,
    "designated nurse": IntervieweeRole.DESIGNATED_HEALTH,
    "designated doctor": IntervieweeRole.DESIGNATED_HEALTH,
    "designated professional": IntervieweeRole.DESIGNATED_HEALTH,
    "named nurse": IntervieweeRole.DESIGNATED_HEALTH,
    "named doctor": IntervieweeRole.DESIGNATED_HEALTH,
    "police": IntervieweeRole.POLICE_LEAD,
    "detective inspector": IntervieweeRole.POLICE_LEAD,
    "public protection lead": IntervieweeRole.POLICE_LEAD,
    "head teacher": IntervieweeRole.SCHOOL_LEADER,
    "headteacher": IntervieweeRole.SCHOOL_LEADER,
    "designated safeguarding lead": IntervieweeRole.SCHOOL_LEADER,
    "iro": IntervieweeRole.IRO,
    "lado": IntervieweeRole.LADO,
    "designated officer": IntervieweeRole.LADO,
}


def role_key(text: str) -> str:
    """A role's name for matching: lower case, no apostrophes, single spaces."""
    return " ".join(text.replace("'", "").replace("’", "").lower().split())


class ReviewRole(models.Model):
    """A role of the review's own, for people the national list does not name (a council's own posts)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="interviewee_roles")
    name = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), "review", name="reviewrole_unique_name_per_review"),
            models.CheckConstraint(condition=~Q(name=""), name="reviewrole_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


def match_role(text: str, own_roles: list[ReviewRole]) -> tuple[str, ReviewRole | None] | None:
    """The role a timetable or form names: a national role by its name, code or a common synonym, or one of
    the review's own roles; None when it names none of them."""
    key = role_key(text)
    for code, label in IntervieweeRole.choices:
        if key in {role_key(code), role_key(label)}:
            return code, None
    if key in ROLE_SYNONYMS:
        return ROLE_SYNONYMS[key], None
    for own in own_roles:
        if role_key(own.name) == key:
            return IntervieweeRole.OTHER, own
    return None


def allowed_role_names(own_roles: list[ReviewRole]) -> list[str]:
    """Every role name a timetable may use: the national ones, then the review's own."""
    return [label for code, label in IntervieweeRole.choices if code != IntervieweeRole.OTHER] + [
        own.name for own in own_roles
    ]


class Interviewee(models.Model):
    """Who the peers meet, by role and agency. A name is optional and shown to the organiser only."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="interviewees")
    role = models.CharField(max_length=30, choices=IntervieweeRole.choices)
    review_role = models.ForeignKey(
        ReviewRole,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviewees",
        help_text="A role of the review's own; the role is then “Other”.",
    )
    agency = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, blank=True, help_text="Optional; only the organiser sees it.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(review_role__isnull=True) | Q(role="other"), name="interviewee_own_role_is_other"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_label}, {self.agency}"

    @property
    def role_label(self) -> str:
        return self.review_role.name if self.review_role_id else self.get_role_display()


class SessionNote(models.Model):
    """A peer's notes from a session, on one line of enquiry or (line empty) general notes. Peer-side material."""

    evidence_label_related = ("session", "line")  # what __str__ reads, loaded with it when it is evidence

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(LineOfEnquiry, on_delete=models.CASCADE, null=True, blank=True, related_name="notes")
    text = models.TextField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author", "line"],
                condition=Q(line__isnull=False),
                name="note_one_per_author_and_line",
            ),
            models.UniqueConstraint(
                fields=["session", "author"], condition=Q(line__isnull=True), name="note_one_general_per_author"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="note_text_not_empty"),
        ]

    def __str__(self) -> str:
        about = self.line.text if self.line_id else "general notes"
        return f"Notes from {self.session.title}: {about}"

    def get_absolute_url(self) -> str:
        return reverse("interviews:notes", args=[self.session.review_id, self.session_id])

    @property
    def review_id(self) -> int:
        return self.session.review_id
