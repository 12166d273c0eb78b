"""The audit validation stage's progress and its section of the baseline report."""

from django.db.models import Count, Q

from reviews.charts import Series, bar_chart
from reviews.models import Review
from reviews.stages import Progress, ReportSection

from . import services
from .models import Validation, disagreement


def progress(review: Review) -> Progress:
    return progress_many([review])[review.pk]


def progress_many(reviews: list[Review]) -> dict[int, Progress]:
    """Cases assigned, regraded and moderated, for many reviews in one query.

    A case is done once regraded if its grades agree with the council's, and once moderated if they differ.
    """
    rows = {
        row["review_id"]: row
        for row in Validation.objects.filter(review__in=reviews)
        .values("review_id")
        .annotate(
            assigned=Count("pk"),
            regraded=Count("pk", filter=~Q(status=Validation.Status.ASSIGNED)),
            moderated=Count("pk", filter=Q(status=Validation.Status.MODERATED)),
            to_moderate=Count("pk", filter=Q(status=Validation.Status.REGRADED) & disagreement()),
        )
        .order_by()
    }
    result = {}
    for review in reviews:
        row = rows.get(review.pk, {"assigned": 0, "regraded": 0, "moderated": 0, "to_moderate": 0})
        summary = (
            f"{row['assigned']} case{'s' if row['assigned'] != 1 else ''} assigned, "
            f"{row['regraded']} regraded, {row['moderated']} moderated"
        )
        if row["to_moderate"]:
            summary += f", {row['to_moderate']} with grades that differ from the council's still to moderate"
        result[review.pk] = Progress(done=row["regraded"] - row["to_moderate"], total=row["assigned"], summary=summary)
    return result


def agreement_chart(stats, chart_id: str) -> str:
    rows = stats.domains + [stats.overall]
    return bar_chart(
        title="Council and peer grades per domain: cases graded the same and within one grade "
        "(the table beside it has the figures)",
        categories=[row.label for row in rows],
        series=[
            Series("Same grade", "#00703c", [row.exact[0] for row in rows]),
            Series("Within one grade", "#1d70b8", [row.within_one[0] for row in rows]),
        ],
        chart_id=chart_id,
    )


def report_section(review: Review) -> ReportSection:
    stats = services.statistics(review)
    counts = Validation.objects.filter(review=review).aggregate(
        moderated=Count("pk", filter=Q(status=Validation.Status.MODERATED)),
        to_moderate=Count("pk", filter=Q(status=Validation.Status.REGRADED) & disagreement()),
    )
    return ReportSection(
        "reports/sections/audits.html",
        {"stats": stats, "chart": agreement_chart(stats, "report-agreement"), **counts},
    )


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: how far the council's audits and the peers' regrades agree."""
    return ReportSection("reports/summary/audits.html", {"stats": section["stats"]})
