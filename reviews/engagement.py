"""Partner engagement: what each partner agency committed to the review against what happened in the stages.

A stage with per-partner records implements the `engagement` hook of its `Stage`: it returns a list of
`EngagementMeasure`, each counting something per partner in a fixed number of queries. This module
iterates the registry (it never imports a stage app) and builds one row per partner of the council.
"""

from dataclasses import dataclass, field

from . import signals_status, stages
from .models import Commitment, Partner, PlanningMeeting, PlanningMember, Review


class Against:
    """How a measure is set against a partner's commitment."""

    NOTHING = ""  # no commitment to compare with: the count is shown as it is
    COUNT = signals_status.COUNT  # same unit as the commitment: short when fewer than committed
    PRESENCE = signals_status.PRESENCE  # another unit (say sessions, not people): short when committed but absent


# The commitments a measure can be set against: a field of Commitment and what it counts.
COMMITMENTS = {
    "mapping_practitioners": "practitioners",
    "focus_group_practitioners": "practitioners",
    "expected_responses": "responses",
}


@dataclass(frozen=True)
class EngagementMeasure:
    """Something a stage counts per partner agency.

    `counts` maps a partner id to its count; a partner missing from it counts `missing` (0, or None when
    the stage cannot know for that partner). `counts` is None when the stage cannot tie its records to a
    partner agency at all; `note` then says why, and nothing is invented. With `minimum`, a count from 1
    to below it is shown as "fewer than" the minimum, never as the number (anonymous responses). A measure
    not `settled` can still grow (a questionnaire still open, a workshop still planned): nobody is short on it
    yet (`signals_status.short_of_commitment`).
    """

    key: str
    label: str
    stage_slug: str
    counts: dict[int, int] | None
    commitment: str | None = None  # a key of COMMITMENTS, or None
    against: str = Against.NOTHING
    unit: str = ""  # what the count is of, such as "practitioners" or "sessions"
    note: str = ""
    missing: int | None = 0
    minimum: int | None = None
    settled: bool = True

    def __post_init__(self) -> None:
        if self.commitment is not None and self.commitment not in COMMITMENTS:
            raise ValueError(f"Unknown commitment {self.commitment!r}.")
        if (self.commitment is None) != (self.against == Against.NOTHING):
            raise ValueError("A measure set against a commitment says how; one without a commitment says nothing.")

    @property
    def is_available(self) -> bool:
        return self.counts is not None


@dataclass(frozen=True)
class Cell:
    """One measure for one partner. A suppressed count keeps no number: `happened` is None and `shown` says
    "fewer than" the minimum."""

    measure: EngagementMeasure
    committed: int | None
    happened: int | None
    short: bool
    text: str
    shown: str = ""  # the count as the reasons may quote it
    suppressed: bool = False


@dataclass
class PartnerRow:
    partner: Partner
    commitment: Commitment | None
    cells: list[Cell]
    reasons: list[str] = field(default_factory=list)
    status: signals_status.Signal = signals_status.ENGAGEMENT_AS_COMMITTED

    @property
    def under_represented(self) -> bool:
        return self.status == signals_status.ENGAGEMENT_UNDER_REPRESENTED

    @property
    def needs_attention(self) -> bool:
        """Anything short of "As committed": no commitment, partly as committed or under-represented."""
        return self.status != signals_status.ENGAGEMENT_AS_COMMITTED


@dataclass
class EngagementTable:
    measures: list[EngagementMeasure]
    rows: list[PartnerRow]
    committed_partners: int

    @property
    def partner_count(self) -> int:
        return len(self.rows)

    @property
    def under_represented(self) -> list[PartnerRow]:
        return [row for row in self.rows if row.under_represented]

    @property
    def needs_attention(self) -> list[PartnerRow]:
        return [row for row in self.rows if row.needs_attention]

    @property
    def unavailable(self) -> list[EngagementMeasure]:
        return [measure for measure in self.measures if not measure.is_available]


def committed_amount(commitment: Commitment | None, key: str) -> int | None:
    """What the partner committed for a measure; None when it made no commitment at all."""
    if commitment is None:
        return None
    if key == "expected_responses" and not commitment.distributes_questionnaire:
        return 0
    return getattr(commitment, key) or 0


def amount(number: int, unit: str) -> str:
    """`1 practitioner`, `3 practitioners`: units are plural words ending in s."""
    return f"{number} {unit[:-1] if number == 1 and unit.endswith('s') else unit}".strip()


def _promise(measure: EngagementMeasure, commitment: Commitment | None, committed: int | None) -> str:
    key = measure.commitment
    if commitment is None:
        return "nothing committed"
    if key == "expected_responses":
        if not commitment.distributes_questionnaire:
            return "does not distribute the questionnaire"
        if commitment.expected_responses is None:
            return "distributes the questionnaire, no number expected"
        return f"{amount(committed, COMMITMENTS[key])} expected"
    if not committed:
        return "none committed"
    return f"{amount(committed, COMMITMENTS[key])} committed"


