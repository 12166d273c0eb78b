"""How people are named wherever someone is chosen from a list: one label, used by every form; and how a person
written down by name (in an imported file, say) is found again."""

from collections import defaultdict
from collections.abc import Iterable

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


def _as_typed(text: str) -> str:
    # Case and the spaces around and between words are how it was typed, not who is meant.
    return " ".join(text.split()).casefold()


class Directory:
    """A set of people, each found by their name as the site shows it (`person_name`), their email or their
    username, in any case and whatever the spaces around and between the words."""

    def __init__(self, users: Iterable) -> None:
        self._found: dict[str, dict[int, object]] = defaultdict(dict)
        for user in users:
            for text in (person_name(user), user.email, user.get_username()):
                if key := _as_typed(text or ""):
                    self._found[key][user.pk] = user

    def find(self, text: str) -> list:
        """Everyone `text` names: nobody, one person, or several when they share it (two people of one name)."""
        return list(self._found.get(_as_typed(text), {}).values())
