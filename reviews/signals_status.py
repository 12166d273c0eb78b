"""The statuses that pages, dashboards and reports show, each defined once here with its rule.

Every page and report that shows one of these statuses asks this module; no template or stage works one out
for itself. A rule that needs a stage's records takes plain values (dates, counts, ratings), so this module
imports no stage app: the stage loads its rows and passes the values in. Where a stage must filter or count in
the database by the same rule, the rule also has a `Q` form here, and a test holds the two together.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q


@dataclass(frozen=True)
class Signal:
    """A status as shown: its words and the GOV.UK tag colour that goes with them."""

    key: str
    label: str
    tag_class: str

    def __str__(self) -> str:
        return self.label


# Stage complete

STAGE_NOT_STARTED = Signal("not_started", "Not started", "govuk-tag--grey")
STAGE_IN_PROGRESS = Signal("in_progress", "In progress", "govuk-tag--light-blue")
STAGE_COMPLETED = Signal("completed", "Completed", "govuk-tag--green")


def stage_status(done: int, total: int, started: bool = False) -> Signal:
    """A stage's status from its units of work (what a unit is, the stage's progress function says).

    Rule: "Not started" when the stage counts no work yet, or none of it is done and none `started` (say, a
    questionnaire open or answered); "Completed" only when every unit is done (done >= total > 0); otherwise
    "In progress". A questionnaire is a unit done only once it is
    complete (see `questionnaire_complete`), never because it has some responses.
    """
    if total <= 0 or (done <= 0 and not started):
        return STAGE_NOT_STARTED
    if done >= total:
        return STAGE_COMPLETED
    return STAGE_IN_PROGRESS


# Questionnaire open, closed, complete

QUESTIONNAIRE_NOT_OPEN = Signal("not_open", "Not open yet", "govuk-tag--grey")
QUESTIONNAIRE_OPEN = Signal("open", "Open", "govuk-tag--green")
QUESTIONNAIRE_CLOSED = Signal("closed", "Closed", "govuk-tag--blue")


def questionnaire_status(opens_on: date | None, closes_on: date | None, today: date) -> Signal:
    """Whether a questionnaire takes answers today.

    Rule: "Not open yet" with no opening date or before it; "Closed" after its closing date (the closing
    day itself still takes answers); otherwise "Open" (a questionnaire with no closing date stays open).
    """
    if opens_on is None or today < opens_on:
        return QUESTIONNAIRE_NOT_OPEN
    if closes_on is not None and today > closes_on:
        return QUESTIONNAIRE_CLOSED
    return QUESTIONNAIRE_OPEN


def questionnaire_complete(opens_on: date | None, closes_on: date | None, today: date) -> bool:
    """Whether a questionnaire's part of the stage is done.

    Rule: complete only once it has closed. The expected numbers are how many in each agency or team could
    answer, not a target, so they cannot say that a questionnaire is done; and while it is open more answers
    can come, so 13 of 260 expected responses on an open questionnaire is work in progress, as is an open
    questionnaire that has reached its expected number. Closing it finishes it.
    """
    return questionnaire_status(opens_on, closes_on, today) == QUESTIONNAIRE_CLOSED


def questionnaire_open_q(today: date, prefix: str = "") -> Q:
    """`questionnaire_status(...) == QUESTIONNAIRE_OPEN` as a filter; `prefix` such as "questionnaire__"."""
    return Q(**{f"{prefix}opens_on__lte": today}) & (
        Q(**{f"{prefix}closes_on__isnull": True}) | Q(**{f"{prefix}closes_on__gte": today})
    )


def questionnaire_complete_q(today: date, prefix: str = "") -> Q:
    """`questionnaire_complete(...)` as a filter: opened and closed before today."""
    return Q(**{f"{prefix}opens_on__isnull": False}) & Q(**{f"{prefix}closes_on__lt": today})


# Agency engagement against its commitment

COUNT = "count"  # same unit as the commitment (practitioners sent against practitioners committed)
PRESENCE = "presence"  # another unit (sessions attended against practitioners committed)

ENGAGEMENT_NO_COMMITMENT = Signal("no_commitment", "No commitment", "govuk-tag--grey")
ENGAGEMENT_AS_COMMITTED = Signal("as_committed", "As committed", "govuk-tag--green")
ENGAGEMENT_SHORT = Signal("short", "Partly as committed", "govuk-tag--orange")
ENGAGEMENT_UNDER_REPRESENTED = Signal("under_represented", "Under-represented", "govuk-tag--red")


def short_of_commitment(happened: int | None, committed: int | None, against: str, *, settled: bool = True) -> bool:
    """Whether an agency fell short of what it committed on one measure.

    Rule: never short when nothing was committed, when the count is not known, or while the measure is not
    settled (responses to a questionnaire still open can still come; workshops still planned can still be
    attended). Set against a count in the same unit, short when fewer happened than were committed (3 of 4
    practitioners is short by one); set against presence, short only when it committed something and was
    absent altogether.
    """
    if not settled or happened is None or not committed:
        return False
    if against == COUNT:
        return happened < committed
    return happened == 0


def engagement_status(*, committed: bool, met: int, short: int) -> Signal:
    """An agency's engagement across the stages, against its commitment.

    `committed` is whether it committed anything at all; `met` and `short` count the settled measures it
    committed to that it met and that it fell short of (`short_of_commitment`). Rule: "No commitment" when it
    committed nothing (there is nothing to be under); "As committed" when it fell short of nothing; "Under-
    represented" only when it fell short of every settled measure it committed to; "Partly as committed" when
    it met some and fell short of others. So an agency that sent 3 of 4 practitioners, attended the focus
    group it committed to and was interviewed is partly as committed, never under-represented.
    """
    if not committed:
        return ENGAGEMENT_NO_COMMITMENT
    if short == 0:
        return ENGAGEMENT_AS_COMMITTED
    if met == 0:
        return ENGAGEMENT_UNDER_REPRESENTED
    return ENGAGEMENT_SHORT


# Action RAG

RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}


def action_rag(planned: str, updates: Iterable[tuple[date, int, str]]) -> str:
    """An action's RAG rating now: `updates` are its progress updates as (date, id, rating).

    Rule: the rating of its latest update (the latest date; on the same date, the one added last) wins over
    the rating the action was planned with; with no update, the planned rating. The database form is
    `conference.models.ActionQuerySet.with_current_rag`, held to this rule by a test.
    """
    latest = max(updates, key=lambda update: (update[0], update[1]), default=None)
    return latest[2] if latest is not None else planned


def action_value(planned, updates: Iterable[tuple[date, int, object]]):
    """An action's value now: that of its latest update that gave one, else the value on the action."""
    given = [update for update in updates if update[2] is not None]
    latest = max(given, key=lambda update: (update[0], update[1]), default=None)
    return latest[2] if latest is not None else planned


