"""The baseline report's data: an executive summary, the scope seen through what the review found, each stage's
summary section, and the evidence index, in a number of queries that does not grow with findings or evidence.

Stages add their sections through the registry (`report_section`, `summary`, `chapter`); a stage with nothing
recorded yet gets a sentence saying so rather than empty tables. Case chronologies are not here: they are the
case mapping pack, a document of their own.
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import comparison, engagement, scope, stages
from .charts import findings_by_theme_chart
from .evidence import describe_evidence
from .models import Finding, FocusArea, Review

EMPTY_STAGE = "Nothing has been recorded in this stage yet."
TEMPLATE = "reports/baseline.html"


def _render(section: stages.ReportSection, review: Review, stage: stages.Stage) -> str:
    return render_to_string(section.template_name, {"review": review, "stage": stage, **section.context})


def report_chapters(review: Review) -> list[dict]:
    """The chapters stages add to the baseline report after the executive summary, in stage order."""
    chapters = []
    for stage in stages.all_stages():
        section = stage.chapter(review) if stage.chapter else None
        if section is not None:
            chapters.append(
                {
                    "title": section.context["title"],
                    "anchor": section.context["anchor"],
                    "html": _render(section, review, stage),
                }
            )
    return chapters


def stage_sections(review: Review) -> tuple[list[dict], list[dict]]:
    """Each stage's section of the report and its lines in the executive summary.

    A stage with nothing recorded gets one sentence in its section and nothing in the summary; a stage's summary
    reads the figures its section already computed, so nothing is worked out twice.
    """
    progress = {stage.slug: stages.progress_for(stage, [review])[review.pk] for stage in stages.all_stages()}
    sections, summaries = [], []
    for stage in stages.all_stages():
        stage_progress = progress[stage.slug]
        if stage_progress.total == 0:
            sections.append({"stage": stage, "progress": stage_progress, "html": "", "empty": EMPTY_STAGE})
            continue
        section = stage.report_section(review)
        sections.append({"stage": stage, "progress": stage_progress, "html": _render(section, review, stage)})
        summary = stage.summary(review, section.context) if stage.summary else None
        if summary is not None:
            summaries.append({"stage": stage, "html": _render(summary, review, stage)})
    return sections, summaries


def lenses(review: Review, findings: list[Finding]) -> list[dict]:
    """The scope areas, focus areas and specific circumstances, each with what the review found on it.

    Findings come from the list already loaded; the counts of documents and cases behind each take two queries.
    """
    scope_areas = list(
        scope.scope_areas(review).annotate(
            document_count=Count("documents", filter=Q(documents__review=review), distinct=True)
        )
    )
    focus_areas = list(
        scope.focus_areas(review).annotate(case_count=Count("cases", filter=Q(cases__review=review), distinct=True))
    )
    by_scope, by_focus = defaultdict(list), defaultdict(list)
    for finding in findings:
        if finding.scope_area_id:
            by_scope[finding.scope_area_id].append(finding)
        for area in finding.focus_areas.all():
            by_focus[area.pk].append(finding)

    def row(item, found: list[Finding], facts: str) -> dict:
        strengths = [f for f in found if f.kind == Finding.Kind.STRENGTH]
        areas = [f for f in found if f.kind != Finding.Kind.STRENGTH]
        stage_count = len({f.stage for f in found})
        return {"item": item, "strengths": strengths, "areas": areas, "facts": facts, "stage_count": stage_count}

    groups = [
        {
            "title": "Scope areas",
            "anchor": "scope-areas",
            "rows": [
                row(area, by_scope[area.pk], f"{area.document_count} document{'s' if area.document_count != 1 else ''}")
                for area in scope_areas
            ],
        }
    ]
    for kind, title, anchor in (
        (FocusArea.Kind.FOCUS, "Focus areas", "focus-areas"),
        (FocusArea.Kind.CIRCUMSTANCE, "Specific circumstances", "circumstances"),
    ):
        rows = []
        for area in focus_areas:
            if area.kind != kind:
                continue
            facts = (
                f"{area.case_count} case{'s' if area.case_count != 1 else ''} in the sample"
                if kind == (FocusArea.Kind.CIRCUMSTANCE)
                else ""
            )
            rows.append(row(area, by_focus[area.pk], facts))
        groups.append({"title": title, "anchor": anchor, "rows": rows})
    return groups


def baseline_context(review: Review) -> dict:
    findings = list(
        review.findings.all()
        .select_related("theme", "scope_area")
        .prefetch_related("evidence", "focus_areas")
        .order_by("theme__order", "kind", "priority", "pk")
    )
    themes = {theme.pk: {"theme": theme, "strengths": [], "areas": []} for theme in review.framework.themes.all()}
    for finding in findings:
        bucket = themes.setdefault(finding.theme_id, {"theme": finding.theme, "strengths": [], "areas": []})
        bucket["strengths" if finding.kind == Finding.Kind.STRENGTH else "areas"].append(finding)
    theme_rows = sorted(themes.values(), key=lambda row: row["theme"].order)
    theme_counts = [
        {"theme": row["theme"], "strengths": len(row["strengths"]), "areas": len(row["areas"])} for row in theme_rows
    ]
    evidence_items = [item for finding in findings for item in finding.evidence.all()]
    finding_of = {finding.pk: finding for finding in findings}
    evidence = [{**row, "finding": finding_of[row["item"].finding_id]} for row in describe_evidence(evidence_items)]
    sections, summaries = stage_sections(review)
    return {
        "review": review,
        "themes": theme_rows,
        "theme_counts": theme_counts,
        "chart": findings_by_theme_chart(theme_counts, chart_id="report-findings-by-theme") if findings else "",
        "finding_count": len(findings),
        "strength_count": sum(row["strengths"] for row in theme_counts),
        "area_count": sum(row["areas"] for row in theme_counts),
        "sections": sections,
        "summaries": summaries,
        "lenses": lenses(review, findings),
        "chapters": report_chapters(review),
        "evidence": evidence,
        "team": review.memberships.select_related("user").order_by("role", "user__last_name"),
        "generated_at": timezone.now(),
        **engagement.report_context(review),
        "comparison": comparison.compare_with_earlier(review),
    }


def baseline_docx(context: dict) -> bytes:
    """The baseline report as a Word document, from the same page as the PDF, for the council's own papers."""
    from .docx import html_to_docx  # python-docx loads when a Word copy is made, not with the app

    html = render_to_string(TEMPLATE, context)
    return html_to_docx(html, title=f"Baseline report: {context['review'].title}")
