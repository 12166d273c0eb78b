"""The stage's entries in the registry: progress and its section of the baseline report."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from reviews import signals_status
from reviews.charts import Series, bar_chart
from reviews.models import Review
from reviews.stages import Progress, ReportSection

from . import distribution, services
from .models import RATED_BY_SEGMENT, FocusGroup, Questionnaire, QuestionnaireSettings, Segment


def safeguarding_lead_id(review: Review) -> int | None:
    return QuestionnaireSettings.for_review(review).safeguarding_lead_id


def is_safeguarding_lead(user) -> bool:
    return QuestionnaireSettings.objects.filter(safeguarding_lead=user).exists()


def progress(review: Review) -> Progress:
    return progress_many([review])[review.pk]


def progress_many(reviews: list[Review]) -> dict[int, Progress]:
    """Questionnaires open and complete, responses against expected, focus groups held and coded: three grouped
    queries. A questionnaire is a unit of work done once complete (`signals_status.questionnaire_complete`: closed),
    never because it has responses; a focus group once coded."""
    today = timezone.localdate()
    open_now = signals_status.questionnaire_open_q(today)
    complete = signals_status.questionnaire_complete_q(today)
    questionnaires: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Questionnaire.objects.filter(review__in=reviews)
        .values("review_id", "pk", "title")
        .annotate(
            open=Count("id", filter=open_now, distinct=True),
            complete=Count("id", filter=complete, distinct=True),
            rated=Count("id", filter=RATED_BY_SEGMENT, distinct=True),
            response_count=Count("responses"),
            # The expected figures are the agencies' and teams' people: measured against their responses only.
            expected_answered=Count("responses", filter=Q(responses__segment__expected__isnull=False)),
        )
        .order_by("review_id", "title", "pk")
    ):
        questionnaires[row["review_id"]].append(row)
    expected = {
        row["review_id"]: row["expected"]
        for row in Segment.objects.filter(review__in=reviews)
        .values("review_id")
        .annotate(expected=Sum("expected"))
        .order_by()
    }
    groups = {
        row["review_id"]: row
        for row in FocusGroup.objects.filter(review__in=reviews)
        .values("review_id")
        .annotate(total=Count("id", distinct=True), coded=Count("id", filter=Q(codings__isnull=False), distinct=True))
        .order_by()
    }
    result = {}
    for review in reviews:
        own = questionnaires.get(review.pk, [])
        q = {key: sum(row[key] for row in own) for key in ("open", "complete", "response_count")}
        g = groups.get(review.pk, {"total": 0, "coded": 0})
        if not own and not g["total"]:
            result[review.pk] = Progress(summary="No questionnaires or focus groups yet")
            continue
        responses = f"{q['response_count']} responses{_against_expected(own, expected.get(review.pk) or 0)}"
        result[review.pk] = Progress(
            done=q["complete"] + g["coded"],
            total=len(own) + g["total"],
            started=bool(q["open"] or q["response_count"]),
            summary=f"{q['open']} of {len(own)} questionnaires open, {q['complete']} closed, {responses}; "
            f"{g['total']} focus groups held, {g['coded']} coded",
        )
    return result


def _against_expected(questionnaires: list[dict], wanted: int) -> str:
    """Each questionnaire rated by segment and opened, against the number expected on its own: the same people
    can answer two questionnaires, so adding their responses up against one number could pass 100%."""
    rated = [row for row in questionnaires if row["rated"] and (row["open"] or row["complete"])]
    if not wanted or not rated:
        return ""
    parts = []
    for row in rated:
        part = f"{row['expected_answered']} answered “{row['title']}”"
        if row["expected_answered"] > wanted:
            part += " (more than expected, so the expected numbers look too low)"
        parts.append(part)
    return f" (of the {wanted} expected from agencies and teams: {', '.join(parts)})"


def report_section(review: Review) -> ReportSection:
    config = QuestionnaireSettings.for_review(review)
    summary = services.audience_summary(review, config.minimum_group)
    themes = [row for row in services.theme_scores(review, config.minimum_group) if row["percent"] is not None]
    chart = bar_chart(
        title="Positive answers by theme, per cent (the table below has the figures)",
        categories=[row["theme"] for row in themes],
        series=[Series("Positive answers (%)", "#1d70b8", [row["percent"] for row in themes])],
        chart_id="report-questionnaire-themes",
    )
    codes = services.coded_themes(review)
    groups = FocusGroup.objects.filter(review=review).annotate(coded=Count("codings")).order_by("held_on")
    return ReportSection(
        "reports/sections/focusgroups.html",
        {
            "summary": summary,
            "themes": themes,
            "chart": chart if themes else None,
            "codes": [code for code in codes if code["passages"]],
            "groups": groups,
            "config": config,
            "rates": distribution.review_rates(review, config.minimum_group),
        },
    )


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: questionnaires, responses that can be shown, and the themes at either end."""
    themes = sorted(section["themes"], key=lambda row: row["percent"])
    shown = [row["responses"] for row in section["summary"] if row["responses"] is not None]
    return ReportSection(
        "reports/summary/focusgroups.html",
        {
            "questionnaires": len(section["summary"]),
            "shown_responses": sum(shown),
            "groups": section["groups"],
            "best": themes[-1] if themes else None,
            "worst": themes[0] if themes else None,
        },
    )