# Evidence strength

TRIANGULATION_MINIMUM = 2
"""Distinct sources (stages) behind a finding for it to count as triangulated, unless the review sets another."""

EVIDENCE_NONE = Signal("none", "No evidence", "govuk-tag--red")
EVIDENCE_ONE_SOURCE = Signal("one_source", "One source only", "govuk-tag--yellow")
EVIDENCE_TOO_FEW = Signal("too_few", "Not yet triangulated", "govuk-tag--yellow")
EVIDENCE_TRIANGULATED = Signal("triangulated", "Triangulated", "govuk-tag--green")


def evidence_strength(sources: int, minimum: int = TRIANGULATION_MINIMUM) -> Signal:
    """How well a finding (or a theme or scope area) is evidenced, from its number of distinct sources.

    A finding's sources (`Finding.evidence_sources`): none when nothing is linked to it as evidence, whatever
    stage raised it; otherwise the distinct stages behind it (its own and those of its evidence, as
    `Finding.triangulation` counts them), at least one. Rule: no source is "No evidence", never "One source only"; exactly one is "One source only"; from two to
    below `minimum` (the review's conference setting, 2 unless changed) is "Not yet triangulated"; `minimum`
    or more (and never fewer than two) is "Triangulated".
    """
    if sources <= 0:
        return EVIDENCE_NONE
    if sources == 1:
        return EVIDENCE_ONE_SOURCE
    if sources < minimum:
        return EVIDENCE_TOO_FEW
    return EVIDENCE_TRIANGULATED


# Milestones of a review (the conference, the letter, the impact checks) and overdue counts on closed reviews

MILESTONE_NOT_SET = Signal("not_set", "No date set", "govuk-tag--grey")
MILESTONE_DONE = Signal("done", "Done", "govuk-tag--green")
MILESTONE_DUE = Signal("due", "Due", "govuk-tag--light-blue")
MILESTONE_LATE = Signal("late", "Late", "govuk-tag--red")
MILESTONE_CLOSED = Signal("closed", "Not done, review closed", "govuk-tag--grey")


def milestone_status(due: date | None, done: bool, today: date, *, closed: bool = False) -> Signal:
    """A milestone of a review: its date, and whether what it marks has happened.

    Rule: "Done" once it has happened, whatever its date; otherwise "No date set" without a date; a closed
    review is late for nothing ("Not done, review closed"); otherwise "Late" once its date has passed (the day
    after it), else "Due".
    """
    if done:
        return MILESTONE_DONE
    if due is None:
        return MILESTONE_NOT_SET
    if closed:
        return MILESTONE_CLOSED
    if due < today:
        return MILESTONE_LATE
    return MILESTONE_DUE


def counts_overdue(closed: bool) -> bool:
    """Whether a review's dashboards count overdue work. Rule: a closed review has nothing overdue: its plan
    has been handed to the council's own tracking, so its unfinished actions are history, not alerts."""
    return not closed
