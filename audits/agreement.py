"""Agreement between the council's grades and the peers' blind regrades, computed in one pass.

Grades are compared by rank (1 is the best grade). The council graded higher (more generously) when
its rank is lower than the peer's.

Every figure comes with its number of cases and a 95% confidence interval, and every label in words follows
the interval, not the point value: below `MIN_CASES` nothing is labelled at all.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

OVERALL = "overall"

MIN_CASES = 10
"""Fewest grades compared before kappa, agreement or calibration are put into words ("Too few cases to judge").

With fewer than 10 pairs the 95% interval of kappa typically spans three or more of Landis and Koch's bands,
and a single case moves a share by 10 points or more, so a label would say more than the data can."""

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
TOO_FEW = "Too few cases to judge"

# Landis and Koch's bands: (upper limit, name, what it means for the council's grades).
BANDS = (
    (0.0, "less than chance", "the council's grades cannot be relied on"),
    (0.2, "slight", "the council's grades are a poor guide to the peers' view"),
    (0.4, "fair", "the council's grades are only a rough guide"),
    (0.6, "moderate", "the council's grades are broadly but not reliably right"),
    (0.8, "substantial", "the council's grades can mostly be trusted"),
    (1.0, "almost perfect", "the council's grades can be trusted"),
)


def wilson_interval(hits: int, n: int) -> tuple[float, float] | None:
    """The Wilson score 95% interval of a proportion hits/n; None with no cases."""
    if n <= 0:
        return None
    p = hits / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def weighted_kappa_interval(pairs: Iterable[tuple[int, int]], categories: int) -> tuple[float, float] | None:
    """The 95% interval of quadratic-weighted kappa from its large-sample standard error.

    The standard error is that of Fleiss, Cohen and Everitt (1969) for weighted kappa, with agreement weights
    w_ij = 1 - (i - j)^2 / (k - 1)^2; the interval is kappa +/- 1.96 SE, cut to [-1, 1]. None when kappa is
    undefined.
    """
    pairs = list(pairs)
    n = len(pairs)
    kappa = weighted_kappa(pairs, categories)
    if kappa is None:
        return None
    k = categories
    p = [[0.0] * k for _ in range(k)]
    for first, second in pairs:
        p[first - 1][second - 1] += 1 / n
    rows = [sum(p[i]) for i in range(k)]
    columns = [sum(p[i][j] for i in range(k)) for j in range(k)]
    w = [[1 - (i - j) ** 2 / (k - 1) ** 2 for j in range(k)] for i in range(k)]
    expected = sum(w[i][j] * rows[i] * columns[j] for i in range(k) for j in range(k))
    row_means = [sum(columns[j] * w[i][j] for j in range(k)) for i in range(k)]
    column_means = [sum(rows[i] * w[i][j] for i in range(k)) for j in range(k)]
    total = sum(
        p[i][j] * (w[i][j] - (row_means[i] + column_means[j]) * (1 - kappa)) ** 2 for i in range(k) for j in range(k)
    )
    variance = max(0.0, (total - (kappa - expected * (1 - kappa)) ** 2) / (n * (1 - expected) ** 2))
    half = Z95 * math.sqrt(variance)
    return max(-1.0, kappa - half), min(1.0, kappa + half)


def mean_interval(values: list[int]) -> tuple[float, float] | None:
    """The 95% interval of a mean difference (normal approximation, sample standard deviation); None below 2."""
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    sd = math.sqrt(sum((value - mean) ** 2 for value in values) / (n - 1))
    half = Z95 * sd / math.sqrt(n)
    return mean - half, mean + half


def band(value: float) -> int:
    """The index in BANDS of a kappa value (each band includes its upper limit)."""
    return next((index for index, (limit, *_) in enumerate(BANDS) if value <= limit), len(BANDS) - 1)


def weighted_kappa(pairs: Iterable[tuple[int, int]], categories: int) -> float | None:
    """Cohen's kappa with quadratic weights for two raters' ranks 1..categories; None if undefined."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0 or categories < 2:
        return None
    observed = [[0.0] * categories for _ in range(categories)]
    for first, second in pairs:
        observed[first - 1][second - 1] += 1
    rows = [sum(observed[i]) / n for i in range(categories)]
    columns = [sum(observed[i][j] for i in range(categories)) / n for j in range(categories)]
    scale = (categories - 1) ** 2
    disagreement = expected = 0.0
    for i in range(categories):
        for j in range(categories):
            weight = (i - j) ** 2 / scale
            disagreement += weight * observed[i][j] / n
            expected += weight * rows[i] * columns[j]
    if expected == 0:
        return None
    return 1 - disagreement / expected


def describe_kappa(kappa: float | None, interval: tuple[float, float] | None = None, count: int = 0) -> str:
    """A plain-words reading of kappa that follows its 95% interval (Landis and Koch's bands).

    Rule: below MIN_CASES grades compared, "Too few cases to judge", whatever the value; a band is named only
    when the whole interval lies in it; otherwise the reading gives the bands at the two ends of the interval
    and says it cannot tell which applies.
    """
    if kappa is None:
        return "Not enough varied grades to measure agreement beyond chance."
    if count < MIN_CASES or interval is None:
        return f"{TOO_FEW}: {count} compared, at least {MIN_CASES} are needed to say how far the grades agree."
    low, high = band(interval[0]), band(interval[1])
    if low == high:
        name, meaning = BANDS[low][1], BANDS[low][2]
        if low == 0:
            return f"Less agreement than chance alone would give: {meaning}."
        return f"{name[0].upper()}{name[1:]} agreement beyond chance: {meaning}."
    return (
        f"Somewhere between {BANDS[low][1]} and {BANDS[high][1]} agreement beyond chance: the interval is too "
        "wide to say which."
    )


