"""The nightly retention schedule: warnings 30 and 7 days before a review's records stop being kept, each once;
then the archive and the purge, never without a warning at least a week before."""

import datetime
import time

import pytest

from reviews import retention
from reviews.models import Case, Notification, PurgeRecord

from ..factories import CaseFactory

D = datetime.date
CHECK = D(2027, 3, 8)  # the 12-month check; kept 12 months: until 8 March 2028


@pytest.fixture
def dated(review, lead, admin_user, settings):
    settings.RETENTION_MONTHS = 12
    review.followup_12_months = CHECK
    review.save()
    CaseFactory(review=review, reference="RS-001")
    return review


def warnings_to(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=Notification.Kind.RETENTION).values_list("title", flat=True)
    )


def test_warnings_come_30_and_7_days_before_each_once(dated, lead, admin_user, peer):
    assert retention.kept_until(dated) == D(2028, 3, 8)

    assert retention.run_schedule(today=D(2028, 2, 6)) == {"warnings": 0, "purged": 0}
    assert retention.run_schedule(today=D(2028, 2, 7)) == {"warnings": 2, "purged": 0}
    assert retention.run_schedule(today=D(2028, 2, 8)) == {"warnings": 0, "purged": 0}
    assert retention.run_schedule(today=D(2028, 3, 1)) == {"warnings": 2, "purged": 0}
    assert retention.run_schedule(today=D(2028, 3, 8)) == {"warnings": 0, "purged": 0}

    assert warnings_to(lead) == warnings_to(admin_user)
    assert warnings_to(lead) == [f"{dated.title}: case-level records will be deleted after 8 March 2028"] * 2
    assert warnings_to(peer) == []
    assert Case.objects.filter(review=dated).exists()


def test_the_day_after_it_is_archived_and_purged_once(dated, lead):
    retention.run_schedule(today=D(2028, 2, 7))

    assert retention.run_schedule(today=D(2028, 3, 9)) == {"warnings": 0, "purged": 1}
    assert retention.run_schedule(today=D(2028, 3, 10)) == {"warnings": 0, "purged": 0}

    dated.refresh_from_db()
    assert dated.archived_at is not None and dated.archived_by is None
    record = PurgeRecord.objects.get(review=dated)
    assert record.purged_by is None and record.purged_by_name == retention.SCHEDULE
    assert record.reason == "The retention period ended on 8 March 2028." and record.counts["cases"] == 1
    assert not Case.objects.filter(review=dated).exists()
    assert f"{dated.title}: case-level records deleted" in warnings_to(lead)


def test_a_date_passed_without_warning_is_warned_first_and_purged_a_week_later(dated, lead):
    assert retention.run_schedule(today=D(2028, 6, 1)) == {"warnings": 2, "purged": 0}
    assert retention.run_schedule(today=D(2028, 6, 2)) == {"warnings": 0, "purged": 0}
    assert warnings_to(lead) == [f"{dated.title}: case-level records will be deleted after 8 June 2028"]
    assert Case.objects.filter(review=dated).exists()

    assert retention.run_schedule(today=D(2028, 6, 9))["purged"] == 1
    assert not Case.objects.filter(review=dated).exists()


def test_keeping_the_records_longer_moves_the_date_and_its_warnings(dated, lead):
    retention.run_schedule(today=D(2028, 2, 7))
    dated.retention_months = 24
    dated.save()

    assert retention.run_schedule(today=D(2028, 3, 9)) == {"warnings": 0, "purged": 0}
    assert retention.run_schedule(today=D(2029, 2, 6))["warnings"] == 2
    assert Case.objects.filter(review=dated).exists()


def test_a_review_without_a_12_month_check_is_left_alone(review, lead):
    CaseFactory(review=review, reference="RS-002")

    assert retention.run_schedule(today=D(2040, 1, 1)) == {"warnings": 0, "purged": 0}
    assert Case.objects.filter(review=review).exists()


def test_the_overview_says_how_long_the_records_are_kept_and_when_they_went(dated, lead_client, admin_user):
    page = lead_client.get(f"/reviews/{dated.pk}/").content.decode()
    assert "Records kept until" in page and "8 Mar 2028, then case-level records are deleted" in page

    retention.archive(dated, by=admin_user)
    record = retention.purge(dated, by=admin_user, reason="Asked for early.")

    page = lead_client.get(f"/reviews/{dated.pk}/").content.decode()
    assert f"Case-level records deleted on {record.purged_at:%-d %b %Y}" in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_nightly_job_purges_on_a_real_worker(request):
    from django.conf import settings as live_settings

    from peerreview.celery import app

    from ..factories import MembershipFactory, ReviewFactory, UserFactory

    request.getfixturevalue("celery_worker")
    review = ReviewFactory(followup_12_months=CHECK, retention_months=12)
    MembershipFactory(review=review, role="lead", user=UserFactory(username="nightly-lead"))
    CaseFactory(review=review, reference="RS-NIGHT")
    retention.run_schedule(today=D(2028, 2, 7))  # the 30-day warning, given in time
    job = live_settings.CELERY_BEAT_SCHEDULE["retention-schedule"]

    app.send_task(job["task"], kwargs={"today": "2028-03-09"})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not PurgeRecord.objects.filter(review=review).exists():
        time.sleep(0.25)

    assert PurgeRecord.objects.get(review=review).purged_by_name == retention.SCHEDULE
    assert not Case.objects.filter(review=review).exists()
