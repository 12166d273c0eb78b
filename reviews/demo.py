"""Helpers for demo data that every stage's `demo` hook can use. Demo data is fictional, always."""

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any], *, bump_version: bool = False) -> M:
    """Find a record by its natural key; create it, or save it only when a value differs."""
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        if bump_version:
            obj.version += 1  # type: ignore[attr-defined]
        obj.full_clean()
        obj.save()
    return obj
