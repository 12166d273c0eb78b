import datetime

import pytest
from django.db import IntegrityError, transaction

from casemapping.models import TimescaleRule, TimescaleSetting
from casemapping.services import case_timeliness, chronology, review_timeliness
from casemapping.timescales import Outcome, add_months, add_working_days, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2025, 3, 14), 1, D(2025, 3, 17)),  # a Friday plus one working day is the Monday
        (D(2021, 12, 24), 1, D(2021, 12, 29)),  # Christmas and Boxing Day on a weekend: substitute days 27 and 28
        (D(2022, 12, 23), 1, D(2022, 12, 28)),  # Christmas on a Sunday: Boxing Day 26, substitute 27
        (D(2025, 4, 17), 1, D(2025, 4, 22)),  # Good Friday and Easter Monday
        (D(2022, 6, 1), 1, D(2022, 6, 6)),  # the 2022 spring bank holiday and platinum jubilee
        (D(2022, 9, 16), 1, D(2022, 9, 20)),  # the 2022 state funeral
        (D(2023, 5, 5), 1, D(2023, 5, 9)),  # the 2023 coronation bank holiday
        (D(2025, 2, 5), 15, D(2025, 2, 26)),
    ],
)
def test_working_days_skip_weekends_and_english_bank_holidays(start, count, expected):
    result = add_working_days(start, count)

    assert result == expected
    assert working_days_between(start, result) == count


def test_working_days_between_counts_backwards_as_negative():
    assert working_days_between(D(2025, 3, 17), D(2025, 3, 14)) == -1


def test_adding_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert add_months(D(2025, 3, 5), 3) == D(2025, 6, 5)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)


def _result(case, name):
    results = case_timeliness(case, list(chronology(case)))
    return next(result for result in results if result.rule.name == name)


# (rule, from kind, to kind, start, met on the limit, missed the day after, expected miss)
RULE_CASES = [
    ("Decision on a referral", "referral", "referral-decision", D(2025, 3, 14), D(2025, 3, 17), D(2025, 3, 18), 1),
    ("Initial assessment", "referral", "assessment-completed", D(2012, 1, 9), D(2012, 1, 23), D(2012, 1, 24), 1),
    ("Core assessment", "assessment-started", "assessment-completed", D(2012, 1, 9), D(2012, 2, 27), D(2012, 2, 28), 1),
    ("Single assessment", "referral", "assessment-completed", D(2025, 4, 1), D(2025, 6, 9), D(2025, 6, 10), 1),
    (
        "Initial child protection conference",
        "strategy-discussion",
        "initial-cp-conference",
        D(2025, 2, 5),
        D(2025, 2, 26),
        D(2025, 2, 27),
        1,
    ),
    ("First core group", "initial-cp-conference", "core-group", D(2025, 3, 5), D(2025, 3, 19), D(2025, 3, 20), 1),
    (
        "First review conference",
        "initial-cp-conference",
        "review-cp-conference",
        D(2025, 3, 5),
        D(2025, 6, 5),
        D(2025, 6, 6),
        1,
    ),
    (
        "Later review conferences",
        "review-cp-conference",
        "review-cp-conference",
        D(2025, 6, 4),
        D(2025, 12, 4),
        D(2025, 12, 5),
        1,
    ),
    (
        "First looked-after review",
        "looked-after-started",
        "looked-after-review",
        D(2025, 1, 20),
        D(2025, 2, 17),
        D(2025, 2, 18),
        1,
    ),
    (
        "Second looked-after review",
        "looked-after-review",
        "looked-after-review",
        D(2025, 2, 14),
        D(2025, 5, 14),
        D(2025, 5, 15),
        1,
    ),
    (
        "Later looked-after reviews",
        "looked-after-review",
        "looked-after-review",
        D(2025, 2, 14),
        D(2025, 8, 14),
        D(2025, 8, 15),
        1,
    ),
    (
        "First visit after placement",
        "looked-after-started",
        "statutory-visit",
        D(2025, 1, 20),
        D(2025, 1, 27),
        D(2025, 1, 28),
        1,
    ),
    ("Later looked-after visits", "statutory-visit", "statutory-visit", D(2025, 1, 24), D(2025, 3, 7), D(2025, 3, 8), 1),
    ("Allegation referred to the designated officer", "allegation", "lado-referral", D(2025, 9, 15), D(2025, 9, 16), D(2025, 9, 17), 1),
]  # fmt: skip


