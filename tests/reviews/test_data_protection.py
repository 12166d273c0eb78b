"""The data protection page: public, says what is held, where, who sees it, how long and how it is deleted."""

import pytest
from django.urls import reverse

from reviews.models import AccessLog

pytestmark = pytest.mark.django_db

HEADINGS = [
    "What is held",
    "Where it is held",
    "Who can see it",
    "How long it is kept and how it is deleted",
    "Your rights",
]


def test_the_page_is_public_and_answers_the_five_questions(client):
    response = client.get(reverse("data_protection"))

    page = response.content.decode()
    assert response.status_code == 200
    assert [heading for heading in HEADINGS if f">{heading}</h2>" in page] == HEADINGS
    assert "Anonymous: no account, name or address is asked for or kept" in page
    assert "Ask the council or organisation that runs your review for its data protection officer." in page


def test_the_page_names_the_configured_contact(client, settings):
    settings.DATA_PROTECTION_CONTACT_EMAIL = "dpo@peer-review.example"

    page = client.get(reverse("data_protection")).content.decode()

    assert 'href="mailto:dpo@peer-review.example"' in page


def test_staff_and_public_pages_link_to_it_and_reading_it_is_not_logged(client, lead_client, review):
    staff_page = lead_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()
    sign_in_page = client.get(reverse("login")).content.decode()
    lead_client.get(reverse("data_protection"))

    assert f'href="{reverse("data_protection")}"' in staff_page
    assert f'href="{reverse("data_protection")}"' in sign_in_page
    assert list(AccessLog.objects.values_list("view_name", flat=True)) == ["reviews:overview"]


def test_it_only_answers_get(client):
    assert client.post(reverse("data_protection")).status_code == 405
