"""The baseline report on a review of realistic size: end to end, against WeasyPrint's own time on its HTML.

The review: 60 cases with 20 chronology events each, all mapped at workshops; 40 council audits regraded by
the peers; 600 questionnaire responses; 60 findings with three evidence links each (an event, a regrade and a
document). The limit for the report is WeasyPrint's own time to lay out the final HTML; everything the
project adds (queries, templates, charts) must stay within a quarter of it.
"""

import datetime
import os
import statistics
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from reviews.models import (
    Case,
    DocumentVersion,
    EvidenceDocument,
    Finding,
    FindingEvidence,
    Partner,
    PartnerKind,
    Report,
    Review,
)
from reviews.pdf import render_html_to_pdf
from reviews.services import build_report, report_context

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CASES, EVENTS, AUDITS, RESPONSES, FINDINGS = 60, 20, 40, 600, 60


def add_regraded_audits(review: Review, cases: list, user) -> list:
    """A council audit of each case with its domain grades, each regraded by the peers; the validations."""
    from audits.models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation

    tool = AuditTool.objects.for_review(review)
    domains = list(tool.domains.all())
    grades = list(tool.grade_scale.grades.order_by("rank"))
    audits = CouncilAudit.objects.bulk_create(
        CouncilAudit(
            review=review,
            case=case,
            tool=tool,
            auditor_role="Team manager",
            auditor_team=f"Team {index % 4}",
            audit_date=datetime.date(2025, 11, 1),
            overall_grade=grades[index % len(grades)],
            narrative="Benchmark audit",
        )
        for index, case in enumerate(cases)
    )
    CouncilGrade.objects.bulk_create(
        CouncilGrade(audit=audit, domain=domain, grade=grades[(index + order) % len(grades)])
        for index, audit in enumerate(audits)
        for order, domain in enumerate(domains)
    )
    validations = Validation.objects.bulk_create(
        Validation(
            review=review,
            audit=audit,
            auditor=user,
            status=Validation.Status.REGRADED,
            overall_grade=grades[(index + index // 3) % len(grades)],
            submitted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
        )
        for index, audit in enumerate(audits)
    )
    PeerGrade.objects.bulk_create(
        PeerGrade(validation=validation, domain=domain, grade=grades[(index + order * 2) % len(grades)])
        for index, validation in enumerate(validations)
        for order, domain in enumerate(domains)
    )
    return validations


def build_realistic_review(make_review) -> Review:
    from audits.models import Validation
    from casemapping.models import Event, EventKind, LearningPoint, Workshop
    from focusgroups.library import ensure_library

    from .questionnaires import add_responses

    user = get_user_model().objects.create_user("bench-report", password="benchmark-password-123")
    review = make_review("realistic-report", 0)
    review.onsite_start, review.onsite_end = datetime.date(2026, 3, 2), datetime.date(2026, 3, 6)
    review.save()
    kinds = list(PartnerKind.objects.order_by("pk")[:4])
    agencies = [
        Partner.objects.create(council=review.council, name=f"Benchmark agency {index}", kind=kind)
        for index, kind in enumerate(kinds)
    ]
    slugs = ["referral", "referral-decision", "strategy-discussion", "initial-cp-conference", "core-group",
             "review-cp-conference", "assessment-completed", "statutory-visit"]  # fmt: skip
    event_kinds = [EventKind.objects.get(slug=slug) for slug in slugs]
    levels = list(review.council.threshold_levels.all())
    cases = Case.objects.bulk_create(
        Case(
            review=review,
            reference=f"R-{number:03d}",
            age_band=Case.AgeBand.AGE_5_9,
            threshold_level=levels[number % len(levels)] if levels else None,
        )
        for number in range(CASES)
    )
    start = datetime.date(2025, 1, 6)
    events = Event.objects.bulk_create(
        Event(
            review=review,
            case=case,
            date=start + datetime.timedelta(days=index * 4 + number % 5),
            sequence=1,
            kind=event_kinds[index % len(event_kinds)],
            agency=agencies[index % len(agencies)],
            summary=f"Event {index} of case {case.reference}: practitioners met and recorded the decision.",
        )
        for number, case in enumerate(cases)
        for index in range(EVENTS)
    )
    workshop = Workshop.objects.create(
        status=Workshop.Status.HELD,
        review=review,
        held_on=datetime.date(2026, 2, 10),
        facilitators="Peer lead and challenge manager",
    )
    workshop.cases.set(cases)
    themes = list(review.framework.themes.order_by("order"))
    for index in range(20):
        point = LearningPoint.objects.create(
            workshop=workshop, theme=themes[index % len(themes)], summary=f"Learning point {index}"
        )
        point.events.set(events[index * EVENTS : index * EVENTS + 3])

    validations = add_regraded_audits(review, cases[:AUDITS], user)
    library = ensure_library()
    for questionnaire in library[:3]:
        copy = questionnaire.copy_to(review)
        add_responses(copy, RESPONSES // 3)

    document = EvidenceDocument.objects.create(review=review, title="Multi-agency threshold document", created_by=user)
    DocumentVersion.objects.create(
        document=document,
        number=1,
        original_name="thresholds.pdf",
        content_type="application/pdf",
        uploaded_by=user,
        size=1,
        sha256="0" * 64,
    )
    scope_areas = list(review.framework.scope_areas.order_by("order"))
    findings = Finding.objects.bulk_create(
        Finding(
            review=review,
            theme=themes[index % len(themes)],
            scope_area=scope_areas[index % len(scope_areas)],
            kind=Finding.Kind.STRENGTH if index % 2 else Finding.Kind.AREA,
            summary=f"Finding {index}: partners share information promptly at the front door",
            detail="Seen in the cases mapped and confirmed in interviews. " * 3,
            stage="general",
            status=Finding.Status.AGREED,
            raised_by=user,
        )
        for index in range(FINDINGS)
    )
    event_type = ContentType.objects.get_for_model(Event)
    validation_type = ContentType.objects.get_for_model(Validation)
    document_type = ContentType.objects.get_for_model(EvidenceDocument)
    FindingEvidence.objects.bulk_create(
        item
        for index, finding in enumerate(findings)
        for item in (
            FindingEvidence(finding=finding, content_type=event_type, object_id=events[index * 7].pk, note="Seen"),
            FindingEvidence(
                finding=finding, content_type=validation_type, object_id=validations[index % AUDITS].pk, note=""
            ),
            FindingEvidence(finding=finding, content_type=document_type, object_id=document.pk, note=""),
        )
    )
    return review


def bench_baseline_report(make_review) -> list[str]:
    """Lines for the benchmark's output: end-to-end time, WeasyPrint's time on the same HTML, their ratio."""
    from django.template.loader import render_to_string

    review = build_realistic_review(make_review)
    report = Report(review=review, kind=Report.Kind.BASELINE, version=1)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    end_to_end, layout, sizes, pages = [], [], [], []
    for _ in range(RUNS):
        queries.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            built = build_report(report)
        end_to_end.append(time.perf_counter() - started)
        builder, context = report_context(report)
        html = render_to_string(builder.template_name, context)
        started = time.perf_counter()
        rendered = render_html_to_pdf(html)
        layout.append(time.perf_counter() - started)
        sizes.append(len(html))
        if os.environ.get("BENCH_REPORT_HTML"):  # keep the HTML to study its layout on its own
            Path(os.environ["BENCH_REPORT_HTML"]).write_text(html)
        pages.append(rendered.page_count)
    total, limit = statistics.median(end_to_end), statistics.median(layout)
    ratio = total / limit
    verdict = "pass" if total < 15 and ratio <= 1.25 else "FAIL"
    return [
        f"baseline report, realistic review ({CASES} cases x {EVENTS} events, {AUDITS} audits, "
        f"{RESPONSES} responses, {FINDINGS} findings x 3 evidence links):",
        f"  end to end {total:.2f} s; WeasyPrint alone on its HTML {limit:.2f} s; ratio {ratio:.2f} "
        f"(target: under 15 s and at most 1.25) {verdict}",
        f"  HTML {sizes[0] / 1024:.0f} KB, {pages[0]} pages, PDF {len(built.pdf) / 1024:.0f} KB, "
        f"{len(queries)} queries",
    ]
