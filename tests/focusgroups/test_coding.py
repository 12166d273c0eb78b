import datetime

import pytest
from django.utils import timezone

from focusgroups import services
from focusgroups.models import Code, Coding, FocusGroup
from reviews.models import Finding, FindingEvidence

from .conftest import add_responses, make_code, make_group, make_questionnaire

NOTES = "Caseloads are high. Supervision is regular.\nManagers are visible."


@pytest.fixture
def group(review):
    return make_group(review, notes=NOTES)


@pytest.fixture
def code(review):
    return make_code(review, "Supervision")


def group_url(group) -> str:
    return f"/reviews/{group.review_id}/focus-groups/groups/{group.pk}/"


def test_notes_split_into_paragraphs_and_sentences_with_offsets():
    paragraphs = services.passages(NOTES)

    assert [[(s["start"], s["end"], s["text"]) for s in p["sentences"]] for p in paragraphs] == [
        [(0, 19, "Caseloads are high."), (20, 43, "Supervision is regular.")],
        [(44, 65, "Managers are visible.")],
    ]
    assert NOTES[20:43] == "Supervision is regular."


def test_peer_codes_a_sentence_without_javascript(group, code, peer, peer_client):
    response = peer_client.post(group_url(group), {"code": code.pk, "passages": ["20-43"], "version": 1})

    assert response.status_code == 302
    coding = Coding.objects.get()
    assert (coding.start, coding.end, coding.quote, coding.coder) == (20, 43, "Supervision is regular.", peer)
    assert coding.review == group.review


def test_peer_codes_part_of_a_sentence_by_its_exact_words(group, code, peer_client):
    peer_client.post(group_url(group), {"code": code.pk, "quote": "are visible", "version": 1})

    coding = Coding.objects.get()
    assert (coding.start, coding.end, coding.quote) == (53, 64, "are visible")


def test_coding_words_that_are_not_in_the_notes_is_refused(group, code, peer_client):
    response = peer_client.post(group_url(group), {"code": code.pk, "quote": "Caseloads are low", "version": 1})

    assert response.context["form"].errors == {
        "quote": ["That passage is not in the notes. Copy it exactly from the notes."]
    }
    assert Coding.objects.count() == 0


def test_a_forged_passage_outside_the_notes_is_refused(group, code, peer_client):
    response = peer_client.post(group_url(group), {"code": code.pk, "passages": ["0-999"], "version": 1})

    assert response.context["form"].errors == {"passages": ["That passage is not in the notes."]}
    assert Coding.objects.count() == 0


def test_a_code_of_another_review_is_refused(group, other_review, peer_client):
    elsewhere = make_code(other_review, "Elsewhere")

    response = peer_client.post(group_url(group), {"code": elsewhere.pk, "passages": ["0-19"], "version": 1})

    assert response.context["form"].errors == {"code": ["Choose a code of this review."]}
    assert Coding.objects.count() == 0


def test_coding_against_notes_changed_since_they_were_read_is_refused(group, code, peer_client):
    services.save_notes(group=group, notes=NOTES + "\nA new line.", version=1)

    response = peer_client.post(group_url(group), {"code": code.pk, "passages": ["20-43"], "version": 1})

    assert response.context["form"].errors == {
        "passages": ["The notes have changed since you opened them. Reload the page and code the passage again."]
    }
    assert Coding.objects.count() == 0


def test_two_coders_coding_the_same_notes_both_keep_their_codings(
    group, code, review, peer, lead, peer_client, lead_client
):
    other = make_code(review, "Caseloads")

    peer_client.post(group_url(group), {"code": code.pk, "passages": ["20-43"], "version": 1})
    lead_client.post(group_url(group), {"code": other.pk, "passages": ["0-19"], "version": 1})
    lead_client.post(group_url(group), {"code": code.pk, "passages": ["20-43"], "version": 1})

    assert sorted(Coding.objects.values_list("code__name", "start", "coder__username")) == [
        ("Caseloads", 0, "lead"),
        ("Supervision", 20, "peer"),
    ]


