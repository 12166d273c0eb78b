"""The conference: prioritisation rounds and their ballots, the letter, the improvement plan and follow-up."""

import re
import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from simple_history.models import HistoricalRecords

from reviews import signals_status
from reviews.models import Finding, Review
from reviews.validators import review_date_validator

from .letter_models import (  # noqa: F401 (their own module; this app's models)
    WORDING_ENGINE,
    Letter,
    LetterComment,
    LetterTemplate,
    LetterTemplateQuerySet,
    LetterVersion,
    render_wording,
)

# Join codes avoid letters and digits that look alike on a projected screen.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# A ballot card's code: 8 characters of the same 32-letter alphabet, 40 bits, printed as KQ7M-4XPA.
BALLOT_CODE_LENGTH = 8
BALLOT_CODE_GROUP = 4


def new_ballot_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(BALLOT_CODE_LENGTH))


def normalise_ballot_code(text: str) -> str:
    """What someone typed or scanned, as the bare code: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", text).upper()[:40]


def is_ballot_code(code: str) -> bool:
    return len(code) == BALLOT_CODE_LENGTH and all(character in CODE_ALPHABET for character in code)


def format_ballot_code(code: str) -> str:
    return "-".join(code[i : i + BALLOT_CODE_GROUP] for i in range(0, len(code), BALLOT_CODE_GROUP))


def hash_ballot_code(code: str) -> str:
    """Only a keyed hash of a card's code is stored, like a password reset token: the database alone gives no code."""
    return salted_hmac("conference.ballot-card", code, algorithm="sha256").hexdigest()


class ConferenceSettings(models.Model):
    """Per-review settings for the conference, configured in admin."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="conference_settings")
    default_points = models.PositiveSmallIntegerField(
        default=10, help_text="Points each device may allocate in a points round."
    )
    minimum_sources = models.PositiveSmallIntegerField(
        default=2, help_text="A finding resting on fewer stages than this is flagged in the triangulation view."
    )

    class Meta:
        verbose_name = "conference settings"
        verbose_name_plural = "conference settings"
        constraints = [
            models.CheckConstraint(condition=Q(default_points__gte=1), name="conference_points_positive"),
            models.CheckConstraint(condition=Q(minimum_sources__gte=1), name="conference_minimum_sources_positive"),
        ]

    def __str__(self) -> str:
        return f"Conference settings – {self.review}"


class RoundQuerySet(models.QuerySet):
    def with_ballot_count(self) -> "RoundQuerySet":
        """Each round with `ballot_count`, the ballots cast: unused and voided cards are not votes."""
        return self.annotate(ballot_count=Count("ballots", filter=Q(ballots__status=Ballot.Status.USED)))


class Round(models.Model):
    class Method(models.TextChoices):
        POINTS = "points", "Allocate points"
        RANK = "rank", "Rank the candidates"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.POINTS)
    points = models.PositiveSmallIntegerField(default=10, help_text="Points each device may allocate.")
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_join_code)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="round_unique_number_per_review"),
            models.CheckConstraint(condition=Q(points__gte=1), name="round_points_positive"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="round_closed_has_time",
            ),
            # One round open at a time per review, so the join code on the screen is never ambiguous.
            models.UniqueConstraint(fields=["review"], condition=Q(status="open"), name="round_one_open_per_review"),
        ]

    def __str__(self) -> str:
        return f"Round {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("conference:round_detail", args=[self.review_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def close(self) -> None:
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at"])


class Candidate(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="candidates")
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="candidate_title_not_empty")]

    def __str__(self) -> str:
        return self.title


class BallotQuerySet(models.QuerySet):
    def for_code(self, text: str) -> "Ballot | None":
        """The card with this code as someone typed it (any case, with or without the dash), or None."""
        code = normalise_ballot_code(text)
        if not is_ballot_code(code):
            return None
        return (
            self.select_related("round__review")
            .filter(kind=Ballot.Kind.CARD, secret_hash=hash_ballot_code(code))
            .first()
        )


class Ballot(models.Model):
    """One vote in one round: a printed card with a one-time code, or a signed-in member's own ballot.

    A card is issued unused and is used once, when its vote is cast; a member's ballot is made when they vote, one
    per member and round. Ballots of the first version were one per device, known by a hash of a cookie; they are
    kept as they were counted.
    """

    class Kind(models.TextChoices):
        CARD = "card", "Ballot card"
        MEMBER = "member", "Signed-in member"
        DEVICE = "device", "Device (before ballot cards)"

    class Status(models.TextChoices):
        UNUSED = "unused", "Unused"
        USED = "used", "Used"
        VOID = "void", "Void"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CARD)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNUSED)
    number = models.PositiveIntegerField(null=True, blank=True, help_text="The card's number in its round.")
    secret_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    cast_at = models.DateTimeField(null=True, blank=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "device_hash"], condition=~Q(device_hash=""), name="ballot_one_per_device"
            ),
            models.UniqueConstraint(
                fields=["round", "user"], condition=Q(user__isnull=False), name="ballot_one_per_member"
            ),
            models.UniqueConstraint(
                fields=["round", "number"], condition=Q(number__isnull=False), name="ballot_card_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="used", cast_at__isnull=False) | (~Q(status="used") & Q(cast_at__isnull=True)),
                name="ballot_used_has_time",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="card",
                    secret_hash__isnull=False,
                    number__isnull=False,
                    user__isnull=True,
                    device_hash="",
                )
                | Q(kind="member", status="used", secret_hash__isnull=True, device_hash="")
                | (Q(kind="device", status="used", secret_hash__isnull=True) & ~Q(device_hash="")),
                name="ballot_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.CARD:
            return f"Card {self.number} in {self.round}"
        return f"Ballot {self.pk} in {self.round}"

    @property
    def is_usable(self) -> bool:
        return (
            self.kind == self.Kind.CARD
            and self.status == self.Status.UNUSED
            and self.round.is_open
            and self.round.review.archived_at is None
        )


class Choice(models.Model):
    """Points given to a candidate, or the rank given to it (1 is first)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="choices")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "candidate"], name="choice_one_per_candidate")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.value}"


