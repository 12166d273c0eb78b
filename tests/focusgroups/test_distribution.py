"""Emailing a questionnaire's link to partners through a real SMTP server on loopback, the response rate by segment
against the numbers expected, and the reminder to partners before closing on a frozen clock."""

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from focusgroups import distribution
from focusgroups.models import Distribution, Response
from focusgroups.tasks import remind_partners
from reviews.models import Commitment, EmailRecord, Notification, SentReminder
from reviews.notifications import services as notifications

from ..factories import PartnerFactory
from ..mailserver import Inbox, deliver, start
from .conftest import make_questionnaire, make_segment

TODAY = datetime.date(2026, 11, 2)
CLOSES = datetime.date(2026, 11, 20)


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review, title="Partner survey", closes_on=CLOSES + datetime.timedelta(days=3650))


@pytest.fixture
def closing(review):
    """A questionnaire open in November 2026 and closing on the 20th, for the frozen-clock tests."""
    return make_questionnaire(review, title="Partner survey", closes_on=CLOSES)


@pytest.fixture
def police(review):
    return PartnerFactory(council=review.council, name="Testshire Police")


def url(questionnaire) -> str:
    return reverse("focusgroups:distribute", args=[questionnaire.review_id, questionnaire.pk])


def post(client, questionnaire, addresses, *, kind="direct", partner="", version=None):
    data = {"kind": kind, "partner": partner, "addresses": addresses}
    data["version"] = questionnaire.version if version is None else version
    return client.post(url(questionnaire), data)


def errors(response) -> list[str]:
    form = response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


# Sending


def test_the_lead_emails_everyone_the_same_anonymous_link_and_sees_who_was_sent_what(
    mail_server, questionnaire, police, lead, lead_client, after_commit
):
    with after_commit():
        response = post(
            lead_client,
            questionnaire,
            "ann@police.example\nSam Jones <sam@police.example>; bo@police.example",
            partner=police.pk,
        )

    assert response.status_code == 302
    record = Distribution.objects.get()
    assert (record.questionnaire, record.kind, record.partner, record.sent_by) == (
        questionnaire,
        "direct",
        police,
        lead,
    )
    assert record.address_list() == ["ann@police.example", "sam@police.example", "bo@police.example"]
    assert sorted(message["To"] for message in mail_server.messages) == [
        "ann@police.example",
        "bo@police.example",
        "sam@police.example",
    ]
    bodies = {message.get_content() for message in mail_server.messages}
    assert len(bodies) == 1  # the same email, with the same link, for everyone
    [body] = bodies
    assert f"Answer it here: https://peer-review.example/q/{questionnaire.token}/" in body
    assert "Your answers are anonymous." in body
    assert "notifications/settings" not in body
    assert set(EmailRecord.objects.values_list("status", "about", "recipient")) == {
        ("sent", f"focusgroups.distribution:{record.pk}", None)
    }
    page = lead_client.get(url(questionnaire)).content.decode()
    assert "<code>sam@police.example</code>" in page
    assert "Emailed to each address (Testshire Police)" in page


def test_a_partner_contact_is_sent_the_link_to_forward(mail_server, questionnaire, police, lead_client, after_commit):
    with after_commit():
        post(lead_client, questionnaire, "contact@police.example", kind="forward", partner=police.pk)

    [message] = mail_server.messages
    assert message["Subject"] == "Please forward to your staff: Partner survey"
    assert "forward this questionnaire to the staff of Testshire Police" in message.get_content()


def test_forwarding_needs_the_partner_agency(questionnaire, lead_client):
    response = post(lead_client, questionnaire, "contact@police.example", kind="forward")

    assert response.status_code == 400
    assert errors(response) == ["Choose the partner agency whose contact will forward the link."]
    assert not Distribution.objects.exists()


