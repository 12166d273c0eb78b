import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reviews import permissions
from reviews.models import Finding, Report, ReviewMembership, Role

from ..factories import FindingFactory

PEER_WRITERS = {Role.LEAD, Role.CHALLENGE_MANAGER, Role.PEER, Role.CASE_AUDITOR}
PEER_SIDE = PEER_WRITERS | {Role.OBSERVER}
HOST_SIDE = {Role.SPONSOR, Role.ORGANISER, Role.CONTRIBUTOR}
LEADS = {Role.LEAD, Role.CHALLENGE_MANAGER}

PREDICATES = {
    "is_peer_side": PEER_SIDE,
    "is_host_side": HOST_SIDE,
    "is_read_only": {Role.OBSERVER},
    "can_see_peer_material": PEER_SIDE,
    "can_edit_findings": PEER_WRITERS,
    "can_agree_findings": LEADS,
    "can_request_reports": PEER_WRITERS,
    "can_share_reports": LEADS,
    "can_see_documents": PEER_SIDE | HOST_SIDE,
    "can_upload_documents": PEER_WRITERS | HOST_SIDE,
    "can_write_self_assessment": HOST_SIDE,
    "can_submit_self_assessment": {Role.ORGANISER, Role.SPONSOR},
    "can_manage_self_assessment": LEADS,
    "can_set_up_self_assessment": LEADS | {Role.ORGANISER},
    "can_analyse_self_assessment": PEER_WRITERS,
    "can_edit_timetable": LEADS | {Role.ORGANISER},
    "can_see_interviewee_names": {Role.ORGANISER},
    "can_edit_lines_of_enquiry": PEER_WRITERS,
    "can_edit_case_sample": PEER_WRITERS | HOST_SIDE,
    "can_edit_chronology": PEER_WRITERS | HOST_SIDE,
    "can_record_workshops": PEER_WRITERS | {Role.ORGANISER},
    "can_manage_questionnaires": LEADS | {Role.ORGANISER},
    "can_key_in_paper_responses": PEER_WRITERS | {Role.ORGANISER},
    "can_code_focus_groups": PEER_WRITERS,
    "can_consolidate_findings": LEADS,
    "can_run_rounds": LEADS,
    "can_vote_as_member": (PEER_SIDE | HOST_SIDE) - {Role.OBSERVER},
    "can_edit_letter": LEADS,
    "can_share_letter": LEADS,
    "can_see_letter_comments": PEER_SIDE | {Role.SPONSOR},
    "can_see_letter_versions": PEER_SIDE,
    "can_edit_plan": LEADS | {Role.SPONSOR, Role.ORGANISER},
    "can_record_checkpoints": LEADS | {Role.SPONSOR, Role.ORGANISER},
    "can_enter_council_audits": LEADS | {Role.ORGANISER, Role.CONTRIBUTOR},
    "can_see_council_audits": (PEER_SIDE | HOST_SIDE) - {Role.CASE_AUDITOR},
    "can_manage_validation_sample": LEADS,
    "can_be_assigned_regrading": PEER_WRITERS,
    "can_see_validation_statistics": PEER_SIDE - {Role.CASE_AUDITOR},
    # The last inspection and progress since it
    "can_record_inspection": LEADS | {Role.SPONSOR, Role.ORGANISER},
    "can_report_inspection_progress": HOST_SIDE,
    "can_give_peer_view_on_progress": PEER_WRITERS,
    # The planning group and partners' commitments
    "can_see_planning": PEER_SIDE | HOST_SIDE,
    "can_manage_planning": LEADS | {Role.SPONSOR, Role.ORGANISER},
    # The comparison with an earlier review
    "can_choose_previous_review": LEADS,
    # Moving a review to another installation
    "can_export_review": {Role.LEAD},
    # The team and its invitations
    "can_manage_team": {Role.LEAD},
    "can_edit_schedule": {Role.LEAD},
}

PEER_SIDE_CLIENTS = ["lead_client", "challenge_client", "peer_client", "auditor_client", "observer_client"]
HOST_SIDE_CLIENTS = ["sponsor_client", "organiser_client", "contributor_client"]


def test_the_table_covers_every_predicate_of_the_module():
    predicates = {name for name in dir(permissions) if name.startswith(("is_", "can_"))}

    assert predicates == set(PREDICATES) | {
        "can_see_report",
        "can_edit_finding",
        "can_write_session_notes",
        "can_see_safeguarding_alerts",
        "can_act_on_safeguarding_alerts",
        "can_see_letter",
        "can_comment_on_letter",
        "can_update_action",
        "can_see_validation",
        "can_regrade",
        "can_see_council_grades_of",
        "can_see_comparison",
        "can_moderate",
        # The leads and the review's safeguarding lead (tests/reviews/test_access_log.py).
        "can_read_access_log",
        # Of a user, not a membership: programme managers are no review's members (below).
        "can_view_programme",
        "can_view_programme_of",
    }


