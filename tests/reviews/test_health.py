"""Health: /health/ answers from the web process alone; /health/ready/ checks every service and names what failed."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..mailserver import free_port

TOKEN = "a-health-token-for-tests-0123456789"


@pytest.fixture
def token(settings):
    settings.HEALTH_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def ready(client=None, **headers):
    return (client or Client()).get(reverse("health_ready"), **headers)


@pytest.mark.django_db
def test_health_answers_without_touching_the_database():
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(reverse("health"))

    assert (response.status_code, response.content) == (200, b"ok")
    assert len(queries) == 0


@pytest.mark.django_db
def test_ready_checks_every_service_with_the_token(token):
    response = ready(**token)

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_ready_is_404_without_the_token_or_with_a_wrong_one(token, lead_client):
    assert ready().status_code == 404
    assert ready(HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert ready(HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert ready(lead_client).status_code == 404  # a member of a review is not an operator


@pytest.mark.django_db
def test_ready_is_404_when_no_token_is_configured_even_if_one_is_sent(settings):
    settings.HEALTH_TOKEN = ""

    assert ready(HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_an_administrator_signed_in_may_read_it(admin_user):
    client = Client()
    client.force_login(admin_user)

    assert ready(client).status_code == 200


@pytest.mark.django_db
def test_a_cache_nobody_answers_is_named_and_gives_503(token, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "peerreview.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = ready(**token)

    body = response.json()
    assert response.status_code == 503
    assert body["failed"] == ["cache"]
    assert "Connection" in body["checks"]["cache"]["detail"]


@pytest.mark.django_db
def test_a_broker_nobody_answers_is_named(token, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    body = ready(**token).json()

    assert body["failed"] == ["broker"]


@pytest.mark.django_db
def test_a_storage_that_cannot_be_written_is_named(token, settings, tmp_path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)}},
    }

    body = ready(**token).json()

    assert body["failed"] == ["storage"]
