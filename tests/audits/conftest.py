import pytest

from audits.models import AuditTool

from .helpers import grades_by_rank, make_audit, make_validation

NINE = 9


@pytest.fixture
def tool(review):
    return AuditTool.objects.for_review(review)


@pytest.fixture
def grades(review):
    return grades_by_rank(review)


@pytest.fixture
def secret_audit(review):
    """A council audit whose narrative and team must never reach the case auditor before submission."""
    return make_audit(
        review,
        "C-101",
        ranks=[1] * NINE,
        overall=1,
        team="Secret calibration team",
        narrative="COUNCIL-SECRET-NARRATIVE",
    )


@pytest.fixture
def assigned(secret_audit, case_auditor):
    return make_validation(secret_audit, case_auditor)


def regrade_data(tool, grade_ids: list[int], overall: int, version: int, narrative: str = "Thin analysis of risk"):
    domains = sorted(tool.domains.all(), key=lambda domain: domain.order)
    data = {f"domain_{domain.pk}": grade_id for domain, grade_id in zip(domains, grade_ids, strict=True)}
    data.update({"overall_grade": overall, "narrative": narrative, "version": version})
    return data
