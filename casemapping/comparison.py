"""Timeliness by timescale rule, compared with an earlier review of the same council.

The figures are the ones the case-mapping report shows: per rule, the share of checked cases that
met it (`services.review_timeliness`). Rules are matched by name, so a rule in force in only one
of the two reviews is not compared: one checked only in the earlier review (such as the 2010 initial
assessment) is listed as not checked now, and one checked only in this review is left out.
"""

from reviews.comparison import ComparisonRow, ComparisonTable, Direction, direction_of
from reviews.models import Review

from . import services


def _rates(review: Review) -> dict[str, tuple[int | None, int]]:
    """Rule name: (per cent of checked cases within timescale, cases checked), in a fixed number of queries."""
    _, summaries = services.review_timeliness(review)
    return {summary.rule.name: (summary.rate, summary.checked) for summary in summaries if summary.checked}


def _describe(rate: int | None, checked: int) -> str:
    if rate is None:
        return "Not checked"
    return f"{rate}% of {checked} case{'s' if checked != 1 else ''}"


def compare(review: Review, earlier: Review) -> list[ComparisonTable]:
    before = _rates(earlier)
    if not before:
        return []
    after = _rates(review)
    rows = []
    for name in before:
        earlier_rate, earlier_checked = before.get(name, (None, 0))
        now_rate, now_checked = after.get(name, (None, 0))
        direction = direction_of(earlier_rate, now_rate)
        note = "" if direction != Direction.NOT_COMPARABLE else "Not checked in this review"
        rows.append(
            ComparisonRow(
                name, _describe(earlier_rate, earlier_checked), _describe(now_rate, now_checked), direction, note
            )
        )
    return [
        ComparisonTable(
            "Cases within statutory timescales",
            rows,
            "Timescale",
            "The share of cases whose every check met the timescale, for the timescales checked in the earlier review.",
        )
    ]
