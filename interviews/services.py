"""The on-site programme's workflows: clash warnings, coverage, calendars and the timetable import."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from reviews import exports, permissions, scope, signals_status, tables
from reviews.models import Finding, FindingEvidence, FocusArea, Partner, Review, ReviewMembership
from reviews.people import Directory, person_name
from reviews.validators import check_has_happened

from .models import (
    ROLE_SYNONYMS,
    Interviewee,
    IntervieweeRole,
    LineOfEnquiry,
    ProgrammeRules,
    ReviewRole,
    Session,
    SessionNote,
    allowed_role_names,
    match_role,
)

LONDON = ZoneInfo("Europe/London")


# Clashes: warnings that never block saving


@dataclass(frozen=True)
class Clash:
    kind: str
    message: str
    session_ids: tuple[int, ...] = field(default=())


def rules_for(review: Review) -> ProgrammeRules:
    rules = ProgrammeRules.objects.filter(review=review).first()
    return rules or ProgrammeRules(review=review)


def _minutes(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def find_clashes(*, review: Review, sessions: list[Session], rules: ProgrammeRules) -> list[Clash]:
    """Every clash among the sessions (peers prefetched); cancelled sessions are left out."""
    active = sorted((s for s in sessions if not s.is_cancelled), key=lambda s: (s.day, s.start, s.pk))
    clashes: list[Clash] = []
    for session in active:
        if review.onsite_start and review.onsite_end and not review.onsite_start <= session.day <= review.onsite_end:
            clashes.append(
                Clash(
                    "outside_week",
                    f"{session.title} on {session.day:%A %-d %B} is outside the on-site week "
                    f"({review.onsite_start:%-d %B} to {review.onsite_end:%-d %B %Y}).",
                    (session.pk,),
                )
            )
    by_room: dict[str, list[Session]] = defaultdict(list)
    by_peer: dict[int, list[Session]] = defaultdict(list)
    peers = {}
    for session in active:
        if session.location.strip():
            by_room[" ".join(session.location.lower().split())].append(session)
        for peer in session.peers.all():
            by_peer[peer.pk].append(session)
            peers[peer.pk] = peer
    for group in by_room.values():
        for first, second in _overlapping_pairs(group):
            clashes.append(
                Clash(
                    "room",
                    f"{first.location} is booked twice on {first.day:%A %-d %B}: "
                    f"{first.title} ({first.start:%H:%M}–{first.end:%H:%M}) and "
                    f"{second.title} ({second.start:%H:%M}–{second.end:%H:%M}).",
                    (first.pk, second.pk),
                )
            )
    for peer_id, group in by_peer.items():
        name = person_name(peers[peer_id])
        for first, second in _overlapping_pairs(group):
            clashes.append(
                Clash(
                    "peer",
                    f"{name} is in two sessions at once on {first.day:%A %-d %B}: "
                    f"{first.title} ({first.start:%H:%M}–{first.end:%H:%M}) and "
                    f"{second.title} ({second.start:%H:%M}–{second.end:%H:%M}).",
                    (first.pk, second.pk),
                )
            )
        clashes.extend(_travel_and_break_clashes(name, group, rules))
    return clashes


def _overlapping_pairs(group: list[Session]):
    for index, first in enumerate(group):
        for second in group[index + 1 :]:
            if second.day == first.day and second.start < first.end and first.start < second.end:
                yield first, second


def _travel_and_break_clashes(name: str, group: list[Session], rules: ProgrammeRules) -> list[Clash]:
    clashes = []
    by_day: dict[datetime.date, list[Session]] = defaultdict(list)
    for session in group:
        by_day[session.day].append(session)
    for day, day_sessions in by_day.items():
        day_sessions.sort(key=lambda s: (s.start, s.end))
        for first, second in zip(day_sessions, day_sessions[1:], strict=False):
            gap = _minutes(second.starts_at - first.ends_at)
            if 0 <= gap < rules.travel_gap_minutes and _place(first) != _place(second):
                clashes.append(
                    Clash(
                        "travel",
                        f"{name} has {gap} minutes between {first.title} and {second.title} on {day:%A %-d %B}, "
                        f"in different places; allow at least {rules.travel_gap_minutes}.",
                        (first.pk, second.pk),
                    )
                )
        block_start, block_end, block = day_sessions[0].starts_at, day_sessions[0].ends_at, [day_sessions[0]]
        blocks = []
        for session in day_sessions[1:]:
            if _minutes(session.starts_at - block_end) < rules.break_minutes:
                block_end = max(block_end, session.ends_at)
                block.append(session)
            else:
                blocks.append((block_start, block_end, block))
                block_start, block_end, block = session.starts_at, session.ends_at, [session]
        blocks.append((block_start, block_end, block))
        for start, end, members in blocks:
            length = _minutes(end - start)
            if length > rules.max_without_break_minutes:
                clashes.append(
                    Clash(
                        "no_break",
                        f"{name} works {length // 60} h {length % 60:02d} min without a break on {day:%A %-d %B} "
                        f"({start:%H:%M}–{end:%H:%M}); the limit is {rules.max_without_break_minutes} minutes.",
                        tuple(s.pk for s in members),
                    )
                )
    return clashes


def _place(session: Session) -> str:
    return " ".join(session.location.lower().split()) or "online"


# Coverage: themes, scope areas, focus areas and circumstances against the evidence behind them

# Each kind of coverage row and the path from a line of enquiry, or a finding, to its item.
_COVERAGE_PATHS = {"theme": "theme", "scope_area": "scope_area", "focus_area": "focus_areas"}


def coverage(review: Review) -> dict:
    """Rows for each theme, scope area, focus area and specific circumstance in scope: sessions planned and held
    with notes here (through their lines of enquiry), findings from other stages (through what they carry).

    A fixed number of queries whatever the size of the programme and the number of areas.
    """
    themes = list(review.framework.themes.order_by("order"))
    areas = list(scope.scope_areas(review))
    lenses = list(scope.focus_areas(review))
    other_stages = coverage_stages()
    planned = _count_by(Session.objects.active().filter(review=review), "lines__", distinct_field="pk")
    held = _count_by(
        SessionNote.objects.filter(session__review=review, session__status=Session.Status.HELD, line__isnull=False),
        "line__",
        distinct_field="session",
    )
    by_stage = _count_by(
        Finding.objects.filter(review=review).exclude(stage="interviews"), "", distinct_field="pk", by="stage"
    )

    def make_row(kind: str, obj) -> dict:
        planned_n = planned[kind].get(obj.pk, 0)
        held_n = held[kind].get(obj.pk, 0)
        stage_counts = [by_stage[kind].get((stage.slug, obj.pk), 0) for stage in other_stages]
        sources = (1 if held_n else 0) + sum(1 for n in stage_counts if n)
        strength = signals_status.evidence_strength(sources)
        return {
            "kind": kind,
            "label": obj.name if kind == "theme" else obj.title if kind == "focus_area" else str(obj),
            "planned": planned_n,
            "held": held_n,
            "stages": stage_counts,
            "stage_summary": [(stage.title, n) for stage, n in zip(other_stages, stage_counts, strict=True) if n],
            "sources": sources,
            "status": strength.label,
            "tag": strength.tag_class,
        }

    theme_rows = [make_row("theme", theme) for theme in themes]
    area_rows = [make_row("scope_area", area) for area in areas]
    focus_rows = [make_row("focus_area", area) for area in lenses if area.kind == FocusArea.Kind.FOCUS]
    circumstance_rows = [make_row("focus_area", area) for area in lenses if area.kind == FocusArea.Kind.CIRCUMSTANCE]
    every_row = theme_rows + area_rows + focus_rows + circumstance_rows
    return {
        "stages": other_stages,
        "theme_rows": theme_rows,
        "area_rows": area_rows,
        "focus_rows": focus_rows,
        "circumstance_rows": circumstance_rows,
        "gaps": sum(1 for row in every_row if row["status"] == signals_status.EVIDENCE_NONE.label),
    }


def coverage_stages() -> list:
    """The stages whose findings count as sources on the coverage page, in its columns' order."""
    from reviews import stages

    return [stage for stage in stages.all_stages() if stage.slug != "interviews"]


