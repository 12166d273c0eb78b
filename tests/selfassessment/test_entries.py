import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Finding, FindingEvidence, Framework, GradeScale, Role
from selfassessment.models import Entry, PeerAnalysis, Submission

from ..factories import MembershipFactory, ReviewFactory
from .factories import DocumentFactory, EntryFactory, PeerAnalysisFactory


def url(name, review, *args):
    return reverse(f"selfassessment:{name}", args=[review.pk, *args])


def entry_data(entry, **changes):
    data = {
        "what_we_know": "We know our front door well.",
        "how_we_know": "Dip samples and partner feedback.",
        "what_next": "Train school leads.",
        "grade": entry.review.grade_scale.grades.get(rank=2).pk,
        "version": entry.version,
    }
    data.update(changes)
    return data


# Setting up


def test_setting_up_adds_one_entry_per_scope_area(review, organiser_client):
    response = organiser_client.post(url("set_up", review))

    assert response.status_code == 302
    assert list(
        review.self_assessment_entries.values_list("scope_area__order", flat=True).order_by("scope_area__order")
    ) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]


def test_setting_up_again_with_themes_adds_the_five_themes_and_keeps_existing_entries(review, lead_client):
    lead_client.post(url("set_up", review))
    first = set(review.self_assessment_entries.values_list("pk", flat=True))

    lead_client.post(url("set_up", review), {"include_themes": "on"})

    assert first <= set(review.self_assessment_entries.values_list("pk", flat=True))
    assert review.self_assessment_entries.filter(theme__isnull=False).count() == 5
    assert review.self_assessment_entries.count() == 12


@pytest.mark.parametrize("client_name", ["contributor_client", "peer_client", "observer_client"])
def test_only_the_lead_challenge_manager_and_organiser_set_up(review, client_name, request):
    response = request.getfixturevalue(client_name).post(url("set_up", review))

    assert response.status_code == 403
    assert review.self_assessment_entries.count() == 0


def test_an_entry_is_for_a_scope_area_or_a_theme_never_both_or_neither(review):
    area = review.framework.scope_areas.first()
    theme = review.framework.themes.first()

    for scope_area, theme_value in [(area, theme), (None, None)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Entry.objects.create(review=review, scope_area=scope_area, theme=theme_value)


def test_one_entry_per_scope_area_per_review(review):
    EntryFactory(review=review)

    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(review=review)


# The council writes and submits


def test_a_contributor_saves_an_entry_and_the_version_goes_up(review, contributor_client, contributor):
    entry = EntryFactory(review=review, what_we_know="")
    document = DocumentFactory(review=review)

    response = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry, documents=[document.pk]))

    entry.refresh_from_db()
    assert response.status_code == 302
    assert (entry.what_we_know, entry.version, entry.updated_by) == ("We know our front door well.", 2, contributor)
    assert list(entry.documents.all()) == [document]


def test_a_grade_from_another_scale_is_refused_on_the_field_and_nothing_is_saved(review, contributor_client):
    entry = EntryFactory(review=review)
    other_scale = GradeScale.objects.get(framework=review.framework, name="Ofsted scale until November 2013")
    adequate = other_scale.grades.get(label="Adequate")

    response = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry, grade=adequate.pk))

    entry.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["grade"] == ["Choose a grade from this review's grade scale."]
    assert entry.version == 1


def test_a_grade_from_another_framework_is_refused(review, contributor_client):
    other = Framework.objects.create(name="Another framework", version="1")
    scale = other.grade_scales.create(name="Another scale")
    foreign = scale.grades.create(rank=1, label="Top")
    entry = EntryFactory(review=review)

    response = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry, grade=foreign.pk))

    assert response.context["form"].errors["grade"] == ["Choose a grade from this review's grade scale."]


@pytest.mark.parametrize("grade", ["excellent", "999999"])
def test_a_grade_that_is_not_a_grade_is_refused(review, contributor_client, grade):
    entry = EntryFactory(review=review)

    response = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry, grade=grade))

    assert response.context["form"].errors["grade"] == ["Choose a grade that exists."]


def test_a_document_of_another_review_cannot_be_linked(review, other_review, contributor_client):
    entry = EntryFactory(review=review)
    foreign = DocumentFactory(review=other_review)

    response = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry, documents=[foreign.pk]))

    assert response.context["form"].errors["documents"] == ["Choose documents that exist."]
    assert entry.documents.count() == 0


