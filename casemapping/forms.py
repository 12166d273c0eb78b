from urllib.parse import urlencode

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse

from reviews import scope
from reviews.form_errors import NamedErrors
from reviews.models import Case, FocusArea, Partner, Review, ThresholdLevel
from reviews.pseudonyms import check_case_reference, check_fields
from reviews.tables import MAX_CELL_CHARS
from reviews.validators import check_has_happened, review_date_validator
from reviews.versioning import VersionedForm
from reviews.widgets import DATE_HINT, TIME_HINT, DateInput, invalid_date

from .models import Event, EventKind, LearningPoint, Workshop
from .services import already_in_message, end_before_start, events_already_in, same_event


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


class CaseForm(NamedErrors, forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "reference",
            "age_band",
            "threshold_level",
            "legal_status",
            "cp_category",
            "has_disability",
            "specific_circumstances",
            "partners",
        ]
        labels = {"has_disability": "The child is disabled", "threshold_level": "Threshold level"}
        widgets = {
            "specific_circumstances": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.instance.review = review
        self.fields["threshold_level"].queryset = ThresholdLevel.objects.filter(council=review.council).order_by(
            "order"
        )
        self.fields["specific_circumstances"].queryset = scope.circumstances(review)
        self.fields["partners"].queryset = Partner.objects.filter(council=review.council).order_by("name")
        self.fields["partners"].label = "Partner agencies involved"
        self.fields["threshold_level"].error_messages["invalid_choice"] = (
            "Choose one of the council's own threshold levels."
        )
        for name, message in [
            ("specific_circumstances", "Choose specific circumstances from this review's framework."),
            ("partners", "Choose the council's own partner agencies."),
        ]:
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].error_messages["invalid_pk_value"] = message
        self.helper = _helper(
            Field.text("reference", field_width=10),
            "age_band",
            "threshold_level",
            "legal_status",
            "cp_category",
            Field.checkbox("has_disability"),
            Field.checkboxes("specific_circumstances", small=True),
            Field.checkboxes("partners", small=True),
            submit="Save case",
        )

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        check_case_reference(reference, self.review.council)
        if self.review.cases.filter(reference=reference).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"A case “{reference}” is already in the sample; use another reference.")
        return reference

    def clean(self) -> dict:
        cleaned = super().clean()
        status, category = cleaned.get("legal_status"), cleaned.get("cp_category")
        if status == Case.LegalStatus.CHILD_PROTECTION and not category:
            self.add_error("cp_category", "Choose the child protection category of a case on a plan.")
        elif category and status and status != Case.LegalStatus.CHILD_PROTECTION:
            self.add_error("cp_category", "Only a case on a child protection plan has a category.")
        return cleaned


class CaseEditForm(VersionedForm, CaseForm):
    """Changing a case in the sample: the checks of a new case, and a stale edit is refused naming what differs."""

    what = "case"
    name_differences = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout.fields.insert(-1, "version")


LONG_TEXTS = ("summary", "decision", "dispute_reason")


