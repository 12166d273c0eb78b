import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemapping.models import Event, LearningPoint, WorkshopAgency
from reviews.models import AccessLog, Finding, FindingEvidence

from ..factories import CaseFactory

D = datetime.date


def test_a_member_adds_a_case_by_form(review, organiser_client):
    url = reverse("casemapping:case_create", args=[review.pk])

    response = organiser_client.post(url, {"reference": "C-20", "age_band": "5-9", "legal_status": "cin"})

    assert response.status_code == 302
    assert list(review.cases.values_list("reference", "legal_status")) == [("C-20", "cin")]


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("SW1A 1AA", "“SW1A 1AA” cannot be a case reference"),
        ("9434765919", "“9434765919” cannot be a case reference: it contains what looks like an NHS number."),
        ("C-001", "A case “C-001” is already in the sample; use another reference."),
    ],
)
def test_a_case_reference_that_identifies_a_child_is_refused(review, lead_client, case, reference, message):
    url = reverse("casemapping:case_create", args=[review.pk])

    response = lead_client.post(url, {"reference": reference, "age_band": "5-9", "legal_status": "cin"})

    assert response.status_code == 200
    assert message in response.context["form"].errors["reference"][0]
    assert review.cases.count() == 1


def test_the_councils_record_number_pattern_is_refused(review, lead_client):
    review.council.record_number_pattern = r"^TS\d{6}$"
    review.council.save()

    response = lead_client.post(
        reverse("casemapping:case_create", args=[review.pk]), {"reference": "TS123456", "age_band": "5-9"}
    )

    assert response.context["form"].errors["reference"] == [
        f"“TS123456” looks like one of {review.council.name}'s own record numbers. "
        "Use a review-local reference such as C-01 instead."
    ]


def event_data(agency, event_kind, **values):
    return {"date": "2025-03-14", "kind": event_kind.pk, "agency": agency.pk, "summary": "Referral received", **values}


def test_a_peer_adds_events_which_are_ordered_by_date_then_sequence(review, case, peer_client, police, kinds):
    url = reverse("casemapping:event_create", args=[review.pk, case.pk])

    peer_client.post(url, event_data(police, kinds["referral"], date="2025-03-17"))
    peer_client.post(url, event_data(police, kinds["contact"]))
    response = peer_client.post(url, event_data(police, kinds["referral"]))

    assert response.status_code == 302
    assert list(case.events.order_by("date", "sequence").values_list("date", "sequence", "kind__slug")) == [
        (D(2025, 3, 14), 1, "contact"),
        (D(2025, 3, 14), 2, "referral"),
        (D(2025, 3, 17), 1, "referral"),
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date": "2099-01-01"}, "date", "1 January 2099 is in the future; a chronology records what has happened."),
        ({"date": "14/03/2025x"}, "date", "The date of the event must be a real date"),
        ({"summary": "Mother's email is jo@family.example"}, "summary", "Remove the personal identifier: it contains an email address."),
        ({"summary": "Child DOB 01/02/2015"}, "summary", "Remove the personal identifier: it contains a date of birth."),
        ({"is_disputed": "on"}, "disputed_by", "Choose the agency that disputes this event."),
        ({"kind": 999999}, "kind", "Choose a kind of event from the list."),
        ({"summary": ""}, "summary", "Say what happened."),
        ({"summary": "x" * 10_001}, "summary", "Keep this to 10,000 characters or fewer."),
        ({"decision": "y" * 200_000}, "decision", "Keep this to 10,000 characters or fewer."),
        ({"is_disputed": "on", "disputed_by": 999999, "dispute_reason": "Wrong day"}, "disputed_by",
         "Choose one of the council's partner agencies as the one that disputes the event."),
        ({"threshold_level": 999999}, "threshold_level", "Choose one of the council's threshold levels."),
    ],
)  # fmt: skip
def test_bad_events_are_refused_with_a_message(review, case, peer_client, police, kinds, values, field, message):
    url = reverse("casemapping:event_create", args=[review.pk, case.pk])

    response = peer_client.post(url, event_data(police, kinds["referral"], **values))

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert not case.events.exists()


def test_an_agency_of_another_council_is_refused(review, case, peer_client, kinds, other_review):
    from ..factories import PartnerFactory

    stranger = PartnerFactory(council=other_review.council, name="Otherton Police")

    response = peer_client.post(
        reverse("casemapping:event_create", args=[review.pk, case.pk]), event_data(stranger, kinds["referral"])
    )

    assert response.context["form"].errors["agency"] == ["Choose one of the council's partner agencies."]


