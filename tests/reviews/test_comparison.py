import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemapping.models import Event, EventKind
from conference.models import Action
from focusgroups.models import Audience, Question, Questionnaire, QuestionnaireSettings, Section
from focusgroups.services import submit_response
from reviews.comparison import Direction, compare_with_earlier
from reviews.demo_data import EARLIER_REVIEW, NORTHMOOR_REVIEW
from reviews.models import Case, GradeScale, Report, Review, Role
from reviews.services import build_report_pdf
from selfassessment.models import Entry

from ..audits.helpers import make_audit, make_validation
from ..conference.factories import ActionFactory, PriorityFactory
from ..factories import CaseFactory, MembershipFactory, PartnerFactory, ReviewFactory, UserFactory
from ..selfassessment.factories import EntryFactory, PeerAnalysisFactory
from .test_reports import pdf_text

D = datetime.date
TIMESCALE = "Initial child protection conference"


@pytest.fixture
def current(review):
    review.onsite_start, review.onsite_end = D(2026, 11, 2), D(2026, 11, 6)
    review.save()
    return review


@pytest.fixture
def earlier(current):
    earlier = ReviewFactory(
        council=current.council,
        title="Testshire safeguarding peer review 2023",
        onsite_start=D(2023, 3, 6),
        onsite_end=D(2023, 3, 10),
        status=Review.Status.CLOSED,
    )
    current.previous_review = earlier
    current.save()
    return earlier


def scope_areas(review):
    return list(review.framework.scope_areas.order_by("order"))


def grade(review, rank):
    return review.grade_scale.grades.get(rank=rank)


def grade_entries(review, ranks, *, peer_ranks=(), published=True, start=0):
    """Submitted entries for the scope areas from `start` on, with the council's ranks (and the peers')."""
    areas = scope_areas(review)[start:]
    for index, rank in enumerate(ranks):
        entry = EntryFactory(review=review, scope_area=areas[index], grade=grade(review, rank))
        entry.status = Entry.Status.SUBMITTED
        entry.save()
        if index < len(peer_ranks):
            PeerAnalysisFactory(
                entry=entry,
                grade=grade(review, peer_ranks[index]),
                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) if published else None,
            )


def add_events(review, reference, *pairs):
    """A case with a strategy discussion and, some days later, the initial conference."""
    case = CaseFactory(review=review, reference=reference)
    kinds = {kind.slug: kind for kind in EventKind.objects.all()}
    agency = PartnerFactory(council=review.council, name=f"Children's services {reference}")
    for sequence, (day, kind) in enumerate(pairs, start=1):
        Event.objects.create(
            review=review, case=case, date=day, sequence=sequence, kind=kinds[kind], agency=agency, summary="Recorded"
        )


def met(review, reference):
    add_events(review, reference, (D(2025, 2, 5), "strategy-discussion"), (D(2025, 2, 12), "initial-cp-conference"))


def missed(review, reference):
    add_events(review, reference, (D(2025, 2, 5), "strategy-discussion"), (D(2025, 3, 5), "initial-cp-conference"))


def questionnaire(review, texts=("I feel listened to",), audience=Audience.PARENTS):
    item = Questionnaire.objects.create(review=review, title="Parents' questionnaire", audience=audience)
    section = Section.objects.create(questionnaire=item, order=1, title="About you")
    questions = [
        Question.objects.create(section=section, order=order, text=text, kind=Question.Kind.AGREE)
        for order, text in enumerate(texts, start=1)
    ]
    return item, questions


def answer(item, questions, values):
    for value in values:
        submit_response(questionnaire=item, answers=dict.fromkeys(questions, value), segment=None, mode="online")


def rows_of(comparison, slug):
    stage = next(item for item in comparison.stages if item.stage.slug == slug)
    return [(row.measure, row.earlier, row.now, row.direction) for table in stage.tables for row in table.rows]


def stage_of(comparison, slug):
    return next(item for item in comparison.stages if item.stage.slug == slug)


# Choosing the earlier review


def test_a_review_without_a_previous_review_has_no_comparison(current):
    assert compare_with_earlier(current) is None


def test_a_review_of_another_council_is_refused(current, other_review):
    current.previous_review = other_review

    with pytest.raises(ValidationError) as error:
        current.full_clean()

    assert error.value.message_dict["previous_review"] == ["A previous review must be of the same council."]


