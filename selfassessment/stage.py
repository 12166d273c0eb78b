"""The self-assessment stage's entries in the registry: its progress and its part of the baseline report."""

from reviews.models import Finding, Review
from reviews.stages import Progress, ReportSection

from .services import STAGE, entry_counts, grade_rows


def progress(review: Review) -> Progress:
    counts = entry_counts(review)
    total = counts["entries"] + counts["requests"]
    done = counts["submitted"] + counts["requests_accepted"]
    summary = (
        f"{counts['submitted']} of {counts['entries']} entries submitted, {counts['reviewed']} analysed by peers; "
        f"{counts['requests_accepted']} of {counts['requests']} document requests fulfilled"
    )
    if counts["overdue"]:
        summary += f"; {counts['overdue']} overdue"
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
