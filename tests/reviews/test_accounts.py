import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerreview import settings as site_settings
from reviews import stages
from reviews.urls import urlpatterns as review_urlpatterns

PROJECT_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery-staple"  # The factories' password for every user.
LOGIN_ERROR = "Enter a correct username and password. Both are case-sensitive."


def review_page_urls() -> list[str]:
    """Every page of the reviews app and each stage's entry page, with 1 for every id."""
    urls = [
        reverse(f"reviews:{pattern.name}", kwargs=dict.fromkeys(pattern.pattern.converters, 1))
        for pattern in review_urlpatterns
    ]
    urls += [reverse(stage.entry_url_name, kwargs={"review_id": 1}) for stage in stages.all_stages()]
    return urls


def login(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def manage(*args: str, **environ: str | None) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only the given DJANGO_ variables set (debug on unless given;
    None leaves a variable out)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "true", **environ})
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


# Signing in


@pytest.mark.django_db
def test_the_login_page_renders_for_an_anonymous_visitor(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "registration/login.html" in [template.name for template in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize("url", review_page_urls())
def test_a_review_page_sends_an_anonymous_visitor_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.django_db
def test_the_health_check_is_public(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_wrong_password_and_an_unknown_username_get_the_same_error(client, lead):
    wrong_password = login(client, "lead", "not-the-password")
    unknown_user = login(client, "nobody-of-that-name", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].non_field_errors() == [LOGIN_ERROR]
    assert unknown_user.context["form"].non_field_errors() == [LOGIN_ERROR]


def test_a_member_signs_in_with_the_right_password(client, lead):
    response = login(client, "lead", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:list")
    assert client.session["_auth_user_id"] == str(lead.pk)


def test_repeated_failures_pause_the_account(client, lead):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "lead", "not-the-password")

    response = login(client, "lead", PASSWORD)

    assert settings.AXES_FAILURE_LIMIT == 5
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_attempt_that_reaches_the_limit_is_already_locked_out(client, lead):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "lead", "not-the-password")

    last_failure = login(client, "lead", "not-the-password")

    assert last_failure.status_code == 429


def test_one_failure_fewer_than_the_limit_does_not_lock(client, lead):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "lead", "not-the-password")

    response = login(client, "lead", PASSWORD)

    assert response.status_code == 302


def test_failures_from_many_addresses_add_up_and_pause_the_account_from_every_address(client, lead):
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(client, "lead", "not-the-password", REMOTE_ADDR=f"10.0.0.{number + 10}")

    response = login(client, "lead", PASSWORD, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 429
    assert "sign-in to it is paused for an hour, from every device" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_many_accounts_from_one_address_pause_that_address_only(client, lead, peer, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 8
    for number in range(8):  # a few tries each on several accounts: no account reaches its own limit
        login(client, f"someone-{number % 3}", "guess", REMOTE_ADDR="198.51.100.7")

    from_there = login(client, "lead", PASSWORD, REMOTE_ADDR="198.51.100.7")
    from_elsewhere = login(client, "peer", PASSWORD, REMOTE_ADDR="198.51.100.8")

    assert from_there.status_code == 429
    assert "too many failed attempts to sign in from your network" in from_there.content.decode()
    assert from_elsewhere.status_code == 302


def test_the_admins_sign_in_is_the_same_door_with_the_same_pause(client, admin_user, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for number in range(3):
        client.post("/admin/login/", {"username": f"someone-{number}", "password": "guess"})

    refused = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_page_leads_back_to_the_admin(client, admin_user):
    page = client.get("/admin/")
    signed_in = client.post(page["Location"], {"username": "admin", "password": PASSWORD})

    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_the_address_limit_believes_only_the_trusted_proxy(client, lead, peer, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(4):  # the attacker writes a new address at the start of the header each time
        login(client, f"someone-{number}", "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 203.0.113.50")

    attacker = login(client, "lead", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99, 203.0.113.50")
    colleague = login(client, "peer", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.51")

    assert attacker.status_code == 429
    assert colleague.status_code == 302


@pytest.mark.parametrize("forwarded", ["not-an-address", "<script>", "300.1.1.1"])
def test_a_forwarded_address_that_is_not_one_fails_nothing(client, lead, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1

    failed = login(client, "lead", "not-the-password", HTTP_X_FORWARDED_FOR=forwarded)
    signed_in = login(client, "lead", PASSWORD, HTTP_X_FORWARDED_FOR=forwarded)

    assert failed.status_code == 200
    assert signed_in.status_code == 302


def test_the_lead_sees_which_members_are_paused(client, review, lead, peer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "peer", "not-the-password")
    client.force_login(lead)

    page = client.get(reverse("team:index", args=[review.pk])).content.decode()

    assert page.count("Paused") == 1
    assert "Too many failed sign-ins; paused until" in page
    assert "Can sign in" in page


def test_another_username_can_still_sign_in_from_a_locked_address(client, lead, peer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "lead", "not-the-password")

    response = login(client, "peer", PASSWORD)

    assert response.status_code == 302


def test_the_session_key_changes_at_login(client, lead):
    session = client.session
    session["seen_login_page"] = True
    session.save()
    before = session.session_key

    login(client, "lead", PASSWORD)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert SessionStore().exists(before) is False
    assert client.session["seen_login_page"] is True


def test_sessions_expire_after_thirty_idle_minutes_moved_on_by_activity_once_a_minute():
    assert settings.SESSION_COOKIE_AGE == 1800
    # The site's own value (tests/conftest.py sets a day, so that no count of queries depends on the clock).
    assert site_settings.SESSION_REFRESH_SECONDS == 60
    assert "reviews.sessions.SessionMiddleware" in settings.MIDDLEWARE


# Passwords


def test_a_password_of_eleven_characters_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_password("k7#Rv!q2Lw9")

    assert refused.value.messages == ["This password is too short. It must contain at least 12 characters."]


def test_a_common_password_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_password("password1234")

    assert refused.value.messages == ["This password is too common."]


def test_a_strong_password_is_accepted():
    assert validate_password("Lantern-oak-river-93") is None


def test_a_member_changes_their_password(lead_client, lead):
    page = lead_client.get(reverse("password_change"))

    response = lead_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Lantern-oak-river-93", "new_password2": "Lantern-oak-river-93"},
    )

    lead.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert lead.check_password("Lantern-oak-river-93") is True
    assert lead_client.get(reverse("password_change_done")).status_code == 200


def test_a_weak_new_password_is_refused_on_the_change_page(lead_client, lead):
    response = lead_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password1234", "new_password2": "password1234"},
    )

    lead.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": ["This password is too common."]}
    assert lead.check_password(PASSWORD) is True


# Headers and deployment settings


def test_responses_carry_the_security_headers(lead_client):
    response = lead_client.get(reverse("reviews:list"))

    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_deploy_checks_pass_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45),
        DJANGO_ALLOWED_HOSTS="peer-review.example",
    )

    assert result.returncode == 0, result.stderr


def test_the_settings_refuse_to_load_without_a_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="peer-review.example")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_with_no_environment_at_all_debug_is_off_and_the_app_refuses_to_start():
    result = manage("check", DJANGO_DEBUG=None)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_models_are_checked_against_migrations_with_no_environment_at_all():
    result = manage("makemigrations", "--check", "--dry-run", DJANGO_DEBUG=None)

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_debug_is_on_only_when_asked_for_and_then_a_development_key_is_used():
    shown = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY.startswith('insecure-'))"

    asked = manage("shell", "-c", shown, DJANGO_DEBUG="true")
    misspelt = manage(
        "shell",
        "-c",
        shown,
        DJANGO_DEBUG="ture",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45),
        DJANGO_ALLOWED_HOSTS="peer-review.example",
    )

    assert asked.stdout.strip().splitlines()[-1] == "True True"
    assert misspelt.stdout.strip().splitlines()[-1] == "False False"


def test_the_settings_refuse_to_load_without_allowed_hosts_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(45))

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off." in result.stderr


def test_the_mail_server_comes_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, bool(s.EMAIL_HOST_PASSWORD))",
        DJANGO_EMAIL_HOST="smtp.peer-review.example",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="alerts",
        DJANGO_EMAIL_HOST_PASSWORD=secrets.token_urlsafe(16),
        DJANGO_EMAIL_USE_TLS="true",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == ["smtp.peer-review.example", "587", "alerts", "True", "False", "True"]


def test_the_settings_refuse_tls_and_ssl_together():
    result = manage("check", DJANGO_EMAIL_USE_TLS="true", DJANGO_EMAIL_USE_SSL="true")

    assert result.returncode != 0
    assert "Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both." in result.stderr
