"""The items of GOV.UK checkboxes and radios, made in one pass in Python (templates/gds/layout/checkboxes.html and
radios.html, which override crispy-forms-gds's).

crispy-forms-gds makes each item in the template: a dozen lookups an item, the field's value asked for twice an item
(checkboxes), and an include an item (radios). A form with a list of sixty focus areas spent a third of its page
there. These tags write the same HTML, item for item, with the same rules: the value and label unlocalized and
escaped, an item checked when crispy-forms-gds's test says so, a hint or a divider when the choice has one (its
`Choice` objects). tests/test_gds_choices.py renders fields both ways and compares the HTML.
"""

from django import template
from django.template.base import Variable, VariableDoesNotExist, render_value_in_context
from django.template.defaultfilters import stringformat
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _extra(choice, name: str):
    """`choice.hint` or `choice.divider` as a template reads it; nothing for a plain (value, label) pair."""
    if type(choice) is tuple:
        return ""
    try:
        return Variable(f"choice.{name}").resolve({"choice": choice})
    except VariableDoesNotExist:
        return ""


def _contains(container, item) -> bool:
    """`item in container` as `{% if %}` tests it: an error is false."""
    try:
        return item in container
    except Exception:
        return False


def _items(context, field, kind: str, checked) -> SafeString:
    name = field.html_name
    parts = []
    for position, choice in enumerate(field.field.choices, start=1):
        value = choice[0]
        item_id = f"id_{name}_{position}"
        hint, divider = _extra(choice, "hint"), _extra(choice, "divider")
        parts.append(
            format_html(
                '<div class="govuk-{kind}__item"><input type="{type}" name="{name}" class="govuk-{kind}__input" '
                'id="{id}" value="{value}"{checked}{described}>'
                '<label class="govuk-label govuk-{kind}__label" for="{id}">{label}</label>{hint}</div>{divider}',
                kind=kind,
                type="checkbox" if kind == "checkboxes" else "radio",
                name=name,
                id=item_id,
                value=unlocalize(value),
                checked=mark_safe(' checked="checked"') if checked(value) else "",  # noqa: S308 (a constant)
                described=format_html(' aria-describedby="{}_hint"', item_id) if hint else "",
                label=conditional_escape(unlocalize(choice[1])),
                hint=format_html(
                    '<span id="{}_hint" class="govuk-hint govuk-{}__hint">{}</span>',
                    item_id,
                    kind,
                    render_value_in_context(hint, context),
                )
                if hint
                else "",
                divider=format_html(
                    '<div class="govuk-{}__divider">{}</div>', kind, render_value_in_context(divider, context)
                )
                if divider
                else "",
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part made by format_html)


@register.simple_tag(takes_context=True)
def checkbox_items(context, field) -> SafeString:
    """The items of crispy-forms-gds's checkboxes: one is checked when its value, or its value as a string, is in
    the field's value."""
    held = field.value()
    return _items(
        context, field, "checkboxes", lambda value: _contains(held, value) or _contains(held, stringformat(value, "s"))
    )


@register.simple_tag(takes_context=True)
def radio_items(context, field) -> SafeString:
    """The items of crispy-forms-gds's radios: the one whose value reads as the field's value is checked."""
    held = stringformat(field.value(), "s")
    return _items(context, field, "radios", lambda value: stringformat(value, "s") == held)
