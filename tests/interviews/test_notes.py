import pytest
from django.contrib.contenttypes.models import ContentType

from interviews.models import Session, SessionNote
from reviews import permissions
from reviews.models import Finding, FindingEvidence, ReviewMembership, Role

from ..factories import UserFactory
from .conftest import make_session


def notes_url(review, session) -> str:
    return f"/reviews/{review.pk}/interviews/sessions/{session.pk}/notes/"


def test_an_attending_peer_writes_notes_per_line_and_general_notes(review, peer, peer_client, line):
    session = make_session(review, peers=[peer], status=Session.Status.HELD)
    session.lines.set([line])

    response = peer_client.post(
        notes_url(review, session),
        {
            f"line_{line.pk}": "Strategy meetings are well attended.",
            "general": "Ran to time.",
            f"line_{line.pk}_version": 0,
        },
    )

    assert response.status_code == 302
    assert set(SessionNote.objects.values_list("line", "text", "author", "version")) == {
        (line.pk, "Strategy meetings are well attended.", peer.pk, 1),
        (None, "Ran to time.", peer.pk, 1),
    }


def test_saving_again_changes_the_notes_and_raises_their_version(review, peer, peer_client):
    session = make_session(review, peers=[peer])
    SessionNote.objects.create(session=session, author=peer, text="First thoughts.")

    peer_client.post(notes_url(review, session), {"general": "Second thoughts.", "general_version": 1})

    assert list(SessionNote.objects.values_list("text", "version")) == [("Second thoughts.", 2)]


def test_saving_notes_with_nothing_written_says_so_and_saves_nothing(review, peer, peer_client, line):
    session = make_session(review, peers=[peer], status=Session.Status.HELD)
    session.lines.set([line])

    response = peer_client.post(notes_url(review, session), {f"line_{line.pk}": "  ", "general": ""})

    assert response.status_code == 200
    assert "Write your notes in at least one box, then save them. Nothing has been saved." in response.content.decode()
    assert "Notes saved." not in response.content.decode()
    assert not SessionNote.objects.exists()


def test_notes_that_identify_someone_are_refused_by_name_and_nothing_is_saved(review, peer, peer_client, line):
    session = make_session(review, peers=[peer], status=Session.Status.HELD)
    session.lines.set([line])

    response = peer_client.post(
        notes_url(review, session),
        {
            f"line_{line.pk}": "Mum can be reached on 07700 900123.",
            "general": "Ran to time.",
            f"line_{line.pk}_version": 0,
        },
    )

    errors = response.context["form"].errors
    assert list(errors) == [f"line_{line.pk}"]
    assert errors[f"line_{line.pk}"][0].startswith("Remove the personal identifier: it contains a phone number.")
    assert "Mum can be reached on 07700 900123." in response.content.decode()  # kept in its box to mend
    assert not SessionNote.objects.exists()


def test_a_stale_notes_form_saves_nothing(review, peer, peer_client, line):
    session = make_session(review, peers=[peer])
    session.lines.set([line])
    SessionNote.objects.create(session=session, author=peer, text="Saved from the other window.", version=2)

    response = peer_client.post(
        notes_url(review, session), {f"line_{line.pk}": "New line notes", "general": "Old window", "general_version": 1}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "general": ["These notes were saved from another window after you opened them; open them again."]
    }
    assert list(SessionNote.objects.values_list("text", flat=True)) == ["Saved from the other window."]


def test_notes_on_a_cancelled_session_are_refused(review, peer, peer_client):
    session = make_session(review, peers=[peer], status=Session.Status.CANCELLED)

    response = peer_client.post(notes_url(review, session), {"general": "Should not be kept."})
    page = peer_client.get(notes_url(review, session)).content.decode()

    assert response.status_code == 403
    assert not SessionNote.objects.exists()
    assert "This session was cancelled, so no notes can be written." in page


def test_a_peer_who_did_not_attend_cannot_write_notes(review, peer, lead_client):
    session = make_session(review, peers=[peer])

    response = lead_client.post(notes_url(review, session), {"general": "Not there."})

    assert response.status_code == 403
    assert not SessionNote.objects.exists()


def test_the_observer_reads_notes_but_cannot_write(review, peer, observer, observer_client):
    session = make_session(review, peers=[peer, observer])
    SessionNote.objects.create(session=session, author=peer, text="Peer's notes.")

    page = observer_client.get(f"/reviews/{review.pk}/interviews/sessions/{session.pk}/")
    response = observer_client.post(notes_url(review, session), {"general": "Observer's notes."})

    assert "Peer&#x27;s notes." in page.content.decode()
    assert response.status_code == 403
    assert SessionNote.objects.count() == 1


