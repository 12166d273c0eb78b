"""`{% count value minimum %}`: a count of respondents, or the mark of a suppressed one (fewer than the minimum in
the group, or hidden so that a small group cannot be worked out). One place for the mark; drawn in Python, as a
results page holds hundreds of them."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def count(value, minimum) -> str:
    if value is None:
        return format_html(
            '<abbr title="Suppressed: fewer than {} respondents in this group, or hidden so that a small group '
            'cannot be worked out">*</abbr>',
            minimum,
        )
    return str(value)
