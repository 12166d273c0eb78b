"""Each person's home page lists what is theirs to do across their reviews, overdue first, in a fixed number of
queries whatever the number of items."""

import datetime
from html import escape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Validation
from reviews import todo
from reviews.models import Role
from selfassessment.models import DocumentRequest

from ..factories import MembershipFactory, ReviewFactory
from . import builders

TODAY = datetime.date(2026, 11, 16)
DAY = datetime.timedelta(days=1)


def titles(tasks) -> list[tuple[str, str]]:
    return [(task.kind, task.title) for task in tasks]


def test_document_requests_assigned_to_a_contributor_overdue_first_and_open_only(review, contributor, organiser):
    builders.document_request(review, contributor, TODAY + 5 * DAY, title="Threshold document")
    builders.document_request(review, contributor, TODAY - 2 * DAY, title="Early help strategy")
    builders.document_request(
        review, contributor, TODAY - 9 * DAY, title="Audit programme", status=DocumentRequest.Status.ACCEPTED
    )
    builders.document_request(review, organiser, TODAY - 1 * DAY, title="Someone else's")
    builders.document_request(
        review,
        contributor,
        TODAY + 1 * DAY,
        title="LSCB annual report",
        status=DocumentRequest.Status.RETURNED,
        return_reason="This is the 2010 report; upload the latest one.",
    )

    tasks = todo.tasks_for(contributor, today=TODAY)

    assert titles(tasks) == [
        ("Document request", "Early help strategy"),
        ("Document request sent back", "LSCB annual report"),
        ("Document request", "Threshold document"),
    ]
    assert tasks[0].is_overdue(TODAY)
    assert tasks[1].note == "This is the 2010 report; upload the latest one."


def test_each_kind_of_work_reaches_the_person_whose_it_is(review, lead, peer, case_auditor, organiser, sponsor):
    review.onsite_start, review.conference_date = TODAY + 20 * DAY, TODAY + 24 * DAY
    review.followup_3_months = TODAY + 10 * DAY
    review.save()
    builders.returned_entry(review, organiser)
    builders.validation(review, case_auditor, "C-01")
    builders.validation(review, case_auditor, "C-02", regraded=True, moderator=peer)
    interview = builders.session(review, peer, TODAY - 3 * DAY)
    builders.focus_group(review, peer, TODAY - 1 * DAY, notes="They said thresholds are clear.", title="Team North")
    builders.focus_group(review, peer, TODAY - 1 * DAY, title="Team South")
    builders.alert(review, lead)
    builders.action(review, sponsor, TODAY + 30 * DAY)

    kinds = {
        user.username: titles(todo.tasks_for(user, today=TODAY))
        for user in [lead, peer, case_auditor, organiser, sponsor]
    }

    assert kinds["organiser"] == [
        ("Impact check", "The 3-month impact check"),
        ("Self assessment entry sent back", str(review.framework.scope_areas.order_by("order").first())),
    ]
    assert kinds["auditor"] == [("Audit to regrade", "Case C-01")]
    assert sorted(kinds["peer"]) == [
        ("Audit to moderate", "Case C-02"),
        ("Focus-group coding", "Team North"),
        ("Focus-group notes to write", "Team South"),
        ("Interview notes to write", str(interview)),
    ]
    assert sorted(kinds["lead"]) == [
        ("Audit to moderate", "Case C-02"),
        ("Impact check", "The 3-month impact check"),
        (
            "Safeguarding alert to acknowledge",
            f"Alert {review.safeguarding_alerts.get().pk}, raised {timezone.localdate():%-d %B %Y}",
        ),
    ]
    assert kinds["sponsor"] == [
        ("Impact check", "The 3-month impact check"),
        ("Plan action", "Audit the front door's threshold decisions"),
    ]


