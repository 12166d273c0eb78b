from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def richtext(value: str | None) -> SafeString:
    """Stored rich text, sanitised once more on the way out: only the allowed tags are ever marked safe."""
    from reviews.richtext import sanitise_html  # the sanitiser loads when text is shown, not with the templates

    return mark_safe(sanitise_html(value or ""))
