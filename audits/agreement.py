"""Agreement between the council's grades and the peers' blind regrades, computed in one pass.

Grades are compared by rank (1 is the best grade). The council graded higher (more generously) when
its rank is lower than the peer's.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

OVERALL = "overall"


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


def describe_kappa(kappa: float | None) -> str:
    """A plain-words reading of kappa (Landis and Koch's bands)."""
    if kappa is None:
        return "Not enough varied grades to measure agreement beyond chance."
    if kappa < 0:
        return "Less agreement than chance alone would give: the council's grades cannot be relied on."
    for limit, words in (
        (0.2, "slight agreement beyond chance: the council's grades are a poor guide to the peers' view"),
        (0.4, "fair agreement beyond chance: the council's grades are only a rough guide"),
        (0.6, "moderate agreement beyond chance: the council's grades are broadly but not reliably right"),
        (0.8, "substantial agreement beyond chance: the council's grades can mostly be trusted"),
    ):
        if kappa <= limit:
            return words[0].upper() + words[1:] + "."
    return "Almost perfect agreement beyond chance: the council's grades can be trusted."


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
        mean = self.mean_difference
        if mean is None:
            return "No regraded cases"
        if mean >= 0.5:
            return "Generous: the council grades higher than the peers"
        if mean <= -0.5:
            return "Harsh: the council grades lower than the peers"
        return "In line with the peers"


@dataclass
class Statistics:
    domains: list[Agreement]
    overall: Agreement
    teams: list[Agreement]
    cases: int
    kappa_reading: str


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
        agreement.kappa = weighted_kappa(((p.council, p.peer) for p in agreement.pairs), categories)
    teams = []
    for name in sorted(by_team):
        agreement = by_team[name]
        agreement.label = name
        agreement.key = name
        agreement.kappa = weighted_kappa(((p.council, p.peer) for p in agreement.pairs), categories)
        teams.append(agreement)
    overall = by_key.pop(OVERALL)
    return Statistics(
        domains=list(by_key.values()),
        overall=overall,
        teams=teams,
        cases=len({pair.validation_id for pair in pairs}),
        kappa_reading=describe_kappa(overall.kappa),
    )
