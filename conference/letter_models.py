"""The feedback letter: templates of its wording, the letter of a review, its versions and comments (this app's
models, imported into conference.models)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models import Review

# Wording in a letter template is rendered by an engine that can load nothing: no template files, no tag libraries
# beyond Django's built-in ones, and a context of plain strings and numbers, autoescaped.
WORDING_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=True)


def render_wording(text: str, context: dict) -> str:
    """Template wording rendered with `context`; the result is escaped text, not markup."""
    return WORDING_ENGINE.from_string(text).render(Context(context, autoescape=True))


class LetterTemplateQuerySet(models.QuerySet):
    def current(self) -> "LetterTemplate | None":
        return self.filter(is_current=True).first()


class LetterTemplate(models.Model):
    """The programme's wording of each part of the feedback letter, edited in admin.

    Each part is plain English; a blank line starts a new paragraph. Placeholders in Django's template syntax
    name the review: {{ council }}, {{ review }}, {{ addressee.name }}, {{ addressee.role }}, {{ lead.name }},
    {{ lead.role }}, {{ lead.organisation }}, {{ dates.onsite_start }}, {{ dates.onsite_end }},
    {{ dates.conference }}, {{ dates.today }}, {{ strength_count }}, {{ area_count }}, {{ priority_count }}
    and {{ case_count }}. The lists (scope, findings, priorities) are added after each part's wording. The wording
    may use the letter's own formatting (bold, italic, links); anything else is removed when the draft is made.
    """

    PARTS = (
        "salutation",
        "opening",
        "scope_heading",
        "scope",
        "work_heading",
        "work",
        "strengths_heading",
        "strengths",
        "areas_heading",
        "areas",
        "priorities_heading",
        "priorities",
        "next_steps_heading",
        "next_steps",
        "sign_off",
    )

    name = models.CharField(max_length=200, unique=True)
    is_current = models.BooleanField(
        "current", default=False, help_text="New drafts of letters are written from the current template."
    )
    salutation = models.CharField(max_length=300, default="Dear {{ addressee.name }},")
    opening = models.TextField(help_text="Thanks and the purpose of the letter.")
    scope_heading = models.CharField(max_length=200, default="The scope of the review")
    scope = models.TextField(help_text="Followed by the scope areas, focus areas and specific circumstances.")
    work_heading = models.CharField(max_length=200, default="What the team did")
    work = models.TextField(help_text="Followed by what each stage of the review did.")
    strengths_heading = models.CharField(max_length=200, default="Key strengths")
    strengths = models.TextField(help_text="Followed by the agreed strengths, by theme.")
    areas_heading = models.CharField(max_length=200, default="Areas for consideration")
    areas = models.TextField(help_text="Followed by the agreed areas for consideration, by theme.")
    priorities_heading = models.CharField(max_length=200, default="Priorities")
    priorities = models.TextField(help_text="Followed by the priorities the conference agreed, in order.")
    next_steps_heading = models.CharField(max_length=200, default="Next steps")
    next_steps = models.TextField()
    sign_off = models.TextField(
        default="Yours sincerely,\n{{ lead.name }}\n{{ lead.role }}",
        help_text="Each line on its own line; the lead's name and role come from the review.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="lettertemplate_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for part in self.PARTS:
            try:
                WORDING_ENGINE.from_string(getattr(self, part) or "")
            except TemplateSyntaxError as error:
                errors[part] = f"This wording has a placeholder Django cannot read: {error}"
        if errors:
            raise ValidationError(errors)


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared for factual accuracy"
        PUBLISHED = "published", "Published"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="letter")
    addressee_name = models.CharField("addressee's name", max_length=200, blank=True)
    addressee_role = models.CharField(
        "addressee's role", max_length=200, blank=True, help_text="For example, Director of Children's Services."
    )
    body = models.TextField(
        help_text="HTML limited to headings, paragraphs, lists, bold, italic and links; sanitised on every save."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="letter_published_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="shared") | Q(shared_at__isnull=False), name="letter_shared_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Letter – {self.review}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_shared(self) -> bool:
        return self.status == self.Status.SHARED

    @property
    def addressee(self) -> str:
        return ", ".join(part for part in [self.addressee_name, self.addressee_role] if part)

    def blocks(self) -> list[str]:
        """The body's top-level blocks (headings, paragraphs, lists), numbered from 1 by their place."""
        from reviews import richtext  # the sanitiser loads when a letter is read, not with the models

        return richtext.blocks(self.body)


class LetterVersion(models.Model):
    """Every state the letter's text has been in: a row for each version, kept when the letter changes."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    status = models.CharField("status at the time", max_length=10, choices=Letter.Status.choices)
    event = models.CharField(max_length=200, help_text="What made this version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="letterversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.letter}"

    def get_absolute_url(self) -> str:
        return reverse("conference:letter_version", args=[self.letter.review_id, self.number])


class LetterComment(models.Model):
    """The sponsor's comment on one paragraph of the shared draft, and how the lead resolved it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.PositiveIntegerField(help_text="The paragraph's number in the version commented on.")
    version = models.PositiveIntegerField(help_text="The version of the letter commented on.")
    quoted = models.TextField(help_text="The paragraph as it read when the comment was made.")
    text = models.TextField("comment")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True, help_text="The reason for declining, or a note on the change made.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_in_version = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="lettercomment_text_not_empty"),
            models.CheckConstraint(condition=Q(paragraph__gte=1), name="lettercomment_paragraph_positive"),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="lettercomment_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(response=""), name="lettercomment_declined_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on paragraph {self.paragraph} of {self.letter}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