def test_a_review_cannot_be_its_own_previous_review(current):
    current.previous_review = current

    with pytest.raises(ValidationError) as error:
        current.full_clean()

    assert error.value.message_dict["previous_review"] == ["A review cannot be its own previous review."]


def test_a_later_review_is_refused(current, earlier):
    later = ReviewFactory(council=current.council, title="Testshire review 2029", onsite_start=D(2029, 5, 7))
    current.previous_review = later

    with pytest.raises(ValidationError) as error:
        current.full_clean()

    assert error.value.message_dict["previous_review"] == [
        "The previous review must have been on site before this one: "
        "“Testshire review 2029” was on site from 7 May 2029."
    ]


def test_a_cycle_through_the_chain_is_refused(current, earlier):
    # Without on-site dates only the chain shows that the current review already follows the earlier one.
    current.onsite_start = current.onsite_end = None
    current.save()
    earlier.previous_review = current

    with pytest.raises(ValidationError) as error:
        earlier.full_clean()

    assert error.value.message_dict["previous_review"] == [
        "“Testshire children's safeguarding peer review” already comes after this review: choose an earlier review."
    ]


def admin_form_data(review, **overrides):
    data = {
        "council": review.council_id,
        "framework": review.framework_id,
        "grade_scale": review.grade_scale_id,
        "title": review.title,
        "status": review.status,
        "onsite_start": review.onsite_start.isoformat() if review.onsite_start else "",
        "onsite_end": review.onsite_end.isoformat() if review.onsite_end else "",
        "baseline_reference": "",
        "previous_review": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    # The council's own scope items and lines of enquiry are edited inline too.
    for prefix in ("local_scope_areas", "local_focus_areas"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0"}
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("other_council", "A previous review must be of the same council."),
        ("itself", "A review cannot be its own previous review."),
        ("later", "The previous review must have been on site before this one"),
    ],
)
def test_the_admin_refuses_a_wrong_previous_review(admin_client, current, other_review, which, message):
    later = ReviewFactory(council=current.council, title="Testshire review 2029", onsite_start=D(2029, 5, 7))
    choice = {"other_council": other_review, "itself": current, "later": later}[which]
    url = reverse("admin:reviews_review_change", args=[current.pk])

    response = admin_client.post(url, admin_form_data(current, previous_review=choice.pk))

    assert response.status_code == 200
    assert message in response.content.decode()
    current.refresh_from_db()
    assert current.previous_review_id is None


def test_the_admin_accepts_an_earlier_review_of_the_same_council(admin_client, current):
    earlier = ReviewFactory(council=current.council, title="Testshire review 2023", onsite_start=D(2023, 3, 6))
    url = reverse("admin:reviews_review_change", args=[current.pk])

    response = admin_client.post(url, admin_form_data(current, previous_review=earlier.pk))

    assert response.status_code == 302
    current.refresh_from_db()
    assert current.previous_review_id == earlier.pk


# The comparison on fixed data


def test_grades_compare_by_rank_on_the_same_scale(current, earlier):
    grade_entries(earlier, [3, 2, 2], peer_ranks=[4])
    grade_entries(current, [2, 2, 3], peer_ranks=[3])
    areas = [area.title for area in scope_areas(current)]

    rows = rows_of(compare_with_earlier(current), "self-assessment")

    assert rows == [
        (areas[0], "Requires improvement to be good", "Good", Direction.BETTER),
        (areas[1], "Good", "Good", Direction.SAME),
        (areas[2], "Good", "Requires improvement to be good", Direction.WORSE),
        (areas[0], "Inadequate", "Requires improvement to be good", Direction.BETTER),
    ]


def test_unpublished_peer_grades_and_draft_entries_are_not_compared(current, earlier):
    grade_entries(earlier, [3], peer_ranks=[4], published=False)
    EntryFactory(review=current, scope_area=scope_areas(current)[0], grade=grade(current, 1))  # a draft

    comparison = compare_with_earlier(current)

    assert rows_of(comparison, "self-assessment") == [
        (scope_areas(current)[0].title, "Requires improvement to be good", "Not graded", Direction.NOT_COMPARABLE)
    ]
    assert [table.title for table in stage_of(comparison, "self-assessment").tables] == [
        "Council's grades by scope area"
    ]


