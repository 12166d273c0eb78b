"""Priorities are numbered 1 to n, each number once, the same on the plan page, in the reports and in the form."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from conference import services
from conference.models import Ballot, Priority, Round
from conference.stage import plan_counts, report_section
from reviews.models import Report
from reviews.services import build_report_pdf
from tests.reviews.test_reports import pdf_text

from ..factories import FindingFactory, ReportFactory
from .factories import ActionFactory, CandidateFactory, PriorityFactory, RoundFactory

RANKED = ["Caseloads", "Front door", "Voice of the child", "Neglect strategy"]


def closed_round(review, points: list[int], titles=RANKED, findings=None) -> Round:
    """A round of `titles`, voted on by one card giving each the points in `points`, then closed."""
    round_ = RoundFactory(review=review, method=Round.Method.POINTS, points=sum(points))
    candidates = [CandidateFactory(round=round_, title=title, finding=(findings or {}).get(title)) for title in titles]
    [(_, code)] = services.issue_cards(round_=round_, count=1)
    services.cast_vote(
        ballot_id=Ballot.objects.for_code(code).pk, values={c.pk: n for c, n in zip(candidates, points, strict=True)}
    )
    round_.close()
    return round_


def adopt(client, round_):
    return client.post(reverse("conference:round_adopt", args=[round_.review_id, round_.pk]))


def plan_headings(client, review) -> list[str]:
    page = client.get(reverse("conference:plan", args=[review.pk])).content.decode()
    return re.findall(r'<h2 class="govuk-heading-l">(\d+\. [^<]*)</h2>', page)


def stored(review) -> list[tuple[int, str]]:
    return list(review.priorities.order_by("order", "pk").values_list("order", "title"))


@pytest.fixture
def earlier_priorities(review):
    """Two priorities there before the vote, added by hand: 1 and 2."""
    return [PriorityFactory(review=review, title=title, order=n) for n, title in enumerate(["Early help", "Audit"], 1)]


EXPECTED = [
    (1, "Caseloads"),
    (2, "Front door"),
    (3, "Voice of the child"),
    (4, "Neglect strategy"),
    (5, "Early help"),
    (6, "Audit"),
]


def test_adopting_a_round_after_priorities_exist_numbers_them_1_to_6_on_the_plan_page_and_in_the_reports(
    review, lead_client, earlier_priorities
):
    round_ = closed_round(review, [7, 5, 3, 1])

    response = adopt(lead_client, round_)

    assert response.status_code == 302
    assert plan_headings(lead_client, review) == [f"{n}. {title}" for n, title in EXPECTED]
    assert stored(review) == EXPECTED
    section = report_section(review)
    assert [(p.number, p.title) for p in section.context["priorities"]] == EXPECTED
    listed = render_to_string(section.template_name, section.context)
    assert re.findall(r"<li>([^<(]*?)(?: \(score \d+\))?</li>", listed) == [title for _, title in EXPECTED]
    assert [row.priority for row in plan_counts([review], datetime.date(2027, 1, 1))[review.pk]] == [
        title for _, title in EXPECTED
    ]


def test_the_improvement_plan_report_numbers_the_priorities_as_the_plan_page_does(
    review, lead_client, earlier_priorities
):
    adopt(lead_client, closed_round(review, [7, 5, 3, 1]))
    for priority in Priority.objects.all():
        ActionFactory(priority=priority)

    text = pdf_text(build_report_pdf(ReportFactory(review=review, kind=Report.Kind.IMPROVEMENT_PLAN)))

    # Each chapter's heading is also the running head of its pages.
    headings = re.findall(r"(\d)\. (Caseloads|Front door|Voice of the child|Neglect strategy|Early help|Audit)", text)
    assert list(dict.fromkeys(headings)) == [(str(n), title) for n, title in EXPECTED]


def test_a_priority_already_there_keeps_its_plan_takes_its_place_in_the_vote_and_its_finding_the_number(
    review, lead_client
):
    findings = {title: FindingFactory(review=review, summary=title) for title in ["Front door", "Early help"]}
    early_help = PriorityFactory(review=review, title="Early help", order=1, finding=findings["Early help"])
    front_door = PriorityFactory(review=review, title="Front door", order=2, finding=findings["Front door"])
    action = ActionFactory(priority=front_door)
    round_ = closed_round(review, [7, 5], titles=["Caseloads", "Front door"], findings=findings)

    adopt(lead_client, round_)

    assert stored(review) == [(1, "Caseloads"), (2, "Front door"), (3, "Early help")]
    assert list(front_door.actions.all()) == [action]
    assert Priority.objects.get(pk=front_door.pk).votes == 5
    for finding in findings.values():
        finding.refresh_from_db()
    assert (findings["Front door"].priority, findings["Early help"].priority) == (2, 3)
    assert Priority.objects.get(pk=early_help.pk).version == 2


def test_adopting_the_same_round_twice_changes_no_number(review, lead_client, earlier_priorities):
    round_ = closed_round(review, [7, 5, 3, 1])
    adopt(lead_client, round_)

    adopt(lead_client, round_)

    assert stored(review) == EXPECTED
    assert Priority.objects.count() == 6


def test_an_open_round_or_one_nobody_scored_changes_no_number(review, lead_client, earlier_priorities):
    unscored = RoundFactory(review=review)
    CandidateFactory(round=unscored, title="Front door")
    unscored.close()
    open_round = RoundFactory(review=review)
    CandidateFactory(round=open_round, title="Caseloads")

    refused = adopt(lead_client, open_round)
    nothing_ranked = adopt(lead_client, unscored)

    assert refused.status_code == 302
    assert nothing_ranked.status_code == 302
    assert stored(review) == [(1, "Early help"), (2, "Audit")]


def test_numbers_stored_twice_or_with_gaps_are_still_shown_1_to_n_and_each_review_counts_from_1(
    review, other_review, lead_client
):
    for order, title in [(3, "Third"), (1, "First"), (1, "Second"), (9, "Fourth")]:
        PriorityFactory(review=review, title=title, order=order)
    PriorityFactory(review=other_review, title="Elsewhere", order=5)

    headings = plan_headings(lead_client, review)

    assert headings == ["1. First", "2. Second", "3. Third", "4. Fourth"]
    assert [(p.review_id, p.number) for p in Priority.objects.numbered()] == sorted(
        [(review.pk, 1), (review.pk, 2), (review.pk, 3), (review.pk, 4), (other_review.pk, 1)]
    )


# The number typed in the priority's form


def edit(client, priority, **values):
    data = {"title": priority.title, "outcome": priority.outcome, "order": priority.order, "version": priority.version}
    return client.post(reverse("conference:priority_edit", args=[priority.review_id, priority.pk]), data | values)


@pytest.fixture
def four(review):
    return [PriorityFactory(review=review, title=title, order=n) for n, title in enumerate("ABCD", 1)]


def test_a_priority_given_another_number_takes_that_place_and_the_others_move(review, lead_client, four):
    response = edit(lead_client, four[3], order=2)

    assert response.status_code == 302
    assert stored(review) == [(1, "A"), (2, "D"), (3, "B"), (4, "C")]


def test_a_number_past_the_last_puts_the_priority_last_and_a_new_one_takes_its_number(review, lead_client, four):
    edit(lead_client, four[0], order=99)
    lead_client.post(
        reverse("conference:priority_create", args=[review.pk]), {"title": "New", "outcome": "", "order": 1}
    )

    assert stored(review) == [(1, "New"), (2, "B"), (3, "C"), (4, "D"), (5, "A")]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The number must be 1 or more"),
        ("-2", "The number must be 1 or more"),
        ("", "Enter the number"),
        ("first", "The number must be a whole number"),
        ("40000", "The number must be 32767 or less"),
    ],
)
def test_a_number_that_is_not_a_place_is_refused_on_its_field_and_nothing_moves(
    review, lead_client, four, typed, message
):
    response = edit(lead_client, four[3], order=typed, title="Renamed")

    assert response.status_code == 200
    assert response.context["form"].errors["order"] == [message]
    assert stored(review) == [(1, "A"), (2, "B"), (3, "C"), (4, "D")]


def test_a_form_opened_before_the_numbers_moved_is_refused(review, lead_client, four):
    opened = Priority.objects.get(pk=four[0].pk)
    edit(lead_client, four[3], order=1)

    response = edit(lead_client, opened, title="A, renamed")

    assert response.status_code == 200
    assert stored(review) == [(1, "D"), (2, "A"), (3, "B"), (4, "C")]
