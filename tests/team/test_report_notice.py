"""Whoever asked for a report hears when it is ready, or that it could not be prepared."""

from django.urls import reverse

from reviews.models import Notification, Report
from reviews.tasks import render_report

from ..factories import ReportFactory
from ..reviews.test_reports import broken_stage  # noqa: F401 (fixture)


def test_the_requester_hears_the_report_is_ready(review, lead, peer):
    report = ReportFactory(review=review, kind="baseline", version=1, requested_by=peer)

    render_report(report_id=report.pk)

    notification = Notification.objects.get()
    assert Report.objects.get().status == "done"
    assert (notification.recipient, notification.kind) == (peer, "report")
    assert notification.title == "The baseline report (version 1) is ready"
    assert notification.link == reverse("reviews:report_detail", args=[review.pk, report.pk])


def test_the_requester_hears_a_report_failed(review, peer, broken_stage):  # noqa: F811
    report = ReportFactory(review=review, kind="baseline", version=1, requested_by=peer)

    render_report(report_id=report.pk)

    notification = Notification.objects.get()
    assert Report.objects.get().status == "failed"
    assert notification.title == "The baseline report (version 1) could not be prepared"
    assert notification.body == "Open it to see why and to try again."


def test_running_the_task_again_tells_no_one_twice(review, peer):
    report = ReportFactory(review=review, kind="baseline", version=1, requested_by=peer)

    render_report(report_id=report.pk)
    render_report(report_id=report.pk)

    assert Notification.objects.count() == 1
