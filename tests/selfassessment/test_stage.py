import io

from django.core.management import call_command
from pypdf import PdfReader

from reviews.models import DocumentVersion, EvidenceDocument, Report
from reviews.services import build_report_pdf
from selfassessment.models import DocumentRequest, Entry, PeerAnalysis, Submission
from selfassessment.stage import progress

from .factories import DocumentFactory, DocumentRequestFactory, EntryFactory, PeerAnalysisFactory


def counts() -> dict[str, int]:
    return {
        "entries": Entry.objects.count(),
        "entry history": Entry.history.count(),
        "analyses": PeerAnalysis.objects.count(),
        "requests": DocumentRequest.objects.count(),
        "request history": DocumentRequest.history.count(),
        "documents": EvidenceDocument.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "submissions": Submission.objects.count(),
    }


def test_the_demo_has_a_submitted_self_assessment_and_running_it_twice_changes_nothing(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == first
    # The earlier Northmoor review adds seven graded entries, each with a published peer analysis.
    assert (first["entries"], first["analyses"], first["requests"], first["documents"], first["submissions"]) == (
        7 + 7,
        5 + 7,
        8,
        12,
        1,
    )
    assert set(DocumentRequest.objects.values_list("status", flat=True)) == {
        "accepted",
        "uploaded",
        "returned",
        "requested",
    }


def test_progress_counts_submitted_entries_fulfilled_requests_and_overdue_ones(review):
    EntryFactory(review=review, status=Entry.Status.SUBMITTED)
    EntryFactory(review=review, scope_area=review.framework.scope_areas.get(order=2))
    DocumentRequestFactory(review=review, status=DocumentRequest.Status.ACCEPTED)
    DocumentRequestFactory(review=review, due_date="2020-01-01")

    result = progress(review)

    assert (result.done, result.total, result.overdue) == (2, 4, 1)
    assert result.status == "In progress"
    assert result.summary == ("1 of 2 entries submitted, 0 analysed by peers; 1 of 2 document requests fulfilled")


def test_a_review_with_nothing_set_up_has_not_started(review):
    assert progress(review).status == "Not started"


def test_the_baseline_report_shows_council_and_peer_grades_the_documents_and_findings(review, lead):
    grades = {grade.rank: grade for grade in review.grade_scale.grades.all()}
    entry = EntryFactory(review=review, grade=grades[1])
    PeerAnalysisFactory(entry=entry, grade=grades[4])
    DocumentFactory(review=review, title="Northmoor threshold document 2026")
    report = Report(review=review, kind=Report.Kind.BASELINE, version=1)

    pdf = build_report_pdf(report)

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Council grades beside peer grades" in text
    assert "1. Overall progress since the last inspection Outstanding Inadequate Council 3 grades higher" in text
    assert "Northmoor threshold document 2026" in text
