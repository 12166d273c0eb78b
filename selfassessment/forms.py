from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model

from reviews import permissions
from reviews.form_errors import NamedErrors
from reviews.forms import FindingForm
from reviews.models import Grade, Review
from reviews.models import ReviewMembership as Membership
from reviews.people import person_name
from reviews.validators import review_date_validator
from reviews.widgets import DATE_HINT, invalid_date

from . import services
from .models import (
    RECOMMENDATION_MAX_LENGTH,
    DocumentRequest,
    Entry,
    Inspection,
    InspectionKind,
    Judgement,
    PeerAnalysis,
    Rag,
    Recommendation,
    RecommendationPeerView,
)


class DayField(forms.DateField):
    """A date typed as day/month/year, with messages that say what to type."""

    default_validators = [review_date_validator]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(**kwargs)
        label = str(kwargs.get("label", "the date")).lower()
        self.error_messages["required"] = f"Enter the {label}."
        self.error_messages["invalid"] = invalid_date(f"the {label}")


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


class GradeChoiceField(forms.ModelChoiceField):
    """A grade of the review's scale; a grade of any other scale is refused with a message on the field."""

    def __init__(self, review: Review, **kwargs) -> None:
        super().__init__(queryset=Grade.objects.all(), widget=forms.RadioSelect, **kwargs)
        self.review = review
        self.choices = [(grade.pk, grade.label) for grade in review.grade_scale.grades.order_by("rank")]
        self.error_messages["invalid_choice"] = "Choose a grade that exists."

    def clean(self, value):
        grade = super().clean(value)
        if grade is not None and grade.scale_id != self.review.grade_scale_id:
            raise forms.ValidationError("Choose a grade from this review's grade scale.")
        return grade


class ReviewDocumentsField(forms.ModelMultipleChoiceField):
    """Documents of this review only. An id of another review gets the same message as one that does not
    exist, so the answer tells nothing about other reviews."""

    def __init__(self, review: Review, **kwargs) -> None:
        super().__init__(queryset=review.documents.all(), widget=forms.CheckboxSelectMultiple, required=False, **kwargs)
        self.choices = [(doc.pk, doc.title) for doc in review.documents.order_by("title")]
        self.error_messages["invalid_choice"] = "Choose documents that exist."
        self.error_messages["invalid_pk_value"] = "Choose documents that exist."


