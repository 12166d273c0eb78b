import datetime

from interviews.models import ProgrammeRules, Session
from interviews.services import find_clashes, rules_for

from .conftest import MONDAY, make_session


def clashes_of(review, rules=None):
    sessions = list(Session.objects.filter(review=review).prefetch_related("peers"))
    return find_clashes(review=review, sessions=sessions, rules=rules or rules_for(review))


def test_a_peer_in_two_overlapping_sessions_is_a_clash(week_review, peer):
    first = make_session(week_review, peers=[peer], title="Police lead", start="09:00", end="10:00", location="A")
    second = make_session(week_review, peers=[peer], title="MASH visit", start="09:30", end="11:00", location="B")

    clashes = clashes_of(week_review)

    assert [(c.kind, c.session_ids) for c in clashes] == [("peer", (first.pk, second.pk))]
    assert clashes[0].message == (
        f"{peer.get_full_name()} is in two sessions at once on Monday 7 December: "
        "Police lead (09:00–10:00) and MASH visit (09:30–11:00)."
    )


def test_a_room_booked_twice_is_a_clash_whatever_the_spelling(week_review, peer, lead):
    first = make_session(week_review, peers=[peer], title="One", location="Room 1")
    second = make_session(week_review, peers=[lead], title="Two", location="  room   1 ", start="09:59", end="10:30")

    clashes = clashes_of(week_review)

    assert [(c.kind, c.session_ids) for c in clashes] == [("room", (first.pk, second.pk))]


def test_sessions_that_only_touch_do_not_clash(week_review, peer):
    make_session(week_review, peers=[peer], title="One", start="09:00", end="10:00", location="Room 1")
    make_session(week_review, peers=[peer], title="Two", start="10:00", end="11:00", location="Room 1")

    assert clashes_of(week_review) == []


def test_too_little_time_between_sessions_in_different_places_is_a_clash(week_review, peer):
    first = make_session(week_review, peers=[peer], title="Town hall", start="09:00", end="10:00", location="Town hall")
    second = make_session(week_review, peers=[peer], title="Police", start="10:10", end="11:00", location="Police HQ")

    clashes = clashes_of(week_review)

    assert [(c.kind, c.session_ids) for c in clashes] == [("travel", (first.pk, second.pk))]
    assert "has 10 minutes between Town hall and Police on Monday 7 December" in clashes[0].message
    assert clashes[0].message.endswith("allow at least 15.")


def test_the_travel_gap_is_configurable(week_review, peer):
    make_session(week_review, peers=[peer], title="Town hall", start="09:00", end="10:00", location="Town hall")
    make_session(week_review, peers=[peer], title="Police", start="10:10", end="11:00", location="Police HQ")
    rules = ProgrammeRules.objects.create(review=week_review, travel_gap_minutes=5)

    assert clashes_of(week_review, rules) == []


def test_an_online_session_after_one_in_a_room_needs_the_gap_too(week_review, peer):
    make_session(week_review, peers=[peer], title="Room", start="09:00", end="10:00", location="Room 1")
    make_session(
        week_review,
        peers=[peer],
        title="Call",
        start="10:00",
        end="11:00",
        location="",
        online_link="https://x.example/",
    )

    assert [c.kind for c in clashes_of(week_review)] == ["travel"]


def test_a_peer_without_a_break_for_longer_than_the_limit_is_a_clash(week_review, peer):
    sessions = [
        make_session(week_review, peers=[peer], title=f"S{hour}", start=f"{hour:02d}:00", end=f"{hour + 1:02d}:00")
        for hour in (9, 10, 11, 12)
    ]

    clashes = clashes_of(week_review)

    assert [(c.kind, c.session_ids) for c in clashes] == [("no_break", tuple(s.pk for s in sessions))]
    assert "works 4 h 00 min without a break on Monday 7 December (09:00–13:00); the limit is 180 minutes." in (
        clashes[0].message
    )


def test_a_long_enough_gap_counts_as_a_break(week_review, peer):
    make_session(week_review, peers=[peer], title="Morning", start="09:00", end="11:00")
    make_session(week_review, peers=[peer], title="Late morning", start="11:15", end="13:00")

    assert clashes_of(week_review) == []


def test_a_session_outside_the_on_site_week_is_a_clash(week_review):
    session = make_session(week_review, title="Too early", day=MONDAY - datetime.timedelta(days=1))

    clashes = clashes_of(week_review)

    assert [(c.kind, c.session_ids) for c in clashes] == [("outside_week", (session.pk,))]
    assert clashes[0].message == (
        "Too early on Sunday 6 December is outside the on-site week (7 December to 11 December 2026)."
    )


def test_cancelled_sessions_never_clash(week_review, peer):
    make_session(week_review, peers=[peer], title="One", start="09:00", end="10:00")
    make_session(week_review, peers=[peer], title="Two", start="09:00", end="10:00", status=Session.Status.CANCELLED)

    assert clashes_of(week_review) == []


def test_a_clashing_session_is_saved_with_a_warning(week_review, organiser_client, peer):
    make_session(week_review, peers=[peer], title="Existing", start="09:00", end="10:00", location="Room 1")
    data = {
        "kind": "interview",
        "title": "Overlapping",
        "day": "2026-12-07",
        "start": "09:30",
        "end": "10:30",
        "location": "Room 2",
        "peers": [peer.pk],
        "status": "planned",
    }

    response = organiser_client.post(f"/reviews/{week_review.pk}/interviews/sessions/new/", data, follow=True)

    assert response.status_code == 200
    assert Session.objects.filter(review=week_review, title="Overlapping").exists()
    assert "is in two sessions at once on Monday 7 December" in response.content.decode()
