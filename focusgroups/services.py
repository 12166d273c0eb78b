"""Workflows that span models: submitting a response with its alerts, results with suppression, coding."""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from reviews import derived, exports, scope
from reviews.models import Finding, FindingEvidence, FocusArea, Review

from . import alerts, sentences
from .models import (
    Answer,
    Code,
    Coding,
    FocusGroup,
    Question,
    Questionnaire,
    QuestionnaireSettings,
    Response,
    SafeguardingAlert,
    Segment,
)

logger = logging.getLogger(__name__)

STAGE = "focus-groups"
SUPPRESSED = None  # a suppressed cell; pages and exports show it as SUPPRESSED_LABEL
SUPPRESSED_LABEL = "*"


# Submitting


@transaction.atomic
def submit_response(
    *,
    questionnaire: Questionnaire,
    answers: dict[Question, object],
    segment: Segment | None,
    mode: str,
    site_url: str = "",
) -> tuple[Response, SafeguardingAlert | None]:
    """Store one response and raise one safeguarding alert if any answer needs it. Never silent.

    `site_url` (such as https://peer-review.example/) makes the link in the alert email absolute.
    """
    config = QuestionnaireSettings.for_review(questionnaire.review)
    response = Response.objects.create(questionnaire=questionnaire, segment=segment, mode=mode)
    rows = []
    reasons = []
    for question, given in answers.items():
        if given in (None, "", [], ()):
            continue
        rows += _answer_rows(response, question, given)
        # Each answer is judged on its own: whether it raises a concern never depends on the answers before it.
        concern = alerts.answer_concern(config, question, given, about_a_child=questionnaire.answers_about_a_child)
        if concern is not None:
            reasons.append(concern[0])
    Answer.objects.bulk_create(rows)
    derived.changed(questionnaire.review_id)
    alert = None
    if reasons:
        alert = alerts.raise_alert(
            questionnaire=questionnaire, response=response, rows=rows, reasons=reasons, site_url=site_url
        )
    return response, alert


def _answer_rows(response: Response, question: Question, given: object) -> list[Answer]:
    if question.kind == Question.Kind.MULTIPLE:
        return [Answer(response=response, question=question, choice=choice) for choice in given]
    if question.kind == Question.Kind.SINGLE:
        return [Answer(response=response, question=question, choice=given)]
    if question.kind == Question.Kind.TEXT:
        return [Answer(response=response, question=question, text=given)]
    return [Answer(response=response, question=question, value=int(given))]


# Results


@dataclass
class Table:
    """A question's counts: rows are answers, columns are groups (segments, or age bands), then the total."""

    question: Question
    columns: list[str]
    rows: list[dict] = field(default_factory=list)  # {"label", "cells": [count|None], "percents": [..]}
    bases: list[int | None] = field(default_factory=list)  # respondents per column, None when suppressed
    suppressed: bool = False


def suppress(bases: list[int], minimum: int) -> list[bool]:
    """Which groups (columns) of one table to hide, given each group's respondents (the last is their total).

    Applied within one table of one questionnaire's results, never across questionnaires: the groups are the
    segments answering one question. Primary: a group below the minimum. Complementary: if exactly one group
    is hidden while the total is shown, it could be worked out from the total, so the next smallest group of
    the same table is hidden too.
    """
    *groups, total = bases
    hidden = [0 < count < minimum for count in groups]
    if total < minimum:
        return [True] * len(bases)
    if sum(hidden) == 1:
        shown = [(count, index) for index, count in enumerate(groups) if not hidden[index] and count > 0]
        if shown:
            hidden[min(shown)[1]] = True
        else:
            return [True] * len(bases)
    return [*hidden, False]


def suppress_versions(bases: list[int], minimum: int) -> list[bool]:
    """Which columns of a core question's table to hide, where each column is a different questionnaire.

    Primary: a questionnaire's column below the minimum. Complementary suppression never reaches into another
    questionnaire: if exactly one column is hidden, the total ("All versions") is hidden instead, so the hidden
    one cannot be worked out from it. A total below the minimum is hidden with every column.
    """
    *groups, total = bases
    hidden = [0 < count < minimum for count in groups]
    if total < minimum:
        return [True] * len(bases)
    return [*hidden, sum(hidden) == 1]


