"""Table imports through the real services, from CSV and from XLSX: the case sample and the council audits.

Each timed run imports the same file into a fresh review (made before the clock starts), so every run does
the whole work of a first import. One more run per import has a bad value in its last row and must save
nothing; one run of the largest XLSX audit import is repeated under tracemalloc for its peak memory.
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from audits.models import CouncilAudit
from audits.services import columns as audit_columns
from audits.services import domains, import_audits, review_tool
from casemapping.services import CASE_COLUMNS, import_cases
from reviews import exports
from reviews.models import Case, FocusArea, Partner, PartnerKind, Review
from reviews.tables import megabytes

SMALL_RUNS = 5
# A run of the large audit import takes tens of seconds (every row is saved on its own), so it gets fewer runs.
PLANS = [
    # kind, small size, large size, runs at the large size, label
    ("cases", 100, 2_000, 3, "cases"),
    ("audits", 500, 10_000, 2, "council audits"),
]
FORMATS = ("csv", "xlsx")


def _file(name: str, format: str, rows: list[list[str]]) -> tuple[str, bytes]:
    content = exports.to_csv(rows).encode("utf-8") if format == "csv" else exports.to_xlsx(rows, title="Rows")
    return f"{name}.{format}", content


def _timed(action: Callable[[], tuple[int, list]]) -> tuple[float, int, tuple[int, list]]:
    """Seconds and queries of one call, and what it returned."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
    return seconds, len(queries), result


# The case sample


def _case_review(make_review: Callable[[str, int], Review], name: str) -> Review:
    review = make_review(name, 0)
    Partner.objects.create(council=review.council, name="Benchmark Police", kind=PartnerKind.objects.first())
    return review


def _case_rows(size: int, bad_last: bool = False) -> list[list[str]]:
    circumstance = FocusArea.objects.filter(kind=FocusArea.Kind.CIRCUMSTANCE).values_list("title", flat=True).first()
    rows = [
        [f"C-{number:05d}", "5-9", "", "cin", "", "no", circumstance or "", "Benchmark Police"]
        for number in range(1, size + 1)
    ]
    if bad_last:
        rows[-1][1] = "ninety"
    return [CASE_COLUMNS, *rows]


def _import_cases(review: Review, name: str, content: bytes) -> tuple[int, list]:
    return import_cases(review=review, upload=SimpleUploadedFile(name, content))


# The council audits


def _audit_review(make_review: Callable[[str, int], Review], name: str, size: int) -> Review:
    """A fresh review with the cases the audit list names, made in bulk."""
    review = make_review(name, 0)
    Case.objects.bulk_create(
        Case(review=review, reference=f"C-{number:05d}", age_band=Case.AgeBand.AGE_5_9) for number in range(1, size + 1)
    )
    return review


def _audit_rows(review: Review, size: int, bad_last: bool = False) -> list[list[str]]:
    tool = review_tool(review)
    labels = [grade.label for grade in tool.grade_scale.grades.order_by("rank")]
    rows = [
        [f"C-{number:05d}", "Team manager", f"Team {number % 4}", "2025-01-15"]
        + [labels[(number + order) % len(labels)] for order in range(len(domains(tool)))]
        + [labels[number % len(labels)], "The child was seen alone and the plan was reviewed."]
        for number in range(1, size + 1)
    ]
    if bad_last:
        rows[-1][-2] = "Superb"
    return [audit_columns(tool), *rows]


def _import_audits(review: Review, name: str, content: bytes, user) -> tuple[int, list]:
    upload = SimpleUploadedFile(name, content)
    return import_audits(review=review, tool=review_tool(review), upload=upload, user=user)


def bench_imports(make_review: Callable[[str, int], Review], user) -> tuple[list[tuple], list[str]]:
    """Rows for the results table (median seconds, ratio and queries at each size), and lines to print after it."""
    rows, notes = [], []
    # Every fresh review has this one's audit tool, and the same case references, so one file serves all runs.
    sample = make_review("imports-tool", 0)
    for kind, small, large, large_runs, label in PLANS:
        for format in FORMATS:
            results = {}
            for size, count in ((small, SMALL_RUNS), (large, large_runs)):
                table = _case_rows(size) if kind == "cases" else _audit_rows(sample, size)
                name, content = _file(kind, format, table)
                measured = [
                    _one_run(make_review, user, kind, name, content, size, f"{format}-{run}") for run in range(count)
                ]
                results[size] = (statistics.median(seconds for seconds, _ in measured), measured[0][1])
            (base, q1), (big, q2) = results[small], results[large]
            rows.append((f"{label} import {format.upper()}", small, base, large, big, big / base, q1, q2))
            notes.append(_all_or_nothing(make_review, user, kind, format, large, label))
    notes.insert(
        0, "imports, runs at each size: " + "; ".join(f"{label} {SMALL_RUNS} and {runs}" for *_, runs, label in PLANS)
    )
    notes.append(_peak_memory(make_review, user, PLANS[-1][2]))
    return rows, notes


def _one_run(make_review, user, kind: str, name: str, content: bytes, size: int, run: str) -> tuple[float, int]:
    """Seconds and queries of one import of `content` into a fresh review, which must save every row."""
    if kind == "cases":
        review = _case_review(make_review, f"{kind}-{size}-{run}")
        seconds, queries, (created, errors) = _timed(lambda: _import_cases(review, name, content))
        saved = review.cases.count()
    else:
        review = _audit_review(make_review, f"{kind}-{size}-{run}", size)
        seconds, queries, (created, errors) = _timed(lambda: _import_audits(review, name, content, user))
        saved = CouncilAudit.objects.filter(review=review).count()
    assert (created, errors, saved) == (size, [], size), (name, size, errors[:3])
    return seconds, queries


def _all_or_nothing(make_review, user, kind: str, format: str, size: int, label: str) -> str:
    """One import whose last row has a bad value: it must report that row and save nothing."""
    if kind == "cases":
        review = _case_review(make_review, f"{kind}-{format}-{size}-bad")
        name, content = _file(kind, format, _case_rows(size, bad_last=True))
        created, errors = _import_cases(review, name, content)
        saved = review.cases.count()
    else:
        review = _audit_review(make_review, f"{kind}-{format}-{size}-bad", size)
        name, content = _file(kind, format, _audit_rows(review, size, bad_last=True))
        created, errors = _import_audits(review, name, content, user)
        saved = CouncilAudit.objects.filter(review=review).count()
    assert created == 0 and saved == 0, (kind, format, created, saved)
    assert [error.row for error in errors] == [size + 1], (kind, format, errors[:3])
    return (
        f"all or nothing, {label} {format.upper()} of {size:,} rows, a bad value in the last: "
        f"{saved} saved; {len(errors)} error: {errors[0]}"
    )


def _peak_memory(make_review, user, size: int) -> str:
    review = _audit_review(make_review, "audits-xlsx-memory", size)
    name, content = _file("audits", "xlsx", _audit_rows(review, size))
    tracemalloc.start()
    try:
        created, errors = _import_audits(review, name, content, user)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (created, errors) == (size, []), errors[:3]
    return (
        f"peak memory (tracemalloc), council audits import XLSX of {size:,} rows "
        f"(a {megabytes(len(content))} file): {megabytes(peak)}"
    )
