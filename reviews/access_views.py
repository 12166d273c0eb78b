"""Reading the access log: a review's for its leads, and each person's own history, filtered and exportable."""

import csv
import datetime
import io

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from . import permissions
from .access import not_logged
from .exports import CSV_CONTENT_TYPE, csv_cell
from .form_errors import NamedErrors, choose_from_list
from .models import AccessLog
from .params import filters_querystring
from .views import load_review
from .widgets import DATE_HINT, invalid_date

PAGE_SIZE = 50
# The entries a log's pages reach, newest first: older ones are found by the dates, and the CSV holds every one.
MAX_LISTED = 5_000
MAX_WORDS_LENGTH = 100
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
CSV_HEADER = ["When", "Person", "Username", "Action", "What", "Page", "Object", "Object id", "Address", "Review"]


class AccessLogFilterForm(NamedErrors, forms.Form):
    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    action = forms.ChoiceField(choices=[("", "All actions")] + AccessLog.Action.choices, required=False)
    words = forms.CharField(
        label="What was read",
        required=False,
        max_length=MAX_WORDS_LENGTH,
        help_text="Words from what was read, such as a case reference or a document's title.",
        error_messages={"max_length": f"Enter at most {MAX_WORDS_LENGTH} characters in What was read."},
    )
    start = forms.DateField(label="From (optional)", required=False, help_text=DATE_HINT)
    end = forms.DateField(label="To (optional)", required=False, help_text=DATE_HINT)

    def __init__(self, *args, people: QuerySet | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].choices = [("", "Everyone")] + [
                (user.pk, user.get_full_name() or user.username) for user in people
            ]
            choose_from_list(self, {"person": "a person"})
        choose_from_list(self, {"action": "an action"})
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = invalid_date(
                "the first day to show" if name == "start" else "the last day to show"
            )

    def _clean_date(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and not (EARLIEST <= value <= LATEST):
            raise forms.ValidationError(f"Enter a date from {EARLIEST.year} to {LATEST.year}.")
        return value

    def clean_start(self):
        return self._clean_date("start")

    def clean_end(self):
        return self._clean_date("end")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last date must be the same as or after the first date.")
        return data

    def apply(self, entries: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("person"):
            entries = entries.filter(user_id=data["person"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        for word in (data.get("words") or "").split():
            entries = entries.filter(
                Q(target__icontains=word) | Q(object_kind__icontains=word) | Q(path__icontains=word)
            )
        zone = timezone.get_current_timezone()
        if data.get("start"):
            entries = entries.filter(at__gte=datetime.datetime.combine(data["start"], datetime.time.min, zone))
        if data.get("end"):
            after = data["end"] + datetime.timedelta(days=1)
            entries = entries.filter(at__lt=datetime.datetime.combine(after, datetime.time.min, zone))
        return entries


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


def _filtered(request: HttpRequest, entries: QuerySet, people: QuerySet | None) -> tuple[AccessLogFilterForm, QuerySet]:
    filters = AccessLogFilterForm(request.GET or None, people=people)
    if filters.is_bound and filters.is_valid():
        entries = filters.apply(entries)
    return filters, entries.select_related("user", "review").order_by("-at", "-pk")


def _status(filters: AccessLogFilterForm, fmt: str) -> int:
    """A download asked for with a filter that cannot be read gets the page and its message, never the whole
    unfiltered log."""
    return 400 if fmt == "csv" and filters.errors else 200


CSV_PIECE = 64 * 1024  # characters of CSV handed to the server at a time
# What a row of the download reads, as plain values: no record is made into an object, so a long log streams fast.
CSV_FIELDS = (
    "at", "user__first_name", "user__last_name", "user__username", "action", "target", "path", "object_kind",
    "object_id", "address", "review__title",
)  # fmt: skip


def _csv_lines(entries: QuerySet):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    yield out.getvalue()  # the download starts before the log is read
    out.seek(0)
    out.truncate()
    actions = dict(AccessLog.Action.choices)
    # Piece by piece as the download is read: the log of a busy review is never held whole in memory, and the server
    # writes a few pieces of 64 KB rather than one small piece a row.
    for values in entries.values_list(*CSV_FIELDS).iterator(chunk_size=2000):
        writer.writerow([csv_cell(value) for value in _csv_row(values, actions)])
        if out.tell() >= CSV_PIECE:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _csv_row(values: tuple, actions: dict[str, str]) -> list:
    at, first, last, username, action, target, path, kind, object_id, address, review = values
    return [
        timezone.localtime(at).isoformat(timespec="seconds"),
        f"{first} {last}".strip(),  # as the account's full name reads
        username,
        actions.get(action, action),
        target,
        path,
        kind.replace("_", " "),
        object_id if object_id is not None else "",
        address or "",
        review or "",
    ]


def _csv_response(entries: QuerySet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(entries), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def review_access_log(request: HttpRequest, review_id: int, fmt: str = "") -> HttpResponse:
    """Who read which case, document, note or export of this review, and when: for the review's leads."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_read_access_log(membership))
    people = get_user_model().objects.filter(review_memberships__review=review).order_by("first_name", "username")
    filters, entries = _filtered(request, AccessLog.objects.filter(review=review), people)
    if fmt == "csv" and not filters.errors:
        stamp = timezone.localdate().isoformat()
        return _csv_response(entries, f"access-log-review-{review.pk}-{stamp}.csv")
    context = {
        "review": review,
        "membership": membership,
        "filters": filters,
        "page": NewestPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filters_querystring(filters),
    }
    return render(request, "reviews/access_log.html", context, status=_status(filters, fmt))


@not_logged("a person's own history of what they read; reading it reads nothing about a review")
@require_GET
def my_access_history(request: HttpRequest, fmt: str = "") -> HttpResponse:
    """Everything the signed-in person has read, as the log holds it: their own history, visible to them."""
    filters, entries = _filtered(request, AccessLog.objects.filter(user=request.user), None)
    if fmt == "csv" and not filters.errors:
        return _csv_response(entries, f"my-access-history-{timezone.localdate().isoformat()}.csv")
    context = {
        "filters": filters,
        "page": NewestPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filters_querystring(filters),
    }
    return render(request, "reviews/access_history.html", context, status=_status(filters, fmt))
