from django import template

register = template.Library()


@register.filter
def share(value: tuple) -> str:
    """A count with its share, such as “3 (60%)”."""
    count, fraction = value
    return f"{count} ({round(fraction * 100)}%)" if fraction is not None else "0"


@register.filter
def kappa(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "Not measurable"