def test_each_malformed_address_is_named_and_none_is_sent(
    questionnaire, lead_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(lead_client, questionnaire, "ann@police.example\nbob@\nnot an address, sam@police.example")

    assert response.status_code == 400
    assert errors(response) == [
        "These are not email addresses: “bob@”, “not”, “an”, “address”. Correct them; nothing was sent."
    ]
    assert "Correct them; nothing was sent." in response.content.decode()
    assert (Distribution.objects.count(), EmailRecord.objects.count(), callbacks) == (0, 0, [])


def test_an_address_listed_twice_is_sent_once_and_the_lead_is_told(
    mail_server, questionnaire, lead_client, after_commit
):
    with after_commit():
        response = post(lead_client, questionnaire, "ann@police.example\nANN@police.example\nbo@police.example")

    assert [message["To"] for message in mail_server.messages] == ["ann@police.example", "bo@police.example"]
    page = lead_client.get(response.url).content.decode()
    assert "Listed more than once, sent once: ann@police.example." in page


def test_an_address_sent_the_link_before_is_not_sent_it_again(mail_server, questionnaire, lead_client, after_commit):
    with after_commit():
        post(lead_client, questionnaire, "ann@police.example")
        post(lead_client, questionnaire, "ann@police.example, bo@police.example")

    assert [message["To"] for message in mail_server.messages] == ["ann@police.example", "bo@police.example"]
    with after_commit():
        response = post(lead_client, questionnaire, "Ann@Police.example")
    assert errors(response) == [
        "Every address in the list was sent this questionnaire's link before, so nothing was sent. "
        "Emails that failed are tried again on their own."
    ]
    assert Distribution.objects.count() == 2


def test_more_than_the_maximum_at_once_is_refused_with_a_clear_message(questionnaire, lead_client):
    many = "\n".join(f"person{number}@police.example" for number in range(distribution.MAX_ADDRESSES + 1))

    response = post(lead_client, questionnaire, many)

    assert errors(response) == [
        "The list has 501 different addresses; send to at most 500 at a time. "
        "Split the list and send the rest in a second go. Nothing was sent."
    ]
    assert not EmailRecord.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "direct", "addresses": ""}, "Enter at least one email address."),
        ({"kind": "direct", "addresses": " , ; \n"}, "Enter at least one email address."),
        ({"kind": "sideways", "addresses": "a@b.example"}, "Choose how to send it."),
        ({"addresses": "a@b.example"}, "Choose how to send it."),
        (
            {"kind": "direct", "addresses": "a@b.example", "partner": "x"},
            "Choose one of the council's own partner agencies.",
        ),
        (
            {"kind": "direct", "addresses": ("x" * 250) + "@b.example"},
            "This is not an email address: “" + "x" * 80 + "”. Correct it; nothing was sent.",
        ),
    ],
)
def test_wrong_or_missing_fields_are_named_and_nothing_is_sent(data, message, questionnaire, lead_client):
    response = lead_client.post(url(questionnaire), {"version": questionnaire.version, **data})

    assert response.status_code == 400
    assert errors(response) == [message]
    assert not Distribution.objects.exists()


def test_a_partner_of_another_council_is_refused(questionnaire, other_review, lead_client):
    elsewhere = PartnerFactory(council=other_review.council, name="Otherton Police")

    response = post(lead_client, questionnaire, "a@b.example", partner=elsewhere.pk)

    assert errors(response) == ["Choose one of the council's own partner agencies."]


def test_a_closed_questionnaire_is_not_distributed(review, lead_client):
    closed = make_questionnaire(review, title="Old survey", closes_on=datetime.date(2001, 1, 1))

    page = lead_client.get(url(closed))
    response = post(lead_client, closed, "a@b.example")

    assert "The questionnaire closed on 1 January 2001, so its link cannot be sent." in page.content.decode()
    assert errors(response) == [
        "The questionnaire closed on 1 January 2001, so its link cannot be sent. "
        "Change its closing date first if it should open again."
    ]
    assert not EmailRecord.objects.exists()


