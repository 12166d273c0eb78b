"""The feedback presentation as a slide deck: a PowerPoint file and a PDF of the same slides.

One list of slides is made from the review (its scope, what each stage did, the agreed findings by theme, the
vote's results and the next steps); the PowerPoint builder and the PDF template both draw it, so the two agree.
A slide holds only as many lines as fit; a longer list goes on over further slides, titled "(continued)".
"""

import math
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from reviews import scope, stages
from reviews.models import Finding, FocusArea, Review

from .models import Round
from .services import STAGE, findings_by_theme, results

# Slide text is measured in lines of the body's type: 24 pt in a box 12.1 inches wide holds about 75 characters of
# lower-case Latin text a line, so 64 leaves room for word wrapping. Capitals are wider; wide characters (CJK,
# emoji) take twice the room.
CHARS_PER_LINE = 64
LINES_PER_SLIDE = 12.5
HEADING_LINES = 1.5
ITEM_GAP_LINES = 0.25
CAPITAL_WIDTH = 1.4
# A title that does not fit one line at 36 pt is set at 28 pt, over as many lines as it needs; each line past the
# first takes about 1.2 lines of the body's room.
TITLE_CHARS_PER_LINE = 42
LONG_TITLE_CHARS_PER_LINE = 54
LONG_TITLE_LINE_COST = 1.2

# Characters XML 1.0 cannot hold (PowerPoint files are XML) and that no slide needs.
_UNWANTED = {cp for cp in range(32) if cp not in (9, 10, 13)} | {0xFFFE, 0xFFFF}


@dataclass(frozen=True)
class Block:
    """A list on a slide, under an optional heading; `start` numbers it from that number, 0 leaves it bulleted."""

    heading: str
    items: tuple[str, ...]
    start: int = 0


@dataclass(frozen=True)
class Slide:
    title: str
    blocks: tuple[Block, ...] = ()
    text: str = ""  # a sentence that stands in for the list, such as "No vote has been held yet."
    subtitle: tuple[str, ...] = ()  # the title slide's lines under its title
    notes: str = ""
    is_title: bool = False
    lines: float = field(default=0.0, compare=False)

    @property
    def title_lines(self) -> int:
        """1 for a title that fits a line at full size, else how many lines it takes at the smaller size."""
        if text_lines(self.title, TITLE_CHARS_PER_LINE) == 1:
            return 1
        return text_lines(self.title, LONG_TITLE_CHARS_PER_LINE)

    @property
    def long_title(self) -> bool:
        return self.title_lines > 1


def clean(text: str) -> str:
    """One line of slide text: no control characters, no line breaks, no runs of spaces."""
    text = "".join(" " if ord(ch) in _UNWANTED or 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in str(text))
    return " ".join(text.split())


