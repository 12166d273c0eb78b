"""One glossary defines the review's jargon; pages link a term to its entry and explain it where it is first used."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils.html import escape

from reviews import glossary

from ..factories import FindingFactory


def test_the_glossary_defines_the_review_jargon(lead_client):
    response = lead_client.get(reverse("glossary"))

    content = response.content.decode()
    assert response.status_code == 200
    for slug in ["segment", "kappa", "triangulated", "counts"]:
        term = glossary.get(slug)
        assert f'id="{term.anchor}"' in content
        assert escape(term.definition) in content
    assert "Counts such as ‘5 of 26’" in content


def test_the_glossary_needs_a_login(client):
    response = client.get(reverse("glossary"))

    assert response.status_code == 302


def test_a_term_links_to_its_entry_and_a_hint_explains_it():
    rendered = Template('{% load glossary %}{% term "kappa" "weighted kappa" %} {% term_hint "segment" %}').render(
        Context()
    )

    assert '<a class="govuk-link app-term" href="/glossary/#term-kappa">weighted kappa</a>' in rendered
    assert "What “Segment” means" in rendered
    assert 'href="/glossary/#term-segment"' in rendered


def test_an_unknown_term_fails_loudly():
    with pytest.raises((KeyError, TemplateSyntaxError)):
        Template('{% load glossary %}{% term "no-such-term" %}').render(Context())


@pytest.mark.parametrize(
    ("url_name", "slug"),
    [
        ("reviews:overview", "counts"),
        ("audits:statistics", "kappa"),
        ("focusgroups:segments", "segment"),
        ("interviews:coverage", "triangulated"),
    ],
)
def test_pages_explain_their_jargon_where_it_is_first_used(url_name, slug, review, lead_client):
    response = lead_client.get(reverse(url_name, args=[review.pk]))

    assert response.status_code == 200
    assert f'href="/glossary/#term-{slug}"' in response.content.decode()


def test_a_finding_explains_triangulation(review, lead, lead_client):
    finding = FindingFactory(review=review, raised_by=lead)

    response = lead_client.get(reverse("reviews:finding_detail", args=[review.pk, finding.pk]))

    assert 'href="/glossary/#term-triangulated"' in response.content.decode()


def test_every_page_footer_links_to_the_glossary(review, contributor_client):
    response = contributor_client.get(reverse("reviews:overview", args=[review.pk]))

    assert '<a class="govuk-footer__link" href="/glossary/">Glossary</a>' in response.content.decode()
