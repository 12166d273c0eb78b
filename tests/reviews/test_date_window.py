"""Every date people type lies between 2000 and 2100, and a chronology's events between the child's birth and today."""

from datetime import date, timedelta

import pytest
from django.forms import modelform_factory
from django.utils import timezone

from audits.forms import CouncilAuditForm
from casemapping.forms import EventForm, WorkshopForm
from conference.forms import ActionForm, ActionUpdateForm, CheckpointForm
from focusgroups.forms import QuestionnaireDatesForm
from focusgroups.group_forms import FocusGroupForm
from interviews.forms import SessionForm
from reviews.forms import PlanningMeetingForm
from reviews.models import Case, Review
from reviews.schedule_views import ScheduleForm as SchedulePageForm
from reviews.validators import WINDOW_MESSAGE, earliest_birth_year, review_date_validator
from selfassessment.forms import InspectionForm, RequestForm, StartRequestsForm

from ..audits.helpers import tool_for
from ..factories import CaseFactory

SCHEDULE = [
    "scoping_date",
    "onsite_start",
    "onsite_end",
    "conference_date",
    "letter_due",
    "followup_3_months",
    "followup_12_months",
]
WINDOW = "between 1 January 2000 and 31 December 2100"
# The review's schedule is kept in the admin, whose form is a ModelForm of these fields.
ScheduleForm = modelform_factory(Review, fields=SCHEDULE)

FORMS = {
    "planning meeting": (PlanningMeetingForm, ["held_on"], lambda review, case: {"review": review}),
    "chronology event": (EventForm, ["date"], lambda review, case: {"case": case}),
    "mapping workshop": (WorkshopForm, ["held_on"], lambda review, case: {"review": review}),
    "questionnaire dates": (QuestionnaireDatesForm, ["opens_on", "closes_on"], lambda review, case: {}),
    "focus group": (FocusGroupForm, ["held_on"], lambda review, case: {"review": review}),
    "on-site session": (SessionForm, ["day"], lambda review, case: {"review": review}),
    "plan action": (ActionForm, ["due_date"], lambda review, case: {"review": review}),
    "action update": (ActionUpdateForm, ["on"], lambda review, case: {}),
    "impact check": (CheckpointForm, ["held_on"], lambda review, case: {"review": review}),
    "document request": (RequestForm, ["due_date"], lambda review, case: {"review": review}),
    "requests for every area": (StartRequestsForm, ["due_date"], lambda review, case: {}),
    "inspection": (InspectionForm, ["date"], lambda review, case: {"review": review}),
    "council audit": (
        CouncilAuditForm,
        ["audit_date"],
        lambda review, case: {"review": review, "tool": tool_for(review)},
    ),
    "review schedule": (ScheduleForm, SCHEDULE, lambda review, case: {}),
}


@pytest.fixture
def case(review):
    return CaseFactory(review=review, reference="C-01", age_band=Case.AgeBand.AGE_5_9)


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("name", FORMS)
def test_a_date_outside_2000_to_2100_is_refused_with_the_window_named(name, typed, review, case):
    form_class, fields, kwargs = FORMS[name]

    form = form_class(dict.fromkeys(fields, typed), **kwargs(review, case))

    assert not form.is_valid()
    messages = {field: form.errors.get(field) for field in fields}
    assert all(len(found) == 1 and WINDOW in found[0] for found in messages.values()), messages
    if name == "review schedule":  # the admin's own form: Django's words, beside each field of its page
        assert messages == {field: [WINDOW_MESSAGE] for field in fields}
    else:  # the project's forms name the date, so that an error summary says which one is outside the window
        labels = {field: str(form.fields[field].label).removesuffix(" (optional)") for field in fields}
        assert messages == {field: [f"Enter a date {WINDOW} for “{labels[field]}”"] for field in fields}


def test_each_date_of_the_schedule_page_outside_the_window_is_named(review):
    in_order = {field: f"1999-{month:02}-01" for month, field in enumerate(SCHEDULE, start=1)}
    data = {"status": review.status, "version": review.version, **in_order}

    form = SchedulePageForm(data, instance=review)

    assert not form.is_valid()
    named = [
        "Scoping meeting",
        "On-site week starts",
        "On-site week ends",
        "Feedback conference",
        "Letter due",
        "Impact check at 3 months",
        "Impact check at 12 months",
    ]
    assert [form.errors[field] for field in SCHEDULE] == [[f"Enter a date {WINDOW} for “{what}”"] for what in named]


# A chronology's events have their own, narrower rule, tested below; what records something done (an impact
# check, a progress update, a council audit, a focus group with who took part) is refused ahead of its day (a
# workshop, though, is planned ahead and recorded as held separately).
RECORDED_ONCE_DONE = {"chronology event", "impact check", "action update", "council audit", "focus group"}


@pytest.mark.parametrize(
    ("name", "typed"),
    [(name, "2000-01-01") for name in FORMS if name != "chronology event"]
    + [(name, "2100-12-31") for name in FORMS if name not in RECORDED_ONCE_DONE],
)
def test_the_first_and_last_days_of_the_window_are_accepted(name, typed, review, case):
    form_class, fields, kwargs = FORMS[name]

    form = form_class(dict.fromkeys(fields, typed), **kwargs(review, case))
    form.is_valid()

    assert {field: form.errors.get(field) for field in fields} == dict.fromkeys(fields)


def test_the_window_message_names_the_window():
    assert WINDOW_MESSAGE == "Enter a date between 1 January 2000 and 31 December 2100."
    assert review_date_validator(date(2000, 1, 1)) is None
    assert review_date_validator(date(2100, 12, 31)) is None


def test_an_event_after_today_is_refused(review, case):
    tomorrow = timezone.localdate() + timedelta(days=1)

    form = EventForm({"date": tomorrow.isoformat()}, case=case)

    assert not form.is_valid()
    assert form.errors["date"] == [f"{tomorrow:%-d %B %Y} is in the future; a chronology records what has happened."]


def test_an_event_before_the_child_could_have_been_born_is_refused(review, case):
    review.onsite_start = date(2025, 3, 3)
    review.save()

    form = EventForm({"date": "2014-12-31"}, case=case)

    assert not form.is_valid()
    assert form.errors["date"] == [
        "The event must be in 2015 or later: a child in this age band was born in 2015 at the earliest."
    ]


def test_an_event_in_the_childs_earliest_birth_year_is_accepted(review, case):
    review.onsite_start = date(2025, 3, 3)
    review.save()

    form = EventForm({"date": "2015-01-01"}, case=case)
    form.is_valid()

    assert "date" not in form.errors


@pytest.mark.parametrize(
    ("age_band", "earliest"),
    [("unborn", 2024), ("0", 2024), ("1-4", 2020), ("5-9", 2015), ("10-15", 2009), ("16-17", 2007), ("18+", 1999)],
)
def test_the_earliest_birth_year_follows_the_age_band(age_band, earliest):
    assert earliest_birth_year(age_band, date(2025, 3, 3)) == earliest