class PriorityQuerySet(models.QuerySet):
    def numbered(self) -> "PriorityQuerySet":
        """The priorities in order, each with its `number`: 1, 2, 3… within its review, by `order` and then as they
        were added, so two priorities never share a number and none is skipped. Every page, report and document
        that numbers or lists priorities takes them from here (filter before, never after: the numbers are those
        of the priorities selected)."""
        in_order = [F("order").asc(), F("pk").asc()]
        return self.annotate(number=Window(RowNumber(), partition_by=[F("review_id")], order_by=in_order)).order_by(
            "review_id", "order", "pk"
        )


class Priority(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=300)
    outcome = models.TextField("desired outcome", blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    votes = models.PositiveIntegerField(default=0, help_text="The score it had in the prioritisation round.")
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale edit is refused.")
    history = HistoricalRecords()

    objects = PriorityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "priorities"
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="priority_title_not_empty")]

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet):
    def for_review(self, review: Review) -> "ActionQuerySet":
        return self.filter(priority__review=review)

    def with_current_rag(self) -> "ActionQuerySet":
        """Each action's RAG rating and value now, by `signals_status.action_rag` and `action_value`: those of
        its latest update (latest date, then latest added), else the action's own. Two subqueries, no more."""
        latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-on", "-pk")
        return self.annotate(
            latest_rag=Coalesce(Subquery(latest.values("rag")[:1]), F("rag")),
            latest_value=Coalesce(Subquery(latest.filter(value__isnull=False).values("value")[:1]), F("current_value")),
        )

    def overdue_on(self, day: date) -> "ActionQuerySet":
        return self.filter(due_date__lt=day).exclude(status=Action.Status.DONE)


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    class RAG(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_role = models.CharField("owner's role", max_length=200, help_text="For example, Head of Early Help.")
    owner_agency = models.CharField("owner's agency", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conference_actions",
        help_text="The member who updates this action.",
    )
    due_date = models.DateField(validators=[review_date_validator])
    success_measure = models.CharField(max_length=300)
    target_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    current_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    baseline_value = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="The value at the time of the review."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG rating", max_length=10, choices=RAG.choices, default=RAG.GREEN)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="action_description_not_empty"),
            models.CheckConstraint(condition=~Q(owner_agency=""), name="action_owner_agency_not_empty"),
            models.CheckConstraint(condition=~Q(owner_role=""), name="action_owner_role_not_empty"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.Status.DONE and self.due_date < today

    @property
    def rag_now(self) -> str:
        """The RAG rating now (`signals_status.action_rag`): the latest update's, else the planned one."""
        if hasattr(self, "latest_rag"):
            return self.latest_rag
        return signals_status.action_rag(self.rag, self.updates.values_list("on", "pk", "rag"))

    @property
    def rag_now_label(self) -> str:
        return self.RAG(self.rag_now).label

    @property
    def value_now(self):
        """The value now (`signals_status.action_value`): the latest update's that gave one, else the action's."""
        if hasattr(self, "latest_value"):
            return self.latest_value
        return signals_status.action_value(self.current_value, self.updates.values_list("on", "pk", "value"))


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(default=timezone.localdate, validators=[review_date_validator])
    note = models.TextField()
    rag = models.CharField("RAG rating", max_length=10, choices=Action.RAG.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(note=""), name="action_update_note_not_empty")]

    def __str__(self) -> str:
        return f"{self.on}: {self.note[:60]}"


class Checkpoint(models.Model):
    """A follow-up check at 3 or 12 months: progress per action against the baseline."""

    class When(models.IntegerChoices):
        THREE = 3, "3 months"
        TWELVE = 12, "12 months"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="checkpoints")
    months = models.PositiveSmallIntegerField(choices=When.choices)
    held_on = models.DateField(default=timezone.localdate, validators=[review_date_validator])
    summary = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "months"], name="checkpoint_one_per_interval")]

    def __str__(self) -> str:
        return f"{self.get_months_display()} check – {self.review}"


class CheckpointEntry(models.Model):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="entries")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="checkpoint_entries")
    rag = models.CharField("RAG rating", max_length=10, choices=Action.RAG.choices)
    status = models.CharField(max_length=20, choices=Action.Status.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "checkpoint entries"
        constraints = [models.UniqueConstraint(fields=["checkpoint", "action"], name="checkpoint_entry_one_per_action")]

    def __str__(self) -> str:
        return f"{self.checkpoint}: {self.action}"
