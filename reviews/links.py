"""Addresses of the site's pages, each worked out once a process (`reverse`), not every time a page links to it.

Django's `reverse` walks the URL patterns for every `{% url %}`: a list of fifty findings with a link each spent
about a tenth of its time there. The same name with the same values gives the same address for as long as the
URL patterns, the script prefix and the language stay the same, so `reverse` here keeps the answers, under all of
those, for names whose values are plain integers or strings (an id, a slug); anything else (a model instance,
say, whose address may change) goes to Django's each time. The site's templates use it through `{% url %}`
(reviews/templatetags/links.py, a builtin that takes the place of Django's tag).
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

KEPT = 8192  # addresses a process keeps; the least recently used go first


def reverse(viewname, args=None, kwargs=None, current_app=None) -> str:
    """`django.urls.reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)`, kept once worked out."""
    args = tuple(args or ())
    items = tuple(sorted(kwargs.items())) if kwargs else ()
    if not isinstance(viewname, str) or not all(map(_plain, args)) or not all(_plain(v) for _, v in items):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF  # the one reverse will use, whoever set it
    return _kept(urlconf, get_script_prefix(), get_language(), current_app, str(viewname), args, items)


def _plain(value) -> bool:
    """An id or a slug (a template's literal is a str of Django's own kind), never a flag or an object."""
    return isinstance(value, (int, str)) and not isinstance(value, bool)


@functools.lru_cache(maxsize=KEPT)
def _kept(urlconf, prefix, language, current_app, viewname, args, items) -> str:
    # The urlconf, prefix and language are part of the key only: reverse reads them itself, from the same request.
    return django_reverse(viewname, args=args, kwargs=dict(items), current_app=current_app)


@receiver(setting_changed)
def _forget(setting: str, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGE_CODE"}:
        _kept.cache_clear()
