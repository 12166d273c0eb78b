"""The select for long lists (reviews.widgets.Select) writes the same HTML as Django's, without a template per
option."""

import pytest
from django import forms
from django.test.html import parse_html

from reviews import widgets

CHOICES = [
    ("", "Choose a finding"),
    (1, "Help and protection: <b>Plans</b> & reviews"),
    (2, 'Quoted "summary"'),
    ("Grouped", [(3, "Three"), (4, "Four")]),
]


@pytest.mark.parametrize("value", [None, "", 1, "2", 4, "not one of them"])
@pytest.mark.parametrize("attrs", [None, {"class": "govuk-select", "id": "id_keep", "aria-describedby": "keep-hint"}])
def test_it_writes_what_djangos_select_writes(value, attrs):
    ours = widgets.Select(choices=CHOICES).render("keep", value, attrs=attrs)
    djangos = forms.Select(choices=CHOICES).render("keep", value, attrs=attrs)

    assert parse_html(ours) == parse_html(djangos)


def test_names_are_escaped_and_the_chosen_one_is_selected():
    html = widgets.Select(choices=CHOICES).render("keep", 1, attrs={"required": True, "disabled": False})

    assert '<option value="1" selected>Help and protection: &lt;b&gt;Plans&lt;/b&gt; &amp; reviews</option>' in html
    assert "<b>" not in html
    assert '<select name="keep" required>' in html
    assert "disabled" not in html


def test_the_merge_form_styles_it_as_a_govuk_select_with_its_error_style(review, lead_client):
    from conference.forms import MergeForm

    page = lead_client.get(f"/reviews/{review.pk}/conference/findings/").content.decode()
    refused = MergeForm({"keep": "", "duplicate": ""}, review=review)
    refused.is_valid()
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(refused)

    assert '<select name="keep" class="govuk-select" id="id_keep">' in page
    assert 'class="govuk-select govuk-input--error"' in html
