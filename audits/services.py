"""Council audits, their import, the validation sample, blind regrading and moderation."""

import random
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reviews import tables
from reviews.models import Grade, Review
from reviews.tables import RowError
from reviews.validators import check_has_happened

from . import agreement
from .models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation

FIXED_COLUMNS = ["case reference", "auditor role", "auditor team", "audit date"]
END_COLUMNS = ["overall grade", "narrative"]
SUBMITTED = [Validation.Status.REGRADED, Validation.Status.MODERATED]

# A council may audit every case of a big sample, so the audit list may hold more rows than the
# other imports; the other caps are the shared reader's.
IMPORT_LIMITS = tables.Limits(max_rows=10_000)


class StaleEdit(Exception):
    """Someone else saved the record first; nothing was saved."""


def review_tool(review: Review) -> AuditTool | None:
    return AuditTool.objects.prefetch_related("domains").filter(pk__in=_tool_ids(review)).first()


def _tool_ids(review: Review) -> list[int]:
    tool = AuditTool.objects.for_review(review)
    return [tool.pk] if tool else []


def domains(tool: AuditTool) -> list:
    return sorted(tool.domains.all(), key=lambda domain: domain.order)


def columns(tool: AuditTool) -> list[str]:
    return FIXED_COLUMNS + [domain.name.lower() for domain in domains(tool)] + END_COLUMNS


def _example(tool: AuditTool) -> list[str]:
    """The template's example row, which an import refuses if it comes back unchanged."""
    grades = [grade.label for grade in tool.grade_scale.grades.order_by("rank")]
    example = ["C-01", "Team manager", "Assessment team 1", "2025-01-15"] + [grades[1]] * len(domains(tool))
    return example + [grades[1], "The plan was clear and the child was seen alone."]


def template(tool: AuditTool, format: str) -> tuple[bytes, str, str]:
    grades = [grade.label for grade in tool.grade_scale.grades.order_by("rank")]
    names = columns(tool)
    example = _example(tool)
    if format == "xlsx":
        notes = [("case reference", "A case already in the sample"), ("audit date", "YYYY-MM-DD or DD/MM/YYYY")]
        notes += [(name, "; ".join(grades)) for name in names[4:-1]]
        content = tables.template_xlsx(names, example, notes)
        return (
            content,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "council-audits-template.xlsx",
        )
    return tables.template_csv(names, example), "text/csv; charset=utf-8", "council-audits-template.csv"


def _grade(text: str, grades: dict[str, Grade]) -> Grade | None:
    return grades.get(text.strip().lower())


def import_audits(*, review: Review, tool: AuditTool, upload, user) -> tuple[int, list[RowError]]:
    """Every row checked before anything is saved; all or nothing."""
    table = tables.read_table(
        upload, columns(tool), limits=IMPORT_LIMITS, example=tables.example_words(columns(tool), _example(tool))
    )
    grades = {grade.label.lower(): grade for grade in tool.grade_scale.grades.all()}
    allowed = ", ".join(sorted(grade.label for grade in grades.values()))
    cases = {case.reference.lower(): case for case in review.cases.all()}
    audited = set(CouncilAudit.objects.filter(review=review).values_list("case_id", flat=True))
    seen: dict[int, int] = {}
    errors: list[RowError] = []
    rows = []
    for values in table:
        number = values["_row"]
        row_errors = []

        def fail(column: str, message: str, number=number, row_errors=row_errors) -> None:
            row_errors.append(RowError(number, column, message))

        case = cases.get(values["case reference"].lower())
        if not values["case reference"]:
            fail("case reference", "Enter the case reference.")
        elif case is None:
            fail("case reference", f"“{values['case reference']}” is not a case in this review's sample.")
        elif case.pk in audited:
            fail("case reference", f"Case {case.reference} already has a council audit.")
        elif case.pk in seen:
            fail("case reference", f"Case {case.reference} is also on row {seen[case.pk]}.")
        else:
            seen[case.pk] = number
        for column in ("auditor role", "auditor team", "narrative"):
            if not values[column]:
                fail(column, f"Enter the {column}.")
            elif len(values[column]) > 120 and column != "narrative":
                fail(column, "Use at most 120 characters.")
        audit_date = tables.parse_date(values["audit date"])
        if audit_date is None:
            fail("audit date", "Enter a date such as 2025-01-15.")
        else:
            try:
                check_has_happened(audit_date, what="A council audit", done="done")
            except ValidationError as error:
                fail("audit date", error.messages[0])
        domain_grades = {}
        for domain in domains(tool):
            column = domain.name.lower()
            grade = _grade(values[column], grades)
            if not values[column]:
                fail(column, "Enter a grade for this domain.")
            elif grade is None:
                fail(column, f"“{values[column]}” is not on the tool's scale ({allowed}).")
            domain_grades[domain] = grade
        overall = _grade(values["overall grade"], grades)
        if overall is None:
            fail("overall grade", f"“{values['overall grade']}” is not on the tool's scale ({allowed}).")
        errors.extend(row_errors)
        if not row_errors:
            rows.append((values, case, audit_date, domain_grades, overall))
    if errors:
        return 0, errors
    with transaction.atomic():
        for values, case, audit_date, domain_grades, overall in rows:
            save_audit(
                review=review,
                tool=tool,
                case=case,
                auditor_role=values["auditor role"],
                auditor_team=values["auditor team"],
                audit_date=audit_date,
                domain_grades=domain_grades,
                overall_grade=overall,
                narrative=values["narrative"],
                user=user,
            )
    return len(rows), []


