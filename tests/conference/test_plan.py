import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conference import services
from conference.models import Action, ActionUpdate, Checkpoint
from reviews.models import Report
from reviews.services import build_report_pdf
from tests.reviews.test_reports import pdf_text

from ..factories import ReportFactory
from .factories import ActionFactory, PriorityFactory

ACTION_FIELDS = {
    "description": "Audit 40 contacts a quarter",
    "owner_role": "Front Door Service Manager",
    "owner_agency": "Testshire Children's Services",
    "due_date": "31/03/2027",
    "success_measure": "Consistent decisions (%)",
    "status": "not_started",
    "rag": "green",
}


def test_overdue_is_judged_against_the_given_day():
    due = datetime.date(2027, 3, 31)
    open_action = Action(due_date=due, status=Action.Status.IN_PROGRESS)
    done_action = Action(due_date=due, status=Action.Status.DONE)

    assert open_action.is_overdue(datetime.date(2027, 3, 31)) is False
    assert open_action.is_overdue(datetime.date(2027, 4, 1)) is True
    assert done_action.is_overdue(datetime.date(2027, 4, 1)) is False


def test_the_overdue_queryset_agrees_with_the_method(review):
    priority = PriorityFactory(review=review)
    late = ActionFactory(priority=priority, due_date=datetime.date(2027, 1, 1))
    ActionFactory(priority=priority, due_date=datetime.date(2027, 1, 1), status=Action.Status.DONE)
    ActionFactory(priority=priority, due_date=datetime.date(2027, 6, 1))

    overdue = Action.objects.for_review(review).overdue_on(datetime.date(2027, 2, 1))

    assert list(overdue) == [late]


def test_the_lead_adds_an_action(review, lead_client):
    priority = PriorityFactory(review=review)

    response = lead_client.post(reverse("conference:action_create", args=[review.pk, priority.pk]), ACTION_FIELDS)

    action = Action.objects.get()
    assert response.status_code == 302
    assert (action.owner_role, action.due_date) == ("Front Door Service Manager", datetime.date(2027, 3, 31))


def test_an_action_without_an_owner_or_due_date_is_refused(review, lead_client):
    priority = PriorityFactory(review=review)
    fields = {**ACTION_FIELDS, "owner_role": "", "owner_agency": "", "due_date": ""}

    response = lead_client.post(reverse("conference:action_create", args=[review.pk, priority.pk]), fields)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the owner&#x27;s role." in page
    assert "Enter the owner&#x27;s agency." in page
    assert "Enter the due date." in page
    assert Action.objects.count() == 0


def test_a_due_date_that_is_not_a_date_is_refused(review, lead_client):
    priority = PriorityFactory(review=review)

    response = lead_client.post(
        reverse("conference:action_create", args=[review.pk, priority.pk]), {**ACTION_FIELDS, "due_date": "31/02/2027"}
    )

    assert "Enter the due date as a real date, for example 27/3/2027." in response.content.decode()
    assert Action.objects.count() == 0


def test_a_priority_of_another_review_is_404(review, other_review, lead_client):
    foreign = PriorityFactory(review=other_review)

    response = lead_client.post(reverse("conference:action_create", args=[review.pk, foreign.pk]), ACTION_FIELDS)

    assert response.status_code == 404


def test_a_stale_edit_of_an_action_is_refused_with_a_message(review, lead, lead_client):
    action = ActionFactory(priority=PriorityFactory(review=review))
    services.save_action(action=action, data={"rag": Action.RAG.RED}, version=1, user=lead)

    response = lead_client.post(
        reverse("conference:action_detail", args=[review.pk, action.pk]), {**ACTION_FIELDS, "version": 1}
    )

    action.refresh_from_db()
    assert "Someone else changed this action since you opened it." in response.content.decode()
    assert (action.rag, action.version) == (Action.RAG.RED, 2)
    assert action.description != ACTION_FIELDS["description"]


