"""Working-day arithmetic and the timeliness of chronologies against the timescale rules.

Working days skip weekends and England's bank holidays, taken from the `holidays` library
(substitute days and one-off holidays such as the 2022 jubilee and the 2023 coronation included).
"""

import calendar
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

from .models import TimescaleRule

Unit = TimescaleRule.Unit


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=8192)
def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date `count` working days after `start` (a Friday plus 1 is the next working Monday)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + datetime.timedelta(offset)))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class Outcome:
    MET = "met"
    MISSED = "missed"
    NOT_DUE = "not_due"
    NOT_APPLICABLE = "not_applicable"

    LABELS = {MET: "Met", MISSED: "Missed", NOT_DUE: "Not yet due", NOT_APPLICABLE: "Not applicable"}
    TAGS = {MET: "govuk-tag--green", MISSED: "govuk-tag--red", NOT_DUE: "govuk-tag--yellow", NOT_APPLICABLE: ""}


@dataclass(frozen=True)
class Check:
    """One occurrence of a rule in a case: the starting event, the deadline and what happened."""

    rule: TimescaleRule
    start: object  # the starting event
    deadline: datetime.datetime | datetime.date
    outcome: str
    end: object | None = None  # the event that met (or missed) it
    late_by: int = 0

    @property
    def label(self) -> str:
        return Outcome.LABELS[self.outcome]

    @property
    def tag_class(self) -> str:
        return Outcome.TAGS[self.outcome]

    @property
    def deadline_date(self) -> datetime.date:
        return self.deadline.date() if isinstance(self.deadline, datetime.datetime) else self.deadline

    def describe(self) -> str:
        unit = self.rule.get_unit_display()
        if self.outcome == Outcome.MISSED and self.end is None:
            return f"No {self.rule.to_kind.name.lower()} recorded; due by {_day(self.deadline_date)}"
        if self.outcome == Outcome.MISSED:
            return f"Missed by {self.late_by} {unit.removesuffix('s') if self.late_by == 1 else unit}"
        if self.outcome == Outcome.NOT_DUE:
            return f"Due by {_day(self.deadline_date)}"
        if self.outcome == Outcome.NOT_APPLICABLE:
            return f"Not applicable: {self.end.kind.name.lower()} on {_day(self.end.date)}"
        return f"Met on {_day(self.end.date)}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class RuleResult:
    """A rule's checks in one case; not applicable when the case has no starting event under it."""

    rule: TimescaleRule
    checks: list[Check] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        outcomes = {check.outcome for check in self.checks}
        for outcome in (Outcome.MISSED, Outcome.NOT_DUE, Outcome.MET):
            if outcome in outcomes:
                return outcome
        return Outcome.NOT_APPLICABLE

    @property
    def label(self) -> str:
        return Outcome.LABELS[self.outcome]

    @property
    def tag_class(self) -> str:
        return Outcome.TAGS[self.outcome]

    def count(self, outcome: str) -> int:
        return sum(1 for check in self.checks if check.outcome == outcome)


def _moment(event, *, end: bool) -> datetime.datetime:
    # Without a recorded time, the benefit of the doubt goes to the agency: a start at midnight, an end at 23:59.
    if event.time is not None:
        return datetime.datetime.combine(event.date, event.time)
    return datetime.datetime.combine(event.date, datetime.time(23, 59) if end else datetime.time(0, 0))


def _deadline(rule: TimescaleRule, start) -> datetime.date | datetime.datetime:
    if rule.unit == Unit.WORKING_DAYS:
        return add_working_days(start.date, rule.limit)
    if rule.unit == Unit.CALENDAR_DAYS:
        return start.date + datetime.timedelta(days=rule.limit)
    if rule.unit == Unit.MONTHS:
        return add_months(start.date, rule.limit)
    return _moment(start, end=False) + datetime.timedelta(hours=rule.limit)


def _late_by(rule: TimescaleRule, deadline, end) -> int:
    if rule.unit == Unit.WORKING_DAYS:
        return working_days_between(deadline, end.date)
    if rule.unit == Unit.HOURS:
        return math.ceil((_moment(end, end=True) - deadline).total_seconds() / 3600)
    return (end.date - deadline).days


