"""Structured logs: one JSON object a line, each carrying the id of the request (or task) it belongs to.

A request takes its id from a well-formed `X-Request-ID` header set by the proxy in front, or gets a new one;
the response carries it back. A task queued while a request is handled carries the same id in its message
headers, so a worker's lines can be joined to the request that caused them. The standard library's logging is
used with a JSON formatter rather than a structured-logging package: nothing else in the project needs one,
and every library's log lines (Django's, Celery's, the project's own) pass through the same handler.

Nothing here logs a request's body, query string or user: log messages name records by id, never by name
or case text (the production check scans the logs for the demo's people and case text).
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# The pages anyone answers without an account (a questionnaire, a conference vote): their link is their secret, and
# nothing logged of them may tell who answered, so their requests carry no id, their links are written without the
# secret, and gunicorn's access log keeps only the time and the status of them (peerreview/gunicorn_logging.py).
ANONYMOUS_PATH = re.compile(r"^/(?:q|vote)/")
ANONYMOUS_LINK = re.compile(r"(/q/|/vote/ballot/)[^/\s\"']+")


def is_anonymous_path(path: str) -> bool:
    return bool(ANONYMOUS_PATH.match(path or ""))


def without_secrets(text: str) -> str:
    """`text` with the secret of every questionnaire or ballot link in it left out: /q/…/."""
    return ANONYMOUS_LINK.sub(r"\1…", text)


current_task_id: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")
WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Puts the current request's and task's ids on a record that has none, for any formatter to use."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        if not getattr(record, "task_id", ""):
            record.task_id = current_task_id.get()
        return True


class LinkSecretFilter(logging.Filter):
    """Leaves the secret of a questionnaire's or a ballot's link out of a line (Django names the path of a refused
    request: "Forbidden (CSRF cookie not set.): /q/<token>/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/q/" in message or "/vote/ballot/" in message:
            record.msg, record.args = without_secrets(message), None
        return True


class ClientErrorFilter(logging.Filter):
    """A refused request (403, 400) is logged as one warning line with its status, without the traceback.

    Django logs a refusal with the exception that caused it. For a status below 500 that exception is the refusal
    itself (a role that may not write, a disallowed host), not a fault: a traceback there reads as a crash and
    hides the real ones, which keep theirs. Django's security loggers write such a refusal (a Host header not in
    ALLOWED_HOSTS, a request body too large) at ERROR; it is the client's mistake, so it is a warning here, and an
    alert on errors fires for the site's faults only.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


def install_record_factory() -> None:
    """Every record takes the ids when it is made, in the request or task that logs it, whatever handles it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "carries_ids", False):
        return

    def make(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id.get()
        record.task_id = current_task_id.get()
        return record

    make.carries_ids = True
    logging.setLogRecordFactory(make)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Ids only (an account's, a review's): never a name, an address or what someone typed.
        for key in ("request_id", "task_id", "user_id", "by_user_id", "review_id"):
            value = getattr(record, key, "")
            if value:
                entry[key] = value
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    """First in the chain, so every line logged while the request is handled carries its id."""

    def __init__(self, get_response) -> None:
        from django.core.signals import request_finished

        self.get_response = get_response
        request_finished.connect(clear_request_id, dispatch_uid="peerreview.logs.clear_request_id")

    def __call__(self, request):
        if is_anonymous_path(request.path_info):
            # No id to join what an anonymous answer set off (an alert's email, in the worker's log) to the request,
            # or to the proxy's log line of it.
            request.request_id = ""
            request_id.set("")
            return self.get_response(request)
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if WELL_FORMED.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset on the way out: Django logs an error response after the middleware has returned. The id is
        # cleared when the response is finished (request_finished), and each request sets its own.
        request_id.set(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


def clear_request_id(**kwargs) -> None:
    request_id.set("")


# Carrying the id into Celery tasks (connected in peerreview/celery.py)


def add_to_task_headers(headers: dict | None = None, **kwargs) -> None:
    rid = request_id.get()
    if rid and headers is not None:
        headers["request_id"] = rid


def take_from_task(task=None, task_id: str | None = None, **kwargs) -> None:
    rid = getattr(task.request, "request_id", None) if task is not None else None
    _tokens[task_id] = (
        request_id.set(rid if isinstance(rid, str) and WELL_FORMED.match(rid) else ""),
        current_task_id.set(task_id or ""),
    )


def forget_task(task_id: str | None = None, **kwargs) -> None:
    tokens = _tokens.pop(task_id, None)
    if tokens:
        request_id.reset(tokens[0])
        current_task_id.reset(tokens[1])


_tokens: dict[str | None, tuple] = {}
