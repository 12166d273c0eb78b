"""The self-assessment stage's entries in the registry: its progress and its part of the baseline report."""

from reviews.models import Finding, Review
from reviews.stages import Progress, ReportSection

from .services import STAGE, entry_counts, entry_counts_many, grade_rows, inspection_report_context


def progress(review: Review) -> Progress:
    return progress_many([review])[review.pk]


def progress_many(reviews: list[Review]) -> dict[int, Progress]:
    return {pk: _progress(counts) for pk, counts in entry_counts_many(reviews).items()}


def _progress(counts: dict[str, int]) -> Progress:
    total = counts["entries"] + counts["requests"] + counts["recommendations"]
    done = counts["submitted"] + counts["requests_accepted"] + counts["assessed"]
    summary = (
        f"{counts['submitted']} of {counts['entries']} entries submitted, {counts['reviewed']} analysed by peers; "
        f"{counts['requests_accepted']} of {counts['requests']} document requests fulfilled"
    )
    if counts["recommendations"]:
        summary += (
            f"; progress given on {counts['assessed']} of {counts['recommendations']} "
            "recommendations of the last inspection"
        )
    return Progress(done=done, total=total, overdue=counts["overdue"], summary=summary)


def report_section(review: Review) -> ReportSection:
    documents = review.documents.select_related("created_by").order_by("title")
    findings = (
        Finding.objects.filter(review=review, stage=STAGE).select_related("theme").order_by("theme__order", "kind")
    )
    context = {
        "rows": grade_rows(review, show_unpublished=True),
        "documents": documents,
        "findings": findings,
        "counts": entry_counts(review),
    }
    return ReportSection("reports/sections/selfassessment.html", context)


def chapter(review: Review) -> ReportSection:
    """The chapter "Progress since the last inspection": the first question of the review, so it stands alone."""
    context = {"title": "Progress since the last inspection", "anchor": "last-inspection"}
    return ReportSection("reports/sections/last_inspection.html", {**context, **inspection_report_context(review)})


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: completion, and the council's grades beside the peers'."""
    graded = [row for row in section["rows"] if row["entry"].grade_id or row["analysis"]]
    return ReportSection(
        "reports/summary/selfassessment.html",
        {"counts": section["counts"], "graded": graded, "differ": sum(1 for row in graded if row["flag"])},
    )
