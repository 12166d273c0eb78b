"""What each role of a review may do: small predicates used by views and templates alike.

Two sides. The peer team's working material (peer grades and commentary, notes,
draft findings, prioritisation before the round closes) is visible to the peer
side only until the lead publishes it. What the host council supplies is visible
to both sides. Observers sit with the peer side and only read.
"""

from django.core.exceptions import PermissionDenied

from . import stages
from .models import Finding, Report, Review, ReviewMembership, Role

PEER_WRITERS = frozenset({Role.LEAD, Role.CHALLENGE_MANAGER, Role.PEER, Role.CASE_AUDITOR})
PEER_SIDE = PEER_WRITERS | {Role.OBSERVER}
HOST_SIDE = frozenset({Role.SPONSOR, Role.ORGANISER, Role.CONTRIBUTOR})
READ_ONLY = frozenset({Role.OBSERVER})
REVIEW_LEADS = frozenset({Role.LEAD, Role.CHALLENGE_MANAGER})


def is_peer_side(membership: ReviewMembership) -> bool:
    return membership.role in PEER_SIDE


def is_host_side(membership: ReviewMembership) -> bool:
    return membership.role in HOST_SIDE


def is_read_only(membership: ReviewMembership) -> bool:
    return membership.role in READ_ONLY


def can_see_peer_material(membership: ReviewMembership) -> bool:
    return is_peer_side(membership)


