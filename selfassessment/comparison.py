"""Grades by scope area, compared with an earlier review of the same council.

Only grades either side could already see are compared: the council's grade once its entry was
submitted, and the peers' grade once the lead published it. Scope areas are matched by title,
because the two reviews may use different framework versions.

Grades compare by rank only when both reviews use the same scale (the same grades in the same
order). Across the 2013 change (Adequate became Requires improvement) the ranks do not mean the
same thing, so both labels are shown and the row says "not directly comparable".
"""

from reviews.comparison import ComparisonRow, ComparisonTable, Direction, direction_of
from reviews.models import Grade, Review

from .models import Entry

SHOWN = [Entry.Status.SUBMITTED, Entry.Status.ACCEPTED]


def _grades(review: Review) -> dict[str, tuple[Grade | None, Grade | None]]:
    """Scope area title: (council's grade, published peers' grade), in one query."""
    result = {}
    for entry in (
        Entry.objects.filter(review=review, scope_area__isnull=False, status__in=SHOWN)
        .select_related("scope_area", "grade", "peer_analysis__grade")
        .order_by("scope_area__order")
    ):
        analysis = getattr(entry, "peer_analysis", None)
        peer = analysis.grade if analysis is not None and analysis.is_published else None
        result[entry.scope_area.title] = (entry.grade, peer)
    return result


def _scale(review: Review) -> list[str]:
    return list(Grade.objects.filter(scale_id=review.grade_scale_id).order_by("rank").values_list("label", flat=True))


def _row(measure: str, earlier: Grade | None, now: Grade | None, same_scale: bool) -> ComparisonRow:
    earlier_label = earlier.label if earlier else "Not graded"
    now_label = now.label if now else "Not graded"
    if earlier and now and not same_scale:
        return ComparisonRow(measure, earlier_label, now_label, Direction.NOT_COMPARABLE, "Different grade scales")
    # Rank 1 is the best grade, so a lower rank is better.
    direction = direction_of(earlier.rank if earlier else None, now.rank if now else None, higher_is_better=False)
    return ComparisonRow(measure, earlier_label, now_label, direction)


def compare(review: Review, earlier: Review) -> list[ComparisonTable]:
    before = _grades(earlier)
    if not before:
        return []
    after = _grades(review)
    same_scale = review.grade_scale_id == earlier.grade_scale_id or _scale(review) == _scale(earlier)
    titles = list(before) + [title for title in after if title not in before]
    council_rows = [
        _row(title, before.get(title, (None, None))[0], after.get(title, (None, None))[0], same_scale)
        for title in titles
    ]
    peer_rows = [
        _row(title, before.get(title, (None, None))[1], after.get(title, (None, None))[1], same_scale)
        for title in titles
        if before.get(title, (None, None))[1] or after.get(title, (None, None))[1]
    ]
    introduction = (
        ""
        if same_scale
        else f"The earlier review graded on “{earlier.grade_scale}”, this one on “{review.grade_scale}”: "
        "the grades are shown side by side but not compared."
    )
    tables = [ComparisonTable("Council's grades by scope area", council_rows, "Scope area", introduction)]
    if peer_rows:
        tables.append(ComparisonTable("Peers' published grades by scope area", peer_rows, "Scope area", introduction))
    return tables