class VersionedForm(NamedErrors, forms.ModelForm):
    """Refuses a save when the record changed after the form was opened (the caller locks the row)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale_message = "changed by someone else after you opened it, so your changes have not been saved."

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.is_stale = False

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") != self.instance.version:
            self.is_stale = True
            record = self.instance.history.first()
            who = record.history_user if record and record.history_user else "someone else"
            raise forms.ValidationError(
                f"This was changed by {who} after you opened it, so your changes have not been saved. "
                "Both versions are shown below: copy what you need from yours, then save again."
            )
        return cleaned


class EntryForm(VersionedForm):
    class Meta:
        model = Entry
        fields = ["what_we_know", "how_we_know", "what_next", "grade", "documents"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in ["what_we_know", "how_we_know", "what_next"]}
        help_texts = {
            "what_we_know": "Your judgement of this area: what is working well and what is not.",
            "how_we_know": "The evidence behind it: audits, performance data, feedback from children and families.",
            "what_next": "What you will do next to improve.",
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"] = GradeChoiceField(review, required=False, label="Your grade for this area")
        self.fields["documents"] = ReviewDocumentsField(review, label="Evidence documents")
        self.helper = _helper(
            Field.textarea("what_we_know"),
            Field.textarea("how_we_know"),
            Field.textarea("what_next"),
            Field.radios("grade"),
            Field.checkboxes("documents"),
            "version",
            submit="Save entry",
        )


class DecisionForm(NamedErrors, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("changes", "Ask for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept or ask for changes."},
    )
    reason = forms.CharField(
        label="What should change (if asking for changes)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("decision", inline=True), Field.textarea("reason"), submit="Record decision")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "changes" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say what should change.")
        return cleaned


class PeerAnalysisForm(VersionedForm):
    class Meta:
        model = PeerAnalysis
        fields = ["commentary", "grade"]
        widgets = {"commentary": forms.Textarea(attrs={"rows": 8})}
        labels = {"commentary": "The peer team's commentary"}
        help_texts = {"commentary": "How far the evidence supports the council's judgement, and what the peers saw."}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"] = GradeChoiceField(review, required=False, label="The peer team's grade")
        self.fields["commentary"].error_messages["required"] = "Enter the peer team's commentary."
        self.helper = _helper(Field.textarea("commentary"), Field.radios("grade"), "version", submit="Save analysis")


class SetUpForm(NamedErrors, forms.Form):
    include_themes = forms.BooleanField(
        label="Also ask for a judgement on each of the five themes", required=False, initial=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.checkbox("include_themes"), submit="Set up the self assessment")


class HostMemberField(forms.ModelChoiceField):
    """A member of the council's side of this review."""

    def __init__(self, review: Review, **kwargs) -> None:
        queryset = (
            get_user_model()
            .objects.filter(review_memberships__review=review, review_memberships__role__in=permissions.HOST_SIDE)
            .order_by("first_name", "last_name", "username")
        )
        super().__init__(queryset=queryset, empty_label="Not assigned", **kwargs)
        self.error_messages["invalid_choice"] = "Choose a member of the council's team."

    def label_from_instance(self, user) -> str:
        return person_name(user)


class RequestForm(VersionedForm):
    due_date = DayField(label="Due date")

    class Meta:
        model = DocumentRequest
        fields = ["title", "description", "due_date", "assignee"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.instance.review = review
        self.fields["assignee"] = HostMemberField(review, required=False, label="Who at the council supplies it")
        self.fields["title"].error_messages["required"] = "Enter what the review needs."
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("description"),
            Field.text("due_date", field_width=10),
            Field.select("assignee"),
            "version",
            submit="Save request",
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        duplicate = DocumentRequest.objects.filter(review=self.review, title__iexact=title)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError("This review already asks for a document with this title.")
        return title


class StartRequestsForm(NamedErrors, forms.Form):
    due_date = DayField(label="Due date for every request")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("due_date", field_width=10), submit="Send the standard requests")


class AttachForm(NamedErrors, forms.Form):
    """Answer a request with documents already in the register, a new upload, or both."""

    file = forms.FileField(label="Upload a new document (optional)", required=False)

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"] = ReviewDocumentsField(review, label="Documents already in the register")
        self.helper = _helper(Field.checkboxes("documents"), Field("file"), submit="Send to the peer team")

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("documents") and not cleaned.get("file") and not self.errors:
            self.add_error("documents", "Choose at least one document for this request, or upload one.")
        return cleaned


class RequestDecisionForm(NamedErrors, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("return", "Return with a reason")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept or return the document."},
    )
    reason = forms.CharField(label="Why it is returned", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("decision", inline=True), Field.textarea("reason"), submit="Record decision")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the document is being returned.")
        return cleaned


class EntryFindingForm(FindingForm):
    """A finding raised from a self-assessment entry, with the documents it rests on."""

    def __init__(self, *args, review: Review, membership: Membership, **kwargs) -> None:
        super().__init__(*args, review=review, membership=membership, **kwargs)
        self.fields["documents"] = ReviewDocumentsField(review, label="Documents this finding rests on")
        self.fields["stage"].initial = "self-assessment"
        self.helper.layout.insert(len(self.helper.layout) - 2, Field.checkboxes("documents"))


# The last inspection and progress since it