class EventForm(NamedErrors, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = [
            "date",
            "date_is_approximate",
            "time",
            "kind",
            "agency",
            "summary",
            "decision",
            "source_record",
            "threshold_level",
            "is_material",
            "is_disputed",
            "disputed_by",
            "dispute_reason",
        ]
        labels = {
            "date": "Date of the event",
            "date_is_approximate": "The date is approximate",
            "time": "Time (optional)",
            "kind": "Kind of event",
            "summary": "What happened",
            "decision": "Decision made (optional)",
            "source_record": "Source record (optional)",
            "threshold_level": "Threshold level at the time (optional)",
            "is_material": "Material to the case",
            "is_disputed": "An agency disputes this event",
            "disputed_by": "Disputed by (if disputed)",
            "dispute_reason": "Why it is disputed (if disputed)",
        }
        help_texts = {
            "date": DATE_HINT,
            "time": TIME_HINT,
            "source_record": "Which agency record it comes from, such as “police log” – not a record number "
            "that identifies the child.",
        }
        widgets = {
            "date": DateInput(),
            "time": forms.TimeInput(attrs={"type": "time"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 2}),
            "dispute_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.instance.case = case
        self.instance.review_id = case.review_id
        council = case.review.council
        self.fields["kind"].queryset = EventKind.objects.select_related("ends").order_by("order", "name")
        self.fields["agency"].queryset = Partner.objects.filter(council=council).order_by("name")
        self.fields["disputed_by"].queryset = Partner.objects.filter(council=council).order_by("name")
        self.fields["threshold_level"].queryset = ThresholdLevel.objects.filter(council=council).order_by("order")
        self.fields["kind"].error_messages["invalid_choice"] = "Choose a kind of event from the list."
        self.fields["agency"].error_messages["invalid_choice"] = "Choose one of the council's partner agencies."
        self.fields["disputed_by"].error_messages["invalid_choice"] = (
            "Choose one of the council's partner agencies as the one that disputes the event."
        )
        self.fields["threshold_level"].error_messages["invalid_choice"] = (
            "Choose one of the council's threshold levels."
        )
        self.fields["summary"].error_messages["required"] = "Say what happened."
        for name in LONG_TEXTS:  # as long as a cell of an imported chronology may be, and no longer
            self.fields[name].validators.append(MaxLengthValidator(MAX_CELL_CHARS))
            self.fields[name].error_messages["max_length"] = f"Keep this to {MAX_CELL_CHARS:,} characters or fewer."
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.helper = _helper(
            Field.text("date", field_width=10),
            Field.checkbox("date_is_approximate"),
            Field.text("time", field_width=5),
            "kind",
            "agency",
            Field.textarea("summary"),
            Field.textarea("decision"),
            Field.text("source_record"),
            "threshold_level",
            Field.checkbox("is_material"),
            Field.checkbox("is_disputed"),
            "disputed_by",
            Field.textarea("dispute_reason"),
            "version",
            submit="Save event",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        check_fields(self, "summary", "decision", "source_record", "dispute_reason")
        if cleaned.get("is_disputed"):
            if not cleaned.get("disputed_by"):
                self.add_error("disputed_by", "Choose the agency that disputes this event.")
            if not cleaned.get("dispute_reason"):
                self.add_error("dispute_reason", "Say why the event is disputed.")
        else:
            cleaned["disputed_by"] = None
            cleaned["dispute_reason"] = ""
        kind, day = cleaned.get("kind"), cleaned.get("date")
        if kind is not None and day is not None and kind.ends_id:
            starts = list(
                self.case.events.filter(kind_id=kind.ends_id)
                .exclude(pk=self.instance.pk)
                .values_list("date", flat=True)
            )
            problem = end_before_start(kind, day, starts)
            if problem:
                self.add_error("date", problem[0].upper() + problem[1:])
        agency, summary = cleaned.get("agency"), cleaned.get("summary")
        if (
            kind is not None
            and day is not None
            and agency is not None
            and summary
            and same_event(day, kind.pk, agency.pk, summary) in events_already_in(self.case, self.instance.pk)
        ):
            self.add_error(None, already_in_message(kind, day, agency))
        if self.instance.pk:
            submitted = cleaned.get("version")
            if submitted is None or submitted != self.instance.version:
                raise forms.ValidationError(
                    "Someone else changed this event after you opened it, so your changes have not been saved. "
                    "Open it again to see their changes."
                )
        return cleaned


class EventFilterForm(NamedErrors, forms.Form):
    agency = forms.ModelChoiceField(queryset=Partner.objects.none(), required=False, empty_label="All agencies")
    kind = forms.ModelChoiceField(queryset=EventKind.objects.none(), required=False, empty_label="All kinds")
    disputed = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Disputed only"), ("no", "Not disputed")], required=False
    )

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Partner.objects.filter(council=review.council).order_by("name")
        self.fields["kind"].queryset = EventKind.objects.order_by("order", "name")

    def apply(self, events):
        data = self.cleaned_data
        if data.get("agency"):
            events = events.filter(agency=data["agency"])
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("disputed") == "yes":
            events = events.filter(is_disputed=True)
        elif data.get("disputed") == "no":
            events = events.filter(is_disputed=False)
        return events

    def querystring(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        values = {key: value for key, value in self.data.items() if key in self.fields and value}
        return urlencode(values)


class CaseFilterForm(NamedErrors, forms.Form):
    threshold_level = forms.ModelChoiceField(
        queryset=ThresholdLevel.objects.none(), required=False, empty_label="All threshold levels"
    )

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["threshold_level"].queryset = ThresholdLevel.objects.filter(council=review.council).order_by(
            "order"
        )

    def apply(self, cases):
        if self.cleaned_data.get("threshold_level"):
            cases = cases.filter(threshold_level=self.cleaned_data["threshold_level"])
        return cases

    def querystring(self) -> str:
        if not self.is_bound or not self.is_valid() or not self.cleaned_data.get("threshold_level"):
            return ""
        return urlencode({"threshold_level": self.cleaned_data["threshold_level"].pk})


class WorkshopForm(NamedErrors, forms.ModelForm):
    """Plan a workshop, weeks ahead: its date, venue, facilitators and the cases to map."""

    class Meta:
        model = Workshop
        fields = ["held_on", "venue", "facilitators", "cases"]
        labels = {"held_on": "Date", "venue": "Venue", "cases": "Cases to map"}
        help_texts = {"held_on": f"{DATE_HINT}. A date ahead is fine: record the workshop once held."}
        widgets = {"held_on": DateInput(), "cases": forms.CheckboxSelectMultiple}
        error_messages = {
            "held_on": {
                "required": "Enter the date of the workshop.",
                "invalid": invalid_date("the date of the workshop"),
            },
            "facilitators": {"required": "Enter who facilitates, by role."},
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.fields["cases"].queryset = review.cases.order_by("reference")
        self.fields["cases"].error_messages["invalid_choice"] = "Choose cases from this review's sample."
        self.helper = _helper(
            Field.text("held_on", field_width=10),
            Field.text("venue"),
            Field.text("facilitators"),
            Field.checkboxes("cases", small=True),
            submit="Plan the workshop",
        )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        review_date_validator(day)  # the window's message first, for a year such as 9999
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        check_fields(self, "venue", "facilitators")
        return cleaned


class WorkshopRecordForm(VersionedForm):
    """Record a workshop as held, once its day has come: what went well and what worries the group."""

    what = "workshop"

    class Meta:
        model = Workshop
        fields = ["went_well", "worries"]
        widgets = {"went_well": forms.Textarea(attrs={"rows": 4}), "worries": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("went_well"), Field.textarea("worries"), "version", submit="Record it as held"
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            check_has_happened(self.instance.held_on, what="A workshop")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        check_fields(self, "went_well", "worries")
        return cleaned

    def save(self, commit: bool = True) -> Workshop:
        self.instance.status = Workshop.Status.HELD
        return super().save(commit)


def _agency_field(workshop: Workshop) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Partner.objects.filter(council=workshop.review.council).order_by("name"),
        error_messages={
            "required": "Choose an agency.",
            "invalid_choice": "Choose one of the council's partner agencies.",
        },
    )


class WorkshopInviteForm(NamedErrors, forms.Form):
    """Practitioners invited from one agency: a number, never names."""

    invited = forms.IntegerField(
        label="Number of practitioners invited",
        min_value=1,
        max_value=200,
        error_messages={
            "required": "Enter how many practitioners are invited.",
            "invalid": "Enter the number of practitioners invited as a whole number, such as 3.",
            "min_value": "Invite at least 1 practitioner.",
            "max_value": "Enter at most 200 practitioners.",
        },
    )

    def __init__(self, *args, workshop: Workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields = {"agency": _agency_field(workshop), **self.fields}
        self.fields["agency"].label = "Agency invited"
        self.helper = _helper("agency", Field.text("invited", field_width=3), submit="Invite")
        self.helper.form_action = reverse("casemapping:workshop_invite", args=[workshop.review_id, workshop.pk])


class WorkshopAgencyForm(NamedErrors, forms.Form):
    """How many practitioners of an agency came, recorded once the workshop is held."""

    practitioners = forms.IntegerField(
        label="Number of practitioners who came",
        min_value=0,
        max_value=200,
        error_messages={
            "required": "Enter how many practitioners came.",
            "invalid": "Enter the number of practitioners as a whole number, such as 3.",
            "min_value": "Enter 0 or more practitioners.",
            "max_value": "Enter at most 200 practitioners.",
        },
    )

    def __init__(self, *args, workshop: Workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields = {"agency": _agency_field(workshop), **self.fields}
        self.fields["agency"].label = "Agency present"
        self.helper = _helper("agency", Field.text("practitioners", field_width=3), submit="Record attendance")
        self.helper.form_action = reverse("casemapping:workshop_agency_add", args=[workshop.review_id, workshop.pk])

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.workshop.is_held:
            raise forms.ValidationError(
                f"Record who came once the workshop has been held; it is planned for {self.workshop.held_on:%-d %B %Y}."
            )
        agency, came = cleaned.get("agency"), cleaned.get("practitioners")
        if agency is not None and came == 0 and not self.workshop.agencies.filter(agency=agency, invited__gte=1):
            self.add_error("practitioners", f"{agency} was not invited: enter at least 1 practitioner who came.")
        return cleaned


class LearningPointForm(NamedErrors, forms.ModelForm):
    class Meta:
        model = LearningPoint
        fields = ["summary", "kind", "theme", "focus_areas", "detail", "events"]
        labels = {
            "summary": "Learning point",
            "kind": "Kind of finding",
            "focus_areas": "Focus areas and specific circumstances (optional)",
            "detail": "Detail (optional)",
            "events": "Events that show it",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "focus_areas": forms.CheckboxSelectMultiple,
            "detail": forms.Textarea(attrs={"rows": 4}),
            "events": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, workshop: Workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        review = workshop.review
        self.fields["theme"].queryset = review.framework.themes.order_by("order")
        self.fields["kind"].choices = LearningPoint._meta.get_field("kind").choices
        self.fields["focus_areas"].queryset = FocusArea.objects.all()
        self.fields["focus_areas"].help_text = "Tick every one the learning point bears on. Its finding gets the same."
        self.fields["focus_areas"].error_messages["invalid_choice"] = "Choose focus areas and circumstances that exist."
        self.fields["focus_areas"].choices = [
            (area.pk, f"{area.get_kind_display()}: {area.title}") for area in scope.focus_areas(review)
        ]
        self.fields["events"].queryset = (
            Event.objects.filter(review=review, case__in=workshop.cases.all())
            .select_related("case", "kind")
            .order_by("case__reference", "date", "sequence")
        )
        self.fields["events"].error_messages["invalid_choice"] = "Choose events of the cases mapped at this workshop."
        self.fields["events"].error_messages["required"] = "Choose at least one event that shows the learning point."
        self.workshop = workshop
        self.helper = _helper(
            Field.text("summary"),
            Field.radios("kind", inline=True),
            "theme",
            Field.checkboxes("focus_areas", small=True),
            Field.textarea("detail"),
            Field.checkboxes("events", small=True),
            submit="Save learning point",
        )

    def clean_focus_areas(self) -> list[FocusArea]:
        return scope.focus_areas_allowed(self.workshop.review, self.cleaned_data.get("focus_areas"), self.instance)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.workshop.is_held:
            raise forms.ValidationError(
                "Record learning points once the workshop has been held; "
                f"it is planned for {self.workshop.held_on:%-d %B %Y}."
            )
        check_fields(self, "summary", "detail")
        return cleaned