def test_grades_on_different_scales_are_shown_but_not_compared(current, earlier):
    earlier.grade_scale = GradeScale.objects.get(framework=earlier.framework, name="Ofsted scale until November 2013")
    earlier.save()
    grade_entries(earlier, [3])
    grade_entries(current, [2])

    stage = stage_of(compare_with_earlier(current), "self-assessment")

    assert [(row.earlier, row.now, row.direction, row.note) for row in stage.tables[0].rows] == [
        ("Adequate", "Good", Direction.NOT_COMPARABLE, "Different grade scales")
    ]
    assert "Ofsted scale until November 2013" in stage.tables[0].introduction


def test_timeliness_rates_per_rule(current, earlier):
    met(earlier, "E-1")
    missed(earlier, "E-2")
    missed(earlier, "E-3")
    met(current, "C-1")
    met(current, "C-2")
    missed(current, "C-3")

    rows = rows_of(compare_with_earlier(current), "case-mapping")

    # The conferences also start the review-conference rules, which none of these cases met yet.
    assert rows[0] == (TIMESCALE, "33% of 3 cases", "67% of 3 cases", Direction.BETTER)
    assert [row[0] for row in rows[1:]] == ["First review conference", "First core group"]


def test_audit_agreement_overall_and_per_domain(current, earlier, lead):
    domains_count = 9
    for reference, council, peer in [("E-1", 2, 2), ("E-2", 2, 3), ("E-3", 1, 3), ("E-4", 2, 2)]:
        make_validation(
            make_audit(earlier, reference, [council] * domains_count, council), lead, [peer] * domains_count, peer
        )
    for reference, council, peer in [("C-1", 2, 2), ("C-2", 2, 2)]:
        make_validation(
            make_audit(current, reference, [council] * domains_count, council), lead, [peer] * domains_count, peer
        )

    stage = stage_of(compare_with_earlier(current), "audits")

    rows = stage.tables[0].rows
    assert (rows[0].measure, rows[0].earlier, rows[0].now, rows[0].direction) == (
        "Overall grade: same grade as the peers",
        "50% (2 of 4)",
        "100% (2 of 2)",
        Direction.BETTER,
    )
    assert len(rows) == 1 + domains_count
    assert stage.tables[0].peer_side_only
    assert "Cases regraded: 4 in the earlier review, 2 in this one." in stage.tables[0].introduction


def test_questionnaire_results_on_shared_questions_respect_suppression(current, earlier):
    before, before_questions = questionnaire(earlier, ["I feel listened to", "Only asked in 2023"])
    now, now_questions = questionnaire(current, ["I feel listened to", "Asked only now"])
    answer(before, before_questions, ["4", "4", "2", "2", "1"])  # 2 of 5 positive
    answer(now, now_questions, ["5", "4", "4", "2"])  # 4 respondents: below the minimum of 5

    rows = rows_of(compare_with_earlier(current), "focus-groups")

    assert rows == [
        (
            "I feel listened to (Parents and carers)",
            "40% positive (5 respondents)",
            "Fewer than 5 respondents",
            Direction.NOT_COMPARABLE,
        )
    ]


def test_a_higher_minimum_in_either_review_hides_both_figures(current, earlier):
    QuestionnaireSettings.objects.create(review=current, minimum_group=6)
    before, before_questions = questionnaire(earlier)
    now, now_questions = questionnaire(current)
    answer(before, before_questions, ["4"] * 5)
    answer(now, now_questions, ["4"] * 6)

    rows = rows_of(compare_with_earlier(current), "focus-groups")

    assert rows == [
        (
            "I feel listened to (Parents and carers)",
            "Fewer than 6 respondents",
            "100% positive (6 respondents)",
            Direction.NOT_COMPARABLE,
        )
    ]


def test_the_earlier_improvement_plan_by_status_with_the_open_actions(current, earlier):
    priority = PriorityFactory(review=earlier, title="Strengthen the front door")
    ActionFactory(priority=priority, description="Publish the threshold document", status=Action.Status.DONE)
    ActionFactory(priority=priority, description="Train the front door", status=Action.Status.IN_PROGRESS)
    ActionFactory(priority=priority, description="Audit contacts", status=Action.Status.NOT_STARTED, rag="red")
    ActionFactory(priority=PriorityFactory(review=current), description="A new plan's action")

    stage = stage_of(compare_with_earlier(current), "conference")

    table = stage.tables[0]
    assert [(row.measure, row.earlier) for row in table.rows] == [
        ("Not started", "1 of 3"),
        ("In progress", "1 of 3"),
        ("Done", "1 of 3"),
    ]
    assert table.list_items == [
        "Train the front door (priority: Strengthen the front door; Head of Early Help, Testshire Children's "
        "Services; due 31 March 2027; in progress, green)",
        "Audit contacts (priority: Strengthen the front door; Head of Early Help, Testshire Children's Services; "
        "due 31 March 2027; not started, red)",
    ]
    assert stage.summary == "1 of 3 actions in the earlier plan done, 2 not completed"


