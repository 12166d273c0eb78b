"""Objects for the URL walker: a document with one version inside the review."""

from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import services
from reviews.demo import demo_pdf


def walker_objects(review, lead) -> dict[str, int]:
    document = services.store_document(
        review=review,
        user=lead,
        uploaded_file=SimpleUploadedFile("walker.pdf", demo_pdf("Walker", ["A document for the URL walker."])),
        title="Walker document",
    )
    return {"document_id": document.pk, "version_id": document.versions.get().pk}
