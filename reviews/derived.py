"""Figures derived from a review's records (the comparison with the earlier review, timeliness, questionnaire
results, the programme dashboard's pages and exports), worked out once and kept in the cache until the review's
records change, not on every page view.

Each review has a generation in the cache: a random number (a number, which the cache reads without unpickling),
replaced whenever its records may have changed. A figure is kept under the generations of the reviews it was
worked out from, so a change to any of them makes the next view work it out again; nothing is ever deleted by
pattern. What replaces a review's generation:

- every request that may write to a review (any method but GET, HEAD and OPTIONS to one of its addresses), after
  the response, so that a page worked out between the write and its commit is not kept (the middleware below);
- anonymous writes with no review in their address (a questionnaire answered) and background work (the purge)
  call `changed` themselves, on commit;
- any change made through Django admin replaces the generation of every review at once (admin changes are few);
- a review's membership made, changed or ended anywhere, through a signal (reviews/person_cache.py): an
  invitation accepted makes one at an address that names no review.

The figures are also dropped after DERIVED_FIGURES_SECONDS, so that a change made by hand in the database is seen
in the end; 0 keeps nothing (the tests' default, except those of this module). With the local-memory cache (the quick start, tests) the same rules hold within one process.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_ALL = "derived:generation:all"


def _key(review_id: int) -> str:
    return f"derived:generation:{review_id}"


def _new_generation() -> int:
    return secrets.randbits(62) + 1  # never 0, which reads as "nothing kept"


def _generations(review_ids: Iterable[int]) -> list[str]:
    keys = [_ALL, *(_key(review_id) for review_id in review_ids)]
    found = cache.get_many(keys)
    missing = {key: _new_generation() for key in keys if key not in found}
    if missing:
        # add, not set: two processes starting a generation at once agree on the first one written.
        for key, token in missing.items():
            if not cache.add(key, token, None):
                missing[key] = cache.get(key) or token
        found.update(missing)
    return [str(found[key]) for key in keys]


def changed(review_id: int | None) -> None:
    """The review's records may have changed (None: any review's): its figures are worked out again when next
    asked for. Inside a transaction, this happens when it commits."""
    if settings.DERIVED_FIGURES_SECONDS <= 0:
        return  # nothing is kept, so nothing is out of date
    key = _ALL if review_id is None else _key(review_id)
    # A figure worked out between the two (from the records before the commit) is kept under the first new
    # generation only, which the second replaces.
    now_and_on_commit(lambda: cache.set(key, _new_generation(), None))


def now_and_on_commit(action: Callable[[], None]) -> None:
    """Drop something kept: now, and again when the transaction commits (at once outside a transaction), so that
    nothing worked out from the records before the commit is kept after it."""
    if transaction.get_connection().in_atomic_block:
        action()
    transaction.on_commit(action)


def cached(name: str, review_ids: Iterable[int], compute: Callable[[], T]) -> T:
    """The figure `name` of these reviews, from the cache when none of them changed since it was worked out.
    The value must pickle (plain data and dataclasses, no querysets)."""
    if settings.DERIVED_FIGURES_SECONDS <= 0:
        return compute()
    ids = list(review_ids)
    # The reviews and their generations, hashed: a person's tasks across many reviews would make a key longer than
    # caches accept (250 characters).
    kept_under = ":".join(str(review_id) for review_id in ids) + "/" + ":".join(_generations(ids))
    key = f"derived:{name}:{hashlib.sha256(kept_under.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.DERIVED_FIGURES_SECONDS)
    return value


def cached_many(name: str, reviews: list, compute: Callable[[list], dict[int, T]]) -> dict[int, T]:
    """The figure `name` of each review on its own, {review id: figure}: those kept and unchanged from the cache,
    the others worked out together by `compute(those reviews)` (so a list of 450 reviews in which one changed
    works out one). The figures must pickle."""
    if settings.DERIVED_FIGURES_SECONDS <= 0:
        return compute(reviews)
    generations = _generations(review.pk for review in reviews)
    keys = {
        review.pk: f"derived:{name}:{review.pk}:{generations[0]}:{generation}"
        for review, generation in zip(reviews, generations[1:], strict=True)
    }
    found = cache.get_many(list(keys.values()))
    figures = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [review for review in reviews if review.pk not in figures]
    if missing:
        worked_out = compute(missing)
        cache.set_many({keys[pk]: figure for pk, figure in worked_out.items()}, settings.DERIVED_FIGURES_SECONDS)
        figures.update(worked_out)
    return figures


class DerivedFiguresMiddleware:
    """After any request that may have written to a review, its derived figures are worked out afresh; after a
    change in Django admin, every review's. Put after the middleware that resolves the view (it reads the
    review_id the URL names)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            match = getattr(request, "resolver_match", None)
            review_id = match.kwargs.get("review_id") if match else None
            if review_id is not None:
                changed(review_id)
            elif match is not None and "admin" in match.app_names:
                changed(None)
        return response
