"""Nothing logged of a questionnaire or a vote can tell who answered: gunicorn's access-log line keeps the time,
the method, the path without its secret and the status only; the site's own lines leave the secret out; and such a
request carries no id that would join what it set off (an alert's email, in the worker's log) to it."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.test import Client
from gunicorn.config import Config

from peerreview.gunicorn_logging import AccessLogger

from ..focusgroups.conftest import make_questionnaire
from .test_logs import console_handler


def access_line(tmp_path, path: str, *, status="200 OK", sent=2869, referer: str = "") -> str:
    """The line gunicorn's access log gets for one request, written by the project's logger class."""
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    logger = AccessLogger(config)
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.20.30.40",
        "HTTP_USER_AGENT": "ChildTablet/1.0 (unique-ua-xyz)",
        "HTTP_REFERER": referer or f"https://peer-review.example{path}",
    }
    request = SimpleNamespace(headers=[("USER-AGENT", environ["HTTP_USER_AGENT"]), ("X-FORWARDED-FOR", "10.9.9.9")])
    response = SimpleNamespace(status=status, sent=sent, headers=[("Content-Type", "text/html")])
    logger.access(response, request, environ, datetime.timedelta(seconds=0, microseconds=812345))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


@pytest.mark.parametrize("path", ["/q/r5UKl4KsI-jwIXT1c33jaOSh7XSfUM8R/", "/vote/ballot/K7Q2-M9PX/", "/vote/"])
def test_an_anonymous_page_s_access_line_keeps_the_time_method_path_and_status_only(tmp_path, path):
    line = access_line(tmp_path, path)

    assert "10.20.30.40" not in line and "10.9.9.9" not in line
    assert "ChildTablet" not in line and "peer-review.example" not in line
    assert "2869" not in line  # a thanks page that says someone has been told is longer
    assert "r5UKl4KsI" not in line and "K7Q2-M9PX" not in line
    assert " 200 " in line and '"POST /' in line and "HTTP/1.1" in line


def test_a_staff_page_s_access_line_is_gunicorns_own(tmp_path):
    line = access_line(tmp_path, "/reviews/1/findings/")

    assert line.startswith("10.20.30.40 ")
    assert "ChildTablet/1.0" in line and " 2869 " in line


def test_a_page_opened_from_a_questionnaire_does_not_log_the_questionnaire_s_secret(tmp_path):
    line = access_line(tmp_path, "/accessibility/", referer="https://peer-review.example/q/r5UKl4KsI-jwIXT1c33/")

    assert "r5UKl4KsI" not in line
    assert '"https://peer-review.example/q/…/"' in line


@pytest.mark.django_db
def test_a_refused_answer_is_logged_without_its_link_s_secret_and_carries_no_request_id(review):
    questionnaire = make_questionnaire(review)
    handler = console_handler()
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        response = Client(enforce_csrf_checks=True).post(
            f"/q/{questionnaire.token}/", {}, HTTP_X_REQUEST_ID="proxy-id-12345678"
        )
    finally:
        handler.setStream(previous)

    assert response.status_code == 403
    assert "X-Request-ID" not in response
    assert "Forbidden (CSRF cookie not set.): /q/…/" in written.getvalue()
    assert questionnaire.token not in written.getvalue()
    assert "proxy-id-12345678" not in written.getvalue()


def test_a_staff_page_still_carries_its_request_id(db):
    assert Client().get("/health/", HTTP_X_REQUEST_ID="proxy-id-12345678")["X-Request-ID"] == "proxy-id-12345678"


def test_a_request_gunicorn_answers_itself_is_logged_without_its_link_s_secret(tmp_path):
    """A server error that escapes the site: gunicorn's environ then has no PATH_INFO, only what was sent."""
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    config.set("errorlog", str(tmp_path / "error.log"))
    logger = AccessLogger(config)
    path = "/vote/ballot/TSQ52DV9/"
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": path, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1"}
    environ["REMOTE_ADDR"] = "10.20.30.40"
    request = SimpleNamespace(headers=[], path=path, uri=path, method="POST")
    response = SimpleNamespace(status="500 Internal Server Error", sent=0, headers=[])

    logger.access(response, request, environ, datetime.timedelta(microseconds=1000))
    try:
        raise RuntimeError("escaped")
    except RuntimeError:
        logger.exception("Error handling request %s %s", request.method, request.uri)
    for handler in [*logger.access_log.handlers, *logger.error_log.handlers]:
        handler.flush()

    access, error = log_file.read_text(), (tmp_path / "error.log").read_text()
    assert "TSQ52DV9" not in access and "10.20.30.40" not in access
    assert '"POST /vote/ballot/' in access and " 500 " in access
    assert "Error handling request POST /vote/ballot/" in error and "TSQ52DV9" not in error
