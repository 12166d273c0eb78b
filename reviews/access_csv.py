"""The access log's filters and its CSV: one set of rules for the pages, a person's own download, and the review's
CSV that a worker writes (reviews/review_exports.py)."""

import csv
import datetime
import io
from collections.abc import Iterator

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from .exports import csv_cell
from .form_errors import NamedErrors, choose_from_list
from .models import AccessLog
from .widgets import DATE_HINT, invalid_date

MAX_WORDS_LENGTH = 100
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
CSV_HEADER = ["When", "Person", "Username", "Action", "What", "Page", "Object", "Object id", "Address", "Review"]
FILTERS = ("person", "action", "words", "start", "end")


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
        return narrow(entries, self.cleaned_data)

    def kept(self) -> dict:
        """The filters given, as a worker reads them back (`narrow`), with the person's name to show beside the
        file: only the valid ones, dates as ISO text."""
        given = {name: self.cleaned_data.get(name) for name in FILTERS}
        kept = {name: value for name, value in given.items() if value not in (None, "")}
        kept.update({name: kept[name].isoformat() for name in ("start", "end") if name in kept})
        if kept.get("person"):
            kept["person_name"] = dict(self.fields["person"].choices).get(kept["person"], "")
        return kept


def narrow(entries: QuerySet, filters: dict) -> QuerySet:
    """The entries the filters keep: from a form's cleaned data, or from `AccessLogFilterForm.kept` (dates as
    ISO text)."""
    if filters.get("person"):
        entries = entries.filter(user_id=filters["person"])
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    for word in (filters.get("words") or "").split():
        entries = entries.filter(Q(target__icontains=word) | Q(object_kind__icontains=word) | Q(path__icontains=word))
    zone = timezone.get_current_timezone()
    if start := _date(filters.get("start")):
        entries = entries.filter(at__gte=datetime.datetime.combine(start, datetime.time.min, zone))
    if end := _date(filters.get("end")):
        after = end + datetime.timedelta(days=1)
        entries = entries.filter(at__lt=datetime.datetime.combine(after, datetime.time.min, zone))
    return entries


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def described(filters: dict) -> str:
    """What a CSV asked for with these filters (`AccessLogFilterForm.kept`) holds, in words."""
    parts = []
    if filters.get("person"):
        parts.append(f"read by {filters.get('person_name') or 'one person'}")
    if filters.get("action"):
        parts.append(str(dict(AccessLog.Action.choices).get(filters["action"], filters["action"])).lower())
    if filters.get("words"):
        parts.append(f"matching “{filters['words']}”")
    if filters.get("start"):
        parts.append(f"from {_date(filters['start']):%-d %B %Y}")
    if filters.get("end"):
        parts.append(f"to {_date(filters['end']):%-d %B %Y}")
    return "Entries " + ", ".join(parts) if parts else "Every entry"


CSV_PIECE = 64 * 1024  # characters of CSV handed on at a time
# What a row reads, as plain values: no record is made into an object, so a long log is written fast.
CSV_FIELDS = (
    "at", "user__first_name", "user__last_name", "user__username", "action", "target", "path", "object_kind",
    "object_id", "address", "review__title",
)  # fmt: skip


def csv_pieces(entries: QuerySet, tally: dict | None = None) -> Iterator[str]:
    """The CSV of the entries, newest first, in pieces of about CSV_PIECE characters: the header first, before the
    log is read, then the rows as the database hands them over, so a long log is never held whole in memory. The
    entries written are counted in `tally["entries"]` when it is given."""
    tally = {} if tally is None else tally
    tally["entries"] = 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    yield out.getvalue()
    out.seek(0)
    out.truncate()
    actions = dict(AccessLog.Action.choices)
    for values in entries.order_by("-at", "-pk").values_list(*CSV_FIELDS).iterator(chunk_size=2000):
        writer.writerow([csv_cell(value) for value in _csv_row(values, actions)])
        tally["entries"] += 1
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


def write_review_log(review, filters: dict, out) -> int:
    """Write the review's log, narrowed by the filters, as CSV (UTF-8) to a binary file; the entries written."""
    unknown = set(filters) - set(FILTERS) - {"person_name"}
    if unknown:  # a filter not understood must never become the whole log
        raise ValueError(f"filters not understood: {', '.join(sorted(unknown))}")
    tally: dict = {}
    for piece in csv_pieces(narrow(AccessLog.objects.filter(review=review), filters), tally):
        out.write(piece.encode())
    return tally["entries"]
