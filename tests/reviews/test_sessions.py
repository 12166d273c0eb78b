"""A session that ends after inactivity warns first and loses nothing: "Stay signed in" extends it, and a form sent
after it ended is sent again, once, when its owner signs in (WCAG 2.2.1)."""

import datetime
import re
import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import sessions
from reviews.models import Finding

from .test_findings import form_data

PASSWORD = "correct-horse-battery-staple"


def end_the_session(client: Client) -> None:
    """What 30 idle minutes do: the session's record is still there, but it has expired."""
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)
    if hasattr(store, "cache_key"):  # the cached copy has expired with it
        caches[django_settings.SESSION_CACHE_ALIAS].delete(store.cache_key)


def sign_in(client: Client, username: str, next_url: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, "next": next_url})


# The warning


def test_a_signed_in_page_carries_the_timeout_warning_for_the_session_age(review, lead_client, settings):
    settings.SESSION_COOKIE_AGE = 1800

    html = lead_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()

    # The whole age, less the second the sign-in may have crossed into (seconds are counted whole, rounded down).
    assert re.search(r'data-session-timeout data-session-seconds="(1800|1799)" data-warning-seconds="120"', html)
    assert "You’re about to be signed out" in html
    assert f'action="{reverse("session_extend")}"' in html


def test_the_sign_in_page_has_no_timeout_warning(client):
    html = client.get(reverse("login")).content.decode()

    assert "data-session-timeout" not in html


def session_writes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in query["sql"] for query in captured.captured_queries)


def test_a_page_moves_the_session_end_on_at_most_once_a_minute_and_says_the_time_left(review, lead_client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_REFRESH_SECONDS = 60
    url = reverse("reviews:overview", args=[review.pk])
    lead_client.get(url)

    assert session_writes(lead_client, url) == 0
    session = lead_client.session
    session[sessions.REFRESHED_KEY] = int(time.time()) - 100
    session.save()
    html = lead_client.get(reverse("reviews:list"), follow=True).content.decode()
    assert session_writes(lead_client, url) == 0  # the list page moved it on
    assert 'data-session-seconds="1800"' in html or 'data-session-seconds="1799"' in html

    session = lead_client.session
    session[sessions.REFRESHED_KEY] = int(time.time()) - 50
    session.save()
    html = lead_client.get(url).content.decode()
    assert 'data-session-seconds="1750"' in html or 'data-session-seconds="1749"' in html
    assert Session.objects.get(session_key=session.session_key).get_decoded()[sessions.REFRESHED_KEY] < time.time() - 49


@pytest.mark.django_db
def test_a_made_up_or_ended_session_cookie_makes_no_session(client, review, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "madeupsessionkey0000000000000000"

    for url in ["/health/", reverse("login"), reverse("reviews:overview", args=[review.pk])]:
        client.get(url)

    assert not Session.objects.exists()


def test_staying_signed_in_extends_the_session(lead_client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    Session.objects.filter(session_key=lead_client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=60)
    )
    caches[django_settings.SESSION_CACHE_ALIAS].clear()

    response = lead_client.post(reverse("session_extend"))

    expiry = Session.objects.get(session_key=lead_client.session.session_key).expire_date
    assert response.status_code == 200
    assert response.json() == {"seconds": 1800}
    assert expiry > timezone.now() + datetime.timedelta(seconds=1700)


def test_staying_signed_in_needs_a_post_with_its_csrf_token(lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    got = client.get(reverse("session_extend"))
    posted = client.post(reverse("session_extend"))

    assert got.status_code == 405
    assert posted.status_code == 403


def test_an_ended_session_cannot_be_extended(lead_client):
    end_the_session(lead_client)

    response = lead_client.post(reverse("session_extend"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# A form sent after the session ended


def test_a_form_sent_after_the_session_ended_is_sent_again_after_sign_in(review, lead, lead_client):
    url = reverse("reviews:finding_create", args=[review.pk])
    end_the_session(lead_client)

    sent = lead_client.post(url, form_data(review, summary="Written before the session ended"))
    signed_in = sign_in(lead_client, "lead", url)
    back = lead_client.get(url)
    again = lead_client.get(url)

    finding = Finding.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"{reverse('login')}?next={url}"
    assert Finding.objects.count() == 1
    assert signed_in["Location"] == url
    assert back.status_code == 302
    assert back["Location"] == finding.get_absolute_url()
    assert finding.summary == "Written before the session ended"
    assert finding.raised_by == lead
    assert again.status_code == 200  # sent once: the next visit is the empty form


def test_the_sign_in_page_says_what_is_kept(review, lead_client):
    url = reverse("reviews:finding_create", args=[review.pk])
    end_the_session(lead_client)

    page = lead_client.post(url, form_data(review), follow=True)

    assert "What you entered is kept: sign in and it is sent again." in page.content.decode()


def test_a_kept_form_with_a_problem_comes_back_with_what_was_entered(review, lead_client):
    url = reverse("reviews:finding_create", args=[review.pk])
    end_the_session(lead_client)

    lead_client.post(url, form_data(review, summary="Kept although the kind is missing", kind=None))
    sign_in(lead_client, "lead", url)
    back = lead_client.get(url)

    assert back.status_code == 200
    assert back.context["form"]["summary"].value() == "Kept although the kind is missing"
    assert "kind" in back.context["form"].errors
    assert Finding.objects.count() == 0


def test_someone_else_signing_in_on_the_same_browser_does_not_get_the_form(review, lead_client, peer):
    url = reverse("reviews:finding_create", args=[review.pk])
    end_the_session(lead_client)

    lead_client.post(url, form_data(review, summary="The lead's unsent finding"))
    sign_in(lead_client, "peer", url)
    page = lead_client.get(url)

    assert page.status_code == 200
    assert "The lead's unsent finding" not in page.content.decode()
    assert Finding.objects.count() == 0


def test_a_kept_form_holds_no_csrf_token_or_password(review, lead_client):
    url = reverse("reviews:finding_create", args=[review.pk])
    end_the_session(lead_client)

    lead_client.post(url, {**form_data(review), "csrfmiddlewaretoken": "x" * 64, "new_password1": "secret-words"})

    kept = lead_client.session["draft_after_timeout"]["data"]
    assert "csrfmiddlewaretoken" not in kept
    assert "new_password1" not in kept
    assert kept["summary"] == ["Step-down to early help is well planned"]


def test_a_kept_form_is_not_sent_after_fifteen_minutes(review, lead_client, monkeypatch):
    url = reverse("reviews:finding_create", args=[review.pk])
    end_the_session(lead_client)
    lead_client.post(url, form_data(review))
    session = lead_client.session
    session["draft_after_timeout"]["at"] -= 15 * 60 + 1
    session.save()

    sign_in(lead_client, "lead", url)
    page = lead_client.get(url)

    assert page.status_code == 200
    assert Finding.objects.count() == 0


@pytest.mark.django_db
def test_a_post_from_someone_never_signed_in_keeps_nothing(review):
    client = Client()

    response = client.post(reverse("reviews:finding_create", args=[review.pk]), {"summary": "Anonymous"})

    assert response.status_code == 302
    assert "draft_after_timeout" not in client.session


def test_the_time_left_is_the_whole_age_when_the_page_writes_the_session(settings):
    settings.SESSION_COOKIE_AGE = 1800
    request = RequestFactory().get("/")
    request.session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    request.session[sessions.REFRESHED_KEY] = int(time.time()) - 100

    assert sessions.seconds_left(request) == 1800  # changed by this request, so written when it ends
    request.session.modified = False
    assert sessions.seconds_left(request) in {1699, 1700}
