import datetime

import pytest
from django.utils import timezone

from interviews.models import Interviewee, Session

from .conftest import make_session


def session_data(**changes) -> dict:
    data = {
        "kind": "interview",
        "title": "Head of service, front door",
        "day": "2026-12-07",
        "start": "09:00",
        "end": "10:00",
        "location": "Committee Room 2",
        "online_link": "",
        "status": "planned",
    }
    return {**data, **changes}


def test_the_organiser_adds_a_session_with_peers_and_lines(review, organiser_client, peer, line):
    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/new/", session_data(peers=[peer.pk], lines=[line.pk])
    )

    session = Session.objects.get(review=review)
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/interviews/sessions/{session.pk}/"
    assert (session.title, session.day, session.start, session.end) == (
        "Head of service, front door",
        datetime.date(2026, 12, 7),
        datetime.time(9, 0),
        datetime.time(10, 0),
    )
    assert list(session.peers.all()) == [peer]
    assert list(session.lines.all()) == [line]


def test_an_end_before_the_start_is_refused_with_a_message_on_the_end(review, organiser_client):
    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/new/", session_data(start="11:00", end="10:00")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["The end must be after the start."]}
    assert 'href="#id_end"' in response.content.decode()
    assert not Session.objects.exists()


def test_the_database_refuses_an_end_before_the_start(review):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_session(review, start="11:00", end="10:00")


def test_wrong_types_and_missing_place_are_named(review, organiser_client):
    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/new/",
        session_data(day="next monday", start="nine", kind="party", location=""),
    )

    assert response.context["form"].errors == {
        "kind": ["Select the kind of session from the choices given"],
        "day": ["Enter the day as a real date, for example 27/3/2027."],
        "start": ["Enter the time the session starts as a real time, for example 14:30."],
        "location": ["Enter a location or an online link."],
    }
    assert not Session.objects.exists()


def test_missing_times_are_named_in_words(review, organiser_client):
    response = organiser_client.post(f"/reviews/{review.pk}/interviews/sessions/new/", session_data(start="", end=""))

    errors = response.context["form"].errors
    assert (errors["start"], errors["end"]) == (
        ["Enter the time the session starts."],
        ["Enter the time the session ends."],
    )


def test_a_title_that_identifies_someone_is_refused(review, organiser_client):
    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/new/", session_data(title="Call back jo@family.example")
    )

    assert response.context["form"].errors["title"][0].startswith("Remove the personal identifier: it contains an")
    assert not Session.objects.exists()


def test_peers_and_lines_from_another_review_are_refused(review, organiser_client, outsider, other_line):
    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/new/", session_data(peers=[outsider.pk], lines=[other_line.pk])
    )

    errors = response.context["form"].errors
    assert errors["peers"] == ["Choose peers from this review's peer team."]
    assert errors["lines"] == ["Choose lines of enquiry of this review."]
    assert not Session.objects.filter(review=review).exists()


def test_a_stale_edit_is_refused_and_nothing_changes(review, organiser_client, lead_client):
    session = make_session(review, title="Original")
    url = f"/reviews/{review.pk}/interviews/sessions/{session.pk}/edit/"
    lead_client.post(url, session_data(title="Lead's change", version=1))

    response = organiser_client.post(url, session_data(title="Organiser's change", version=1))

    session.refresh_from_db()
    assert response.status_code == 200
    assert "changed by someone else after you opened it" in response.content.decode()
    assert (session.title, session.version) == ("Lead's change", 2)


def test_an_edit_of_another_reviews_session_is_404(review, other_review, organiser_client):
    session = make_session(other_review)

    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/{session.pk}/edit/", session_data(version=1)
    )

    assert response.status_code == 404


@pytest.mark.parametrize("client_name", ["observer_client", "peer_client", "sponsor_client", "contributor_client"])
def test_only_timetable_editors_change_sessions(request, client_name, review, line):
    client = request.getfixturevalue(client_name)
    session = make_session(review)

    created = client.post(f"/reviews/{review.pk}/interviews/sessions/new/", session_data())
    edited = client.post(f"/reviews/{review.pk}/interviews/sessions/{session.pk}/edit/", session_data(version=1))

    assert (created.status_code, edited.status_code) == (403, 403)
    assert Session.objects.count() == 1


def test_the_wrong_method_is_405(review, organiser_client):
    session = make_session(review)

    response = organiser_client.get(f"/reviews/{review.pk}/interviews/sessions/{session.pk}/interviewees/")

    assert response.status_code == 405


def test_the_organiser_records_who_is_met_with_a_name_only_the_organiser_sees(
    review, organiser_client, lead_client, sponsor_client, police
):
    session = make_session(review)
    url = f"/reviews/{review.pk}/interviews/sessions/{session.pk}/"

    response = organiser_client.post(
        url + "interviewees/", {"role": "police_lead", "agency": police.pk, "name": "DCI Rhodes"}
    )

    assert response.status_code == 302
    assert list(session.interviewees.values_list("role", "agency", "name")) == [
        ("police_lead", police.pk, "DCI Rhodes")
    ]
    assert "DCI Rhodes" in organiser_client.get(url).content.decode()
    for client in (lead_client, sponsor_client):
        page = client.get(url).content.decode()
        assert "Police lead" in page
        assert "DCI Rhodes" not in page
        assert "DCI Rhodes" not in client.get(f"/reviews/{review.pk}/interviews/").content.decode()