def test_a_host_member_updates_their_own_action_but_not_anothers(review, contributor, contributor_client):
    priority = PriorityFactory(review=review)
    own = ActionFactory(priority=priority, owner=contributor)
    other = ActionFactory(priority=priority)

    saved = contributor_client.post(
        reverse("conference:action_detail", args=[review.pk, own.pk]),
        {"current_value": "74", "status": "in_progress", "rag": "amber", "version": 1},
    )
    noted = contributor_client.post(
        reverse("conference:action_update", args=[review.pk, own.pk]),
        {"on": "01/05/2026", "note": "Audits started", "rag": "amber"},
    )
    refused = contributor_client.post(
        reverse("conference:action_detail", args=[review.pk, other.pk]),
        {"current_value": "1", "status": "done", "rag": "green", "version": 1},
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert (saved.status_code, noted.status_code, refused.status_code) == (302, 302, 403)
    assert (own.status, own.rag, str(own.current_value)) == ("in_progress", "amber", "74.00")
    assert own.description.startswith("Action")
    assert list(ActionUpdate.objects.values_list("note", flat=True)) == ["Audits started"]
    assert other.status == Action.Status.NOT_STARTED


def test_the_plan_page_runs_the_same_queries_for_5_and_100_actions(review, lead_client):
    url = reverse("conference:plan", args=[review.pk])
    priorities = [PriorityFactory(review=review) for _ in range(5)]
    for index in range(5):
        ActionFactory(priority=priorities[index])
    with CaptureQueriesContext(connection) as five:
        lead_client.get(url)
    for index in range(95):
        ActionFactory(priority=priorities[index % 5])

    with CaptureQueriesContext(connection) as hundred:
        response = lead_client.get(url)

    assert response.content.decode().count('href="/reviews/') > 100
    assert len(hundred) == len(five)


def test_the_plan_exports_to_xlsx_with_every_action(review, lead_client):
    priority = PriorityFactory(review=review, title="Front door")
    ActionFactory(priority=priority, description="Agree one threshold document", due_date=datetime.date(2020, 1, 1))

    response = lead_client.get(reverse("conference:plan_xlsx", args=[review.pk]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Priority", "Desired outcome", "Action")
    assert rows[1][0] == "Front door"
    assert rows[1][2] == "Agree one threshold document"
    assert rows[1][-1] == "Yes"


def test_the_improvement_plan_pdf_contains_every_action_and_its_owner(review):
    priority = PriorityFactory(review=review, title="Front door consistency")
    for index in range(3):
        ActionFactory(
            priority=priority,
            description=f"Plan action number {index}",
            owner_role=f"Owner role {index}",
            owner_agency="Testshire Police",
        )
    report = ReportFactory(review=review, kind=Report.Kind.IMPROVEMENT_PLAN)

    text = pdf_text(build_report_pdf(report))

    for index in range(3):
        assert f"Plan action number {index}" in text
        assert f"Owner role {index}, Testshire Police" in text
    assert "Front door consistency" in text


def test_the_improvement_plan_report_is_requested_from_the_reports_page(
    review, lead_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = lead_client.post(reverse("reviews:report_request", args=[review.pk]), {"kind": "improvement_plan"})

    assert response.status_code == 302
    assert Report.objects.get(review=review).kind == Report.Kind.IMPROVEMENT_PLAN
    assert len(callbacks) == 1


def test_a_check_at_3_months_records_each_action_against_the_baseline(review, lead_client):
    priority = PriorityFactory(review=review)
    ActionFactory(priority=priority, status=Action.Status.DONE, rag=Action.RAG.GREEN)
    ActionFactory(priority=priority, status=Action.Status.IN_PROGRESS, rag=Action.RAG.RED)

    first = lead_client.post(
        reverse("conference:checkpoint_create", args=[review.pk]), {"months": 3, "held_on": "01/07/2026"}
    )
    again = lead_client.post(
        reverse("conference:checkpoint_create", args=[review.pk]), {"months": 3, "held_on": "02/07/2026"}
    )

    checkpoint = Checkpoint.objects.get(review=review)
    assert first.status_code == 302
    assert "The 3-month check has already been recorded." in again.content.decode()
    assert services.checkpoint_rows(review)[0]["checks"][0]["done"] == 1
    assert services.checkpoint_rows(review)[0]["checks"][0]["green"] == 1
    assert checkpoint.entries.count() == 2


def test_a_check_before_the_conference_is_refused_and_one_on_its_day_recorded(review, lead_client):
    review.conference_date = datetime.date(2026, 6, 1)
    review.save()
    ActionFactory(priority=PriorityFactory(review=review))
    url = reverse("conference:checkpoint_create", args=[review.pk])

    early = lead_client.post(url, {"months": 3, "held_on": "31/05/2026"})
    recorded = lead_client.post(url, {"months": 3, "held_on": "01/06/2026"})

    assert early.context["form"].errors == {
        "held_on": [
            "The check must be on or after the conference on 1 June 2026: it follows up the plan the conference agreed."
        ]
    }
    assert recorded.status_code == 302
    assert Checkpoint.objects.get(review=review).held_on == datetime.date(2026, 6, 1)


def test_a_check_dated_in_the_future_is_refused_and_nothing_recorded(review, lead_client):
    from django.utils import timezone

    ActionFactory(priority=PriorityFactory(review=review))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = lead_client.post(
        reverse("conference:checkpoint_create", args=[review.pk]),
        {"months": 3, "held_on": tomorrow.strftime("%d/%m/%Y"), "summary": "Too early"},
    )

    assert response.context["form"].errors == {
        "held_on": [
            f"The check on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: record it as held once that day has come."
        ]
    }
    assert not Checkpoint.objects.exists()


def test_a_progress_update_dated_in_the_future_is_refused_and_not_saved(review, contributor, contributor_client):
    from django.utils import timezone

    own = ActionFactory(priority=PriorityFactory(review=review), owner=contributor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = contributor_client.post(
        reverse("conference:action_update", args=[review.pk, own.pk]),
        {"on": tomorrow.strftime("%d/%m/%Y"), "note": "Audits will start", "rag": "amber"},
        follow=True,
    )

    assert (
        f"A progress update on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: "
        "record it as made once that day has come."
    ) in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_an_actions_owner_is_told_it_is_theirs_when_added_or_given_to_them_and_no_one_else(
    review, lead, lead_client, contributor, sponsor
):
    from reviews.notifications.models import Notification

    priority = PriorityFactory(review=review, title="Decisions at the front door")
    lead_client.post(
        reverse("conference:action_create", args=[review.pk, priority.pk]), {**ACTION_FIELDS, "owner": contributor.pk}
    )
    action = Action.objects.get()
    told = Notification.objects.get(recipient=contributor)
    assert told.kind == Notification.Kind.ASSIGNMENT
    assert told.title == "An improvement plan action is yours to update, due 31 March 2027"
    assert "Decisions at the front door" in told.body and "Audit 40 contacts a quarter" in told.body
    assert told.link == reverse("conference:action_detail", args=[review.pk, action.pk])

    def save(**changes):
        fields = {**ACTION_FIELDS, "owner": action.owner_id or "", "version": Action.objects.get().version}
        return lead_client.post(reverse("conference:action_detail", args=[review.pk, action.pk]), fields | changes)

    save(rag="amber")  # saved again with the same owner: no second notification
    save(owner=sponsor.pk)  # given to someone else: they are told
    refused = save(owner=contributor.pk, version=1)  # a stale edit is saved by no one and tells no one

    assert "Someone else changed this action" in refused.content.decode()
    assert Notification.objects.filter(recipient=contributor).count() == 1
    assert Notification.objects.filter(recipient=sponsor).count() == 1
    assert not Notification.objects.filter(recipient=lead).exists()  # the one saving is never told
