from django import template

register = template.Library()


@register.filter
def person(user, empty: str = "") -> str:
    """A member's full name, or username, or `empty` when there is no one."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()