def save_audit(
    *, review, tool, case, auditor_role, auditor_team, audit_date, domain_grades, overall_grade, narrative, user
):
    with transaction.atomic():
        audit = CouncilAudit.objects.create(
            review=review,
            case=case,
            tool=tool,
            auditor_role=auditor_role,
            auditor_team=auditor_team,
            audit_date=audit_date,
            overall_grade=overall_grade,
            narrative=narrative,
            created_by=user,
        )
        CouncilGrade.objects.bulk_create(
            CouncilGrade(audit=audit, domain=domain, grade=grade) for domain, grade in domain_grades.items()
        )
    return audit


def assign(*, review: Review, audit: CouncilAudit, auditor, seed: int | None = None) -> Validation:
    return Validation.objects.create(review=review, audit=audit, auditor=auditor, sample_seed=seed)


def draw_sample(*, review: Review, size: int, seed: int, auditors: list) -> list[Validation]:
    """A stratified random sample across threshold levels and council grades; the same seed draws the same cases.

    Each stratum gives its share of the sample (largest remainders), the cases in it drawn at random.
    """
    available = list(
        CouncilAudit.objects.filter(review=review, validation__isnull=True)
        .select_related("case__threshold_level", "overall_grade")
        .order_by("pk")
    )
    strata: dict[tuple, list[CouncilAudit]] = defaultdict(list)
    for audit in available:
        level = audit.case.threshold_level.order if audit.case.threshold_level else 0
        strata[(level, audit.overall_grade.rank)].append(audit)
    size = min(size, len(available))
    keys = sorted(strata)
    quotas = {key: size * len(strata[key]) / len(available) for key in keys} if available else {}
    counts = {key: int(quotas[key]) for key in keys}
    remainder = size - sum(counts.values())
    for key in sorted(keys, key=lambda key: (-(quotas[key] - counts[key]), key))[:remainder]:
        counts[key] += 1
    generator = random.Random(seed)
    chosen = []
    for key in keys:
        chosen.extend(generator.sample(strata[key], counts[key]))
    with transaction.atomic():
        return [
            assign(review=review, audit=audit, auditor=auditors[index % len(auditors)], seed=seed)
            for index, audit in enumerate(sorted(chosen, key=lambda audit: audit.pk))
        ]


def _lock(validation: Validation, version: int) -> Validation:
    locked = Validation.objects.select_for_update().get(pk=validation.pk)
    if locked.version != version:
        raise StaleEdit("Someone else saved this case while you were working on it; nothing was saved.")
    return locked


def submit_regrade(*, validation: Validation, domain_grades: dict, overall_grade: Grade, narrative: str, version: int):
    with transaction.atomic():
        locked = _lock(validation, version)
        if locked.status != Validation.Status.ASSIGNED:
            raise StaleEdit("This case has already been regraded; a case is regraded once.")
        try:
            with transaction.atomic():
                PeerGrade.objects.bulk_create(
                    PeerGrade(validation=locked, domain=domain, grade=grade) for domain, grade in domain_grades.items()
                )
        except IntegrityError as error:
            raise StaleEdit("This case has already been regraded; a case is regraded once.") from error
        locked.overall_grade = overall_grade
        locked.narrative = narrative
        locked.status = Validation.Status.REGRADED
        locked.submitted_at = timezone.now()
        locked.version += 1
        locked.save()
    return locked