def _count_by(queryset, prefix: str, *, distinct_field: str, by: str = "") -> dict[str, dict]:
    """For each kind of coverage row, the number of distinct `distinct_field` per item reached by `prefix`: keyed
    by the item's id, or by (the value of `by`, the item's id) when `by` is given. One query per kind."""
    result = {}
    for kind, path in _COVERAGE_PATHS.items():
        path = prefix + path
        group = [by, path] if by else [path]
        rows = (
            queryset.filter(**{f"{path}__isnull": False})
            .order_by()
            .values(*group)
            .annotate(n=Count(distinct_field, distinct=True))
        )
        result[kind] = {(row[by], row[path]) if by else row[path]: row["n"] for row in rows}
    return result


# The programme in numbers


def programme_numbers(review: Review) -> dict:
    sessions = Session.objects.filter(review=review)
    by_kind = {row["kind"]: row for row in sessions.order_by().values("kind").annotate(
        total=Count("id", filter=~Q(status=Session.Status.CANCELLED)),
        held=Count("id", filter=Q(status=Session.Status.HELD)),
    )}  # fmt: skip
    kind_rows = [
        {"label": label, "total": by_kind.get(value, {}).get("total", 0), "held": by_kind.get(value, {}).get("held", 0)}
        for value, label in Session.Kind.choices
    ]
    agency_rows = list(
        Interviewee.objects.filter(session__review=review)
        .exclude(session__status=Session.Status.CANCELLED)
        .order_by()
        .values("agency__name", "agency__kind__name")
        .annotate(sessions=Count("session", distinct=True), people=Count("id"))
        .order_by("-sessions", "agency__name")
    )
    return {"kind_rows": kind_rows, "agency_rows": agency_rows}


