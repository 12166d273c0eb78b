"""Focus areas and specific circumstances as lenses in the on-site week: a line of enquiry carries any number of
those in scope, and the coverage page has a row for each, counted like the themes' rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.models import LineOfEnquiry, Session, SessionNote
from interviews.services import coverage
from reviews.models import Finding, FocusArea

from ..factories import FindingFactory
from .conftest import make_session


def focus(review, order: int) -> FocusArea:
    return review.framework.focus_areas.get(kind=FocusArea.Kind.FOCUS, order=order, review__isnull=True)


def circumstance(review, order: int) -> FocusArea:
    return review.framework.focus_areas.get(kind=FocusArea.Kind.CIRCUMSTANCE, order=order, review__isnull=True)


def new_url(review) -> str:
    return f"/reviews/{review.pk}/interviews/lines/new/"


def coverage_url(review) -> str:
    return f"/reviews/{review.pk}/interviews/coverage/"


# Lines of enquiry


def test_a_line_carries_several_focus_areas_and_circumstances(review, lead_client):
    chosen = [focus(review, 2), circumstance(review, 3), circumstance(review, 4)]

    response = lead_client.post(
        new_url(review),
        {
            "text": "Are return interviews timely?",
            "theme": review.framework.themes.get(order=1).pk,
            "focus_areas": [a.pk for a in chosen],
        },
    )

    line = LineOfEnquiry.objects.get()
    assert response.status_code == 302
    assert set(line.focus_areas.all()) == set(chosen)
    page = lead_client.get(f"/reviews/{review.pk}/interviews/lines/").content.decode()
    assert f"Specific circumstance: {circumstance(review, 3).title}" in page


def test_an_edit_changes_a_lines_areas(review, lead_client, line):
    line.focus_areas.set([focus(review, 1)])

    response = lead_client.post(
        f"/reviews/{review.pk}/interviews/lines/{line.pk}/edit/",
        {"text": line.text, "theme": line.theme_id, "focus_areas": [circumstance(review, 2).pk], "version": 1},
    )

    assert response.status_code == 302
    assert list(line.focus_areas.all()) == [circumstance(review, 2)]


def test_an_area_left_out_of_scope_is_refused_by_name_and_nothing_is_saved(review, lead_client):
    left_out = circumstance(review, 7)
    review.excluded_focus_areas.add(left_out)

    response = lead_client.post(
        new_url(review),
        {
            "text": "Are isolated children seen?",
            "theme": review.framework.themes.get(order=1).pk,
            "focus_areas": [focus(review, 1).pk, left_out.pk],
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "Choose focus areas and circumstances in this review" in html
    assert f"“{left_out.title}” is not" in html
    assert not any(left_out.title in label for _, label in response.context["form"].fields["focus_areas"].choices)
    assert not LineOfEnquiry.objects.exists()


def test_an_area_of_another_reviews_own_is_refused(review, other_review, lead_client):
    theirs = FocusArea.objects.create(
        framework=other_review.framework, review=other_review, kind=FocusArea.Kind.FOCUS, order=9, title="Theirs"
    )

    response = lead_client.post(
        new_url(review),
        {"text": "Borrowed line", "theme": review.framework.themes.get(order=1).pk, "focus_areas": [theirs.pk]},
    )

    assert response.status_code == 200  # the form again, with its errors
    assert "“Theirs” is not" in response.content.decode()
    assert not LineOfEnquiry.objects.exists()


def test_a_finding_from_notes_on_a_line_starts_with_the_lines_areas_and_keeps_them(review, peer, peer_client, line):
    line.focus_areas.set([focus(review, 2), circumstance(review, 5)])
    session = make_session(review, peers=[peer], status=Session.Status.HELD)
    note = SessionNote.objects.create(session=session, author=peer, line=line, text="Police attend every strategy.")
    url = f"/reviews/{review.pk}/interviews/notes/{note.pk}/finding/"
    form = peer_client.get(url).context["form"]

    response = peer_client.post(
        url,
        {
            "summary": "Joint investigation is well attended",
            "kind": "strength",
            "theme": form["theme"].value(),
            "focus_areas": form["focus_areas"].value(),
        },
    )

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert set(finding.focus_areas.all()) == {focus(review, 2), circumstance(review, 5)}


# Coverage


def test_the_coverage_has_a_row_per_focus_area_and_circumstance_in_scope(review, peer, line):
    pathways, missing, exploitation = focus(review, 1), circumstance(review, 3), circumstance(review, 4)
    review.excluded_focus_areas.add(circumstance(review, 7))
    line.focus_areas.set([pathways, missing])
    held = make_session(review, peers=[peer], title="Held", status=Session.Status.HELD)
    held.lines.set([line])
    SessionNote.objects.create(session=held, author=peer, line=line, text="Return interviews are timely.")
    planned = make_session(review, peers=[peer], title="Planned", start="11:00", end="12:00")
    planned.lines.set([line])
    FindingFactory(review=review, stage="case-mapping").focus_areas.set([missing, exploitation])
    FindingFactory(review=review, stage="case-mapping").focus_areas.set([missing])
    FindingFactory(review=review, stage="focus-groups").focus_areas.set([missing])
    FindingFactory(review=review, stage="interviews").focus_areas.set([exploitation])

    matrix = coverage(review)

    focus_rows = [
        (row["label"], row["planned"], row["held"], row["stages"], row["status"]) for row in matrix["focus_rows"]
    ]
    assert focus_rows == [
        (pathways.title, 2, 1, [0, 0, 0, 0, 0], "One source only"),
        (focus(review, 2).title, 0, 0, [0, 0, 0, 0, 0], "No evidence"),
        (focus(review, 3).title, 0, 0, [0, 0, 0, 0, 0], "No evidence"),
    ]
    circumstances = {
        row["label"]: (row["planned"], row["held"], row["stages"], row["status"]) for row in matrix["circumstance_rows"]
    }
    assert list(circumstances) == [circumstance(review, order).title for order in range(1, 7)]
    assert circumstances[missing.title] == (2, 1, [0, 2, 0, 1, 0], "Triangulated")
    assert circumstances[exploitation.title] == (0, 0, [0, 1, 0, 0, 0], "One source only")
    assert circumstances[circumstance(review, 1).title] == (0, 0, [0, 0, 0, 0, 0], "No evidence")
    assert matrix["gaps"] == 3 + 6 + 2 + 4  # themes, scope areas, focus areas, circumstances with no source


def test_the_coverage_page_shows_the_focus_areas_and_circumstances(review, lead_client, line):
    line.focus_areas.set([focus(review, 1)])

    response = lead_client.get(coverage_url(review))

    html = response.content.decode()
    assert "Focus areas</caption>" in html
    assert "Specific circumstances</caption>" in html
    assert focus(review, 3).title in html
    assert circumstance(review, 7).title in html


def test_the_coverage_page_runs_the_same_queries_whatever_the_number_of_areas(review, lead_client, peer, line):
    session = make_session(review, peers=[peer], status=Session.Status.HELD)
    session.lines.set([line])
    SessionNote.objects.create(session=session, author=peer, line=line, text="Notes.")
    with CaptureQueriesContext(connection) as few:
        lead_client.get(coverage_url(review))
    for order in range(10, 30):
        area = FocusArea.objects.create(
            framework=review.framework, review=review, kind=FocusArea.Kind.FOCUS, order=order, title=f"Local {order}"
        )
        line.focus_areas.add(area)
        FindingFactory(review=review, stage="audits").focus_areas.set([area])

    with CaptureQueriesContext(connection) as many:
        response = lead_client.get(coverage_url(review))

    assert response.status_code == 200
    assert "Local 29" in response.content.decode()
    assert len(many) == len(few)


def test_the_outsider_gets_404_on_the_coverage_page(review, outsider_client):
    response = outsider_client.get(coverage_url(review))

    assert response.status_code == 404


def test_the_coverage_is_kept_until_the_review_changes(review, lead_client, peer, line, settings):
    settings.DERIVED_FIGURES_SECONDS = 900

    def planned() -> int:
        return sum(row["planned"] for row in lead_client.get(coverage_url(review)).context["theme_rows"])

    assert planned() == 0
    make_session(review, peers=[peer]).lines.set([line])  # straight into the database: the kept figures stand
    assert planned() == 0

    response = lead_client.post(
        new_url(review), {"text": "Is supervision regular?", "theme": review.framework.themes.get(order=1).pk}
    )

    assert response.status_code == 302
    assert planned() == 1