def test_codings_move_with_their_text_when_notes_are_edited(group, code, peer):
    kept = services.code_passage(group=group, code=code, start=20, end=43, coder=peer, version=1)
    removed = services.code_passage(group=group, code=code, start=0, end=19, coder=peer, version=1)

    services.save_notes(
        group=group, notes="New opening line.\nSupervision is regular.\nManagers are visible.", version=1
    )

    kept.refresh_from_db()
    removed.refresh_from_db()
    assert (kept.start, kept.end, kept.detached) == (18, 41, False)
    assert (removed.start, removed.end, removed.detached) == (0, 19, True)
    assert removed.quote == "Caseloads are high."
    assert FocusGroup.objects.get().version == 2


def test_a_stale_notes_edit_is_refused_and_nothing_is_saved(group, peer_client):
    services.save_notes(group=group, notes="Someone else's notes.", version=1)

    response = peer_client.post(f"{group_url(group)}notes/", {"notes": "Mine.", "version": 1})

    assert response.context["form"].errors == {
        "notes": [
            "Someone else saved these notes since you opened them. Your text is below: copy it, reload and try again."
        ]
    }
    assert FocusGroup.objects.get().notes == "Someone else's notes."


def test_notes_that_identify_someone_are_refused_and_nothing_is_saved(group, peer_client):
    response = peer_client.post(
        f"{group_url(group)}notes/",
        {"notes": "A parent gave her email, jo@family.example, to be kept in touch.", "version": 1},
    )

    assert (
        response.context["form"]
        .errors["notes"][0]
        .startswith("Remove the personal identifier: it contains an email address.")
    )
    assert FocusGroup.objects.get().version == 1


def test_the_code_page_shows_every_coded_passage_across_sessions(review, code, peer, peer_client):
    first = make_group(review, title="Staff", notes=NOTES)
    second = make_group(review, title="Partners", notes="Supervision is patchy.")
    services.code_passage(group=first, code=code, start=20, end=43, coder=peer, version=1)
    services.code_passage(group=second, code=code, start=0, end=22, coder=peer, version=1)

    response = peer_client.get(code.get_absolute_url())

    assert [coding.quote for coding in response.context["page"]] == [
        "Supervision is regular.",
        "Supervision is patchy.",
    ]


def test_a_finding_raised_from_a_passage_links_it_as_evidence(group, code, review, peer, peer_client):
    coding = services.code_passage(group=group, code=code, start=20, end=43, coder=peer, version=1)
    theme = review.framework.themes.get(order=4)

    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/codings/{coding.pk}/finding/",
        {"summary": "Supervision is regular", "kind": "strength", "theme": theme.pk},
    )

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert finding.stage == "focus-groups"
    assert list(FindingEvidence.objects.values_list("finding", "object_id")) == [(finding.pk, coding.pk)]
    assert finding.triangulation() == 1


def test_a_free_text_answer_can_be_coded(review, code, peer_client):
    questionnaire = make_questionnaire(review)
    add_responses(questionnaire, values=[4] * 10, text="Supervision keeps being cancelled.")
    answer = questionnaire.responses.order_by("pk").first().answers.exclude(text="").get()

    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/questionnaires/{questionnaire.pk}/code-answer/",
        {"code": code.pk, "answer": answer.pk},
    )

    assert response.status_code == 302
    assert list(Coding.objects.values_list("answer", "quote")) == [(answer.pk, "Supervision keeps being cancelled.")]