def test_a_document_of_another_review_gets_the_same_answer_as_one_that_does_not_exist(
    review, other_review, contributor_client
):
    entry = EntryFactory(review=review)
    foreign = DocumentFactory(review=other_review)

    of_another_review = contributor_client.post(
        url("entry_edit", review, entry.pk), entry_data(entry, documents=[foreign.pk])
    )
    missing = contributor_client.post(
        url("entry_edit", review, entry.pk), entry_data(entry, documents=[foreign.pk + 1000])
    )

    assert (of_another_review.status_code, missing.status_code) == (200, 200)
    assert of_another_review.context["form"].errors == missing.context["form"].errors
    assert missing.context["form"].errors == {"documents": ["Choose documents that exist."]}


def test_a_stale_edit_is_refused_and_both_versions_are_shown(review, contributor_client, organiser_client):
    entry = EntryFactory(review=review)
    organiser_client.post(url("entry_edit", review, entry.pk), entry_data(entry, what_we_know="The organiser's words"))

    response = contributor_client.post(
        url("entry_edit", review, entry.pk), entry_data(entry, what_we_know="The contributor's words", version=1)
    )

    entry.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert "after you opened it, so your changes have not been saved" in page
    assert "The organiser&#x27;s words" in page
    assert "The contributor&#x27;s words" in page
    assert (entry.what_we_know, entry.version) == ("The organiser's words", 2)


@pytest.mark.parametrize("client_name", ["lead_client", "peer_client", "observer_client"])
def test_the_peer_side_cannot_edit_or_submit_the_councils_entry(review, client_name, request):
    client = request.getfixturevalue(client_name)
    entry = EntryFactory(review=review)

    edited = client.post(url("entry_edit", review, entry.pk), entry_data(entry))
    submitted = client.post(url("entry_submit", review, entry.pk))

    entry.refresh_from_db()
    assert (edited.status_code, submitted.status_code) == (403, 403)
    assert (entry.status, entry.version) == ("draft", 1)


def test_submitting_an_entry_records_who_and_when(review, contributor_client, contributor):
    entry = EntryFactory(review=review)

    contributor_client.post(url("entry_submit", review, entry.pk))

    entry.refresh_from_db()
    assert (entry.status, entry.submitted_by) == ("submitted", contributor)
    assert entry.submitted_at is not None


def test_an_incomplete_entry_cannot_be_submitted(review, contributor_client):
    entry = EntryFactory(review=review, how_we_know="", grade=None)

    response = contributor_client.post(url("entry_submit", review, entry.pk), follow=True)

    entry.refresh_from_db()
    assert entry.status == "draft"
    assert "Before submitting, add how we know it, a grade." in response.content.decode()


def test_a_submitted_entry_can_no_longer_be_edited_by_the_council(review, contributor_client):
    entry = EntryFactory(review=review, status=Entry.Status.SUBMITTED)

    response = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry), follow=True)

    entry.refresh_from_db()
    assert "This entry is submitted; it cannot be changed now." in response.content.decode()
    assert entry.version == 1


# The peer team decides


def test_the_lead_accepts_a_submitted_entry(review, lead_client, lead):
    entry = EntryFactory(review=review, status=Entry.Status.SUBMITTED)

    lead_client.post(url("entry_decide", review, entry.pk), {"decision": "accept"})

    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == ("accepted", lead)


def test_asking_for_changes_needs_a_reason_and_reopens_the_entry(review, challenge_client, contributor_client):
    entry = EntryFactory(review=review, status=Entry.Status.SUBMITTED)

    refused = challenge_client.post(url("entry_decide", review, entry.pk), {"decision": "changes"}, follow=True)
    entry.refresh_from_db()
    still = entry.status
    challenge_client.post(url("entry_decide", review, entry.pk), {"decision": "changes", "reason": "Add audit data"})
    entry.refresh_from_db()
    edited = contributor_client.post(url("entry_edit", review, entry.pk), entry_data(entry))

    assert "Say what should change." in refused.content.decode()
    assert still == "submitted"
    assert (entry.status, entry.changes_reason) == ("changes_requested", "Add audit data")
    assert edited.status_code == 302


def test_a_draft_entry_cannot_be_accepted(review, lead_client):
    entry = EntryFactory(review=review)

    response = lead_client.post(url("entry_decide", review, entry.pk), {"decision": "accept"}, follow=True)

    entry.refresh_from_db()
    assert entry.status == "draft"
    assert "Only a submitted entry can be accepted." in response.content.decode()


@pytest.mark.parametrize("client_name", ["peer_client", "organiser_client", "observer_client"])
def test_only_the_lead_and_challenge_manager_decide(review, client_name, request):
    entry = EntryFactory(review=review, status=Entry.Status.SUBMITTED)

    response = request.getfixturevalue(client_name).post(url("entry_decide", review, entry.pk), {"decision": "accept"})

    entry.refresh_from_db()
    assert response.status_code == 403
    assert entry.status == "submitted"


# Submitting the whole self assessment


