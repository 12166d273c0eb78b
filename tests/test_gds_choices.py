"""GOV.UK checkboxes and radios made in Python (reviews/templatetags/gds_choices.py) write the HTML crispy-forms-gds's
own templates write, field by field: plain and model choices, values given, sent, refused and missing, hints and
dividers, and labels that need escaping."""

from pathlib import Path

import crispy_forms_gds
import pytest
from crispy_forms_gds.choices import Choice
from django import forms
from django.template import engines
from django.template.loader import get_template
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from reviews.models import Theme

ORIGINALS = Path(crispy_forms_gds.__file__).parent / "templates" / "gds" / "layout"


def form_class():
    themes = Theme.objects.order_by("pk")

    class Everything(forms.Form):
        many = forms.MultipleChoiceField(
            choices=[(1, "One"), (2, "Two & <b>two</b>"), ("3", "Three")],
            widget=forms.CheckboxSelectMultiple,
            help_text="Choose any.",
            required=False,
        )
        one = forms.ChoiceField(choices=[("a", "A"), ("b", "B"), (3, "C")], widget=forms.RadioSelect)
        hinted = forms.ChoiceField(
            choices=[Choice("x", "X", hint="A hint <i>"), Choice("y", "Y", divider="or"), ("z", mark_safe("<b>Z</b>"))],
            widget=forms.RadioSelect,
            required=False,
        )
        hinted_many = forms.MultipleChoiceField(
            choices=[Choice("p", "P", hint="Hint"), Choice("q", "Q", divider="or"), ("r", "R")],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        themes_many = forms.ModelMultipleChoiceField(
            queryset=themes, widget=forms.CheckboxSelectMultiple, required=False
        )
        theme = forms.ModelChoiceField(queryset=themes, widget=forms.RadioSelect, empty_label=None)
        yes_no = forms.TypedChoiceField(
            choices=[(True, "Yes"), (False, "No")], coerce=lambda value: value == "True", widget=forms.RadioSelect
        )

    return Everything


def both_ways(bound_field, template: str, **flags) -> tuple[str, str]:
    context = {"field": bound_field, **flags}
    original = engines["django"].from_string((ORIGINALS / template).read_text()).render(context)
    ours = get_template(f"gds/layout/{template}").render(context)
    return original, ours


@pytest.mark.django_db
def test_every_kind_of_field_is_written_as_crispy_forms_gds_writes_it(review):
    themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))
    assert len(themes) >= 2
    Everything = form_class()
    forms_to_try = [
        Everything(),
        Everything(
            initial={
                "many": [2],
                "one": "b",
                "hinted": "y",
                "hinted_many": ["p", "r"],
                "themes_many": themes[:2],
                "theme": themes[1],
                "yes_no": False,
            }
        ),  # fmt: skip
        Everything(
            {
                "many": ["1", "3"],
                "one": "3",
                "hinted": "x",
                "hinted_many": ["q"],
                "themes_many": [str(themes[0])],
                "theme": str(themes[0]),
                "yes_no": "True",
            }
        ),  # fmt: skip
        Everything({"many": ["9"], "one": "nope", "themes_many": ["not-a-number"], "theme": "0"}),  # refused
        Everything({}),  # sent with nothing
    ]
    compared = 0
    for form in forms_to_try:
        form.is_valid()
        for name, field in form.fields.items():
            template = "checkboxes.html" if isinstance(field.widget, forms.CheckboxSelectMultiple) else "radios.html"
            for flags in ({}, {"legend_size": "govuk-fieldset__legend--m", "legend_tag": "h2", "inline": True,
                               "radios_inline": True, "radios_small": True, "checkboxes_small": True}):  # fmt: skip
                original, ours = both_ways(form[name], template, **flags)
                assert parse_html(ours) == parse_html(original), (name, form.data, flags, original, ours)
                compared += 1
    assert compared == len(forms_to_try) * len(Everything.base_fields) * 2


@pytest.mark.django_db
def test_the_checked_items_are_the_ones_sent(review):
    themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))
    form = form_class()({"many": ["1", "3"], "themes_many": [str(themes[1])], "one": "b"})
    checkboxes = get_template("gds/layout/checkboxes.html").render({"field": form["many"]})
    assert checkboxes.count('checked="checked"') == 2 and 'id="id_many_2" value="2">' in checkboxes
    assert "Two &amp; &lt;b&gt;two&lt;/b&gt;" in checkboxes
    model = get_template("gds/layout/checkboxes.html").render({"field": form["themes_many"]})
    assert f'value="{themes[1]}" checked="checked"' in model and model.count('checked="checked"') == 1
    radios = get_template("gds/layout/radios.html").render({"field": form["one"]})
    assert 'id="id_one_2" value="b" checked="checked"' in radios and radios.count('checked="checked"') == 1


@pytest.mark.django_db
def test_crispy_forms_gds_conditional_radios_still_put_their_items_in_the_fieldset(review):
    form = form_class()()
    html = get_template("gds/layout/conditional_radios.html").render(
        {"field": form["one"], "choices": mark_safe('<div class="conditional-items"></div>')}
    )
    fieldset = parse_html(html)
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html and "conditional-items" in html
    assert 'type="radio"' not in html  # the block of conditional radios replaces the plain items
    assert fieldset.count(parse_html("<legend class='govuk-fieldset__legend'>One</legend>")) == 1
