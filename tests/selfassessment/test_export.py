"""The council's self assessment as a PDF and a Word document for its own sign-off, through the shared report
machinery: what the council wrote, never the peers' analysis."""

import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from selfassessment.models import Submission

from .factories import DocumentFactory, EntryFactory, PeerAnalysisFactory


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def written_entry(review, organiser):
    document = DocumentFactory(review=review, title="Front door audit 2026", created_by=organiser)
    entry = EntryFactory(
        review=review,
        what_we_know="Thresholds are applied consistently at the front door.",
        how_we_know="Monthly dip samples of contacts.",
        what_next="Refresh the threshold document with partners.",
        documents=[document],
    )
    PeerAnalysisFactory(entry=entry, commentary="Peers doubt the dip samples are independent.")
    Submission.objects.create(review=review, submitted_by=organiser)
    return entry


def test_the_sponsor_downloads_the_self_assessment_as_a_pdf(review, written_entry, sponsor_client):
    response = sponsor_client.get(reverse("selfassessment:export", args=[review.pk, "pdf"]))

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="self-assessment-review-{review.pk}.pdf"'
    assert "Thresholds are applied consistently at the front door." in text
    assert "Refresh the threshold document with partners." in text
    assert "Front door audit 2026" in text
    assert "Good" in text
    assert "Sign-off" in text
    assert "Peers doubt" not in text


def test_the_organiser_downloads_the_self_assessment_as_a_word_document(review, written_entry, organiser_client):
    response = organiser_client.get(reverse("selfassessment:export", args=[review.pk, "docx"]))

    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="self-assessment-review-{review.pk}.docx"'
    assert document.core_properties.title == f"Self assessment: {review.title}"
    assert "Monthly dip samples of contacts." in text
    assert "What we will do next" in text
    assert "Peers doubt" not in text


def test_an_unknown_format_is_not_found(review, written_entry, lead_client):
    response = lead_client.get(reverse("selfassessment:export", args=[review.pk, "xlsx"]))

    assert response.status_code == 404


def test_posting_to_the_export_is_refused(review, written_entry, lead_client):
    response = lead_client.post(reverse("selfassessment:export", args=[review.pk, "pdf"]))

    assert response.status_code == 405


def test_the_outsider_gets_404(review, written_entry, outsider_client):
    response = outsider_client.get(reverse("selfassessment:export", args=[review.pk, "pdf"]))

    assert response.status_code == 404


def test_the_self_assessment_page_links_to_both_downloads(review, written_entry, contributor_client):
    response = contributor_client.get(reverse("selfassessment:index", args=[review.pk]))

    content = response.content.decode()
    assert f'href="/reviews/{review.pk}/self-assessment/export/pdf/"' in content
    assert f'href="/reviews/{review.pk}/self-assessment/export/docx/"' in content