def test_a_plan_cannot_end_before_it_began(review, case, peer_client, police, kinds, add_event):
    add_event(case, D(2025, 3, 5), "cp-plan-started")

    response = peer_client.post(
        reverse("casemapping:event_create", args=[review.pk, case.pk]),
        event_data(police, kinds["cp-plan-ended"], date="2025-03-01"),
    )

    assert response.context["form"].errors["date"] == [
        "The child protection plan ended on 1 March 2025 is before the child protection plan started on "
        "5 March 2025: an end cannot come before its start."
    ]


def test_the_same_event_added_twice_is_refused_and_kept_once(review, case, peer_client, police, kinds):
    url = reverse("casemapping:event_create", args=[review.pk, case.pk])

    first = peer_client.post(url, event_data(police, kinds["referral"]))
    again = peer_client.post(url, event_data(police, kinds["referral"], summary="  referral   RECEIVED "))
    different = peer_client.post(url, event_data(police, kinds["referral"], summary="Second referral received"))

    assert first.status_code == 302 and different.status_code == 302
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        "This event is already in the chronology: Referral on 14 March 2025 from Testshire Police, with the same account of "
        "what happened. If it happened again, say what differed."
    ]
    assert case.events.count() == 2


def test_the_same_event_added_by_a_second_press_meanwhile_is_refused_by_the_service(case, police, kinds, peer):
    from casemapping import services

    def unsaved() -> Event:
        return Event(review=case.review, case=case, date=D(2025, 3, 14), kind=kinds["referral"], agency=police,
                     summary="Referral received")  # fmt: skip

    services.add_event(event=unsaved(), user=peer)  # the first press, saved after the second's form was checked
    with pytest.raises(ValidationError, match="already in the chronology"):
        services.add_event(event=unsaved(), user=peer)
    assert case.events.count() == 1


def test_an_event_edited_into_another_is_refused(review, case, peer_client, police, kinds, add_event):
    add_event(case, D(2025, 3, 14), "referral", agency=police, summary="Referral received")
    other = add_event(case, D(2025, 3, 14), "referral", agency=police, summary="Another referral")
    url = reverse("casemapping:event_edit", args=[review.pk, case.pk, other.pk])

    response = peer_client.post(url, event_data(police, kinds["referral"], version=1))
    unchanged = peer_client.post(url, event_data(police, kinds["referral"], summary="Another referral", version=1))

    assert response.status_code == 200 and "already in the chronology" in response.content.decode()
    assert unchanged.status_code == 302  # saving an event as it is never matches itself


def test_a_stale_event_edit_is_refused(review, case, peer_client, police, kinds, add_event):
    event = add_event(case, D(2025, 3, 14), "referral", agency=police)
    url = reverse("casemapping:event_edit", args=[review.pk, case.pk, event.pk])
    Event.objects.filter(pk=event.pk).update(version=2)

    response = peer_client.post(url, event_data(police, kinds["referral"], summary="Changed", version=1))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith("Someone else changed this event")
    assert Event.objects.get(pk=event.pk).summary == "Referral recorded"


def test_an_event_edit_with_the_current_version_is_saved(review, case, peer_client, police, kinds, add_event):
    event = add_event(case, D(2025, 3, 14), "referral", agency=police)
    url = reverse("casemapping:event_edit", args=[review.pk, case.pk, event.pk])

    response = peer_client.post(url, event_data(police, kinds["referral"], summary="Changed", version=1))

    assert response.status_code == 302
    assert Event.objects.values_list("summary", "version").get(pk=event.pk) == ("Changed", 2)


def test_the_edit_form_shows_the_event_s_date_in_the_date_picker(review, case, peer_client, add_event):
    event = add_event(case, D(2025, 3, 4), "referral")

    page = peer_client.get(reverse("casemapping:event_edit", args=[review.pk, case.pk, event.pk])).content.decode()

    # A date input reads only 2025-03-04: the British 04/03/2025 would show an empty date to correct.
    assert 'type="date" name="date" value="2025-03-04"' in page


