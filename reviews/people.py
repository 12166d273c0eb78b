"""How people are named wherever someone is chosen from a list: one label, used by every form."""

from django import forms
from django.contrib.auth import get_user_model


def person_name(user) -> str:
    """A person's full name, or their username when they have none (never the username beside a name)."""
    return user.get_full_name() or user.get_username()


def label_people(*fields: forms.ModelChoiceField) -> None:
    """Label the choices of user fields (single or multiple) by name rather than by username."""
    for field in fields:
        field.label_from_instance = person_name


def members(review, roles):
    """The users with one of `roles` in the review, ordered by name, for a choice of people."""
    return (
        get_user_model()
        .objects.filter(review_memberships__review=review, review_memberships__role__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