@dataclass(frozen=True)
class Pair:
    validation_id: int
    key: object  # a domain id, or OVERALL
    team: str
    council: int
    peer: int

    @property
    def difference(self) -> int:
        """Positive when the council graded higher (better) than the peer."""
        return self.peer - self.council


@dataclass
class Agreement:
    label: str
    key: object
    pairs: list[Pair] = field(default_factory=list)
    kappa: float | None = None
    kappa_interval: tuple[float, float] | None = None

    @property
    def enough(self) -> bool:
        return self.count >= MIN_CASES

    @property
    def count(self) -> int:
        return len(self.pairs)

    def _share(self, test) -> tuple[int, float | None]:
        hits = sum(1 for pair in self.pairs if test(pair))
        return hits, (hits / self.count if self.count else None)

    @property
    def exact(self) -> tuple[int, float | None]:
        return self._share(lambda pair: pair.difference == 0)

    @property
    def within_one(self) -> tuple[int, float | None]:
        return self._share(lambda pair: abs(pair.difference) <= 1)

    @property
    def exact_interval(self) -> tuple[float, float] | None:
        """The Wilson 95% interval of the share graded the same."""
        return wilson_interval(self.exact[0], self.count)

    @property
    def within_one_interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.within_one[0], self.count)

    @property
    def difference_interval(self) -> tuple[float, float] | None:
        """The 95% interval of the mean difference in grades (positive when the council grades higher)."""
        return mean_interval([pair.difference for pair in self.pairs])

    @property
    def kappa_reading(self) -> str:
        return describe_kappa(self.kappa, self.kappa_interval, self.count)

    @property
    def council_higher(self) -> tuple[int, float | None]:
        return self._share(lambda pair: pair.difference > 0)

    @property
    def council_lower(self) -> tuple[int, float | None]:
        return self._share(lambda pair: pair.difference < 0)

    @property
    def mean_difference(self) -> float | None:
        return sum(pair.difference for pair in self.pairs) / self.count if self.count else None

    @property
    def reading(self) -> str:
        """Calibration in words, following the intervals of the mean difference and of kappa.

        Rule: with no pairs, "No regraded cases"; below MIN_CASES, "Too few cases to judge". "Generous" when
        the whole 95% interval of the mean difference lies above 0 (the council grades higher on average),
        "Harsh" when it lies below 0. "In line with the peers" only when the interval of the mean difference
        lies within half a grade either side of 0 and the interval of kappa lies wholly above 0, so that the
        grades agree beyond chance as well as on average: a domain with kappa 0.00 is never in line, even if
        its differences cancel out. When kappa's interval reaches 0 or below, "Not in line": no more agreement
        than chance. Otherwise "No clear difference": the intervals are too wide to call it either way.
        """
        if not self.pairs:
            return "No regraded cases"
        if not self.enough:
            return TOO_FEW
        difference = self.difference_interval
        if difference[0] > 0:
            return "Generous: the council grades higher than the peers"
        if difference[1] < 0:
            return "Harsh: the council grades lower than the peers"
        if self.kappa_interval is None:  # every grade the same on both sides: kappa cannot be measured
            if all(pair.difference == 0 for pair in self.pairs):
                return "In line with the peers"
            return "No clear difference: the intervals are too wide to call it in line"
        if self.kappa_interval[0] <= 0:
            return "Not in line: the grades agree no more than chance would, though neither side grades higher"
        if difference[0] > -0.5 and difference[1] < 0.5:
            return "In line with the peers"
        return "No clear difference: the intervals are too wide to call it in line"


@dataclass
class Statistics:
    domains: list[Agreement]
    overall: Agreement
    teams: list[Agreement]
    cases: int
    kappa_reading: str


def _measure(agreement: Agreement, categories: int) -> None:
    grades = [(pair.council, pair.peer) for pair in agreement.pairs]
    agreement.kappa = weighted_kappa(grades, categories)
    agreement.kappa_interval = weighted_kappa_interval(grades, categories)


def compute(pairs: list[Pair], domains: list[tuple[int, str]], categories: int) -> Statistics:
    """Agreement per domain and overall, kappa, and calibration by team, over the pairs in one pass."""
    by_key: dict[object, Agreement] = {key: Agreement(label, key) for key, label in domains}
    by_key[OVERALL] = Agreement("Overall grade", OVERALL)
    by_team: dict[str, Agreement] = defaultdict(lambda: Agreement("", None))
    for pair in pairs:
        if pair.key in by_key:
            by_key[pair.key].pairs.append(pair)
        team = by_team[pair.team]
        team.pairs.append(pair)
    for agreement in by_key.values():
        _measure(agreement, categories)
    teams = []
    for name in sorted(by_team):
        agreement = by_team[name]
        agreement.label = name
        agreement.key = name
        _measure(agreement, categories)
        teams.append(agreement)
    overall = by_key.pop(OVERALL)
    return Statistics(
        domains=list(by_key.values()),
        overall=overall,
        teams=teams,
        cases=len({pair.validation_id for pair in pairs}),
        kappa_reading=overall.kappa_reading,
    )