def question_tables(questionnaire: Questionnaire, minimum: int) -> list[Table]:
    """Counts for every scale and choice question by segment, in two queries whatever the number of responses."""
    questions = list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .exclude(kind=Question.Kind.TEXT)
        .select_related("theme", "section")
        .order_by("section__order", "order")
    )
    segments = list(Segment.objects.filter(review_id=questionnaire.review_id).order_by("name"))
    counts = defaultdict(int)
    respondents = defaultdict(int)
    for row in (
        Answer.objects.filter(question__in=questions)
        .values("question_id", "value", "choice", "response__segment_id")
        .annotate(n=Count("id"), people=Count("response_id", distinct=True))
        .order_by()
    ):
        answer = str(row["value"]) if row["value"] is not None else row["choice"]
        counts[(row["question_id"], answer, row["response__segment_id"])] += row["n"]
    for row in (
        Answer.objects.filter(question__in=questions)
        .values("question_id", "response__segment_id")
        .annotate(people=Count("response_id", distinct=True))
        .order_by()
    ):
        respondents[(row["question_id"], row["response__segment_id"])] = row["people"]
    group_ids = [segment.pk for segment in segments] + [None]
    group_names = [segment.name for segment in segments] + ["No segment given"]
    tables = []
    for question in questions:
        bases = [respondents[(question.pk, group)] for group in group_ids]
        keep = [index for index, base in enumerate(bases) if base]
        columns = [group_names[index] for index in keep] + ["All respondents"]
        column_bases = [bases[index] for index in keep] + [sum(bases)]
        hidden = suppress(column_bases, minimum)
        table = Table(
            question=question,
            columns=columns,
            bases=[None if hide else base for base, hide in zip(column_bases, hidden, strict=True)],
            suppressed=hidden[-1],
        )
        for value, label in question.options():
            cells = [counts[(question.pk, value, group_ids[index])] for index in keep]
            cells.append(sum(cells))
            shown_cells = [None if hide else cell for cell, hide in zip(cells, hidden, strict=True)]
            percents = [
                None if hide or not base else round(100 * cell / base)
                for cell, base, hide in zip(cells, column_bases, hidden, strict=True)
            ]
            table.rows.append(
                {
                    "label": label,
                    "cells": shown_cells,
                    "percents": percents,
                    "pairs": [{"count": c, "percent": p} for c, p in zip(shown_cells, percents, strict=True)],
                }
            )
        tables.append(table)
    return tables


def core_tables(review: Review, minimum: int) -> list[Table]:
    """Core questions shared by age-banded versions, compared across the versions, in two queries."""
    questions = list(
        Question.objects.filter(section__questionnaire__review=review)
        .exclude(core_key="")
        .exclude(kind=Question.Kind.TEXT)
        .select_related("section__questionnaire", "theme")
        .order_by("core_key", "section__questionnaire__age_band", "pk")
    )
    counts = defaultdict(int)
    for row in (
        Answer.objects.filter(question__in=questions)
        .values("question_id", "value", "choice")
        .annotate(n=Count("id"))
        .order_by()
    ):
        answer = str(row["value"]) if row["value"] is not None else row["choice"]
        counts[(row["question_id"], answer)] += row["n"]
    respondents = dict(
        Answer.objects.filter(question__in=questions)
        .values_list("question_id")
        .annotate(people=Count("response_id", distinct=True))
        .order_by()
    )
    by_key: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_key[question.core_key].append(question)
    tables = []
    for versions in by_key.values():
        if len(versions) < 2:
            continue
        first = versions[0]
        bases = [respondents.get(question.pk, 0) for question in versions]
        bases.append(sum(bases))
        hidden = suppress_versions(bases, minimum)
        columns = [
            question.section.questionnaire.get_age_band_display()
            if question.section.questionnaire.age_band
            else question.section.questionnaire.title
            for question in versions
        ] + ["All versions"]
        table = Table(
            question=first,
            columns=columns,
            bases=[None if hide else base for base, hide in zip(bases, hidden, strict=True)],
            suppressed=all(hidden),
        )
        for value, label in first.options():
            cells = [counts[(question.pk, value)] for question in versions]
            cells.append(sum(cells))
            shown = [None if hide else cell for cell, hide in zip(cells, hidden, strict=True)]
            percents = [
                None if hide or not base else round(100 * cell / base)
                for cell, base, hide in zip(cells, bases, hidden, strict=True)
            ]
            table.rows.append(
                {
                    "label": label,
                    "cells": shown,
                    "percents": percents,
                    "pairs": [{"count": c, "percent": p} for c, p in zip(shown, percents, strict=True)],
                }
            )
        tables.append(table)
    return tables


