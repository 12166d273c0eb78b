"""The planning group, its meetings and partners' commitments: who may do what, and bad input refused."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Commitment, PlanningMeeting, PlanningMember

from ..factories import CouncilFactory, PartnerFactory

MANAGERS = ["lead_client", "challenge_client", "sponsor_client", "organiser_client"]
READERS_ONLY = ["peer_client", "auditor_client", "contributor_client", "observer_client"]


@pytest.fixture
def police(review):
    return PartnerFactory(council=review.council, name="Testshire Police")


@pytest.fixture
def health(review):
    return PartnerFactory(council=review.council, name="Testshire Health Trust")


@pytest.fixture
def foreign_partner(db):
    return PartnerFactory(council=CouncilFactory(), name="Elsewhere Police")


@pytest.fixture
def member(review, police):
    return PlanningMember.objects.create(review=review, role="Detective Inspector", partner=police, name="A Person")


@pytest.fixture
def commitment(review, police):
    return Commitment.objects.create(review=review, partner=police, mapping_practitioners=3)


def url(name, review, *args):
    return reverse(f"reviews:{name}", args=[review.pk, *args])


def commitment_data(partner, **overrides):
    data = {
        "partner": partner.pk,
        "mapping_practitioners": "4",
        "focus_group_practitioners": "2",
        "distributes_questionnaire": "on",
        "expected_responses": "30",
        "contact_name": "",
        "contact_role": "Designated nurse",
        "contact_email": "",
        "note": "",
    }
    data.update(overrides)
    return data


def form_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# Reading


@pytest.mark.parametrize("client_name", MANAGERS + READERS_ONLY)
def test_every_member_of_the_review_sees_the_planning_page(request, client_name, review, member, commitment):
    client = request.getfixturevalue(client_name)

    response = client.get(url("planning", review))

    assert response.status_code == 200
    assert "Detective Inspector" in response.content.decode()
    assert response.context["can_manage"] is (client_name in MANAGERS)


def test_the_planning_page_shows_how_many_partners_have_committed(review, lead_client, commitment, health):
    response = lead_client.get(url("planning", review))

    assert (response.context["engagement"].committed_partners, response.context["engagement"].partner_count) == (1, 2)
    assert "1 of 2" in response.content.decode()


def test_a_member_recorded_without_a_name_shows_role_and_agency(review, lead_client, health):
    PlanningMember.objects.create(review=review, role="Designated nurse", partner=health)
    PlanningMember.objects.create(review=review, role="Chair")

    page = lead_client.get(url("planning", review)).content.decode()

    assert "Designated nurse" in page
    assert "Testshire Health Trust" in page
    assert review.council.name in page
    assert page.count("Not recorded") >= 2


def test_the_planning_page_runs_the_same_queries_for_one_and_for_many_records(review, lead_client, police):
    PlanningMember.objects.create(review=review, role="Chair", partner=police)
    PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 9, 1))
    Commitment.objects.create(review=review, partner=police)
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url("planning", review))
    for number in range(12):
        partner = PartnerFactory(council=review.council, name=f"Agency {number}")
        PlanningMember.objects.create(review=review, role=f"Role {number}", partner=partner)
        PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 1 + number))
        Commitment.objects.create(review=review, partner=partner, mapping_practitioners=number)

    with CaptureQueriesContext(connection) as many:
        response = lead_client.get(url("planning", review))

    assert response.context["engagement"].partner_count == 13
    assert len(one) == len(many)


# Members


@pytest.mark.parametrize("client_name", MANAGERS)
def test_leads_sponsor_and_organiser_add_a_member(request, client_name, review, police):
    client = request.getfixturevalue(client_name)

    response = client.post(
        url("planning_member_create", review), {"role": "Designated nurse", "partner": police.pk, "name": ""}
    )

    assert response.status_code == 302
    assert list(PlanningMember.objects.values_list("role", "partner", "name", "email")) == [
        ("Designated nurse", police.pk, "", "")
    ]


def test_a_member_with_no_agency_sits_for_the_council(review, organiser_client):
    organiser_client.post(url("planning_member_create", review), {"role": "Chair", "partner": "", "name": "Ruth"})

    member = PlanningMember.objects.get()
    assert member.partner is None
    assert member.agency_name() == review.council.name


@pytest.mark.parametrize("client_name", READERS_ONLY)
def test_other_members_may_not_add_change_or_remove_members(request, client_name, review, member):
    client = request.getfixturevalue(client_name)

    added = client.post(url("planning_member_create", review), {"role": "Chair"})
    changed = client.post(url("planning_member_edit", review, member.pk), {"role": "Chair", "version": "1"})
    opened = client.get(url("planning_member_remove", review, member.pk))
    removed = client.post(url("planning_member_remove", review, member.pk), {"version": "1"})

    assert (added.status_code, changed.status_code, opened.status_code, removed.status_code) == (403, 403, 403, 403)
    assert list(PlanningMember.objects.values_list("role", "version")) == [("Detective Inspector", 1)]


def test_a_partner_of_another_council_is_refused_for_a_member(review, lead_client, foreign_partner):
    response = lead_client.post(url("planning_member_create", review), {"role": "Chair", "partner": foreign_partner.pk})

    assert response.status_code == 200
    assert form_errors(response) == {"partner": ["Choose one of the council's own partner agencies."]}
    assert PlanningMember.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"role": ""}, {"role": ["Enter the member's role, such as Chair."]}),
        (
            {"role": "Chair", "email": "not an email"},
            {"email": ["Enter an email address in the right format, such as name@example.org."]},
        ),
        ({"role": "Chair", "partner": "police"}, {"partner": ["Choose one of the council's own partner agencies."]}),
    ],
)
def test_bad_member_input_is_refused_with_a_message(review, lead_client, data, errors):
    response = lead_client.post(url("planning_member_create", review), data)

    assert form_errors(response) == errors
    assert "There is a problem" in response.content.decode()
    assert PlanningMember.objects.count() == 0


def test_editing_a_member_raises_its_version(review, lead_client, member, police):
    response = lead_client.post(
        url("planning_member_edit", review, member.pk),
        {"role": "Detective Chief Inspector", "partner": police.pk, "name": "", "version": "1"},
    )

    member.refresh_from_db()
    assert response.status_code == 302
    assert (member.role, member.name, member.version) == ("Detective Chief Inspector", "", 2)


def test_a_stale_edit_of_a_member_is_refused_and_the_first_edit_is_kept(review, lead_client, sponsor_client, member):
    first = {"role": "Chair", "partner": member.partner_id, "name": "First", "version": "1"}
    second = {"role": "Vice chair", "partner": member.partner_id, "name": "Second", "version": "1"}
    lead_client.post(url("planning_member_edit", review, member.pk), first)

    response = sponsor_client.post(url("planning_member_edit", review, member.pk), second)

    member.refresh_from_db()
    assert response.status_code == 200
    assert "changed by someone else after you opened it" in response.content.decode()
    assert (member.role, member.name, member.version) == ("Chair", "First", 2)


def test_the_remove_page_asks_first_and_says_who_is_removed(review, organiser_client, member):
    response = organiser_client.get(url("planning_member_remove", review, member.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Remove Detective Inspector from the planning group?</h1>' in page
    for value in ("Testshire Police", "A Person", "Not recorded"):
        assert f'<dd class="govuk-summary-list__value app-pre-wrap">{value}</dd>' in page
    assert '<input type="hidden" name="version" value="1">' in page
    assert PlanningMember.objects.count() == 1


def test_removing_a_member_from_the_remove_page(review, organiser_client, member):
    response = organiser_client.post(url("planning_member_remove", review, member.pk), {"version": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == url("planning", review) + "#members"
    assert "Detective Inspector removed from the planning group." in response.content.decode()
    assert PlanningMember.objects.count() == 0


def test_the_planning_page_links_to_the_remove_pages_for_managers_only(review, organiser_client, peer_client, member):
    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))

    organiser_page = organiser_client.get(url("planning", review)).content.decode()
    peer_page = peer_client.get(url("planning", review)).content.decode()

    for address in (
        url("planning_member_remove", review, member.pk),
        url("planning_meeting_remove", review, meeting.pk),
    ):
        assert f'href="{address}"' in organiser_page
        assert address not in peer_page
    assert '<form method="post" action="' + url("planning_member_remove", review, member.pk) not in organiser_page


@pytest.mark.parametrize("version", ["", "one", "0", "2"])
def test_a_removal_without_the_current_version_is_refused(review, lead_client, member, version):
    response = lead_client.post(url("planning_member_remove", review, member.pk), {"version": version})

    assert response.status_code == 200
    assert (
        "This member of the planning group was changed by someone else after you opened this page, so they have not "
        "been removed. Check their details below, then remove them again if you still mean to."
    ) in response.content.decode()
    assert PlanningMember.objects.count() == 1


def test_a_stale_removal_is_refused_and_shows_the_member_as_now_saved(review, lead_client, sponsor_client, member):
    lead_client.post(
        url("planning_member_edit", review, member.pk),
        {"role": "Detective Chief Inspector", "partner": member.partner_id, "name": "A Person", "version": "1"},
    )

    response = sponsor_client.post(url("planning_member_remove", review, member.pk), {"version": "1"})

    page = response.content.decode()
    assert "so they have not been removed" in page
    assert "Remove Detective Chief Inspector from the planning group?" in page
    assert '<input type="hidden" name="version" value="2">' in page
    assert list(PlanningMember.objects.values_list("role", "version")) == [("Detective Chief Inspector", 2)]


def test_a_member_of_another_review_is_404(review, other_review, lead_client):
    foreign = PlanningMember.objects.create(review=other_review, role="Chair")

    edit = lead_client.get(url("planning_member_edit", review, foreign.pk))
    opened = lead_client.get(url("planning_member_remove", review, foreign.pk))
    remove = lead_client.post(url("planning_member_remove", review, foreign.pk), {"version": "1"})

    assert (edit.status_code, opened.status_code, remove.status_code) == (404, 404, 404)
    assert PlanningMember.objects.filter(pk=foreign.pk).exists()


def test_removing_a_member_already_removed_is_404(review, lead_client, member):
    lead_client.post(url("planning_member_remove", review, member.pk), {"version": "1"})

    again = lead_client.post(url("planning_member_remove", review, member.pk), {"version": "1"})

    assert again.status_code == 404


def test_removing_takes_only_get_and_post(review, lead_client, member):
    assert lead_client.put(url("planning_member_remove", review, member.pk)).status_code == 405
    assert lead_client.delete(url("planning_meeting_remove", review, 1)).status_code == 405
    assert PlanningMember.objects.count() == 1


# Meetings


def test_the_organiser_adds_a_meeting_with_an_agenda(review, organiser_client):
    response = organiser_client.post(
        url("planning_meeting_create", review), {"held_on": "2026-10-05", "note": "Commitments for case mapping"}
    )

    assert response.status_code == 302
    assert list(PlanningMeeting.objects.values_list("held_on", "note")) == [
        (datetime.date(2026, 10, 5), "Commitments for case mapping")
    ]


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("", "Enter the date of the meeting."),
        ("2026-02-30", "Enter the date of the meeting as a real date, for example 27/3/2027."),
        ("next Tuesday", "Enter the date of the meeting as a real date, for example 27/3/2027."),
    ],
)
def test_a_meeting_needs_a_real_date(review, lead_client, held_on, message):
    response = lead_client.post(url("planning_meeting_create", review), {"held_on": held_on})

    assert form_errors(response) == {"held_on": [message]}
    assert PlanningMeeting.objects.count() == 0


def test_a_second_meeting_on_the_same_day_is_refused(review, lead_client):
    PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))

    response = lead_client.post(url("planning_meeting_create", review), {"held_on": "2026-10-05"})

    assert form_errors(response) == {"held_on": ["A meeting on 5 October 2026 is already recorded."]}
    assert PlanningMeeting.objects.count() == 1


@pytest.mark.parametrize("client_name", READERS_ONLY)
def test_readers_may_not_add_or_remove_meetings(request, client_name, review):
    client = request.getfixturevalue(client_name)
    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))

    added = client.post(url("planning_meeting_create", review), {"held_on": "2026-11-05"})
    opened = client.get(url("planning_meeting_remove", review, meeting.pk))
    removed = client.post(url("planning_meeting_remove", review, meeting.pk), {"held_on": "2026-10-05"})

    assert (added.status_code, opened.status_code, removed.status_code) == (403, 403, 403)
    assert list(PlanningMeeting.objects.values_list("pk", flat=True)) == [meeting.pk]


def test_the_meeting_remove_page_asks_first_and_names_the_meeting(review, organiser_client):
    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5), note="Case mapping")

    response = organiser_client.get(url("planning_meeting_remove", review, meeting.pk))

    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Remove the meeting on 5 October 2026?</h1>' in page
    assert '<dd class="govuk-summary-list__value app-pre-wrap">Case mapping</dd>' in page
    assert '<input type="hidden" name="held_on" value="2026-10-05">' in page
    assert PlanningMeeting.objects.count() == 1


def test_removing_a_meeting_from_the_remove_page(review, organiser_client):
    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))
    kept = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 11, 2))

    response = organiser_client.post(
        url("planning_meeting_remove", review, meeting.pk), {"held_on": "2026-10-05"}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("planning", review) + "#meetings"
    assert "Meeting on 5 October 2026 removed." in response.content.decode()
    assert list(PlanningMeeting.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("held_on", ["", "2026-11-02", "5 October 2026", "2026-02-30"])
def test_a_meeting_removal_naming_another_date_is_refused(review, lead_client, held_on):
    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))

    response = lead_client.post(url("planning_meeting_remove", review, meeting.pk), {"held_on": held_on})

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "The date sent does not match this meeting, so it has not been removed. Check the meeting below, then remove "
        "it again if you still mean to."
    ) in page
    assert "Remove the meeting on 5 October 2026?" in page
    assert PlanningMeeting.objects.count() == 1


@pytest.fixture
def meeting(review):
    return PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5), note="Scoping")


def test_the_organiser_changes_a_meeting_and_its_version_rises(review, organiser_client, meeting):
    opened = organiser_client.get(url("planning_meeting_edit", review, meeting.pk)).content.decode()
    assert 'name="version" value="1"' in opened
    assert 'value="2026-10-05"' in opened

    response = organiser_client.post(
        url("planning_meeting_edit", review, meeting.pk),
        {"held_on": "2026-10-12", "note": "Moved a week: commitments", "version": "1"},
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("planning", review) + "#meetings"
    assert (meeting.held_on, meeting.note, meeting.version) == (
        datetime.date(2026, 10, 12),
        "Moved a week: commitments",
        2,
    )


def test_a_stale_edit_of_a_meeting_is_refused_and_the_first_edit_is_kept(review, lead_client, sponsor_client, meeting):
    lead_client.post(
        url("planning_meeting_edit", review, meeting.pk), {"held_on": "2026-10-05", "note": "First", "version": "1"}
    )

    response = sponsor_client.post(
        url("planning_meeting_edit", review, meeting.pk), {"held_on": "2026-10-06", "note": "Second", "version": "1"}
    )

    meeting.refresh_from_db()
    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": [
            "This planning group meeting was changed by someone else after you opened it, so your changes have not "
            "been saved. Open it again to see the latest version, then make your changes."
        ]
    }
    assert (meeting.held_on, meeting.note, meeting.version) == (datetime.date(2026, 10, 5), "First", 2)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"held_on": "", "version": "1"}, {"held_on": ["Enter the date of the meeting."]}),
        (
            {"held_on": "2026-02-30", "version": "1"},
            {"held_on": ["Enter the date of the meeting as a real date, for example 27/3/2027."]},
        ),
        (
            {"held_on": "2026-11-02", "version": "1"},
            {"held_on": ["A meeting on 2 November 2026 is already recorded."]},
        ),
    ],
)
def test_a_meeting_edit_with_bad_input_saves_nothing(review, lead_client, meeting, data, errors):
    PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 11, 2))

    response = lead_client.post(url("planning_meeting_edit", review, meeting.pk), data)

    meeting.refresh_from_db()
    assert form_errors(response) == errors
    assert (meeting.held_on, meeting.note, meeting.version) == (datetime.date(2026, 10, 5), "Scoping", 1)


def test_a_meeting_edit_without_a_version_is_refused(review, lead_client, meeting):
    response = lead_client.post(url("planning_meeting_edit", review, meeting.pk), {"held_on": "2026-10-07"})

    meeting.refresh_from_db()
    assert list(form_errors(response)) == ["__all__"]
    assert meeting.held_on == datetime.date(2026, 10, 5)


@pytest.mark.parametrize("client_name", READERS_ONLY)
def test_readers_may_not_change_meetings(request, client_name, review, meeting):
    client = request.getfixturevalue(client_name)

    opened = client.get(url("planning_meeting_edit", review, meeting.pk))
    changed = client.post(url("planning_meeting_edit", review, meeting.pk), {"held_on": "2026-10-06", "version": "1"})

    meeting.refresh_from_db()
    assert (opened.status_code, changed.status_code) == (403, 403)
    assert (meeting.held_on, meeting.version) == (datetime.date(2026, 10, 5), 1)


def test_a_meeting_of_another_review_cannot_be_changed(review, other_review, lead_client):
    foreign = PlanningMeeting.objects.create(review=other_review, held_on=datetime.date(2026, 10, 5))

    opened = lead_client.get(url("planning_meeting_edit", review, foreign.pk))
    changed = lead_client.post(
        url("planning_meeting_edit", review, foreign.pk), {"held_on": "2026-10-06", "version": "1"}
    )

    foreign.refresh_from_db()
    assert (opened.status_code, changed.status_code) == (404, 404)
    assert foreign.held_on == datetime.date(2026, 10, 5)


def test_a_meeting_of_another_review_is_404(review, other_review, lead_client):
    foreign = PlanningMeeting.objects.create(review=other_review, held_on=datetime.date(2026, 10, 5))

    opened = lead_client.get(url("planning_meeting_remove", review, foreign.pk))
    removed = lead_client.post(url("planning_meeting_remove", review, foreign.pk), {"held_on": "2026-10-05"})

    assert (opened.status_code, removed.status_code) == (404, 404)
    assert PlanningMeeting.objects.filter(pk=foreign.pk).exists()


# Commitments


@pytest.mark.parametrize("client_name", MANAGERS)
def test_leads_sponsor_and_organiser_record_a_commitment(request, client_name, review, police):
    client = request.getfixturevalue(client_name)

    response = client.post(url("commitment_create", review), commitment_data(police))

    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (
        commitment.partner,
        commitment.mapping_practitioners,
        commitment.focus_group_practitioners,
        commitment.distributes_questionnaire,
        commitment.expected_responses,
        commitment.contact_role,
        commitment.version,
    ) == (police, 4, 2, True, 30, "Designated nurse", 1)


def test_the_record_link_of_a_partner_opens_the_form_with_that_partner_chosen(review, lead_client, police):
    response = lead_client.get(url("commitment_create", review) + f"?partner={police.pk}")

    assert response.status_code == 200
    assert response.context["form"]["partner"].value() == police.pk


@pytest.mark.parametrize("client_name", READERS_ONLY)
def test_other_members_may_not_record_or_change_commitments(request, client_name, review, police, commitment):
    client = request.getfixturevalue(client_name)

    added = client.post(url("commitment_create", review), commitment_data(police))
    changed = client.post(url("commitment_edit", review, commitment.pk), {**commitment_data(police), "version": "1"})

    assert (added.status_code, changed.status_code) == (403, 403)
    assert list(Commitment.objects.values_list("mapping_practitioners", "version")) == [(3, 1)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mapping_practitioners", "-1", "The number of practitioners for case mapping cannot be negative."),
        ("mapping_practitioners", "201", "The number of practitioners for case mapping must be 200 or fewer."),
        ("mapping_practitioners", "99999", "The number of practitioners for case mapping must be 200 or fewer."),
        (
            "mapping_practitioners",
            "three",
            "Enter the number of practitioners for case mapping as a whole number, such as 4.",
        ),
        (
            "mapping_practitioners",
            "2.5",
            "Enter the number of practitioners for case mapping as a whole number, such as 4.",
        ),
        ("mapping_practitioners", "", "Enter the number of practitioners for case mapping, or 0."),
        ("focus_group_practitioners", "-3", "The number of practitioners for focus groups cannot be negative."),
        ("focus_group_practitioners", "1000", "The number of practitioners for focus groups must be 200 or fewer."),
        ("expected_responses", "-5", "The number of expected questionnaire responses cannot be negative."),
        ("expected_responses", "5001", "The number of expected questionnaire responses must be 5000 or fewer."),
        (
            "expected_responses",
            "lots",
            "Enter the number of expected questionnaire responses as a whole number, such as 4.",
        ),
        ("contact_email", "nurse@", "Enter the contact's email in the right format, such as name@example.org."),
    ],
)
def test_bad_numbers_in_a_commitment_are_refused_with_a_message(review, lead_client, police, field, value, message):
    response = lead_client.post(url("commitment_create", review), commitment_data(police, **{field: value}))

    assert response.status_code == 200
    assert form_errors(response) == {field: [message]}
    assert Commitment.objects.count() == 0


def test_expected_responses_need_the_questionnaire_to_be_distributed(review, lead_client, police):
    data = commitment_data(police, expected_responses="30")
    del data["distributes_questionnaire"]

    response = lead_client.post(url("commitment_create", review), data)

    assert form_errors(response) == {
        "expected_responses": ["Leave the expected responses empty unless the agency distributes the questionnaire."]
    }
    assert Commitment.objects.count() == 0


def test_a_partner_of_another_council_is_refused_for_a_commitment(review, lead_client, foreign_partner):
    response = lead_client.post(url("commitment_create", review), commitment_data(foreign_partner))

    assert form_errors(response) == {"partner": ["Choose one of the council's own partner agencies."]}
    assert Commitment.objects.count() == 0


def test_a_second_commitment_for_the_same_partner_is_refused(review, lead_client, police, commitment):
    response = lead_client.post(url("commitment_create", review), commitment_data(police))

    assert form_errors(response) == {
        "partner": ["Testshire Police has already made a commitment: change that one instead."]
    }
    assert Commitment.objects.count() == 1


def test_the_database_holds_one_commitment_per_partner_and_sensible_numbers(review, police, commitment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(review=review, partner=police)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(mapping_practitioners=201)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(expected_responses=10)


def test_editing_a_commitment_raises_its_version(review, organiser_client, police, commitment):
    data = {**commitment_data(police, mapping_practitioners="6"), "version": "1"}

    response = organiser_client.post(url("commitment_edit", review, commitment.pk), data)

    commitment.refresh_from_db()
    assert response.status_code == 302
    assert (commitment.mapping_practitioners, commitment.version) == (6, 2)


def test_a_stale_edit_of_a_commitment_is_refused_and_the_first_edit_is_kept(
    review, lead_client, sponsor_client, police, commitment
):
    lead_client.post(
        url("commitment_edit", review, commitment.pk),
        {**commitment_data(police, mapping_practitioners="5"), "version": "1"},
    )

    response = sponsor_client.post(
        url("commitment_edit", review, commitment.pk),
        {**commitment_data(police, mapping_practitioners="9"), "version": "1"},
    )

    commitment.refresh_from_db()
    assert response.status_code == 200
    assert "This commitment was changed by someone else after you opened it" in response.content.decode()
    assert (commitment.mapping_practitioners, commitment.version) == (5, 2)


def test_an_edit_without_a_version_is_refused(review, lead_client, police, commitment):
    response = lead_client.post(url("commitment_edit", review, commitment.pk), commitment_data(police))

    commitment.refresh_from_db()
    assert "changed by someone else" in response.content.decode()
    assert commitment.version == 1


def test_moving_a_commitment_to_a_partner_that_has_one_is_refused(review, lead_client, police, health, commitment):
    other = Commitment.objects.create(review=review, partner=health)

    response = lead_client.post(url("commitment_edit", review, other.pk), {**commitment_data(police), "version": "1"})

    assert form_errors(response) == {
        "partner": ["Testshire Police has already made a commitment: change that one instead."]
    }
    other.refresh_from_db()
    assert (other.partner, other.version) == (health, 1)


def test_a_commitment_of_another_review_is_404(review, other_review, lead_client):
    partner = PartnerFactory(council=other_review.council)
    foreign = Commitment.objects.create(review=other_review, partner=partner, mapping_practitioners=1)

    got = lead_client.get(url("commitment_edit", review, foreign.pk))
    posted = lead_client.post(url("commitment_edit", review, foreign.pk), {**commitment_data(partner), "version": "1"})

    foreign.refresh_from_db()
    assert (got.status_code, posted.status_code) == (404, 404)
    assert (foreign.mapping_practitioners, foreign.version) == (1, 1)


def test_the_planning_pages_refuse_an_outsider(review, outsider_client, member, commitment):
    for response in [
        outsider_client.get(url("planning", review)),
        outsider_client.post(url("commitment_create", review), {}),
        outsider_client.post(url("commitment_edit", review, commitment.pk), {}),
        outsider_client.post(url("planning_member_edit", review, member.pk), {}),
        outsider_client.get(url("planning_member_remove", review, member.pk)),
        outsider_client.post(url("planning_member_remove", review, member.pk), {"version": "1"}),
    ]:
        assert response.status_code == 404


def test_posts_to_the_planning_pages_need_a_csrf_token(review, lead):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))
    member = PlanningMember.objects.create(review=review, role="Chair")

    responses = [
        client.post(url("planning_meeting_create", review), {"held_on": "2026-11-05"}),
        client.post(url("planning_meeting_remove", review, meeting.pk), {"held_on": "2026-10-05"}),
        client.post(url("planning_member_remove", review, member.pk), {"version": "1"}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert (PlanningMeeting.objects.count(), PlanningMember.objects.count()) == (1, 1)


@pytest.mark.parametrize("client_name", MANAGERS + READERS_ONLY)
def test_the_review_navigation_leads_to_the_planning_page(client_name, request, review):
    client = request.getfixturevalue(client_name)
    overview = client.get(reverse("reviews:overview", args=[review.pk])).content.decode()
    planning_url = reverse("reviews:planning", args=[review.pk])
    assert f'href="{planning_url}">Planning</a>' in overview

    planning = client.get(planning_url).content.decode()
    assert f'href="{planning_url}" aria-current="page">Planning</a>' in planning


def test_a_note_past_the_shared_cap_on_free_text_is_refused_and_nothing_is_saved(review, lead_client):
    kept = lead_client.post(url("planning_meeting_create", review), {"held_on": "2026-10-05", "note": "a" * 100_000})
    refused = lead_client.post(url("planning_meeting_create", review), {"held_on": "2026-10-06", "note": "a" * 100_001})

    assert kept.status_code == 302
    assert form_errors(refused) == {"note": ["The agenda or note must be 100,000 characters or less"]}
    assert list(PlanningMeeting.objects.values_list("held_on", flat=True)) == [datetime.date(2026, 10, 5)]
