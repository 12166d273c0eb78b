"""Builders for council audits and validations with grades given as ranks (1 is the best grade)."""

import datetime

from audits.models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation
from audits.services import submit_regrade
from tests.factories import CaseFactory


def tool_for(review) -> AuditTool:
    return AuditTool.objects.for_review(review)


def grades_by_rank(review) -> dict:
    return {grade.rank: grade for grade in review.grade_scale.grades.all()}


def make_audit(review, reference: str, ranks=None, overall: int = 2, team: str = "Team North", narrative=None):
    tool = tool_for(review)
    domains = sorted(tool.domains.all(), key=lambda domain: domain.order)
    grades = grades_by_rank(review)
    ranks = ranks or [2] * len(domains)
    audit = CouncilAudit.objects.create(
        review=review,
        case=CaseFactory(review=review, reference=reference),
        tool=tool,
        auditor_role="Team manager",
        auditor_team=team,
        audit_date=datetime.date(2025, 1, 15),
        overall_grade=grades[overall],
        narrative=narrative or f"Council narrative for {reference}",
    )
    CouncilGrade.objects.bulk_create(
        CouncilGrade(audit=audit, domain=domain, grade=grades[rank])
        for domain, rank in zip(domains, ranks, strict=True)
    )
    return audit


def make_validation(audit, auditor, ranks=None, overall: int | None = None) -> Validation:
    validation = Validation.objects.create(review=audit.review, audit=audit, auditor=auditor)
    if ranks is not None:
        tool = audit.tool
        domains = sorted(tool.domains.all(), key=lambda domain: domain.order)
        grades = grades_by_rank(audit.review)
        validation = submit_regrade(
            validation=validation,
            domain_grades={domain: grades[rank] for domain, rank in zip(domains, ranks, strict=True)},
            overall_grade=grades[overall],
            narrative="Peer analysis",
            version=validation.version,
        )
    return validation


__all__ = ["PeerGrade", "make_audit", "make_validation"]
