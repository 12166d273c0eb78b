"""What each role of a review may do: small predicates used by views and templates alike.

Two sides. The peer team's working material (peer grades and commentary, notes,
draft findings, prioritisation before the round closes) is visible to the peer
side only until the lead publishes it. What the host council supplies is visible
to both sides. Observers sit with the peer side and only read.
"""

from django.core.exceptions import PermissionDenied

from .models import Finding, Report, ReviewMembership, Role

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


def require(allowed: bool) -> None:
    """Refuse a write the member's role does not allow (403)."""
    if not allowed:
        raise PermissionDenied("Your role in this review does not allow this.")


# Case mapping: the host council supplies the sample and practitioners from every agency rebuild the
# chronology with the peer team, so both sides write; learning points are peer working material.


def can_edit_case_sample(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | HOST_SIDE


def can_edit_chronology(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | HOST_SIDE


def can_record_workshops(membership: ReviewMembership) -> bool:
    return membership.role in PEER_WRITERS | {Role.ORGANISER}
