"""The case-mapping stage's progress and its section of the baseline report."""

from django.db.models import Count, Q
from django.utils import timezone

from reviews import scope
from reviews.charts import Series, bar_chart
from reviews.models import Case, Review
from reviews.stages import Progress, ReportSection

from . import services
from .models import Workshop
from .timeline import timeline_svg
from .timescales import Outcome


def progress(review: Review) -> Progress:
    return progress_many([review])[review.pk]


def progress_many(reviews: list[Review]) -> dict[int, Progress]:
    """Cases in the sample, cases mapped at workshops held and the workshops held, for many reviews in two queries.

    A planned workshop maps nothing until it is recorded as held.
    """
    cases = {
        row["review_id"]: row
        for row in Case.objects.filter(review__in=reviews)
        .values("review_id")
        .annotate(
            total=Count("pk", distinct=True),
            mapped=Count("pk", filter=Q(workshops__status=Workshop.Status.HELD), distinct=True),
        )
        .order_by()
    }
    workshops = dict(
        Workshop.objects.filter(review__in=reviews)
        .held()
        .values("review_id")
        .annotate(n=Count("pk"))
        .values_list("review_id", "n")
        .order_by()
    )
    today = timezone.localdate()
    result = {}
    for review in reviews:
        row = cases.get(review.pk, {"total": 0, "mapped": 0})
        total, mapped, held = row["total"], row["mapped"], workshops.get(review.pk, 0)
        overdue = total - mapped if review.onsite_start and today >= review.onsite_start else 0
        result[review.pk] = Progress(
            done=mapped,
            total=total,
            overdue=overdue,
            summary=f"{total} case{'s' if total != 1 else ''} in the sample, {mapped} mapped, "
            f"{held} workshop{'s' if held != 1 else ''} held",
        )
    return result


def sample_profile(review: Review) -> dict:
    """Cases by threshold level and by specific circumstance, each in one query."""
    levels = list(
        review.council.threshold_levels.order_by("order").annotate(cases=Count("case", filter=Q(case__review=review)))
    )
    circumstances = list(
        scope.circumstances(review).annotate(case_count=Count("cases", filter=Q(cases__review=review)))
    )
    return {
        "levels": levels,
        "circumstances": circumstances,
        "unlevelled": review.cases.filter(threshold_level__isnull=True).count(),
    }


def profile_chart(profile: dict, chart_id: str) -> str:
    return bar_chart(
        title="Cases in the sample by threshold level (the table beside it has the figures)",
        categories=[level.label for level in profile["levels"]],
        series=[Series("Cases", "#1d70b8", [level.cases for level in profile["levels"]])],
        chart_id=chart_id,
    )


def report_section(review: Review) -> ReportSection:
    """The sample, timeliness per rule and a line per case; the chronologies themselves are in the pack."""
    profile = sample_profile(review)
    cases = review.cases.select_related("threshold_level").prefetch_related("specific_circumstances")
    case_results, summaries = services.review_timeliness(review, cases=cases)
    mapped_ids = set(
        Case.objects.filter(review=review, workshops__status=Workshop.Status.HELD).values_list("pk", flat=True)
    )
    learning = learning_by_case(review)
    lines = []
    for case, results in case_results:
        missed = [result.rule.name for result in results if result.outcome == Outcome.MISSED]
        lines.append(
            {
                "case": case,
                "mapped": case.pk in mapped_ids,
                "circumstances": [area.title for area in case.specific_circumstances.all()],
                "missed": missed,
                "learning": len(learning.get(case.pk, [])),
            }
        )
    return ReportSection(
        "reports/sections/casemapping.html",
        {
            "profile": profile,
            "profile_chart": profile_chart(profile, "report-sample-profile"),
            "summaries": summaries,
            "lines": lines,
            "case_count": len(case_results),
            "mapped_count": len(mapped_ids),
        },
    )


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: statutory timescales met across the sample, and those most often missed."""
    summaries = section["summaries"]
    met = sum(len(item.met) for item in summaries)
    checked = sum(item.checked for item in summaries)
    worst = sorted((item for item in summaries if item.missed), key=lambda item: (-len(item.missed), item.rule.name))
    return ReportSection(
        "reports/summary/casemapping.html",
        {
            "case_count": section["case_count"],
            "met": met,
            "checked": checked,
            "rate": round(100 * met / checked) if checked else None,
            "worst": worst[:3],
        },
    )


def learning_by_case(review: Review) -> dict[int, list]:
    """The workshops' learning points, under each case their events belong to, in two queries."""
    learning = {}
    for point in (
        services.LearningPoint.objects.filter(workshop__review=review)
        .prefetch_related("events")
        .select_related("workshop")
        .order_by("pk")
    ):
        for case_id in {event.case_id for event in point.events.all()}:
            learning.setdefault(case_id, []).append(point)
    return learning


def pack_context(review: Review) -> dict:
    """The case mapping pack: every mapped case's timeline, chronology, timescales and learning, a case a page."""
    case_results, summaries = services.review_timeliness(
        review,
        cases=review.cases.filter(workshops__status=Workshop.Status.HELD).distinct().select_related("threshold_level"),
    )
    events_by_case = {}
    for event in (
        services.Event.objects.filter(review=review, case__workshops__status=Workshop.Status.HELD)
        .distinct()
        .select_related("kind", "agency", "threshold_level")
        .order_by("date", "sequence")
    ):
        events_by_case.setdefault(event.case_id, []).append(event)
    learning = learning_by_case(review)
    mapped = []
    for case, results in case_results:
        events = events_by_case.get(case.pk, [])
        checks = [check for result in results for check in result.checks]
        mapped.append(
            {
                "case": case,
                "events": events,
                "checks": [check for check in checks if check.outcome != Outcome.NOT_APPLICABLE],
                "timeline": timeline_svg(
                    events=events,
                    checks=checks,
                    chart_id=f"report-timeline-{case.pk}",
                    title=f"Multi-agency timeline of case {case.reference}",
                )
                if events
                else "",
                "learning": learning.get(case.pk, []),
            }
        )
    return {"review": review, "mapped": mapped, "summaries": summaries, "generated_at": timezone.now()}
