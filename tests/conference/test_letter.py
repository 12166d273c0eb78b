"""Drafting the letter from the programme's template, editing it as sanitised HTML, publishing it."""

import pytest
from django.urls import reverse

from conference import letter as letters
from conference.models import Letter, LetterTemplate, LetterVersion
from reviews.models import Finding, ReviewMembership, Role
from reviews.richtext import MAX_LENGTH, plain_text

from ..factories import FindingFactory
from .factories import PriorityFactory

DRAFT = {"addressee_name": "Ruth Calloway", "addressee_role": "Director of Children's Services"}


def headings(letter: Letter) -> list[str]:
    return [plain_text(block) for block in letter.blocks() if block.startswith(("<h2>", "<h3>"))]


def test_the_draft_is_written_from_the_current_template_with_the_agreed_findings_and_priorities(
    review, lead, challenge_manager, challenge_client
):
    ReviewMembership.objects.filter(review=review, user=lead).update(
        job_title="Director of Children's Services", organisation="Fenby City Council"
    )
    lead.first_name, lead.last_name = "Helen", "Ashdown"
    lead.save()
    FindingFactory(review=review, summary="Leaders know their services well", status=Finding.Status.AGREED)
    FindingFactory(
        review=review, summary="Plans lack the child's voice", kind=Finding.Kind.AREA, status=Finding.Status.AGREED
    )
    FindingFactory(review=review, summary="An unagreed draft")
    PriorityFactory(review=review, title="Put the child's voice in every plan", order=1)

    response = challenge_client.post(reverse("conference:letter_generate", args=[review.pk]), DRAFT)

    letter = Letter.objects.get(review=review)
    text = plain_text(letter.body)
    assert response.status_code == 302
    assert (letter.addressee_name, letter.addressee_role) == ("Ruth Calloway", "Director of Children's Services")
    assert letter.blocks()[0] == (f"<p>Ruth Calloway<br>Director of Children's Services<br>{review.council.name}</p>")
    assert letter.blocks()[1] == "<p>Dear Ruth Calloway,</p>"
    assert headings(letter)[:5] == [
        "The scope of the review",
        "Scope areas",
        "Focus areas",
        "Specific circumstances",
        "What the team did",
    ]
    assert [
        h for h in headings(letter) if h in {"Key strengths", "Areas for consideration", "Priorities", "Next steps"}
    ] == ["Key strengths", "Areas for consideration", "Priorities", "Next steps"]
    assert "<li>Leaders know their services well</li>" in letter.body
    assert "<li>Plans lack the child's voice</li>" in letter.body
    assert "<ol><li>Put the child" in letter.body
    assert "An unagreed draft" not in text
    assert "The team agreed 1 key strength, set out by theme." in text
    assert letter.blocks()[-1] == (
        "<p>Yours sincerely,<br>Helen Ashdown<br>Director of Children's Services, Fenby City Council<br>"
        "On behalf of the peer review team</p>"
    )
    assert list(letter.versions.values_list("number", "status", "event")) == [(1, "draft", "Drafted from the review")]


def test_the_draft_uses_the_template_an_administrator_made_current(review, lead, lead_client):
    LetterTemplate.objects.update(is_current=False)
    LetterTemplate.objects.create(
        name="Plain",
        is_current=True,
        salutation="Hello {{ addressee.name }} of {{ council }}",
        opening="We visited {{ review }}.\n\nSecond paragraph <script>x</script>.",
        scope="",
        work="",
        strengths="",
        areas="",
        priorities="",
        next_steps="",
        sign_off="From {{ lead.name }}",
    )

    lead_client.post(reverse("conference:letter_generate", args=[review.pk]), DRAFT)

    blocks = Letter.objects.get(review=review).blocks()
    assert blocks[1] == f"<p>Hello Ruth Calloway of {review.council.name}</p>"
    assert blocks[2] == f"<p>We visited {review.title}.</p>"
    assert blocks[3] == "<p>Second paragraph .</p>"
    assert blocks[-1] == f"<p>From {lead.get_full_name()}</p>"