def _earlier_reviews(name, case, first, add_event):
    # "Later" reviews are those after the second, so the case needs a first review before the one checked.
    if name == "Later looked-after reviews":
        add_event(case, first - datetime.timedelta(days=80), "looked-after-review")
    # Later visits are checked in the first year of being looked after, so the case needs its start.
    if name == "Later looked-after visits":
        add_event(case, first - datetime.timedelta(days=4), "looked-after-started")


@pytest.mark.parametrize(("name", "start", "end", "first", "on_limit", "late", "miss"), RULE_CASES)
def test_each_seeded_rule_is_met_on_its_limit(name, start, end, first, on_limit, late, miss, case, add_event):
    _earlier_reviews(name, case, first, add_event)
    add_event(case, first, start)
    add_event(case, on_limit, end)

    result = _result(case, name)

    assert [check.outcome for check in result.checks if check.start.date == first] == [Outcome.MET]


@pytest.mark.parametrize(("name", "start", "end", "first", "on_limit", "late", "miss"), RULE_CASES)
def test_each_seeded_rule_is_missed_a_day_past_its_limit(
    name, start, end, first, on_limit, late, miss, case, add_event
):
    _earlier_reviews(name, case, first, add_event)
    add_event(case, first, start)
    add_event(case, late, end)

    result = _result(case, name)

    checks = [check for check in result.checks if check.start.date == first]
    assert [(check.outcome, check.late_by) for check in checks] == [(Outcome.MISSED, miss)]


def test_looked_after_reviews_are_due_at_20_working_days_then_3_months_then_every_6(case, add_event):
    add_event(case, D(2025, 1, 20), "looked-after-started")
    add_event(case, D(2025, 2, 14), "looked-after-review")
    add_event(case, D(2025, 5, 20), "looked-after-review")
    add_event(case, D(2025, 11, 20), "looked-after-review")

    outcomes = {
        name: [(check.start.date, check.outcome) for check in _result(case, name).checks]
        for name in ("First looked-after review", "Second looked-after review", "Later looked-after reviews")
    }

    assert outcomes == {
        "First looked-after review": [(D(2025, 1, 20), Outcome.MET)],
        "Second looked-after review": [(D(2025, 2, 14), Outcome.MISSED)],
        "Later looked-after reviews": [(D(2025, 5, 20), Outcome.MET), (D(2025, 11, 20), Outcome.NOT_DUE)]
        if datetime.date.today() <= D(2026, 5, 20)
        else [(D(2025, 5, 20), Outcome.MET), (D(2025, 11, 20), Outcome.MISSED)],
    }


def test_visits_must_be_six_weeks_apart_only_in_the_first_year_of_being_looked_after(case, add_event):
    add_event(case, D(2024, 1, 10), "looked-after-started")
    add_event(case, D(2024, 1, 15), "statutory-visit")
    add_event(case, D(2024, 4, 1), "statutory-visit")  # 77 days later: missed, within the first year
    add_event(case, D(2025, 2, 1), "statutory-visit")  # in the second year: the six-week rule no longer applies
    add_event(case, D(2025, 6, 1), "statutory-visit")

    checks = [(check.start.date, check.outcome) for check in _result(case, "Later looked-after visits").checks]

    assert checks == [(D(2024, 1, 15), Outcome.MISSED), (D(2024, 4, 1), Outcome.MISSED)]


def test_a_rule_window_needs_both_its_kind_and_its_length(db):
    rule = TimescaleRule.objects.get(name="Later looked-after visits")

    rule.window_days = None
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()


