"""`make bench`: medians of the slow paths, each with a ratio to a small baseline measured in the same run.

Runs against a throwaway test database made from the configured one: PostgreSQL when DATABASE_URL names it,
SQLite otherwise; the output says which. `python -m benchmarks throughput` runs only the submission throughput,
`python -m benchmarks report` only the baseline report on a review of realistic size. `python -m benchmarks scale`
(`make bench-scale`) measures every page at national scale through gunicorn (benchmarks/national.py).
"""

import os
import statistics
import sys
import time

if sys.argv[1:2] == ["scale"]:
    from benchmarks.national import main as national_main

    raise SystemExit(national_main())

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from reviews.models import Council, Finding, Framework, Report, Review, ReviewMembership, Role  # noqa: E402
from reviews.services import build_report_pdf  # noqa: E402

from . import imports, questionnaires  # noqa: E402
from . import report as report_bench  # noqa: E402

RUNS = 5


def median_seconds(action) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def make_review(name: str, findings: int) -> Review:
    framework = Framework.objects.get(is_default=True)
    council = Council.objects.create(name=f"Benchmark Council {name}", ons_code=f"E{abs(hash(name)) % 10**8:08d}")
    review = Review.objects.create(
        council=council, framework=framework, grade_scale=framework.grade_scales.last(), title=f"Benchmark {name}"
    )
    themes = list(framework.themes.all())
    Finding.objects.bulk_create(
        Finding(
            review=review,
            theme=themes[index % len(themes)],
            kind=Finding.Kind.STRENGTH if index % 2 else Finding.Kind.AREA,
            summary=f"Benchmark finding {index}",
            detail="Seen in the cases mapped and confirmed in interviews. " * 4,
            stage="general",
        )
        for index in range(findings)
    )
    return review


def make_mapped_review(name: str, cases: int, events: int) -> Review:
    """A review whose cases each have a chronology cycling through the kinds the timescale rules watch."""
    import datetime

    from casemapping.models import Event, EventKind
    from reviews.models import Case, Partner, PartnerKind

    review = make_review(name, 0)
    agency = Partner.objects.create(council=review.council, name="Benchmark Police", kind=PartnerKind.objects.first())
    slugs = ["referral", "referral-decision", "strategy-discussion", "initial-cp-conference", "core-group",
             "review-cp-conference", "assessment-completed", "statutory-visit"]  # fmt: skip
    kinds = [EventKind.objects.get(slug=slug) for slug in slugs]
    start = datetime.date(2016, 1, 4)
    for number in range(cases):
        case = Case.objects.create(review=review, reference=f"B-{number}", age_band=Case.AgeBand.AGE_5_9)
        Event.objects.bulk_create(
            Event(
                review=review,
                case=case,
                date=start + datetime.timedelta(days=index * 3),
                sequence=1,
                kind=kinds[index % len(kinds)],
                agency=agency,
                summary="Benchmark event",
            )
            for index in range(events)
        )
    return review


def bench_timeliness() -> tuple:
    """The timeliness summary of a review of 200 cases with 100 events each, against 10 cases as the baseline."""
    from casemapping.services import review_timeliness

    results = {}
    for cases in (10, 200):
        review = make_mapped_review(f"timeliness-{cases}", cases, 100)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            review_timeliness(review)
        results[cases] = (median_seconds(lambda review=review: review_timeliness(review)), len(queries))
    (base, q1), (big, q2) = results[10], results[200]
    return ("timeliness summary (cases)", 10, base, 200, big, big / base, q1, q2)


def bench_agreement() -> tuple:
    """Agreement statistics over 500 regraded cases, against 10 as the baseline."""
    from audits.services import statistics as agreement_statistics
    from reviews.models import Case

    user = get_user_model().objects.create_user("bench-auditor", password="benchmark-password-123")
    results = {}
    for size in (10, 500):
        review = make_review(f"agreement-{size}", 0)
        cases = Case.objects.bulk_create(
            Case(review=review, reference=f"B-{index:04d}", age_band=Case.AgeBand.AGE_5_9) for index in range(size)
        )
        report_bench.add_regraded_audits(review, cases, user)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            agreement_statistics(review)
        results[size] = (median_seconds(lambda review=review: agreement_statistics(review)), len(queries))
    (base, q1), (big, q2) = results[10], results[500]
    return ("agreement statistics", 10, base, 500, big, big / base, q1, q2)


def main() -> None:
    if sys.argv[1:] == ["throughput"]:
        for line in questionnaires.submission_throughput():
            print(line)
        return
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {questionnaires.describe_database(connection.settings_dict)}")
    if sys.argv[1:] == ["report"]:
        try:
            for line in report_bench.bench_baseline_report(make_review):
                print(line)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        return
    try:
        user = get_user_model().objects.create_user("bench", password="benchmark-password-123")
        client = Client()
        client.force_login(user)
        rows = []
        for label, small, large in [("baseline report PDF", 10, 200), ("findings register page", 1, 500)]:
            results = {}
            for size in (small, large):
                review = make_review(f"{label}-{size}", size)
                ReviewMembership.objects.create(review=review, user=user, role=Role.LEAD)
                if label.startswith("baseline"):
                    report = Report(review=review, kind=Report.Kind.BASELINE, version=1)
                    results[size] = (median_seconds(lambda report=report: build_report_pdf(report)), None)
                else:
                    url = reverse("reviews:findings", args=[review.pk])
                    queries = []

                    def count(execute, sql, params, many, context, queries=queries):
                        queries.append(sql)
                        return execute(sql, params, many, context)

                    with connection.execute_wrapper(count):
                        response = client.get(url)
                    assert response.status_code == 200, response.status_code
                    results[size] = (median_seconds(lambda url=url: client.get(url)), len(queries))
            (base, base_queries), (big, big_queries) = results[small], results[large]
            rows.append((label, small, base, large, big, big / base, base_queries, big_queries))
        rows.append(bench_timeliness())
        rows += questionnaires.results_page(make_review("questionnaires", 0), user, median_seconds)
        rows.append(bench_agreement())
        import_rows, import_notes = imports.bench_imports(make_review, user)
        rows += import_rows
        print(f"{'benchmark':<26}{'small':>7}{'median s':>10}{'large':>7}{'median s':>10}{'ratio':>8}{'queries':>12}")
        for label, small, base, large, big, ratio, q1, q2 in rows:
            queries = f"{q1}/{q2}" if q1 is not None else "-"
            print(f"{label:<26}{small:>7}{base:>10.3f}{large:>7}{big:>10.3f}{ratio:>8.2f}{queries:>12}")
        for line in import_notes:
            print(line)
        for line in report_bench.bench_baseline_report(make_review):
            print(line)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for line in questionnaires.submission_throughput():
        print(line)


if __name__ == "__main__":
    main()
