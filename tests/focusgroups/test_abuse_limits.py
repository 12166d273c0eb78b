"""The public questionnaire under abuse: answers are limited per network address and per link (generously), and a
flood of identical alert-raising answers is one alert and one email that counts them."""

import pytest
from django.core import mail
from django.test import Client

from focusgroups.models import Question, Response, SafeguardingAlert

from .conftest import make_questionnaire, question, send_waiting_alert_emails

TOO_MANY = "a lot of answers have come from your network in the last few minutes"


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")


def send(questionnaire, data, **headers):
    return Client(**headers).post(f"/q/{questionnaire.token}/", data)


def test_a_class_of_thirty_children_on_one_school_network_all_get_through(questionnaire):
    free = question(questionnaire, Question.Kind.TEXT)

    pages = [send(questionnaire, {f"q{free.pk}": f"Answer {n}"}, REMOTE_ADDR="203.0.113.7") for n in range(30)]

    assert {page.status_code for page in pages} == {200}
    assert Response.objects.filter(questionnaire=questionnaire).count() == 30


def test_past_the_limit_for_an_address_nothing_is_stored_and_what_was_written_is_kept(questionnaire, settings):
    settings.QUESTIONNAIRE_ANSWERS_PER_ADDRESS = 3
    free = question(questionnaire, Question.Kind.TEXT)
    for n in range(3):
        send(questionnaire, {f"q{free.pk}": f"Answer {n}"}, REMOTE_ADDR="203.0.113.7")

    page = send(questionnaire, {f"q{free.pk}": "I wrote this carefully"}, REMOTE_ADDR="203.0.113.7")
    elsewhere = send(questionnaire, {f"q{free.pk}": "From another network"}, REMOTE_ADDR="198.51.100.4")

    body = page.content.decode()
    assert page.status_code == 429
    assert TOO_MANY in body
    assert "Wait 10 minutes, then press the button at the end again." in body
    assert "I wrote this carefully" in body
    assert "If you do not feel safe" in body
    assert elsewhere.status_code == 200
    assert list(Response.objects.order_by("pk").values_list("answers__text", flat=True)) == [
        "Answer 0",
        "Answer 1",
        "Answer 2",
        "From another network",
    ]