def test_the_organiser_cannot_submit_while_an_entry_is_in_draft(review, organiser_client):
    EntryFactory(review=review, status=Entry.Status.SUBMITTED)
    EntryFactory(review=review, scope_area=review.framework.scope_areas.get(order=2))

    response = organiser_client.post(url("submit_all", review), follow=True)

    assert Submission.objects.count() == 0
    assert "1 entry is not submitted yet: 2. Referral and access arrangements" in response.content.decode()


def test_the_organiser_submits_when_every_entry_is_submitted(review, organiser_client, organiser):
    EntryFactory(review=review, status=Entry.Status.SUBMITTED)
    EntryFactory(review=review, scope_area=review.framework.scope_areas.get(order=2), status=Entry.Status.ACCEPTED)

    organiser_client.post(url("submit_all", review))
    again = organiser_client.post(url("submit_all", review), follow=True)

    assert Submission.objects.get(review=review).submitted_by == organiser
    assert "The self assessment has already been submitted." in again.content.decode()


def test_there_is_nothing_to_submit_before_set_up(review, organiser_client):
    response = organiser_client.post(url("submit_all", review), follow=True)

    assert "There are no entries to submit yet." in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("client_name", ["contributor_client", "lead_client", "observer_client"])
def test_only_the_organiser_or_sponsor_submit_the_whole(review, client_name, request):
    EntryFactory(review=review, status=Entry.Status.SUBMITTED)

    response = request.getfixturevalue(client_name).post(url("submit_all", review))

    assert response.status_code == 403
    assert Submission.objects.count() == 0


# Documentary analysis and the two sides


def test_a_peer_records_commentary_and_a_grade(review, peer_client, peer):
    entry = EntryFactory(review=review, status=Entry.Status.SUBMITTED)
    inadequate = review.grade_scale.grades.get(label="Inadequate")

    response = peer_client.post(
        url("analysis_edit", review, entry.pk), {"commentary": "Plans lack outcomes.", "grade": inadequate.pk}
    )

    analysis = PeerAnalysis.objects.get(entry=entry)
    assert response.status_code == 302
    assert (analysis.commentary, analysis.grade, analysis.updated_by, analysis.version) == (
        "Plans lack outcomes.",
        inadequate,
        peer,
        1,
    )
    assert analysis.published_at is None


def test_peer_commentary_needs_words(review, peer_client):
    entry = EntryFactory(review=review)

    response = peer_client.post(url("analysis_edit", review, entry.pk), {"commentary": ""})

    assert response.context["form"].errors["commentary"] == ["Enter the peer team's commentary."]
    assert PeerAnalysis.objects.count() == 0


def test_a_stale_analysis_edit_is_refused(review, peer_client, auditor_client):
    analysis = PeerAnalysisFactory(entry=EntryFactory(review=review))
    auditor_client.post(url("analysis_edit", review, analysis.entry.pk), {"commentary": "First", "version": 1})

    response = peer_client.post(url("analysis_edit", review, analysis.entry.pk), {"commentary": "Second", "version": 1})

    analysis.refresh_from_db()
    assert "after you opened it" in response.content.decode()
    assert (analysis.commentary, analysis.version) == ("First", 2)


@pytest.mark.parametrize("client_name", ["sponsor_client", "organiser_client", "contributor_client", "observer_client"])
def test_host_roles_and_observers_cannot_write_peer_analysis(review, client_name, request):
    entry = EntryFactory(review=review)

    response = request.getfixturevalue(client_name).post(url("analysis_edit", review, entry.pk), {"commentary": "x"})

    assert response.status_code == 403
    assert PeerAnalysis.objects.count() == 0


def test_host_roles_never_see_peer_commentary_or_grades_before_publication(review, sponsor_client, lead_client):
    analysis = PeerAnalysisFactory(
        entry=EntryFactory(review=review), commentary="Secret peer view", grade=review.grade_scale.grades.get(rank=4)
    )
    detail = url("entry_detail", review, analysis.entry.pk)
    comparison = url("comparison", review)

    hidden_detail = sponsor_client.get(detail).content.decode()
    hidden_comparison = sponsor_client.get(comparison).content.decode()
    peer_detail = lead_client.get(detail).content.decode()
    lead_client.post(url("analysis_publish", review, analysis.entry.pk))
    shown_detail = sponsor_client.get(detail).content.decode()
    shown_comparison = sponsor_client.get(comparison).content.decode()

    assert "Secret peer view" not in hidden_detail
    assert "Inadequate" not in hidden_comparison
    assert "Secret peer view" in peer_detail
    assert "Secret peer view" in shown_detail
    assert "Inadequate" in shown_comparison


