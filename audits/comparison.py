"""Audit agreement compared with an earlier review of the same council.

The figures are the agreement statistics the audit stage computes (`services.statistics`): how
often the peers' blind regrade matched the council's grade. They come from peer regrading, so the
table is shown to the peer side only. Domains are matched by name.
"""

from reviews.comparison import ComparisonRow, ComparisonTable, direction_of
from reviews.models import Review

from . import services
from .agreement import Agreement


def _percent(agreement: Agreement) -> int | None:
    hits, share = agreement.exact
    return round(100 * share) if share is not None else None


def _describe(agreement: Agreement | None) -> str:
    if agreement is None or not agreement.count:
        return "Not regraded"
    hits, _ = agreement.exact
    return f"{_percent(agreement)}% ({hits} of {agreement.count})"


def compare(review: Review, earlier: Review) -> list[ComparisonTable]:
    before = services.statistics(earlier)
    if not before.cases:
        return []
    after = services.statistics(review)
    rows = [
        ComparisonRow(
            "Overall grade: same grade as the peers",
            _describe(before.overall),
            _describe(after.overall),
            direction_of(_percent(before.overall), _percent(after.overall) if after.overall.count else None),
        ),
    ]
    now_domains = {domain.label: domain for domain in after.domains}
    for domain in before.domains:
        if not domain.count:
            continue
        match = now_domains.get(domain.label)
        now_percent = _percent(match) if match is not None and match.count else None
        rows.append(
            ComparisonRow(
                f"{domain.label}: same grade as the peers",
                _describe(domain),
                _describe(match),
                direction_of(_percent(domain), now_percent),
            )
        )
    return [
        ComparisonTable(
            "Agreement between the council's audits and the peers' regrading",
            rows,
            "Measure",
            f"Cases regraded: {before.cases} in the earlier review, {after.cases} in this one. A higher share of "
            "cases graded the same means the council's own audits can be trusted more.",
            peer_side_only=True,
        )
    ]
