import hashlib
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from reviews import services, stages
from reviews.models import AccessLog, Finding, Notification, Report, ReportSharing
from reviews.services import request_report
from reviews.tasks import render_report

from ..factories import FindingFactory, ReportFactory

THEMES = [
    "Effective practice, service delivery and the voice of the child",
    "Outcomes, impact and performance",
    "Working together",
    "Capacity and managing resources",
    "Vision, strategy and leadership",
]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def read_pdf(report: Report) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def broken_stage():
    """A registered stage whose report section names a template that does not exist."""
    stage = stages.Stage(
        slug="broken",
        title="Broken stage",
        order=99,
        app_label="broken",
        entry_url_name="reviews:overview",
        description="A stage that cannot render its section.",
        progress=lambda review: stages.Progress(done=1, total=1),  # started, so its section is rendered
        report_section=lambda review: stages.ReportSection("reports/sections/missing.html"),
    )
    stages.register(stage)
    yield stage
    stages.unregister("broken")


def test_requesting_a_baseline_report_queues_it_and_enqueues_the_task_after_commit(
    review, lead_client, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = lead_client.post(reverse("reviews:report_request", args=[review.pk]), {"kind": "baseline"})

    report = Report.objects.get(review=review)
    assert response.status_code == 302
    assert response.url == reverse("reviews:reports", args=[review.pk])
    assert len(callbacks) == 1
    assert (report.kind, report.version, report.status, report.requested_by) == ("baseline", 1, "queued", lead)


def test_a_second_request_while_one_is_queued_starts_no_duplicate(
    review, lead_client, django_capture_on_commit_callbacks
):
    url = reverse("reviews:report_request", args=[review.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        lead_client.post(url, {"kind": "baseline"})
        response = lead_client.post(url, {"kind": "baseline"}, follow=True)

    assert Report.objects.filter(review=review).count() == 1
    assert len(callbacks) == 1
    assert "already being prepared; no second copy was started" in response.content.decode()


def test_a_request_after_a_finished_report_makes_the_next_version(review, lead, django_capture_on_commit_callbacks):
    ReportFactory(review=review, version=1, status=Report.Status.DONE, sha256="a" * 64)

    with django_capture_on_commit_callbacks():
        report, created = request_report(review=review, kind="baseline", user=lead)

    assert created is True
    assert report.version == 2


@pytest.mark.parametrize("sent", [{"kind": "horoscope"}, {"kind": ""}, {}])
def test_an_unknown_or_missing_kind_of_report_is_refused_with_a_message(review, lead_client, sent):
    response = lead_client.post(reverse("reviews:report_request", args=[review.pk]), sent, follow=True)

    assert Report.objects.count() == 0
    assert "Choose a kind of report that can be produced for this review." in response.content.decode()


def test_the_task_renders_a_pdf_with_the_title_the_themes_and_the_findings(review, lead):
    FindingFactory(review=review, raised_by=lead, summary="Strategy discussions happen within a day of referral")
    report = ReportFactory(review=review)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    data = read_pdf(report)
    text = pdf_text(data)
    assert report.status == "done"
    assert data.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert review.title in text
    assert review.council.name in text
    for theme in THEMES:
        assert theme in text
    assert "Strategy discussions happen within a day of referral" in text
    assert "Evidence index" in text
    assert (report.attempts, report.error) == (1, "")
    assert report.started_at <= report.finished_at


def test_running_the_task_twice_leaves_the_finished_report_as_it_was(review):
    report = ReportFactory(review=review)
    render_report(report_id=report.pk)
    report.refresh_from_db()
    first = (report.file.name, report.sha256, report.finished_at, report.attempts)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    assert (report.file.name, report.sha256, report.finished_at, report.attempts) == first


def test_the_task_for_a_report_that_no_longer_exists_does_nothing(db):
    render_report(report_id=987654)

    assert Report.objects.count() == 0


def test_a_failed_render_records_the_reason_and_changes_nothing_else(review, finding, broken_stage):
    report = ReportFactory(review=review)
    finding_version = finding.version

    render_report(report_id=report.pk)

    report.refresh_from_db()
    finding.refresh_from_db()
    assert report.status == "failed"
    assert report.error.startswith("TemplateDoesNotExist: reports/sections/missing.html")
    assert not report.file
    assert report.sha256 == ""
    assert finding.version == finding_version


def test_the_reports_page_shows_the_failure_and_a_retry_button(review, lead_client, broken_stage):
    report = ReportFactory(review=review)
    render_report(report_id=report.pk)

    response = lead_client.get(reverse("reviews:reports", args=[review.pk]))

    page = response.content.decode()
    assert "Failed" in page
    assert "TemplateDoesNotExist: reports/sections/missing.html" in page
    assert reverse("reviews:report_retry", args=[review.pk, report.pk]) in page


def test_a_failed_report_can_be_retried_and_then_succeeds(
    review, lead, lead_client, broken_stage, django_capture_on_commit_callbacks
):
    report = ReportFactory(review=review, requested_by=None)
    render_report(report_id=report.pk)
    stages.unregister("broken")

    with django_capture_on_commit_callbacks() as callbacks:
        response = lead_client.post(reverse("reviews:report_retry", args=[review.pk, report.pk]))
    report.refresh_from_db()
    queued = (report.status, report.error)
    render_report(report_id=report.pk)
    report.refresh_from_db()

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert queued == ("queued", "")
    assert (report.status, report.attempts, report.version) == ("done", 2, 1)
    assert report.requested_by == lead  # whoever asked for it again, for what it now holds


def test_a_version_tried_again_stays_below_the_later_version_on_the_reports_page(review, lead_client):
    first = ReportFactory(review=review, version=1, status=Report.Status.FAILED, error="Boom")
    second = ReportFactory(review=review, version=2, status=Report.Status.FAILED, error="Boom")

    lead_client.post(reverse("reviews:report_retry", args=[review.pk, first.pk]))
    page = lead_client.get(reverse("reviews:reports", args=[review.pk])).content.decode()

    first.refresh_from_db()
    assert first.status == "queued" and first.requested_at > second.requested_at  # asked for after version 2
    assert page.index("Baseline report version 2</a>") < page.index("Baseline report version 1</a>")


def test_only_a_failed_report_can_be_retried(review, lead_client):
    report = ReportFactory(review=review, status=Report.Status.DONE, sha256="b" * 64)

    response = lead_client.post(reverse("reviews:report_retry", args=[review.pk, report.pk]), follow=True)

    report.refresh_from_db()
    assert report.status == "done"
    assert "Only a report that failed can be tried again." in response.content.decode()


def test_a_retry_is_refused_while_another_report_of_the_kind_is_being_prepared(review, lead_client):
    failed = ReportFactory(review=review, version=1, status=Report.Status.FAILED, error="Boom")
    ReportFactory(review=review, version=2, status=Report.Status.QUEUED)

    response = lead_client.post(reverse("reviews:report_retry", args=[review.pk, failed.pk]), follow=True)

    failed.refresh_from_db()
    assert failed.status == "failed"
    assert "Another report of this kind is being prepared" in response.content.decode()


@pytest.fixture
def done_report(review):
    report = ReportFactory(review=review)
    render_report(report_id=report.pk)
    report.refresh_from_db()
    return report


def test_the_lead_downloads_the_pdf_as_an_attachment_and_the_download_is_logged(review, lead, lead_client, done_report):
    response = lead_client.get(reverse("reviews:report_download", args=[review.pk, done_report.pk]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="baseline-report-review-{review.pk}-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(body).hexdigest() == done_report.sha256
    log = AccessLog.objects.get()
    assert (log.user, log.review, log.action) == (lead, review, "download")


def test_the_observer_may_download_a_report(review, observer_client, done_report):
    response = observer_client.get(reverse("reviews:report_download", args=[review.pk, done_report.pk]))

    assert response.status_code == 200


def test_host_side_cannot_see_or_download_a_report_until_the_lead_shares_it(
    review, sponsor_client, lead_client, done_report
):
    download = reverse("reviews:report_download", args=[review.pk, done_report.pk])
    hidden_list = sponsor_client.get(reverse("reviews:reports", args=[review.pk])).content.decode()
    hidden = sponsor_client.get(download)

    lead_client.post(reverse("reviews:report_share", args=[review.pk, done_report.pk]), {"confirm": "yes"})
    shown = sponsor_client.get(download)

    assert "Baseline report version 1" not in hidden_list
    assert hidden.status_code == 404
    assert shown.status_code == 200


def test_host_side_cannot_request_reports(review, sponsor_client, organiser_client):
    url = reverse("reviews:report_request", args=[review.pk])

    assert sponsor_client.post(url, {"kind": "baseline"}).status_code == 403
    assert organiser_client.post(url, {"kind": "baseline"}).status_code == 403
    assert Report.objects.count() == 0


def test_sharing_asks_first_and_says_the_report_holds_unpublished_material(
    review, lead, sponsor_client, lead_client, done_report
):
    FindingFactory(review=review, raised_by=lead, status=Finding.Status.DRAFT)
    FindingFactory(review=review, raised_by=lead, status=Finding.Status.PUBLISHED)
    url = reverse("reviews:report_share", args=[review.pk, done_report.pk])
    download = reverse("reviews:report_download", args=[review.pk, done_report.pk])

    asked = lead_client.post(url, {"return_to": "report"})
    done_report.refresh_from_db()
    not_yet = (done_report.shared_with_host, sponsor_client.get(download).status_code)
    shared = lead_client.post(url, {"confirm": "yes", "return_to": "report"})
    done_report.refresh_from_db()

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "including draft findings and peer grades that were not published then" in page
    assert "This review has 1 finding not yet published to the council now." in page
    assert 'name="confirm" value="yes"' in page and 'name="return_to" value="report"' in page
    assert not_yet == (False, 404)
    assert shared.url == reverse("reviews:report_detail", args=[review.pk, done_report.pk])
    assert done_report.shared_with_host is True
    assert sponsor_client.get(download).status_code == 200


def test_a_peer_may_not_share_a_report_with_the_council(review, peer_client, done_report):
    response = peer_client.post(reverse("reviews:report_share", args=[review.pk, done_report.pk]), {"confirm": "yes"})

    done_report.refresh_from_db()
    assert response.status_code == 403
    assert done_report.shared_with_host is False


def test_an_unfinished_report_cannot_be_shared_or_downloaded(review, lead_client):
    report = ReportFactory(review=review)

    shared = lead_client.post(reverse("reviews:report_share", args=[review.pk, report.pk]), follow=True)
    download = lead_client.get(reverse("reviews:report_download", args=[review.pk, report.pk]))

    report.refresh_from_db()
    assert "Only a finished report can be shared with the council." in shared.content.decode()
    assert report.shared_with_host is False
    assert download.status_code == 404


def test_sharing_tells_the_council_s_people_once_and_no_one_on_the_peer_side(
    review, lead, peer, sponsor, organiser, contributor, lead_client, done_report
):
    url = reverse("reviews:report_share", args=[review.pk, done_report.pk])

    first = lead_client.post(url, {"confirm": "yes"}, follow=True)
    again = lead_client.post(url, {"confirm": "yes"}, follow=True)

    told = Notification.objects.filter(kind=Notification.Kind.REPORT)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["contributor", "organiser", "sponsor"]
    assert {(n.title, n.link, n.review_id) for n in told} == {
        (
            f"The peer team has shared the baseline report version 1 of {review.title} with you",
            reverse("reviews:reports", args=[review.pk]),
            review.pk,
        )
    }
    assert "Baseline report version 1 shared with the council. Its people have been told." in first.content.decode()
    assert "Baseline report version 1 is already shared with the council." in again.content.decode()


def test_the_lead_withdraws_a_shared_report_and_the_council_loses_it(review, sponsor_client, lead_client, done_report):
    Report.objects.filter(pk=done_report.pk).update(shared_with_host=True)
    detail = reverse("reviews:report_detail", args=[review.pk, done_report.pk])
    download = reverse("reviews:report_download", args=[review.pk, done_report.pk])
    offered = lead_client.get(detail).content.decode()
    listed = lead_client.get(reverse("reviews:reports", args=[review.pk])).content.decode()
    before = sponsor_client.get(download).status_code

    withdrawn = lead_client.post(
        reverse("reviews:report_withdraw", args=[review.pk, done_report.pk]), {"return_to": "report"}, follow=True
    )

    done_report.refresh_from_db()
    page = withdrawn.content.decode()
    assert "Withdraw from the council" in offered and "Withdraw from the council" in listed
    assert before == 200
    assert withdrawn.redirect_chain == [(detail, 302)]
    assert "Baseline report version 1 withdrawn from the council" in page
    assert "Copies already downloaded stay with whoever downloaded them." in page
    assert done_report.shared_with_host is False
    assert sponsor_client.get(download).status_code == 404
    assert sponsor_client.get(detail).status_code == 404
    assert (
        "Baseline report version 1"
        not in sponsor_client.get(reverse("reviews:reports", args=[review.pk])).content.decode()
    )
    assert "Share with the council" in page  # it can be shared again, after the same question


def test_withdrawing_a_report_that_is_not_shared_says_so_and_changes_nothing(review, lead_client, done_report):
    response = lead_client.post(reverse("reviews:report_withdraw", args=[review.pk, done_report.pk]), follow=True)

    done_report.refresh_from_db()
    assert response.redirect_chain == [(reverse("reviews:reports", args=[review.pk]), 302)]
    assert "is not shared with the council, so there is nothing to withdraw" in response.content.decode()
    assert done_report.shared_with_host is False


def test_who_shared_and_withdrew_a_report_and_when_is_kept_and_shown_with_it(
    review, lead, lead_client, sponsor_client, done_report
):
    lead.first_name, lead.last_name = "Lena", "Lead"
    lead.save()
    share = reverse("reviews:report_share", args=[review.pk, done_report.pk])
    withdraw = reverse("reviews:report_withdraw", args=[review.pk, done_report.pk])
    detail = reverse("reviews:report_detail", args=[review.pk, done_report.pk])

    lead_client.post(share, {"confirm": "yes"})
    lead_client.post(share, {"confirm": "yes"})  # already shared: nothing more to keep
    lead_client.post(withdraw)
    lead_client.post(withdraw)  # not shared: nothing to keep
    lead_client.post(share, {"confirm": "yes"})

    kept = list(ReportSharing.objects.filter(report=done_report).values_list("action", "by"))
    assert kept == [("shared", lead.pk), ("withdrawn", lead.pk), ("shared", lead.pk)]
    page = lead_client.get(detail).content.decode()
    history = page.split('id="report-sharings"')[1].split("</ul>")[0]
    lines = [line.split(" on ")[0].split(">")[-1] for line in history.split("</li>")[:-1]]
    assert lines == ["Shared with the council", "Withdrawn from the council", "Shared with the council"]
    assert history.count("by Lena Lead") == 3
    assert "Shared with the council on " in sponsor_client.get(detail).content.decode()  # the council sees it too


def test_a_report_cannot_be_shared_from_the_admin_which_shows_its_sharing_read_only(
    review, lead, admin_client, done_report
):
    services.share_report(done_report, lead)
    url = reverse("admin:reviews_report_change", args=[done_report.pk])

    page = admin_client.get(url).content.decode()

    assert 'name="shared_with_host"' not in page  # shared through the report's page, which tells the council
    assert "Shared with the council" in page
    assert 'name="sharings-0-action"' not in page


def test_only_the_lead_withdraws_a_report_and_only_by_post(
    review, peer_client, sponsor_client, lead_client, done_report
):
    Report.objects.filter(pk=done_report.pk).update(shared_with_host=True)
    url = reverse("reviews:report_withdraw", args=[review.pk, done_report.pk])

    assert peer_client.post(url).status_code == 403
    assert sponsor_client.post(url).status_code == 403
    assert lead_client.get(url).status_code == 405
    done_report.refresh_from_db()
    assert done_report.shared_with_host is True


def test_a_report_from_another_review_cannot_be_withdrawn_through_this_one(review, other_review, lead_client):
    foreign = ReportFactory(review=other_review, status=Report.Status.FAILED, error="x", shared_with_host=True)

    response = lead_client.post(reverse("reviews:report_withdraw", args=[review.pk, foreign.pk]))

    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.shared_with_host is True


def test_a_report_id_from_another_review_is_404(review, other_review, lead_client):
    foreign = ReportFactory(review=other_review, status=Report.Status.FAILED, error="x")

    download = lead_client.get(reverse("reviews:report_download", args=[review.pk, foreign.pk]))
    retry = lead_client.post(reverse("reviews:report_retry", args=[review.pk, foreign.pk]))

    assert download.status_code == 404
    assert retry.status_code == 404


def test_the_reports_page_runs_the_same_queries_for_one_and_for_many_reports(review, lead_client):
    ReportFactory(review=review, version=1, status=Report.Status.FAILED, error="x")
    url = reverse("reviews:reports", args=[review.pk])

    with CaptureQueriesContext(connection) as one:
        lead_client.get(url)
    for version in range(2, 21):
        ReportFactory(review=review, version=version, status=Report.Status.FAILED, error="x")
    with CaptureQueriesContext(connection) as many:
        lead_client.get(url)

    assert len(one) == len(many)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_renders_the_report_requested_through_the_page(celery_worker, review, lead, lead_client):
    FindingFactory(review=review, raised_by=lead, summary="Return interviews are offered within 72 hours")

    lead_client.post(reverse("reviews:report_request", args=[review.pk]), {"kind": "baseline"})
    report = Report.objects.get(review=review)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in {"done", "failed"}:
            break
        time.sleep(0.5)

    assert (report.status, report.error) == ("done", "")
    text = pdf_text(read_pdf(report))
    assert review.title in text
    assert "Return interviews are offered within 72 hours" in text
    for theme in THEMES:
        assert theme in text
