import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.models import Interviewee, Session, SessionNote

from .conftest import MONDAY, make_session


def build(review, count: int, peer, line, agency) -> None:
    for index in range(count):
        day = MONDAY + datetime.timedelta(days=index % 5)
        hour = 8 + (index // 5) % 12
        session = make_session(
            review,
            peers=[peer],
            title=f"Session {index}",
            day=day,
            start=f"{hour:02d}:00",
            end=f"{hour:02d}:45",
            location=f"Room {index % 3}",
            status=Session.Status.HELD,
        )
        session.lines.set([line])
        Interviewee.objects.create(session=session, role="team_manager", agency=agency)
        SessionNote.objects.create(session=session, author=peer, line=line, text=f"Notes {index}")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


PAGES = ["", "calendar.ics", "coverage/", "lines/", "peers/{peer}/", "peers/{peer}/calendar.ics"]


@pytest.mark.parametrize("page", PAGES)
def test_programme_pages_run_the_same_queries_for_5_and_60_sessions(page, review, lead_client, peer, line, police):
    url = f"/reviews/{review.pk}/interviews/{page.format(peer=peer.pk)}"
    build(review, 5, peer, line, police)
    small = queries(lead_client, url)
    build(review, 55, peer, line, police)

    large = queries(lead_client, url)

    assert small == large


def test_the_session_page_runs_the_same_queries_whatever_the_notes(review, lead_client, peer, line, police):
    build(review, 1, peer, line, police)
    session = Session.objects.get()
    small = queries(lead_client, session.get_absolute_url())
    for index in range(10):
        extra = line.review.lines_of_enquiry.create(theme=line.theme, text=f"Extra line {index}")
        session.lines.add(extra)
        SessionNote.objects.create(session=session, author=peer, line=extra, text=f"More notes {index}")

    large = queries(lead_client, session.get_absolute_url())

    assert small == large