class InspectionForm(VersionedForm):
    date = DayField(label="Date of the inspection")

    class Meta:
        model = Inspection
        fields = ["kind", "date", "reference"]

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        kinds = InspectionKind.objects.select_related("grade_scale").order_by("valid_from", "name")
        self.fields["kind"] = forms.ModelChoiceField(
            queryset=kinds,
            widget=forms.RadioSelect,
            label="Kind of inspection",
            error_messages={
                "required": "Choose the kind of inspection.",
                "invalid_choice": "Choose a kind of inspection that exists.",
            },
        )
        self.fields["kind"].label_from_instance = lambda kind: f"{kind.name} ({kind.describe_validity()})"
        self.helper = _helper(
            Field.radios("kind"), Field.text("date", field_width=10), Field.text("reference"), "version",
            submit="Save the inspection",
        )  # fmt: skip

    def clean_kind(self) -> InspectionKind:
        kind = self.cleaned_data["kind"]
        if self.instance.pk and self.instance.judgements.exclude(grade__scale=kind.grade_scale_id).exists():
            raise forms.ValidationError(
                f"The judgements already recorded are graded on the {self.instance.kind.grade_scale}; "
                "remove them before choosing a kind of inspection with another scale."
            )
        return kind


class InspectionGradeField(forms.ModelChoiceField):
    """A grade of the inspection kind's scale; a grade of any other scale is refused with a message on the field."""

    def __init__(self, inspection: Inspection, **kwargs) -> None:
        super().__init__(queryset=Grade.objects.all(), widget=forms.RadioSelect, **kwargs)
        self.scale = inspection.kind.grade_scale
        self.choices = [(grade.pk, grade.label) for grade in self.scale.grades.order_by("rank")]
        self.error_messages["required"] = "Choose the grade the inspection gave."
        self.error_messages["invalid_choice"] = "Choose a grade that exists."

    def clean(self, value):
        grade = super().clean(value)
        if grade is not None and grade.scale_id != self.scale.pk:
            raise forms.ValidationError(f"Choose a grade of the {self.scale}, the scale this inspection used.")
        return grade