def test_a_questionnaire_without_dates_is_not_distributed(review, lead_client):
    undated = make_questionnaire(review, title="Undated")
    undated.opens_on = None
    undated.save()

    response = post(lead_client, undated, "a@b.example")

    assert errors(response) == [
        "Set the questionnaire's dates before sending its link: until then it is closed to everyone."
    ]


def test_a_stale_page_sends_nothing(questionnaire, lead_client):
    response = post(lead_client, questionnaire, "a@b.example", version=questionnaire.version - 1)

    assert errors(response) == [
        "The questionnaire's dates or settings were changed by someone else after you opened this page, "
        "so nothing was sent. Check them below and send again."
    ]
    assert not Distribution.objects.exists()


def test_a_questionnaire_of_another_review_is_404(other_review, lead_client):
    theirs = make_questionnaire(other_review, title="Theirs")

    assert lead_client.get(url(theirs)).status_code == 404
    assert post(lead_client, theirs, "a@b.example").status_code == 404


def test_only_questionnaire_managers_see_and_send(questionnaire, peer_client, observer_client, organiser_client):
    assert peer_client.get(url(questionnaire)).status_code == 403
    assert observer_client.get(url(questionnaire)).status_code == 403
    assert post(observer_client, questionnaire, "a@b.example").status_code == 403
    assert organiser_client.get(url(questionnaire)).status_code == 200


def test_with_email_down_the_record_shows_the_failure_and_it_is_sent_on_retry(
    mail_server_down, questionnaire, lead_client, after_commit, settings
):
    with after_commit():
        post(lead_client, questionnaire, "ann@police.example")

    record = EmailRecord.objects.get()
    assert (record.status, record.attempts) == ("failed", 1)
    assert "Not sent" in lead_client.get(url(questionnaire)).content.decode()

    inbox = Inbox()
    controller = start(inbox)
    settings.EMAIL_PORT = inbox.port
    try:
        assert notifications.emails_to_retry() == [record.pk]
        notifications.send_email(email_id=record.pk)
    finally:
        controller.stop()

    record.refresh_from_db()
    assert (record.status, record.attempts) == ("sent", 2)
    assert [message["To"] for message in inbox.messages] == ["ann@police.example"]


# Response rates by segment against the numbers expected


def test_the_questionnaire_page_shows_responses_by_segment_against_expected_numbers(
    review, questionnaire, police, lead_client
):
    Commitment.objects.create(review=review, partner=police, distributes_questionnaire=True, expected_responses=20)
    health = make_segment(review, "Health", expected=10)
    make_segment(review, "Police", partner=police)
    schools = make_segment(review, "Schools", expected=40)
    Response.objects.bulk_create(
        [Response(questionnaire=questionnaire, segment=health) for _ in range(5)]
        + [Response(questionnaire=questionnaire, segment=schools) for _ in range(8)]
        + [Response(questionnaire=questionnaire, segment=schools) for _ in range(2)]
    )

    response = lead_client.get(questionnaire.get_absolute_url())

    rates = response.context["rates"]
    assert [(r.name, r.responses, r.expected, r.expected_from, r.percent) for r in rates.rows] == [
        ("Health", 5, 10, "segment", 50),
        ("Police", 0, 20, "commitment", 0),
        ("Schools", 10, 40, "segment", 25),
        ("No segment given", 0, None, "", None),
    ]
    assert (rates.total.responses, rates.total.expected, rates.total.percent) == (15, 70, 21)
    assert rates.summary() == "15 responses of 70 expected (21%)"
    page = response.content.decode()
    assert "Responses by segment against the numbers expected" in page
    assert "(committed by the agency)" in page


