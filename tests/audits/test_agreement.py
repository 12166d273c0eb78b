import pytest

from audits.agreement import OVERALL, Pair, compute, describe_kappa, weighted_kappa


def test_kappa_matches_the_published_two_grade_example():
    # Wikipedia, "Cohen's kappa", worked example: 50 applications, both yes 20, both no 15, A yes B no 5,
    # A no B yes 10: kappa = 0.4. With two grades quadratic weights equal the unweighted kappa.
    pairs = [(1, 1)] * 20 + [(1, 2)] * 5 + [(2, 1)] * 10 + [(2, 2)] * 15

    kappa = weighted_kappa(pairs, 2)

    assert kappa == pytest.approx(0.4)


def test_quadratic_weights_count_a_near_miss_less_than_a_far_one():
    # Worked by hand: observed disagreement 0.0625, expected 0.3125, kappa 1 - 0.2 = 0.8.
    near = [(1, 1), (2, 2), (3, 3), (1, 2)]
    far = [(1, 1), (2, 2), (3, 3), (1, 3)]

    near_kappa = weighted_kappa(near, 3)
    far_kappa = weighted_kappa(far, 3)

    assert near_kappa == pytest.approx(0.8)
    assert far_kappa < near_kappa


def test_kappa_is_one_for_perfect_agreement_and_undefined_without_variety():
    assert weighted_kappa([(1, 1), (2, 2), (4, 4)], 4) == pytest.approx(1.0)
    assert weighted_kappa([(2, 2), (2, 2)], 4) is None
    assert weighted_kappa([], 4) is None


def test_kappa_is_read_in_plain_words_when_its_interval_lies_in_one_band():
    assert describe_kappa(0.8, (0.75, 0.8), 200).startswith("Substantial agreement beyond chance")
    assert describe_kappa(0.1, (0.05, 0.15), 200).startswith("Slight agreement")
    assert describe_kappa(-0.2, (-0.3, -0.1), 200).startswith("Less agreement than chance")
    assert describe_kappa(None).startswith("Not enough varied grades")
    assert describe_kappa(0.8).startswith("Too few cases to judge")


def test_agreement_counts_exact_within_one_and_direction_per_domain_and_team():
    pairs = [
        Pair(1, 10, "North", 2, 2),
        Pair(2, 10, "North", 2, 3),
        Pair(3, 10, "South", 1, 3),
        Pair(4, 10, "South", 3, 2),
        Pair(1, OVERALL, "North", 2, 3),
        Pair(2, OVERALL, "North", 2, 3),
        Pair(3, OVERALL, "South", 2, 2),
        Pair(4, OVERALL, "South", 3, 3),
    ]

    stats = compute(pairs, [(10, "Planning"), (11, "Timeliness")], 4)

    planning, timeliness = stats.domains
    assert (planning.count, planning.exact, planning.within_one) == (4, (1, 0.25), (3, 0.75))
    assert (planning.council_higher, planning.council_lower) == ((2, 0.5), (1, 0.25))
    assert timeliness.count == 0
    assert stats.overall.council_higher == (2, 0.5)
    assert stats.cases == 4
    assert [(team.label, team.count, team.mean_difference) for team in stats.teams] == [
        ("North", 4, 0.75),
        ("South", 4, 0.25),
    ]
    # Four pairs a team are too few to call a team generous or harsh, whatever its mean difference.
    assert stats.teams[0].reading == "Too few cases to judge"
