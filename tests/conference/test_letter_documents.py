"""The letter as a PDF and as a Word document: the same sanitised HTML, addressed and signed."""

import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from conference import letter as letters
from conference.models import Letter
from reviews.docx import DOCX_CONTENT_TYPE
from reviews.models import AccessLog, ReviewMembership
from tests.reviews.test_reports import pdf_text

DRAFT = {"addressee_name": "Ruth Calloway", "addressee_role": "Director of Children's Services"}


@pytest.fixture
def signed(review, lead):
    ReviewMembership.objects.filter(review=review, user=lead).update(
        job_title="Director of Children's Services", organisation="Fenby City Council"
    )
    lead.first_name, lead.last_name = "Helen", "Ashdown"
    lead.save()
    return letters.generate_letter(review=review, user=lead, **DRAFT)


def test_the_pdf_has_the_salutation_and_the_sign_off(review, signed, lead_client):
    response = lead_client.get(reverse("conference:letter_pdf", args=[review.pk]))

    text = pdf_text(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="feedback-letter-review-{review.pk}.pdf"'
    assert "Dear Ruth Calloway," in text
    assert "Yours sincerely, Helen Ashdown Director of Children's Services, Fenby City Council" in text
    assert reader.metadata.title == f"Feedback letter: {review.title}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_the_pdf_keeps_the_formatting_and_drops_nothing_of_the_text(review, lead, lead_client):
    Letter.objects.create(
        review=review, body="<h2>Headline messages</h2>\n<ul><li>The front door <strong>works well</strong>.</li></ul>"
    )

    response = lead_client.get(reverse("conference:letter_pdf", args=[review.pk]))

    assert "Headline messages" in pdf_text(response.content)
    assert "The front door works well." in pdf_text(response.content)


def test_the_word_copy_reads_back_with_headings_lists_and_the_sign_off(review, signed, lead_client):
    response = lead_client.get(reverse("conference:letter_docx", args=[review.pk]))

    document = Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="feedback-letter-review-{review.pk}.docx"'
    assert document.core_properties.title == f"Feedback letter: {review.title}"
    assert document.core_properties.language == "en-GB"
    assert ("Heading 1", f"{review.council.name}: feedback letter") in paragraphs
    assert ("Normal", "Dear Ruth Calloway,") in paragraphs
    assert ("Heading 2", "Key strengths") in paragraphs
    assert any(style == "List Bullet" for style, _ in paragraphs)
    assert paragraphs[-1] == (
        "Normal",
        "Yours sincerely,\nHelen Ashdown\nDirector of Children's Services, Fenby City Council\n"
        "On behalf of the peer review team",
    )


def test_downloads_are_written_to_the_access_log(review, signed, lead, lead_client):
    lead_client.get(reverse("conference:letter_pdf", args=[review.pk]))
    lead_client.get(reverse("conference:letter_docx", args=[review.pk]))

    assert list(AccessLog.objects.filter(review=review).order_by("pk").values_list("user", "target")) == [
        (lead.pk, "Feedback letter"),
        (lead.pk, "Feedback letter (Word)"),
    ]


def test_the_sponsor_downloads_the_shared_draft_and_others_only_the_published_letter(
    review, signed, lead, sponsor_client, organiser_client
):
    pdf, docx = (reverse(f"conference:letter_{kind}", args=[review.pk]) for kind in ("pdf", "docx"))
    before = [sponsor_client.get(pdf).status_code, sponsor_client.get(docx).status_code]
    letters.share_letter(letter=signed, user=lead)
    shared = [
        sponsor_client.get(docx).status_code,
        organiser_client.get(pdf).status_code,
        organiser_client.get(docx).status_code,
    ]
    letters.publish_letter(letter=signed, user=lead, include_drafts=True)

    published = [organiser_client.get(pdf).status_code, organiser_client.get(docx).status_code]

    assert before == [404, 404]
    assert shared == [200, 404, 404]
    assert published == [200, 200]
