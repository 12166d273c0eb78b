from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from reviews.choice_fields import ListedChoiceField
from reviews.form_errors import NamedErrors
from reviews.models import Case, Grade, Review, Role
from reviews.people import label_people, members
from reviews.permissions import PEER_WRITERS
from reviews.pseudonyms import check_free_text
from reviews.validators import check_has_happened, review_date_validator
from reviews.widgets import DATE_HINT

from .models import AuditTool, CouncilAudit, Validation
from .services import domains


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


def _grades(tool: AuditTool) -> list[Grade]:
    """The tool's grades, loaded once for every grade field of a form."""
    return list(Grade.objects.filter(scale=tool.grade_scale).order_by("rank"))


def _grade_field(grades: list[Grade], label: str, help_text: str = "") -> ListedChoiceField:
    return ListedChoiceField(
        grades,
        label=label,
        help_text=help_text,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": f"Choose a grade for {label.lower()}.",
            "invalid_choice": f"Choose one of the grades listed for {label.lower()}.",
        },
    )


class _GradesMixin:
    def _add_grades(self, tool: AuditTool) -> list[str]:
        names = []
        grades = _grades(tool)
        for domain in domains(tool):
            name = f"domain_{domain.pk}"
            self.fields[name] = _grade_field(grades, domain.name, " ".join(domain.questions()))
            names.append(name)
        self.fields["overall_grade"] = _grade_field(grades, "Overall grade")
        return names

    def domain_grades(self) -> dict:
        return {domain: self.cleaned_data[f"domain_{domain.pk}"] for domain in domains(self.tool)}


class CouncilAuditForm(NamedErrors, _GradesMixin, forms.Form):
    case = forms.ModelChoiceField(queryset=Case.objects.none(), error_messages={"required": "Choose the case."})
    auditor_role = forms.CharField(label="Auditor's role", max_length=120)
    auditor_team = forms.CharField(label="Auditor's team", max_length=120)
    audit_date = forms.DateField(label="Audit date", help_text=DATE_HINT, validators=[review_date_validator])

    def __init__(self, *args, review: Review, tool: AuditTool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review, self.tool = review, tool
        self.fields["case"].queryset = review.cases.exclude(council_audits__isnull=False).order_by("reference")
        names = self._add_grades(tool)
        self.fields["narrative"] = forms.CharField(
            widget=forms.Textarea, error_messages={"required": "Enter the narrative."}
        )
        fixed = ["case", "auditor_role", "auditor_team", "audit_date"]
        self.helper = _helper(
            *(Field(name) for name in fixed),
            *(Field.radios(name, inline=True) for name in names + ["overall_grade"]),
            Field("narrative"),
            submit="Save the council's audit",
        )

    def clean_audit_date(self):
        day = self.cleaned_data["audit_date"]
        try:
            check_has_happened(day, what="A council audit", done="done")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return day

    def clean(self):
        data = super().clean()
        if data.get("narrative"):
            try:
                check_free_text(data["narrative"])
            except forms.ValidationError as error:
                self.add_error("narrative", error)
        return data


class AssignForm(NamedErrors, forms.Form):
    audit = forms.ModelChoiceField(
        queryset=CouncilAudit.objects.none(),
        label="Council audit",
        error_messages={
            "required": "Choose an audited case.",
            "invalid_choice": "Choose an audited case of this review not yet in the sample.",
        },
    )
    auditor = forms.ModelChoiceField(
        queryset=None,
        label="Who regrades it",
        help_text="Any member of the peer team: a case auditor, a peer, the challenge manager or the lead.",
        error_messages={
            "required": "Choose who regrades the case.",
            "invalid_choice": "Choose a member of this review's peer team (an observer or the council cannot regrade).",
        },
    )

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audit"].queryset = (
            CouncilAudit.objects.filter(review=review, validation__isnull=True)
            .select_related("case")
            .order_by("case__reference")
        )
        self.fields["audit"].label_from_instance = lambda audit: f"Case {audit.case.reference}"
        self.fields["auditor"].queryset = members(review, PEER_WRITERS)
        label_people(self.fields["auditor"])
        self.helper = _helper(Field("audit"), Field("auditor"), submit="Add to the sample")


