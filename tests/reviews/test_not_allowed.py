"""An address opened with a method it does not take (a form's address opened as a page) gets a page saying so in
the site's layout, with the 405 status and its Allow header; the public pages keep their own layout."""

import pytest
from django.http import HttpResponseNotAllowed, StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from reviews.middleware import NotAllowedPageMiddleware

from ..focusgroups.conftest import make_questionnaire


def test_a_forms_address_opened_as_a_page_says_so_in_the_staff_layout(lead_client):
    response = lead_client.get(reverse("notifications:mark_all_read"))

    body = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert '<h1 class="govuk-heading-xl">This address has no page of its own</h1>' in body
    assert "Nothing has been changed." in body
    assert f'href="{reverse("reviews:list")}"' in body
    assert "Content-Security-Policy" in response
    assert response["Cache-Control"] == "no-store, private"


def test_a_form_sent_to_a_page_that_takes_none_says_nothing_was_saved(review, lead_client):
    response = lead_client.post(reverse("conference:letter", args=[review.pk]))

    assert response.status_code == 405
    assert "nothing has been saved or changed" in response.content.decode()


@pytest.mark.django_db
def test_a_questionnaire_link_sent_the_wrong_way_keeps_the_public_layout(review):
    questionnaire = make_questionnaire(review, title="Staff survey", audience="staff")

    response = Client().put(f"/q/{questionnaire.token}/")

    body = response.content.decode()
    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "POST"]
    assert "This address has no page of its own" in body
    assert "Go to your reviews" not in body
    assert "My reviews" not in body


def test_an_outsider_still_gets_404_not_the_page(review, outsider_client):
    response = outsider_client.get(reverse("conference:letter_generate", args=[review.pk]))

    assert response.status_code == 404


def test_the_page_keeps_every_header_the_site_sends(lead_client):
    response = lead_client.get(reverse("notifications:mark_all_read"))

    assert response.status_code == 405
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_another_method_to_a_questionnaire_link_without_its_security_check_is_refused_plainly(review, method):
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(f"/q/{questionnaire.token}/", "q1=1")

    body = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in body
    assert "Go to your reviews" not in body and "My reviews" not in body  # the public layout


def test_a_405_that_says_something_of_its_own_is_left_as_it_is(rf):
    streamed = StreamingHttpResponse(iter([b"streamed"]), status=405)
    worded = HttpResponseNotAllowed(["POST"], content=b"Only a form's button sends here.")

    assert NotAllowedPageMiddleware(lambda request: streamed)(rf.get("/")) is streamed
    assert NotAllowedPageMiddleware(lambda request: worded)(rf.get("/")) is worded
