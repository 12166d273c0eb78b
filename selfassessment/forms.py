from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model

from reviews import permissions
from reviews.forms import FindingForm
from reviews.models import EvidenceDocument, Grade, Review
from reviews.models import ReviewMembership as Membership

from .models import DocumentRequest, Entry, PeerAnalysis


class DayField(forms.DateField):
    """A date typed as day/month/year, with messages that say what to type."""

    input_formats = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "For example, 27/03/2027")
        super().__init__(input_formats=self.input_formats, **kwargs)
        label = str(kwargs.get("label", "the date")).lower()
        self.error_messages["required"] = f"Enter the {label}."
        self.error_messages["invalid"] = f"Enter the {label} as a real date, for example 27/03/2027."


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
    """Documents of this review only; an id from another review is refused with a message on the field."""

    def __init__(self, review: Review, **kwargs) -> None:
        super().__init__(
            queryset=EvidenceDocument.objects.all(), widget=forms.CheckboxSelectMultiple, required=False, **kwargs
        )
        self.review = review
        self.choices = [(doc.pk, doc.title) for doc in review.documents.order_by("title")]
        self.error_messages["invalid_choice"] = "Choose documents that exist."
        self.error_messages["invalid_pk_value"] = "Choose documents that exist."

    def clean(self, value):
        documents = super().clean(value)
        if any(document.review_id != self.review.pk for document in documents):
            raise forms.ValidationError("Choose documents of this review only.")
        return documents


class VersionedForm(forms.ModelForm):
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


class DecisionForm(forms.Form):
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


class SetUpForm(forms.Form):
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
        return user.get_full_name() or user.get_username()


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


class StartRequestsForm(forms.Form):
    due_date = DayField(label="Due date for every request")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("due_date", field_width=10), submit="Send the standard requests")


class AttachForm(forms.Form):
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


class RequestDecisionForm(forms.Form):
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
