import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conference import services
from conference.models import Action, ActionUpdate, Ballot, Candidate, Checkpoint, Choice, Letter, Priority, Round
from conference.stage import progress, progress_many
from reviews.models import Finding, Report, Review
from reviews.services import build_report_pdf
from tests.reviews.test_reports import pdf_text

from ..factories import FindingFactory, ReportFactory, ReviewFactory
from .factories import ActionFactory, CandidateFactory, PriorityFactory, RoundFactory


def counts() -> dict[str, int]:
    models = [Round, Candidate, Ballot, Choice, Letter, Priority, Action, ActionUpdate, Checkpoint]
    return {model.__name__: model.objects.count() for model in models} | {
        "action history": Action.history.count(),
        "priority history": Priority.history.count(),
    }


def test_the_demo_completes_the_first_reviews_conference_and_running_it_twice_changes_nothing(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())

    review = Review.objects.order_by("pk").first()
    assert counts() == first
    # The earlier Northmoor review adds a plan of one priority and four actions; the second review's conference a
    # round of its own, six cards issued and four used on its two candidates.
    assert (first["Round"], first["Ballot"], first["Priority"], first["Action"], first["Letter"]) == (
        2,
        8 + 6,
        4 + 1,
        6 + 4,
        2,
    )
    # Eight cards were issued and six used, each with a choice for each of the four candidates.
    assert services.ballot_counts(Round.objects.get(review=review)) == {
        "issued": 8,
        "cards_used": 6,
        "unused": 2,
        "void": 0,
        "members": 0,
        "devices": 0,
        "votes": 6,
    }
    assert first["Choice"] == 6 * 4 + 4 * 2
    assert set(Action.objects.values_list("rag", flat=True)) == {"red", "amber", "green"}
    assert set(Round.objects.values_list("status", flat=True)) == {Round.Status.CLOSED}
    # The first review's letter went through a factual-accuracy round before it was published; the second review's
    # draft is with its sponsor, with comments still open.
    published = Letter.objects.get(review=review)
    assert published.status == Letter.Status.PUBLISHED
    assert list(published.versions.order_by("number").values_list("status", flat=True)) == [
        "draft",
        "draft",
        "shared",
        "shared",
        "published",
    ]
    assert sorted(published.comments.values_list("status", flat=True)) == ["accepted", "declined"]
    shared = Letter.objects.exclude(review=review).get()
    assert shared.status == Letter.Status.SHARED
    assert list(shared.comments.values_list("status", flat=True)) == ["open", "open"]
    assert progress(review).summary.startswith(f"{review.findings.exclude(status='draft').count()} of ")


def test_progress_counts_agreed_findings_rounds_the_letter_and_actions_on_track(review):
    FindingFactory(review=review, status=Finding.Status.AGREED)
    FindingFactory(review=review)
    round_ = RoundFactory(review=review)
    round_.close()
    priority = PriorityFactory(review=review)
    ActionFactory(priority=priority, rag=Action.RAG.GREEN, due_date=datetime.date(2020, 1, 1))
    ActionFactory(priority=priority, rag=Action.RAG.RED, due_date=datetime.date(2099, 1, 1))

    result = progress(review)

    assert (result.done, result.total, result.overdue) == (3, 6, 1)
    assert result.summary == (
        "1 of 2 findings agreed or published; 1 round held; letter not published; 1 of 2 actions on track"
    )


def test_a_review_with_nothing_yet_is_not_started(review):
    assert progress(review).status == "Not started"


def test_progress_of_many_reviews_runs_the_same_queries_for_one_and_for_many(db):
    one = [ReviewFactory()]
    many = [ReviewFactory() for _ in range(10)]
    for review in many:
        FindingFactory(review=review)
        ActionFactory(priority=PriorityFactory(review=review))

    with CaptureQueriesContext(connection) as for_one:
        progress_many(one)
    with CaptureQueriesContext(connection) as for_many:
        result = progress_many(many)

    assert len(for_many) == len(for_one)
    assert len(result) == 10


def test_the_baseline_report_has_the_conference_with_priorities_and_votes(review, lead):
    round_ = RoundFactory(review=review)
    candidate = CandidateFactory(round=round_, title="Make the front door consistent")
    [(_, code)] = services.issue_cards(round_=round_, count=2)[:1]
    services.cast_vote(ballot_id=Ballot.objects.for_code(code).pk, values={candidate.pk: 7})
    round_.close()
    PriorityFactory(review=review, title="Make the front door consistent", votes=7)
    report = ReportFactory(review=review, kind=Report.Kind.BASELINE)

    text = pdf_text(build_report_pdf(report))

    assert "Agreed priorities" in text
    assert "Make the front door consistent (score 7)" in text
    assert "1 vote, allocate points" in text


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("draft", "The feedback letter is in draft."),
        ("shared", "The feedback letter is shared with the council for a check of its factual accuracy."),
    ],
)
def test_the_report_says_where_the_letter_stands(review, status, sentence):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from conference.models import Letter
    from conference.stage import report_section

    shared_at = timezone.now() if status == "shared" else None
    Letter.objects.create(review=review, body="<p>Dear Director</p>", status=status, shared_at=shared_at)
    section = report_section(review)

    assert sentence in render_to_string(section.template_name, section.context)