def can_edit_findings(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS


def can_edit_finding(membership: ReviewMembership, finding: Finding) -> bool:
    """Once published to the council, only the lead and the challenge manager change a finding."""
    if finding.status == Finding.Status.PUBLISHED:
        return can_agree_findings(membership)
    return can_edit_findings(membership)


def can_agree_findings(membership: ReviewMembership) -> bool:
    """Agreeing and publishing findings is for the lead and the challenge manager."""
    return membership.role in REVIEW_LEADS


def can_request_reports(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS


def can_share_reports(membership: ReviewMembership) -> bool:
    return membership.role in REVIEW_LEADS


def can_see_report(membership: ReviewMembership, report: Report) -> bool:
    return is_peer_side(membership) or report.shared_with_host


# Self assessment and documentary analysis


def can_write_self_assessment(membership: ReviewMembership) -> bool:
    """The council writes its own entries and answers document requests."""
    return membership.role in HOST_SIDE


def can_submit_self_assessment(membership: ReviewMembership) -> bool:
    return membership.role in {Role.ORGANISER, Role.SPONSOR}


def can_manage_self_assessment(membership: ReviewMembership) -> bool:
    """Set up entries and requests, accept or send back, publish the peers' analysis."""
    return membership.role in REVIEW_LEADS


def can_set_up_self_assessment(membership: ReviewMembership) -> bool:
    return membership.role in REVIEW_LEADS | {Role.ORGANISER}


def can_analyse_self_assessment(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS


# The evidence store


def can_see_documents(membership: ReviewMembership) -> bool:
    """Documents are what the council supplies: every member of the review may read and download them."""
    return membership.role in PEER_SIDE | HOST_SIDE


def can_upload_documents(membership: ReviewMembership) -> bool:
    """The council's people and the peer writers add and replace documents; observers only read."""
    return membership.role in PEER_WRITERS | HOST_SIDE


def require(allowed: bool) -> None:
    """Refuse a write the member's role does not allow (403)."""
    if not allowed:
        raise PermissionDenied("Your role in this review does not allow this.")


# On-site programme (interviews)

TIMETABLE_EDITORS = frozenset({Role.LEAD, Role.CHALLENGE_MANAGER, Role.ORGANISER})


def can_edit_timetable(membership: ReviewMembership) -> bool:
    """The organiser arranges the programme with the lead and the challenge manager."""
    return membership.role in TIMETABLE_EDITORS


def can_see_interviewee_names(membership: ReviewMembership) -> bool:
    return membership.role == Role.ORGANISER


def can_edit_lines_of_enquiry(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS


def can_write_session_notes(membership: ReviewMembership, session) -> bool:
    """Notes are written by the peers who attended, never on a cancelled session."""
    if membership.role not in PEER_WRITERS or session.is_cancelled:
        return False
    return any(peer.pk == membership.user_id for peer in session.peers.all())


# Case mapping: the host council supplies the sample and practitioners from every agency rebuild the
# chronology with the peer team, so both sides write; learning points are peer working material.


def can_edit_case_sample(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | HOST_SIDE


def can_edit_chronology(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | HOST_SIDE


def can_record_workshops(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | {Role.ORGANISER}


# Questionnaires and focus groups

QUESTIONNAIRE_MANAGERS = REVIEW_LEADS | {Role.ORGANISER}


def can_manage_questionnaires(membership: ReviewMembership) -> bool:
    """Copy questionnaires from the library, edit their questions, set their dates and segments: the leads with the organiser."""
    return membership.role in QUESTIONNAIRE_MANAGERS


def can_key_in_paper_responses(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | {Role.ORGANISER}


def can_code_focus_groups(membership: ReviewMembership) -> bool:
    """Focus-group notes and their coding are peer-side working material."""
    return membership.role in PEER_WRITERS


def can_see_safeguarding_alerts(membership: ReviewMembership, safeguarding_lead_id: int | None) -> bool:
    return membership.role in REVIEW_LEADS or membership.user_id == safeguarding_lead_id


def can_act_on_safeguarding_alerts(membership: ReviewMembership, safeguarding_lead_id: int | None) -> bool:
    """Marking an alert read and recording what was done: those who see alerts, unless their role only reads."""
    return can_see_safeguarding_alerts(membership, safeguarding_lead_id) and not is_read_only(membership)


# The conference, the letter and the improvement plan


def can_vote_as_member(membership: ReviewMembership) -> bool:
    """Voting in a prioritisation round with one's own account, once: every member who may write."""
    return not is_read_only(membership)


PLAN_EDITORS = REVIEW_LEADS | {Role.SPONSOR, Role.ORGANISER}


def can_consolidate_findings(membership: ReviewMembership) -> bool:
    """Merging, rewording and agreeing the final set of findings is for the lead and the challenge manager."""
    return membership.role in REVIEW_LEADS


def can_run_rounds(membership: ReviewMembership) -> bool:
    return membership.role in REVIEW_LEADS


def can_edit_letter(membership: ReviewMembership) -> bool:
    return membership.role in REVIEW_LEADS


def can_see_letter(membership: ReviewMembership, letter) -> bool:
    """The peer side sees every draft; the sponsor sees the draft shared for factual accuracy; the rest of the
    council sees the letter once it is published."""
    if letter is None:
        return is_peer_side(membership)
    if is_peer_side(membership) or letter.is_published:
        return True
    return membership.role == Role.SPONSOR and letter.is_shared


def can_share_letter(membership: ReviewMembership) -> bool:
    """Sharing the draft with the council's sponsor for factual accuracy, and resolving their comments."""
    return membership.role in REVIEW_LEADS


def can_comment_on_letter(membership: ReviewMembership, letter) -> bool:
    """The council's sponsor comments on the factual accuracy of the draft while it is shared with them."""
    return membership.role == Role.SPONSOR and letter is not None and letter.is_shared


def can_see_letter_comments(membership: ReviewMembership) -> bool:
    """The factual-accuracy comments are between the peer side and the sponsor who made them."""
    return membership.role in PEER_SIDE | {Role.SPONSOR}


def can_see_letter_versions(membership: ReviewMembership) -> bool:
    """Earlier versions of the letter are peer working material."""
    return is_peer_side(membership)


def can_edit_plan(membership: ReviewMembership) -> bool:
    """Priorities and actions are set by the review's leads with the council's sponsor and organiser."""
    return membership.role in PLAN_EDITORS


def can_update_action(membership: ReviewMembership, action) -> bool:
    """Plan editors update any action; other host members update the actions they own."""
    if can_edit_plan(membership):
        return True
    return membership.role in HOST_SIDE and action.owner_id == membership.user_id


def can_record_checkpoints(membership: ReviewMembership) -> bool:
    return membership.role in PLAN_EDITORS


# Audit validation: the council enters its own audits; peers regrade blind. A case auditor never sees
# the council's grades of a case before submitting their own; host roles never see the peers' grades.

AUDIT_ENTRY = REVIEW_LEADS | {Role.ORGANISER, Role.CONTRIBUTOR}


def can_enter_council_audits(membership: ReviewMembership) -> bool:
    return membership.role in AUDIT_ENTRY


def can_see_council_audits(membership: ReviewMembership) -> bool:
    """Case auditors regrade blind, so the list of the council's grades is closed to them."""
    return membership.role in (PEER_SIDE | HOST_SIDE) - {Role.CASE_AUDITOR}


def can_manage_validation_sample(membership: ReviewMembership) -> bool:
    return membership.role in REVIEW_LEADS


def can_see_validation(membership: ReviewMembership, validation) -> bool:
    """A case auditor sees their own cases; the rest of the peer side sees every one."""
    if membership.role == Role.CASE_AUDITOR:
        return validation.auditor_id == membership.user_id
    return is_peer_side(membership)


def can_be_assigned_regrading(membership: ReviewMembership) -> bool:
    """Any peer writer may regrade a case: small teams share the audits among peers and the lead."""
    return membership.role in PEER_WRITERS


def can_regrade(membership: ReviewMembership, validation) -> bool:
    return validation.auditor_id == membership.user_id and can_be_assigned_regrading(membership)


def can_see_council_grades_of(membership: ReviewMembership, audit, blind_audit_ids) -> bool:
    """The council's grades of one audit; closed to whoever still has to regrade it blind.

    `blind_audit_ids` are the audits the member is assigned and has not yet submitted.
    """
    return can_see_council_audits(membership) and audit.pk not in blind_audit_ids


def can_see_comparison(membership: ReviewMembership, validation) -> bool:
    """Only after the peer's grades are submitted does the comparison open."""
    return validation.is_submitted and can_see_validation(membership, validation)


def can_moderate(membership: ReviewMembership, validation) -> bool:
    return membership.role == Role.LEAD or (
        validation.moderator_id == membership.user_id and membership.role in PEER_WRITERS
    )


def can_see_validation_statistics(membership: ReviewMembership) -> bool:
    return membership.role in PEER_SIDE - {Role.CASE_AUDITOR}


# The last inspection and progress since it (self-assessment stage). The council records the inspection
# and its own progress; the peers give their view, peer-side until the lead publishes it.

INSPECTION_RECORDERS = REVIEW_LEADS | {Role.SPONSOR, Role.ORGANISER}


def can_record_inspection(membership: ReviewMembership) -> bool:
    """The inspection, its judgements and its recommendations: the sponsor and organiser, or the leads setting up."""
    return membership.role in INSPECTION_RECORDERS


def can_report_inspection_progress(membership: ReviewMembership) -> bool:
    """The council's own account of its progress on each recommendation."""
    return membership.role in HOST_SIDE


def can_give_peer_view_on_progress(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS


# The planning group and partners' commitments: the review's leads with the council's
# sponsor and organiser keep them; everyone in the review reads them; observers only read.

PLANNING_MANAGERS = REVIEW_LEADS | {Role.SPONSOR, Role.ORGANISER}


def can_see_planning(membership: ReviewMembership) -> bool:
    return membership.role in PEER_SIDE | HOST_SIDE


def can_manage_planning(membership: ReviewMembership) -> bool:
    return membership.role in PLANNING_MANAGERS


# The comparison with an earlier review. Any member may read the comparison (aggregate
# figures only); the leads choose which earlier review of the council it compares with.


def can_choose_previous_review(membership: ReviewMembership) -> bool:
    return membership.role in REVIEW_LEADS


# Moving a review to another installation: the export holds every record and file of the review,
# case-level data included, so only the review's lead takes it.


def can_read_access_log(membership: ReviewMembership) -> bool:
    """Who read which case, document or note of the review: for its lead, its challenge manager and its
    safeguarding lead (named in the questionnaires' settings, asked once per request through the stage registry)."""
    if membership.role in REVIEW_LEADS:
        return True
    if not hasattr(membership, "_safeguarding_lead_id"):
        membership._safeguarding_lead_id = stages.safeguarding_lead_id(membership.review)
    return membership.user_id == membership._safeguarding_lead_id


def can_export_review(membership: ReviewMembership) -> bool:
    return membership.role == Role.LEAD


# The team: inviting people, sending invitations again and withdrawing them is for the review's lead.


def can_manage_team(membership: ReviewMembership) -> bool:
    return membership.role == Role.LEAD


def can_edit_schedule(membership: ReviewMembership) -> bool:
    """The review's status and dates, which every page, report and reminder follows."""
    return membership.role == Role.LEAD


# The programme across reviews


def can_view_programme(user) -> bool:
    """Programme managers (the `reviews.view_programme` permission) see every review's progress as counts,
    never its case-level or peer-only records: they are not members, so every review page stays a 404."""
    return user.is_authenticated and user.has_perm("reviews.view_programme")


def can_view_programme_of(user, review: Review) -> bool:
    """A review's programme view: programme managers, and the review's own members (it shows them nothing
    they cannot already see)."""
    return can_view_programme(user) or (user.is_authenticated and review.memberships.filter(user=user).exists())
