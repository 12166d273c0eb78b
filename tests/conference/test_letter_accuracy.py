"""The factual-accuracy round: the lead shares the draft, the sponsor comments paragraph by paragraph, the lead
resolves every comment, and only then publishes."""

import pytest
from django.urls import reverse

from conference import letter as letters
from conference.models import Letter, LetterComment
from reviews.richtext import plain_text

from ..factories import ReviewFactory

DRAFT = {"addressee_name": "Ruth Calloway", "addressee_role": "Director of Children's Services"}


@pytest.fixture
def draft(review, lead):
    return letters.generate_letter(review=review, user=lead, **DRAFT)


@pytest.fixture
def shared(draft, lead, sponsor):
    return letters.share_letter(letter=draft, user=lead)


def url(name: str, review, *args) -> str:
    return reverse(f"conference:{name}", args=[review.pk, *args])


def test_the_whole_round_through_the_pages(review, draft, lead_client, sponsor, sponsor_client):
    before_sharing = sponsor_client.get(url("letter", review)).content.decode()

    shared = lead_client.post(url("letter_share", review))
    page = sponsor_client.get(url("letter", review)).content.decode()
    commented = sponsor_client.post(
        url("letter_comment", review), {"paragraph": "2", "text": "The director's name is spelt Calloway-Smith."}
    )
    comment = LetterComment.objects.get()
    lead_page = lead_client.get(url("letter", review)).content.decode()
    refused = lead_client.post(url("letter_publish", review), {"include_drafts": "on"})
    resolve_page = lead_client.get(url("letter_resolve", review, comment.pk))
    resolved = lead_client.post(
        url("letter_resolve", review, comment.pk),
        {
            "decision": "accept",
            "paragraph_html": "<p>Dear Ruth Calloway-Smith,</p>",
            "response": "Corrected.",
            "version": Letter.objects.get().version,
        },
    )
    sponsor_sees = sponsor_client.get(url("letter", review)).content.decode()
    published = lead_client.post(url("letter_publish", review), {"include_drafts": "on"})

    letter = Letter.objects.get()
    comment.refresh_from_db()
    assert "The letter has not been published yet." in before_sharing
    assert shared.status_code == 302
    assert 'id="paragraph-2"' in page and "Paragraph 2" in page
    assert "Comment on paragraph 2" in page
    assert "Versions" not in page
    assert commented.status_code == 302 and commented["Location"].endswith("#paragraph-2")
    assert (comment.paragraph, comment.version, comment.quoted) == (2, 2, "<p>Dear Ruth Calloway,</p>")
    assert "The director&#x27;s name is spelt Calloway-Smith." in lead_page
    assert "1 comment from the sponsor is still open." in lead_page
    assert refused.status_code == 200
    assert (
        "1 comment from the factual-accuracy round is still open. Accept or decline it before publishing."
        in refused.content.decode()
    )
    assert resolve_page.status_code == 200
    assert resolved.status_code == 302
    assert (comment.status, comment.response, comment.resolved_in_version) == ("accepted", "Corrected.", 3)
    assert "Dear Ruth Calloway-Smith," in sponsor_sees
    assert "Accepted in version 3: Corrected." in sponsor_sees
    assert published.status_code == 302
    assert letter.status == Letter.Status.PUBLISHED
    assert list(letter.versions.order_by("number").values_list("number", "status", "event")) == [
        (1, "draft", "Drafted from the review"),
        (2, "shared", "Shared with the sponsor for factual accuracy"),
        (3, "shared", "Paragraph 2 changed after a comment"),
        (4, "published", "Published to the council"),
    ]
    versions_page = lead_client.get(url("letter", review)).content.decode()
    for number in range(1, 5):
        assert f'href="{url("letter_version", review, number)}"' in versions_page
    first = lead_client.get(url("letter_version", review, 1)).content.decode()
    assert "<p>Dear Ruth Calloway,</p>" in first