def test_without_a_current_template_the_draft_is_refused_with_a_message(review, lead, lead_client):
    LetterTemplate.objects.update(is_current=False)

    response = lead_client.post(reverse("conference:letter_generate", args=[review.pk]), DRAFT, follow=True)

    assert "There is no current letter template." in response.content.decode()
    assert not Letter.objects.filter(review=review).exists()


def test_the_draft_form_offers_the_sponsor_as_addressee(review, lead, sponsor, lead_client):
    ReviewMembership.objects.filter(user=sponsor).update(job_title="Director of Children's Services")

    page = lead_client.get(reverse("conference:letter", args=[review.pk])).content.decode()

    assert f'value="{sponsor.get_full_name()}"' in page
    assert 'value="Director of Children&#x27;s Services"' in page


def test_drafting_without_an_addressee_names_the_missing_fields(review, lead, lead_client):
    response = lead_client.post(reverse("conference:letter_generate", args=[review.pk]), {"addressee_role": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name of the person the letter is addressed to." in page
    assert "Enter the role of the person the letter is addressed to." in page
    assert not Letter.objects.filter(review=review).exists()


def test_an_edit_is_sanitised_and_kept_as_a_new_version(review, lead, lead_client):
    letter = letters.generate_letter(review=review, user=lead, **DRAFT)

    response = lead_client.post(
        reverse("conference:letter_edit", args=[review.pk]),
        {
            **DRAFT,
            "body": '<h2 onclick="x()">Scope</h2><p style="color:red">Text <a href="javascript:alert(1)">bad</a> '
            '<a href="https://example.org/">good</a></p><script>alert(1)</script>',
            "version": letter.version,
        },
    )

    letter.refresh_from_db()
    assert response.status_code == 302
    assert letter.body == (
        '<h2>Scope</h2>\n<p>Text <a rel="noopener noreferrer">bad</a> '
        '<a href="https://example.org/" rel="noopener noreferrer">good</a></p>'
    )
    assert list(letter.versions.order_by("number").values_list("number", "event")) == [
        (1, "Drafted from the review"),
        (2, "Edited"),
    ]


def test_the_edit_page_works_without_javascript_and_lists_the_allowed_tags(review, lead, lead_client):
    letters.generate_letter(review=review, user=lead, **DRAFT)

    page = lead_client.get(reverse("conference:letter_edit", args=[review.pk])).content.decode()

    assert '<textarea name="body"' in page
    assert "data-richtext" in page
    assert "&lt;p&gt;Dear Ruth Calloway,&lt;/p&gt;" in page
    assert "headings (h2, h3), paragraphs (p), bulleted and numbered lists (ul, ol, li)" in page
    assert "js/richtext-editor" in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the text of the letter."),
        ("<script>only a script</script><p> </p>", "what you sent has no text once cleaned"),
        ("x" * (MAX_LENGTH + 1), f"it can be at most {MAX_LENGTH:,}"),
    ],
)
def test_an_empty_or_huge_letter_is_refused_and_nothing_is_saved(review, lead, lead_client, body, message):
    letter = letters.generate_letter(review=review, user=lead, **DRAFT)

    response = lead_client.post(
        reverse("conference:letter_edit", args=[review.pk]), {**DRAFT, "body": body, "version": letter.version}
    )

    saved = Letter.objects.get(pk=letter.pk)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (saved.body, saved.version) == (letter.body, letter.version)
    assert LetterVersion.objects.filter(letter=letter).count() == 1


def test_a_stale_edit_of_the_letter_is_refused(review, lead, challenge_manager, challenge_client):
    letter = letters.generate_letter(review=review, user=lead, **DRAFT)
    letters.save_letter(letter=letter, body="<p>Someone else's text.</p>", version=1, user=lead)

    response = challenge_client.post(
        reverse("conference:letter_edit", args=[review.pk]), {**DRAFT, "body": "<p>My text.</p>", "version": 1}
    )

    letter.refresh_from_db()
    assert "Someone else changed the letter since you opened it." in response.content.decode()
    assert letter.body == "<p>Someone else's text.</p>"
    assert letter.versions.count() == 2


