from django.urls import reverse

from conference import services
from conference.models import Letter
from reviews.models import Finding
from tests.reviews.test_reports import pdf_text

from ..factories import FindingFactory


def test_the_draft_letter_has_every_section_and_the_agreed_findings(review, lead, challenge_manager, challenge_client):
    FindingFactory(review=review, summary="Leaders know their services well", status=Finding.Status.AGREED)
    FindingFactory(
        review=review, summary="Plans lack the child's voice", kind=Finding.Kind.AREA, status=Finding.Status.AGREED
    )
    FindingFactory(review=review, summary="An unagreed draft")

    challenge_client.post(reverse("conference:letter_generate", args=[review.pk]))

    body = Letter.objects.get(review=review).body
    headings = [text for kind, text in Letter.objects.get(review=review).blocks() if kind == "heading"]
    assert headings[:4] == ["Context and scope", "The team", "What the team did", "Headline messages"]
    assert headings[-2:] == ["Priorities", "Next steps"]
    assert "- Leaders know their services well" in body
    assert "- Plans lack the child's voice" in body
    assert "An unagreed draft" not in body
    assert "The team agreed 1 strength and 1 area for consideration." in body


def test_publishing_while_findings_are_draft_warns_and_asks(review, lead, challenge_client):
    FindingFactory(review=review, status=Finding.Status.DRAFT)
    letter = Letter.objects.create(review=review, body="## Context and scope\n\nText.")

    page = challenge_client.get(reverse("conference:letter_publish", args=[review.pk])).content.decode()
    refused = challenge_client.post(reverse("conference:letter_publish", args=[review.pk]), {})

    letter.refresh_from_db()
    assert "1 finding is still draft." in page
    assert refused.status_code == 200
    assert "Some findings are still draft. Confirm to publish without them." in refused.content.decode()
    assert letter.status == Letter.Status.DRAFT


def test_publishing_changes_what_host_roles_see(review, lead, challenge_client, organiser_client):
    FindingFactory(review=review, summary="Agreed strength", status=Finding.Status.AGREED)
    FindingFactory(review=review, summary="Left as a draft", status=Finding.Status.DRAFT)
    Letter.objects.create(review=review, body="## Headline messages\n\nGood work.")
    findings_url = reverse("reviews:findings", args=[review.pk])
    letter_url = reverse("conference:letter", args=[review.pk])
    before = organiser_client.get(findings_url).content.decode() + organiser_client.get(letter_url).content.decode()

    challenge_client.post(reverse("conference:letter_publish", args=[review.pk]), {"include_drafts": "on"})

    after = organiser_client.get(findings_url).content.decode() + organiser_client.get(letter_url).content.decode()
    assert "Agreed strength" not in before and "Good work." not in before
    assert "Agreed strength" in after and "Good work." in after
    assert "Left as a draft" not in after
    assert organiser_client.get(reverse("conference:letter_pdf", args=[review.pk])).status_code == 200


def test_host_roles_cannot_download_an_unpublished_letter(review, organiser_client):
    Letter.objects.create(review=review, body="Draft text.")

    response = organiser_client.get(reverse("conference:letter_pdf", args=[review.pk]))

    assert response.status_code == 404


def test_the_letter_downloads_as_a_pdf(review, lead, lead_client):
    Letter.objects.create(review=review, body="## Headline messages\n\nThe front door works well.")

    response = lead_client.get(reverse("conference:letter_pdf", args=[review.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="feedback-letter-review-{review.pk}.pdf"'
    assert "The front door works well." in pdf_text(response.content)


def test_a_stale_edit_of_the_letter_is_refused(review, lead, challenge_manager, challenge_client):
    letter = Letter.objects.create(review=review, body="First text.")
    services.save_letter(letter=letter, body="Someone else's text.", version=1, user=lead)

    response = challenge_client.post(
        reverse("conference:letter_edit", args=[review.pk]), {"body": "My text.", "version": 1}
    )

    letter.refresh_from_db()
    assert "Someone else changed the letter since you opened it." in response.content.decode()
    assert letter.body == "Someone else's text."


def test_a_peer_cannot_edit_or_publish_the_letter(review, peer_client):
    Letter.objects.create(review=review, body="Text.")

    edit = peer_client.post(reverse("conference:letter_edit", args=[review.pk]), {"body": "Mine", "version": 1})
    publish = peer_client.post(reverse("conference:letter_publish", args=[review.pk]), {"include_drafts": "on"})

    assert (edit.status_code, publish.status_code) == (403, 403)
    assert Letter.objects.get(review=review).status == Letter.Status.DRAFT