# Calendars


def build_calendar(*, review: Review, sessions: list[Session], name: str) -> bytes:
    """An iCalendar file of the sessions in Europe/London time, with the time zone it needs."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Safeguarding peer review workspace//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}-review-{review.pk}@peer-review.example")
        event.add("summary", f"{session.get_kind_display()}: {session.title}")
        event.add("dtstart", session.starts_at.replace(tzinfo=LONDON))
        event.add("dtend", session.ends_at.replace(tzinfo=LONDON))
        event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
        event.add("sequence", session.version)
        if session.location:
            event.add("location", session.location)
        if session.online_link:
            event.add("url", session.online_link)
        people = "; ".join(f"{i.role_label} ({i.agency.name})" for i in session.interviewees.all())
        peers = ", ".join(person_name(peer) for peer in session.peers.all())
        event.add("description", "\n".join(filter(None, [f"Meeting: {people}" if people else "", f"Peers: {peers}"])))
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# The timetable import: all or nothing, errors by row and column

IMPORT_COLUMNS = ["day", "start", "end", "kind", "title", "location", "online_link", "interviewees", "peers", "status"]
REQUIRED_COLUMNS = ["day", "start", "end", "kind", "title"]
IMPORT_LIMITS = tables.Limits(max_bytes=2 * 1024 * 1024)


class TimetableImportFailed(Exception):
    def __init__(self, errors: list[tables.RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


def parse_day(text: str) -> datetime.date | None:
    """An ISO date (2026-12-07) or a British one (07/12/2026)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> datetime.time | None:
    """A 24-hour time such as 09:30, 9:30 or 09.30; seconds are allowed and ignored."""
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2})?", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return datetime.time(int(match[1]), int(match[2]))


def _choice(value: str, choices) -> str | None:
    wanted = value.strip().lower()
    for code, label in choices:
        if wanted in {code.lower(), label.lower()}:
            return code
    return None


def role_synonyms() -> list[tuple[str, str]]:
    """Each national role with the other names a timetable may use for it."""
    names = defaultdict(list)
    for synonym, code in ROLE_SYNONYMS.items():
        names[code].append(synonym)
    return [
        (label, ", ".join(names[code]))
        for code, label in IntervieweeRole.choices
        if code != IntervieweeRole.OTHER and names[code]
    ]