def test_stages_without_data_in_the_earlier_review_say_so(current, earlier):
    grade_entries(current, [2])
    met(current, "C-1")

    comparison = compare_with_earlier(current)

    assert {item.stage.slug: item.summary for item in comparison.stages} == {
        "self-assessment": "No data in the earlier review",
        "case-mapping": "No data in the earlier review",
        "audits": "No data in the earlier review",
        "focus-groups": "No data in the earlier review",
        "conference": "No data in the earlier review",
    }


def test_a_stage_summary_counts_the_directions(current, earlier):
    grade_entries(earlier, [3, 2, 2])
    grade_entries(current, [2, 2, 3])

    summary = stage_of(compare_with_earlier(current), "self-assessment").summary

    assert summary == "3 measures: 1 better, 1 worse, 1 no change, 0 not directly comparable"


# Pages


def fill(review, earlier, start, stop):
    grade_entries(earlier, [3] * (stop - start), start=start)
    grade_entries(review, [2] * (stop - start), start=start)
    for number in range(start, stop):
        met(earlier, f"E-{number}")
        met(review, f"C-{number}")
        ActionFactory(priority=PriorityFactory(review=earlier))
    item, questions = questionnaire(earlier, [f"Question {number}" for number in range(start, stop)])
    answer(item, questions, ["4"] * 5)
    item, questions = questionnaire(review, [f"Question {number}" for number in range(start, stop)])
    answer(item, questions, ["4"] * 5)


def test_the_overview_runs_the_same_queries_whatever_the_data(lead_client, current, earlier, django_assert_num_queries):
    url = reverse("reviews:overview", args=[current.pk])
    fill(current, earlier, 0, 1)
    with CaptureQueriesContext(connection) as small:
        lead_client.get(url)
    fill(current, earlier, 1, 4)

    with django_assert_num_queries(len(small.captured_queries)):
        response = lead_client.get(url)

    assert "Since the last review" in response.content.decode()


def test_the_overview_without_an_earlier_review_has_no_comparison_block(lead_client, current):
    response = lead_client.get(reverse("reviews:overview", args=[current.pk]))

    assert response.status_code == 200
    assert "Since the last review" not in response.content.decode()


def test_the_comparison_page_runs_the_same_queries_whatever_the_data(
    lead_client, current, earlier, django_assert_num_queries
):
    url = reverse("reviews:comparison", args=[current.pk])
    fill(current, earlier, 0, 1)
    with CaptureQueriesContext(connection) as small:
        lead_client.get(url)
    fill(current, earlier, 1, 5)

    with django_assert_num_queries(len(small.captured_queries)):
        response = lead_client.get(url)

    assert response.status_code == 200