def test_an_event_of_another_case_is_404(review, case, peer_client, add_event):
    second = CaseFactory(review=review, reference="C-002")
    event = add_event(second, D(2025, 3, 14), "referral")

    response = peer_client.get(reverse("casemapping:event_edit", args=[review.pk, case.pk, event.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("client_name", ["observer_client"])
def test_read_only_roles_get_403_on_every_write(review, case, workshop, client_name, request, police, kinds):
    client = request.getfixturevalue(client_name)
    urls = [
        reverse("casemapping:case_create", args=[review.pk]),
        reverse("casemapping:event_create", args=[review.pk, case.pk]),
        reverse("casemapping:workshop_create", args=[review.pk]),
        reverse("casemapping:workshop_agency_add", args=[review.pk, workshop.pk]),
        reverse("casemapping:workshop_invite", args=[review.pk, workshop.pk]),
        reverse("casemapping:workshop_record", args=[review.pk, workshop.pk]),
        reverse("casemapping:learning_create", args=[review.pk, workshop.pk]),
    ]

    statuses = [client.post(url, event_data(police, kinds["referral"])).status_code for url in urls]

    assert statuses == [403] * 7
    assert not Event.objects.exists()


def test_host_members_cannot_raise_learning_points(review, workshop, sponsor_client):
    response = sponsor_client.get(reverse("casemapping:learning_create", args=[review.pk, workshop.pk]))

    assert response.status_code == 403


def test_the_outsider_gets_404_on_a_case(review, case, outsider_client):
    response = outsider_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk]))

    assert response.status_code == 404


def test_viewing_a_case_is_written_to_the_access_log(review, case, sponsor_client, sponsor):
    sponsor_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk]))

    assert list(AccessLog.objects.values_list("user", "action", "target")) == [(sponsor.pk, "view", "Case C-001")]


def test_a_case_page_flags_a_missed_timescale(review, case, lead_client, add_event):
    add_event(case, D(2025, 2, 5), "strategy-discussion")
    add_event(case, D(2025, 3, 5), "initial-cp-conference")

    response = lead_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk]))

    html = response.content.decode()
    assert "3 missed timescales in this chronology." in html  # the conference, and no core group or review
    assert "Missed by 5 working days" in html
    assert 'class="app-chart app-timeline"' in html
    assert "<title>Missed: Initial child protection conference</title>" in html


def test_the_chronology_filters_by_agency_kind_and_dispute(review, case, lead_client, add_event, police, kinds):
    add_event(case, D(2025, 2, 5), "referral", agency=police)
    add_event(case, D(2025, 2, 6), "contact", is_disputed=True, disputed_by=police, dispute_reason="Wrong day")
    url = reverse("casemapping:case_detail", args=[review.pk, case.pk])

    by_agency = lead_client.get(url, {"agency": police.pk})
    by_kind = lead_client.get(url, {"kind": kinds["contact"].pk})
    disputed = lead_client.get(url, {"disputed": "yes"})

    assert [event.kind.slug for event in by_agency.context["page"]] == ["referral"]
    assert [event.kind.slug for event in by_kind.context["page"]] == ["contact"]
    assert [event.kind.slug for event in disputed.context["page"]] == ["contact"]
    not_disputed = lead_client.get(url, {"disputed": "no"})
    assert [event.kind.slug for event in not_disputed.context["page"]] == ["referral"]
    # Unfiltered (or with an empty or refused filter), the page lists the chronology it has already read.
    for query in ({}, {"agency": "", "kind": "", "disputed": ""}, {"agency": "not-a-number"}):
        with CaptureQueriesContext(connection) as captured:
            page = lead_client.get(url, query).context["page"]
        assert [event.kind.slug for event in page] == ["referral", "contact"]
        # The filters' selects list their choices without counting them first.
        counted = [q["sql"] for q in captured if "COUNT(" in q["sql"]]
        assert not [sql for sql in counted if '"reviews_partner"' in sql or '"casemapping_eventkind"' in sql]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _chronology(case, add_event, size):
    start = D(2024, 1, 1)
    kinds = ["referral", "referral-decision", "strategy-discussion", "initial-cp-conference", "core-group"]
    for index in range(size):
        add_event(case, start + datetime.timedelta(days=index), kinds[index % len(kinds)])


def test_a_chronology_of_5_and_of_200_events_costs_the_same_queries(review, lead, lead_client, add_event):
    small, large = CaseFactory(review=review, reference="S-1"), CaseFactory(review=review, reference="L-1")
    _chronology(small, add_event, 5)
    _chronology(large, add_event, 200)

    few = _queries(lead_client, reverse("casemapping:case_detail", args=[review.pk, small.pk]))
    many = _queries(lead_client, reverse("casemapping:case_detail", args=[review.pk, large.pk]))

    assert few == many