def test_the_programme_is_for_programme_managers_and_a_review_s_programme_view_for_its_members_too(
    review, lead, outsider
):
    from django.contrib.auth.models import AnonymousUser, Permission

    from ..factories import UserFactory

    manager = UserFactory(username="programme-manager")
    manager.user_permissions.add(Permission.objects.get(codename="view_programme"))
    manager = type(manager).objects.get(pk=manager.pk)  # a fresh user, so the permission cache is empty

    assert [permissions.can_view_programme(user) for user in (manager, lead, outsider, AnonymousUser())] == [
        True,
        False,
        False,
        False,
    ]
    assert [permissions.can_view_programme_of(user, review) for user in (manager, lead, outsider, AnonymousUser())] == [
        True,
        True,
        False,
        False,
    ]


def test_every_role_is_on_exactly_one_side():
    assert set(Role) == PEER_SIDE | HOST_SIDE
    assert PEER_SIDE.isdisjoint(HOST_SIDE)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
@pytest.mark.parametrize("predicate", list(PREDICATES))
def test_a_predicate_allows_exactly_its_roles(predicate, role):
    membership = ReviewMembership(role=role)

    allowed = getattr(permissions, predicate)(membership)

    assert allowed is (role in PREDICATES[predicate])


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_an_unshared_report_is_seen_by_the_peer_side_only(role):
    membership = ReviewMembership(role=role)

    allowed = permissions.can_see_report(membership, Report(shared_with_host=False))

    assert allowed is (role in PEER_SIDE)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_a_shared_report_is_seen_by_every_role(role):
    membership = ReviewMembership(role=role)

    allowed = permissions.can_see_report(membership, Report(shared_with_host=True))

    assert allowed is True


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_a_draft_or_agreed_finding_is_edited_by_the_peer_writers(role):
    membership = ReviewMembership(role=role)

    allowed = [permissions.can_edit_finding(membership, Finding(status=status)) for status in ("draft", "agreed")]

    assert allowed == [role in PEER_WRITERS] * 2


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_a_published_finding_is_edited_by_the_lead_and_challenge_manager_only(role):
    membership = ReviewMembership(role=role)

    allowed = permissions.can_edit_finding(membership, Finding(status=Finding.Status.PUBLISHED))

    assert allowed is (role in LEADS)


def test_a_peer_gets_403_editing_a_published_finding_and_it_is_unchanged(review, lead, peer_client):
    finding = FindingFactory(review=review, raised_by=lead, status=Finding.Status.PUBLISHED, summary="As published")
    url = reverse("reviews:finding_edit", args=[review.pk, finding.pk])

    got = peer_client.get(url)
    posted = peer_client.post(
        url, {"summary": "Rewritten", "kind": "area", "theme": finding.theme_id, "stage": "general", "version": 1}
    )

    finding.refresh_from_db()
    assert (got.status_code, posted.status_code) == (403, 403)
    assert (finding.summary, finding.version) == ("As published", 1)


def test_require_lets_an_allowed_action_through():
    assert permissions.require(True) is None


def test_require_refuses_an_action_the_role_does_not_allow():
    with pytest.raises(PermissionDenied, match="Your role in this review does not allow this."):
        permissions.require(False)


# The two sides of a review


@pytest.fixture
def draft(review, lead):
    return FindingFactory(review=review, raised_by=lead, summary="Draft: supervision is irregular")


@pytest.fixture
def published(review, lead):
    return FindingFactory(
        review=review, raised_by=lead, summary="Thresholds are well understood", status=Finding.Status.PUBLISHED
    )


def listed_summaries(response) -> set[str]:
    return {finding.summary for finding in response.context["page"].object_list}


@pytest.mark.parametrize("client_name", HOST_SIDE_CLIENTS)
def test_the_host_side_sees_only_published_findings_in_the_list(request, client_name, review, draft, published):
    client = request.getfixturevalue(client_name)

    response = client.get(reverse("reviews:findings", args=[review.pk]))

    assert response.status_code == 200
    assert listed_summaries(response) == {"Thresholds are well understood"}


@pytest.mark.parametrize("client_name", HOST_SIDE_CLIENTS)
def test_the_host_side_gets_404_on_a_draft_finding(request, client_name, review, draft):
    client = request.getfixturevalue(client_name)

    response = client.get(reverse("reviews:finding_detail", args=[review.pk, draft.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("client_name", HOST_SIDE_CLIENTS)
def test_the_host_side_reads_a_published_finding(request, client_name, review, published):
    client = request.getfixturevalue(client_name)

    response = client.get(reverse("reviews:finding_detail", args=[review.pk, published.pk]))

    assert response.status_code == 200
    assert response.context["finding"] == published


@pytest.mark.parametrize("client_name", PEER_SIDE_CLIENTS)
def test_the_peer_side_sees_drafts_and_published_findings_in_the_list(request, client_name, review, draft, published):
    client = request.getfixturevalue(client_name)

    response = client.get(reverse("reviews:findings", args=[review.pk]))

    assert response.status_code == 200
    assert listed_summaries(response) == {"Draft: supervision is irregular", "Thresholds are well understood"}


@pytest.mark.parametrize("client_name", PEER_SIDE_CLIENTS)
def test_the_peer_side_reads_a_draft_finding(request, client_name, review, draft):
    client = request.getfixturevalue(client_name)

    response = client.get(reverse("reviews:finding_detail", args=[review.pk, draft.pk]))

    assert response.status_code == 200
    assert response.context["finding"] == draft
