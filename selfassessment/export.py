"""The council's self assessment as a document of its own, PDF or Word, for the council's sign-off.

It holds what the council wrote (grades, narrative, evidence), never the peers' analysis, and is made through the
shared report machinery (reviews.services.ReportBuilder, the PDF renderer and the Word converter) on request.
"""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from reviews.models import EvidenceDocument, Review
from reviews.services import ReportBuilder

from .models import Submission
from .services import entries_for

TEMPLATE = "reports/self_assessment.html"
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def export_context(review: Review) -> dict:
    entries = entries_for(review).prefetch_related(
        Prefetch("documents", queryset=EvidenceDocument.objects.order_by("title"))
    )
    return {
        "review": review,
        "entries": list(entries),
        "submission": Submission.objects.filter(review=review).select_related("submitted_by").first(),
        "generated_at": timezone.now(),
    }


def export_docx(context: dict) -> bytes:
    from reviews.docx import html_to_docx  # python-docx loads when a Word copy is made, not with the app

    html = render_to_string(TEMPLATE, context)
    return html_to_docx(html, title=f"Self assessment: {context['review'].title}")


BUILDER = ReportBuilder(TEMPLATE, export_context, docx=export_docx)


def filename(review: Review, extension: str) -> str:
    return f"self-assessment-review-{review.pk}.{extension}"