def _peer_team(review: Review) -> list:
    """The people a timetable may name as its peers: the review's peer side."""
    memberships = ReviewMembership.objects.filter(review=review).select_related("user").order_by("pk")
    return [m.user for m in memberships if permissions.is_peer_side(m)]


def _example(review: Review) -> list[str]:
    """The template's example row, which an import refuses if it comes back unchanged."""
    partner = Partner.objects.filter(council=review.council_id).order_by("name").first()
    agency = partner.name if partner else "An agency of the council"
    return [
        "2026-12-07", "09:30", "10:30", "Interview", "Head of service, front door", "Committee Room 2", "",
        f"Head of service | {agency}", "", "planned",
    ]  # fmt: skip


def timetable_template(review: Review, format: str) -> tuple[bytes, str, str]:
    """The timetable's columns and an example row; the XLSX adds a sheet of the values each column allows."""
    example = _example(review)
    if format != "xlsx":
        return tables.template_csv(IMPORT_COLUMNS, example), exports.CSV_CONTENT_TYPE, "timetable-template.csv"
    own_roles = list(ReviewRole.objects.filter(review=review).order_by("name"))
    notes = [
        ("day", "YYYY-MM-DD or DD/MM/YYYY"),
        ("start, end", "24-hour times such as 09:30"),
        ("kind", "; ".join(label for _, label in Session.Kind.choices)),
        ("interviewees", "role | agency, separated by semicolons"),
        *[("role", name) for name in allowed_role_names(own_roles)],
        *[(f"role: {label}", f"also written as {names}") for label, names in role_synonyms()],
        (
            "agency",
            "; ".join(
                Partner.objects.filter(council=review.council_id).order_by("name").values_list("name", flat=True)
            ),
        ),
        (
            "peers",
            "names or emails of the peer team, separated by semicolons: "
            + "; ".join(sorted({person_name(user) for user in _peer_team(review)})),
        ),
        ("status", "; ".join(label for _, label in Session.Status.choices) + " (held only once the day has come)"),
    ]
    return tables.template_xlsx(IMPORT_COLUMNS, example, notes), exports.XLSX_CONTENT_TYPE, "timetable-template.xlsx"


def read_timetable(review: Review, upload) -> list[dict]:
    """The rows of a timetable file; a missing column is an error of the header row, as the cells' errors are."""
    try:
        return tables.read_table(
            upload,
            IMPORT_COLUMNS,
            required=REQUIRED_COLUMNS,
            limits=IMPORT_LIMITS,
            example=tables.example_words(IMPORT_COLUMNS, _example(review)),
        )
    except tables.ColumnsError as error:
        problems = [
            tables.RowError(error.row, name, "This column is missing from the header row.") for name in error.missing
        ]
        problems += [
            tables.RowError(error.row, name, "This column appears twice in the header row.") for name in error.repeated
        ]
        raise TimetableImportFailed(problems) from error