def text_answers_by_theme(questionnaire: Questionnaire, config: QuestionnaireSettings) -> list[dict]:
    """Free-text answers grouped by their question's theme; a question with fewer than the minimum shows none.

    An answer whose words may be a disclosure (focusgroups/concerns.py, as the rule reads now), or whose response
    raised a safeguarding alert, is withheld: it stays with those who may read alerts, on the alert, and is only
    counted here. One query: each answer carries its question's answer count and whether its response raised an
    alert, and only those at the minimum or above are read.
    """
    per_question = (
        Answer.objects.filter(question=OuterRef("question"))
        .exclude(text="")
        .values("question")
        .annotate(n=Count("id"))
        .values("n")
    )
    answers = list(
        Answer.objects.filter(question__section__questionnaire=questionnaire, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .annotate(
            answers_to_question=Subquery(per_question),
            alerted=Exists(SafeguardingAlert.objects.filter(response=OuterRef("response"))),
        )
        .select_related("question__theme")
        .order_by("question__theme__order", "question_id", "pk")
    )
    about_a_child = questionnaire.answers_about_a_child
    groups: dict[str, dict] = {}
    hidden = set()
    withheld = 0
    for answer in answers:
        if answer.answers_to_question < config.minimum_text_group:
            hidden.add(answer.question_id)
            continue
        if answer.alerted or config.concern_in(answer.text, about_a_child=about_a_child):
            withheld += 1
            continue
        name = answer.question.theme.name if answer.question.theme_id else "Not tagged with a theme"
        group = groups.setdefault(name, {"theme": name, "answers": [], "questions": {}})
        group["answers"].append(answer)
        # Each question is shown once, with its answers under it.
        group["questions"].setdefault(answer.question_id, {"question": answer.question, "answers": []})
        group["questions"][answer.question_id]["answers"].append(answer)
    for group in groups.values():
        group["questions"] = list(group["questions"].values())
    left_out = {"theme": None, "hidden": len(hidden), "withheld": withheld}
    return [*groups.values(), *([left_out] if hidden or withheld else [])]


def audience_summary(review: Review, minimum: int) -> list[dict]:
    """Responses by questionnaire (audience and age band), in one query.

    A whole questionnaire's number of responses is never suppressed: it says how many answered, not what
    any group answered, and suppression belongs to the tables of one questionnaire's results (`suppress`).
    `minimum` is kept for callers; results below it are hidden in those tables, not here.
    """
    questionnaires = list(
        review.questionnaires.annotate(response_count=Count("responses")).order_by("audience", "age_band", "title")
    )
    return [
        {"questionnaire": questionnaire, "responses": questionnaire.response_count} for questionnaire in questionnaires
    ]


def theme_scores(review: Review, minimum: int) -> list[dict]:
    """The share of positive answers (agree, always or more often, 7 or more) per theme, in one query."""
    positive = (
        Q(question__kind=Question.Kind.AGREE, value__gte=4)
        | Q(question__kind=Question.Kind.FREQUENCY, value__gte=3)
        | Q(question__kind=Question.Kind.SCORE, value__gte=7)
    )
    rows = (
        Answer.objects.filter(
            question__section__questionnaire__review=review,
            question__kind__in=[Question.Kind.AGREE, Question.Kind.FREQUENCY, Question.Kind.SCORE],
            question__theme__isnull=False,
        )
        .values("question__theme__name", "question__theme__order")
        .annotate(
            answers=Count("id"),
            people=Count("response_id", distinct=True),
            positive=Count("id", filter=positive),
        )
        .order_by("question__theme__order")
    )
    return [
        {
            "theme": row["question__theme__name"],
            "answers": row["answers"] if row["people"] >= minimum else None,
            "percent": round(100 * row["positive"] / row["answers"]) if row["people"] >= minimum else None,
        }
        for row in rows
    ]


# Exports


def safe_cell(value: object) -> object:
    """Suppressed cells become the suppression mark; the export writer keeps formula-like text as text."""
    return SUPPRESSED_LABEL if value is None else value


def export_rows(tables: list[Table]) -> list[list[object]]:
    rows: list[list[object]] = [["Section", "Question", "Theme", "Answer", "Group", "Count", "Percent"]]
    for table in tables:
        question = table.question
        theme = question.theme.name if question.theme_id else ""
        for column, base in zip(table.columns, table.bases, strict=True):
            rows.append([question.section.title, question.text, theme, "Respondents", column, base, ""])
        for row in table.rows:
            for column, cell, percent in zip(table.columns, row["cells"], row["percents"], strict=True):
                rows.append([question.section.title, question.text, theme, row["label"], column, cell, percent])
    return [[safe_cell(value) for value in row] for row in rows]


def to_csv(rows: list[list[object]]) -> str:
    return exports.to_csv(rows)


def to_xlsx(rows: list[list[object]], title: str) -> bytes:
    return exports.to_xlsx(rows, title=title)


# Coding


class CodingError(ValueError):
    pass


def passages(text: str) -> list[dict]:
    """Paragraphs and their sentences with offsets, so passages can be coded without JavaScript."""
    paragraphs = []
    for match in re.finditer(r"[^\n]+", text):
        if not match.group().strip():
            continue
        found = [
            {"start": match.start() + begin, "end": match.start() + end, "text": match.group()[begin:end]}
            for begin, end in sentences.spans(match.group())
        ]
        paragraphs.append({"start": match.start(), "end": match.end(), "text": match.group(), "sentences": found})
    return paragraphs


def code_passage(
    *, group: FocusGroup, code: Code, start: int, end: int, coder, version: int, quote: str = ""
) -> Coding:
    """Tag a passage of the notes. The notes must be the version the coder read; the passage must be in them."""
    with transaction.atomic():
        locked = FocusGroup.objects.select_for_update().get(pk=group.pk)
        if locked.version != version:
            raise CodingError(
                "The notes have changed since you opened them. Reload the page and code the passage again."
            )
        if quote:
            start = locked.notes.find(quote)
            if start < 0:
                raise CodingError("That passage is not in the notes. Copy it exactly from the notes.")
            end = start + len(quote)
        if not 0 <= start < end <= len(locked.notes):
            raise CodingError("That passage is not in the notes.")
        coding, _ = Coding.objects.get_or_create(
            review_id=locked.review_id,
            code=code,
            focus_group=locked,
            start=start,
            end=end,
            defaults={"quote": locked.notes[start:end], "coder": coder},
        )
        return coding


def code_answer(*, answer: Answer, code: Code, coder) -> Coding:
    coding, _ = Coding.objects.get_or_create(
        review_id=code.review_id,
        code=code,
        answer=answer,
        defaults={"start": 0, "end": len(answer.text), "quote": answer.text, "coder": coder},
    )
    return coding


def save_notes(*, group: FocusGroup, notes: str, version: int) -> FocusGroup:
    """Save new notes unless someone saved since `version`, moving each coding to where its passage now is."""
    with transaction.atomic():
        locked = FocusGroup.objects.select_for_update().get(pk=group.pk)
        if locked.version != version:
            raise CodingError(
                "Someone else saved these notes since you opened them. Your text is below: copy it, reload and try again."
            )
        codings = list(locked.codings.select_for_update())
        for coding in codings:
            coding.start, coding.end, coding.detached = relocate(coding, notes)
        locked.notes = notes
        locked.version += 1
        locked.save(update_fields=["notes", "version"])
        Coding.objects.bulk_update(codings, ["start", "end", "detached"])
        return locked


def relocate(coding: Coding, notes: str) -> tuple[int, int, bool]:
    """Where the coded quote now is: the occurrence nearest the old place; detached if it is gone."""
    occurrences = [match.start() for match in re.finditer(re.escape(coding.quote), notes)]
    if not occurrences:
        return coding.start, coding.end, True
    start = min(occurrences, key=lambda position: abs(position - coding.start))
    return start, start + len(coding.quote), False


def raise_finding_from_coding(*, coding: Coding, finding: Finding, user, focus_areas: list[FocusArea] = ()) -> Finding:
    """Save the finding with its focus areas and link the coded passage as its evidence, together."""
    with transaction.atomic():
        finding.review_id = coding.review_id
        finding.stage = STAGE
        finding.raised_by = user
        finding.save()
        finding.focus_areas.set(focus_areas)
        FindingEvidence.objects.create(finding=finding, source=coding, note=coding.quote[:500], added_by=user)
    return finding


def ensure_codebook(review: Review) -> None:
    """Give the review a code for each theme of its framework and each scope area, focus area and specific
    circumstance in its scope (from `reviews.scope`), so coding can start at once. Made once each, in four
    queries; a code the team named the same already stands for it. Checked again only after the review (its
    scope) or Django admin (its framework's themes) changed something: the pages that call it are viewed often."""
    derived.cached(f"codebook-{review.pk}", [review.pk], lambda: _make_codebook(review))


def _make_codebook(review: Review) -> bool:
    linked = set()
    names = set()
    for theme_id, scope_id, focus_id, name in Code.objects.filter(review=review).values_list(
        "theme_id", "scope_area_id", "focus_area_id", "name"
    ):
        linked |= {("theme", theme_id), ("scope_area", scope_id), ("focus_area", focus_id)}
        names.add(name.lower())
    wanted = [("theme", theme, theme.name) for theme in review.framework.themes.order_by("order")]
    wanted += [("scope_area", area, area.title) for area in scope.scope_areas(review)]
    wanted += [("focus_area", area, area.title) for area in scope.focus_areas(review)]
    new = []
    for field_name, item, name in wanted:
        name = name[:200]
        if (field_name, item.pk) in linked or name.lower() in names:
            continue
        names.add(name.lower())
        new.append(Code(review=review, name=name, **{field_name: item}))
    if new:
        Code.objects.bulk_create(new, ignore_conflicts=True)
    return True  # kept: the codebook is whole for this generation of the review


def coded_themes(review: Review) -> list[dict]:
    """Each code with its passage count, in one query."""
    return list(
        Code.objects.filter(review=review)
        .annotate(passages=Count("codings"))
        .order_by("parent_id", "name")
        .values("pk", "name", "parent__name", "passages", "theme__name", "scope_area__title", "focus_area__title")
    )
