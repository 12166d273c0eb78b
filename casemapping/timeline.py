"""The multi-agency timeline of a case as server-made SVG: one lane per agency, events marked, missed
timescales highlighted and the threshold level over time along the top. The same image goes in the page
and the PDF, always beside its data table."""

import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .timescales import Check, Outcome

LABEL_WIDTH = 250
PLOT_WIDTH = 600
RIGHT = 20
TOP = 46
LANE = 28
AXIS = 34
THRESHOLD_COLOURS = {1: "#b1d2ef", 2: "#5694ca", 3: "#1d70b8", 4: "#003078", 5: "#0b0c0c"}
EVENT = "#0b0c0c"
MISSED = "#d4351c"


def _shorten(text: str, length: int = 36) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _ticks(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first of each month (or of each year, for a long chronology) between the two dates."""
    step = 1 if (last - first).days <= 800 else 12
    day = datetime.date(first.year, first.month if step == 1 else 1, 1)
    ticks = []
    while day <= last:
        if day > first:
            ticks.append(day)
        month = day.month - 1 + step
        day = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return ticks


def responsible_agency(check: Check, events: list):
    """The agency in whose lane a missed timescale is drawn: the one the rule makes responsible for it.

    The rule names a kind of agency (children's social care for a referral decision); its lane is the first
    agency of that kind in the chronology. A rule that names none, or whose agency has no event here, is drawn
    in the lane of the agency whose event started the clock.
    """
    if check.rule.responsible_id is not None:
        for event in events:
            if event.agency.kind_id == check.rule.responsible_id:
                return event.agency
    # The start may be a light row read for many cases at once (no agency loaded): find its agency by id.
    start_agency = check.start.agency_id
    return next((event.agency for event in events if event.agency_id == start_agency), None) or check.start.agency


def missed_rows(events: list, checks: list[Check]) -> list[tuple[Check, object]]:
    """Each missed check with the agency responsible for it, for the timeline's data table."""
    return [(check, responsible_agency(check, events)) for check in checks if check.outcome == Outcome.MISSED]


def timeline_svg(*, events: list, checks: list[Check], chart_id: str, title: str) -> SafeString:
    """Events are in chronological order; `checks` are the case's timeliness checks (the missed ones are drawn).

    With no events there is no time to draw: the image says so, rather than an empty axis from today to today.
    """
    if not events:
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-timeline" viewBox="0 0 {} 40" width="{}" '
            'height="40" font-family="Arial, Helvetica, DejaVu Sans, sans-serif" role="img" '
            'aria-labelledby="{}-title"><title id="{}-title">{}: no chronology recorded</title>'
            '<text x="8" y="24" font-size="14">No chronology recorded</text></svg>',
            LABEL_WIDTH + PLOT_WIDTH + RIGHT,
            LABEL_WIDTH + PLOT_WIDTH + RIGHT,
            chart_id,
            chart_id,
            title,
        )
    agencies = []
    for event in events:
        if event.agency not in agencies:
            agencies.append(event.agency)
    missed = [check for check in checks if check.outcome == Outcome.MISSED]
    days = [event.date for event in events] + [check.deadline_date for check in missed]
    first = min(days) if days else datetime.date.today()
    last = max(days) if days else first
    span = max((last - first).days, 1)
    height = TOP + LANE * max(len(agencies), 1) + AXIS
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT

    def x(day: datetime.date) -> float:
        return round(LABEL_WIDTH + PLOT_WIDTH * (day - first).days / span, 1)

    lane_of = {agency.pk: index for index, agency in enumerate(agencies)}

    def y(agency_id: int) -> float:
        return TOP + LANE * lane_of.get(agency_id, 0) + LANE / 2

    parts = [
        format_html('<text x="{}" y="14" font-size="11" text-anchor="end">Threshold level</text>', LABEL_WIDTH - 8)
    ]
    # Threshold level over time: each recorded level holds until the next.
    levelled = [event for event in events if event.threshold_level_id]
    for index, event in enumerate(levelled):
        end = levelled[index + 1].date if index + 1 < len(levelled) else last
        level = event.threshold_level
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="{}" height="14" fill="{}"><title>{} from {}</title></rect>',
                x(event.date),
                max(x(end) - x(event.date), 2),
                THRESHOLD_COLOURS.get(level.order, "#505a5f"),
                level.label,
                event.date.strftime("%-d %b %Y"),
            )
        )
    for index, agency in enumerate(agencies):
        top = TOP + LANE * index
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
                LABEL_WIDTH,
                top,
                PLOT_WIDTH,
                LANE,
                "#f3f2f1" if index % 2 == 0 else "#ffffff",
                LABEL_WIDTH - 8,
                top + LANE / 2 + 4,
                _shorten(agency.name),
            )
        )
    for check in missed:
        lane_y = y(responsible_agency(check, events).pk)
        until = check.end.date if check.end is not None else max(last, check.deadline_date)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="4 2">'
                "<title>Missed: {}</title></line>"
                '<path d="M {} {} l 5 -8 l -10 0 z" fill="{}"/>',
                x(check.deadline_date),
                lane_y,
                x(until),
                lane_y,
                MISSED,
                check.rule.name,
                x(check.deadline_date),
                lane_y - 6,
                MISSED,
            )
        )
    for event in events:
        radius = 6 if event.is_material else 4
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="1.5">'
                "<title>{}: {} ({})</title></circle>",
                x(event.date),
                y(event.agency_id),
                radius,
                "#ffffff" if event.is_disputed else EVENT,
                EVENT,
                event.date.strftime("%-d %b %Y"),
                event.kind.name,
                event.agency.name,
            )
        )
    axis_y = TOP + LANE * max(len(agencies), 1)
    for tick in _ticks(first, last):
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6"/>',
                x(tick),
                TOP,
                x(tick),
                axis_y + 4,
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0b0c0c"/>'
            '<text x="{}" y="{}" font-size="11">{}</text>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
            LABEL_WIDTH,
            axis_y,
            LABEL_WIDTH + PLOT_WIDTH,
            axis_y,
            LABEL_WIDTH,
            axis_y + 14,
            first.strftime("%-d %b %Y"),
            LABEL_WIDTH + PLOT_WIDTH,
            axis_y + 14,
            last.strftime("%-d %b %Y"),
        )
    )
    parts.append(
        format_html(
            '<circle cx="{}" cy="{}" r="4" fill="{}"/><text x="{}" y="{}" font-size="10">event</text>'
            '<circle cx="{}" cy="{}" r="6" fill="{}"/><text x="{}" y="{}" font-size="10">material</text>'
            '<circle cx="{}" cy="{}" r="4" fill="#ffffff" stroke="{}"/><text x="{}" y="{}" font-size="10">disputed</text>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="4 2"/>'
            '<text x="{}" y="{}" font-size="10">missed timescale (from its deadline)</text>',
            LABEL_WIDTH + 110,
            axis_y + 26,
            EVENT,
            LABEL_WIDTH + 118,
            axis_y + 30,
            LABEL_WIDTH + 170,
            axis_y + 26,
            EVENT,
            LABEL_WIDTH + 180,
            axis_y + 30,
            LABEL_WIDTH + 240,
            axis_y + 26,
            EVENT,
            LABEL_WIDTH + 248,
            axis_y + 30,
            LABEL_WIDTH + 310,
            axis_y + 26,
            LABEL_WIDTH + 340,
            axis_y + 26,
            MISSED,
            LABEL_WIDTH + 346,
            axis_y + 30,
        )  # fmt: skip
    )
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-timeline" viewBox="0 0 {} {}" width="{}" '
        'height="{}" font-family="Arial, Helvetica, DejaVu Sans, sans-serif" role="img" '
        'aria-labelledby="{}-title"><title id="{}-title">{}</title>{}</svg>',
        width,
        height + 12,
        width,
        height + 12,
        chart_id,
        chart_id,
        title,
        body,
    )
