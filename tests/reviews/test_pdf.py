"""Documents render with the static files as debug-off serves them (hashed names under STATIC_ROOT), and the
renderer fetches nothing but the project's static files."""

import datetime
import shutil

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from weasyprint.urls import FatalURLFetchingError

from conference.models import Letter
from reviews.models import Report
from reviews.pdf import REPORT_BASE_URL, RenderError, StaticOnlyFetcher, find_static_file, render_pdf
from reviews.services import REPORT_BUILDERS, ReportBuilder, request_report
from reviews.tasks import render_report

from ..factories import ReportFactory
from .test_reports import pdf_text, read_pdf


def test_with_the_manifest_storage_templates_name_hashed_files_and_the_fetcher_serves_them(production_static):
    url = static("css/report.css")

    response = StaticOnlyFetcher().fetch(REPORT_BASE_URL + url.lstrip("/"))

    assert url != "/static/css/report.css" and url.startswith("/static/css/report.")
    assert response.read() == (production_static / url.removeprefix("/static/")).read_bytes()
    assert response.content_type == "text/css"


def test_in_development_the_fetcher_finds_unhashed_files_through_the_finders(settings):
    found = find_static_file("css/report.css")

    assert found is not None
    assert found.parts[-3:] == ("static", "css", "report.css")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/report.css",
        "file:///etc/passwd",
        REPORT_BASE_URL + "static/../peerreview/settings.py",
        REPORT_BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        REPORT_BASE_URL + "static//etc/passwd",
        REPORT_BASE_URL + "static/css/report.css%00.png",
        REPORT_BASE_URL + "peerreview/settings.py",
        REPORT_BASE_URL + "static/css/no-such-file.css",
    ],
)
@pytest.mark.parametrize("storage", ["development", "production"])
def test_the_fetcher_refuses_the_network_the_file_system_and_anything_not_a_static_file(url, storage, request):
    if storage == "production":
        request.getfixturevalue("production_static")

    with pytest.raises(FatalURLFetchingError):
        StaticOnlyFetcher().fetch(url)


def test_the_baseline_report_renders_in_the_worker_with_production_static_files(production_static, review, lead):
    report, _ = request_report(review=review, kind=Report.Kind.BASELINE, user=lead)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.DONE, "")
    text = pdf_text(read_pdf(report))
    assert review.title in text
    assert "Executive summary" in text and "Evidence index" in text


def test_the_improvement_plan_renders_with_production_static_files(production_static, review, lead):
    report, _ = request_report(review=review, kind=Report.Kind.IMPROVEMENT_PLAN, user=lead)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.DONE, "")
    text = pdf_text(read_pdf(report))
    assert "Improvement plan" in text
    assert review.council.name in text


def test_the_letter_pdf_downloads_with_production_static_files(production_static, review, lead, lead_client):
    Letter.objects.create(review=review, body="## Headline messages\n\nThe front door works well.")

    response = lead_client.get(reverse("conference:letter_pdf", args=[review.pk]))

    assert response.status_code == 200
    assert "The front door works well." in pdf_text(response.content)


@pytest.fixture
def half_deployed_static(settings, production_static, tmp_path):
    """A manifest whose files are missing: collectstatic's manifest copied without the files it names."""
    root = tmp_path / "half-deployed"
    root.mkdir()
    shutil.copy(production_static / "staticfiles.json", root / "staticfiles.json")
    settings.STATIC_ROOT = str(root)
    return root


def test_a_letter_that_cannot_render_shows_the_reason_and_a_way_to_try_again_not_a_500(
    half_deployed_static, review, lead, lead_client
):
    Letter.objects.create(review=review, body="Text.")

    response = lead_client.get(reverse("conference:letter_pdf", args=[review.pk]))

    body = response.content.decode()
    assert response.status_code == 503
    assert "The letter could not be made into a PDF" in body
    assert "was not found; on a server with debug off, run collectstatic after npm ci." in body
    assert f'href="{reverse("conference:letter_pdf", args=[review.pk])}"' in body


def test_a_report_whose_static_files_are_missing_is_failed_with_the_reason_and_can_be_retried(
    half_deployed_static, review, lead
):
    report, _ = request_report(review=review, kind=Report.Kind.BASELINE, user=lead)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("RenderError: The static file 'css/report.")
    assert request_report(review=review, kind=Report.Kind.BASELINE, user=lead)[1] is True


class Interrupted(BaseException):
    """Like WeasyPrint's fatal fetch error: derives from BaseException, not Exception."""


def test_a_report_builder_raising_a_base_exception_leaves_the_report_failed_not_running(review, lead, monkeypatch):
    def build(review):
        raise Interrupted("the renderer gave up")

    monkeypatch.setitem(REPORT_BUILDERS, Report.Kind.BASELINE, ReportBuilder("reports/baseline.html", build))
    report, _ = request_report(review=review, kind=Report.Kind.BASELINE, user=lead)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.FAILED, "Interrupted: the renderer gave up")
    assert report.finished_at is not None


def test_render_pdf_turns_a_fatal_fetch_into_a_render_error(half_deployed_static, review):
    with pytest.raises(RenderError, match="css/report"):
        render_pdf("reports/letter.html", {"review": review, "letter": Letter(review=review, body="x")})


# Reports that never stick


def _aged(report: Report, **ago) -> Report:
    moment = timezone.now() - datetime.timedelta(**ago)
    Report.objects.filter(pk=report.pk).update(requested_at=moment, started_at=moment if report.started_at else None)
    report.refresh_from_db()
    return report


def test_a_report_running_past_the_time_limit_is_shown_failed_with_the_reason_and_can_be_tried_again(
    review, lead, lead_client
):
    stuck = _aged(
        ReportFactory(review=review, status=Report.Status.RUNNING, started_at=timezone.now(), requested_by=lead),
        minutes=12,
    )

    page = lead_client.get(reverse("reviews:reports", args=[review.pk]))

    stuck.refresh_from_db()
    body = page.content.decode()
    assert stuck.status == Report.Status.FAILED
    assert stuck.error == (
        "The report was still being prepared after 11 minutes, so it was stopped. "
        "Try again; if it fails again, tell whoever runs this site."
    )
    assert stuck.error in body
    assert reverse("reviews:report_retry", args=[review.pk, stuck.pk]) in body


def test_a_report_no_worker_took_up_is_failed_after_the_visibility_timeout_and_a_new_one_can_be_requested(review, lead):
    waiting = _aged(ReportFactory(review=review, status=Report.Status.QUEUED, requested_by=lead), minutes=61)

    report, created = request_report(review=review, kind=Report.Kind.BASELINE, user=lead)

    waiting.refresh_from_db()
    assert waiting.status == Report.Status.FAILED
    assert waiting.error.startswith("No worker took the report up within 60 minutes.")
    assert created is True and report.pk != waiting.pk


def test_a_report_still_within_its_time_is_left_running(review, lead, lead_client):
    running = _aged(
        ReportFactory(review=review, status=Report.Status.RUNNING, started_at=timezone.now(), requested_by=lead),
        minutes=5,
    )

    lead_client.get(reverse("reviews:reports", args=[review.pk]))

    running.refresh_from_db()
    assert running.status == Report.Status.RUNNING
