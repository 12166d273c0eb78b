"""Each status the dashboards show follows its written rule in reviews.signals_status, including the cases seen
misleading on a review overview: questionnaires "Completed" while open, agencies "under-represented" that met
their commitment, an action still Red after an update to Amber, a finding with no evidence on "one source"."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from conference.models import Action, ActionUpdate, Priority
from conference.stage import progress as conference_progress
from focusgroups.models import Audience, Questionnaire, Response, Segment
from focusgroups.stage import progress as focusgroups_progress
from reviews import signals_status as s
from reviews import stages
from reviews.models import Case, FindingEvidence
from reviews.stages import Progress

from ..factories import FindingFactory

TODAY = datetime.date(2026, 12, 3)
DAY = datetime.timedelta(days=1)


# Stage complete


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [(0, 0, s.STAGE_NOT_STARTED), (0, 4, s.STAGE_NOT_STARTED), (1, 4, s.STAGE_IN_PROGRESS), (4, 4, s.STAGE_COMPLETED)],
)
def test_a_stage_is_completed_only_when_every_unit_is_done(done, total, expected):
    assert s.stage_status(done, total) == expected
    assert Progress(done=done, total=total).status == expected.label


def test_a_stage_with_work_under_way_but_no_unit_done_is_in_progress():
    assert s.stage_status(0, 3, started=True) == s.STAGE_IN_PROGRESS
    assert s.stage_status(0, 0, started=True) == s.STAGE_NOT_STARTED


# Questionnaire open, closed, complete


def test_a_questionnaire_is_not_open_without_an_opening_date_or_before_it():
    assert s.questionnaire_status(None, None, TODAY) == s.QUESTIONNAIRE_NOT_OPEN
    assert s.questionnaire_status(TODAY + DAY, None, TODAY) == s.QUESTIONNAIRE_NOT_OPEN


def test_a_questionnaire_is_open_through_its_closing_day_and_closed_after_it():
    assert s.questionnaire_status(TODAY - DAY, TODAY, TODAY) == s.QUESTIONNAIRE_OPEN
    assert s.questionnaire_status(TODAY - DAY, None, TODAY) == s.QUESTIONNAIRE_OPEN
    assert s.questionnaire_status(TODAY - 2 * DAY, TODAY - DAY, TODAY) == s.QUESTIONNAIRE_CLOSED


def test_a_questionnaire_is_complete_only_once_closed():
    assert s.questionnaire_complete(TODAY - 2 * DAY, TODAY - DAY, TODAY) is True
    assert s.questionnaire_complete(TODAY - DAY, None, TODAY) is False
    assert s.questionnaire_complete(None, None, TODAY) is False


@pytest.mark.django_db
def test_the_database_form_of_the_questionnaire_rules_agrees_with_the_rules(review):
    dates = [
        (None, None),
        (TODAY + DAY, None),
        (TODAY - DAY, None),
        (TODAY - DAY, TODAY),
        (TODAY - 9 * DAY, TODAY - DAY),
    ]
    made = [
        Questionnaire.objects.create(review=review, title=f"Q{n}", audience=Audience.STAFF, opens_on=o, closes_on=c)
        for n, (o, c) in enumerate(dates)
    ]

    open_ids = set(Questionnaire.objects.filter(s.questionnaire_open_q(TODAY)).values_list("pk", flat=True))
    complete_ids = set(Questionnaire.objects.filter(s.questionnaire_complete_q(TODAY)).values_list("pk", flat=True))

    assert open_ids == {q.pk for q in made if s.questionnaire_status(q.opens_on, q.closes_on, TODAY).key == "open"}
    assert complete_ids == {q.pk for q in made if s.questionnaire_complete(q.opens_on, q.closes_on, TODAY)}


@pytest.mark.django_db
def test_a_questionnaire_open_with_13_of_260_responses_leaves_the_stage_in_progress(review):
    today = datetime.date.today()
    staff = Questionnaire.objects.create(
        review=review,
        title="Staff",
        audience=Audience.STAFF,
        ask_segment=True,
        opens_on=today - 7 * DAY,
        closes_on=today + 7 * DAY,
    )
    everyone = Segment.objects.create(review=review, name="Everyone", expected=260)
    Response.objects.bulk_create(Response(questionnaire=staff, segment=everyone) for _ in range(13))

    progress = focusgroups_progress(review)

    assert (progress.done, progress.total, progress.status) == (0, 1, "In progress")
    assert progress.summary.startswith(
        "1 of 1 questionnaires open, 0 closed, 13 responses (of the 260 expected from agencies and teams: "
        "13 answered “Staff”)"
    )
    assert staff.status().label == "Open"


@pytest.mark.django_db
def test_a_closed_questionnaire_completes_its_part_of_the_stage(review):
    today = datetime.date.today()
    Questionnaire.objects.create(
        review=review, title="Staff", audience=Audience.STAFF, opens_on=today - 9 * DAY, closes_on=today - DAY
    )

    assert focusgroups_progress(review).status == "Completed"


# Agency engagement against its commitment


@pytest.mark.parametrize(
    ("happened", "committed", "against", "settled", "short"),
    [
        (3, 4, s.COUNT, True, True),
        (4, 4, s.COUNT, True, False),
        (3, 4, s.COUNT, False, False),  # a questionnaire still open: responses can still come
        (None, 4, s.COUNT, True, False),  # not known
        (0, 0, s.COUNT, True, False),  # nothing committed
        (1, 4, s.PRESENCE, True, False),  # attended one focus group, committed four practitioners
        (0, 4, s.PRESENCE, True, True),
    ],
)
def test_an_agency_is_short_of_a_measure_only_by_the_rule(happened, committed, against, settled, short):
    assert s.short_of_commitment(happened, committed, against, settled=settled) is short


def test_an_agency_that_met_some_commitments_is_not_under_represented():
    # Police sent 3 of 4 practitioners (short), attended the focus group it committed to and was interviewed.
    assert s.engagement_status(committed=True, met=1, short=1) == s.ENGAGEMENT_SHORT
    assert s.engagement_status(committed=True, met=2, short=0) == s.ENGAGEMENT_AS_COMMITTED
    assert s.engagement_status(committed=True, met=0, short=2) == s.ENGAGEMENT_UNDER_REPRESENTED
    assert s.engagement_status(committed=False, met=0, short=0) == s.ENGAGEMENT_NO_COMMITMENT


# Action RAG from its latest update


def test_the_latest_update_gives_the_rating_and_value_not_the_plan():
    updates = [(TODAY - 9 * DAY, 1, "green"), (TODAY, 2, "amber"), (TODAY, 3, "red"), (TODAY - DAY, 9, "green")]

    assert s.action_rag("red", updates) == "red"  # same day: the one added last
    assert s.action_rag("red", updates[:2]) == "amber"
    assert s.action_rag("red", []) == "red"
    assert s.action_value(Decimal("35"), [(TODAY, 1, Decimal("48")), (TODAY + DAY, 2, None)]) == Decimal("48")
    assert s.action_value(Decimal("35"), []) == Decimal("35")


@pytest.mark.django_db
def test_an_action_updated_to_amber_48_is_no_longer_red_35_anywhere(review):
    priority = Priority.objects.create(review=review, title="Front door")
    action = Action.objects.create(
        priority=priority,
        description="Audit the front door",
        owner_role="Head of service",
        owner_agency="Council",
        due_date=datetime.date.today() + 30 * DAY,
        success_measure="Contacts screened in a day (%)",
        current_value=Decimal("35"),
        target_value=Decimal("80"),
        rag=Action.RAG.RED,
    )
    ActionUpdate.objects.create(action=action, on=datetime.date.today(), note="Better", rag="amber", value=48)

    annotated = Action.objects.with_current_rag().get(pk=action.pk)
    fresh = Action.objects.get(pk=action.pk)

    assert (annotated.rag_now, annotated.rag_now_label, annotated.value_now) == ("amber", "Amber", Decimal("48"))
    assert (fresh.rag_now, fresh.value_now) == ("amber", Decimal("48"))
    assert "0 of 1 actions on track" in conference_progress(review).summary
    ActionUpdate.objects.create(action=action, on=datetime.date.today(), note="On track", rag="green")
    assert "1 of 1 actions on track" in conference_progress(review).summary


# Evidence strength


@pytest.mark.parametrize(
    ("sources", "minimum", "expected"),
    [
        (0, 2, s.EVIDENCE_NONE),
        (1, 2, s.EVIDENCE_ONE_SOURCE),
        (2, 2, s.EVIDENCE_TRIANGULATED),
        (2, 3, s.EVIDENCE_TOO_FEW),
        (3, 3, s.EVIDENCE_TRIANGULATED),
        (1, 1, s.EVIDENCE_ONE_SOURCE),  # one source is never triangulated
    ],
)
def test_evidence_strength_follows_its_rule(sources, minimum, expected):
    assert s.evidence_strength(sources, minimum) == expected


@pytest.mark.django_db
def test_a_finding_with_no_evidence_is_no_evidence_not_one_source(review, case):
    bare = FindingFactory(review=review, stage="interviews")
    linked = FindingFactory(review=review, stage="interviews")
    FindingEvidence.objects.create(
        finding=linked, content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )

    assert s.evidence_strength(bare.evidence_sources()) == s.EVIDENCE_NONE
    assert s.evidence_strength(linked.evidence_sources()) == s.EVIDENCE_ONE_SOURCE


# Milestones and overdue work on closed reviews


@pytest.mark.parametrize(
    ("due", "done", "closed", "expected"),
    [
        (None, False, False, s.MILESTONE_NOT_SET),
        (None, True, False, s.MILESTONE_DONE),
        (TODAY - DAY, True, False, s.MILESTONE_DONE),
        (TODAY - DAY, False, False, s.MILESTONE_LATE),
        (TODAY, False, False, s.MILESTONE_DUE),  # late only from the day after
        (TODAY + DAY, False, False, s.MILESTONE_DUE),
        (TODAY - DAY, False, True, s.MILESTONE_CLOSED),  # a closed review is late for nothing
        (TODAY - DAY, True, True, s.MILESTONE_DONE),
    ],
)
def test_milestone_status_follows_its_rule(due, done, closed, expected):
    assert s.milestone_status(due, done, TODAY, closed=closed) == expected


def test_a_closed_review_counts_nothing_overdue_and_an_open_one_does(review):
    priority = Priority.objects.create(review=review, title="Front door")
    Action.objects.create(
        priority=priority,
        description="Audit decisions",
        owner_role="Head of service",
        owner_agency="Council",
        due_date=datetime.date(2023, 9, 1),
        success_measure="Audited",
    )
    conference = stages.get("conference")
    assert stages.progress_of(conference, review).overdue == 1
    review.status = "closed"
    assert stages.progress_of(conference, review).overdue == 0
    assert (s.counts_overdue(False), s.counts_overdue(True)) == (True, False)