def moderate(*, validation: Validation, agreed: dict, agreed_overall: Grade, rationale: str, version: int, user):
    """Agreed grades for the case with the moderator's rationale; the earlier grades stay in the history."""
    with transaction.atomic():
        locked = _lock(validation, version)
        if locked.status == Validation.Status.ASSIGNED:
            raise StaleEdit("The case has not been regraded yet.")
        for peer_grade in locked.grades.select_for_update():
            if peer_grade.domain_id in agreed:
                peer_grade.agreed_grade = agreed[peer_grade.domain_id]
                peer_grade.save()
        locked.agreed_overall_grade = agreed_overall
        locked.moderation_rationale = rationale
        locked.moderated_by = user
        locked.moderated_at = timezone.now()
        locked.status = Validation.Status.MODERATED
        locked.version += 1
        locked.save()
    return locked


def comparison(validation: Validation) -> list[dict]:
    """Per domain and overall: the council's grade, the peer's, agreement, direction and any agreed grade."""
    council = {grade.domain_id: grade.grade for grade in validation.audit.grades.select_related("grade")}
    rows = []
    for peer_grade in validation.grades.select_related("domain", "grade", "agreed_grade").order_by("domain__order"):
        rows.append(
            _row(peer_grade.domain, council.get(peer_grade.domain_id), peer_grade.grade, peer_grade.agreed_grade)
        )
    rows.append(_row(None, validation.audit.overall_grade, validation.overall_grade, validation.agreed_overall_grade))
    return rows


def _row(domain, council, peer, agreed) -> dict:
    difference = peer.rank - council.rank if council and peer else None
    if difference is None:
        direction = "Not compared"
    elif difference == 0:
        direction = "Same grade"
    elif difference > 0:
        direction = "Council higher"
    else:
        direction = "Council lower"
    return {
        "domain": domain,
        "label": domain.name if domain else "Overall",
        "key": domain.pk if domain else agreement.OVERALL,
        "council": council,
        "peer": peer,
        "agreed": agreed,
        "exact": difference == 0,
        "within_one": difference is not None and abs(difference) <= 1,
        "direction": direction,
    }


def pairs(review: Review) -> list[agreement.Pair]:
    """Every compared grade of the review's regraded cases, in three queries."""
    submitted = Validation.objects.filter(review=review, status__in=SUBMITTED)
    council = {
        (row[0], row[1]): (row[2], row[3])
        for row in CouncilGrade.objects.filter(audit__validation__in=submitted).values_list(
            "audit__validation__id", "domain_id", "grade__rank", "audit__auditor_team"
        )
    }
    result = []
    for validation_id, domain_id, rank in PeerGrade.objects.filter(validation__in=submitted).values_list(
        "validation_id", "domain_id", "grade__rank"
    ):
        if (validation_id, domain_id) in council:
            council_rank, team = council[(validation_id, domain_id)]
            result.append(agreement.Pair(validation_id, domain_id, team, council_rank, rank))
    for validation_id, peer_rank, council_rank, team in submitted.values_list(
        "pk", "overall_grade__rank", "audit__overall_grade__rank", "audit__auditor_team"
    ):
        result.append(agreement.Pair(validation_id, agreement.OVERALL, team, council_rank, peer_rank))
    return result


def statistics(review: Review, tool: AuditTool | None = None) -> agreement.Statistics:
    tool = tool or review_tool(review)
    domain_list = [(domain.pk, domain.name) for domain in domains(tool)] if tool else []
    categories = tool.grade_scale.grades.count() if tool else 0
    return agreement.compute(pairs(review), domain_list, categories)


OUTCOMES = {
    "exact": lambda pair: pair.difference == 0,
    "within_one": lambda pair: abs(pair.difference) <= 1,
    "disagree": lambda pair: pair.difference != 0,
    "council_higher": lambda pair: pair.difference > 0,
    "council_lower": lambda pair: pair.difference < 0,
    "all": lambda pair: True,
}


def validation_ids_behind(review: Review, *, key: str, outcome: str, team: str = "") -> set[int]:
    """The cases behind one number of the statistics."""
    test = OUTCOMES.get(outcome, OUTCOMES["all"])
    chosen = set()
    for pair in pairs(review):
        if key and str(pair.key) != key:
            continue
        if team and pair.team != team:
            continue
        if test(pair):
            chosen.add(pair.validation_id)
    return chosen
