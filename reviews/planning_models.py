"""The planning group, its meetings and what each partner agency commits to the review (this app's models,
imported into reviews.models)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .validators import review_date_validator

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

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="planning_members")
    role = models.CharField(max_length=120, help_text="Such as Chair, Business manager or Designated nurse.")
    partner = models.ForeignKey(
        "reviews.Partner",
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
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="planning_meetings")
    held_on = models.DateField("date", validators=[review_date_validator])
    note = models.TextField("agenda or note", blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "held_on"], name="planningmeeting_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"Planning group meeting on {self.held_on:%-d %B %Y}"


class Commitment(models.Model):
    """What one partner agency commits to the review: staff time for mapping and focus groups, the questionnaire."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(
        "reviews.Partner", on_delete=models.PROTECT, related_name="commitments", verbose_name="agency"
    )
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