def test_every_free_text_answer_offers_the_codebook_with_names_escaped(review, code, peer_client, observer_client):
    make_code(review, "<b>Workload</b> & cover")
    questionnaire = make_questionnaire(review)
    add_responses(questionnaire, values=[4] * 10, text="Supervision keeps being cancelled.")

    page = peer_client.get(questionnaire.get_absolute_url()).content.decode()
    observed = observer_client.get(questionnaire.get_absolute_url()).content.decode()

    assert page.count("Code this answer") == 10
    assert page.count(f'<option value="{code.pk}">Supervision</option>') == 10
    assert page.count("<option value=") == 10 * Code.objects.filter(review=review).count()
    assert "&lt;b&gt;Workload&lt;/b&gt; &amp; cover</option>" in page
    assert "<b>Workload</b>" not in page
    assert "Code this answer" not in observed


def test_a_free_text_answer_hidden_by_the_minimum_cannot_be_coded(review, code, peer_client):
    questionnaire = make_questionnaire(review)
    add_responses(questionnaire, values=[4] * 3, text="Too few to show.")
    answer = questionnaire.responses.order_by("pk").first().answers.exclude(text="").get()

    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/questionnaires/{questionnaire.pk}/code-answer/",
        {"code": code.pk, "answer": answer.pk},
    )

    assert response.status_code == 404
    assert Coding.objects.count() == 0


@pytest.mark.parametrize("client_name", ["sponsor_client", "organiser_client", "contributor_client"])
def test_focus_group_notes_are_hidden_from_host_roles(group, client_name, request):
    client = request.getfixturevalue(client_name)

    assert client.get(group_url(group)).status_code == 404
    assert client.get(f"/reviews/{group.review_id}/focus-groups/codes/").status_code == 404


def test_an_observer_reads_the_notes_but_may_not_code(group, code, observer_client):
    assert observer_client.get(group_url(group)).status_code == 200

    response = observer_client.post(group_url(group), {"code": code.pk, "passages": ["0-19"], "version": 1})

    assert response.status_code == 403
    assert Coding.objects.count() == 0


def test_peer_records_a_focus_group_with_numbers_and_no_names(review, peer, peer_client):
    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/groups/new/",
        {
            "title": "Parents' group",
            "held_on": "2026-11-04",
            "audience": "parents",
            "facilitator": peer.pk,
            "participants": "9",
            "consent_noted": "on",
            "ground_rules_noted": "on",
        },
    )

    group = FocusGroup.objects.get()
    assert response.status_code == 302
    assert (group.participants, group.facilitator, group.consent_noted) == (9, peer, True)


def test_a_focus_group_needs_participants_and_a_peer_facilitator(review, sponsor, peer_client):
    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/groups/new/",
        {
            "title": "Parents' group",
            "held_on": "not a date",
            "audience": "parents",
            "facilitator": sponsor.pk,
            "participants": "0",
        },
    )

    errors = response.context["form"].errors
    assert errors["facilitator"] == ["Choose a member of the peer team."]
    assert errors["held_on"] == ["Enter the date the focus group was held as a real date, for example 27/3/2027."]
    assert set(errors) == {"facilitator", "held_on", "participants"}
    assert FocusGroup.objects.count() == 0


def test_a_focus_group_dated_in_the_future_is_refused_and_nothing_saved(review, peer, peer_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/groups/new/",
        {
            "title": "Parents' group",
            "held_on": tomorrow.isoformat(),
            "audience": "parents",
            "facilitator": peer.pk,
            "participants": "9",
        },
    )

    assert response.context["form"].errors["held_on"] == [
        f"A focus group on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: record it as held once that day has come."
    ]
    assert FocusGroup.objects.count() == 0


def test_peer_adds_a_nested_code(review, code, peer_client):
    response = peer_client.post(f"/reviews/{review.pk}/focus-groups/codes/", {"name": "Frequency", "parent": code.pk})

    assert response.status_code == 302
    assert str(review.codes.get(name="Frequency")) == "Supervision › Frequency"


def test_a_duplicate_code_name_is_refused(review, code, peer_client):
    response = peer_client.post(f"/reviews/{review.pk}/focus-groups/codes/", {"name": "Supervision"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["The codebook already has a code with this name."]}
    assert review.codes.filter(name="Supervision").count() == 1