def test_publishing_while_findings_are_draft_warns_and_asks(review, lead, challenge_client):
    FindingFactory(review=review, status=Finding.Status.DRAFT)
    letter = Letter.objects.create(review=review, body="<h2>Context and scope</h2>\n<p>Text.</p>")

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
    Letter.objects.create(review=review, body="<h2>Headline messages</h2>\n<p>Good work.</p>")
    findings_url = reverse("reviews:findings", args=[review.pk])
    letter_url = reverse("conference:letter", args=[review.pk])
    before = organiser_client.get(findings_url).content.decode() + organiser_client.get(letter_url).content.decode()

    challenge_client.post(reverse("conference:letter_publish", args=[review.pk]), {"include_drafts": "on"})

    after = organiser_client.get(findings_url).content.decode() + organiser_client.get(letter_url).content.decode()
    assert "Agreed strength" not in before and "Good work." not in before
    assert "Agreed strength" in after and "<p>Good work.</p>" in after
    assert "Left as a draft" not in after
    assert "Versions" not in after
    assert organiser_client.get(reverse("conference:letter_pdf", args=[review.pk])).status_code == 200


def test_a_peer_cannot_draft_edit_share_or_publish_the_letter(review, lead, peer_client):
    letter = letters.generate_letter(review=review, user=lead, **DRAFT)

    responses = [
        peer_client.post(reverse("conference:letter_generate", args=[review.pk]), DRAFT),
        peer_client.post(reverse("conference:letter_edit", args=[review.pk]), {**DRAFT, "body": "<p>Mine</p>"}),
        peer_client.post(reverse("conference:letter_share", args=[review.pk])),
        peer_client.post(reverse("conference:letter_publish", args=[review.pk]), {"include_drafts": "on"}),
    ]

    saved = Letter.objects.get(pk=letter.pk)
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert (saved.status, saved.body, saved.version) == (Letter.Status.DRAFT, letter.body, 1)


def test_the_letter_views_refuse_the_wrong_method(review, lead, lead_client):
    letters.generate_letter(review=review, user=lead, **DRAFT)

    assert lead_client.post(reverse("conference:letter", args=[review.pk])).status_code == 405
    assert lead_client.get(reverse("conference:letter_generate", args=[review.pk])).status_code == 405
    assert lead_client.get(reverse("conference:letter_share", args=[review.pk])).status_code == 405
    assert lead_client.get(reverse("conference:letter_comment", args=[review.pk])).status_code == 405
    assert lead_client.post(reverse("conference:letter_pdf", args=[review.pk])).status_code == 405
    assert lead_client.post(reverse("conference:letter_docx", args=[review.pk])).status_code == 405


def test_an_outsider_gets_404_on_the_letter_pages(review, lead, outsider_client):
    letter = letters.generate_letter(review=review, user=lead, **DRAFT)
    urls = [
        reverse("conference:letter", args=[review.pk]),
        reverse("conference:letter_edit", args=[review.pk]),
        reverse("conference:letter_version", args=[review.pk, letter.version]),
        reverse("conference:letter_docx", args=[review.pk]),
    ]

    assert [outsider_client.get(url).status_code for url in urls] == [404, 404, 404, 404]


def test_the_letter_page_runs_the_same_queries_with_one_or_many_versions_and_comments(
    review, lead, sponsor, lead_client, django_assert_max_num_queries
):
    letter = letters.generate_letter(review=review, user=lead, **DRAFT)
    letter = letters.share_letter(letter=letter, user=lead)
    url = reverse("conference:letter", args=[review.pk])
    letters.add_comment(letter=letter, paragraph=2, text="One", user=sponsor)
    with django_assert_max_num_queries(30) as few:
        lead_client.get(url)

    for number in range(30):
        letter.refresh_from_db()
        letters.save_letter(
            letter=letter, body=letter.body + f"<p>More {number}</p>", version=letter.version, user=lead
        )
        letters.add_comment(letter=letter, paragraph=2, text=f"Comment {number}", user=sponsor)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = lead_client.get(url)
    assert response.content.decode().count("Resolve<span") == 31


def test_the_sponsor_role_is_the_default_addressee_and_the_lead_signs(review, lead, sponsor):
    ReviewMembership.objects.filter(user=sponsor).update(job_title="")

    assert letters.default_addressee(review) == (sponsor.get_full_name(), "Director of Children's Services")
    assert letters.lead_membership(review).role == Role.LEAD
