"""The baseline report as its readers get it: the executive summary first, summaries not chronologies, a sentence
for a stage with nothing yet, hostile text that cannot break the layout, and queries that do not grow."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from casemapping.models import Event, EventKind
from reviews.baseline import EMPTY_STAGE, baseline_context
from reviews.models import EvidenceDocument, Finding, FindingEvidence, Report
from reviews.pdf import REPORT_BASE_URL, StaticOnlyFetcher, break_long_words
from reviews.services import build_report

from ..factories import CaseFactory, FindingFactory, PartnerFactory

LONG_WORD = "Supercalifragilistic" * 12  # 240 characters with nowhere to break
RIGHT_TO_LEFT = "حماية الأطفال مسؤولية الجميع"
HEBREW = "הגנה על ילדים"
EMOJI = "Children said they felt safe 🙂👍🏽"
MARKUP = '<script>alert("x")</script><b>bold</b> & <a href="javascript:alert(1)">link</a>'


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def add_evidence(review, user, findings: int) -> None:
    """`findings` findings, each with an event and a document behind it."""
    kind = EventKind.objects.get(slug="referral")
    agency = PartnerFactory(council=review.council)
    document = EvidenceDocument.objects.create(review=review, title="Threshold document", created_by=user)
    theme = review.framework.themes.first()
    for index in range(findings):
        case = CaseFactory(review=review, reference=f"E-{index:03d}")
        event = Event.objects.create(
            review=review,
            case=case,
            date=datetime.date(2025, 1, 6),
            sequence=1,
            kind=kind,
            agency=agency,
            summary="Referral",
        )
        finding = FindingFactory(review=review, theme=theme, raised_by=user, summary=f"Finding {index}")
        for source in (event, document):
            FindingEvidence.objects.create(
                finding=finding, content_type=ContentType.objects.get_for_model(source), object_id=source.pk
            )


def test_building_the_report_runs_the_same_queries_for_one_finding_and_for_fifty(review, lead, other_review):
    add_evidence(review, lead, 1)
    add_evidence(other_review, lead, 50)
    baseline_context(review)  # the content types and the framework's rows are cached after the first build

    with CaptureQueriesContext(connection) as one:
        small = baseline_context(review)
    with CaptureQueriesContext(connection) as fifty:
        large = baseline_context(other_review)

    assert (len(small["evidence"]), len(large["evidence"])) == (2, 100)
    assert len(one) == len(fifty)
    assert {row["label"] for row in large["evidence"] if row["kind"] == "event"} >= {"E-049 6 Jan 2025: Referral"}


def test_the_executive_summary_comes_first_with_the_findings_by_theme(review, lead):
    FindingFactory(review=review, raised_by=lead, kind=Finding.Kind.STRENGTH, summary="Return interviews are prompt")
    FindingFactory(review=review, raised_by=lead, kind=Finding.Kind.AREA, summary="Plans lack measurable outcomes")

    built = build_report(Report(review=review, kind=Report.Kind.BASELINE, version=1))

    text = pdf_text(built.pdf)
    summary = text.index("Executive summary The peer team reviewed")
    scope = text.index("What the review found on its scope Each scope area")
    assert summary < text.index("Return interviews are prompt") < scope
    assert "It recorded 1 strength and 1 area for consideration" in text
    assert "Figure 1: Findings by theme" in text
    assert "Page 2 of" in text  # running footers with page numbers
    assert built.page_count == len(PdfReader(io.BytesIO(built.pdf)).pages)


def test_the_pdf_is_tagged_with_its_title_and_language(review):
    built = build_report(Report(review=review, kind=Report.Kind.BASELINE, version=1))

    reader = PdfReader(io.BytesIO(built.pdf))
    catalog = reader.trailer["/Root"]
    assert reader.metadata.title == f"Baseline report: {review.title}"
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog


def test_a_review_with_nothing_yet_gets_a_sentence_per_stage_not_empty_tables(review):
    context = baseline_context(review)

    assert all(section["empty"] == EMPTY_STAGE and section["html"] == "" for section in context["sections"])
    text = pdf_text(build_report(Report(review=review, kind=Report.Kind.BASELINE, version=1)).pdf)
    assert text.count(EMPTY_STAGE) == len(context["sections"])
    assert "The peer team has not recorded any findings yet." in text
    assert "No evidence has been linked to findings yet." in text


def test_a_mapped_case_without_a_chronology_gets_no_timeline(review, lead):
    from casemapping.models import Workshop

    case = CaseFactory(review=review, reference="C-EMPTY")
    workshop = Workshop.objects.create(
        status=Workshop.Status.HELD, review=review, held_on=datetime.date(2026, 2, 1), facilitators="Peer lead"
    )
    workshop.cases.add(case)

    text = pdf_text(build_report(Report(review=review, kind=Report.Kind.CASE_MAPPING_PACK, version=1)).pdf)

    assert "No chronology has been recorded for this case." in text
    assert "timeline" not in text.lower().replace("multi-agency chronology", "")


def overflowing(document) -> list[str]:
    """Text that reaches past the right edge of the block or table cell holding it (or of its page)."""
    found = []

    def walk(box, right_edge):
        if isinstance(box, boxes.BlockContainerBox) and box.width:
            right_edge = min(right_edge, box.content_box_x() + box.width)
        if isinstance(box, boxes.TextBox) and box.width and box.position_x + box.width > right_edge + 1:
            found.append(box.text[:40])
        for child in getattr(box, "children", None) or []:
            walk(child, right_edge)

    for page in document.pages:
        page_box = page._page_box
        walk(page_box, page_box.content_box_x() + page_box.width)
    return found


@pytest.mark.parametrize("text", [LONG_WORD, RIGHT_TO_LEFT, HEBREW, EMOJI, MARKUP, f"{MARKUP} {LONG_WORD} {EMOJI}"])
def test_hostile_text_renders_escaped_and_inside_the_page(review, lead, text):
    finding = FindingFactory(review=review, raised_by=lead, summary=text[:300], detail=text)
    CaseFactory(review=review, reference=LONG_WORD[:30])  # the longest reference a case may have
    review.title = f"Review {text}"[:200]
    review.save()
    context = baseline_context(review)
    html = render_to_string("reports/baseline.html", {**context, "report": Report(version=1)})

    assert "<script>" not in html and "<b>bold</b>" not in html
    document = HTML(string=break_long_words(html), base_url=REPORT_BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    assert overflowing(document) == []
    extracted = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(document.write_pdf(pdf_variant="pdf/ua-1"))).pages
    )
    readable = extracted.replace("\x00", "").replace("\u200b", "").replace("\n", "")  # emoji fonts extract as UTF-16
    assert finding.summary[:12] in readable


def test_long_words_get_break_opportunities_only_in_text():
    html = f'<p title="{LONG_WORD}">{LONG_WORD}</p><p>short words stay as they are &amp; entities too</p>'

    softened = break_long_words(html)

    assert f'title="{LONG_WORD}"' in softened
    assert softened.count("\u200b") == len(LONG_WORD) // 10 - 1
    assert softened.replace("\u200b", "") == html
    assert "short words stay as they are &amp; entities too" in softened


def test_the_baseline_report_comes_as_a_word_document_from_the_same_page(review, lead):
    FindingFactory(review=review, raised_by=lead, kind=Finding.Kind.STRENGTH, summary="Return interviews are prompt")
    from docx import Document

    built = build_report(Report(review=review, kind=Report.Kind.BASELINE, version=1))

    document = Document(io.BytesIO(built.office_files["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.core_properties.title == f"Baseline report: {review.title}"
    assert headings[:2] == [review.title, "Executive summary"]
    assert "Contents" not in headings  # page numbers mean nothing in Word
    assert "Return interviews are prompt" in text
    assert "Evidence index" in headings


@pytest.mark.django_db
def test_the_demo_shows_a_finished_baseline_report_and_case_mapping_pack_made_once(settings):
    from django.core.management import call_command

    settings.DEBUG = True  # the demo's default password needs debug, as in the quick start
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    reports = {report.kind: report for report in Report.objects.filter(kind__in=["baseline", "case_mapping_pack"])}
    assert sorted(reports) == ["baseline", "case_mapping_pack"]
    baseline, pack = reports["baseline"], reports["case_mapping_pack"]
    assert (baseline.status, baseline.formats(), baseline.shared_with_host) == ("done", ["pdf", "docx"], True)
    assert (pack.status, pack.formats(), pack.shared_with_host) == ("done", ["pdf"], False)
    assert baseline.page_count > 10 and pack.page_count > 3
    with pack.file.open("rb") as handle:
        assert "Chronology of case NM-C01" in pdf_text(handle.read())