def is_right_to_left(text: str) -> bool:
    """True when the first letter with a direction is of a right-to-left script (Arabic, Hebrew, ...)."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def text_lines(text: str, chars_per_line: int = CHARS_PER_LINE) -> int:
    width = sum(
        2 if unicodedata.east_asian_width(ch) in ("W", "F") else CAPITAL_WIDTH if ch.isupper() else 1 for ch in text
    )
    return max(1, math.ceil(width / chars_per_line))


def item_lines(text: str) -> float:
    return text_lines(text) + ITEM_GAP_LINES


def paginate(title: str, blocks: list[Block], *, notes: str = "") -> list[Slide]:
    """The blocks over as many slides as they need; a block that does not fit goes on over the next slide."""
    title = clean(title)
    # The room a slide's title leaves for its body, reckoned on the longer, continued, title.
    budget = LINES_PER_SLIDE - LONG_TITLE_LINE_COST * (Slide(title=f"{title} (continued)").title_lines - 1)
    slides: list[Slide] = []
    current: list[Block] = []
    used = 0.0

    def finish() -> None:
        nonlocal current, used
        name = title if not slides else f"{title} (continued)"
        slides.append(Slide(title=name, blocks=tuple(current), notes=notes, lines=used))
        current, used = [], 0.0

    for block in blocks:
        items = [clean(item) for item in block.items]
        heading = clean(block.heading)
        number = block.start
        part = 0
        while items:
            head_cost = HEADING_LINES if heading else 0.0
            if current and used + head_cost + item_lines(items[0]) > budget:
                finish()
            used += head_cost
            taken: list[str] = []
            # At least one item a slide, so an item longer than a slide still gets one of its own.
            while items and (not taken or used + item_lines(items[0]) <= budget):
                used += item_lines(items[0])
                taken.append(items.pop(0))
            label = f"{heading} (continued)" if part and heading else heading
            current.append(Block(heading=label, items=tuple(taken), start=number))
            number += len(taken) if number else 0
            part += 1
            if items:
                finish()
    if current or not slides:
        finish()
    return slides


def sentence_slide(title: str, text: str, *, notes: str = "") -> Slide:
    text = clean(text)
    return Slide(title=clean(title), text=text, notes=notes, lines=float(text_lines(text)))


# The slides


def title_slide(review: Review) -> Slide:
    when = (
        f"Feedback and prioritisation conference, {date_format(review.conference_date, 'j F Y')}"
        if review.conference_date
        else "Feedback and prioritisation conference (date to be confirmed)"
    )
    return Slide(
        title=clean(f"Feedback to {review.council.name}"),
        subtitle=(clean(review.title), when),
        is_title=True,
        notes="The peer team's feedback: what we looked at, what we did, what we found and the priorities voted.",
    )


def scope_slides(review: Review) -> list[Slide]:
    focus = list(scope.focus_areas(review))
    blocks = [
        Block("Scope areas", tuple(area.title for area in scope.scope_areas(review))),
        Block("Focus areas", tuple(area.title for area in focus if area.kind == FocusArea.Kind.FOCUS)),
        Block(
            "Specific circumstances", tuple(area.title for area in focus if area.kind == FocusArea.Kind.CIRCUMSTANCE)
        ),
    ]
    blocks = [block for block in blocks if block.items]
    if not blocks:
        return [sentence_slide("Scope of the review", "The review's framework names no scope areas yet.")]
    return paginate("Scope of the review", blocks)


def activity_slides(review: Review) -> list[Slide]:
    """Each stage's work in numbers, from the stage registry, so this app reads no other stage's records."""
    items = []
    for stage in stages.all_stages():
        if stage.slug == STAGE:
            continue
        progress = stages.progress_for(stage, [review])[review.pk]
        items.append(f"{stage.title}: {progress.summary or f'{progress.done} of {progress.total} done'}")
    if not items:
        return [sentence_slide("What the team did", "No stage of the review has recorded any work yet.")]
    return paginate("What the team did", [Block("", tuple(items))])


def finding_slides(review: Review) -> list[Slide]:
    findings = review.findings.filter(status__in=[Finding.Status.AGREED, Finding.Status.PUBLISHED])
    groups = findings_by_theme(review, findings.select_related("theme").order_by("theme__order", "priority", "pk"))
    if not any(group["strengths"] or group["areas"] for group in groups):
        return [
            sentence_slide(
                "What we found",
                "No findings have been agreed yet, so there are no strengths or areas for consideration to present.",
            )
        ]
    slides = []
    for group in groups:
        blocks = [
            Block(heading, tuple(finding.summary for finding in group[key]))
            for heading, key in (("Strengths", "strengths"), ("Areas for consideration", "areas"))
            if group[key]
        ]
        notes = "\n".join(
            clean(f"{finding.summary}: {finding.detail}" if finding.detail else finding.summary)
            for key in ("strengths", "areas")
            for finding in group[key]
        )
        if blocks:
            slides.extend(paginate(group["theme"].name, blocks, notes=notes))
        else:
            slides.append(sentence_slide(group["theme"].name, "No findings were agreed under this theme."))
    return slides


def points(score: int) -> str:
    return f"{score} point{'s' if score != 1 else ''}"


def priority_slides(review: Review) -> list[Slide]:
    """The priorities in rank order with their votes: those adopted from the vote, else the last closed round's."""
    title = "The priorities you voted for"
    priorities = list(review.priorities.numbered())
    if priorities:
        items = tuple(f"{priority.title} ({points(priority.votes)})" for priority in priorities)
        return paginate(title, [Block("In rank order, with the votes each received", items, start=1)])
    round_ = review.rounds.filter(status=Round.Status.CLOSED).order_by("-number").first()
    if round_ is None:
        return [sentence_slide(title, "No prioritisation vote has closed yet, so there are no results to show.")]
    rows = results(round_)
    items = tuple(f"{row['candidate'].title} ({points(row['score'])}{', tied' if row['tied'] else ''})" for row in rows)
    return paginate(
        title, [Block(f"Round {round_.number} in rank order, with the votes each received", items, start=1)]
    )


def next_steps_slides(review: Review) -> list[Slide]:
    steps = ["The council and its partners turn these priorities into an improvement plan: owners, dates and measures."]
    if review.letter_due:
        steps.append(f"The peer team's feedback letter follows by {date_format(review.letter_due, 'j F Y')}.")
    else:
        steps.append("The peer team's feedback letter follows the conference.")
    for label, day in (("first", review.followup_3_months), ("second", review.followup_12_months)):
        if day:
            steps.append(f"The {label} impact check is on {date_format(day, 'j F Y')}.")
    return paginate("Next steps", [Block("", tuple(steps))])


def presentation_context(review: Review) -> dict:
    slides = [
        title_slide(review),
        *scope_slides(review),
        *activity_slides(review),
        *finding_slides(review),
        *priority_slides(review),
        *next_steps_slides(review),
    ]
    return {
        "review": review,
        "slides": slides,
        "deck_title": clean(f"Feedback to {review.council.name}: {review.title}"),
        "generated_at": timezone.now(),
    }


def presentation_pptx(context: dict) -> bytes:
    """The deck as a PowerPoint file. The writer, and python-pptx with it, load only when a deck is made."""
    from .slides_pptx import write_pptx

    return write_pptx(context)


def add_demo_presentation(*, review: Review, user) -> None:
    """The demo's conference ends with its slides: a finished presentation, shared with the council; made once."""
    from reviews.models import Report, ReportSharing
    from reviews.tasks import render_report

    if review.reports.filter(kind=Report.Kind.PRESENTATION).exists():
        return
    report = Report.objects.create(review=review, kind=Report.Kind.PRESENTATION, version=1, requested_by=user)
    render_report(report_id=report.pk)  # here and now, so the demo is complete when seeding ends
    report.refresh_from_db()
    if report.status == Report.Status.DONE:  # only a finished report is ever shared
        Report.objects.filter(pk=report.pk).update(shared_with_host=True)
        ReportSharing.objects.create(report=report, action=ReportSharing.Action.SHARED, by=user)
