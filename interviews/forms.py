from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from reviews import permissions, scope
from reviews.form_errors import NamedErrors
from reviews.models import FocusArea, Partner, Review, ReviewMembership, Theme
from reviews.people import label_people, members, person_name
from reviews.pseudonyms import check_fields
from reviews.versioning import VersionedForm
from reviews.widgets import DATE_HINT, TIME_HINT, DateInput, invalid_date, invalid_time

from .models import Interviewee, IntervieweeRole, LineOfEnquiry, ProgrammeRules, ReviewRole, Session, match_role


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


def peer_side_users(review: Review):
    return members(review, permissions.PEER_SIDE)


class SessionForm(VersionedForm):
    what = "session"
    online_link = forms.URLField(
        label="Online link (optional)", required=False, assume_scheme="https", help_text="The meeting link, if online."
    )

    class Meta:
        model = Session
        fields = ["kind", "title", "day", "start", "end", "location", "online_link", "peers", "lines", "status"]
        labels = {
            "kind": "Kind of session",
            "day": "Day",
            "start": "Starts at",
            "end": "Ends at",
            "location": "Location (optional if online)",
            "online_link": "Online link (optional)",
            "peers": "Peers attending",
            "lines": "Lines of enquiry it will pursue",
        }
        help_texts = {"day": DATE_HINT, "start": TIME_HINT, "end": TIME_HINT}
        widgets = {
            "day": DateInput(),
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "peers": forms.CheckboxSelectMultiple,
            "lines": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.fields["kind"].choices = [("", "Choose a kind")] + Session.Kind.choices
        self.fields["status"].choices = Session.Status.choices
        self.fields["peers"].queryset = peer_side_users(review)
        label_people(self.fields["peers"])
        self.fields["peers"].error_messages["invalid_choice"] = "Choose peers from this review's peer team."
        self.fields["lines"].queryset = review.lines_of_enquiry.order_by("theme__order", "scope_area__order", "pk")
        self.fields["lines"].error_messages["invalid_choice"] = "Choose lines of enquiry of this review."
        self.fields["end"].error_messages["invalid"] = invalid_time("the time the session ends")
        self.fields["start"].error_messages["invalid"] = invalid_time("the time the session starts")
        self.fields["start"].error_messages["required"] = "Enter the time the session starts."
        self.fields["end"].error_messages["required"] = "Enter the time the session ends."
        self.fields["day"].error_messages["invalid"] = invalid_date("the day")
        self.helper = _helper(
            "kind",
            Field.text("title"),
            "day",
            "start",
            "end",
            Field.text("location"),
            Field.text("online_link"),
            Field.checkboxes("peers", small=True),
            Field.checkboxes("lines", small=True),
            Field.radios("status", inline=True),
            "version",
            submit="Save session",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", "The end must be after the start.")
        check_fields(self, "title")
        return cleaned


class IntervieweeForm(NamedErrors, forms.ModelForm):
    """Who the peers meet: a national role or one of the review's own, and an agency."""

    role = forms.ChoiceField(
        label="Role",
        error_messages={"required": "Choose a role.", "invalid_choice": "Choose one of the roles listed."},
    )

    class Meta:
        model = Interviewee
        fields = ["agency", "name"]
        labels = {"agency": "Agency", "name": "Name (optional)"}
        help_texts = {"name": "Only the organiser sees names."}

    def __init__(self, *args, review: Review, membership: ReviewMembership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.own_roles = {str(role.pk): role for role in ReviewRole.objects.filter(review=review).order_by("name")}
        self.fields["role"].choices = (
            [("", "Choose a role")]
            + [(code, label) for code, label in IntervieweeRole.choices if code != IntervieweeRole.OTHER]
            + [(f"own-{pk}", role.name) for pk, role in self.own_roles.items()]
            + [(IntervieweeRole.OTHER, IntervieweeRole.OTHER.label)]
        )
        self.fields = {"role": self.fields.pop("role"), **self.fields}
        self.fields["agency"].queryset = Partner.objects.filter(council=review.council_id).order_by("name")
        self.fields["agency"].empty_label = "Choose an agency"
        self.fields["agency"].error_messages["invalid_choice"] = f"Choose an agency of {review.council.name}."
        fields = ["role", "agency"]
        if permissions.can_see_interviewee_names(membership):
            fields.append(Field.text("name"))
        else:
            del self.fields["name"]
        self.helper = _helper(*fields, submit="Add who they meet")
        self.helper.form_tag = False

    def clean_role(self) -> str:
        value = self.cleaned_data["role"]
        own = self.own_roles.get(value.removeprefix("own-")) if value.startswith("own-") else None
        self.instance.role = IntervieweeRole.OTHER if own else value
        self.instance.review_role = own
        return value


class ReviewRoleForm(NamedErrors, forms.ModelForm):
    """A role of the review's own, for a post the national list does not name."""

    class Meta:
        model = ReviewRole
        fields = ["name"]
        labels = {"name": "Name of the role"}
        help_texts = {"name": "For example, Head of the multi-agency safeguarding hub."}
        error_messages = {
            "name": {"required": "Enter the name of the role.", "max_length": "Use 120 characters or fewer."}
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.review = review
        self.helper = _helper(Field.text("name"), submit="Add the role")
        self.helper.form_tag = False

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        own = list(ReviewRole.objects.filter(review=self.review))
        if match_role(name, own) is not None:
            raise forms.ValidationError(f"“{name}” is already a role timetables can use.")
        return name


class LineForm(VersionedForm):
    what = "line of enquiry"

    class Meta:
        model = LineOfEnquiry
        fields = ["text", "theme", "scope_area", "focus_areas"]
        labels = {
            "text": "Line of enquiry",
            "theme": "Theme (optional)",
            "scope_area": "Scope area (optional)",
            "focus_areas": "Focus areas and specific circumstances (optional)",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "focus_areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.instance.review = review
        self.fields["theme"].queryset = Theme.objects.filter(framework=review.framework_id).order_by("order")
        self.fields["scope_area"].queryset = scope.scope_areas(review)
        self.fields["theme"].empty_label = "None"
        self.fields["scope_area"].empty_label = "None"
        self.fields["theme"].error_messages["invalid_choice"] = "Choose a theme of this review's framework."
        self.fields["scope_area"].error_messages["invalid_choice"] = "Choose a scope area of this review's framework."
        self.fields["focus_areas"].queryset = FocusArea.objects.all()
        self.fields["focus_areas"].help_text = "Tick every one the line pursues."
        self.fields["focus_areas"].error_messages["invalid_choice"] = "Choose focus areas and circumstances that exist."
        self.fields["focus_areas"].choices = [
            (area.pk, f"{area.get_kind_display()}: {area.title}") for area in scope.focus_areas(review)
        ]
        self.helper = _helper(
            Field.textarea("text"),
            "theme",
            "scope_area",
            Field.checkboxes("focus_areas", small=True),
            "version",
            submit="Save line of enquiry",
        )

    def clean_focus_areas(self) -> list[FocusArea]:
        return scope.focus_areas_allowed(self.review, self.cleaned_data.get("focus_areas"), self.instance)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("theme") and not cleaned.get("scope_area") and not self.errors.get("theme"):
            self.add_error("theme", "Choose a theme, a scope area or both.")
        text = cleaned.get("text")
        if text and self.review.lines_of_enquiry.filter(text=text).exclude(pk=self.instance.pk).exists():
            self.add_error("text", "This review already has that line of enquiry.")
        return cleaned


class RulesForm(VersionedForm):
    what = "set of clash rules"

    class Meta:
        model = ProgrammeRules
        fields = ["travel_gap_minutes", "max_without_break_minutes", "break_minutes"]
        labels = {
            "travel_gap_minutes": "Least gap between sessions in different places (minutes)",
            "max_without_break_minutes": "Longest time a peer works without a break (minutes)",
            "break_minutes": "Shortest gap that counts as a break (minutes)",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("travel_gap_minutes", field_width=5),
            Field.text("max_without_break_minutes", field_width=5),
            Field.text("break_minutes", field_width=5),
            "version",
            submit="Save rules",
        )


class ImportForm(NamedErrors, forms.Form):
    file = forms.FileField(
        label="Timetable file",
        help_text="A CSV or XLSX file with the columns day, start, end, kind, title, location, online_link, "
        "interviewees (role | agency; …), peers (names or emails separated by ;) and status.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("file", submit="Import timetable")


class SessionFilterForm(NamedErrors, forms.Form):
    day = forms.DateField(required=False, widget=forms.Select)
    kind = forms.ChoiceField(choices=[("", "All kinds")] + Session.Kind.choices, required=False)
    status = forms.ChoiceField(choices=[("", "All statuses")] + Session.Status.choices, required=False)
    peer = forms.ChoiceField(required=False)

    def __init__(self, *args, review: Review, days: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.choices = [("", "All days")] + [(d.isoformat(), f"{d:%A %-d %B}") for d in days]
        self.fields["day"].choices = self.fields["day"].widget.choices
        users = peer_side_users(review)
        self.fields["peer"].choices = [("", "All peers")] + [(str(u.pk), person_name(u)) for u in users]

    def apply(self, sessions):
        data = self.cleaned_data
        if data.get("day"):
            sessions = sessions.filter(day=data["day"])
        for name in ("kind", "status"):
            if data.get(name):
                sessions = sessions.filter(**{name: data[name]})
        if data.get("peer"):
            sessions = sessions.filter(peers=data["peer"])
        return sessions

    def querystring(self) -> str:
        from urllib.parse import urlencode

        if not self.is_bound or not self.is_valid():
            return ""
        values = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self.cleaned_data.items()}
        return urlencode({k: v for k, v in values.items() if v})


class NotesForm(NamedErrors, forms.Form):
    """One text box per line of enquiry the session pursues, and one for general notes."""

    def __init__(self, *args, session: Session, lines: list[LineOfEnquiry], notes: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.keys = []
        for line in lines:
            self._add(f"line_{line.pk}", line.text, notes.get(line.pk))
        self._add("general", "General notes", notes.get(None))
        self.helper = _helper(
            *[Field.textarea(key) for key in self.keys], *[f"{key}_version" for key in self.keys], submit="Save notes"
        )

    def _add(self, key: str, label: str, note) -> None:
        self.keys.append(key)
        self.fields[key] = forms.CharField(
            label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}), initial=note.text if note else ""
        )
        self.fields[f"{key}_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=note.version if note else 0
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        check_fields(self, *self.keys)  # what was said, by role: never a child's or a family's details
        return cleaned

    def line_for(self, key: str) -> LineOfEnquiry | None:
        return next((line for line in self.lines if f"line_{line.pk}" == key), None)