def test_the_comparison_flags_a_difference_of_more_than_one_grade(review, lead_client):
    grades = {grade.rank: grade for grade in review.grade_scale.grades.all()}
    close = EntryFactory(review=review, grade=grades[2])
    PeerAnalysisFactory(entry=close, grade=grades[3])
    far = EntryFactory(review=review, scope_area=review.framework.scope_areas.get(order=2), grade=grades[1])
    PeerAnalysisFactory(entry=far, grade=grades[4])

    response = lead_client.get(url("comparison", review))

    rows = {row["entry"].pk: (row["difference"], row["flag"]) for row in response.context["rows"]}
    assert rows == {close.pk: ("Council 1 grade higher", False), far.pk: ("Council 3 grades higher", True)}


def test_a_peer_raises_a_finding_linked_to_the_entry_and_its_documents(review, peer_client, peer):
    entry = EntryFactory(review=review)
    document = DocumentFactory(review=review)
    theme = review.framework.themes.get(order=3)
    areas = list(review.framework.focus_areas.order_by("kind", "order")[:2])

    response = peer_client.post(
        url("entry_finding", review, entry.pk),
        {
            "summary": "Thresholds are understood",
            "kind": "strength",
            "theme": theme.pk,
            "stage": "self-assessment",
            "documents": [document.pk],
            "focus_areas": [area.pk for area in areas],
        },
    )

    finding = Finding.objects.get()
    assert set(finding.focus_areas.all()) == set(areas)
    evidence = sorted(
        (item.content_type.model, item.object_id) for item in FindingEvidence.objects.filter(finding=finding)
    )
    assert response.status_code == 302
    assert (finding.stage, finding.scope_area, finding.raised_by, finding.theme) == (
        "self-assessment",
        entry.scope_area,
        peer,
        theme,
    )
    assert evidence == sorted([("entry", entry.pk), ("evidencedocument", document.pk)])


def test_an_entry_of_another_review_is_404_for_a_member(review, other_review, lead_client):
    foreign = EntryFactory(review=other_review)

    assert lead_client.get(url("entry_detail", review, foreign.pk)).status_code == 404
    assert lead_client.post(url("entry_decide", review, foreign.pk), {"decision": "accept"}).status_code == 404


def test_the_summary_page_runs_the_same_queries_for_one_and_for_fifty_entries(organiser):
    framework = Framework.objects.create(name="A framework with fifty scope areas", version="test")
    scale = framework.grade_scales.create(name="Scale")
    scale.grades.create(rank=1, label="Good")
    for order in range(1, 51):
        framework.scope_areas.create(order=order, title=f"Scope area {order}")
    review = ReviewFactory(framework=framework, grade_scale=scale)
    MembershipFactory(review=review, user=organiser, role=Role.ORGANISER)
    client = Client()
    client.force_login(organiser)
    EntryFactory(review=review, scope_area=framework.scope_areas.get(order=1), grade=None)
    with CaptureQueriesContext(connection) as one:
        client.get(url("index", review))
    for area in framework.scope_areas.exclude(order=1):
        EntryFactory(review=review, scope_area=area, grade=None, documents=[DocumentFactory(review=review)])

    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url("index", review))

    assert len(response.context["entries"]) == 50
    assert len(one) == len(fifty)


def test_the_comparison_runs_the_same_queries_for_one_and_for_all_entries(review, lead_client):
    PeerAnalysisFactory(entry=EntryFactory(review=review))
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url("comparison", review))
    for area in review.framework.scope_areas.exclude(order=1):
        PeerAnalysisFactory(entry=EntryFactory(review=review, scope_area=area))

    with CaptureQueriesContext(connection) as many:
        lead_client.get(url("comparison", review))

    assert len(one) == len(many)


# Committed for real, so the two requests' own connections see the entry; the framework is restored afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_first_saves_of_an_analysis_at_the_same_moment_keep_one_and_refuse_the_other(
    postgresql, review, peer_client, auditor_client
):
    import threading

    entry = EntryFactory(review=review)
    start = threading.Barrier(2)
    pages = []

    def save(client, words: str) -> None:
        try:
            start.wait(timeout=10)
            pages.append(client.post(url("analysis_edit", review, entry.pk), {"commentary": words}))
        finally:
            postgresql.close()

    peers = [threading.Thread(target=save, args=args) for args in ((peer_client, "First"), (auditor_client, "Second"))]
    for thread in peers:
        thread.start()
    for thread in peers:
        thread.join(timeout=30)

    analysis = PeerAnalysis.objects.get(entry=entry)
    assert sorted(page.status_code for page in pages) == [200, 302]
    assert "after you opened it" in next(page for page in pages if page.status_code == 200).content.decode()
    assert (analysis.version, analysis.commentary in {"First", "Second"}) == (1, True)
