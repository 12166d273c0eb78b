from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from reviews.form_errors import first_input_id

register = template.Library()
SELECTED = mark_safe(" selected")  # noqa: S308 (a constant)


@register.filter(name="first_input_id")
def first_input_id_filter(field: BoundField) -> str:
    """`<a href="#{{ field|first_input_id }}">`: the input an error summary link moves focus to."""
    return first_input_id(field)


@register.filter
def choice_list(field: BoundField) -> list:
    """The (value, label) pairs of a field with choices, read once; [] for a field without. Asking a model choice
    field whether it has any choices (or handing it to list(), which asks its length) counts them in the database
    before listing them: this lists them only."""
    choices = getattr(field.field, "choices", None)
    return list(iter(choices)) if choices is not None else []


@register.filter
def options_for(choices: list, field: BoundField) -> SafeString:
    """`{{ choices|options_for:field }}`: the <option>s of a filter's select (the pairs `choice_list` read), the one
    the field holds marked selected. Made in one pass: a loop in the template asks the field for its value and
    converts two strings for every option."""
    held = str(field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if str(value) == held else "", label) for value, label in choices),
    )


def refused_forms(context: template.Context) -> bool:
    """Whether the page shows a form that was sent and refused."""
    return any(
        isinstance(value, forms.BaseForm) and value.is_bound and value.errors for value in context.flatten().values()
    )


class PageTitleNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        title = self.nodelist.render(context).strip()
        if (refused_forms(context) or context.get("form_refused")) and not title.startswith("Error:"):
            return f"Error: {title}"
        return title


@register.tag
def page_title(parser: template.base.Parser, token: template.base.Token) -> PageTitleNode:
    """`{% page_title %}...{% endpage_title %}`: the title, after "Error: " when the page shows a refused form."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)