def test_a_return_interview_within_72_hours_is_met_and_one_hour_later_is_missed(case, add_event):
    add_event(case, D(2025, 6, 14), "missing-episode", time=datetime.time(22, 0))
    add_event(case, D(2025, 6, 17), "return-interview", time=datetime.time(22, 0))
    add_event(case, D(2025, 7, 1), "missing-episode", time=datetime.time(8, 0))
    add_event(case, D(2025, 7, 4), "return-interview", time=datetime.time(9, 0))

    result = _result(case, "Return interview after a missing episode")

    assert [(check.outcome, check.late_by) for check in result.checks] == [(Outcome.MET, 0), (Outcome.MISSED, 1)]


def test_a_rule_with_no_end_event_is_not_yet_due_before_its_deadline_and_missed_after(case, add_event):
    today = datetime.date.today()
    add_event(case, today, "referral")
    add_event(case, D(2025, 1, 6), "strategy-discussion")

    referral = _result(case, "Single assessment")
    conference = _result(case, "Initial child protection conference")

    assert referral.outcome == Outcome.NOT_DUE
    assert conference.outcome == Outcome.MISSED
    assert conference.checks[0].describe() == "No initial child protection conference recorded; due by 27 January 2025"


def test_a_rule_without_its_starting_event_is_not_applicable(case, add_event):
    add_event(case, D(2025, 1, 6), "contact")

    assert _result(case, "Decision on a referral").outcome == Outcome.NOT_APPLICABLE


def test_a_plan_ending_before_the_next_review_conference_stops_the_rule(case, add_event):
    add_event(case, D(2025, 6, 4), "review-cp-conference")
    add_event(case, D(2025, 9, 1), "cp-plan-ended")

    result = _result(case, "Later review conferences")

    assert [check.outcome for check in result.checks] == [Outcome.NOT_APPLICABLE]


def test_the_2010_assessment_rule_applies_before_the_2013_guidance_and_the_2013_rule_after(case, add_event):
    add_event(case, D(2013, 4, 12), "referral")
    add_event(case, D(2013, 5, 1), "assessment-completed")
    add_event(case, D(2013, 4, 15), "referral")

    initial = _result(case, "Initial assessment")
    single = _result(case, "Single assessment")

    assert [check.start.date for check in initial.checks] == [D(2013, 4, 12)]
    assert initial.outcome == Outcome.MISSED
    assert [check.start.date for check in single.checks] == [D(2013, 4, 15)]
    assert single.outcome == Outcome.MET


def test_an_admin_can_fix_the_guidance_version_for_a_review(review, case, add_event):
    add_event(case, D(2014, 1, 6), "referral")
    add_event(case, D(2014, 1, 31), "assessment-completed")
    TimescaleSetting.objects.create(review=review, rules_as_of=D(2012, 6, 1), reason="Compare with the 2012 review")

    initial = _result(case, "Initial assessment")
    single = _result(case, "Single assessment")

    assert initial.outcome == Outcome.MISSED
    assert single.outcome == Outcome.NOT_APPLICABLE


def test_a_council_local_standard_applies_only_to_its_own_reviews(review, other_review, case, other_case, kinds):
    TimescaleRule.objects.create(
        name="Strategy discussion after referral",
        from_kind=kinds["referral"],
        to_kind=kinds["strategy-discussion"],
        limit=2,
        unit=TimescaleRule.Unit.WORKING_DAYS,
        source="Testshire local standard 2024",
        council=review.council,
    )

    _, mine = review_timeliness(review)
    _, theirs = review_timeliness(other_review)

    assert "Strategy discussion after referral" in {summary.rule.name for summary in mine}
    assert "Strategy discussion after referral" not in {summary.rule.name for summary in theirs}


def test_the_review_summary_gives_the_rate_and_the_cases_behind_it(review, case, add_event):
    second = case.__class__.objects.create(review=review, reference="C-002", age_band="5-9")
    add_event(case, D(2025, 3, 14), "referral")
    add_event(case, D(2025, 3, 17), "referral-decision")
    add_event(second, D(2025, 3, 14), "referral")
    add_event(second, D(2025, 3, 19), "referral-decision")

    _, summaries = review_timeliness(review)

    summary = next(item for item in summaries if item.rule.name == "Decision on a referral")
    assert (summary.met, summary.missed, summary.rate) == ([case], [second], 50)
