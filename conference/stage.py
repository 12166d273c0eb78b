"""The conference's entries in the registry: its progress and its part of the baseline report."""

from django.db.models import Count, Q
from django.utils import timezone

from reviews.models import Finding, Review
from reviews.stages import Progress, ReportSection

from . import services
from .models import Letter, Round


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
            f"{f['agreed']} of {f['total']} findings agreed; {held} round{'s' if held != 1 else ''} held; "
            f"letter {'published' if letter else 'not published'}; "
            f"{a['on_track']} of {a['total']} actions on track"
        )
        if a["overdue"]:
            summary += f"; {a['overdue']} overdue"
        result[review.pk] = Progress(done=done, total=total, overdue=a["overdue"], summary=summary)
    return result


def report_section(review: Review) -> ReportSection:
    rounds = []
    for round_ in review.rounds.filter(status=Round.Status.CLOSED).with_ballot_count().order_by("number"):
        rows = services.results(round_)
        rounds.append({"round": round_, "rows": rows, "chart": services.results_chart(round_, rows)})
    context = {
        "rounds": rounds,
        "priorities": review.priorities.order_by("order", "pk"),
        "letter": Letter.objects.filter(review=review).first(),
    }
    return ReportSection("reports/sections/conference.html", context)


def summary(review: Review, section: dict) -> ReportSection:
    """The executive summary's lines: the agreed priorities in order."""
    return ReportSection("reports/summary/conference.html", {"priorities": section["priorities"]})
