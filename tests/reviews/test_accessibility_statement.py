"""The accessibility statement: public, in the GOV.UK format, and linked from the footer of every page."""

import pytest
from django.test import Client
from django.urls import reverse

from ..focusgroups.conftest import make_questionnaire


@pytest.mark.django_db
def test_the_statement_is_public_and_in_the_gov_uk_format():
    response = Client().get(reverse("accessibility"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Accessibility statement – Safeguarding peer review</title>" in html
    for heading in [
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "What meets the standard",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]:
        assert heading in html
    assert "This statement was prepared on 3 December 2026." in html
    assert "Web Content Accessibility Guidelines version 2.2</a> AA standard" in html


@pytest.mark.django_db
def test_the_statement_gives_the_configured_address_for_reporting_a_problem(settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibility@council.example"

    html = Client().get(reverse("accessibility")).content.decode()

    assert '<a class="govuk-link" href="mailto:accessibility@council.example">' in html


@pytest.mark.django_db
def test_the_statement_only_answers_get():
    response = Client().post(reverse("accessibility"))

    assert response.status_code == 405


def test_the_staff_pages_link_to_the_statement_from_their_footer(review, lead_client):
    html = lead_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()

    assert '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>' in html


@pytest.mark.django_db
def test_the_sign_in_page_links_to_the_statement(client):
    html = client.get(reverse("login")).content.decode()

    assert '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>' in html


def test_the_public_questionnaire_links_to_the_statement(review):
    questionnaire = make_questionnaire(review)

    html = Client().get(reverse("questionnaire_answer", args=[questionnaire.token])).content.decode()

    assert '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>' in html
