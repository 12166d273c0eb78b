"""Objects for the URL walker: a document with one version, the planning group's records, and an earlier review to compare with."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import services
from reviews.demo import demo_pdf
from reviews.models import Commitment, PlanningMeeting, PlanningMember

from ..factories import PartnerFactory, ReviewFactory


def walker_objects(review, lead) -> dict[str, int | str]:
    document = services.store_document(
        review=review,
        user=lead,
        uploaded_file=SimpleUploadedFile("walker.pdf", demo_pdf("Walker", ["A document for the URL walker."])),
        title="Walker document",
    )
    review.previous_review = ReviewFactory(council=review.council, title="An earlier review for the walker")
    review.full_clean()
    review.save()
    partner = PartnerFactory(council=review.council, name="Walker Police Division")
    member = PlanningMember.objects.create(review=review, role="Chair", partner=partner)
    meeting = PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5))
    commitment = Commitment.objects.create(review=review, partner=partner, mapping_practitioners=2)
    return {
        "document_id": document.pk,
        "version_id": document.versions.get().pk,
        "member_id": member.pk,
        "meeting_id": meeting.pk,
        "commitment_id": commitment.pk,
        "file_format": "pdf",  # the walker's report is a finished PDF
    }