@pytest.mark.parametrize("url_name", ["casemapping:timeliness", "casemapping:index"])
def test_a_review_of_5_and_of_50_cases_costs_the_same_queries(review, other_review, lead, url_name, add_event):
    from reviews.models import ReviewMembership, Role

    from ..conftest import _client

    ReviewMembership.objects.create(review=other_review, user=lead, role=Role.LEAD)
    client = _client(lead)
    for target, size in ((review, 5), (other_review, 50)):
        for number in range(size):
            case = CaseFactory(review=target, reference=f"Q-{number}")
            _chronology(case, add_event, 3)

    few = _queries(client, reverse(url_name, args=[review.pk]))
    many = _queries(client, reverse(url_name, args=[other_review.pk]))

    assert few == many


def test_a_workshop_records_agencies_by_number_and_learning_becomes_a_finding(
    review, case, workshop, lead_client, police, add_event
):
    event = add_event(case, D(2025, 2, 5), "strategy-discussion")

    agency = lead_client.post(
        reverse("casemapping:workshop_agency_add", args=[review.pk, workshop.pk]),
        {"agency": police.pk, "practitioners": 3},
    )
    learning = lead_client.post(
        reverse("casemapping:learning_create", args=[review.pk, workshop.pk]),
        {
            "summary": "Health are missing from strategy discussions",
            "kind": "area",
            "theme": review.framework.themes.get(order=3).pk,
            "events": [event.pk],
        },
    )

    assert (agency.status_code, learning.status_code) == (302, 302)
    assert list(WorkshopAgency.objects.values_list("agency", "practitioners")) == [(police.pk, 3)]
    point = LearningPoint.objects.get()
    assert (point.finding.stage, point.finding.status, point.finding.summary) == (
        "case-mapping",
        Finding.Status.DRAFT,
        "Health are missing from strategy discussions",
    )
    assert list(FindingEvidence.objects.values_list("finding", "content_type", "object_id")) == [
        (point.finding.pk, ContentType.objects.get_for_model(Event).pk, event.pk)
    ]


def test_learning_points_are_hidden_from_the_host(review, workshop, sponsor_client):
    LearningPoint.objects.create(
        workshop=workshop, summary="Peer working note", theme=review.framework.themes.first(), kind="area"
    )

    response = sponsor_client.get(reverse("casemapping:workshop_detail", args=[review.pk, workshop.pk]))

    assert response.status_code == 200
    assert "Peer working note" not in response.content.decode()


def test_posts_without_a_csrf_token_are_refused(review, case, peer, police, kinds):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(peer)

    response = client.post(
        reverse("casemapping:event_create", args=[review.pk, case.pk]), event_data(police, kinds["referral"])
    )

    assert response.status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize("model", ["eventkind", "timescalerule", "timescalesetting", "event", "workshop"])
def test_the_admin_lists_case_mapping_configuration(admin_client, model):
    response = admin_client.get(f"/admin/casemapping/{model}/")

    assert response.status_code == 200


def test_the_admin_lists_the_seeded_national_rules(admin_client):
    response = admin_client.get("/admin/casemapping/timescalerule/", {"q": "Single assessment"})

    assert "Working Together to Safeguard Children 2013" in response.content.decode()


def test_the_wrong_method_on_a_post_only_url_is_405(review, workshop, lead_client):
    response = lead_client.get(reverse("casemapping:workshop_agency_add", args=[review.pk, workshop.pk]))

    assert response.status_code == 405


def test_the_workshop_list_costs_the_same_queries_for_1_and_50_workshops(review, other_review, lead, police):
    from casemapping.models import Workshop
    from reviews.models import ReviewMembership, Role

    from ..conftest import _client

    ReviewMembership.objects.create(review=other_review, user=lead, role=Role.LEAD)
    client = _client(lead)
    for target, size in ((review, 1), (other_review, 50)):
        for number in range(size):
            Workshop.objects.create(
                status=Workshop.Status.HELD, review=target, held_on=D(2025, 1, 1) + datetime.timedelta(days=number)
            )

    few = _queries(client, reverse("casemapping:workshops", args=[review.pk]))
    many = _queries(client, reverse("casemapping:workshops", args=[other_review.pk]))

    assert few == many


def test_the_timeliness_table_is_kept_until_the_review_changes(review, lead_client, settings):
    settings.DERIVED_FIGURES_SECONDS = 900
    url = reverse("casemapping:timeliness", args=[review.pk])
    CaseFactory(review=review, reference="K-1")
    assert lead_client.get(url).context["case_count"] == 1
    CaseFactory(review=review, reference="K-2")  # straight into the database: the kept table stands
    assert lead_client.get(url).context["case_count"] == 1

    lead_client.post(
        reverse("casemapping:case_create", args=[review.pk]),
        {"reference": "K-3", "age_band": "5-9", "legal_status": "cin"},
    )

    assert lead_client.get(url).context["case_count"] == 3
