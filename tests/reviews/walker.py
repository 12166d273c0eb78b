"""Objects for the URL walker: a document with one version inside the review, and an earlier review to compare with."""

from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import services
from reviews.demo import demo_pdf

from ..factories import ReviewFactory


def walker_objects(review, lead) -> dict[str, int]:
    document = services.store_document(
        review=review,
        user=lead,
        uploaded_file=SimpleUploadedFile("walker.pdf", demo_pdf("Walker", ["A document for the URL walker."])),
        title="Walker document",
    )
    review.previous_review = ReviewFactory(council=review.council, title="An earlier review for the walker")
    review.full_clean()
    review.save()
    return {"document_id": document.pk, "version_id": document.versions.get().pk}