def test_an_agency_of_another_council_is_refused(review, other_review, organiser_client):
    from reviews.models import Partner, PartnerKind

    elsewhere = Partner.objects.create(
        council=other_review.council, kind=PartnerKind.objects.get(slug="police"), name="X"
    )
    session = make_session(review)

    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/{session.pk}/interviewees/",
        {"role": "bishop", "agency": elsewhere.pk},
    )

    assert response.status_code == 400
    assert response.context["interviewee_form"].errors == {
        "role": ["Choose one of the roles listed."],
        "agency": [f"Choose an agency of {review.council.name}."],
    }
    assert not Interviewee.objects.exists()


def test_the_organiser_removes_an_interviewee(review, organiser_client, police):
    session = make_session(review)
    person = session.interviewees.create(role="police_lead", agency=police)

    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/{session.pk}/interviewees/{person.pk}/remove/"
    )

    assert response.status_code == 302
    assert not Interviewee.objects.exists()


def test_the_timetable_is_filtered_by_peer_and_day(review, lead_client, peer, lead):
    make_session(review, peers=[peer], title="Peer's Monday", location="A")
    make_session(review, peers=[lead], title="Lead's Monday", location="B")
    make_session(review, peers=[peer], title="Peer's Tuesday", day=datetime.date(2026, 12, 8))

    response = lead_client.get(f"/reviews/{review.pk}/interviews/", {"peer": peer.pk, "day": "2026-12-07"})

    assert [s.title for s in response.context["page"]] == ["Peer's Monday"]


def test_the_clash_rules_are_saved_and_checked(review, organiser_client):
    url = f"/reviews/{review.pk}/interviews/rules/"

    refused = organiser_client.post(
        url, {"travel_gap_minutes": "ten", "max_without_break_minutes": 10, "break_minutes": 15}
    )
    saved = organiser_client.post(
        url, {"travel_gap_minutes": 20, "max_without_break_minutes": 240, "break_minutes": 15}
    )

    assert refused.context["form"].errors == {
        "travel_gap_minutes": ["The least gap between sessions in different places (minutes) must be a whole number"],
        "max_without_break_minutes": ["Allow at least 30 minutes without a break."],
    }
    assert saved.status_code == 302
    assert (review.programme_rules.travel_gap_minutes, review.programme_rules.max_without_break_minutes) == (20, 240)


def test_a_peer_agenda_lists_only_their_active_sessions(review, sponsor_client, peer, lead):
    make_session(review, peers=[peer], title="Theirs", location="A")
    make_session(review, peers=[peer], title="Dropped", location="B", status=Session.Status.CANCELLED)
    make_session(review, peers=[lead], title="Not theirs", location="C")

    response = sponsor_client.get(f"/reviews/{review.pk}/interviews/peers/{peer.pk}/")

    assert [s.title for day in response.context["days"] for s in day["sessions"]] == ["Theirs"]


def test_the_week_at_a_glance_puts_sessions_under_their_day_and_hour(review, lead_client):
    monday = make_session(review, title="Monday nine", start="09:15", end="10:00", location="A")
    tuesday = make_session(review, title="Tuesday two", day=datetime.date(2026, 12, 8), start="14:00", end="15:00")

    grid = lead_client.get(f"/reviews/{review.pk}/interviews/").context["grid"]

    assert grid["days"] == [datetime.date(2026, 12, 7), datetime.date(2026, 12, 8)]
    assert [(row["hour"], row["cells"]) for row in grid["rows"]] == [
        ("09:00", [[monday], []]),
        ("14:00", [[], [tuesday]]),
    ]


def test_a_session_dated_in_the_future_cannot_be_set_to_held(review, organiser_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/new/", session_data(day=tomorrow.isoformat(), status="held")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "status": [
            f"A session on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: "
            "record it as held once that day has come."
        ]
    }
    assert 'href="#id_status' in response.content.decode()
    assert not Session.objects.exists()


def test_a_planned_session_is_marked_held_once_its_day_has_come(review, organiser_client):
    today = timezone.localdate()
    session = make_session(review, day=today, status=Session.Status.CONFIRMED)

    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/{session.pk}/edit/",
        session_data(day=today.isoformat(), status="held", version=session.version),
    )

    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == Session.Status.HELD


def test_moving_a_held_session_to_a_future_day_is_refused_and_nothing_saved(review, organiser_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    session = make_session(review, day=yesterday, status=Session.Status.HELD)
    next_week = timezone.localdate() + datetime.timedelta(days=7)

    response = organiser_client.post(
        f"/reviews/{review.pk}/interviews/sessions/{session.pk}/edit/",
        session_data(day=next_week.isoformat(), status="held", version=session.version),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["status"]
    assert Session.objects.get(pk=session.pk).day == yesterday
