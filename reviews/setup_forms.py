"""The forms of setting up a review in the workspace, one a step, and the scope form the lead uses afterwards.

Each step's form is bound again from what was saved in the session when the answers are checked, so a
step answered before an earlier answer changed (another framework, another council) is asked again.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from . import scope
from .form_errors import NamedErrors
from .invitations import services as invitations
from .invitations.forms import LIST_LIMITS, MAX_PASTED_CHARS
from .models import Council, FocusArea, Framework, GradeScale, Review, Role, ScopeArea
from .tables import TableError, read_table
from .widgets import DATE_HINT, DateInput, invalid_date

MAX_LOCAL_ITEMS = 30
MAX_LOCAL_CHARS = 300
DATE_FIELDS = [
    "scoping_date",
    "onsite_start",
    "onsite_end",
    "conference_date",
    "letter_due",
    "followup_3_months",
    "followup_12_months",
]
# What each of a review's dates is called in a message, for setting up and for the lead's later changes alike.
DATE_NAMES = {
    "scoping_date": "the date of the scoping meeting",
    "onsite_start": "the day the on-site week starts",
    "onsite_end": "the day the on-site week ends",
    "conference_date": "the date of the feedback conference",
    "letter_due": "the date the letter is due",
    "followup_3_months": "the date of the 3-month impact check",
    "followup_12_months": "the date of the 12-month impact check",
}
# The dates a review named by default takes its year from, the on-site week first.
TITLE_YEAR_FROM = ["onsite_start", "onsite_end", "conference_date", "scoping_date"]


# (date, the date it must not come before, whether it must come strictly after, the message): scoping, the on-site
# week, the conference, the letter, then the impact checks, as a review runs. Each pair is checked when both are set.
DATE_ORDER = [
    ("onsite_start", "scoping_date", False, "The on-site week must start on or after the scoping meeting."),
    ("onsite_end", "onsite_start", False, "The on-site week must end on or after the day it starts."),
    ("conference_date", "onsite_start", False, "The conference must be on or after the first day on site."),
    ("letter_due", "conference_date", False, "The letter must be due on or after the conference."),
    ("followup_3_months", "conference_date", True, "The 3-month impact check must come after the conference."),
    ("followup_12_months", "followup_3_months", True, "The 12-month impact check must come after the 3-month one."),
]


def check_onsite_week_free(form: forms.Form, council: Council, cleaned: dict, exclude_pk: int | None = None) -> None:
    """A council is reviewed once at a time: its on-site weeks never overlap, whatever the reviews are called."""
    start = cleaned.get("onsite_start")
    if not start:
        return
    end = cleaned.get("onsite_end") or start
    clash = (
        Review.objects.filter(council=council, onsite_start__lte=end)
        .filter(Q(onsite_end__gte=start) | Q(onsite_end__isnull=True, onsite_start__gte=start))
        .exclude(pk=exclude_pk)
        .order_by("onsite_start")
        .first()
    )
    if clash:
        form.add_error(
            "onsite_start",
            f"{council.name} already has a review on site then: “{clash.title}”, from {clash.onsite_start:%-d %B %Y}. "
            "Choose other dates, or carry on with that review.",
        )


def check_date_order(form: forms.Form, cleaned: dict) -> None:
    """The order a review's dates must keep, for setting up and for the lead's later changes alike. Every pair out
    of order is named, each beside its later date (read from the dates as sent: a refused date leaves the cleaned
    data, and the pairs after it would go unchecked)."""
    sent = dict(cleaned)
    for field, earlier, strictly, message in DATE_ORDER:
        day, before = sent.get(field), sent.get(earlier)
        if day and before and (day <= before if strictly else day < before):
            form.add_error(field, message)


def _helper(*fields, button: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.attrs = {"novalidate": True}  # errors come from the server, in the error summary
    helper.layout = Layout(*fields, Submit("continue", button))
    return helper


def review_title(council: Council, typed: str, dates: dict) -> str:
    """The name typed, or the council's name and the year of the on-site week.

    Without on-site dates, the year of the first other date given, or this year: a review set up in December for
    the March after is named for March.
    """
    if typed:
        return typed
    day = next(filter(None, (dates.get(name) for name in TITLE_YEAR_FROM)), None) or timezone.localdate()
    return f"{council.name} children's safeguarding peer review {day.year}"


def _title_taken(council: Council, title: str) -> bool:
    return Review.objects.filter(council=council, title__iexact=title).exists()


class CouncilStep(NamedErrors, forms.Form):
    council = forms.ModelChoiceField(
        label="Which council is being reviewed?",
        queryset=Council.objects.order_by("name"),
        empty_label="Choose a council",
        error_messages={"required": "Choose the council being reviewed.", "invalid_choice": "Choose a listed council."},
        help_text="A council new to the programme is added by an administrator first.",
    )
    title = forms.CharField(
        label="Name of the review (optional)",
        max_length=200,
        required=False,
        help_text="Left empty, it is the council's name followed by “children's safeguarding peer review” and the "
        "year of the on-site week.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("council", Field.text("title", field_width=Fluid.FULL))

    def clean(self) -> dict:
        cleaned = super().clean()
        council = cleaned.get("council")
        if council is None:
            return cleaned
        # A name left empty is made once the dates are known (review_title); a typed one is checked here.
        cleaned["title"] = " ".join(cleaned.get("title", "").split())
        if cleaned["title"] and _title_taken(council, cleaned["title"]):
            self.add_error(
                "title", f"{council.name} already has a review called “{cleaned['title']}”: give this one another name."
            )
        return cleaned


class DatesStep(NamedErrors, forms.Form):
    scoping_date = forms.DateField(label="Scoping meeting (optional)", required=False)
    onsite_start = forms.DateField(label="On-site week starts (optional)", required=False)
    onsite_end = forms.DateField(label="On-site week ends (optional)", required=False)
    conference_date = forms.DateField(label="Feedback conference (optional)", required=False)
    letter_due = forms.DateField(label="Letter due (optional)", required=False)
    followup_3_months = forms.DateField(label="Impact check at 3 months (optional)", required=False)
    followup_12_months = forms.DateField(label="Impact check at 12 months (optional)", required=False)
    previous_review = forms.ModelChoiceField(
        label="The council's earlier review (optional)",
        queryset=Review.objects.none(),
        required=False,
        empty_label="None: this is the council's first review here",
        help_text="Findings and timeliness are compared with it.",
        error_messages={"invalid_choice": "Choose one of the council's earlier reviews."},
    )

    def __init__(self, *args, council: Council, title: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.title = title
        self.fields["previous_review"].queryset = council.reviews.order_by("-onsite_start", "title")
        for name in DATE_FIELDS:
            field = self.fields[name]
            field.widget = DateInput()
            field.help_text = DATE_HINT
            field.error_messages["invalid"] = invalid_date(DATE_NAMES[name])
        self.helper = _helper(*DATE_FIELDS, "previous_review")

    def clean(self) -> dict:
        cleaned = super().clean()
        check_date_order(self, cleaned)
        check_onsite_week_free(self, self.council, cleaned)
        previous, start = cleaned.get("previous_review"), cleaned.get("onsite_start")
        if previous and previous.onsite_start and start and previous.onsite_start >= start:
            self.add_error(
                "previous_review",
                f"The earlier review must have been on site before this one: “{previous}” was on site from "
                f"{previous.onsite_start:%-d %B %Y}.",
            )
        name = review_title(self.council, self.title, cleaned)
        if not self.title and _title_taken(self.council, name):
            self.add_error(
                None,
                f"{self.council.name} already has a review called “{name}”, the name these dates give: go back to the "
                "first step and give this one a name.",
            )
        return cleaned


class FrameworkStep(NamedErrors, forms.Form):
    grade_scale = forms.ModelChoiceField(
        label="Which framework and grade scale does the review use?",
        queryset=GradeScale.objects.select_related("framework").order_by("framework__name", "name"),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the framework and grade scale the review uses.",
            "invalid_choice": "Choose one of the listed grade scales.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade_scale"].label_from_instance = lambda scale: f"{scale.framework}: {scale.name}"
        default = GradeScale.objects.filter(framework__is_default=True).order_by("name").first()
        if default and not self.is_bound:
            self.initial.setdefault("grade_scale", default.pk)
        self.helper = _helper(Field.radios("grade_scale", legend_size=Size.MEDIUM))

    def clean(self) -> dict:
        cleaned = super().clean()
        scale = cleaned.get("grade_scale")
        if scale is not None:
            cleaned["framework"] = scale.framework
        return cleaned


def _lines(text: str, what: str) -> list[str]:
    """The council's own items from a text box, one a line; blank lines are skipped."""
    items = [" ".join(line.split()) for line in text.splitlines()]
    items = [item for item in items if item]
    if len(items) > MAX_LOCAL_ITEMS:
        raise ValidationError(f"Enter at most {MAX_LOCAL_ITEMS} {what}, one a line; there are {len(items)}.")
    seen = set()
    for number, item in enumerate(items, start=1):
        if len(item) > MAX_LOCAL_CHARS:
            raise ValidationError(f"Line {number} of the {what} is {len(item)} characters; the most is 300.")
        if item.lower() in seen:
            raise ValidationError(f"“{item}” is listed twice in the {what}.")
        seen.add(item.lower())
    return items