def test_the_comparison_page_shows_the_figures_and_directions_as_text(sponsor_client, current, earlier):
    grade_entries(earlier, [3])
    grade_entries(current, [2])

    response = sponsor_client.get(reverse("reviews:comparison", args=[current.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Testshire safeguarding peer review 2023" in html
    assert '<strong class="govuk-tag govuk-tag--green">Better</strong>' in html
    assert "No data in the earlier review" in html


def test_audit_agreement_is_shown_to_the_peer_side_only(sponsor_client, peer_client, current, earlier, lead):
    make_validation(make_audit(earlier, "E-1", [2] * 9, 2), lead, [2] * 9, 2)
    url = reverse("reviews:comparison", args=[current.pk])

    host = sponsor_client.get(url).content.decode()
    peers = peer_client.get(url).content.decode()

    assert "Agreement between the council" not in host
    assert "Shown to the peer team only" in host
    assert "Agreement between the council" in peers
    assert "Shown to the peer team only" not in peers


def test_without_an_earlier_review_the_comparison_page_is_404(lead_client, current):
    assert lead_client.get(reverse("reviews:comparison", args=[current.pk])).status_code == 404


def test_outsider_gets_404_on_the_comparison(outsider_client, current, earlier):
    assert outsider_client.get(reverse("reviews:comparison", args=[current.pk])).status_code == 404


def test_the_comparison_page_only_answers_get(lead_client, current, earlier):
    assert lead_client.post(reverse("reviews:comparison", args=[current.pk])).status_code == 405


def test_a_member_of_this_review_only_gets_404_on_the_earlier_reviews_own_pages(organiser_client, current, earlier):
    grade_entries(earlier, [3])

    comparison = organiser_client.get(reverse("reviews:comparison", args=[current.pk]))

    assert comparison.status_code == 200
    for url in [
        reverse("reviews:overview", args=[earlier.pk]),
        reverse("reviews:comparison", args=[earlier.pk]),
        reverse("reviews:findings", args=[earlier.pk]),
        reverse("reviews:documents", args=[earlier.pk]),
        reverse("selfassessment:index", args=[earlier.pk]),
        reverse("casemapping:index", args=[earlier.pk]),
    ]:
        assert organiser_client.get(url).status_code == 404, url


def test_the_baseline_report_has_a_chapter_on_the_earlier_review(current, earlier):
    grade_entries(earlier, [3])
    grade_entries(current, [2])
    met(earlier, "E-1")
    missed(current, "C-1")
    report = Report(review=current, kind=Report.Kind.BASELINE, version=1)

    text = pdf_text(build_report_pdf(report))

    assert "Since the last review" in text
    assert "This review compared with Testshire safeguarding peer review 2023" in text
    assert "Requires improvement to be good Good Better" in text
    assert f"{TIMESCALE} 100% of 1 case 0% of 1 case Worse" in text
    assert "No data in the earlier review" in text


def test_the_baseline_report_without_an_earlier_review_has_no_such_chapter(current):
    report = Report(review=current, kind=Report.Kind.BASELINE, version=1)

    assert "Since the last review" not in pdf_text(build_report_pdf(report))


def test_an_observer_cannot_change_the_previous_review(observer_client, current, earlier):
    response = observer_client.post(reverse("reviews:comparison", args=[current.pk]), {"previous_review": ""})

    assert response.status_code == 405
    current.refresh_from_db()
    assert current.previous_review_id == earlier.pk


def test_a_user_not_in_either_review_sees_neither(current, earlier, client):
    user = UserFactory(username="stranger")
    client.force_login(user)

    assert client.get(reverse("reviews:comparison", args=[current.pk])).status_code == 404


def test_the_overview_without_an_earlier_review_runs_the_same_queries_whatever_the_data(
    lead_client, current, django_assert_num_queries
):
    url = reverse("reviews:overview", args=[current.pk])
    grade_entries(current, [2])
    met(current, "C-0")
    with CaptureQueriesContext(connection) as small:
        lead_client.get(url)
    grade_entries(current, [2, 3, 1], start=1)
    for number in range(1, 5):
        met(current, f"C-{number}")

    with django_assert_num_queries(len(small.captured_queries)):
        response = lead_client.get(url)

    assert response.status_code == 200


# Demo data


@pytest.mark.django_db
def test_the_demo_has_an_earlier_northmoor_review_to_compare_with_and_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = (Review.objects.count(), Review.history.count(), Case.objects.count(), Event.objects.count())

    call_command("seed_demo", stdout=io.StringIO())

    assert (Review.objects.count(), Review.history.count(), Case.objects.count(), Event.objects.count()) == first
    northmoor = Review.objects.get(title=NORTHMOOR_REVIEW)
    earlier = northmoor.previous_review
    assert (earlier.title, earlier.status, earlier.council_id) == (
        EARLIER_REVIEW,
        Review.Status.CLOSED,
        northmoor.council_id,
    )
    assert not earlier.memberships.exists()
    comparison = compare_with_earlier(northmoor)
    assert all(item.has_earlier_data for item in comparison.stages)
    assert stage_of(comparison, "conference").summary == "2 of 4 actions in the earlier plan done, 2 not completed"
    timeliness = rows_of(comparison, "case-mapping")
    assert timeliness[0] == (TIMESCALE, "75% of 4 cases", "50% of 2 cases", Direction.WORSE)
    assert not any("Fewer than" in row[1] for row in rows_of(comparison, "focus-groups"))


# The leads choose the earlier review in the workspace


def test_the_lead_chooses_an_earlier_review_of_the_council(lead_client, current):
    earlier = ReviewFactory(council=current.council, title="Testshire review 2023", onsite_start=D(2023, 3, 6))
    url = reverse("reviews:previous_review", args=[current.pk])

    page = lead_client.get(url)
    response = lead_client.post(url, {"previous_review": earlier.pk, "version": current.version})

    assert page.status_code == 200
    assert "Testshire review 2023" in page.content.decode()
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.previous_review_id == earlier.pk


def test_the_lead_stops_comparing(lead_client, current, earlier):
    response = lead_client.post(
        reverse("reviews:previous_review", args=[current.pk]), {"previous_review": "", "version": current.version}
    )

    assert response.status_code == 302
    current.refresh_from_db()
    assert current.previous_review_id is None


@pytest.mark.parametrize("which", ["other_council", "itself", "not_a_number", "missing"])
def test_the_form_offers_only_other_reviews_of_the_council(lead_client, current, other_review, which):
    value = {"other_council": other_review.pk, "itself": current.pk, "not_a_number": "abc", "missing": 999999}[which]

    response = lead_client.post(
        reverse("reviews:previous_review", args=[current.pk]), {"previous_review": value, "version": current.version}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose an earlier review of this council from the list." in html
    assert other_review.title not in html
    current.refresh_from_db()
    assert current.previous_review_id is None


def test_the_form_refuses_a_later_review_and_a_cycle(lead_client, current, earlier):
    later = ReviewFactory(council=current.council, title="Testshire review 2029", onsite_start=D(2029, 5, 7))
    url = reverse("reviews:previous_review", args=[earlier.pk])
    MembershipFactory(review=earlier, user=current.memberships.get(role=Role.LEAD).user, role=Role.LEAD)

    later_refused = lead_client.post(
        reverse("reviews:previous_review", args=[current.pk]), {"previous_review": later.pk, "version": current.version}
    )
    cycle_refused = lead_client.post(url, {"previous_review": current.pk, "version": earlier.version})

    assert "The previous review must have been on site before this one" in later_refused.content.decode()
    assert "The previous review must have been on site before this one" in cycle_refused.content.decode()
    current.refresh_from_db()
    earlier.refresh_from_db()
    assert (current.previous_review_id, earlier.previous_review_id) == (earlier.pk, None)


@pytest.mark.parametrize("client_name", ["challenge_client"])
def test_the_challenge_manager_may_choose_too(request, client_name, current):
    client = request.getfixturevalue(client_name)

    assert client.get(reverse("reviews:previous_review", args=[current.pk])).status_code == 200


@pytest.mark.parametrize(
    "client_name", ["peer_client", "auditor_client", "observer_client", "sponsor_client", "organiser_client"]
)
def test_other_members_may_not_choose_the_earlier_review(request, client_name, current, earlier):
    client = request.getfixturevalue(client_name)
    url = reverse("reviews:previous_review", args=[current.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"previous_review": ""}).status_code == 403
    current.refresh_from_db()
    assert current.previous_review_id == earlier.pk


def test_outsider_gets_404_on_choosing_the_earlier_review(outsider_client, current, earlier):
    url = reverse("reviews:previous_review", args=[current.pk])

    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"previous_review": ""}).status_code == 404


def test_choosing_the_earlier_review_refuses_other_methods(lead_client, current):
    assert lead_client.delete(reverse("reviews:previous_review", args=[current.pk])).status_code == 405


def test_the_post_needs_a_csrf_token(lead, current, earlier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    response = client.post(reverse("reviews:previous_review", args=[current.pk]), {"previous_review": ""})

    assert response.status_code == 403
    current.refresh_from_db()
    assert current.previous_review_id == earlier.pk


def test_a_timescale_checked_in_one_review_only_is_not_compared(current, earlier):
    add_events(earlier, "E-1", (D(2025, 2, 3), "referral"), (D(2025, 2, 4), "referral-decision"))
    met(current, "C-1")

    rows = rows_of(compare_with_earlier(current), "case-mapping")

    # The referral also starts the single assessment's 45 days, which this case never met.
    assert rows == [
        ("Decision on a referral", "100% of 1 case", "Not checked", Direction.NOT_COMPARABLE),
        ("Single assessment", "0% of 1 case", "Not checked", Direction.NOT_COMPARABLE),
    ]
