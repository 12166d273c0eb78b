from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.db.models import Max, Min
from django.utils.html import format_html

from reviews import versioning
from reviews.compiled import Compiled
from reviews.form_errors import NamedErrors
from reviews.models import Partner, Review, Theme
from reviews.widgets import DATE_HINT, DateInput, invalid_date

from .distribution import MAX_ADDRESSES, Addresses, read_addresses
from .models import (
    FACES,
    MAX_TEXT_ANSWER,
    Audience,
    Distribution,
    Question,
    Questionnaire,
    Response,
    Section,
    Segment,
)

NOT_ON_SCALE = "Choose one of the answers given."
# A review's agencies and teams, offered with every questionnaire that asks: SQL made once a process.
_SEGMENTS = Compiled(lambda review_id: Segment.objects.filter(review_id=review_id).order_by("name"))


def form_helper(*fields, submit: str, large: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.MEDIUM if large else Size.SMALL
    helper.legend_size = Size.MEDIUM if large else Size.SMALL
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


class VersionedForm(versioning.VersionedForm):
    """Questionnaire and focus-group edits name the fields someone else changed."""

    name_differences = True


class AnswerTextField(forms.CharField):
    """Free text as the respondent wrote it, less NUL characters: invisible, and no reason to refuse a disclosure."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return super().to_python(value)


NOTHING_ANSWERED = "Answer at least one question, then send your answers. Nothing has been sent yet."


class AnswerForm(NamedErrors, forms.Form):
    """One field per question; every answer is optional, every given answer must be one of the options."""

    def __init__(
        self,
        *args,
        questionnaire: Questionnaire,
        questions: list[Question],
        keyed_in: bool = False,
        seen_before: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        layout = []
        if keyed_in:
            self.fields["mode"] = forms.ChoiceField(
                label="How was this response given?",
                choices=[(Response.Mode.PAPER, "On paper"), (Response.Mode.ASSISTED, "With a trusted adult")],
                widget=forms.RadioSelect,
            )
            layout.append(Field.radios("mode"))
        # Segments are read once, in one query, both to offer them and to check the one chosen.
        self.segments: dict[str, Segment] = {}
        if questionnaire.ask_segment:
            segments = _SEGMENTS(questionnaire.review_id)
            self.segments = {str(segment.pk): segment for segment in segments}
            if self.segments:
                self.fields["segment"] = forms.ChoiceField(
                    label="Which agency or team are you in? (optional)",
                    choices=[("", "I would rather not say")]
                    + [(pk, segment.name) for pk, segment in self.segments.items()],
                    required=False,
                    error_messages={"invalid_choice": "Choose one of the agencies or teams listed."},
                )
                layout.append("segment")
        for question in questions:
            name = f"q{question.pk}"
            options = question.options()
            if questionnaire.simple_pages and question.kind in {Question.Kind.AGREE, Question.Kind.FREQUENCY}:
                faces = FACES if question.kind == Question.Kind.AGREE else {4: "😀", 3: "🙂", 2: "🙁", 1: "😢"}
                # The face is decoration: a screen reader reads the answer's words, not "grinning face, Agree".
                options = [
                    (value, format_html('<span aria-hidden="true">{}</span> {}', faces[int(value)], label))
                    for value, label in options
                ]
            messages = {"invalid_choice": NOT_ON_SCALE}
            if question.is_scale:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text,
                    choices=options,
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages=messages,
                )
                layout.append(Field.radios(name, inline=question.kind == Question.Kind.SCORE))
            elif question.kind == Question.Kind.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=options,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages=messages,
                )
                layout.append(Field.radios(name))
            elif question.kind == Question.Kind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=question.text,
                    choices=options,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages=messages,
                )
                layout.append(Field.checkboxes(name))
            else:
                self.fields[name] = AnswerTextField(
                    label=question.text,
                    required=False,
                    max_length=MAX_TEXT_ANSWER,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"max_length": f"Keep your answer to {MAX_TEXT_ANSWER} characters or fewer."},
                )
                layout.append(Field.textarea(name))
        if seen_before:
            self.fields["again"] = forms.BooleanField(
                label="Someone else is answering on this device, or I want to send another answer",
                required=True,
                error_messages={
                    "required": "This browser has sent an answer already. Tick the box if this is another answer."
                },
            )
            layout.append(Field.checkbox("again"))
        self.helper = form_helper(*layout, submit="Send my answers", large=questionnaire.simple_pages)

    def clean_segment(self) -> Segment | None:
        return self.segments.get(self.cleaned_data["segment"])

    def clean(self) -> dict:
        cleaned = super().clean()
        # Every question is optional, but a response with no answer at all says nothing and would count as one.
        if not self.errors and all(value in (None, "", [], ()) for value in self.answers().values()):
            raise forms.ValidationError(NOTHING_ANSWERED, code="nothing_answered")
        return cleaned

    def answers(self) -> dict[Question, object]:
        return {question: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}


class QuestionnaireDatesForm(VersionedForm):
    what = "questionnaire's dates"

    class Meta:
        model = Questionnaire
        fields = ["opens_on", "closes_on", "ask_segment"]
        labels = {"opens_on": "Opens on", "closes_on": "Closes on (optional)"}
        help_texts = {"opens_on": DATE_HINT, "closes_on": DATE_HINT}
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}
        error_messages = {
            "opens_on": {"invalid": invalid_date("the date the questionnaire opens")},
            "closes_on": {"invalid": invalid_date("the date the questionnaire closes")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        asks = [Field.checkbox("ask_segment")]
        if self.instance.audience == Audience.CHILDREN:
            del self.fields["ask_segment"]  # children and young people are never asked (a database constraint)
            asks = []
        self.helper = form_helper("opens_on", "closes_on", *asks, "version", submit="Save dates")

    def clean(self) -> dict:
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date.")
        # The dates must still hold the answers already given: moving them past those would misdate them.
        received = (
            self.instance.responses.aggregate(first=Min("submitted_on"), last=Max("submitted_on"))
            if self.instance.pk
            else {"first": None, "last": None}
        )
        if opens and received["first"] and opens > received["first"]:
            self.add_error(
                "opens_on",
                f"Answers have been received since {received['first']:%-d %B %Y}, so it cannot open later than that.",
            )
        if closes and received["last"] and closes < received["last"]:
            self.add_error(
                "closes_on",
                f"Answers were received on {received['last']:%-d %B %Y}, so it cannot close before that day.",
            )
        return cleaned


class SectionForm(VersionedForm):
    what = "section"

    class Meta:
        model = Section
        fields = ["title"]
        labels = {"title": "Section title"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("title", "version", submit="Save section" if self.instance.pk else "Add section")


def _options(choices: str) -> list[str]:
    return [line.strip() for line in choices.splitlines() if line.strip()]


class QuestionForm(VersionedForm):
    """A question of a review's questionnaire, keeping the rules that let results be trusted and compared.

    Once the questionnaire has responses, the kind of answer and the choices of an existing question are
    fixed (the answers given would no longer match); its wording, theme and core key may still change.
    """

    what = "question"

    class Meta:
        model = Question
        fields = ["text", "kind", "choices", "theme", "core_key", "safety_check"]
        labels = {
            "text": "Question",
            "kind": "Kind of answer",
            "choices": "Choices (single and multiple choice only)",
            "theme": "Theme (optional)",
            "core_key": "Core key (optional)",
            "safety_check": "A low answer means the respondent does not feel safe",
        }
        help_texts = {
            "choices": "One choice a line. Scales have fixed answers, so leave this empty for them.",
            "core_key": "Give questions of the age-banded versions the same key, such as feel-safe, "
            "so that their results compare. Lower-case letters, numbers and hyphens.",
        }
        widgets = {"kind": forms.RadioSelect, "choices": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, questionnaire: Questionnaire, section: Section, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.instance.section = section
        self.locked_answers = bool(self.instance.pk) and questionnaire.has_responses()
        self.fields["kind"].choices = Question.Kind.choices
        framework_id = questionnaire.review.framework_id
        # Every theme is offered to validation so that one from another framework gets a clear message.
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["theme"].choices = [("", "No theme")] + [
            (theme.pk, theme.name) for theme in Theme.objects.filter(framework_id=framework_id).order_by("order")
        ]
        self.fields["theme"].error_messages["invalid_choice"] = "Choose one of the themes listed."
        self.fields["core_key"].error_messages["invalid"] = (
            "Enter a core key of lower-case letters, numbers and hyphens only, such as feel-safe."
        )
        self.helper = form_helper(
            Field.textarea("text", rows=2),
            Field.radios("kind"),
            Field.textarea("choices"),
            "theme",
            Field.text("core_key", field_width=Fluid.ONE_THIRD),
            Field.checkbox("safety_check"),
            "version",
            submit="Save question",
        )

    def clean_theme(self) -> Theme | None:
        theme = self.cleaned_data.get("theme")
        if theme is not None and theme.framework_id != self.questionnaire.review.framework_id:
            raise forms.ValidationError("Choose a theme of this review's framework.")
        return theme

    def clean_choices(self) -> str:
        options = _options(self.cleaned_data.get("choices", ""))
        if any(len(option) > 200 for option in options):
            raise forms.ValidationError("Keep each choice to 200 characters or fewer.")
        if len(set(options)) != len(options):
            raise forms.ValidationError("Each choice must be different: remove the repeated one.")
        return "\n".join(options)

    def clean_core_key(self) -> str:
        key = self.cleaned_data.get("core_key", "")
        if key and (
            Question.objects.filter(section__questionnaire=self.questionnaire, core_key=key)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(
                "Another question of this questionnaire has this core key: give a different one."
            )
        return key

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, choices = cleaned.get("kind"), cleaned.get("choices", "")
        if kind is None:
            return cleaned
        if self.locked_answers and (kind != self.instance.kind or _options(choices) != _options(self.instance.choices)):
            raise forms.ValidationError(
                "This questionnaire has responses, so the kind of answer and the choices of its questions cannot "
                "change: the answers already given would no longer match. You may still change the wording, the "
                "theme and the core key, or add a new question."
            )
        if "choices" not in self.errors:
            if kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
                if len(_options(choices)) < 2:
                    self.add_error(
                        "choices", "Give at least two choices, one a line, for a single or multiple choice question."
                    )
            elif choices:
                self.add_error(
                    "choices", "Leave the choices empty: a scale has fixed answers and a free-text question has none."
                )
        if cleaned.get("safety_check") and kind not in {
            Question.Kind.AGREE,
            Question.Kind.FREQUENCY,
            Question.Kind.SCORE,
        }:
            self.add_error("safety_check", "Only a scale question can check whether the respondent feels safe.")
        key = cleaned.get("core_key")
        if key and "choices" not in self.errors:
            shared = (
                Question.objects.filter(section__questionnaire__review_id=self.questionnaire.review_id, core_key=key)
                .exclude(section__questionnaire=self.questionnaire)
                .select_related("section__questionnaire")
                .first()
            )
            if shared is not None and (shared.kind != kind or _options(shared.choices) != _options(choices)):
                self.add_error(
                    "core_key",
                    f"“{shared.text}” in “{shared.section.questionnaire.title}” has this core key with a different "
                    "kind of answer or different choices. Questions that share a core key must match so that their "
                    "results compare: match them, or clear the core key.",
                )
        return cleaned


class CopyQuestionnaireForm(NamedErrors, forms.Form):
    questionnaire = forms.ModelChoiceField(
        label="Questionnaire from the library",
        queryset=Questionnaire.objects.filter(review__isnull=True).order_by("audience", "age_band", "title"),
        error_messages={"invalid_choice": "Choose a questionnaire from the library."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("questionnaire", submit="Copy into this review")


class SegmentForm(VersionedForm):
    what = "segment"

    class Meta:
        model = Segment
        fields = ["name", "expected", "partner"]
        labels = {
            "name": "Agency or team",
            "expected": "How many could answer (optional)",
            "partner": "Partner agency (optional)",
        }
        help_texts = {
            "partner": "Responses from this segment then count for the agency in the partner engagement table."
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        partner = self.fields["partner"]
        partner.queryset = Partner.objects.filter(council_id=review.council_id).order_by("name")
        partner.empty_label = "Not one of the council's partner agencies"
        partner.error_messages["invalid_choice"] = "Choose one of the council's own partner agencies."
        submit = "Save segment" if self.instance.pk else "Add segment"
        self.helper = form_helper("name", "expected", "partner", "version", submit=submit)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if Segment.objects.filter(review=self.instance.review, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("There is already a segment with this name.")
        return name


class AlertActionForm(NamedErrors, forms.Form):
    action = forms.CharField(
        label="What did you do?",
        help_text="Who you told, when, and what happens next.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter what you did about this alert."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("action"), submit="Record what I did")


class DistributionForm(NamedErrors, forms.Form):
    """The questionnaire's link to a pasted list of addresses, or to a partner contact to forward."""

    kind = forms.ChoiceField(
        label="How to send it",
        choices=[
            (Distribution.Kind.DIRECT, "Email the link to each address, to answer themselves"),
            (Distribution.Kind.FORWARD, "Email the link to a partner contact, to forward to their staff"),
        ],
        widget=forms.RadioSelect,
        initial=Distribution.Kind.DIRECT,
        error_messages={"required": "Choose how to send it.", "invalid_choice": "Choose how to send it."},
    )
    partner = forms.ModelChoiceField(
        label="Partner agency (optional when emailing each address)",
        queryset=Partner.objects.none(),
        required=False,
        empty_label="Not for one partner agency",
        error_messages={"invalid_choice": "Choose one of the council's own partner agencies."},
    )
    addresses = forms.CharField(
        label="Email addresses",
        help_text=f"One a line, or separated by commas or semicolons; at most {MAX_ADDRESSES} at a time. "
        "Everyone is sent the same link, so no answer can be tied to an address.",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=MAX_ADDRESSES * 260,
        error_messages={"required": "Enter at least one email address."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "Open the page again."})

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(council_id=review.council_id).order_by("name")
        self.helper = form_helper(
            Field.radios("kind"), "partner", Field.textarea("addresses"), "version", submit="Send the link"
        )

    def clean_addresses(self) -> Addresses:
        return read_addresses(self.cleaned_data["addresses"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("kind") == Distribution.Kind.FORWARD
            and not cleaned.get("partner")
            and "partner" not in self.errors
        ):
            self.add_error("partner", "Choose the partner agency whose contact will forward the link.")
        return cleaned
