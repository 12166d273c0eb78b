from django import template
from django.utils.safestring import SafeString, mark_safe

from reviews.richtext import sanitise_html

register = template.Library()


@register.filter
def richtext(value: str | None) -> SafeString:
    """Stored rich text, sanitised once more on the way out: only the allowed tags are ever marked safe."""
    return mark_safe(sanitise_html(value or ""))