def test_a_small_segment_is_hidden_with_the_next_smallest(review, questionnaire):
    small, big, bigger = make_segment(review, "A", 10), make_segment(review, "B", 10), make_segment(review, "C", 10)
    Response.objects.bulk_create(
        [Response(questionnaire=questionnaire, segment=small) for _ in range(2)]
        + [Response(questionnaire=questionnaire, segment=big) for _ in range(6)]
        + [Response(questionnaire=questionnaire, segment=bigger) for _ in range(9)]
    )

    rates = distribution.rates(questionnaire)

    assert [(rate.name, rate.responses, rate.percent) for rate in rates.rows] == [
        ("A", None, None),
        ("B", None, None),
        ("C", 9, 90),
        ("No segment given", 0, None),
    ]
    assert rates.total.responses == 17


def test_the_managers_closing_notice_gives_the_rate_against_expected_by_segment(review, closing, lead):
    health = make_segment(review, "Health", expected=10)
    Response.objects.bulk_create([Response(questionnaire=closing, segment=health) for _ in range(6)])

    notifications.send_reminders(today=CLOSES - datetime.timedelta(days=3))

    notice = Notification.objects.get(recipient=lead, kind="questionnaire")
    assert notice.title == "“Partner survey” closes on 20 November 2026: 6 responses of 10 expected (60%) so far"
    assert notice.body == "Responses by segment:\n- Health: 6 of 10 expected (60%)"


# The reminder to partners before closing


def distribute_to(questionnaire, lead, *addresses, kind="direct"):
    return distribution.distribute(
        questionnaire=questionnaire,
        kind=kind,
        partner=None,
        addresses=distribution.read_addresses("\n".join(addresses)),
        version=questionnaire.version,
        user=lead,
        today=TODAY,
    )


def reminders_sent() -> list[str]:
    return sorted(EmailRecord.objects.filter(about__endswith=":reminder").values_list("to_address", flat=True))


def test_partners_are_reminded_once_three_days_before_closing_however_often_the_job_runs(
    mail_server, closing, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        distribute_to(closing, lead, "ann@police.example", "bo@police.example")
        distribute_to(closing, lead, "cy@health.example", kind="forward")
    deliver()
    mail_server.messages.clear()

    for day in (datetime.date(2026, 11, 16), datetime.date(2026, 11, 18)):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 15)), tick=False):
            assert remind_partners() == 0
    assert reminders_sent() == []

    morning = datetime.datetime(2026, 11, 17, 8, 15)
    with time_machine.travel(morning, tick=False), django_capture_on_commit_callbacks(execute=False):
        assert remind_partners() == 1
        assert remind_partners() == 0  # the next hourly run the same day
    deliver()

    assert reminders_sent() == ["ann@police.example", "bo@police.example", "cy@health.example"]
    assert mail_server.subjects("ann@police.example") == ["Reminder: “Partner survey” closes on 20 November 2026"]
    forwarded = [m for m in mail_server.messages if m["To"] == "cy@health.example"][0].get_content()
    assert "Please remind them" in forwarded
    assert SentReminder.objects.filter(kind="partner_reminder", day=datetime.date(2026, 11, 17)).count() == 1
    told = Notification.objects.get(recipient=lead, title__startswith="Reminder sent")
    assert told.title == "Reminder sent to 3 partner addresses: “Partner survey” closes on 20 November 2026"


def test_a_questionnaire_closed_early_is_not_reminded(closing, lead):
    distribute_to(closing, lead, "ann@police.example")
    closing.closes_on = datetime.date(2026, 11, 10)  # closed early by the lead
    closing.save()

    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, 15), tick=False):
        assert remind_partners() == 0
    with time_machine.travel(datetime.datetime(2026, 11, 7, 9, 15), tick=False):
        assert remind_partners() == 1  # three days before the new closing date

    assert reminders_sent() == ["ann@police.example"]


def test_the_reminder_runs_from_the_celery_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["remind-questionnaire-partners"]

    assert entry["task"] == "focusgroups.tasks.remind_partners"
    assert remind_partners.name == "focusgroups.tasks.remind_partners"
