"""Questionnaires (a library copied into reviews, answered anonymously) and focus groups with coded notes.

A response keeps no user, no address and no invitation: only the questionnaire it answers, the
segment the respondent chose, how it was given and the day. The questionnaire's link is one
token shared by everyone answering it, never one per person.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reviews import signals_status
from reviews.models import FocusArea, Partner, Review, ScopeArea, Theme
from reviews.validators import review_date_validator

# Kept in a module of their own so that this one stays short; they are the app's models all the same.
from . import concerns
from .alert_models import SafeguardingAlert, SafeguardingAlertQuerySet  # noqa: F401 (the app's models)

MAX_TEXT_ANSWER = 2000
DEFAULT_HELP_TEXT = (
    "If you do not feel safe, please talk to an adult you trust, such as a teacher or your social worker. "
    "You can call Childline free on 0800 1111, any time, day or night."
)


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    PARTNERS = "partners", "Partner agency staff"
    PARENTS = "parents", "Parents and carers"
    CHILDREN = "children", "Children and young people"


# The audiences whose people are in the review's segments (agencies and teams): staff of the council and of its
# partners. Children, young people and parents are nobody's staff, so a segment's number who could answer is
# never theirs.
SEGMENT_AUDIENCES = (Audience.STAFF, Audience.PARTNERS)
# A questionnaire whose response rate is given by segment: one of those audiences, asked which agency or team.
RATED_BY_SEGMENT = Q(ask_segment=True, audience__in=SEGMENT_AUDIENCES)


class AgeBand(models.TextChoices):
    NONE = "", "Not age-banded"
    AGE_4_7 = "4-7", "Aged 4 to 7"
    AGE_8_11 = "8-11", "Aged 8 to 11"
    AGE_11_17 = "11-17", "Aged 11 to 17"


class Questionnaire(models.Model):
    """With no review it is a library entry; `copy_to(review)` makes the review's own editable copy."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="questionnaires")
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", editable=False
    )
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    introduction = models.TextField(blank=True)
    simple_pages = models.BooleanField(
        default=False, help_text="Plain words, large targets and optional faces on scales, for children."
    )
    ask_segment = models.BooleanField(
        "ask which agency or team they are in",
        default=False,
        help_text="Offer the review's segments (agency or team) as an optional question. Never for children and "
        "young people.",
    )
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    opens_on = models.DateField(null=True, blank=True, validators=[review_date_validator])
    closes_on = models.DateField(null=True, blank=True, validators=[review_date_validator])
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save in the workspace; a stale edit is refused."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="questionnaire_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(review__isnull=False) | Q(token__isnull=True), name="questionnaire_library_has_no_link"
            ),
            models.CheckConstraint(
                condition=Q(age_band="") | Q(audience="children"), name="questionnaire_age_band_only_for_children"
            ),
            models.CheckConstraint(
                condition=Q(ask_segment=False) | ~Q(audience="children"),
                name="questionnaire_children_not_asked_segment",
                violation_error_message="Children and young people are not asked which agency or team they are in.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("focusgroups:questionnaire", args=[self.review_id, self.pk])

    def public_url(self) -> str:
        return reverse("questionnaire_answer", args=[self.token])

    def has_responses(self) -> bool:
        return self.responses.exists()

    @property
    def answers_about_a_child(self) -> bool:
        """Whether its answers speak of a child's own life (children's, and parents and carers'), and so are read
        for every sign of a disclosure, not only the review's own concern phrases."""
        return self.audience in {Audience.CHILDREN, Audience.PARENTS}

    @property
    def rated_by_segment(self) -> bool:
        """Whether its response rate is given by segment: staff or partners asked which agency or team they are in.
        The same rule as `RATED_BY_SEGMENT`."""
        return self.ask_segment and self.audience in SEGMENT_AUDIENCES

    def is_open(self, day=None) -> bool:
        return self.status(day) == signals_status.QUESTIONNAIRE_OPEN

    def status(self, day=None) -> "signals_status.Signal":
        """Not open yet, open or closed, by `signals_status.questionnaire_status`."""
        return signals_status.questionnaire_status(self.opens_on, self.closes_on, day or timezone.localdate())

    def closed_reason(self, day=None) -> str:
        """Why a respondent cannot answer now, for the page they see: not opened yet, opening later, or closed."""
        day = day or timezone.localdate()
        if self.opens_on is None:
            return "It has not opened yet."
        if day < self.opens_on:
            return f"It opens on {self.opens_on:%-d %B %Y}."
        if self.closes_on is not None and day > self.closes_on:
            return f"It closed on {self.closes_on:%-d %B %Y}."
        return ""

    def notice(self) -> str:
        """What the respondent is told about anonymity and optional questions, less what the introduction says."""
        if self.simple_pages:
            sentences = ["You do not have to answer every question.", "Nobody will know which answers are yours."]
        else:
            sentences = [
                "Your answers are anonymous: we do not record your name, your email or your computer's address, "
                "and every question is optional."
            ]
        said = " ".join(self.introduction.lower().split())
        return " ".join(sentence for sentence in sentences if sentence.lower() not in said)

    def copy_to(self, review: Review) -> "Questionnaire":
        """The review's own copy: sections and questions copied, themes matched by order in the review's framework."""
        themes = {theme.order: theme for theme in review.framework.themes.all()}
        copy = Questionnaire.objects.create(
            review=review,
            source=self,
            title=self.title,
            audience=self.audience,
            age_band=self.age_band,
            introduction=self.introduction,
            simple_pages=self.simple_pages,
            ask_segment=self.ask_segment and self.audience != Audience.CHILDREN,
            token=secrets.token_urlsafe(24),
        )
        for section in self.sections.prefetch_related("questions__theme").order_by("order"):
            new_section = Section.objects.create(questionnaire=copy, order=section.order, title=section.title)
            Question.objects.bulk_create(
                Question(
                    section=new_section,
                    order=question.order,
                    text=question.text,
                    kind=question.kind,
                    choices=question.choices,
                    theme=themes.get(question.theme.order) if question.theme_id else None,
                    core_key=question.core_key,
                    safety_check=question.safety_check,
                )
                for question in section.questions.all()
            )
        return copy


def _swap_with_neighbour(item: models.Model, siblings: models.QuerySet, up: bool) -> bool:
    """Swap `item`'s order with the one before (or after) it among `siblings`; False at either end.

    The caller holds a lock on the questionnaire. A spare order above all others carries one row across,
    so the unique order is never broken between the updates.
    """
    neighbour = (
        siblings.filter(order__lt=item.order).order_by("-order")
        if up
        else siblings.filter(order__gt=item.order).order_by("order")
    ).first()
    if neighbour is None:
        return False
    spare = (siblings.aggregate(top=models.Max("order"))["top"] or 0) + 1
    mine, theirs = item.order, neighbour.order
    type(item).objects.filter(pk=item.pk).update(order=spare)
    type(item).objects.filter(pk=neighbour.pk).update(order=mine)
    type(item).objects.filter(pk=item.pk).update(order=theirs)
    item.order = theirs
    return True


class Section(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["questionnaire", "order"], name="section_unique_order")]

    def __str__(self) -> str:
        return self.title

    def move(self, *, up: bool) -> bool:
        return _swap_with_neighbour(self, Section.objects.filter(questionnaire_id=self.questionnaire_id), up)

    def has_answers(self) -> bool:
        return Answer.objects.filter(question__section=self).exists()


