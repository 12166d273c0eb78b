from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.urls import reverse

from . import permissions, scope, search, stages
from .form_errors import NamedErrors, choose_from_list
from .models import (
    MAX_EXPECTED_RESPONSES,
    MAX_PRACTITIONERS,
    Commitment,
    EvidenceDocument,
    Finding,
    FocusArea,
    Partner,
    PlanningMeeting,
    PlanningMember,
    Review,
    ReviewMembership,
    ScopeArea,
    Theme,
)
from .params import filters_querystring
from .uploads import ACCEPTED, DetectedFile, validate_upload
from .versioning import VersionedForm
from .widgets import DATE_HINT, DateInput, invalid_date


def posting_to(form: forms.Form, url_name: str, *args) -> forms.Form:
    """Point a crispy form at the URL it posts to, for a form shown on another page."""
    form.helper.form_action = reverse(url_name, args=args)
    return form


class FindingForm(NamedErrors, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Finding
        fields = ["summary", "kind", "theme", "scope_area", "focus_areas", "stage", "detail", "status"]
        labels = {
            "summary": "Summary",
            "kind": "Kind of finding",
            "scope_area": "Scope area (optional)",
            "focus_areas": "Focus areas and specific circumstances (optional)",
            "stage": "Stage that raised it",
            "detail": "Detail (optional)",
        }
        help_texts = {"summary": "One sentence the council will read, such as “Thresholds are well understood”."}
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "detail": forms.Textarea(attrs={"rows": 6}),
            "focus_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, review: Review, membership: ReviewMembership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.instance.review = review
        # Every theme is offered to validation so that one from another framework gets a clear message.
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["theme"].error_messages["invalid_choice"] = "Choose a theme that exists."
        self.fields["scope_area"].queryset = ScopeArea.objects.all()
        self.fields["focus_areas"].queryset = FocusArea.objects.all()
        self.fields["focus_areas"].help_text = "Tick every one the finding bears on."
        self.fields["focus_areas"].error_messages["invalid_choice"] = "Choose focus areas and circumstances that exist."
        self.fields["theme"].choices = [("", "Choose a theme")] + [
            (theme.pk, theme.name) for theme in review.framework.themes.order_by("order")
        ]
        self.fields["scope_area"].choices = [("", "None")] + [
            (area.pk, str(area)) for area in scope.scope_areas(review)
        ]
        self.fields["focus_areas"].choices = [
            (area.pk, f"{area.get_kind_display()}: {area.title}") for area in scope.focus_areas(review)
        ]
        self.fields["stage"] = forms.ChoiceField(
            label="Stage that raised it", choices=stages.choices(), initial=stages.GENERAL
        )
        self.fields["kind"].choices = Finding.Kind.choices
        if permissions.can_agree_findings(membership):
            self.fields["status"].choices = Finding.Status.choices
        else:
            del self.fields["status"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        fields = [
            Field.text("summary"),
            Field.radios("kind", inline=True),
            "theme",
            "scope_area",
            Field.checkboxes("focus_areas", small=True),
            "stage",
        ]
        fields.append(Field.textarea("detail"))
        if "status" in self.fields:
            fields.append(Field.radios("status", inline=True))
        fields += ["version", Submit("save", "Save finding")]
        self.helper.layout = Layout(*fields)

    def clean_theme(self) -> Theme:
        theme = self.cleaned_data["theme"]
        if theme.framework_id != self.review.framework_id:
            raise forms.ValidationError("Choose a theme of this review's framework.")
        return theme

    def clean_scope_area(self) -> ScopeArea | None:
        area = self.cleaned_data.get("scope_area")
        # A finding keeps the area it already had, even if the review has since left it out.
        if area is not None and area.pk != self.instance.scope_area_id and not scope.in_scope(self.review, area):
            raise forms.ValidationError("Choose a scope area in this review's scope.")
        return area

    def clean_focus_areas(self) -> list[FocusArea]:
        return scope.focus_areas_allowed(self.review, self.cleaned_data.get("focus_areas"), self.instance)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk:
            submitted = cleaned.get("version")
            if submitted is None or submitted != self.instance.version:
                editor = self.instance.history.first()
                who = editor.history_user if editor and editor.history_user else "someone else"
                raise forms.ValidationError(
                    f"This finding was changed by {who} after you opened it, so your changes have not been saved. "
                    "Open the finding again to see the latest version, then make your changes."
                )
        return cleaned


class FindingFilterForm(NamedErrors, forms.Form):
    q = forms.CharField(
        label="Search the findings",
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        help_text="Words from the summary or detail, such as “strategy meeting”.",
        error_messages={"max_length": f"Search for at most {search.MAX_QUERY_LENGTH} characters."},
    )
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False, empty_label="All themes")
    kind = forms.ChoiceField(choices=[("", "All kinds")] + Finding.Kind.choices, required=False)
    stage = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=[("", "All statuses")] + Finding.Status.choices, required=False)
    scope_area = forms.ModelChoiceField(
        queryset=ScopeArea.objects.none(), required=False, empty_label="All scope areas"
    )
    focus_area = forms.ModelChoiceField(
        queryset=FocusArea.objects.none(), required=False, empty_label="All focus areas"
    )
    circumstance = forms.ModelChoiceField(
        queryset=FocusArea.objects.none(),
        required=False,
        empty_label="All circumstances",
        label="Specific circumstance",
    )

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = review.framework.themes.order_by("order")
        self.fields["stage"].choices = [("", "All stages")] + stages.choices()
        # Every area the review covers, and every one its findings already carry (an area left out later).
        areas = scope.focus_areas(review, with_excluded=True)
        self.fields["scope_area"].queryset = scope.scope_areas(review, with_excluded=True)
        self.fields["focus_area"].queryset = areas.filter(kind=FocusArea.Kind.FOCUS)
        self.fields["circumstance"].queryset = areas.filter(kind=FocusArea.Kind.CIRCUMSTANCE)
        choose_from_list(
            self,
            {
                "theme": "a theme of this review",
                "scope_area": "a scope area of this review",
                "focus_area": "a focus area of this review",
                "circumstance": "a specific circumstance of this review",
            },
        )

    def clean_q(self) -> str:
        return search.clean_query(self.cleaned_data.get("q"))

    def apply(self, findings):
        data = self.cleaned_data
        for name in ("theme", "scope_area", "kind", "stage", "status"):
            if data.get(name):
                findings = findings.filter(**{name: data[name]})
        for name in ("focus_area", "circumstance"):
            if data.get(name):
                findings = findings.filter(focus_areas=data[name])
        if data.get("q"):
            findings = search.search_text(findings, ["summary", "detail"], data["q"])
        return findings

    def querystring(self) -> str:
        return filters_querystring(self)