def import_timetable(*, review: Review, upload) -> list[Session]:
    """Read the file and create the sessions of its rows, or none of them if any cell is wrong.

    A file that cannot be read raises tables.TableError; wrong cells raise TimetableImportFailed.
    """
    rows = read_timetable(review, upload)
    errors: list[tables.RowError] = []
    partners = {p.name.lower(): p for p in Partner.objects.filter(council=review.council_id)}
    team = Directory(_peer_team(review))
    own_roles = list(ReviewRole.objects.filter(review=review).order_by("name"))
    allowed = allowed_role_names(own_roles)
    planned = []
    for row in rows:
        number = row["_row"]

        def fail(column: str, message: str, number=number) -> None:
            errors.append(tables.RowError(number, column, message))

        for name in REQUIRED_COLUMNS:
            if not row.get(name, ""):
                fail(name, "Enter a value.")
        day = start = end = None
        if row.get("day"):
            day = parse_day(row["day"])
            if day is None:
                fail("day", f"“{row['day']}” is not a date; use the form 2026-12-07 or 07/12/2026.")
        if row.get("start"):
            start = parse_time(row["start"])
            if start is None:
                fail("start", f"“{row['start']}” is not a time; use the form 09:30.")
        if row.get("end"):
            end = parse_time(row["end"])
            if end is None:
                fail("end", f"“{row['end']}” is not a time; use the form 09:30.")
        if start and end and end <= start:
            fail("end", "The end must be after the start.")
        kind = _choice(row.get("kind", ""), Session.Kind.choices) if row.get("kind") else None
        if row.get("kind") and kind is None:
            fail("kind", f"“{row['kind']}” is not a kind of session.")
        status = Session.Status.PLANNED
        if row.get("status"):
            status = _choice(row["status"], Session.Status.choices)
            if status is None:
                fail("status", f"“{row['status']}” is not a status; use planned, confirmed, held or cancelled.")
            elif status == Session.Status.HELD and day is not None:
                try:
                    check_has_happened(day, what="A session")
                except ValidationError as error:
                    fail("status", error.messages[0])
        if not row.get("location") and not row.get("online_link"):
            fail("location", "Enter a location or an online link.")
        if len(row.get("title", "")) > 200:
            fail("title", "Use 200 characters or fewer.")
        online_link = row.get("online_link", "")
        if online_link and not online_link.startswith("https://"):
            fail("online_link", "An online link starts with https://.")
        interviewees = []
        for item in filter(None, (part.strip() for part in row.get("interviewees", "").split(";"))):
            role_text, _, agency_text = item.partition("|")
            role = match_role(role_text, own_roles)
            if role is None:
                fail(
                    "interviewees",
                    f"“{role_text.strip()}” is not a known role. Use one of: {'; '.join(allowed)}; "
                    "or add it as a role of this review on the import page.",
                )
            agency = partners.get(agency_text.strip().lower())
            if agency is None:
                fail("interviewees", f"“{agency_text.strip()}” is not an agency of {review.council.name}.")
            interviewees.append((role, agency))
        peers = []
        for said in filter(None, (part.strip() for part in row.get("peers", "").split(";"))):
            found = team.find(said)
            if not found:
                fail("peers", f"“{said}” is not on this review's peer team.")
            elif len(found) > 1:
                fail(
                    "peers",
                    f"“{said}” could be any of {len(found)} people on this review's peer team: "
                    "use the email of the one you mean instead.",
                )
            else:
                peers.append(found[0])
        planned.append((row, day, start, end, kind, status, interviewees, peers))
    if errors:
        raise TimetableImportFailed(errors)
    created = []
    with transaction.atomic():
        for row, day, start, end, kind, status, interviewees, peers in planned:
            session = Session.objects.create(
                review=review,
                kind=kind,
                title=row["title"],
                day=day,
                start=start,
                end=end,
                location=row.get("location", ""),
                online_link=row.get("online_link", ""),
                status=status,
            )
            session.peers.set(peers)
            Interviewee.objects.bulk_create(
                Interviewee(session=session, role=role[0], review_role=role[1], agency=agency)
                for role, agency in interviewees
            )
            created.append(session)
    return created


# Lines of enquiry and findings


def adopt_framework_lines(*, review: Review) -> int:
    """Copy the framework's key lines of enquiry the review does not have yet; returns how many were added."""
    from .models import LineTemplate

    existing = set(review.lines_of_enquiry.values_list("text", flat=True))
    new = [
        LineOfEnquiry(review=review, theme=t.theme, scope_area=t.scope_area, text=t.text, template=t)
        for t in LineTemplate.objects.filter(framework=review.framework_id).order_by("order", "pk")
        if t.text not in existing
    ]
    LineOfEnquiry.objects.bulk_create(new)
    return len(new)


def raise_finding_from_note(*, note: SessionNote, finding: Finding, user, focus_areas: list[FocusArea] = ()) -> Finding:
    """Save the finding with its focus areas and link the note as its evidence, together."""
    with transaction.atomic():
        finding.review_id = note.session.review_id
        finding.stage = "interviews"
        finding.raised_by = user
        finding.save()
        finding.focus_areas.set(focus_areas)
        FindingEvidence.objects.create(
            finding=finding,
            content_type=ContentType.objects.get_for_model(SessionNote),
            object_id=note.pk,
            note=f"Notes from {note.session.title} ({note.session.day:%-d %B %Y})",
            added_by=user,
        )
    return finding