AGREE_SCALE = [
    (5, "Strongly agree"),
    (4, "Agree"),
    (3, "Neither agree nor disagree"),
    (2, "Disagree"),
    (1, "Strongly disagree"),
]
FREQUENCY_SCALE = [(4, "Always"), (3, "More often than not"), (2, "Rarely"), (1, "Never")]
SCORE_SCALE = [(value, str(value)) for value in range(11)]
FACES = {5: "😀", 4: "🙂", 3: "😐", 2: "🙁", 1: "😢"}


class Question(models.Model):
    class Kind(models.TextChoices):
        AGREE = "agree", "Agree-disagree scale"
        FREQUENCY = "frequency", "Frequency scale"
        SCORE = "score", "Score from 0 to 10"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TEXT = "text", "Free text"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    choices = models.TextField(blank=True, help_text="For single and multiple choice: one option a line.")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions")
    core_key = models.SlugField(
        blank=True, help_text="The same key on questions of age-banded versions, so that their results compare."
    )
    safety_check = models.BooleanField(
        default=False,
        help_text="An answer at the low end of this scale means the respondent does not feel safe: "
        "they are shown who to talk to and the safeguarding lead is alerted.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="question_unique_order"),
            models.CheckConstraint(
                condition=~Q(kind__in=["single", "multiple"]) | ~Q(choices=""), name="question_choices_given"
            ),
            models.CheckConstraint(
                condition=Q(safety_check=False) | Q(kind__in=["agree", "frequency", "score"]),
                name="question_safety_check_on_scales",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def move(self, *, up: bool) -> bool:
        return _swap_with_neighbour(self, Question.objects.filter(section_id=self.section_id), up)

    def has_answers(self) -> bool:
        return self.answers.exists()

    @property
    def is_scale(self) -> bool:
        return self.kind in {self.Kind.AGREE, self.Kind.FREQUENCY, self.Kind.SCORE}

    def options(self) -> list[tuple[str, str]]:
        """The answers a respondent may give, as (stored value, label)."""
        if self.kind == self.Kind.AGREE:
            return [(str(value), label) for value, label in AGREE_SCALE]
        if self.kind == self.Kind.FREQUENCY:
            return [(str(value), label) for value, label in FREQUENCY_SCALE]
        if self.kind == self.Kind.SCORE:
            return [(str(value), label) for value, label in SCORE_SCALE]
        if self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE}:
            return [(line.strip(), line.strip()) for line in self.choices.splitlines() if line.strip()]
        return []

    def is_unsafe(self, value: int | None) -> bool:
        """The two lowest points of a scale (or 0 to 3 of a score) mean the respondent does not feel safe."""
        if not self.safety_check or value is None:
            return False
        return value <= (3 if self.kind == self.Kind.SCORE else 2)


class Segment(models.Model):
    """An agency or team respondents may say they belong to, with how many are expected to answer."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="questionnaire_segments")
    name = models.CharField(max_length=200)
    expected = models.PositiveIntegerField(null=True, blank=True, help_text="How many people could answer.")
    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_segments",
        verbose_name="partner agency",
        help_text="The council's partner agency this segment is part of, if any: its responses count for that "
        "agency in the partner engagement table.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "name"], name="segment_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.partner_id and self.review_id and self.partner.council_id != self.review.council_id:
            raise ValidationError({"partner": "Choose one of the council's own partner agencies."})


class Distribution(models.Model):
    """The questionnaire's link, emailed by a manager to a list of addresses or to a partner's contact to forward.

    Everyone is sent the same public link, never one of their own, so no response can be tied to an email.
    The emails themselves are EmailRecords about `focusgroups.distribution:<pk>`, each with how it went.
    """

    class Kind(models.TextChoices):
        DIRECT = "direct", "Emailed to each address"
        FORWARD = "forward", "Sent to a partner contact to forward"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="questionnaire_distributions")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="distributions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DIRECT)
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="partner agency"
    )
    addresses = models.TextField(help_text="The addresses it was sent to, one a line.")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(addresses=""), name="distribution_has_addresses")]

    def __str__(self) -> str:
        return f"{self.questionnaire} sent to {len(self.address_list())} address(es)"

    def address_list(self) -> list[str]:
        return [line for line in self.addresses.splitlines() if line]

    @property
    def email_topic(self) -> str:
        return f"focusgroups.distribution:{self.pk}"

    @property
    def reminder_topic(self) -> str:
        return f"focusgroups.distribution:{self.pk}:reminder"


class QuestionnaireSettings(models.Model):
    """Per review: suppression minimums, the safeguarding lead, the help text and the concern phrases."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="questionnaire_settings")
    minimum_group = models.PositiveSmallIntegerField(default=5, help_text="Smallest group whose numbers are shown.")
    minimum_text_group = models.PositiveSmallIntegerField(
        default=10, help_text="Fewest free-text answers to a question before any is shown."
    )
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    help_text = models.TextField(default=DEFAULT_HELP_TEXT)
    concern_phrases = models.TextField(
        blank=True,
        default="not safe\nunsafe\nhurt me\nhits me\nscared\nfrightened\nhurting myself",
        help_text="One a line; a free-text answer containing any of them raises a safeguarding alert.",
    )

    class Meta:
        verbose_name_plural = "questionnaire settings"
        constraints = [
            models.CheckConstraint(condition=Q(minimum_group__gte=2), name="settings_minimum_group_at_least_2"),
            models.CheckConstraint(condition=Q(minimum_text_group__gte=2), name="settings_minimum_text_at_least_2"),
        ]

    def __str__(self) -> str:
        return f"Questionnaire settings for {self.review}"

    @classmethod
    def for_review(cls, review: Review) -> "QuestionnaireSettings":
        """The review's settings, or the defaults; no query when loaded with `review__questionnaire_settings`."""
        relation = Review.questionnaire_settings.related
        if relation.is_cached(review):
            return relation.get_cached_value(review) or cls(review=review)
        found = cls.objects.filter(review=review).first()
        if found is not None:
            relation.set_cached_value(review, found)  # asked again for the same review, no query
        return found or cls(review=review)

    def phrases(self) -> list[str]:
        return [line.strip().lower() for line in self.concern_phrases.splitlines() if line.strip()]

    def concern_in(self, text: str, *, about_a_child: bool) -> str | None:
        """The words of the text that may be a disclosure (focusgroups/concerns.py), or None."""
        return concerns.concern_in(text, tuple(self.phrases()), about_a_child=about_a_child)


class Response(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", "Online, by the respondent"
        ASSISTED = "assisted", "Online, with a trusted adult"
        PAPER = "paper", "On paper, keyed in by staff"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    # The day only: a time would let a response be matched to a server log or a person seen answering.
    submitted_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.questionnaire}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True, max_length=MAX_TEXT_ANSWER)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(choice="") | ~Q(text=""), name="answer_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=10), name="answer_value_on_a_scale"
            ),
        ]
        indexes = [models.Index(fields=["question", "value"]), models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"Answer to {self.question}"

    @property
    def review_id(self) -> int | None:
        return self.question.section.questionnaire.review_id

    def label(self) -> str:
        """The answer as the respondent saw it: a scale's label ("Strongly disagree"), never its stored number."""
        if self.value is not None:
            return dict(self.question.options()).get(str(self.value), str(self.value))
        return self.choice or self.text


class FocusGroup(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="focus_groups")
    title = models.CharField(max_length=200)
    held_on = models.DateField(validators=[review_date_validator])
    audience = models.CharField(max_length=20, choices=Audience.choices)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participants = models.PositiveSmallIntegerField(
        help_text="How many took part. Never their names.", validators=[MinValueValidator(1)]
    )
    agencies = models.ManyToManyField(Partner, blank=True, related_name="+", help_text="Agencies represented.")
    consent_noted = models.BooleanField("consent noted", default=False)
    ground_rules_noted = models.BooleanField("ground rules of non-attribution agreed", default=False)
    notes = models.TextField(blank=True)
    # Two counters, so that editing the session details does not invalidate a coder's view of the notes.
    version = models.PositiveIntegerField(default=1, help_text="The notes' version, raised by every save of the notes.")
    details_version = models.PositiveIntegerField(default=1, help_text="Raised by every save of the session details.")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(participants__gte=1), name="focus_group_has_participants")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("focusgroups:group", args=[self.review_id, self.pk])


