"""Council audits for seed_scale: a share of each review's cases audited by the council, with a grade for each
domain, and most of them regraded by the peers. Fictional, made with bulk inserts."""

import datetime
import random

from django.contrib.auth import get_user_model

from reviews.models import Case, Review

from .models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation

BATCH = 10_000


def scale(reviews: list[Review], sizes, rng: random.Random) -> dict[str, int]:
    auditor = get_user_model().objects.filter(username="scale-lead").first()
    audits: list[CouncilAudit] = []
    tools = {}
    for review in reviews:
        tool = tools.get(review.grade_scale_id) or AuditTool.objects.for_review(review)
        tools[review.grade_scale_id] = tool
        cases = list(Case.objects.filter(review=review).order_by("pk").values_list("pk", flat=True)[: sizes.audits])
        grades = list(tool.grade_scale.grades.order_by("rank"))
        day = (review.onsite_start or datetime.date(2020, 1, 1)) - datetime.timedelta(weeks=6)
        audits += [
            CouncilAudit(
                review=review,
                case_id=case_id,
                tool=tool,
                auditor_role="Team manager",
                auditor_team=f"Area team {index % 5 + 1}",
                audit_date=day,
                overall_grade=rng.choice(grades),
                narrative="The plan is clear and visits are on time; the child's voice is recorded.",
            )
            for index, case_id in enumerate(cases)
        ]
    audits = CouncilAudit.objects.bulk_create(audits, batch_size=BATCH)
    domains_of = {tool.pk: list(tool.domains.order_by("order", "pk")) for tool in tools.values()}
    grades_of = {tool.pk: list(tool.grade_scale.grades.order_by("rank")) for tool in tools.values()}
    CouncilGrade.objects.bulk_create(
        (
            CouncilGrade(audit=audit, domain=domain, grade=rng.choice(grades_of[audit.tool_id]))
            for audit in audits
            for domain in domains_of[audit.tool_id]
        ),
        batch_size=BATCH,
    )
    validated = [audit for audit in audits if rng.random() < 0.8]
    validations = Validation.objects.bulk_create(
        (
            Validation(
                review_id=audit.review_id,
                audit=audit,
                auditor=auditor,
                status=Validation.Status.REGRADED,
                overall_grade=rng.choice(grades_of[audit.tool_id]),
                submitted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
            )
            for audit in validated
        ),
        batch_size=BATCH,
    )
    tool_of = {audit.pk: audit.tool_id for audit in validated}
    PeerGrade.objects.bulk_create(
        (
            PeerGrade(validation=validation, domain=domain, grade=rng.choice(grades_of[tool_of[validation.audit_id]]))
            for validation in validations
            if validation.status == Validation.Status.REGRADED
            for domain in domains_of[tool_of[validation.audit_id]]
        ),
        batch_size=BATCH,
    )
    return {"council audits": len(audits), "validations": len(validations)}