def test_work_that_is_done_leaves_the_list(review, lead, peer, case_auditor, sponsor):
    review.followup_3_months = TODAY + 10 * DAY
    review.save()
    regrade = builders.validation(review, case_auditor, "C-01")
    moderated = builders.validation(review, case_auditor, "C-02", regraded=True)
    held = builders.session(review, peer, TODAY - 3 * DAY)
    coded = builders.focus_group(review, peer, TODAY - 1 * DAY, notes="Notes.")
    alert = builders.alert(review, lead)
    action = builders.action(review, sponsor, TODAY + 30 * DAY)

    Validation.objects.filter(pk=regrade.pk).update(
        status="regraded", overall_grade=moderated.overall_grade, submitted_at=timezone.now()
    )
    Validation.objects.filter(pk=moderated.pk).update(status="moderated", moderation_rationale="Agreed.")
    held.notes.create(author=peer, text="Thresholds are understood.")
    coded.codings.create(
        review=review, code=review.codes.create(name="Thresholds"), start=0, end=5, quote="Notes", coder=peer
    )
    alert.mark_read(lead)
    action.status = "done"
    action.save()
    builders.checkpoint(review, 3)

    remaining = {
        user.username: titles(todo.tasks_for(user, today=TODAY)) for user in [lead, peer, case_auditor, sponsor]
    }

    assert remaining == {"lead": [("Audit to moderate", "Case C-01")], "peer": [], "auditor": [], "sponsor": []}


def test_a_case_regraded_in_agreement_with_the_council_is_not_given_to_moderate(review, lead, case_auditor):
    agreeing = builders.validation(review, case_auditor, "C-01", regraded=True)
    Validation.objects.filter(pk=agreeing.pk).update(overall_grade=agreeing.audit.overall_grade)
    builders.validation(review, case_auditor, "C-02", regraded=True)

    assert titles(todo.tasks_for(lead, today=TODAY)) == [("Audit to moderate", "Case C-02")]


def test_a_former_member_is_not_given_the_review_s_work(review, contributor):
    builders.document_request(review, contributor, TODAY + 5 * DAY)
    review.memberships.filter(user=contributor).delete()

    assert todo.tasks_for(contributor, today=TODAY) == []


def test_tasks_come_from_every_review_the_person_is_in(review, contributor):
    other = ReviewFactory(title="Otherton review")
    MembershipFactory(review=other, user=contributor, role=Role.CONTRIBUTOR)
    builders.document_request(review, contributor, TODAY + 5 * DAY, title="First")
    builders.document_request(other, contributor, TODAY + 4 * DAY, title="Second")

    tasks = todo.tasks_for(contributor, today=TODAY)

    assert [(task.review_title, task.title) for task in tasks] == [
        ("Otherton review", "Second"),
        (review.title, "First"),
    ]


def test_the_home_page_shows_the_tasks_with_overdue_marked(review, contributor, contributor_client):
    today = timezone.localdate()
    builders.document_request(review, contributor, today - DAY, title="Early help strategy")
    builders.document_request(review, contributor, today + 3 * DAY, title="Threshold document")

    page = contributor_client.get(reverse("reviews:list")).content.decode()

    assert "Your tasks" in page
    assert page.index("Early help strategy") < page.index("Threshold document")
    assert page.count('govuk-tag--red">Overdue') == 1
    assert escape(review.title) in page
    assert page.count("<h1") == 1


def test_the_home_page_says_when_nothing_is_waiting(review, contributor, contributor_client):
    page = contributor_client.get(reverse("reviews:list")).content.decode()

    assert "Nothing is waiting for you." in page


def _fill(review, lead, number: int, start: int) -> None:
    today = timezone.localdate()
    for index in range(start, start + number):
        builders.validation(review, lead, f"C-{index:03d}", regraded=True)
        builders.session(review, lead, today - DAY, title=f"Session {index}")
        builders.focus_group(review, lead, today - DAY, title=f"Group {index}")
        builders.action(review, lead, today + DAY, description=f"Action {index}")


def test_the_home_page_runs_the_same_queries_for_1_and_30_tasks_of_each_kind(
    review, lead, lead_client, organiser, django_assert_num_queries
):
    today = timezone.localdate()
    review.followup_3_months = today + 5 * DAY
    review.save()
    builders.alert(review, lead)
    _fill(review, lead, 1, 0)
    url = reverse("reviews:list")
    with CaptureQueriesContext(connection) as one:
        first = lead_client.get(url).content.decode()
    _fill(review, lead, 29, 1)
    for index in range(29):
        builders.alert(review, lead, title=f"Children {index}")

    with django_assert_num_queries(len(one.captured_queries)):
        many = lead_client.get(url).content.decode()

    assert first.count('<a class="govuk-link" href="/reviews/') > 1
    assert many.count("Audit to moderate") == 30
    assert many.count("Plan action") == 30
    assert many.count("Safeguarding alert to acknowledge") == 30