def _cell(measure: EngagementMeasure, commitment: Commitment | None, partner_id: int) -> Cell:
    happened = None if measure.counts is None else measure.counts.get(partner_id, measure.missing)
    committed = committed_amount(commitment, measure.commitment) if measure.commitment else None
    short = signals_status.short_of_commitment(happened, committed, measure.against, settled=measure.settled)
    suppressed = happened is not None and measure.minimum is not None and 0 < happened < measure.minimum
    if suppressed:
        happened = None  # the number itself goes no further than this function
        shown = f"fewer than {measure.minimum}"
        done = f"Fewer than {amount(measure.minimum, measure.unit)}"
    else:
        shown = "" if happened is None else str(happened)
        done = "Not known" if happened is None else amount(happened, measure.unit)
    text = done if measure.commitment is None else f"{done}; {_promise(measure, commitment, committed)}"
    return Cell(
        measure=measure,
        committed=committed,
        happened=happened,
        short=short,
        text=text,
        shown=shown,
        suppressed=suppressed,
    )


def _reasons(commitment: Commitment | None, cells: list[Cell]) -> list[str]:
    reasons = []
    if commitment is None:
        reasons.append("No commitment recorded")
    elif commitment.is_empty():
        reasons.append("Committed nothing")
    for cell in cells:
        if cell.short and cell.measure.against == Against.COUNT:
            reasons.append(f"{cell.measure.label}: {cell.shown} of {cell.committed} committed")
        elif cell.short:
            committed = amount(cell.committed, COMMITMENTS[cell.measure.commitment])
            reasons.append(f"{cell.measure.label}: none, though it committed {committed}")
    known = [cell.suppressed or cell.happened for cell in cells if cell.suppressed or cell.happened is not None]
    if known and not any(known):
        reasons.append("Took part in no stage")
    return reasons


def _status(commitment: Commitment | None, cells: list[Cell]) -> signals_status.Signal:
    """The agency's engagement by `signals_status.engagement_status`, over the settled measures it committed to."""
    judged = [cell for cell in cells if cell.committed and cell.measure.settled and cell.happened is not None]
    judged += [cell for cell in cells if cell.committed and cell.measure.settled and cell.suppressed]
    return signals_status.engagement_status(
        committed=commitment is not None and not commitment.is_empty(),
        met=sum(1 for cell in judged if not cell.short),
        short=sum(1 for cell in judged if cell.short),
    )


def collect_measures(review: Review) -> list[EngagementMeasure]:
    """Every registered stage's measures, in stage order."""
    measures: list[EngagementMeasure] = []
    for stage in stages.all_stages():
        if stage.engagement is not None:
            measures.extend(stage.engagement(review))
    return measures


def engagement_table(review: Review) -> EngagementTable:
    """Per partner of the review's council: committed against what happened, under-represented first, then partly
    as committed, then with no commitment."""
    partners = list(Partner.objects.filter(council_id=review.council_id).select_related("kind").order_by("name"))
    commitments = {c.partner_id: c for c in Commitment.objects.filter(review=review)}
    measures = collect_measures(review)
    rows = []
    for partner in partners:
        commitment = commitments.get(partner.pk)
        cells = [_cell(measure, commitment, partner.pk) for measure in measures]
        rows.append(
            PartnerRow(
                partner=partner,
                commitment=commitment,
                cells=cells,
                reasons=_reasons(commitment, cells),
                status=_status(commitment, cells),
            )
        )
    order = [
        signals_status.ENGAGEMENT_UNDER_REPRESENTED,
        signals_status.ENGAGEMENT_SHORT,
        signals_status.ENGAGEMENT_NO_COMMITMENT,
        signals_status.ENGAGEMENT_AS_COMMITTED,
    ]
    rows.sort(key=lambda row: order.index(row.status))
    committed = sum(1 for partner in partners if partner.pk in commitments)
    return EngagementTable(measures=measures, rows=rows, committed_partners=committed)


def overview_context(review: Review) -> dict:
    """The review overview's "Partner engagement" block."""
    return {"engagement": engagement_table(review)}


def report_context(review: Review) -> dict:
    """The baseline report's "Partner engagement" chapter: the planning group, its meetings and the table."""
    members = (
        PlanningMember.objects.filter(review=review)
        .select_related("partner", "review__council")
        .order_by("partner__name", "role", "pk")
    )
    return {
        "planning_members": [{"role": m.role, "agency": m.agency_name(), "name": m.name} for m in members],
        "planning_meetings": list(PlanningMeeting.objects.filter(review=review).order_by("held_on")),
        "engagement": engagement_table(review),
    }
