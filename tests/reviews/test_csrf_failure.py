"""A failed security check (CSRF) is a page in the site's own words that says what to do, never Django's technical
page; nothing is saved."""

from django.test import Client
from django.urls import reverse

from reviews.models import Finding


def test_a_staff_form_sent_with_a_stale_token_says_it_was_not_sent_and_saves_nothing(review, lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    response = client.post(
        reverse("reviews:finding_create", args=[review.pk]), {"summary": "Thresholds are applied inconsistently"}
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in page
    assert "Go back, refresh the page, then fill it in and send it again." in page
    assert "CSRF" not in page and "DEBUG" not in page
    assert 'class="govuk-header' in page  # the site's layout
    assert not Finding.objects.exists()


def test_signing_in_from_a_page_left_open_says_what_to_do(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in page
    assert "Verification failed" not in page
    assert "Childline" not in page and 'class="govuk-header' in page  # the staff layout, not the questionnaire's


def test_a_ballot_sent_with_a_stale_token_gets_the_public_layout(db):
    response = Client(enforce_csrf_checks=True).post(reverse("vote:join"), {"code": "ABCD-EFGH"})

    assert response.status_code == 403
    assert "Your form was not sent" in response.content.decode()
    assert "Childline" in response.content.decode()