class DrawForm(NamedErrors, forms.Form):
    size = forms.IntegerField(label="How many cases", min_value=1, max_value=500)
    seed = forms.IntegerField(
        label="Seed", min_value=0, max_value=2**31 - 1, help_text="Record it: the same seed draws the same cases again."
    )
    auditors = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Share the drawn cases among",
        help_text="Cases go to each in turn. A small team can share them among peers and the lead.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one member of the peer team to regrade the drawn cases.",
            "invalid_choice": "Choose members of this review's peer team (an observer or the council cannot regrade).",
        },
    )

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditors"].queryset = members(review, PEER_WRITERS)
        self.fields["auditors"].initial = list(members(review, [Role.CASE_AUDITOR]).values_list("pk", flat=True))
        label_people(self.fields["auditors"])
        self.helper = _helper(
            Field("size", css_class="govuk-input--width-4"),
            Field("seed", css_class="govuk-input--width-10"),
            Field.checkboxes("auditors", small=True),
            submit="Draw the sample",
        )


class RegradeForm(NamedErrors, _GradesMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, tool: AuditTool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tool = tool
        names = self._add_grades(tool)
        self.fields["narrative"] = forms.CharField(
            label="Your analysis",
            widget=forms.Textarea,
            error_messages={"required": "Enter your analysis of the case."},
        )
        self.helper = _helper(
            Field("version"),
            *(Field.radios(name) for name in names + ["overall_grade"]),
            Field("narrative"),
            submit="Submit my grades",
        )


class ModerationForm(NamedErrors, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, validation: Validation, rows: list[dict], tool: AuditTool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if not row["exact"]]
        names = []
        grades = _grades(tool)
        for row in self.rows:
            name = f"agreed_{row['key']}"
            self.fields[name] = _grade_field(grades, f"Agreed grade: {row['label']}")
            self.fields[name].help_text = f"Council: {row['council']}. Peer: {row['peer']}."
            if row["agreed"]:
                self.fields[name].initial = row["agreed"].pk
            names.append(name)
        self.fields["rationale"] = forms.CharField(
            widget=forms.Textarea,
            error_messages={"required": "Enter the rationale for the agreed grades."},
            help_text="Why these grades were agreed; kept with the history of grades.",
        )
        self.helper = _helper(
            Field("version"),
            *(Field.radios(name, inline=True) for name in names),
            Field("rationale"),
            submit="Save the moderation",
        )

    def agreed(self) -> tuple[dict, object]:
        agreed, overall = {}, None
        for row in self.rows:
            grade = self.cleaned_data[f"agreed_{row['key']}"]
            if row["domain"] is None:
                overall = grade
            else:
                agreed[row["domain"].pk] = grade
        return agreed, overall


class ModeratorForm(NamedErrors, forms.Form):
    moderator = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Named moderator",
        help_text="Leave empty for the lead alone.",
        error_messages={"invalid_choice": "Choose a peer writer of this review."},
    )

    def __init__(self, *args, review: Review, auditor=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Moderation is a second pair of eyes: never the case auditor who regraded the case.
        self.fields["moderator"].queryset = members(review, [Role.LEAD, Role.CHALLENGE_MANAGER, Role.PEER]).exclude(
            pk=getattr(auditor, "pk", None)
        )
        self.fields["moderator"].error_messages["invalid_choice"] = (
            "Choose a peer writer of this review other than the case auditor who regraded the case."
        )
        label_people(self.fields["moderator"])
        self.helper = _helper(Field("moderator"), submit="Name the moderator")


class RaiseFindingForm(NamedErrors, forms.ModelForm):
    class Meta:
        from reviews.models import Finding

        model = Finding
        fields = ["theme", "kind", "summary", "detail"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.instance.stage = "audits"
        self.fields["theme"].queryset = review.framework.themes.order_by("order")
        self.helper = _helper(
            Field("theme"), Field.radios("kind"), Field("summary"), Field("detail"), submit="Raise the finding"
        )
