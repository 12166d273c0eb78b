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


@register.filter
def interval(value: tuple[float, float] | None) -> str:
    """A kappa's 95% confidence interval, such as “95% CI 0.15 to 0.65”; empty when there is none."""
    return f"95% CI {value[0]:.2f} to {value[1]:.2f}" if value is not None else ""


@register.filter
def percent_interval(value: tuple[float, float] | None) -> str:
    """A share's 95% confidence interval in per cent, such as “95% CI 40% to 89%”; empty when there is none."""
    return f"95% CI {round(value[0] * 100)}% to {round(value[1] * 100)}%" if value is not None else ""