def _is_late(rule: TimescaleRule, deadline, end) -> bool:
    if rule.unit == Unit.HOURS:
        return _moment(end, end=True) > deadline
    return end.date > deadline


def check_case(
    events: list, rules: Iterable[TimescaleRule], *, today: datetime.date, rules_as_of: datetime.date | None = None
) -> list[RuleResult]:
    """Every rule against one case's events (in chronological order), without touching the database.

    A rule applies to a starting event when the rule was in force on the event's date, or on `rules_as_of`
    when an admin fixed the guidance version for the review.
    """
    by_kind: dict[int, list] = defaultdict(list)
    for event in events:
        by_kind[event.kind_id].append(event)
    results = []
    for rule in rules:
        result = RuleResult(rule)
        starts = by_kind.get(rule.from_kind_id, [])
        starts = starts[rule.first_occurrence - 1 : rule.last_occurrence]
        if rule.window_from_id is not None:
            starts = [start for start in starts if _in_window(rule, start, by_kind.get(rule.window_from_id, []))]
        stops = sorted(
            (event for kind in rule.stopped_by.all() for event in by_kind.get(kind.pk, [])),
            key=lambda event: (event.date, event.sequence),
        )
        for start in starts:
            if not rule.applies_on(rules_as_of or start.date):
                continue
            result.checks.append(_check_one(rule, start, by_kind.get(rule.to_kind_id, []), stops, today))
        results.append(result)
    return results


def _in_window(rule: TimescaleRule, start, openers: list) -> bool:
    """Whether a starting event falls within the rule's window after the latest opening event before it."""
    before = [event for event in openers if (event.date, event.sequence) <= (start.date, start.sequence)]
    return bool(before) and (start.date - before[-1].date).days <= rule.window_days


def _after(event, start) -> bool:
    return (event.date, event.sequence) > (start.date, start.sequence)


def _check_one(rule: TimescaleRule, start, ends: list, stops: list, today: datetime.date) -> Check:
    """`ends` are the case's events of the rule's end kind and `stops` those that stop it, in order."""
    deadline = _deadline(rule, start)
    deadline_day = deadline.date() if isinstance(deadline, datetime.datetime) else deadline
    end = next((e for e in ends if _after(e, start)), None)
    stop = next((e for e in stops if _after(e, start)), None)
    if stop is not None and (end is None or (stop.date, stop.sequence) < (end.date, end.sequence)):
        if stop.date <= deadline_day:
            return Check(rule, start, deadline, Outcome.NOT_APPLICABLE, end=stop)
        end = None
    if end is None:
        if today <= deadline_day and stop is None:
            return Check(rule, start, deadline, Outcome.NOT_DUE)
        return Check(rule, start, deadline, Outcome.MISSED)
    if _is_late(rule, deadline, end):
        return Check(rule, start, deadline, Outcome.MISSED, end=end, late_by=_late_by(rule, deadline, end))
    return Check(rule, start, deadline, Outcome.MET, end=end)


@dataclass
class RuleSummary:
    """A rule across a review: how many cases met and missed it, with the cases behind each number."""

    rule: TimescaleRule
    met: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    not_due: list = field(default_factory=list)

    @property
    def checked(self) -> int:
        return len(self.met) + len(self.missed)

    @property
    def rate(self) -> int | None:
        return round(100 * len(self.met) / self.checked) if self.checked else None


def summarise(case_results: list[tuple[object, list[RuleResult]]]) -> list[RuleSummary]:
    """Per rule, the cases whose every check met it, those with a miss, and those not yet due."""
    summaries: dict[int, RuleSummary] = {}
    for case, results in case_results:
        for result in results:
            summary = summaries.setdefault(result.rule.pk, RuleSummary(result.rule))
            outcome = result.outcome
            if outcome == Outcome.MET:
                summary.met.append(case)
            elif outcome == Outcome.MISSED:
                summary.missed.append(case)
            elif outcome == Outcome.NOT_DUE:
                summary.not_due.append(case)
    return list(summaries.values())
