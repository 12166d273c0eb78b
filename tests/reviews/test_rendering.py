"""Without a broker a requested report renders in a background thread, so the request returns at once."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from reviews import services
from reviews.models import Report
from reviews.rendering import render_in_background, start_rendering
from reviews.tasks import render_report

from ..conftest import PROJECT_DIR
from ..factories import ReportFactory


def wait_until_settled(report: Report, seconds: float = 60) -> Report:
    """Poll the report's row, as the reports page does, until the render has finished one way or the other."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in {Report.Status.DONE, Report.Status.FAILED}:
            return report
        time.sleep(0.1)
    raise AssertionError(f"Report {report.pk} was still {report.status} after {seconds} seconds")


def render_thread(report: Report) -> threading.Thread:
    return next(thread for thread in threading.enumerate() if thread.name == f"render-report-{report.pk}")


@pytest.fixture
def held_baseline(monkeypatch):
    """The baseline report's builder, held at its start until the test lets it go: (started, release)."""
    real = services.REPORT_BUILDERS[Report.Kind.BASELINE]
    started, release = threading.Event(), threading.Event()

    def held_context(review):
        started.set()
        release.wait(timeout=30)
        return real.make_context(review)

    monkeypatch.setitem(
        services.REPORT_BUILDERS, Report.Kind.BASELINE, services.ReportBuilder(real.template_name, held_context)
    )
    yield started, release
    release.set()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_thread_mode_the_request_returns_before_the_report_is_rendered_and_it_is_done_afterwards(
    settings, review, lead_client, held_baseline
):
    settings.REPORT_RENDERING = "thread"
    started, release = held_baseline

    response = lead_client.post(reverse("reviews:report_request", args=[review.pk]), {"kind": "baseline"})
    report = Report.objects.get(review=review)
    rendering_began = started.wait(timeout=10)
    report.refresh_from_db()
    while_held = report.status
    thread = render_thread(report)
    release.set()
    report = wait_until_settled(report)
    thread.join(timeout=10)

    assert response.status_code == 302
    assert rendering_began is True
    assert while_held == Report.Status.RUNNING
    assert thread.daemon is True
    assert (report.status, report.error) == (Report.Status.DONE, "")
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_thread_mode_a_retry_also_renders_in_the_background(settings, review, lead_client):
    settings.REPORT_RENDERING = "thread"
    report = ReportFactory(review=review, status=Report.Status.FAILED, error="The first try failed.")

    response = lead_client.post(reverse("reviews:report_retry", args=[review.pk, report.pk]))
    report = wait_until_settled(report)

    assert response.status_code == 302
    assert (report.status, report.error, report.attempts) == (Report.Status.DONE, "", 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_background_thread_renders_the_report_and_closes_its_database_connections(review, postgresql):
    report = ReportFactory(review=review)

    def backends() -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            return {pid for (pid,) in cursor.fetchall()}

    before = backends()
    thread = render_in_background(report_id=report.pk)
    thread.join(timeout=60)
    # The server ends a backend a moment after its client closes the connection, so the thread's backend may
    # still be listed just after the thread ends; one left open would stay listed.
    deadline = time.monotonic() + 10
    while (left_open := backends() - before) and time.monotonic() < deadline:
        time.sleep(0.1)

    report.refresh_from_db()
    assert thread.is_alive() is False
    assert report.status == Report.Status.DONE
    assert left_open == set()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_render_that_fails_in_the_background_is_recorded_as_failed(review, monkeypatch):
    def broken_context(review):
        raise ValueError("The figures could not be gathered.")

    monkeypatch.setitem(
        services.REPORT_BUILDERS, Report.Kind.BASELINE, services.ReportBuilder("reports/baseline.html", broken_context)
    )
    report = ReportFactory(review=review)

    render_in_background(report_id=report.pk).join(timeout=60)

    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.FAILED, "ValueError: The figures could not be gathered.")


def test_in_celery_mode_the_task_goes_through_celery_and_no_thread_is_started(settings, review, monkeypatch):
    # Celery runs the task where it is sent, as it does without a broker, so the report is finished on return.
    monkeypatch.setitem(render_report.app.conf, "task_always_eager", True)
    settings.REPORT_RENDERING = "celery"
    report = ReportFactory(review=review)

    start_rendering(report_id=report.pk)

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert not [thread for thread in threading.enumerate() if thread.name == f"render-report-{report.pk}"]


@pytest.mark.parametrize(
    ("redis_url", "expected"), [("", "thread"), ("redis://127.0.0.1:6379/12", "celery")], ids=["no broker", "redis"]
)
def test_the_settings_render_in_a_thread_without_a_broker_and_on_celery_with_redis(redis_url, expected):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerreview.settings",
        "DJANGO_DEBUG": "true",
        "REDIS_URL": redis_url,
    }
    env.pop("REPORT_RENDERING", None)
    code = "from django.conf import settings; print(settings.REPORT_RENDERING)"

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == expected


def test_an_unknown_rendering_mode_stops_the_settings_from_loading():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerreview.settings",
        "DJANGO_DEBUG": "true",
        "REPORT_RENDERING": "carrier-pigeon",
    }
    code = "from django.conf import settings; print(settings.REPORT_RENDERING)"

    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)

    assert result.returncode != 0
    assert "REPORT_RENDERING must be celery or thread." in result.stderr
