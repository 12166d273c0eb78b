"""Structured logs: JSON lines carrying the request's id, in the web process and in a real worker's task."""

import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.test import Client
from django.urls import reverse

from peerreview import logs
from reviews.models import EmailRecord
from reviews.notifications import tasks

from ..conftest import PROJECT_DIR, _database_url, need_service
from ..mailserver import free_port


def formatted(record: logging.LogRecord) -> dict:
    if not hasattr(record, "request_id"):  # the handler's filter has not seen it yet
        logs.RequestIdFilter().filter(record)
    return json.loads(logs.JsonFormatter().format(record))


def test_a_line_is_one_json_object_with_the_request_id():
    token = logs.request_id.set("req-0123456789")
    try:
        record = logging.LogRecord("reviews", logging.WARNING, __file__, 1, "Email %s was not sent", (42,), None)
        line = formatted(record)
    finally:
        logs.request_id.reset(token)

    assert line["message"] == "Email 42 was not sent"
    assert (line["level"], line["logger"], line["request_id"]) == ("WARNING", "reviews", "req-0123456789")
    assert line["time"].endswith("+00:00")


def test_an_exception_is_kept_inside_the_one_line():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord("reviews", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    text = logs.JsonFormatter().format(record)

    assert "\n" not in text
    assert "ValueError: broken" in json.loads(text)["exception"]


@pytest.mark.django_db
def test_a_response_carries_its_request_id_and_keeps_a_well_formed_one_from_the_proxy():
    given = Client().get(reverse("health"), HTTP_X_REQUEST_ID="proxy-id-12345678")
    made = Client().get(reverse("health"))
    refused = Client().get(reverse("health"), HTTP_X_REQUEST_ID="bad id\nwith a newline")

    assert given["X-Request-ID"] == "proxy-id-12345678"
    assert len(made["X-Request-ID"]) == 32
    assert refused["X-Request-ID"] != "bad id\nwith a newline" and len(refused["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_id(caplog, lead_client, review):
    caplog.set_level(logging.WARNING, logger="django.request")

    response = lead_client.get(f"/reviews/{review.pk}/no-such-page/", HTTP_X_REQUEST_ID="trace-me-12345678")

    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert formatted(record)["request_id"] == "trace-me-12345678"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_queued_in_a_request_carries_its_id_into_a_real_worker(celery_worker_log):
    record = EmailRecord.objects.create(
        to_address="someone@agency.example", kind=EmailRecord.Kind.NOTIFICATION, subject="Due soon", body="Due."
    )
    token = logs.request_id.set("from-the-request-1234")
    try:
        tasks.send_email.delay(email_id=record.pk)
    finally:
        logs.request_id.reset(token)

    line = celery_worker_log(
        lambda entry: entry.get("message") == f"Email {record.pk} was not sent (ConnectionRefusedError)"
    )
    assert line["request_id"] == "from-the-request-1234"
    assert line["task_id"] and line["level"] == "WARNING"


@pytest.fixture
def celery_worker_log(redis_url, settings, tmp_path):
    """A real worker logging JSON to a file, with a mail server nobody answers; returns a waiter for a line."""
    from django.db import connection

    from peerreview.celery import app

    if connection.vendor != "postgresql":
        need_service("A worker process shares the test database only on PostgreSQL (set DATABASE_URL).")
    app.control.purge()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "peerreview.settings",
        "DJANGO_LOG_FORMAT": "json",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(free_port()),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "peerreview", "worker", "--pool=solo", "--loglevel=INFO",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT)

    def wait_for(match, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in log_path.read_text().splitlines():
                if text.startswith("{"):
                    entry = json.loads(text)
                    if match(entry):
                        return entry
            time.sleep(0.5)
        raise AssertionError(f"No such line in the worker's log:\n{log_path.read_text()[-3000:]}")

    try:
        yield wait_for
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def console_handler() -> logging.Handler:
    """The handler the settings give the root logger: what gunicorn's and the worker's logs are written by."""
    return next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(each, logs.ClientErrorFilter) for each in handler.filters)
    )


@pytest.mark.django_db
def test_a_refused_request_is_one_line_with_its_status_and_no_traceback(review, peer_client):
    handler = console_handler()
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        response = peer_client.get(reverse("reviews:scope", args=[review.pk]))
    finally:
        handler.setStream(previous)

    assert response.status_code == 403
    assert "Forbidden (Permission denied)" in written.getvalue()
    assert "Traceback" not in written.getvalue() and "PermissionDenied" not in written.getvalue()


@pytest.mark.django_db
def test_a_disallowed_host_is_a_warning_of_one_line():
    handler = console_handler()
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        response = Client().get(reverse("health"), HTTP_HOST="not-this-site.example")
    finally:
        handler.setStream(previous)

    assert response.status_code == 400
    lines = [line for line in written.getvalue().splitlines() if "not-this-site.example" in line]
    assert len(lines) == 1, written.getvalue()
    assert " WARNING django.security.DisallowedHost " in lines[0] or '"level": "WARNING"' in lines[0]
    assert "ERROR" not in written.getvalue() and "Traceback" not in written.getvalue()


def test_a_server_error_keeps_its_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )
    record.status_code = 500
    handler = console_handler()

    assert handler.filter(record)
    assert "ValueError: broken" in handler.format(record)
    assert record.levelname == "ERROR"
