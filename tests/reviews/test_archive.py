"""Archiving a finished review: read-only for every member at every address, its public links closed, done and
undone only by an administrator with a record; and how long its records are kept."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client

from conference import services
from conference.models import Ballot
from reviews import retention
from reviews.middleware import OPEN_WHEN_ARCHIVED
from reviews.models import Finding, Report, ReviewExport

from ..conference.factories import CandidateFactory, RoundFactory
from ..factories import UserFactory
from ..focusgroups.conftest import make_questionnaire
from ..test_url_walker import fill, objects, review_scoped_routes, walk  # noqa: F401 (the walker's objects fixture)

# The addresses that take a form but change nothing of the review, so an archived review still takes it.
OPEN = {route: getattr(pattern.callback, OPEN_WHEN_ARCHIVED, None) for route, pattern in walk()}
OPEN = {route: reason for route, reason in OPEN.items() if reason}


@pytest.fixture
def archived(review, admin_user):
    retention.archive(review, by=admin_user)
    review.refresh_from_db()
    return review


@pytest.mark.parametrize("route", [route for route in review_scoped_routes() if route not in OPEN])
def test_every_change_to_an_archived_review_is_refused_whatever_the_role(route, objects, archived, lead_client):  # noqa: F811
    url = fill(route, objects)
    findings_before = list(Finding.objects.values_list("pk", "version", "status"))
    reports_before = list(Report.objects.values_list("pk", "status", "shared_with_host"))

    response = lead_client.post(url, {"summary": "A finding after the archive", "kind": "strength"})

    assert response.status_code == 403, url
    assert "This review is archived" in response.content.decode(), url
    assert list(Finding.objects.values_list("pk", "version", "status")) == findings_before
    assert list(Report.objects.values_list("pk", "status", "shared_with_host")) == reports_before


def test_only_asking_for_a_copy_of_the_review_or_its_log_and_deleting_one_stay_open_each_with_its_reason():
    assert set(OPEN) == {
        "reviews/<int:review_id>/export/",
        "reviews/<int:review_id>/export/<int:export_id>/delete/",
        "reviews/<int:review_id>/access-log/csv/",
    }
    assert all(isinstance(reason, str) and len(reason) > 20 for reason in OPEN.values())


def test_an_archived_reviews_lead_still_takes_a_copy_of_it_and_of_its_log_and_deletes_them(
    archived, lead_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        whole = lead_client.post(f"/reviews/{archived.pk}/export/")
        log = lead_client.post(f"/reviews/{archived.pk}/access-log/csv/", {"words": "case"})

    assert (whole.status_code, log.status_code) == (302, 302)
    assert sorted(ReviewExport.objects.values_list("kind", flat=True)) == ["access-log", "review"]
    for export in ReviewExport.objects.all():
        deleted = lead_client.post(f"/reviews/{archived.pk}/export/{export.pk}/delete/")
        assert deleted.status_code == 302  # nothing to delete yet: said so, and nothing changed
    assert set(ReviewExport.objects.values_list("status", flat=True)) == {"queued"}


def test_an_archived_review_still_reads_and_says_it_is_archived(archived, lead_client, outsider_client):
    page = lead_client.get(f"/reviews/{archived.pk}/")

    assert page.status_code == 200
    assert "This review was archived on" in page.content.decode()
    assert outsider_client.post(f"/reviews/{archived.pk}/findings/new/", {}).status_code == 404


def test_archiving_is_recorded_and_can_be_undone_in_the_admin(review, admin_user):
    client = Client()
    client.force_login(admin_user)

    client.post("/admin/reviews/review/", {"action": "archive", "_selected_action": [review.pk]})
    review.refresh_from_db()
    assert review.archived_at is not None and review.archived_by == admin_user
    again = client.post("/admin/reviews/review/", {"action": "archive", "_selected_action": [review.pk]}, follow=True)
    assert "already archived" in again.content.decode()

    client.post("/admin/reviews/review/", {"action": "unarchive", "_selected_action": [review.pk]})
    review.refresh_from_db()
    assert review.archived_at is None
    messages = list(
        LogEntry.objects.filter(object_id=str(review.pk)).order_by("pk").values_list("change_message", flat=True)
    )
    assert messages == [
        "Archived: read-only for every member.",
        "Taken out of the archive: members can change it again.",
    ]


def test_an_archived_reviews_questionnaire_takes_no_answers(archived):
    questionnaire = make_questionnaire(archived)
    assert questionnaire.is_open()

    page = Client().get(f"/q/{questionnaire.token}/")
    posted = Client().post(f"/q/{questionnaire.token}/", {})

    assert page.status_code == 410 and posted.status_code == 410
    assert "The review it belongs to has finished" in page.content.decode()
    assert not questionnaire.responses.exists()


def test_an_archived_reviews_ballot_card_cannot_vote(review, admin_user):
    round_ = RoundFactory(review=review)
    CandidateFactory(round=round_)
    (_, code), *_ = services.issue_cards(round_=round_, count=1)
    retention.archive(review, by=admin_user)

    page = Client().get(f"/vote/ballot/{code}/")

    assert services.ARCHIVED in page.content.decode()
    with pytest.raises(ValidationError, match="archived"):
        services.cast_vote(ballot_id=Ballot.objects.get(round=round_).pk, values={})
    assert not Ballot.objects.filter(status=Ballot.Status.USED).exists()


@pytest.mark.parametrize(
    ("check", "months", "kept"),
    [
        (datetime.date(2027, 3, 8), None, datetime.date(2028, 3, 8)),
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 12, 15), 3, datetime.date(2028, 3, 15)),
        (datetime.date(2027, 8, 31), 18, datetime.date(2029, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
    ],
)
def test_records_are_kept_for_the_months_after_the_12_month_check(review, settings, check, months, kept):
    settings.RETENTION_MONTHS = 12
    review.followup_12_months = check
    review.retention_months = months

    assert retention.kept_until(review) == kept


def test_without_a_12_month_check_there_is_no_end_date(review):
    review.followup_12_months = None

    assert retention.kept_until(review) is None


def test_only_an_administrator_archives(review, lead_client):
    response = lead_client.post("/admin/reviews/review/", {"action": "archive", "_selected_action": [review.pk]})

    review.refresh_from_db()
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert review.archived_at is None


def test_a_form_kept_when_the_session_ended_is_not_sent_into_an_archived_review(review, lead, lead_client, admin_user):
    from .test_findings import form_data
    from .test_sessions import end_the_session, sign_in

    url = f"/reviews/{review.pk}/findings/new/"
    end_the_session(lead_client)
    lead_client.post(url, form_data(review, summary="Kept before the archive"))
    retention.archive(review, by=admin_user)
    sign_in(lead_client, "lead", url)

    replayed = lead_client.get(url)

    assert replayed.status_code == 403 and "This review is archived" in replayed.content.decode()
    assert not Finding.objects.filter(summary="Kept before the archive").exists()


def test_only_a_superuser_archives_or_purges_even_among_staff(review):
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_review"))
    client = Client()
    client.force_login(staff)

    listing = client.get("/admin/reviews/review/").content.decode()
    for action in ("archive", "unarchive", "purge"):
        client.post("/admin/reviews/review/", {"action": action, "_selected_action": [review.pk], "confirm": "purge"})

    assert 'value="archive"' not in listing and 'value="purge"' not in listing
    review.refresh_from_db()
    assert review.archived_at is None
    with pytest.raises(retention.Refused, match="Only an administrator"):
        retention.purge(review, by=staff, reason="Not allowed.")


def test_a_purged_review_stays_archived_and_is_purged_once(review, admin_user):
    retention.archive(review, by=admin_user)
    retention.purge(review, by=admin_user, reason="First.")
    client = Client()
    client.force_login(admin_user)

    with pytest.raises(retention.Refused, match="purged already"):
        retention.purge(review, by=admin_user, reason="Second.")
    with pytest.raises(retention.Refused, match="stays archived"):
        retention.unarchive(review, by=admin_user)
    response = client.post(
        "/admin/reviews/review/", {"action": "unarchive", "_selected_action": [review.pk]}, follow=True
    )

    assert "A purged review stays archived" in response.content.decode()
    review.refresh_from_db()
    assert review.archived_at is not None
    assert LogEntry.objects.filter(object_id=str(review.pk), change_message__startswith="Purged:").count() == 1
