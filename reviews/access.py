"""The access log, kept by one mechanism that views cannot forget.

Every page or file a signed-in person reads (a GET or HEAD answered 200) is logged by `AccessLogMiddleware`: who,
which review, which page, which object (the last `*_id` in the address), when and from which address (the one rule
in `throttle.client_address`). Nothing has to be declared for a page to be logged, so a new page cannot be
forgotten; a page is left out only when its view is marked `not_logged` with a reason, and a test walks every URL
pattern so that no page under a review and no admin page is ever marked so.

A view that knows better words for what was read calls `describe(request, "Case NM-004")`; a view that writes the
entry itself (an export whose service logs it) calls `recorded(request)`. The log is append-only: no role has
change or delete permission, and a database trigger refuses UPDATE and DELETE (migration 0017).
"""

import functools
from collections.abc import Callable

from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import AccessLog
from .throttle import client_address

BIGGEST_ID = 2**63 - 1

NOT_LOGGED = "access_not_logged"


def not_logged(reason: str) -> Callable:
    """Mark a view whose pages hold nothing about a review's people or children, so need no entry in the log."""

    def mark(view: Callable) -> Callable:
        setattr(view, NOT_LOGGED, reason)
        return view

    return mark


def describe(request: HttpRequest, target: str, action: str | None = None) -> None:
    """Name what this request reads, in the words of the page (a case reference, a document's title)."""
    request.access_target = target
    if action:
        request.access_action = action


def recorded(request: HttpRequest) -> None:
    """This request's access was logged by the service that did the work; the middleware adds nothing."""
    request.access_recorded = True


def object_of(kwargs: dict) -> tuple[str, int | None]:
    """The object an address names: its last `*_id` other than the review's, as (kind, id)."""
    kind, number = "", None
    for name, value in kwargs.items():
        if name.endswith("_id") and name != "review_id":
            kind, number = name.removesuffix("_id"), value
    if kind == "object" and number is not None:  # the admin's <path:object_id>
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = None
    return kind, number if isinstance(number, int) and abs(number) <= BIGGEST_ID else None


def is_logged(view_func) -> bool:
    """The rule: every page is logged unless its view says why not."""
    return not getattr(view_func, NOT_LOGGED, None)


class AccessLogMiddleware:
    """Writes one access log entry for each page or file a signed-in person reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._should_record(request, response):
            self._record(request, response)
        return response

    @staticmethod
    def _should_record(request: HttpRequest, response: HttpResponse) -> bool:
        match = getattr(request, "resolver_match", None)
        return (
            match is not None
            and request.method in {"GET", "HEAD"}
            and response.status_code == 200
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not getattr(request, "access_recorded", False)
            and is_logged(match.func)
        )

    @staticmethod
    def _record(request: HttpRequest, response: HttpResponse) -> None:
        match = request.resolver_match
        kind, number = object_of(match.kwargs)
        if kind == "object":  # an admin page: the model, as in "casemapping_case_change"
            kind = match.url_name.rsplit("_", 1)[0]
        download = response.get("Content-Disposition", "").startswith("attachment")
        action = getattr(request, "access_action", None) or (
            AccessLog.Action.DOWNLOAD if download else AccessLog.Action.VIEW
        )
        default = f"{match.view_name}" + (f" ({kind.replace('_', ' ')} {number})" if number is not None else "")
        _insert(
            user_id=request.user.pk,
            review_id=match.kwargs.get("review_id"),
            action=action,
            target=(getattr(request, "access_target", None) or default)[:300],
            path=request.path[:500],
            view_name=match.view_name[:120],
            object_kind=kind[:40],
            object_id=number,
            address=client_address(request),
            at=timezone.now(),
        )


# The fields the middleware writes, in the order of the statement below.
_FIELDS = ("user", "review", "action", "target", "path", "view_name", "object_kind", "object_id", "address", "at")


@functools.cache
def _statement(alias: str) -> tuple[str, tuple]:
    """The INSERT of one entry, and its fields, made once per process: every page a person reads writes an entry,
    and building the statement through a model's save cost as much as the rest of the middleware together."""
    quote = connections[alias].ops.quote_name
    fields = tuple(AccessLog._meta.get_field(name) for name in _FIELDS)
    names = ", ".join(quote(field.column) for field in fields)
    places = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(AccessLog._meta.db_table)} ({names}) VALUES ({places})", fields


def _insert(**values) -> None:
    """One entry written as `AccessLog.objects.create` would write it (values by attribute name, `user_id`), each
    value prepared by its field."""
    alias = router.db_for_write(AccessLog)
    connection = connections[alias]
    sql, fields = _statement(alias)
    params = [field.get_db_prep_save(values[field.attname], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