def test_declining_needs_a_reason_and_then_counts_as_resolved(review, shared, sponsor, lead, lead_client):
    comment = letters.add_comment(letter=shared, paragraph=3, text="Too harsh.", user=sponsor)
    version = Letter.objects.get().version

    no_reason = lead_client.post(
        url("letter_resolve", review, comment.pk), {"decision": "decline", "response": " ", "version": version}
    )
    declined = lead_client.post(
        url("letter_resolve", review, comment.pk),
        {"decision": "decline", "response": "The team agreed this finding.", "version": version},
    )

    comment.refresh_from_db()
    assert no_reason.status_code == 400
    assert "Enter why the comment is declined." in no_reason.content.decode()
    assert declined.status_code == 302
    assert (comment.status, comment.response) == ("declined", "The team agreed this finding.")
    assert Letter.objects.get().version == version
    assert letters.open_comment_count(shared) == 0


def test_accepting_needs_the_paragraph_and_sanitises_it(review, shared, sponsor, lead_client):
    comment = letters.add_comment(letter=shared, paragraph=2, text="Wrong name.", user=sponsor)
    version = Letter.objects.get().version

    empty = lead_client.post(
        url("letter_resolve", review, comment.pk), {"decision": "accept", "paragraph_html": "", "version": version}
    )
    hostile = lead_client.post(
        url("letter_resolve", review, comment.pk),
        {
            "decision": "accept",
            "paragraph_html": '<p onmouseover="x()">Dear Ruth,<script>1</script></p>',
            "version": version,
        },
    )

    assert empty.status_code == 400
    assert "Enter the paragraph as it should read." in empty.content.decode()
    assert hostile.status_code == 302
    assert Letter.objects.get().blocks()[1] == "<p>Dear Ruth,</p>"


