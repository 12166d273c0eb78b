"""Each report's own page, and downloading a report in each of its formats."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reviews.models import AccessLog, Report

from ..factories import ReportFactory

PDF = b"%PDF-1.7 a small stand-in for a rendered report\n%%EOF"
DOCX = b"PK\x03\x04 a Word copy"
PPTX = b"PK\x03\x04 a PowerPoint copy"

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def finished(report: Report, *, pdf: bytes = PDF, office: dict[str, bytes] | None = None) -> Report:
    report.store_pdf(pdf, page_count=12)
    for extension, content in (office or {}).items():
        report.store_office_file(extension, content)
    report.status = Report.Status.DONE
    report.started_at = timezone.now() - datetime.timedelta(seconds=30)
    report.finished_at = timezone.now()
    report.save()
    return report


def detail_url(report: Report) -> str:
    return reverse("reviews:report_detail", args=[report.review_id, report.pk])


def download_url(report: Report, file_format: str) -> str:
    return reverse("reviews:report_download_format", args=[report.review_id, report.pk, file_format])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def presentation(review, lead):
    report = ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=2, requested_by=lead)
    return finished(report, pdf=PDF + b" " * 2000, office={"pptx": PPTX})


def test_the_report_page_shows_what_the_report_is_and_links_each_of_its_formats(
    review, lead, lead_client, presentation
):
    lead.first_name, lead.last_name = "Lena", "Lead"
    lead.save()

    response = lead_client.get(detail_url(presentation))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert f"<title>Feedback presentation version 2 – Reports – {escape(review.title)}" in page
    assert re.search(r"<h1[^>]*>Feedback presentation version 2</h1>", page)
    assert '<strong class="govuk-tag govuk-tag--green">Done</strong>' in page
    assert "2.0\xa0KB" in page
    assert re.search(r"Pages</dt><dd[^>]*>12</dd>", page)
    assert "by Lena Lead" in page
    assert re.search(r"Formats</dt><dd[^>]*>PDF, PowerPoint slides</dd>", page)
    assert download_url(presentation, "pdf") in page
    assert download_url(presentation, "pptx") in page
    assert download_url(presentation, "docx") not in page
    assert 'data-report-status="settled"' in page


def test_a_failed_report_shows_the_reason_and_a_try_again_button_that_comes_back_to_the_page(
    review, lead_client, django_capture_on_commit_callbacks
):
    report = ReportFactory(review=review, status=Report.Status.FAILED, error="RenderError: the stylesheet was missing")

    page = lead_client.get(detail_url(report)).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = lead_client.post(
            reverse("reviews:report_retry", args=[review.pk, report.pk]), {"return_to": "report"}
        )

    report.refresh_from_db()
    assert "RenderError: the stylesheet was missing" in page
    assert ">Try again</button>" in page
    assert reverse("reviews:report_retry", args=[review.pk, report.pk]) in page
    assert response.status_code == 302
    assert response.url == detail_url(report)
    assert (report.status, len(callbacks)) == (Report.Status.QUEUED, 1)


def test_an_observer_sees_a_failed_report_without_the_try_again_button(review, observer_client):
    report = ReportFactory(review=review, status=Report.Status.FAILED, error="Boom")

    page = observer_client.get(detail_url(report)).content.decode()

    assert "Boom" in page
    assert "Try again" not in page


@pytest.mark.parametrize("status", [Report.Status.QUEUED, Report.Status.RUNNING])
def test_a_report_being_prepared_says_so_refreshes_itself_and_offers_a_refresh_link(review, lead_client, status):
    report = ReportFactory(review=review, status=status, started_at=timezone.now())

    page = lead_client.get(detail_url(report)).content.decode()

    assert 'data-report-status="pending"' in page
    assert "This page updates itself when it is ready" in page
    assert f'href="{detail_url(report)}">refresh' in page
    assert "Download" not in page


def test_earlier_versions_are_listed_with_links_and_a_newer_one_is_pointed_to(review, lead_client):
    first = finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=1))
    second = finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=2))
    third = ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=3, status=Report.Status.FAILED)
    baseline = finished(ReportFactory(review=review, kind=Report.Kind.BASELINE, version=1))

    page = lead_client.get(detail_url(second)).content.decode()

    assert f'href="{detail_url(first)}">Feedback presentation version 1</a>' in page
    assert f'href="{detail_url(third)}">Feedback presentation version 3</a>' in page
    assert "A newer version of this report exists" in page
    assert detail_url(baseline) not in page


def test_each_format_downloads_with_its_own_type_and_name_and_is_logged(review, lead, lead_client):
    report = finished(ReportFactory(review=review), office={"docx": DOCX, "pptx": PPTX})

    responses = {extension: lead_client.get(download_url(report, extension)) for extension in ("pdf", "docx", "pptx")}

    assert {extension: r.status_code for extension, r in responses.items()} == {"pdf": 200, "docx": 200, "pptx": 200}
    assert responses["pdf"]["Content-Type"] == "application/pdf"
    assert responses["docx"]["Content-Type"] == DOCX_TYPE
    assert responses["pptx"]["Content-Type"] == PPTX_TYPE
    assert responses["pptx"]["Content-Disposition"] == (
        f'attachment; filename="baseline-report-review-{review.pk}-v1.pptx"'
    )
    assert responses["docx"]["Cache-Control"] == "private, no-store"
    assert (body(responses["pdf"]), body(responses["docx"]), body(responses["pptx"])) == (PDF, DOCX, PPTX)
    logged = list(AccessLog.objects.order_by("pk").values_list("user", "action", "path"))
    assert logged == [(lead.pk, "download", download_url(report, extension)) for extension in ("pdf", "docx", "pptx")]


def test_the_plain_download_address_still_gives_the_pdf(review, lead_client, presentation):
    response = lead_client.get(reverse("reviews:report_download", args=[review.pk, presentation.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF-")


@pytest.mark.parametrize("file_format", ["docx", "exe", "PDF", "pdf.exe", "..", "%00"])
def test_a_format_the_report_does_not_have_is_404_and_nothing_is_logged(review, lead_client, presentation, file_format):
    response = lead_client.get(f"/reviews/{review.pk}/reports/{presentation.pk}/download/{file_format}/")

    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_an_unfinished_report_has_no_download_in_any_format(review, lead_client):
    report = ReportFactory(review=review, status=Report.Status.RUNNING)

    statuses = {lead_client.get(download_url(report, extension)).status_code for extension in ("pdf", "docx", "pptx")}

    assert statuses == {404}


def test_the_host_side_sees_a_report_only_once_it_is_shared(review, sponsor_client, lead_client, presentation):
    hidden = (sponsor_client.get(detail_url(presentation)), sponsor_client.get(download_url(presentation, "pptx")))

    shared = lead_client.post(
        reverse("reviews:report_share", args=[review.pk, presentation.pk]), {"return_to": "report", "confirm": "yes"}
    )
    shown = (sponsor_client.get(detail_url(presentation)), sponsor_client.get(download_url(presentation, "pptx")))

    assert [r.status_code for r in hidden] == [404, 404]
    assert shared.url == detail_url(presentation)
    assert [r.status_code for r in shown] == [200, 200]
    assert "Share with the council" not in shown[0].content.decode()


def test_the_host_side_sees_only_the_earlier_versions_that_were_shared(review, sponsor_client):
    unshared = finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=1))
    shared = finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=2, shared_with_host=True))
    latest = finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=3, shared_with_host=True))

    page = sponsor_client.get(detail_url(latest)).content.decode()

    assert detail_url(shared) in page
    assert detail_url(unshared) not in page


def test_an_outsider_gets_404_on_the_report_page_and_its_downloads(outsider_client, presentation):
    responses = [
        outsider_client.get(detail_url(presentation)),
        outsider_client.get(download_url(presentation, "pdf")),
        outsider_client.get(download_url(presentation, "pptx")),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_a_report_of_another_review_is_404_through_this_review(review, other_review, lead_client):
    foreign = finished(ReportFactory(review=other_review, kind=Report.Kind.PRESENTATION), office={"pptx": PPTX})

    responses = [
        lead_client.get(reverse("reviews:report_detail", args=[review.pk, foreign.pk])),
        lead_client.get(reverse("reviews:report_download_format", args=[review.pk, foreign.pk, "pptx"])),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_the_report_page_refuses_a_post(review, lead_client, presentation):
    response = lead_client.post(detail_url(presentation))

    assert response.status_code == 405


def test_the_reports_list_links_each_report_page_and_shows_its_formats(review, lead_client, presentation):
    queued = ReportFactory(review=review, kind=Report.Kind.BASELINE)

    page = lead_client.get(reverse("reviews:reports", args=[review.pk])).content.decode()

    assert f'href="{detail_url(presentation)}">Feedback presentation version 2</a>' in page
    assert f'href="{detail_url(queued)}">Baseline report version 1</a>' in page
    assert re.search(r'<td class="govuk-table__cell">PDF, PPTX</td>', page)
    assert re.search(r'<td class="govuk-table__cell">None yet</td>', page)


def test_the_reports_list_runs_the_same_queries_for_one_and_for_thirty_finished_reports(review, lead, lead_client):
    finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=1, requested_by=lead))
    url = reverse("reviews:reports", args=[review.pk])

    with CaptureQueriesContext(connection) as one:
        lead_client.get(url)
    for version in range(2, 31):
        finished(
            ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=version, requested_by=lead),
            office={"pptx": PPTX},
        )
    with CaptureQueriesContext(connection) as thirty:
        response = lead_client.get(url)

    assert response.content.decode().count("Download PDF") == 20  # a page holds twenty
    assert len(one) == len(thirty)


def test_the_report_page_runs_the_same_queries_whatever_the_number_of_earlier_versions(review, lead, lead_client):
    latest = finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=40, requested_by=lead))
    finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=1, requested_by=lead))

    with CaptureQueriesContext(connection) as one:
        lead_client.get(detail_url(latest))
    for version in range(2, 31):
        finished(ReportFactory(review=review, kind=Report.Kind.PRESENTATION, version=version, requested_by=lead))
    with CaptureQueriesContext(connection) as thirty:
        lead_client.get(detail_url(latest))

    assert len(one) == len(thirty)
