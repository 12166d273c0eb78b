"""Form widgets written in Python: the same HTML as Django's widget templates, without a template render each.

Every field of every form is drawn by its widget's template (an input, a text area, a select with its options),
through Django's form renderer: a template, an include for the attributes and, for a select, one include an option.
That was about a third of the time a form page took. `WidgetRenderer` is Django's renderer with those templates
written here instead, by the same rules (each value escaped unless it was made safe, `stringformat:'s'` for the
attributes, the values shown as `{{ }}` shows them); any other template, or a select whose options use another
template, is rendered by Django's own. `tests/test_widget_renderer.py` renders every kind both ways and compares
them character for character, so an upgrade of Django that changes a template fails there, not on a page.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
# The widget templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "password", "date", "url", "tel", "search", "hidden", "time",
        "datetime", "color", "file", "checkbox",
    )
)  # fmt: skip
TEXTAREA = f"{WIDGETS}textarea.html"
SELECT = f"{WIDGETS}select.html"
SELECT_OPTION = f"{WIDGETS}select_option.html"


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in an escaping template."""
    text = str(value)  # what "%s" % value gives, a tuple written whole as the filter writes it
    return text if isinstance(value, SafeData) else escape(text)


def _shown(value) -> str:
    """`{{ value }}` in an escaping template."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        "" if value is False else f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _textarea(widget: dict) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'


def _option(option: dict) -> str:
    value = _formatted(option["value"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>\n'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None  # an option drawn by another template: Django's renderer draws the whole select
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


class WidgetRenderer(DjangoTemplates):
    """Django's form renderer, writing inputs, text areas and selects in Python (the module's docstring)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if len(context) == 1 else None
        if isinstance(widget, dict):
            written = None
            if template_name in INPUTS:
                written = _input(widget)
            elif template_name == TEXTAREA:
                written = _textarea(widget)
            elif template_name == SELECT:
                written = _select(widget)
            if written is not None:
                return written.strip()  # as Django's renderer strips what a template writes
        return super().render(template_name, context, request)