def test_a_stale_resolution_is_refused_and_changes_nothing(review, shared, sponsor, lead, lead_client):
    comment = letters.add_comment(letter=shared, paragraph=2, text="Wrong name.", user=sponsor)
    opened_at = Letter.objects.get().version
    letters.save_letter(letter=shared, body=shared.body + "<p>Another edit.</p>", version=opened_at, user=lead)

    response = lead_client.post(
        url("letter_resolve", review, comment.pk),
        {"decision": "accept", "paragraph_html": "<p>Dear R,</p>", "version": opened_at},
    )

    comment.refresh_from_db()
    assert response.status_code == 400
    assert "Someone else changed the letter since you opened it." in response.content.decode()
    assert comment.is_open
    assert "Dear R," not in Letter.objects.get().body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"paragraph": "999", "text": "Where?"}, "There is no paragraph 999: the letter has paragraphs 1 to"),
        ({"paragraph": "0", "text": "Where?"}, "Choose the paragraph your comment is about by its number."),
        ({"paragraph": "two", "text": "Where?"}, "Choose the paragraph your comment is about by its number."),
        ({"text": "Where?"}, "Choose the paragraph your comment is about."),
        ({"paragraph": "2", "text": "   "}, "Enter your comment."),
        ({"paragraph": "2", "text": "x" * 5001}, "Your comment can be at most 5,000 characters."),
    ],
)
def test_a_bad_comment_is_refused_with_a_message_and_nothing_saved(review, shared, sponsor_client, data, message):
    response = sponsor_client.post(url("letter_comment", review), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not LetterComment.objects.exists()


@pytest.mark.parametrize("client_name", ["peer_client", "contributor_client", "organiser_client", "observer_client"])
def test_only_the_sponsor_comments(review, shared, client_name, request):
    client = request.getfixturevalue(client_name)

    response = client.post(url("letter_comment", review), {"paragraph": "2", "text": "Mine"})

    assert response.status_code in {403, 404}
    assert not LetterComment.objects.exists()


def test_host_members_other_than_the_sponsor_see_nothing_of_a_shared_draft(
    review, shared, sponsor, organiser_client, contributor_client
):
    letters.add_comment(letter=shared, paragraph=2, text="A private correction", user=sponsor)

    for client in [organiser_client, contributor_client]:
        page = client.get(url("letter", review)).content.decode()
        assert "The letter has not been published yet." in page
        assert "Dear Ruth" not in page and "A private correction" not in page
        assert client.get(url("letter_pdf", review)).status_code == 404
        assert client.get(url("letter_docx", review)).status_code == 404


def test_the_sponsor_sees_no_earlier_versions_or_peer_material(review, shared, sponsor_client):
    page = sponsor_client.get(url("letter", review)).content.decode()

    assert sponsor_client.get(url("letter_version", review, 1)).status_code == 403
    assert "Versions" not in page
    assert "still draft" not in page
    assert sponsor_client.get(reverse("conference:consolidation", args=[review.pk])).status_code == 403


def test_a_sponsor_cannot_comment_before_sharing_or_after_publishing(review, draft, lead, sponsor, sponsor_client):
    before = sponsor_client.post(url("letter_comment", review), {"paragraph": "2", "text": "Early"})
    letters.share_letter(letter=draft, user=lead)
    letters.publish_letter(letter=draft, user=lead, include_drafts=True)

    after = sponsor_client.post(url("letter_comment", review), {"paragraph": "2", "text": "Late"})

    assert before.status_code == 404
    assert after.status_code == 403
    assert not LetterComment.objects.exists()


def test_a_comment_posted_as_the_letter_is_published_is_refused_by_the_service(review, shared, lead, sponsor):
    stale = Letter.objects.get()
    letters.publish_letter(letter=shared, user=lead, include_drafts=True)

    with pytest.raises(Exception, match="no longer open for comments"):
        letters.add_comment(letter=stale, paragraph=2, text="Late", user=sponsor)


def test_ids_from_another_review_get_404(review, shared, sponsor, lead_client):
    other = ReviewFactory()
    other_letter = Letter.objects.create(review=other, body="<p>Other</p>", status=Letter.Status.DRAFT)
    other_comment = LetterComment.objects.create(letter=other_letter, paragraph=1, version=1, quoted="", text="x")
    other_letter.versions.create(number=7, body="<p>Other</p>", status="draft", event="x")

    resolve = lead_client.post(
        url("letter_resolve", review, other_comment.pk), {"decision": "decline", "response": "No", "version": 1}
    )
    version = lead_client.get(url("letter_version", review, 7))

    other_comment.refresh_from_db()
    assert (resolve.status_code, version.status_code) == (404, 404)
    assert other_comment.is_open


def test_a_peer_cannot_resolve_a_comment(review, shared, sponsor, peer_client):
    comment = letters.add_comment(letter=shared, paragraph=2, text="x", user=sponsor)

    response = peer_client.post(
        url("letter_resolve", review, comment.pk), {"decision": "decline", "response": "No", "version": 2}
    )

    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.is_open


def test_sharing_needs_a_sponsor(review, draft, lead_client):
    response = lead_client.post(url("letter_share", review), follow=True)

    assert "The review has no sponsor to share the draft with." in response.content.decode()
    assert Letter.objects.get().status == Letter.Status.DRAFT


def test_drafting_again_while_shared_is_refused(review, shared, lead_client):
    response = lead_client.post(url("letter_generate", review), DRAFT, follow=True)

    assert "edit it rather than drafting it again" in response.content.decode()
    assert Letter.objects.get().version == shared.version


def test_editing_while_shared_makes_a_version_the_sponsor_sees(review, shared, lead, sponsor, sponsor_client):
    comment = letters.add_comment(letter=shared, paragraph=2, text="Name", user=sponsor)
    letters.save_letter(
        letter=shared, body=shared.body.replace("Dear Ruth Calloway,", "Dear Dr Calloway,"), version=2, user=lead
    )

    page = sponsor_client.get(url("letter", review)).content.decode()

    assert "Dear Dr Calloway," in page
    assert "The paragraph as it read then" in page
    assert "Dear Ruth Calloway," in page  # the comment keeps the paragraph as it was
    assert Letter.objects.get().status == Letter.Status.SHARED
    assert plain_text(comment.quoted) == "Dear Ruth Calloway,"


def test_comments_and_versions_of_people_since_removed_still_show(review, shared, sponsor, lead, lead_client):
    letters.add_comment(letter=shared, paragraph=2, text="From someone gone", user=sponsor)
    LetterComment.objects.update(author=None)
    shared.versions.update(created_by=None)

    page = lead_client.get(url("letter", review)).content.decode()
    version = lead_client.get(url("letter_version", review, 1)).content.decode()

    assert "A former member" in page and "From someone gone" in page
    assert "Not recorded" in page and "Not recorded" in version