class Code(models.Model):
    """A code of the review's codebook: a theme, scope area, focus area or circumstance of the review's framework
    (seeded for every review), or the team's own code, nested under a parent and linked to at most one of them."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="codes")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    scope_area = models.ForeignKey(ScopeArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="A focus area or a specific circumstance.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "name"], name="code_unique_name"),
            models.CheckConstraint(
                condition=Q(theme__isnull=True, scope_area__isnull=True)
                | Q(theme__isnull=True, focus_area__isnull=True)
                | Q(scope_area__isnull=True, focus_area__isnull=True),
                name="code_linked_to_one_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self) -> str:
        return reverse("focusgroups:code", args=[self.review_id, self.pk])

    def clean(self) -> None:
        if self.parent_id and self.parent.review_id != self.review_id:
            raise ValidationError({"parent": "Choose a code of the same review."})


class Coding(models.Model):
    """A passage of focus-group notes or of a free-text answer, tagged with a code by one coder."""

    evidence_label_related = ("code",)  # what __str__ reads, loaded with it when it is evidence

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="codings")
    focus_group = models.ForeignKey(FocusGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="codings")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="codings")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    detached = models.BooleanField(
        default=False, help_text="The passage is no longer in the notes after an edit; kept with its quote."
    )
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="coding_passage_not_empty"),
            models.CheckConstraint(
                condition=Q(focus_group__isnull=False, answer__isnull=True)
                | Q(focus_group__isnull=True, answer__isnull=False),
                name="coding_one_source",
            ),
            models.UniqueConstraint(
                fields=["code", "focus_group", "start", "end"], name="coding_unique_passage_per_code"
            ),
        ]

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 60 else self.quote[:59] + "…"
        return f"{self.code.name}: “{quote}”"

    def get_absolute_url(self) -> str:
        return reverse("focusgroups:code", args=[self.review_id, self.code_id])
