"""The comparison of a review with an earlier review of the same council.

Each stage app may register a `comparison(review, earlier)` hook that returns a list of
`ComparisonTable`s, in a fixed number of queries. It returns an empty list when the earlier
review has nothing to compare in that stage, which is shown as "No data in the earlier review".

Any member of a review may see the comparison, although most are not members of the earlier
review. So a hook returns only aggregate figures: never case-level records, documents or peer
material the earlier review had not published. Tables built from peer-side figures (such as
audit agreement) say so, and the pages show them to the peer side only.
"""

from dataclasses import dataclass, field

from . import derived, stages
from .models import Review


class Direction:
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    NOT_COMPARABLE = "not_comparable"

    LABELS = {
        BETTER: "Better",
        WORSE: "Worse",
        SAME: "No change",
        NOT_COMPARABLE: "Not directly comparable",
    }
    TAGS = {
        BETTER: "govuk-tag--green",
        WORSE: "govuk-tag--red",
        SAME: "govuk-tag--grey",
        NOT_COMPARABLE: "govuk-tag--yellow",
    }


def direction_of(earlier: float | None, now: float | None, *, higher_is_better: bool = True) -> str:
    """Which way a figure moved; not comparable when either side has no figure."""
    if earlier is None or now is None:
        return Direction.NOT_COMPARABLE
    if now == earlier:
        return Direction.SAME
    return Direction.BETTER if (now > earlier) == higher_is_better else Direction.WORSE


@dataclass(frozen=True)
class ComparisonRow:
    measure: str
    earlier: str
    now: str
    direction: str = Direction.NOT_COMPARABLE
    note: str = ""

    @property
    def direction_label(self) -> str:
        return Direction.LABELS[self.direction]

    @property
    def tag_class(self) -> str:
        return Direction.TAGS[self.direction]


@dataclass(frozen=True)
class ComparisonTable:
    title: str
    rows: list[ComparisonRow] = field(default_factory=list)
    measure_heading: str = "Measure"
    introduction: str = ""
    # A plain list under the table, such as the earlier plan's actions not completed.
    list_title: str = ""
    list_items: list[str] = field(default_factory=list)
    # A one-line summary for the overview; counted from the rows' directions when empty.
    summary: str = ""
    # Figures from peer-side material: shown to the peer side only.
    peer_side_only: bool = False
    # Figures about the earlier review alone (no "now" column and no direction).
    earlier_only: bool = False


@dataclass(frozen=True)
class StageComparison:
    stage: stages.Stage
    tables: list[ComparisonTable]
    # True when every table is peer-side material and the viewer is on the council's side.
    withheld: bool = False

    @property
    def has_earlier_data(self) -> bool:
        return bool(self.tables)

    @property
    def summary(self) -> str:
        if self.withheld:
            return "Shown to the peer team only"
        if not self.tables:
            return "No data in the earlier review"
        given = [table.summary for table in self.tables if table.summary]
        if given:
            return "; ".join(given)
        return count_directions([row for table in self.tables for row in table.rows])

    def visible_to(self, *, peer_side: bool) -> "StageComparison":
        tables = self.tables if peer_side else [table for table in self.tables if not table.peer_side_only]
        return StageComparison(self.stage, tables, withheld=bool(self.tables) and not tables)


@dataclass(frozen=True)
class Comparison:
    review: Review
    earlier: Review
    stages: list[StageComparison]

    def visible_to(self, *, peer_side: bool) -> "Comparison":
        return Comparison(self.review, self.earlier, [item.visible_to(peer_side=peer_side) for item in self.stages])


def count_directions(rows: list[ComparisonRow]) -> str:
    counts = dict.fromkeys(Direction.LABELS, 0)
    for row in rows:
        counts[row.direction] += 1
    parts = [f"{counts[direction]} {Direction.LABELS[direction].lower()}" for direction in Direction.LABELS]
    return f"{len(rows)} measure{'s' if len(rows) != 1 else ''}: " + ", ".join(parts)


def compare_with_earlier(review: Review) -> Comparison | None:
    """Every stage's comparison of the review with its previous review; None when it has none.

    The earlier review is loaded without checking membership on purpose: the hooks return
    aggregate figures only (see the module's docstring), never the earlier review's records.
    """
    if review.previous_review_id is None:
        return None
    earlier = Review.objects.select_related("council", "framework", "grade_scale").get(pk=review.previous_review_id)
    compared = [stage for stage in stages.all_stages() if stage.comparison is not None]

    def tables() -> dict[str, list[ComparisonTable]]:
        return {stage.slug: stage.comparison(review, earlier) for stage in compared}

    # Worked out when either review changes (reviews/derived.py), not on every view of the overview.
    found = derived.cached("comparison", [review.pk, earlier.pk], tables)
    return Comparison(review, earlier, [StageComparison(stage, found.get(stage.slug, [])) for stage in compared])


def comparison_for_member(review: Review, *, peer_side: bool) -> Comparison | None:
    """The comparison as a member of the review may see it (peer-side figures for the peer side only)."""
    comparison = compare_with_earlier(review)
    return comparison.visible_to(peer_side=peer_side) if comparison else None