class _UploadField(forms.FileField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label="File",
            help_text=f"Choose {ACCEPTED}.",
            error_messages={"required": "Choose a file to upload.", "empty": "The selected file is empty."},
            **kwargs,
        )


def _clean_upload(form: forms.Form) -> object:
    uploaded = form.cleaned_data["file"]
    form.detected = validate_upload(uploaded)
    return uploaded


class TableImportForm(NamedErrors, forms.Form):
    """The upload of a list for a table import; `reviews.tables` checks and reads the file itself."""

    file = forms.FileField(
        label="Upload a CSV or Excel file",
        help_text="Use the template's columns. Every row is checked; if any has an error nothing is imported.",
        error_messages={"required": "Choose a CSV or Excel file to import."},
    )

    def __init__(self, *args, submit: str = "Import", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field("file"), Submit("save", submit))


class DocumentUploadForm(NamedErrors, forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter a title for the document."},
        help_text="The name people will know it by, such as “Threshold document 2025”.",
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(
        label="Type of document",
        choices=EvidenceDocument.Kind.choices,
        initial=EvidenceDocument.Kind.OTHER,
        error_messages={"invalid_choice": "Choose a type of document from the list."},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes it supports (optional)",
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose themes that exist.", "invalid_pk_value": "Choose themes that exist."},
    )
    scope_areas = forms.ModelMultipleChoiceField(
        label="Scope areas it supports (optional)",
        queryset=ScopeArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose scope areas that exist.",
            "invalid_pk_value": "Choose scope areas that exist.",
        },
    )
    file = _UploadField()

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.detected: DetectedFile | None = None
        # Every theme and scope area is offered to validation, so one of another framework gets a clear message.
        self.fields["themes"].choices = [(theme.pk, theme.name) for theme in review.framework.themes.order_by("order")]
        self.fields["scope_areas"].choices = [(area.pk, str(area)) for area in scope.scope_areas(review)]
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("description"),
            "kind",
            Field.checkboxes("themes", small=True),
            Field.checkboxes("scope_areas", small=True),
            "file",
            Submit("upload", "Upload document"),
        )

    def clean_themes(self) -> list[Theme]:
        themes = list(self.cleaned_data["themes"])
        if any(theme.framework_id != self.review.framework_id for theme in themes):
            raise forms.ValidationError("Choose themes of this review's framework.")
        return themes

    def clean_scope_areas(self) -> list[ScopeArea]:
        areas = list(self.cleaned_data["scope_areas"])
        if not all(scope.in_scope(self.review, area) for area in areas):
            raise forms.ValidationError("Choose scope areas in this review's scope.")
        return areas

    def clean_file(self) -> object:
        return _clean_upload(self)