class JudgementForm(VersionedForm):
    """A judgement to add, or one to change (then with the version the editor opened)."""

    class Meta:
        model = Judgement
        fields = ["area", "grade"]

    def __init__(self, *args, inspection: Inspection, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.inspection = inspection
        self.inspection = inspection
        self.fields["grade"] = InspectionGradeField(inspection, label="Grade")
        self.fields["area"].error_messages["required"] = "Enter the area the inspection judged."
        usual = inspection.kind.usual_judgement_areas()
        if not self.instance.pk:
            recorded = {area.casefold() for area in inspection.judgements.values_list("area", flat=True)}
            waiting = [area for area in usual if area.casefold() not in recorded]
            if waiting:
                self.fields["area"].initial = waiting[0]
        if usual:
            self.fields["area"].help_text = "This kind of inspection usually judges: " + "; ".join(usual) + "."
        submit = "Save the judgement" if self.instance.pk else "Add the judgement"
        self.helper = _helper(Field.text("area"), Field.radios("grade"), "version", submit=submit)

    def clean_area(self) -> str:
        area = " ".join(self.cleaned_data["area"].split())
        others = (
            self.inspection.judgements.exclude(pk=self.instance.pk) if self.instance.pk else self.inspection.judgements
        )
        if others.filter(area__iexact=area).exists():
            raise forms.ValidationError(f"This inspection already has a judgement on “{area}”.")
        return area


class RecommendationForm(VersionedForm):
    """The wording and kind of one recommendation; the council's progress is edited on its own page."""

    class Meta:
        model = Recommendation
        fields = ["kind", "text"]
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 5})}
        labels = {"kind": "This is", "text": "Wording"}
        help_texts = {"text": "As the inspection report words it."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages.update(
            required="Choose whether this is a recommendation or an area for improvement.",
            invalid_choice="Choose whether this is a recommendation or an area for improvement.",
        )
        self.fields["text"].error_messages["required"] = "Enter the wording of the recommendation."
        self.helper = _helper(
            Field.radios("kind", inline=True), Field.textarea("text"), "version", submit="Save the wording"
        )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        same = services.same_text(text)
        others = self.instance.inspection.recommendations.exclude(pk=self.instance.pk)
        for order, existing in others.values_list("order", "text"):
            if services.same_text(existing) == same:
                raise forms.ValidationError(f"Item {order} of the list already has this wording.")
        return text


MAX_PASTED_ITEMS = 200


class RecommendationImportForm(NamedErrors, forms.Form):
    """Recommendations pasted as a list, one a line; the whole list is refused if any line is unusable."""

    kind = forms.ChoiceField(
        label="These are",
        choices=Recommendation.Kind.choices,
        initial=Recommendation.Kind.RECOMMENDATION,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether these are recommendations or areas for improvement.",
            "invalid_choice": "Choose whether these are recommendations or areas for improvement.",
        },
    )
    text = forms.CharField(
        label="Paste the list",
        help_text="One item a line. Numbers and bullets at the start of a line are removed; blank lines are ignored.",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Paste at least one recommendation or area for improvement."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("kind", inline=True), Field.textarea("text"), submit="Add to the list")

    def clean_text(self) -> list[tuple[int, str]]:
        items, errors = [], []
        for number, line in enumerate(self.cleaned_data["text"].splitlines(), start=1):
            text = services.clean_pasted_line(line)
            if not text:
                continue
            if len(text) > RECOMMENDATION_MAX_LENGTH:
                errors.append(
                    f"Line {number} is {len(text):,} characters long; an item can be at most "
                    f"{RECOMMENDATION_MAX_LENGTH:,}. Shorten it or split it over two lines."
                )
            items.append((number, text))
        if errors:
            raise forms.ValidationError(errors)
        if not items:
            raise forms.ValidationError("Paste at least one recommendation or area for improvement.")
        if len(items) > MAX_PASTED_ITEMS:
            raise forms.ValidationError(f"The list has {len(items)} items; paste at most {MAX_PASTED_ITEMS} at a time.")
        return items


class RagField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Rag.choices, widget=forms.RadioSelect, **kwargs)
        self.error_messages["required"] = "Choose a status: red, amber, green or not yet assessed."
        self.error_messages["invalid_choice"] = "Choose a status: red, amber, green or not yet assessed."


class ProgressForm(VersionedForm):
    """The council's account of its progress on one recommendation."""

    class Meta:
        model = Recommendation
        fields = ["what_done", "what_changed", "rag", "documents"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in ["what_done", "what_changed"]}
        help_texts = {
            "what_done": "The actions taken since the inspection, with dates.",
            "what_changed": "The difference it has made for children and families, and how you know.",
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rag"] = RagField(label="Progress status")
        self.fields["documents"] = ReviewDocumentsField(review, label="Evidence documents")
        self.helper = _helper(
            Field.textarea("what_done"), Field.textarea("what_changed"), Field.radios("rag"),
            Field.checkboxes("documents"), "version", submit="Save progress",
        )  # fmt: skip

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("rag", Rag.NOT_ASSESSED) != Rag.NOT_ASSESSED and not cleaned.get("what_done", "").strip():
            self.add_error("what_done", "Say what the council has done before giving a progress status.")
        return cleaned


class PeerViewForm(VersionedForm):
    class Meta:
        model = RecommendationPeerView
        fields = ["rag", "commentary"]
        widgets = {"commentary": forms.Textarea(attrs={"rows": 6})}
        labels = {"commentary": "The peer team's commentary"}
        help_texts = {"commentary": "How far the evidence supports the council's account of its progress."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rag"] = RagField(label="The peer team's status")
        self.fields["commentary"].error_messages["required"] = "Enter the peer team's commentary."
        self.helper = _helper(
            Field.radios("rag"), Field.textarea("commentary"), "version", submit="Save the peers' view"
        )
