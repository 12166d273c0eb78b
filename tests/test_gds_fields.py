"""A plain field's GOV.UK form group written in Python (reviews/templatetags/gds_fields.py) is the HTML that
templates/gds/field.html writes for it: every kind of plain field, unbound, with values, refused, with and without
hints, and under every layout flag; and the fields it leaves to the template are still drawn by it."""

import itertools
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import engines
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from reviews.models import Theme
from reviews.widgets import DateInput

FIELD_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "gds" / "field.html"


def templates() -> tuple:
    """The site's field template, and the same without its Python path: the reference."""
    text = FIELD_TEMPLATE.read_text()
    lines = text.splitlines()
    assert "{% plain_field as written %}" in lines[1] and lines[-1].startswith("{% endif %}{# plain_field #}")
    reference = "\n".join([lines[0], *lines[2:-1]])
    engine = engines["django"]
    return engine.from_string(text), engine.from_string(reference)


def form_class():
    class Plain(forms.Form):
        name = forms.CharField(label="Your name", max_length=20, help_text="As it is <b>written</b> & said.")
        note = forms.CharField(label=mark_safe("A <em>safe</em> label"), widget=forms.Textarea, required=False)
        count = forms.IntegerField(label="How <b>many</b>", min_value=0, required=False)
        email = forms.EmailField(label="Email & address", required=False, help_text=mark_safe("We <i>never</i> share"))
        when = forms.DateField(label="Date held", widget=DateInput(), required=False)
        theme = forms.ModelChoiceField(Theme.objects.order_by("pk"), label="Theme", required=False)
        kind = forms.ChoiceField(choices=[("", "Choose"), ("a", "Alpha"), ("b", "B <&>")], required=False)
        upload = forms.FileField(label="Upload a file", required=False)
        secret = forms.CharField(widget=forms.PasswordInput, required=False)
        hidden = forms.CharField(widget=forms.HiddenInput, required=False)
        agree = forms.BooleanField(label="I agree", required=False)
        many = forms.MultipleChoiceField(
            choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
        )
        one = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False)
        unlabelled = forms.CharField(label="", required=False)

    return Plain


FLAGS = {
    "form_show_errors": (True, False),
    "form_show_labels": (True, False),
    "help_text_inline": (False, True),
    "error_text_inline": (False, True),
}
EXTRAS = [
    {},
    {"label_size": "govuk-label--m", "wrapper_class": "app-wide <x>", "tag": "section", "label_tag": "h2"},
]


@pytest.mark.django_db
def test_every_plain_field_is_written_as_the_template_writes_it(review):
    fast, reference = templates()
    Plain = form_class()
    theme = Theme.objects.order_by("pk").first()
    sent = {
        "name": 'Chloé "O\'Brien" <script>' + "x" * 30,
        "note": "Line one\nline two & <three>",
        "count": "-3",
        "email": "not an email",
        "when": "2027-02-30",
        "theme": "999999",
        "kind": "zzz",
        "secret": "hunter2",
    }
    made = [
        lambda: Plain(),
        lambda: Plain(initial={"name": "Ann", "count": 4, "when": "2027-03-08", "theme": theme, "kind": "b"}),
        lambda: Plain(sent),
        lambda: Plain({"name": "Ann", "count": "7", "email": "a@b.example", "theme": str(theme.pk), "kind": "a"}),
    ]
    compared = 0
    for make in made:
        for name in make().fields:
            for values in itertools.product(*FLAGS.values()):
                for extra in EXTRAS:
                    flags = {**dict(zip(FLAGS, values, strict=True)), **extra}
                    # A form each way: crispy-forms-gds adds its classes to the widget as it draws it.
                    ours, theirs = make(), make()
                    ours.is_valid(), theirs.is_valid()
                    written = fast.render({"field": ours[name], **flags})
                    expected = reference.render({"field": theirs[name], **flags})
                    assert parse_html(written) == parse_html(expected), (name, flags, written, expected)
                    compared += 1
    assert compared == 4 * 14 * 16 * 2


@pytest.mark.django_db
def test_it_writes_the_plain_fields_and_leaves_the_rest_to_the_template(review):
    from django.template import Context, Template

    form = form_class()()
    tag = Template("{% load gds_fields %}{% plain_field as written %}{{ written }}")
    written = {field.name: bool(tag.render(Context({"field": field, "form_show_labels": True}))) for field in form}

    assert {name for name, yes in written.items() if yes} == {
        "name", "note", "count", "email", "when", "theme", "kind", "upload", "secret", "unlabelled",
    }  # fmt: skip
    with_count = Context({"field": form["note"], "max_characters": 100})
    assert tag.render(with_count) == ""
