"""A GOV.UK form group for a plain field (a text input, a text area, a select, a date or a file) written in Python:
what templates/gds/field.html writes for one, without a dozen template conditions and three includes a field.

`{% plain_field as written %}` gives the group's HTML, or "" for any field the template draws itself (hidden,
checkboxes, radios, a single checkbox, several widgets, or a character count). The input itself is still drawn by
crispy-forms-gds's own `crispy_gds_field` (its classes, `aria-describedby` and error style), through the site's
form renderer. tests/test_gds_fields.py renders every kind both ways and compares the HTML.
"""

from crispy_forms_gds.templatetags.crispy_forms_gds import (
    CrispyGDSFieldNode,
    is_checkbox,
    is_checkboxes,
    is_multivalue,
    is_radios,
)
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_WIDGET = CrispyGDSFieldNode("field", {})


def _shown(value) -> str:
    return conditional_escape(value if isinstance(value, str) else str(value))


def _plain(field, context) -> bool:
    if field.is_hidden or context.get("max_characters") or context.get("max_words"):
        return False
    return not (is_checkboxes(field) or is_radios(field) or is_multivalue(field) or is_checkbox(field))


def _hint(field, context) -> str:
    """gds/layout/help_text.html, where help_text_and_errors.html includes it."""
    inline = context.get("help_text_inline")
    if not field.help_text or (inline and context.get("error_text_inline")):
        return ""
    tag = "span" if inline else "div"
    return f'<{tag} id="{_shown(field.auto_id)}_hint" class="govuk-hint">{_shown(field.help_text)}</{tag}>'


def _errors(field, context) -> str:
    """gds/layout/field_errors.html or field_errors_block.html (they write the same)."""
    if not (context.get("form_show_errors") and field.errors):
        return ""
    return "".join(
        f'<span id="{_shown(field.auto_id)}_{number}_error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {_shown(error)}</span>'
        for number, error in enumerate(field.errors, start=1)
    )


@register.simple_tag(takes_context=True)
def plain_field(context) -> str:
    field = context.get("field")
    if field is None or not _plain(field, context):
        return ""
    classes = "govuk-form-group"
    if context.get("form_show_errors") and field.errors:
        classes += " govuk-form-group--error"
    if context.get("wrapper_class"):
        classes += f" {_shown(context['wrapper_class'])}"
    if field.css_classes():
        classes += f" {_shown(field.css_classes())}"
    tag = _shown(context.get("tag") or "div")
    label = ""
    if field.label and context.get("form_show_labels"):
        size = f" {_shown(context['label_size'])}" if context.get("label_size") else ""
        label = f'<label for="{_shown(field.id_for_label)}" class="govuk-label{size}">{_shown(field.label)}</label>'
        if context.get("label_tag"):
            wrapper = _shown(context["label_tag"])
            label = f'<{wrapper} class="govuk-label-wrapper">{label}</{wrapper}>'
    widget = _WIDGET.render(context)
    return mark_safe(
        f'<{tag} id="div_{_shown(field.auto_id)}" class="{classes}">'
        f"{label}{_hint(field, context)}{_errors(field, context)}{widget}</{tag}>"
    )
