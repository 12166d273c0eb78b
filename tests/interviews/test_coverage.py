from interviews.models import LineOfEnquiry, Session, SessionNote
from interviews.services import coverage

from ..factories import FindingFactory
from .conftest import make_session


def test_the_coverage_matrix_counts_sessions_notes_and_other_stages(review, peer, line):
    working_together = review.framework.themes.get(order=3)
    effective_practice = review.framework.themes.get(order=1)
    partnership = review.framework.scope_areas.get(order=5)
    practice_line = LineOfEnquiry.objects.create(review=review, theme=effective_practice, text="Voice of the child?")
    held = make_session(review, peers=[peer], title="Held", status=Session.Status.HELD)
    held.lines.set([line, practice_line])
    SessionNote.objects.create(session=held, author=peer, line=line, text="Strategy meetings well attended.")
    SessionNote.objects.create(session=held, author=peer, line=None, text="General.")
    planned = make_session(review, peers=[peer], title="Planned", start="11:00", end="12:00")
    planned.lines.set([line, practice_line])
    cancelled = make_session(review, title="Cancelled", start="13:00", end="14:00", status=Session.Status.CANCELLED)
    cancelled.lines.set([line])
    FindingFactory(review=review, theme=working_together, scope_area=partnership, stage="case-mapping")
    FindingFactory(review=review, theme=working_together, stage="case-mapping")
    FindingFactory(review=review, theme=effective_practice, stage="audits")
    FindingFactory(review=review, theme=effective_practice, stage="interviews")

    matrix = coverage(review)

    assert [stage.slug for stage in matrix["stages"]] == [
        "self-assessment",
        "case-mapping",
        "audits",
        "focus-groups",
        "conference",
    ]
    rows = {row["label"]: (row["planned"], row["held"], row["stages"], row["status"]) for row in matrix["theme_rows"]}
    assert rows == {
        "Effective practice, service delivery and the voice of the child": (2, 0, [0, 0, 1, 0, 0], "One source only"),
        "Outcomes, impact and performance": (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        "Working together": (2, 1, [0, 2, 0, 0, 0], "Triangulated"),
        "Capacity and managing resources": (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        "Vision, strategy and leadership": (0, 0, [0, 0, 0, 0, 0], "No evidence"),
    }
    areas = [(row["planned"], row["held"], row["stages"], row["status"]) for row in matrix["area_rows"]]
    assert areas == [
        (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        (2, 1, [0, 1, 0, 0, 0], "Triangulated"),
        (0, 0, [0, 0, 0, 0, 0], "No evidence"),
        (0, 0, [0, 0, 0, 0, 0], "No evidence"),
    ]
    assert matrix["gaps"] == 9 + 3 + 7  # and the framework's focus areas and circumstances, none with evidence


def test_notes_on_a_session_not_yet_held_do_not_count_as_evidence(review, peer, line):
    session = make_session(review, peers=[peer], status=Session.Status.CONFIRMED)
    session.lines.set([line])
    SessionNote.objects.create(session=session, author=peer, line=line, text="Prepared questions.")

    matrix = coverage(review)

    working_together = matrix["theme_rows"][2]
    assert (working_together["planned"], working_together["held"], working_together["status"]) == (1, 0, "No evidence")


def test_the_coverage_page_is_for_the_peer_side(review, lead_client, observer_client, sponsor_client, organiser_client):
    url = f"/reviews/{review.pk}/interviews/coverage/"

    assert lead_client.get(url).status_code == 200
    assert observer_client.get(url).status_code == 200
    assert sponsor_client.get(url).status_code == 404
    assert organiser_client.get(url).status_code == 404
