"""Two people editing a questionnaire's dates or a focus group's details: the second stale save is refused."""

import datetime

import pytest

from focusgroups.models import FocusGroup, Questionnaire

from ..factories import PartnerFactory
from .conftest import make_group, make_questionnaire


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review)


def dates(opens_on="2026-11-10", closes_on="", version=1) -> dict:
    return {"opens_on": opens_on, "closes_on": closes_on, "ask_segment": "on", "version": version}


def test_the_dates_form_carries_the_version_it_was_opened_at(questionnaire, lead_client):
    response = lead_client.get(questionnaire.get_absolute_url())

    assert response.context["form"]["version"].value() == 1
    assert 'name="version" value="1"' in response.content.decode()


def test_a_save_raises_the_questionnaire_version(questionnaire, lead_client):
    response = lead_client.post(questionnaire.get_absolute_url(), dates(closes_on="2026-12-01"))

    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert (questionnaire.version, questionnaire.closes_on) == (2, datetime.date(2026, 12, 1))


def test_the_second_of_two_people_editing_the_dates_is_refused_and_told_what_differs(
    questionnaire, lead_client, organiser_client
):
    first = lead_client.post(questionnaire.get_absolute_url(), dates(opens_on="2000-01-01", closes_on="2026-12-01"))

    second = organiser_client.post(questionnaire.get_absolute_url(), dates(opens_on="2026-11-20"))

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [
        "Someone else changed this questionnaire's dates after you opened it, so your changes have not been saved. "
        "What is saved now differs from what you sent in: opens on, closes on. "
        "Open it again to see the latest version, then make your changes."
    ]
    saved = Questionnaire.objects.get(pk=questionnaire.pk)
    assert (saved.opens_on, saved.closes_on, saved.version) == (
        datetime.date(2000, 1, 1),
        datetime.date(2026, 12, 1),
        2,
    )
    assert "From 1 January 2000 to 1 December 2026" in second.content.decode()


def test_a_dates_save_without_a_version_is_refused(questionnaire, lead_client):
    data = dates()
    del data["version"]

    response = lead_client.post(questionnaire.get_absolute_url(), data)

    assert response.status_code == 200
    assert "Someone else changed this questionnaire's dates" in response.context["form"].non_field_errors()[0]
    assert Questionnaire.objects.get(pk=questionnaire.pk).opens_on == datetime.date(2000, 1, 1)


def test_a_version_that_is_not_a_number_is_a_form_error_and_nothing_is_saved(questionnaire, lead_client):
    response = lead_client.post(questionnaire.get_absolute_url(), dates(version="two"))

    assert response.context["form"].errors["version"] == ["Enter a whole number."]
    assert Questionnaire.objects.get(pk=questionnaire.pk).version == 1


@pytest.fixture
def group(review):
    return make_group(review)


def details(peer, *, participants="8", title="Frontline staff", version=1, agencies=()) -> dict:
    return {
        "title": title,
        "held_on": "2026-11-03",
        "audience": "staff",
        "facilitator": peer.pk,
        "participants": participants,
        "agencies": list(agencies),
        "version": version,
    }


def edit_url(group) -> str:
    return f"/reviews/{group.review_id}/focus-groups/groups/{group.pk}/edit/"


def test_the_second_of_two_peers_editing_a_focus_group_is_refused_and_nothing_is_saved(
    group, review, peer, lead, peer_client, lead_client
):
    police = PartnerFactory(council=review.council, name="Northmoor Police")
    opened = peer_client.get(edit_url(group)).context["form"]["version"].value()
    first = lead_client.post(edit_url(group), details(peer, participants="10", version=opened))

    second = peer_client.post(
        edit_url(group), details(peer, title="Team managers", agencies=[police.pk], version=opened)
    )

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [
        "Someone else changed this focus group after you opened it, so your changes have not been saved. "
        "What is saved now differs from what you sent in: title, participants, agencies. "
        "Open it again to see the latest version, then make your changes."
    ]
    saved = FocusGroup.objects.get(pk=group.pk)
    assert list(saved.agencies.all()) == []
    assert (saved.title, saved.participants, saved.facilitator, saved.details_version) == (
        "Frontline staff",
        10,
        peer,
        2,
    )


def test_editing_the_details_leaves_the_notes_version_alone(group, peer, peer_client):
    response = peer_client.post(edit_url(group), details(peer, participants="6"))

    assert response.status_code == 302
    saved = FocusGroup.objects.get(pk=group.pk)
    assert (saved.participants, saved.details_version, saved.version) == (6, 2, 1)


def test_a_focus_group_edit_without_a_version_is_refused(group, peer, peer_client):
    data = details(peer, participants="6")
    del data["version"]

    response = peer_client.post(edit_url(group), data)

    assert response.status_code == 200
    assert FocusGroup.objects.get(pk=group.pk).participants == 8