def _ticks(model, what: str) -> forms.ModelMultipleChoiceField:
    """Tick boxes of the framework's items of one kind; the form sets the choices."""
    return forms.ModelMultipleChoiceField(
        label=f"{what.capitalize()} in this review",
        queryset=model.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": f"Choose {what} of the review's framework."},
    )


class ScopeForm(NamedErrors, forms.Form):
    """Which of the framework's items are in scope, and the council's own items to add."""

    scope_areas = _ticks(ScopeArea, "scope areas")
    focus_areas = _ticks(FocusArea, "focus areas")
    circumstances = _ticks(FocusArea, "specific circumstances")
    local_scope_items = forms.CharField(
        label="Scope items of the council's own (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One a line, at most {MAX_LOCAL_ITEMS}. For example: “Children placed out of the area”.",
    )
    local_lines_of_enquiry = forms.CharField(
        label="Lines of enquiry of the council's own (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One a line, at most {MAX_LOCAL_ITEMS}. For example: “How the front door hears from schools”.",
    )

    def __init__(self, *args, framework: Framework, review: Review | None = None, button: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.framework, self.review = framework, review
        shared_scope = ScopeArea.objects.filter(framework=framework, review__isnull=True).order_by("order")
        shared_focus = FocusArea.objects.filter(framework=framework, review__isnull=True).order_by("order")
        self.fields["scope_areas"].queryset = shared_scope
        self.fields["focus_areas"].queryset = shared_focus.filter(kind=FocusArea.Kind.FOCUS)
        self.fields["circumstances"].queryset = shared_focus.filter(kind=FocusArea.Kind.CIRCUMSTANCE)
        self.fields["focus_areas"].label_from_instance = lambda area: area.title
        self.fields["circumstances"].label_from_instance = lambda area: area.title
        if not self.is_bound and "scope_areas" not in self.initial:
            in_scope = scope.scope_areas(review) if review else shared_scope
            in_focus = scope.focus_areas(review) if review else shared_focus
            self.initial["scope_areas"] = [area.pk for area in in_scope]
            self.initial["focus_areas"] = [area.pk for area in in_focus if area.kind == FocusArea.Kind.FOCUS]
            self.initial["circumstances"] = [area.pk for area in in_focus if area.kind == FocusArea.Kind.CIRCUMSTANCE]
        extra = []
        if review is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
            self.initial["version"] = review.version
            extra = ["version"]
        self.helper = _helper(
            *extra,
            Field.checkboxes("scope_areas", small=True, legend_size=Size.MEDIUM),
            Field.checkboxes("focus_areas", small=True, legend_size=Size.MEDIUM),
            Field.checkboxes("circumstances", small=True, legend_size=Size.MEDIUM),
            Field.textarea("local_scope_items"),
            Field.textarea("local_lines_of_enquiry"),
            button=button,
        )

    def _clean_local(self, name: str, model, what: str) -> list[str]:
        items = _lines(self.cleaned_data.get(name, ""), what)
        for item in items:
            taken = model.objects.filter(framework=self.framework, review__isnull=True, title__iexact=item)
            if taken.exists():
                raise ValidationError(f"“{item}” is already in the framework: tick it above instead.")
        return items

    def clean_local_scope_items(self) -> list[str]:
        return self._clean_local("local_scope_items", ScopeArea, "scope items")

    def clean_local_lines_of_enquiry(self) -> list[str]:
        return self._clean_local("local_lines_of_enquiry", FocusArea, "lines of enquiry")

    def clean(self) -> dict:
        cleaned = super().clean()
        own = self.review.local_scope_areas.exists() if self.review else False
        if "scope_areas" in cleaned and not cleaned["scope_areas"] and not cleaned.get("local_scope_items") and not own:
            self.add_error("scope_areas", "Choose at least one scope area, or add one of the council's own.")
        return cleaned

    def set_scope(self, review: Review) -> None:
        data = self.cleaned_data
        scope.set_scope(
            review,
            scope_areas_in=list(data["scope_areas"]),
            focus_areas_in=[*data["focus_areas"], *data["circumstances"]],
            local_scope_items=data["local_scope_items"],
            local_lines_of_enquiry=data["local_lines_of_enquiry"],
        )


class TeamStep(NamedErrors, forms.Form):
    length_checked_in_clean = ("people",)
    LEAD_ME, LEAD_SOMEONE = "me", "someone"

    who_leads = forms.ChoiceField(
        label="Who leads the review?",
        choices=[(LEAD_ME, "I do"), (LEAD_SOMEONE, "Someone else: I will give their name and email address")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who leads the review.", "invalid_choice": "Choose who leads the review."},
    )
    lead_name = forms.CharField(label="The lead's full name", max_length=200, required=False)
    lead_email = forms.CharField(
        label="The lead's email address",
        max_length=254,
        required=False,
        help_text="They get an email with a link to set their own password, or are added at once if they have an account.",
    )
    people = forms.CharField(
        label="The rest of the team and the council's contacts (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="A header row, then one person a row, with commas between the columns: name, email, role, "
        "and optionally job_title and organisation. Roles: " + ", ".join(role.label for role in Role) + ".",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = _helper(
            Field.radios("who_leads", legend_size=Size.MEDIUM),
            Field.text("lead_name"),
            Field.text("lead_email", field_width=Fluid.TWO_THIRDS),
            Field.textarea("people", label_size=Size.SMALL),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        team: list[invitations.Person] = []
        labels: list[str] = []
        if cleaned.get("who_leads") == self.LEAD_SOMEONE:
            name = " ".join(cleaned.get("lead_name", "").split())
            if not name:
                self.add_error("lead_name", "Enter the lead's full name.")
            try:
                email = invitations.clean_email(cleaned.get("lead_email", ""))
            except ValidationError:
                self.add_error("lead_email", "Enter the lead's email address, like name@council.example.")
            else:
                if name:
                    team.append(invitations.Person(name=name, email=email, role=Role.LEAD))
                    labels.append("The lead")
        pasted = cleaned.get("people", "")
        if pasted.strip():
            people, row_labels = self._read(pasted)
            team += people
            labels += row_labels
        mine = (self.user.email or "").lower()
        if cleaned.get("who_leads") == self.LEAD_ME and mine and any(p.email.lower() == mine for p in team):
            self.add_error("people", f"{self.user.email} is you: you are already in the team as the lead.")
        seen: set[str] = set()
        for person, label in zip(team, labels, strict=True):
            if person.email.lower() in seen:
                self.add_error("people", f"{label}: {person.email} appears twice in the team.")
            seen.add(person.email.lower())
        cleaned["team"], cleaned["labels"] = team, labels
        return cleaned

    def _read(self, pasted: str) -> tuple[list[invitations.Person], list[str]]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        if len(pasted) > MAX_PASTED_CHARS:
            self.add_error("people", f"The list is {len(pasted):,} characters; the most is {MAX_PASTED_CHARS:,}.")
            return [], []
        upload = SimpleUploadedFile("The team list.csv", pasted.encode("utf-8"), content_type="text/csv")
        try:
            rows = read_table(upload, invitations.LIST_COLUMNS, required=invitations.LIST_REQUIRED, limits=LIST_LIMITS)
        except TableError as error:
            self.add_error("people", str(error))
            return [], []
        people, labels, problems = invitations.people_from_rows(rows)
        for problem in problems:
            self.add_error("people", problem)
        return people, labels