def test_host_roles_see_the_timetable_but_not_the_notes(
    review, peer, sponsor_client, organiser_client, contributor_client, line
):
    session = make_session(review, peers=[peer], title="Police lead", status=Session.Status.HELD)
    session.lines.set([line])
    note = SessionNote.objects.create(session=session, author=peer, line=line, text="Confidential peer view.")

    for client in (sponsor_client, organiser_client, contributor_client):
        timetable = client.get(f"/reviews/{review.pk}/interviews/")
        detail = client.get(f"/reviews/{review.pk}/interviews/sessions/{session.pk}/")

        assert timetable.status_code == 200
        assert "Police lead" in timetable.content.decode()
        assert detail.status_code == 200
        assert "How well do agencies share?" in detail.content.decode()
        assert "Confidential peer view." not in detail.content.decode()
        assert client.get(notes_url(review, session)).status_code == 404
        assert client.get(f"/reviews/{review.pk}/interviews/notes/{note.pk}/finding/").status_code == 404


def test_a_finding_raised_from_notes_links_them_as_evidence(review, peer, peer_client, line):
    session = make_session(review, peers=[peer], status=Session.Status.HELD)
    note = SessionNote.objects.create(session=session, author=peer, line=line, text="Health attends strategy meetings.")
    url = f"/reviews/{review.pk}/interviews/notes/{note.pk}/finding/"
    form = peer_client.get(url).context["form"]

    response = peer_client.post(
        url,
        {
            "summary": "Health contributes well to strategy discussions",
            "kind": "strength",
            "theme": form["theme"].value(),
            "scope_area": form["scope_area"].value(),
            "stage": "general",
            "detail": form["detail"].value(),
        },
    )

    finding = Finding.objects.get()
    evidence = FindingEvidence.objects.get()
    assert response.status_code == 302
    assert (finding.stage, finding.theme, finding.scope_area, finding.raised_by) == (
        "interviews",
        line.theme,
        line.scope_area,
        peer,
    )
    assert (evidence.finding, evidence.content_type, evidence.object_id) == (
        finding,
        ContentType.objects.get_for_model(SessionNote),
        note.pk,
    )
    assert evidence.source == note


def test_a_bad_finding_from_notes_saves_nothing(review, peer, peer_client):
    session = make_session(review, peers=[peer])
    note = SessionNote.objects.create(session=session, author=peer, text="Notes.")

    response = peer_client.post(f"/reviews/{review.pk}/interviews/notes/{note.pk}/finding/", {"kind": "strength"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"summary", "theme"}
    assert not Finding.objects.exists()
    assert not FindingEvidence.objects.exists()


def test_notes_that_are_evidence_cannot_be_emptied(review, peer, peer_client):
    session = make_session(review, peers=[peer])
    note = SessionNote.objects.create(session=session, author=peer, text="Evidence.")
    finding = Finding.objects.create(
        review=review, theme=review.framework.themes.first(), kind="strength", summary="S", stage="interviews"
    )
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(SessionNote), object_id=note.pk
    )

    response = peer_client.post(notes_url(review, session), {"general": "", "general_version": 1})

    assert response.context["form"].errors == {
        "general": ["These notes are evidence for a finding, so they cannot be emptied."]
    }
    assert SessionNote.objects.get().text == "Evidence."


def test_a_note_of_another_review_is_404(review, other_review, lead_client, outsider):
    session = make_session(other_review, peers=[outsider])
    note = SessionNote.objects.create(session=session, author=outsider, text="Elsewhere.")

    response = lead_client.get(f"/reviews/{review.pk}/interviews/notes/{note.pk}/finding/")

    assert response.status_code == 404


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_only_attending_peer_writers_may_write_notes_and_never_on_a_cancelled_session(role, review, peer):
    user = UserFactory(username=f"attending-{role}")
    membership = ReviewMembership(review=review, user=user, role=role)
    session = make_session(review, peers=[user])
    cancelled = make_session(review, peers=[user], title="Cancelled", status=Session.Status.CANCELLED)
    not_attending = make_session(review, peers=[peer], title="Elsewhere")

    allowed = permissions.can_write_session_notes(membership, session)

    assert allowed is (role in permissions.PEER_WRITERS)
    assert permissions.can_write_session_notes(membership, cancelled) is False
    assert permissions.can_write_session_notes(membership, not_attending) is False
