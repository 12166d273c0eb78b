"""News as it happens in the self assessment: a request assigned, a document or entry accepted or sent back."""

import datetime

from django.urls import reverse
from django.utils import timezone

from reviews.models import Notification
from selfassessment.models import DocumentRequest, Entry

from . import builders

DUE = "2026-11-20"


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))


def test_a_request_assigned_through_the_page_reaches_the_assignee_in_the_app_and_by_email(
    mail_server, review, lead, contributor, lead_client, after_commit
):
    with after_commit():
        lead_client.post(
            reverse("selfassessment:request_create", args=[review.pk]),
            {
                "title": "Early help strategy",
                "description": "The current one.",
                "due_date": DUE,
                "assignee": contributor.pk,
            },
        )

    assert titles(contributor) == ["A document request is assigned to you: “Early help strategy”, due 20 November 2026"]
    assert mail_server.subjects("contributor@people.example") == [
        "A document request is assigned to you: “Early help strategy”, due 20 November 2026"
    ]


def test_reassigning_tells_the_new_assignee_and_an_edit_without_one_tells_no_one(
    review, lead, contributor, organiser, lead_client
):
    item = builders.document_request(review, contributor, datetime.date(2026, 11, 20), title="Early help strategy")
    url = reverse("selfassessment:request_edit", args=[review.pk, item.pk])
    data = {"title": "Early help strategy", "description": "", "due_date": DUE}

    lead_client.post(url, {**data, "assignee": contributor.pk, "version": 1})
    lead_client.post(url, {**data, "assignee": organiser.pk, "version": 2})

    assert titles(contributor) == []
    assert titles(organiser) == ["A document request is assigned to you: “Early help strategy”, due 20 November 2026"]


def test_a_document_sent_back_or_accepted_is_told_to_the_assignee(review, lead, contributor, lead_client):
    returned = builders.document_request(review, contributor, datetime.date(2026, 11, 20), title="Early help strategy")
    accepted = builders.document_request(review, contributor, datetime.date(2026, 11, 20), title="Threshold document")
    DocumentRequest.objects.filter(pk__in=[returned.pk, accepted.pk]).update(status="uploaded")
    accepted.documents.add(builders_document(review, lead))

    lead_client.post(
        reverse("selfassessment:request_decide", args=[review.pk, returned.pk]),
        {"decision": "return", "reason": "This is the 2010 strategy; upload the current one."},
    )
    lead_client.post(reverse("selfassessment:request_decide", args=[review.pk, accepted.pk]), {"decision": "accept"})

    assert titles(contributor) == ["Sent back to you: “Early help strategy”", "Accepted: “Threshold document”"]
    assert Notification.objects.filter(recipient=contributor).first().body == (
        "This is the 2010 strategy; upload the current one."
    )


def test_a_decision_that_is_refused_tells_no_one(review, lead, contributor, lead_client):
    item = builders.document_request(review, contributor, datetime.date(2026, 11, 20))

    lead_client.post(reverse("selfassessment:request_decide", args=[review.pk, item.pk]), {"decision": "accept"})

    assert titles(contributor) == []


def test_changes_asked_for_in_an_entry_are_told_to_whoever_submitted_it(review, lead, organiser, lead_client):
    area = review.framework.scope_areas.order_by("order").first()
    entry = Entry.objects.create(
        review=review,
        scope_area=area,
        status=Entry.Status.SUBMITTED,
        submitted_by=organiser,
        submitted_at=timezone.now(),
    )

    lead_client.post(
        reverse("selfassessment:entry_decide", args=[review.pk, entry.pk]),
        {"decision": "changes", "reason": "Say how you know thresholds are applied."},
    )

    assert titles(organiser) == [f"Changes asked for in the self assessment: “{area}”"]
    assert Notification.objects.get(recipient=organiser).kind == "returned"


def builders_document(review, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews import services
    from reviews.demo import demo_pdf

    return services.store_document(
        review=review,
        user=user,
        uploaded_file=SimpleUploadedFile("strategy.pdf", demo_pdf("Strategy", ["A strategy."])),
        title="Threshold document",
    )
