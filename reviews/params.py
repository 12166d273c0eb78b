"""Values read from a query string. A value a view cannot use is ignored, as if it had not been given.

Filters and links are made by people editing URLs as well as by the pages, so a bad value is
never an error: text where a number belongs, a number larger than any database column holds, a
choice that is not offered or text the database cannot store all fall back to the default.
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.http import HttpRequest

# The largest id PostgreSQL and SQLite hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def int_param(request: HttpRequest, name: str, *, default: int | None = None) -> int | None:
    """A whole number from 0 up to MAX_ID written in ASCII digits, or `default`."""
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit()):
        return default
    number = int(value)
    return number if number <= MAX_ID else default


def choice_param(request: HttpRequest, name: str, choices: Iterable[str], *, default: str = "") -> str:
    """One of `choices`, or `default`."""
    value = request.GET.get(name, "")
    return value if value in set(choices) else default


def text_param(request: HttpRequest, name: str, *, max_length: int = 200) -> str:
    """Text to compare with stored text: empty if longer than any such text or holding a NUL, which no
    PostgreSQL text field stores."""
    value = request.GET.get(name, "")
    if len(value) > max_length or "\x00" in value:
        return ""
    return value


def filters_querystring(form) -> str:
    """A valid filter form's values as a query string, for its pages and exports; "" when it is not valid."""
    if not form.is_bound or not form.is_valid():
        return ""
    values = {name: value.pk if hasattr(value, "pk") else value for name, value in form.cleaned_data.items()}
    return urlencode({name: value for name, value in values.items() if value})