def test_past_the_limit_for_a_link_answers_from_any_address_wait(questionnaire, settings):
    settings.QUESTIONNAIRE_ANSWERS_PER_LINK = 2
    free = question(questionnaire, Question.Kind.TEXT)

    statuses = [
        send(questionnaire, {f"q{free.pk}": "Hello"}, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(1, 4)
    ]

    assert statuses == [200, 200, 429]
    assert Response.objects.count() == 2


@pytest.mark.parametrize("cache_kind", ["local", "redis"])
def test_one_address_sending_past_its_own_limit_does_not_hold_up_anyone_elses_answers(
    questionnaire, settings, request, cache_kind
):
    if cache_kind == "redis":
        request.getfixturevalue("site_redis_cache")
    settings.QUESTIONNAIRE_ANSWERS_PER_ADDRESS = 2
    settings.QUESTIONNAIRE_ANSWERS_PER_LINK = 4
    free = question(questionnaire, Question.Kind.TEXT)

    flood = [send(questionnaire, {f"q{free.pk}": "Flood"}, REMOTE_ADDR="203.0.113.66").status_code for _ in range(10)]
    children = [send(questionnaire, {f"q{free.pk}": f"Child {n}"}, REMOTE_ADDR=f"198.51.100.{n}") for n in range(1, 4)]

    assert flood == [200, 200] + [429] * 8
    assert [page.status_code for page in children] == [200, 200, 429]
    past_the_link = children[-1].content.decode()
    assert "a lot of answers have been sent with this link in the last few minutes" in past_the_link
    assert TOO_MANY not in past_the_link
    assert "Child 3" in past_the_link  # what they wrote is kept for them to send again
    assert Response.objects.count() == 4


def test_behind_a_proxy_the_address_it_saw_counts_and_a_forged_header_does_not_escape_the_limit(
    questionnaire, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.QUESTIONNAIRE_ANSWERS_PER_ADDRESS = 2
    free = question(questionnaire, Question.Kind.TEXT)

    statuses = [
        send(
            questionnaire,
            {f"q{free.pk}": "Hello"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        ).status_code
        for n in range(3)
    ]
    other_client = send(
        questionnaire, {f"q{free.pk}": "Hello"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert statuses == [200, 200, 429]
    assert other_client.status_code == 200


def test_the_limits_are_counted_in_redis_so_every_web_process_shares_them(questionnaire, settings, site_redis_cache):
    settings.QUESTIONNAIRE_ANSWERS_PER_ADDRESS = 2
    free = question(questionnaire, Question.Kind.TEXT)

    statuses = [send(questionnaire, {f"q{free.pk}": "Hi"}, REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_ten_identical_alert_raising_answers_in_a_second_are_one_alert_and_one_email(
    questionnaire, safeguarding_lead, django_capture_on_commit_callbacks
):
    safe = question(questionnaire, Question.Kind.AGREE)
    free = question(questionnaire, Question.Kind.TEXT)
    data = {f"q{safe.pk}": "1", f"q{free.pk}": "He hits me"}

    with django_capture_on_commit_callbacks(execute=True):
        pages = [send(questionnaire, data) for _ in range(10)]
    send_waiting_alert_emails()

    alert = SafeguardingAlert.objects.get()
    assert {page.status_code for page in pages} == {200}
    assert all("Who you can talk to" in page.content.decode() for page in pages)
    assert Response.objects.count() == 10  # every response is kept; only the alert is shared
    assert (alert.repeats, alert.last_repeated_at is not None) == (9, True)
    assert len(mail.outbox) == 1


def test_different_answers_raise_their_own_alerts(questionnaire, safeguarding_lead):
    free = question(questionnaire, Question.Kind.TEXT)

    send(questionnaire, {f"q{free.pk}": "He hits me"})
    send(questionnaire, {f"q{free.pk}": "I am scared at night"})

    assert SafeguardingAlert.objects.count() == 2
    assert set(SafeguardingAlert.objects.values_list("repeats", flat=True)) == {0}


def test_once_the_lead_has_read_an_alert_the_same_answers_raise_a_new_one(questionnaire, safeguarding_lead):
    free = question(questionnaire, Question.Kind.TEXT)
    send(questionnaire, {f"q{free.pk}": "He hits me"})
    SafeguardingAlert.objects.get().mark_read(safeguarding_lead)

    send(questionnaire, {f"q{free.pk}": "He hits me"})

    assert list(SafeguardingAlert.objects.order_by("pk").values_list("status", "repeats")) == [
        (SafeguardingAlert.Status.READ, 0),
        (SafeguardingAlert.Status.NEW, 0),
    ]


def test_after_the_grouping_time_the_same_answers_raise_a_new_alert(questionnaire, safeguarding_lead, settings):
    settings.ALERT_GROUPING_SECONDS = 0
    free = question(questionnaire, Question.Kind.TEXT)

    send(questionnaire, {f"q{free.pk}": "He hits me"})
    send(questionnaire, {f"q{free.pk}": "He hits me"})

    assert SafeguardingAlert.objects.count() == 2


def test_the_lead_sees_how_many_identical_responses_an_alert_counts(questionnaire, safeguarding_lead, lead_client):
    free = question(questionnaire, Question.Kind.TEXT)
    for _ in range(3):
        send(questionnaire, {f"q{free.pk}": "He hits me"})
    alert = SafeguardingAlert.objects.get()

    detail = lead_client.get(alert.get_absolute_url()).content.decode()
    listing = lead_client.get(f"/reviews/{alert.review_id}/focus-groups/alerts/").content.decode()

    assert "2 more responses with exactly the same answers" in detail
    assert "and 2 identical responses" in listing
