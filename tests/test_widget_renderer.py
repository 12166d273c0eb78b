"""Widgets written in Python (reviews/widget_renderer.py) write exactly what Django's widget templates write: every
kind of input, text areas and selects, with values and attributes of every kind, awkward characters, values made
safe and lazy text; and anything else is still drawn by Django's templates."""

import datetime
import decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from reviews.widget_renderer import WidgetRenderer
from reviews.widgets import DateInput

AWKWARD = ['He said "no" & <left>', "O'Brien", mark_safe("<b>safe</b>"), "", " spaced ", "tab\tand\nline", "é ✓ 😀"]
LAZY = lazy(lambda: "Lazy <text> & “quotes”", str)()
ATTRS = [
    {},
    {"class": "govuk-input", "id": "id_x"},
    {"required": True, "disabled": False, "autofocus": True},
    {"maxlength": 100, "min": 0, "step": decimal.Decimal("0.5"), "data-x": 1.5},
    {"aria-describedby": "x-hint x-error", "title": LAZY, "placeholder": AWKWARD[0]},
    {"data-safe": mark_safe("<i>"), "data-tuple": (1, 2), "data-none": None},
    {"data-zero": 0, "data-true-ish": 1, "data-date": datetime.date(2027, 3, 8)},
]
VALUES = [None, "", "0", 0, 42, 3.25, decimal.Decimal("1234.50"), datetime.date(2027, 3, 8), LAZY, *AWKWARD]

INPUT_WIDGETS = [
    forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.PasswordInput, forms.HiddenInput,
    forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.FileInput, DateInput,
]  # fmt: skip


def both(widget: forms.Widget, name, value, attrs) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=DjangoTemplates()),
        widget.render(name, value, attrs=attrs, renderer=WidgetRenderer()),
    )


@pytest.mark.parametrize("kind", INPUT_WIDGETS, ids=lambda kind: kind.__name__)
def test_every_kind_of_input_is_written_as_djangos_template_writes_it(kind):
    for attrs in ATTRS:
        for value in VALUES:
            for name in ("q12", 'odd "name" <x>'):
                django, written = both(kind(), name, value, dict(attrs))
                assert written == django, (kind, value, attrs)


def test_a_checkbox_and_a_password_shown_again_are_written_as_djangos():
    for value in (None, True, False, "", "on", "yes"):
        for attrs in ATTRS:
            assert (
                both(forms.CheckboxInput(), "agree", value, dict(attrs))[1]
                == both(forms.CheckboxInput(), "agree", value, dict(attrs))[0]
            )
    for value in VALUES:
        django, written = both(forms.PasswordInput(render_value=True), "password", value, {})
        assert written == django


def test_a_text_area_is_written_as_djangos_template_writes_it():
    for attrs in ATTRS:
        for value in [*VALUES, "\nstarts with a line", "ends with a line\n", "  "]:
            django, written = both(forms.Textarea(attrs={"rows": 4}), "q7", value, dict(attrs))
            assert written == django, (value, attrs)


CHOICES = [
    [],
    [("", "Choose"), ("a", "Alpha"), ("b", 'B & "quoted" <b>'), (3, 3), ("safe", mark_safe("<em>safe</em>"))],
    [("Group <one>", [("1", "One"), ("2", LAZY)]), ("3", "Three"), ("Group two", [(4, "Four")])],
    [(1234, 1234), (decimal.Decimal("2.5"), "Two and a half"), (datetime.date(2027, 3, 8), "A date")],
]


def test_a_select_and_its_options_are_written_as_djangos_templates_write_them():
    for choices in CHOICES:
        for attrs in ATTRS:
            for value in (None, "", "a", "b", 3, "3", "2", 1234, "1234"):
                django, written = both(forms.Select(choices=choices), "segment", value, dict(attrs))
                assert written == django, (choices, value, attrs)
            for value in (None, [], ["a", "b"], ["1", 4], ["3"]):
                django, written = both(forms.SelectMultiple(choices=choices), "many", value, dict(attrs))
                assert written == django, (choices, value, attrs)


def test_a_model_choice_fields_select_is_written_as_djangos(db):
    from reviews.models import Theme

    field = forms.ModelChoiceField(Theme.objects.order_by("pk"))
    bound_value = Theme.objects.order_by("pk").values_list("pk", flat=True).first()
    for value in (None, bound_value, str(bound_value)):
        django, written = both(field.widget, "theme", value, {"class": "govuk-select"})
        assert written == django
        assert "<option" in written


class OwnOptions(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"


def test_what_it_does_not_write_itself_is_drawn_by_djangos_templates():
    for widget, value in [
        (OwnOptions(choices=[("a", "Alpha")]), "a"),
        (forms.ClearableFileInput(), None),
        (forms.RadioSelect(choices=[("a", "Alpha"), ("b", "Beta")]), "a"),
        (forms.CheckboxSelectMultiple(choices=[("a", "Alpha"), ("b", "Beta")]), ["b"]),
        (forms.SplitDateTimeWidget(), datetime.datetime(2027, 3, 8, 9, 30)),
        (forms.SelectDateWidget(years=[2027]), datetime.date(2027, 3, 8)),
    ]:
        django, written = both(widget, "x", value, {"id": "id_x"})
        assert written == django, widget


def test_the_site_draws_its_forms_with_it():
    assert isinstance(get_default_renderer(), WidgetRenderer)


def test_the_templates_it_writes_itself_are_djangos_own_not_an_apps_override():
    """An installed app shipping its own django/forms/widgets/input.html would be passed over by the renderer's
    own writing: none does, and a new one fails here."""
    from pathlib import Path

    import django

    from reviews.widget_renderer import INPUTS, SELECT, SELECT_OPTION, TEXTAREA

    own = Path(django.__file__).parent / "forms" / "templates"
    for name in sorted(INPUTS | {TEXTAREA, SELECT, SELECT_OPTION}):
        origin = Path(WidgetRenderer().get_template(name).origin.name)
        assert origin.is_relative_to(own), (name, origin)
