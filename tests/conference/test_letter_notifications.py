"""The council hears when the draft letter is shared for factual accuracy, in the app and through a real SMTP
server on loopback; open comments are the leads' tasks, the shared draft the sponsor's."""

import datetime

import pytest
from django.urls import reverse

from conference import letter as letters
from reviews import todo
from reviews.models import EmailRecord, Notification, NotificationSettings

DRAFT = {"addressee_name": "Ruth Calloway", "addressee_role": "Director of Children's Services"}
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def draft(review, lead):
    return letters.generate_letter(review=review, user=lead, **DRAFT)


def test_sharing_the_draft_tells_the_sponsor_and_the_organiser_in_the_app_and_by_email(
    mail_server, review, draft, lead_client, sponsor, organiser, peer, after_commit
):
    review.letter_due = datetime.date(2026, 12, 18)
    review.save()
    sponsor.email, organiser.email = "sponsor@council.example", "organiser@council.example"
    sponsor.save()
    organiser.save()

    with after_commit():
        response = lead_client.post(reverse("conference:letter_share", args=[review.pk]))

    assert response.status_code == 302
    told = {n.recipient: n for n in Notification.objects.filter(kind=Notification.Kind.LETTER)}
    assert set(told) == {sponsor, organiser}
    assert told[sponsor].title == f"The draft feedback letter of {review.title} is shared with you for factual accuracy"
    assert told[sponsor].link == reverse("conference:letter", args=[review.pk])
    assert told[sponsor].body.endswith("The letter is due on 18 December 2026.")
    assert told[organiser].link == review.get_absolute_url()  # the organiser may not read the draft
    assert sorted(message["To"] for message in mail_server.messages) == [
        "organiser@council.example",
        "sponsor@council.example",
    ]
    [to_sponsor] = mail_server.to("sponsor@council.example")
    assert f"Open it: https://peer-review.example/reviews/{review.pk}/conference/letter/" in to_sponsor.get_content()
    assert set(EmailRecord.objects.values_list("status", flat=True)) == {"sent"}


def test_a_sponsor_who_chose_no_email_has_the_notification_in_the_app_only(
    mail_server, review, draft, lead, sponsor, after_commit
):
    NotificationSettings.objects.create(user=sponsor, email="none")

    with after_commit():
        letters.share_letter(letter=draft, user=lead)

    assert Notification.objects.get(recipient=sponsor).email_mode == "none"
    assert mail_server.messages == []


def test_a_refused_share_tells_nobody(review, draft, lead, organiser):
    with pytest.raises(Exception, match="no sponsor"):
        letters.share_letter(letter=draft, user=lead)

    assert not Notification.objects.exists()


def tasks_of(user) -> list[tuple[str, str]]:
    return [(task.kind, task.title) for task in todo.tasks_for(user, today=TODAY) if "letter" in task.url]


def test_open_factual_accuracy_comments_are_the_leads_tasks_until_answered(
    review, draft, lead, challenge_manager, sponsor, peer
):
    shared = letters.share_letter(letter=draft, user=lead)
    first = letters.add_comment(letter=shared, paragraph=1, text="The date is wrong.", user=sponsor)
    letters.add_comment(letter=shared, paragraph=2, text="The name is spelt differently.", user=sponsor)

    assert tasks_of(lead) == [("Factual-accuracy comments to answer", "2 comments on the draft letter")]
    assert tasks_of(challenge_manager) == [("Factual-accuracy comments to answer", "2 comments on the draft letter")]
    assert tasks_of(peer) == []
    assert tasks_of(sponsor) == [("Draft letter to check", "Check the draft feedback letter for factual accuracy")]

    letters.resolve_comment(
        comment=first,
        decision=letters.DECLINE,
        response="The date is right.",
        paragraph_html="",
        version=shared.version,
        user=lead,
    )

    assert tasks_of(lead) == [("Factual-accuracy comments to answer", "1 comment on the draft letter")]
