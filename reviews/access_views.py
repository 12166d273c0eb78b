"""Reading the access log: a review's for its leads, and each person's own history, filtered and exportable."""

from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST

from . import permissions, rendering, review_exports
from .access import not_logged
from .access_csv import AccessLogFilterForm, csv_pieces, described
from .export_record import ReviewExport
from .exports import CSV_CONTENT_TYPE
from .middleware import open_when_archived
from .models import AccessLog
from .params import filters_querystring
from .views import load_review

PAGE_SIZE = 50
# The entries a log's pages reach, newest first: older ones are found by the dates, and the CSV holds every one.
MAX_LISTED = 5_000


class NewestPaginator(Paginator):
    """Pages through the newest MAX_LISTED entries of a log, which grows with every page anyone reads: it counts at
    most MAX_LISTED + 1 of them, so a page costs the same for a log of a million entries as for one of a thousand
    (and no page lies deeper than MAX_LISTED entries into it). `more` says whether the log holds more."""

    limit = MAX_LISTED

    @cached_property
    def _found(self) -> int:
        # Any MAX_LISTED + 1 rows tell whether there are more: counted without the order, as PostgreSQL likes best.
        return self.object_list.order_by().values("pk")[: MAX_LISTED + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, MAX_LISTED)

    @property
    def more(self) -> bool:
        return self._found > MAX_LISTED


def _narrowed(filters: AccessLogFilterForm, entries: QuerySet) -> QuerySet:
    """The entries the filters keep (all of them when the filters cannot be read), newest first."""
    if filters.is_bound and filters.is_valid():
        entries = filters.apply(entries)
    return entries.select_related("user", "review").order_by("-at", "-pk")


def _csv_response(entries: QuerySet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_pieces(entries), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def review_access_log(request: HttpRequest, review_id: int) -> HttpResponse:
    """Who read which case, document, note or export of this review, and when: for the review's leads."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_read_access_log(membership))
    filters = AccessLogFilterForm(request.GET or None, people=_people(review))
    return _review_page(request, review, membership, filters)


@open_when_archived("asks for a copy of the log, which an archived review keeps until it is purged")
@require_POST
def review_access_log_export(request: HttpRequest, review_id: int) -> HttpResponse:
    """Ask for the entries shown, as filtered, in a CSV: a worker writes it, however long the log, and it is offered
    on the log's page (and in a notification) when ready."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_read_access_log(membership))
    filters = AccessLogFilterForm(request.POST, people=_people(review))
    if not filters.is_valid():
        # Never the whole unfiltered log for a filter that cannot be read: the page says what to correct, and lists
        # no entries (a page of the log read here, by a form, would not be logged as read).
        return _review_page(request, review, membership, filters, status=400)
    try:
        export, new = review_exports.request_export(
            review, request.user, kind=ReviewExport.Kind.ACCESS_LOG, filters=filters.kept()
        )
    except review_exports.TooManyWaiting as refused:
        messages.error(request, str(refused))
        new = export = None
    if new:
        transaction.on_commit(lambda: rendering.start_export(export_id=export.pk))
        messages.success(request, "The CSV is being prepared. This page shows when it is ready to download.")
    elif export is not None:
        messages.info(request, "A CSV of these entries is already being prepared; it is below.")
    query = filters_querystring(filters)  # the page as it was filtered, whatever the answer
    return redirect(reverse("access_log", args=[review.pk]) + (f"?{query}" if query else "") + "#csv-files")


def _people(review) -> QuerySet:
    return get_user_model().objects.filter(review_memberships__review=review).order_by("first_name", "username")


def _review_page(request, review, membership, filters: AccessLogFilterForm, status: int = 200) -> HttpResponse:
    entries = AccessLog.objects.filter(review=review)
    if request.method != "GET":
        entries = entries.none()
    entries = _narrowed(filters, entries)
    query = filters_querystring(filters)
    exports = review_exports.listed(review, ReviewExport.Kind.ACCESS_LOG)
    for export in exports:
        export.described = described(export.filters)
    context = {
        "review": review,
        "membership": membership,
        "filters": filters,
        "page": NewestPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query,
        "csv_fields": parse_qsl(query),  # the filters shown, sent again by the button that asks for their CSV
        "exports": exports,
        "waiting": any(export.status in review_exports.UNFINISHED for export in exports),
        "kept_hours": settings.EXPORT_KEPT_HOURS,
    }
    return render(request, "reviews/access_log.html", context, status=status)


@not_logged("a person's own history of what they read; reading it reads nothing about a review")
@require_GET
def my_access_history(request: HttpRequest, fmt: str = "") -> HttpResponse:
    """Everything the signed-in person has read, as the log holds it: their own history, visible to them."""
    filters = AccessLogFilterForm(request.GET or None)
    entries = _narrowed(filters, AccessLog.objects.filter(user=request.user))
    if fmt == "csv" and not filters.errors:
        # One person's own reads: streamed as it is read, where a review's whole log is written by a worker.
        return _csv_response(entries, f"my-access-history-{timezone.localdate().isoformat()}.csv")
    context = {
        "filters": filters,
        "page": NewestPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filters_querystring(filters),
    }
    # A download asked for with a filter that cannot be read gets the page and its message, never the whole history.
    return render(request, "reviews/access_history.html", context, status=400 if fmt == "csv" else 200)