class DocumentReplaceForm(NamedErrors, forms.Form):
    file = _UploadField()

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.detected: DetectedFile | None = None
        self.fields["file"].label = "New version of the file"
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            "file", Submit("replace", "Upload new version", css_class="govuk-button--secondary")
        )

    def clean_file(self) -> object:
        return _clean_upload(self)


class DocumentFilterForm(NamedErrors, forms.Form):
    q = forms.CharField(label="Title contains", required=False, max_length=200)
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False, empty_label="All themes")
    scope_area = forms.ModelChoiceField(
        queryset=ScopeArea.objects.none(), required=False, empty_label="All scope areas"
    )
    kind = forms.ChoiceField(label="Type", choices=[("", "All types")] + EvidenceDocument.Kind.choices, required=False)

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = review.framework.themes.order_by("order")
        self.fields["scope_area"].queryset = scope.scope_areas(review)

    def apply(self, documents):
        data = self.cleaned_data
        if data.get("q"):
            documents = documents.filter(title__icontains=data["q"])
        if data.get("theme"):
            documents = documents.filter(themes=data["theme"])
        if data.get("scope_area"):
            documents = documents.filter(scope_areas=data["scope_area"])
        if data.get("kind"):
            documents = documents.filter(kind=data["kind"])
        return documents

    def querystring(self) -> str:
        return filters_querystring(self)


class LoginForm(NamedErrors, AuthenticationForm):
    error_messages = {
        # The same words whether or not the account exists.
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "Enter a correct username and password. Both are case-sensitive.",
    }


class PasswordForm(NamedErrors, PasswordChangeForm):
    pass


# The planning group and partners' commitments


def _partner_field(review: Review, *, required: bool, label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=review.council.partners.order_by("name"),
        required=required,
        label=label,
        empty_label=f"The council ({review.council.name})" if not required else "Choose an agency",
        error_messages={
            "invalid_choice": "Choose one of the council's own partner agencies.",
            "required": "Choose the partner agency.",
        },
    )


def _count_field(label: str, what: str, maximum: int, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        required=required,
        help_text=f"A whole number from 0 to {maximum}." + (" Leave empty if not known." if not required else ""),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the number of {what}, or 0.",
            "invalid": f"Enter the number of {what} as a whole number, such as 4.",
            "min_value": f"The number of {what} cannot be negative.",
            "max_value": f"The number of {what} must be {maximum} or fewer.",
        },
    )


