"""The conference's entries in the registry: its progress and its part of the baseline report."""

from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from reviews.models import Finding, Review
from reviews.stages import PlanCount, Progress, ReportSection

from . import services
from .models import Action, Checkpoint, Letter, Priority, Round


def progress(review: Review) -> Progress:
    return progress_many([review])[review.pk]


def progress_many(reviews: list[Review]) -> dict[int, Progress]:
    """Findings agreed, rounds held, the letter published and actions on track, in four grouped queries."""
    ids = [review.pk for review in reviews]
    findings = {
        row["review_id"]: row
        for row in Finding.objects.filter(review_id__in=ids)
        .order_by()
        .values("review_id")
        .annotate(
            total=Count("id"),
            agreed=Count("id", filter=Q(status__in=[Finding.Status.AGREED, Finding.Status.PUBLISHED])),
        )
    }
    rounds = {
        row["review_id"]: row["n"]
        for row in Round.objects.filter(review_id__in=ids, status=Round.Status.CLOSED)
        .order_by()
        .values("review_id")
        .annotate(n=Count("id"))
    }
    published = set(
        Letter.objects.filter(review_id__in=ids, status=Letter.Status.PUBLISHED).values_list("review_id", flat=True)
    )
    actions = services.action_counts_many(reviews, timezone.localdate())
    result = {}
    for review in reviews:
        f = findings.get(review.pk, {"total": 0, "agreed": 0})
        a = actions.get(review.pk, {"total": 0, "on_track": 0, "overdue": 0})
        held = rounds.get(review.pk, 0)
        letter = review.pk in published
        if not f["total"] and not held and not a["total"]:
            result[review.pk] = Progress(summary="Not started")
            continue
        # Units of work: each finding agreed, a round held, the letter published, each action on track.
        total = f["total"] + 1 + 1 + a["total"]
        done = f["agreed"] + min(held, 1) + int(letter) + a["on_track"]
        summary = (
            f"{f['agreed']} of {f['total']} findings agreed or published; {held} round{'s' if held != 1 else ''} held; "
            f"letter {'published' if letter else 'not published'}; "
            f"{a['on_track']} of {a['total']} actions on track"
        )
        result[review.pk] = Progress(done=done, total=total, overdue=a["overdue"], summary=summary)
    return result


def milestones_met(reviews: list[Review]) -> dict[int, dict[str, date | None]]:
    """The conference held (its first round closed), the letter published and the 3- and 12-month checks held,
    with the day each happened, in one query."""
    closed = Round.objects.filter(review=OuterRef("pk"), status=Round.Status.CLOSED).order_by("closed_at")
    published = Letter.objects.filter(review=OuterRef("pk"), status=Letter.Status.PUBLISHED)
    checks = Checkpoint.objects.filter(review=OuterRef("pk"))
    rows = Review.objects.filter(pk__in=[review.pk for review in reviews]).values_list(
        "pk",
        Subquery(closed.values("closed_at")[:1]),
        Subquery(published.values("published_at")[:1]),
        Subquery(checks.filter(months=3).values("held_on")[:1]),
        Subquery(checks.filter(months=12).values("held_on")[:1]),
    )
    met: dict[int, dict[str, date | None]] = {}
    for review_id, conference, letter, check_3, check_12 in rows:
        found: dict[str, date | None] = {}
        if conference is not None:
            found["conference"] = timezone.localdate(conference)
        if letter is not None:
            found["letter"] = timezone.localdate(letter)
        for key, held_on in (("check_3", check_3), ("check_12", check_12)):
            if held_on is not None:
                found[key] = held_on
        met[review_id] = found
    return met


def plan_counts(reviews: list[Review], today: date) -> dict[int, list[PlanCount]]:
    """Each plan's actions by priority and RAG rating now, and how many are overdue, in two queries."""
    ids = [review.pk for review in reviews]
    counts = {
        row["priority_id"]: row
        for row in Action.objects.filter(priority__review_id__in=ids)
        .with_current_rag()
        .order_by()
        .values("priority_id")
        .annotate(
            red=Count("id", filter=Q(latest_rag=Action.RAG.RED)),
            amber=Count("id", filter=Q(latest_rag=Action.RAG.AMBER)),
            green=Count("id", filter=Q(latest_rag=Action.RAG.GREEN)),
            overdue=Count("id", filter=Q(due_date__lt=today) & ~Q(status=Action.Status.DONE)),
        )
    }
    plans: dict[int, list[PlanCount]] = {review_id: [] for review_id in ids}
    for priority in Priority.objects.filter(review_id__in=ids).numbered():
        row = counts.get(priority.pk, {})
        plans[priority.review_id].append(
            PlanCount(
                priority=priority.title,
                red=row.get("red", 0),
                amber=row.get("amber", 0),
                green=row.get("green", 0),
                overdue=row.get("overdue", 0),
            )
        )
    return plans


def report_section(review: Review) -> ReportSection:
    rounds = []
    for round_ in review.rounds.filter(status=Round.Status.CLOSED).with_ballot_count().order_by("number"):
        rows = services.results(round_)
        rounds.append({"round": round_, "rows": rows, "chart": services.results_chart(round_, rows)})
    context = {
        "rounds": rounds,
        "priorities": review.priorities.numbered(),
        "letter": Letter.objects.filter(review=review).first(),
    }
    return ReportSection("reports/sections/conference.html", context)


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: the agreed priorities in order."""
    return ReportSection("reports/summary/conference.html", {"priorities": section["priorities"]})
