"""Agreement statistics carry their number of cases and a 95% confidence interval, and their words follow the
interval: too few cases are not judged, and a domain with kappa 0.00 is never "in line with the peers"."""

import pytest

from audits.agreement import (
    MIN_CASES,
    Agreement,
    Pair,
    _measure,
    describe_kappa,
    weighted_kappa,
    weighted_kappa_interval,
    wilson_interval,
)


def pairs_of(grades):
    return [Pair(validation_id=n, key="d", team="A", council=c, peer=p) for n, (c, p) in enumerate(grades)]


def agreement_of(grades, categories=4):
    agreement = Agreement("Domain", "d", pairs_of(grades))
    _measure(agreement, categories)
    return agreement


def test_wilson_interval_of_7_in_10():
    low, high = wilson_interval(7, 10)

    assert (round(low, 4), round(high, 4)) == (0.3968, 0.8922)
    assert wilson_interval(0, 0) is None
    assert round(wilson_interval(10, 10)[1], 6) == 1.0


def test_kappa_interval_of_a_two_grade_table_matches_the_unweighted_standard_error():
    # 20 agree on the first grade, 15 on the second, 5 and 10 disagree: kappa 0.40, SE 0.1270 (Fleiss 1969).
    grades = [(1, 1)] * 20 + [(1, 2)] * 5 + [(2, 1)] * 10 + [(2, 2)] * 15

    low, high = weighted_kappa_interval(grades, 2)

    assert round(weighted_kappa(grades, 2), 4) == 0.4
    assert (round(low, 4), round(high, 4)) == (0.1511, 0.6489)


def test_four_cases_are_too_few_to_judge_whatever_the_kappa():
    agreement = agreement_of([(1, 1), (2, 2), (3, 3), (2, 3)])

    assert agreement.count == 4 < MIN_CASES
    assert agreement.reading == "Too few cases to judge"
    assert agreement.kappa_reading.startswith("Too few cases to judge: 4 compared, at least 10")
    assert "Moderate" not in agreement.kappa_reading


def test_a_domain_with_kappa_zero_is_not_in_line_with_the_peers():
    # The council's grade tells nothing about the peers': kappa 0.00, though the differences cancel out.
    agreement = agreement_of([(1, 1), (1, 2), (2, 1), (2, 2)] * 3)

    assert round(agreement.kappa, 2) == 0.0
    assert agreement.mean_difference == 0
    assert agreement.reading.startswith("Not in line")


def test_close_agreement_on_enough_cases_is_in_line_and_named_by_its_interval():
    agreement = agreement_of([(1, 1), (2, 2), (3, 3), (4, 4)] * 5 + [(2, 3), (3, 2)])

    assert agreement.kappa_interval[0] > 0.8
    assert agreement.reading == "In line with the peers"
    assert agreement.kappa_reading.startswith("Almost perfect agreement beyond chance")


def test_a_wide_interval_names_both_ends_not_the_point():
    assert describe_kappa(0.5, (0.3, 0.7), 12) == (
        "Somewhere between fair and substantial agreement beyond chance: the interval is too wide to say which."
    )
    assert describe_kappa(0.5, (0.45, 0.55), 120).startswith("Moderate agreement beyond chance")


@pytest.mark.parametrize(
    ("grades", "reading"),
    [
        ([(1, 2)] * 8 + [(2, 3)] * 4, "Generous: the council grades higher than the peers"),
        ([(3, 2)] * 8 + [(2, 1)] * 4, "Harsh: the council grades lower than the peers"),
    ],
)
def test_generous_and_harsh_only_when_the_whole_interval_is_on_one_side(grades, reading):
    assert agreement_of(grades).reading == reading