class PlanningMemberForm(VersionedForm):
    what = "member of the planning group"

    class Meta:
        model = PlanningMember
        fields = ["role", "partner", "name", "email"]
        labels = {"role": "Role", "name": "Name (optional)", "email": "Email (optional)"}
        help_texts = {"name": "A member may be recorded by role and agency only."}
        error_messages = {
            "role": {"required": "Enter the member's role, such as Chair."},
            "email": {"invalid": "Enter an email address in the right format, such as name@example.org."},
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.fields["partner"] = _partner_field(review, required=False, label="Agency")
        self.fields["partner"].help_text = "Leave as the council for a member who does not represent a partner."
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.attrs = {"novalidate": True}  # errors come from the server, in the error summary
        self.helper.layout = Layout(
            Field.text("role"),
            "partner",
            Field.text("name"),
            Field.text("email"),
            "version",
            Submit("save", "Save member"),
        )


class PlanningMeetingForm(VersionedForm):
    what = "planning group meeting"

    class Meta:
        model = PlanningMeeting
        fields = ["held_on", "note"]
        labels = {"held_on": "Date of the meeting", "note": "Agenda or note (optional)"}
        help_texts = {"held_on": DATE_HINT}
        widgets = {
            "held_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "held_on": {
                "required": "Enter the date of the meeting.",
                "invalid": invalid_date("the date of the meeting"),
            }
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.attrs = {"novalidate": True}  # errors come from the server, in the error summary
        self.helper.layout = Layout(
            "held_on",
            Field.textarea("note"),
            "version",
            Submit("save", "Save meeting" if self.instance.pk else "Add meeting"),
        )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if (
            PlanningMeeting.objects.filter(review=self.instance.review, held_on=day)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(f"A meeting on {day:%-d %B %Y} is already recorded.")
        return day


class CommitmentForm(VersionedForm):
    what = "commitment"

    mapping_practitioners = _count_field(
        "Practitioners for case mapping", "practitioners for case mapping", MAX_PRACTITIONERS
    )
    focus_group_practitioners = _count_field(
        "Practitioners for focus groups", "practitioners for focus groups", MAX_PRACTITIONERS
    )
    expected_responses = _count_field(
        "Questionnaire responses expected (optional)",
        "expected questionnaire responses",
        MAX_EXPECTED_RESPONSES,
        required=False,
    )

    class Meta:
        model = Commitment
        fields = [
            "partner",
            "mapping_practitioners",
            "focus_group_practitioners",
            "distributes_questionnaire",
            "expected_responses",
            "contact_name",
            "contact_role",
            "contact_email",
            "note",
        ]
        labels = {
            "distributes_questionnaire": "The agency distributes the partners' questionnaire to its staff",
            "contact_name": "Contact's name (optional)",
            "contact_role": "Contact's role (optional)",
            "contact_email": "Contact's email (optional)",
            "note": "Note (optional)",
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "contact_email": {"invalid": "Enter the contact's email in the right format, such as name@example.org."}
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.fields["partner"] = _partner_field(review, required=True, label="Agency")
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.attrs = {"novalidate": True}  # errors come from the server, in the error summary
        self.helper.layout = Layout(
            "partner",
            Field.text("mapping_practitioners"),
            Field.text("focus_group_practitioners"),
            Field.checkbox("distributes_questionnaire"),
            Field.text("expected_responses"),
            Field.text("contact_name"),
            Field.text("contact_role"),
            Field.text("contact_email"),
            Field.textarea("note"),
            "version",
            Submit("save", "Save commitment"),
        )

    def clean_partner(self) -> Partner:
        partner = self.cleaned_data["partner"]
        taken = Commitment.objects.filter(review=self.instance.review, partner=partner).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"{partner.name} has already made a commitment: change that one instead.")
        return partner


class PreviousReviewForm(VersionedForm):
    """The earlier review of the same council that this review is compared with; the model re-checks the choice."""

    what = "review's comparison"

    class Meta:
        model = Review
        fields = ["previous_review"]
        labels = {"previous_review": "Earlier review of the council"}
        help_texts = {
            "previous_review": "Members of this review will see totals and shares from it, never its cases or notes."
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["previous_review"]
        field.queryset = (
            Review.objects.filter(council_id=self.instance.council_id)
            .exclude(pk=self.instance.pk)
            .order_by("-onsite_start", "title")
        )
        field.empty_label = "None: do not compare with an earlier review"
        field.error_messages["invalid_choice"] = "Choose an earlier review of this council from the list."
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field.select("previous_review"), "version", Submit("save", "Save"))
