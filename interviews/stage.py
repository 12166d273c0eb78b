"""The stage's entries in the registry: progress and its section of the baseline report."""

from django.db.models import Count, Q
from django.utils import timezone

from reviews.charts import Series, bar_chart
from reviews.models import Review
from reviews.stages import Progress, ReportSection

from . import services
from .models import Session


def progress(review: Review) -> Progress:
    """Sessions held out of those not cancelled; a session past its end and not marked held is overdue."""
    return progress_many([review])[review.pk]


def progress_many(reviews: list[Review]) -> dict[int, Progress]:
    """The same for many reviews in one query."""
    now = timezone.localtime()
    rows = (
        Session.objects.filter(review__in=reviews)
        .active()
        .values("review_id")
        .annotate(
            total=Count("id", distinct=True),
            held=Count("id", filter=Q(status=Session.Status.HELD), distinct=True),
            with_notes=Count("id", filter=Q(notes__isnull=False), distinct=True),
            overdue=Count(
                "id",
                filter=~Q(status=Session.Status.HELD) & (Q(day__lt=now.date()) | Q(day=now.date(), end__lt=now.time())),
                distinct=True,
            ),
        )
        .order_by()
    )
    counts = {row["review_id"]: row for row in rows}
    result = {}
    for review in reviews:
        row = counts.get(review.pk)
        if not row or not row["total"]:
            result[review.pk] = Progress(summary="No sessions yet")
            continue
        result[review.pk] = Progress(
            done=row["held"],
            total=row["total"],
            overdue=row["overdue"],
            summary=f"{row['held']} of {row['total']} sessions held, {row['with_notes']} with notes",
        )
    return result


def report_section(review: Review) -> ReportSection:
    sessions = Session.objects.filter(review=review)
    counts = sessions.aggregate(
        total=Count("id", filter=~Q(status=Session.Status.CANCELLED), distinct=True),
        held=Count("id", filter=Q(status=Session.Status.HELD), distinct=True),
        cancelled=Count("id", filter=Q(status=Session.Status.CANCELLED), distinct=True),
        with_notes=Count("id", filter=Q(notes__isnull=False), distinct=True),
    )
    numbers = services.programme_numbers(review)
    coverage = services.coverage(review)
    chart = bar_chart(
        title="Sessions by kind: planned and held (the table below has the figures)",
        categories=[row["label"] for row in numbers["kind_rows"]],
        series=[
            Series("Sessions", "#1d70b8", [row["total"] for row in numbers["kind_rows"]]),
            Series("Held", "#00703c", [row["held"] for row in numbers["kind_rows"]]),
        ],
        chart_id="report-sessions-by-kind",
    )
    return ReportSection(
        "reports/sections/interviews.html",
        {
            **counts,
            "numbers": numbers,
            "coverage": coverage,
            "coverage_blocks": [
                {"caption": "Coverage by theme", "heading": "Theme", "rows": coverage["theme_rows"]},
                {"caption": "Coverage by scope area", "heading": "Scope area", "rows": coverage["area_rows"]},
                {"caption": "Coverage by focus area", "heading": "Focus area", "rows": coverage["focus_rows"]},
                {
                    "caption": "Coverage by specific circumstance",
                    "heading": "Specific circumstance",
                    "rows": coverage["circumstance_rows"],
                },
            ],
            "chart": chart,
        },
    )


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: sessions held and agencies met on site."""
    return ReportSection(
        "reports/summary/interviews.html",
        {
            "held": section["held"],
            "total": section["total"],
            "with_notes": section["with_notes"],
            "agencies": len(section["numbers"]["agency_rows"]),
        },
    )
