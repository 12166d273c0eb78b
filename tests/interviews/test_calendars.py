import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from interviews.models import Session
from reviews.models import AccessLog

from .conftest import make_session

LONDON = ZoneInfo("Europe/London")
# British Summer Time ended at 02:00 on Sunday 25 October 2026.
FRIDAY_BST = datetime.date(2026, 10, 23)
MONDAY_GMT = datetime.date(2026, 10, 26)


def events(response) -> list:
    calendar = Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


def test_the_programme_calendar_keeps_local_times_across_the_clock_change(review, lead_client, peer):
    make_session(review, peers=[peer], title="Before", day=FRIDAY_BST, start="09:00", end="10:30")
    make_session(review, peers=[peer], title="After", day=MONDAY_GMT, start="09:00", end="10:30")

    response = lead_client.get(f"/reviews/{review.pk}/interviews/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="programme-review-{review.pk}.ics"'
    before, after = events(response)
    assert str(before["summary"]) == "Interview: Before"
    assert before.decoded("dtstart") == datetime.datetime(2026, 10, 23, 9, 0, tzinfo=LONDON)
    assert before.decoded("dtend") == datetime.datetime(2026, 10, 23, 10, 30, tzinfo=LONDON)
    assert after.decoded("dtstart") == datetime.datetime(2026, 10, 26, 9, 0, tzinfo=LONDON)
    assert before.decoded("dtstart").astimezone(datetime.UTC).hour == 8
    assert after.decoded("dtstart").astimezone(datetime.UTC).hour == 9
    assert before["dtstart"].params["TZID"] == "Europe/London"
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_a_peers_calendar_holds_only_their_sessions(review, lead_client, peer, lead):
    make_session(review, peers=[peer], title="Peer's interview", location="Room 1")
    make_session(review, peers=[lead], title="Lead's interview", location="Room 2")

    response = lead_client.get(f"/reviews/{review.pk}/interviews/peers/{peer.pk}/calendar.ics")

    assert [str(event["summary"]) for event in events(response)] == ["Interview: Peer's interview"]
    assert str(events(response)[0]["location"]) == "Room 1"


def test_a_cancelled_session_is_marked_cancelled_in_the_calendar(review, lead_client, peer):
    make_session(review, peers=[peer], status=Session.Status.CANCELLED)

    response = lead_client.get(f"/reviews/{review.pk}/interviews/calendar.ics")

    assert [str(event["status"]) for event in events(response)] == ["CANCELLED"]


def test_host_roles_download_the_calendar_without_names(review, sponsor_client, peer, police):
    session = make_session(review, peers=[peer])
    session.interviewees.create(role="police_lead", agency=police, name="Inspector Alys Marsh")

    response = sponsor_client.get(f"/reviews/{review.pk}/interviews/calendar.ics")

    assert response.status_code == 200
    assert "Police lead (Testshire Police)" in str(events(response)[0]["description"])
    assert b"Alys Marsh" not in response.content


def test_downloading_a_calendar_is_logged(review, lead_client, lead):
    lead_client.get(f"/reviews/{review.pk}/interviews/calendar.ics")

    log = AccessLog.objects.get()
    assert (log.user, log.review, log.action) == (lead, review, AccessLog.Action.DOWNLOAD)


def test_another_reviews_calendar_is_404(review, other_review, lead_client):
    make_session(other_review, title="Elsewhere")

    response = lead_client.get(f"/reviews/{other_review.pk}/interviews/calendar.ics")

    assert response.status_code == 404


def test_a_calendar_for_someone_not_on_the_peer_team_is_404(review, lead_client, sponsor, outsider):
    for user in (sponsor, outsider):
        response = lead_client.get(f"/reviews/{review.pk}/interviews/peers/{user.pk}/calendar.ics")

        assert response.status_code == 404
