"""Wherever people are chosen, they are offered by name (from one helper), never by username."""

import pytest

from audits.forms import AssignForm, DrawForm, ModeratorForm
from conference.forms import ActionForm
from focusgroups.group_forms import FocusGroupForm
from interviews.forms import SessionFilterForm, SessionForm
from reviews.models import Role
from reviews.people import person_name
from selfassessment.forms import RequestForm

from ..factories import MembershipFactory, UserFactory


@pytest.fixture
def named(review):
    """One member of each kind of role, each with a name unlike their username."""
    people = {}
    for role, username, first, last in [
        (Role.LEAD, "hb_lead", "Harriet", "Bellamy"),
        (Role.PEER, "hb_peer", "Priya", "Okafor"),
        (Role.CASE_AUDITOR, "hb_auditor", "Aled", "Morgan"),
        (Role.ORGANISER, "hb_organiser", "Olu", "Adeyemi"),
    ]:
        user = UserFactory(username=username, first_name=first, last_name=last)
        MembershipFactory(review=review, user=user, role=role)
        people[username] = user
    return people


def _labels(field) -> set[str]:
    return {str(label) for value, label in field.choices if value != ""}


def test_a_person_is_named_by_full_name_and_by_username_only_without_one():
    assert person_name(UserFactory.build(username="hb_x", first_name="Ann", last_name="Lee")) == "Ann Lee"
    assert person_name(UserFactory.build(username="hb_y", first_name="", last_name="")) == "hb_y"


@pytest.mark.parametrize(
    ("make", "field", "expected"),
    [
        (lambda review: AssignForm(review=review), "auditor", {"Harriet Bellamy", "Priya Okafor", "Aled Morgan"}),
        (lambda review: DrawForm(review=review), "auditors", {"Harriet Bellamy", "Priya Okafor", "Aled Morgan"}),
        (lambda review: ModeratorForm(review=review), "moderator", {"Harriet Bellamy", "Priya Okafor"}),
        (lambda review: SessionForm(review=review), "peers", {"Harriet Bellamy", "Priya Okafor", "Aled Morgan"}),
        (
            lambda review: SessionFilterForm(review=review, days=[]),
            "peer",
            {"Harriet Bellamy", "Priya Okafor", "Aled Morgan"},
        ),
        (
            lambda review: FocusGroupForm(review=review),
            "facilitator",
            {"Harriet Bellamy", "Priya Okafor", "Aled Morgan"},
        ),
        (
            lambda review: FocusGroupForm(review=review),
            "note_taker",
            {"Harriet Bellamy", "Priya Okafor", "Aled Morgan"},
        ),
        (lambda review: ActionForm(review=review), "owner", {"Olu Adeyemi"}),
        (lambda review: RequestForm(review=review), "assignee", {"Olu Adeyemi"}),
    ],
    ids=[
        "audit-assignment",
        "audit-draw",
        "moderator",
        "session-peers",
        "session-filter",
        "focus-group-facilitator",
        "focus-group-note-taker",
        "action-owner",
        "document-request-assignee",
    ],
)
def test_people_are_offered_by_name_not_username(review, named, make, field, expected):
    form = make(review)

    labels = _labels(form.fields[field]) - {"---------", "Not assigned"}

    assert labels == expected
    assert not any(label.startswith("hb_") for label in labels)
