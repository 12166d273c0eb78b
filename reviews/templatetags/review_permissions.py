from django import template

from reviews import permissions

register = template.Library()


@register.filter
def can(membership, action: str) -> bool:
    """`{% if membership|can:"edit_findings" %}` asks permissions.can_edit_findings(membership)."""
    predicate = getattr(permissions, f"can_{action}", None)
    if predicate is None:
        raise template.TemplateSyntaxError(f"No permission predicate can_{action}.")
    return predicate(membership)
