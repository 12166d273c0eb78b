"""Case-mapping workflows that span several models: imports, adding events in order, learning into findings."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from reviews import scope, tables
from reviews.models import Case, Finding, FindingEvidence, FocusArea, Review
from reviews.pseudonyms import check_case_reference, identifier_in
from reviews.tables import RowError
from reviews.validators import review_date_validator

from .models import Event, EventKind, LearningPoint, TimescaleRule, TimescaleSetting, Workshop
from .timescales import RuleResult, check_case, summarise

STAGE_SLUG = "case-mapping"

CASE_COLUMNS = [
    "reference",
    "age_band",
    "threshold_level",
    "legal_status",
    "cp_category",
    "disability",
    "specific_circumstances",
    "partners",
]
CASE_EXAMPLE = ["C-01", "5-9", "3", "cin", "", "no", "Missing children", "Police; School or education"]

EVENT_COLUMNS = [
    "date",
    "approximate",
    "time",
    "kind",
    "agency",
    "what_happened",
    "decision",
    "source_record",
    "threshold_level",
    "disputed",
    "disputed_by",
    "dispute_reason",
    "material",
]

# The most rows one file may hold, for either list; the other caps are the shared reader's.
IMPORT_LIMITS = tables.Limits(max_rows=2_000)


def _choice(text: str, choices) -> str | None:
    """A choice given by its code or its label, case-insensitively."""
    lowered = text.strip().lower()
    for value, label in choices:
        if lowered in {str(value).lower(), str(label).lower()}:
            return value
    return None


def _threshold(text: str, levels: list) -> object | None:
    lowered = text.strip().lower()
    for level in levels:
        if lowered in {str(level.order), level.label.lower(), level.legal_basis}:
            return level
    return None


def _partner(text: str, partners: list) -> object | None:
    lowered = text.strip().lower()
    for partner in partners:
        if lowered in {partner.name.lower(), partner.kind.name.lower(), partner.kind.slug}:
            return partner
    return None


def case_template(kind: str) -> tuple[bytes, str, str]:
    if kind == "xlsx":
        notes = [
            ("age_band", "; ".join(f"{value} ({label})" for value, label in Case.AgeBand.choices)),
            ("threshold_level", "the level's number or its label in the council's threshold document"),
            ("legal_status", "; ".join(f"{value} ({label})" for value, label in Case.LegalStatus.choices)),
            ("cp_category", "; ".join(f"{value} ({label})" for value, label in Case.CPCategory.choices if value)),
            ("disability", "yes or no"),
            ("specific_circumstances", "titles separated by semicolons"),
            ("partners", "agency names or kinds separated by semicolons"),
        ]
        content = tables.template_xlsx(CASE_COLUMNS, CASE_EXAMPLE, notes)
        return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "case-sample.xlsx"
    return tables.template_csv(CASE_COLUMNS, CASE_EXAMPLE), "text/csv", "case-sample.csv"


EVENT_EXAMPLE = [
    "2025-03-14",
    "no",
    "09:30",
    "Referral",
    "Police",
    "Police referred concerns after a domestic incident at the family home",
    "Passed to the front door team",
    "Police log",
    "3",
    "no",
    "",
    "",
    "yes",
]


def event_template(kind: str) -> tuple[bytes, str, str]:
    if kind == "xlsx":
        notes = [
            ("date", "YYYY-MM-DD, not in the future"),
            ("approximate, disputed, material", "yes or no"),
            ("time", "HH:MM or blank"),
            ("kind", "; ".join(EventKind.objects.order_by("order", "name").values_list("name", flat=True))),
            ("agency, disputed_by", "one of the council's partner agencies, by name or kind"),
            ("threshold_level", "the level's number or label, or blank"),
        ]
        content = tables.template_xlsx(EVENT_COLUMNS, EVENT_EXAMPLE, notes)
        return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "chronology.xlsx"
    return tables.template_csv(EVENT_COLUMNS, EVENT_EXAMPLE), "text/csv", "chronology.csv"


def import_cases(*, review: Review, upload) -> tuple[int, list[RowError]]:
    """Check every row, then create every case or none. Returns (created, errors)."""
    rows = tables.read_table(
        upload, CASE_COLUMNS, limits=IMPORT_LIMITS, example=dict(zip(CASE_COLUMNS, CASE_EXAMPLE, strict=True))
    )
    council = review.council
    levels = list(council.threshold_levels.all())
    partners = list(council.partners.select_related("kind"))
    circumstances = list(scope.circumstances(review))
    existing = set(review.cases.values_list("reference", flat=True))
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    parsed = []
    for row in rows:
        number = row["_row"]

        def error(column: str, message: str, number=number) -> None:
            errors.append(RowError(number, column, message))

        reference = row["reference"]
        if not reference:
            error("reference", "enter a case reference, such as C-01.")
        else:
            try:
                Case._meta.get_field("reference").run_validators(reference)
                check_case_reference(reference, council)
            except ValidationError as invalid:
                error("reference", " ".join(invalid.messages))
            if reference in existing:
                error("reference", f"a case “{reference}” is already in the sample.")
            elif reference in seen:
                error("reference", f"“{reference}” is also on row {seen[reference]}; each reference once.")
            seen.setdefault(reference, number)
        age_band = _choice(row["age_band"], Case.AgeBand.choices)
        if age_band is None:
            error("age_band", f"“{row['age_band']}” is not an age band; use one such as 5-9.")
        level = _threshold(row["threshold_level"], levels) if row["threshold_level"] else None
        if row["threshold_level"] and level is None:
            error("threshold_level", f"“{row['threshold_level']}” is not one of {council.name}'s threshold levels.")
        legal_status = _choice(row["legal_status"] or "none", Case.LegalStatus.choices)
        if legal_status is None:
            error("legal_status", f"“{row['legal_status']}” is not a legal status; use one such as cin or cp.")
        category = _choice(row["cp_category"], Case.CPCategory.choices) if row["cp_category"] else ""
        if category is None:
            error("cp_category", f"“{row['cp_category']}” is not a child protection category.")
        elif legal_status == Case.LegalStatus.CHILD_PROTECTION and not category:
            error("cp_category", "a case on a child protection plan needs its category.")
        elif category and legal_status != Case.LegalStatus.CHILD_PROTECTION:
            error("cp_category", "only a case on a child protection plan has a category.")
        disability = tables.parse_yes_no(row["disability"])
        if disability is None:
            error("disability", f"“{row['disability']}” is not yes or no.")
        chosen_circumstances = []
        for title in tables.split_list(row["specific_circumstances"]):
            match = next((area for area in circumstances if area.title.lower() == title.lower()), None)
            if match is None:
                error("specific_circumstances", f"“{title}” is not one of the framework's specific circumstances.")
            else:
                chosen_circumstances.append(match)
        chosen_partners = []
        for name in tables.split_list(row["partners"]):
            match = _partner(name, partners)
            if match is None:
                error("partners", f"“{name}” is not one of {council.name}'s partner agencies.")
            else:
                chosen_partners.append(match)
        parsed.append(
            (
                Case(
                    review=review,
                    reference=reference,
                    age_band=age_band or "",
                    threshold_level=level,
                    legal_status=legal_status or "",
                    cp_category=category or "",
                    has_disability=bool(disability),
                ),
                chosen_circumstances,
                chosen_partners,
            )
        )
    if errors:
        return 0, errors
    with transaction.atomic():
        for case, chosen_circumstances, chosen_partners in parsed:
            case.save()
            case.specific_circumstances.set(chosen_circumstances)
            case.partners.set(chosen_partners)
    return len(parsed), []


def end_before_start(kind: EventKind, day: datetime.date, starts: list[datetime.date]) -> str | None:
    """Why an event that closes something cannot be dated `day`, given the dates of what it closes."""
    if kind.ends_id is None:
        return None
    if not starts:
        return f"there is no “{kind.ends.name.lower()}” in the chronology for this to close; add that first."
    if min(starts) > day:
        return (
            f"the {kind.name.lower()} on {day:%-d %B %Y} is before the {kind.ends.name.lower()} "
            f"on {min(starts):%-d %B %Y}: an end cannot come before its start."
        )
    return None


def import_events(*, case: Case, upload, user: AbstractBaseUser) -> tuple[int, list[RowError]]:
    """Check every row of a chronology, then add every event in order, or none."""
    rows = tables.read_table(
        upload, EVENT_COLUMNS, limits=IMPORT_LIMITS, example=tables.example_words(EVENT_COLUMNS, EVENT_EXAMPLE)
    )
    review = case.review
    council = review.council
    kinds = list(EventKind.objects.select_related("ends"))
    levels = list(council.threshold_levels.all())
    partners = list(council.partners.select_related("kind"))
    errors: list[RowError] = []
    parsed = []
    starts: dict[int, list[datetime.date]] = {}
    for kind_id, day in case.events.values_list("kind_id", "date"):
        starts.setdefault(kind_id, []).append(day)
    already_in = events_already_in(case)
    rows_of: dict[tuple, int] = {}  # each event in the file, by the row it is first on
    for row in rows:
        number = row["_row"]

        def error(column: str, message: str, number=number) -> None:
            errors.append(RowError(number, column, message))

        day = tables.parse_date(row["date"])
        if day is None:
            error("date", f"“{row['date']}” is not a date; use YYYY-MM-DD, such as 2025-03-14.")
        else:
            # The rules the event form applies, from the same place: the review window, not in the future, and
            # not before the child can have been born.
            try:
                review_date_validator(day)
                Event(case=case, date=day).clean()
            except ValidationError as refused:
                for message in refused.messages:
                    error("date", message)
        approximate = tables.parse_yes_no(row["approximate"])
        if approximate is None:
            error("approximate", f"“{row['approximate']}” is not yes or no.")
        time = tables.parse_time(row["time"]) if row["time"] else None
        if row["time"] and time is None:
            error("time", f"“{row['time']}” is not a time; use HH:MM, such as 14:30.")
        kind = next((k for k in kinds if row["kind"].lower() in {k.name.lower(), k.slug}), None)
        if kind is None:
            error("kind", f"“{row['kind']}” is not a kind of event set up in admin.")
        agency = _partner(row["agency"], partners)
        if agency is None:
            error("agency", f"“{row['agency']}” is not one of {council.name}'s partner agencies.")
        for column in ("what_happened", "decision", "source_record", "dispute_reason"):
            reason = identifier_in(row[column])
            if reason:
                error(column, f"remove the personal identifier: {reason}.")
        if not row["what_happened"]:
            error("what_happened", "say what happened.")
        level = _threshold(row["threshold_level"], levels) if row["threshold_level"] else None
        if row["threshold_level"] and level is None:
            error("threshold_level", f"“{row['threshold_level']}” is not one of {council.name}'s threshold levels.")
        disputed = tables.parse_yes_no(row["disputed"])
        disputed_by = _partner(row["disputed_by"], partners) if row["disputed_by"] else None
        if disputed is None:
            error("disputed", f"“{row['disputed']}” is not yes or no.")
        elif disputed:
            if disputed_by is None:
                error("disputed_by", "name the agency that disputes this event.")
            if not row["dispute_reason"]:
                error("dispute_reason", "say why the event is disputed.")
        material = tables.parse_yes_no(row["material"])
        if material is None:
            error("material", f"“{row['material']}” is not yes or no.")
        if kind is not None and day is not None:
            problem = end_before_start(kind, day, starts.get(kind.ends_id, []))
            if problem:
                error("date", problem)
            starts.setdefault(kind.pk, []).append(day)
        if kind is not None and day is not None and agency is not None and row["what_happened"]:
            key = same_event(day, kind.pk, agency.pk, row["what_happened"])
            if key in already_in:
                error("what_happened", "this event is already in the chronology, with the same day, kind, agency and "
                      "account of what happened: remove the row, or say what differed.")  # fmt: skip
            elif key in rows_of:
                error(
                    "what_happened", f"this is the same event as row {rows_of[key]}: remove one, or say what differed."
                )
            rows_of.setdefault(key, number)
        parsed.append(
            Event(
                review=review,
                case=case,
                date=day,
                date_is_approximate=bool(approximate),
                time=time,
                kind=kind,
                agency=agency,
                summary=row["what_happened"],
                decision=row["decision"],
                source_record=row["source_record"][:200],
                threshold_level=level,
                is_disputed=bool(disputed),
                disputed_by=disputed_by if disputed else None,
                dispute_reason=row["dispute_reason"] if disputed else "",
                is_material=bool(material),
                added_by=user,
            )
        )
    if errors:
        return 0, errors
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        for event in sorted(parsed, key=lambda event: (event.date, event.time or datetime.time(0))):
            event.sequence = _next_sequence(case, event.date)
            event.save()
    return len(parsed), []


def _next_sequence(case: Case, day: datetime.date) -> int:
    return (case.events.filter(date=day).aggregate(last=Max("sequence"))["last"] or 0) + 1


def same_event(day: datetime.date, kind_id: int, agency_id: int, summary: str) -> tuple:
    """Two events of one chronology are the same when their day, kind, agency and account of what happened are,
    the account read without its case or spacing. One rule for the form, a second press of Save and the import."""
    return (day, kind_id, agency_id, " ".join(summary.split()).casefold())


def events_already_in(case: Case, exclude_pk: int | None = None) -> set[tuple]:
    """Every event of the case, as `same_event` reads it, in one query."""
    events = case.events.exclude(pk=exclude_pk) if exclude_pk else case.events.all()
    return {same_event(*row) for row in events.values_list("date", "kind_id", "agency_id", "summary")}


def already_in_message(kind: EventKind, day: datetime.date, agency) -> str:
    return (
        f"This event is already in the chronology: {kind.name} on {day:%-d %B %Y} from {agency}, with the same "
        "account of what happened. If it happened again, say what differed."
    )


def add_event(*, event: Event, user: AbstractBaseUser) -> Event:
    """Add an event at the end of its day; the case row serialises people adding to one chronology, so a second
    press of Save (or two people adding the same event at once) finds the first and is refused."""
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=event.case_id).first()
        if same_event(event.date, event.kind_id, event.agency_id, event.summary) in events_already_in(event.case):
            raise ValidationError(already_in_message(event.kind, event.date, event.agency))
        event.sequence = _next_sequence(event.case, event.date)
        event.added_by = user
        event.save()
    return event


def record_learning_point(
    *, workshop: Workshop, learning: LearningPoint, events: list[Event], user, focus_areas: list[FocusArea] = ()
) -> LearningPoint:
    """Save a learning point and raise it as a draft finding of the stage, with its events as evidence and its
    focus areas and specific circumstances."""
    with transaction.atomic():
        finding = Finding.objects.create(
            review=workshop.review,
            theme=learning.theme,
            kind=learning.kind,
            summary=learning.summary,
            detail=learning.detail,
            stage=STAGE_SLUG,
            raised_by=user,
        )
        learning.workshop = workshop
        learning.finding = finding
        learning.created_by = user
        learning.save()
        learning.events.set(events)
        learning.focus_areas.set(focus_areas)
        finding.focus_areas.set(focus_areas)
        content_type = ContentType.objects.get_for_model(Event)
        FindingEvidence.objects.bulk_create(
            FindingEvidence(
                finding=finding,
                content_type=content_type,
                object_id=event.pk,
                note=f"Case {event.case.reference}, {event.date:%-d %B %Y}: {event.kind.name}",
                added_by=user,
            )
            for event in events
        )
    return learning


# Timeliness


def rules_for(review: Review) -> list[TimescaleRule]:
    return list(
        TimescaleRule.objects.for_council(review.council)
        .select_related("from_kind", "to_kind")
        .prefetch_related("stopped_by")
        .order_by("from_kind__order", "to_kind__order", "applies_from", "pk")
    )


def rules_as_of(review: Review) -> datetime.date | None:
    setting = TimescaleSetting.objects.filter(review=review).first()
    return setting.rules_as_of if setting else None


def chronology(case: Case):
    return case.events.select_related("kind", "agency", "threshold_level", "disputed_by").order_by("date", "sequence")


def case_timeliness(case: Case, events: list[Event], *, rules=None, as_of=None) -> list[RuleResult]:
    rules = rules if rules is not None else rules_for(case.review)
    as_of = as_of if as_of is not None else rules_as_of(case.review)
    return check_case(events, rules, today=timezone.localdate(), rules_as_of=as_of)


@dataclass(frozen=True, slots=True)
class EventRow:
    """What the timeliness checks need of an event, read without building a model instance per row."""

    pk: int
    case_id: int
    kind_id: int
    kind: EventKind
    agency_id: int
    date: datetime.date
    sequence: int
    time: datetime.time | None


def review_timeliness(review: Review, cases=None) -> tuple[list, list]:
    """Every case of the review against every rule, in a fixed number of queries; and the summary per rule."""
    rules = rules_for(review)
    as_of = rules_as_of(review)
    today = timezone.localdate()
    cases = list((cases if cases is not None else review.cases.all()).order_by("reference"))
    kinds = EventKind.objects.in_bulk()
    events: dict[int, list[EventRow]] = {case.pk: [] for case in cases}
    rows = (
        Event.objects.filter(case__in=[case.pk for case in cases])
        .order_by("case_id", "date", "sequence")
        .values_list("pk", "case_id", "kind_id", "agency_id", "date", "sequence", "time")
    )
    for pk, case_id, kind_id, agency_id, day, sequence, time in rows.iterator(chunk_size=5000):
        events[case_id].append(EventRow(pk, case_id, kind_id, kinds[kind_id], agency_id, day, sequence, time))
    case_results = [(case, check_case(events[case.pk], rules, today=today, rules_as_of=as_of)) for case in cases]
    return case_results, summarise(case_results)
