"""Fictional council audits of the Northmoor sample, eight regraded blind (most by the case auditor, two by a
peer, as a small team shares them), some moderated."""

import datetime

from django.utils import timezone

from reviews.demo import upsert
from reviews.models import Case, Review

from .models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation

EXTRA_CASES = ["NM-A07", "NM-A08", "NM-A09", "NM-A10", "NM-A11", "NM-A12"]
TEAMS = ["Assessment team North", "Assessment team South", "Child protection team"]
# Council domain ranks (1 best .. 4 worst), then council overall; the peers' regrade where there is one.
AUDITS = [
    ("NM-C01", "233222323", 2, "323232333", 3),
    ("NM-C02", "222122222", 2, "222122222", 2),
    ("NM-C03", "122121122", 1, "233232233", 2),
    ("NM-C04", "333232333", 3, "333333333", 3),
    ("NM-C05", "222222222", 2, "323232323", 3),
    ("NM-C06", "111112111", 1, "122132122", 2),
    ("NM-A07", "222232222", 2, "222242223", 2),
    ("NM-A08", "334333334", 3, "234333234", 3),
    ("NM-A09", "222222222", 2, None, None),
    ("NM-A10", "322232323", 3, None, None),
    ("NM-A11", "122122122", 1, None, None),
    ("NM-A12", "223222322", 2, None, None),
]
MODERATED = {"NM-C01", "NM-C03", "NM-C06"}
NOON = datetime.time(12, 0)


def demo(*, reviews: list[Review], users: dict) -> None:
    review = reviews[0]
    tool = AuditTool.objects.for_review(review)
    auditor, lead, peer_user = users.get("auditor"), users.get("lead"), users.get("peer")
    if tool is None or auditor is None:
        return
    domains = sorted(tool.domains.all(), key=lambda domain: domain.order)
    grades = {grade.rank: grade for grade in tool.grade_scale.grades.all()}
    level = review.council.threshold_levels.order_by("order").last()
    for reference in EXTRA_CASES:
        upsert(
            Case,
            {"review": review, "reference": reference},
            {
                "age_band": Case.AgeBand.AGE_10_15,
                "threshold_level": level,
                "legal_status": Case.LegalStatus.CHILD_IN_NEED,
            },
        )
    cases = {case.reference: case for case in review.cases.all()}
    for index, (reference, council, council_overall, peer, peer_overall) in enumerate(AUDITS):
        if reference not in cases:
            continue
        audit = upsert(
            CouncilAudit,
            {"review": review, "case": cases[reference]},
            {
                "tool": tool,
                "auditor_role": "Team manager" if index % 2 else "Practice manager",
                "auditor_team": TEAMS[index % 3],
                # The council audited its sample weekly in the half year before the on-site week.
                "audit_date": review.onsite_start - datetime.timedelta(weeks=26 - index),
                "overall_grade": grades[council_overall],
                "narrative": f"Council audit of {reference}: the child was seen and the plan reviewed on time.",
            },
        )
        for domain, rank in zip(domains, council, strict=False):
            upsert(CouncilGrade, {"audit": audit, "domain": domain}, {"grade": grades[int(rank)]})
        if peer is None:
            continue
        validation = Validation.objects.filter(audit=audit).first()
        if validation is None:
            validation = Validation.objects.create(
                review=review,
                audit=audit,
                auditor=peer_user if peer_user is not None and index % 4 == 3 else auditor,
                sample_seed=2025,
                status=Validation.Status.REGRADED,
                overall_grade=grades[peer_overall],
                narrative=f"Peer regrade of {reference}: the analysis of risk was thinner than the council found.",
                # The peers regraded blind in the fortnight before the on-site week.
                submitted_at=timezone.make_aware(
                    datetime.datetime.combine(review.onsite_start - datetime.timedelta(days=14 - index), NOON)
                ),
                version=2,
            )
        for domain, rank, council_rank in zip(domains, peer, council, strict=False):
            agreed = grades[int(rank)] if reference in MODERATED and rank != council_rank else None
            upsert(
                PeerGrade,
                {"validation": validation, "domain": domain},
                {"grade": grades[int(rank)], "agreed_grade": agreed},
            )
        if reference in MODERATED and validation.status != Validation.Status.MODERATED:
            validation.agreed_overall_grade = grades[peer_overall]
            validation.moderation_rationale = (
                "Agreed with the council's quality officer: supervision did not direct the work when it drifted."
            )
            validation.moderated_by = lead
            validation.moderated_at = timezone.make_aware(
                datetime.datetime.combine(review.onsite_start + datetime.timedelta(days=2), NOON)
            )
            validation.status = Validation.Status.MODERATED
            validation.version += 1
            validation.save()
