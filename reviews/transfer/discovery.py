"""What belongs to a review, how shared rows are recognised elsewhere, and how values travel in JSON."""

import json
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.duration import duration_iso_string
from simple_history.models import HistoricalChanges

from ..models import Review

FORMAT = "peerreview-review-export"
FORMAT_VERSION = 1
JSON_NAME = "review.json"
FILES_DIR = "files/"

# Limits on an archive being imported, so that a hostile ZIP cannot fill the disk or the memory.
MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_MEMBER_BYTES = 512 * 1024**2
MAX_JSON_BYTES = 256 * 1024**2
CHUNK = 1024 * 1024

# The exporting system's own records stay with it: its audit trail, and the messages it sent its users
# (notifications, their emails, reminders and invitations, whose links work only where they were made).
EXCLUDED_MODELS = frozenset(
    {
        "reviews.accesslog",
        "reviews.notification",
        "reviews.emailrecord",
        "reviews.sentreminder",
        "reviews.invitation",
        "reviews.reviewexport",
    }
)

# How shared rows are recognised in another installation when their first unique field is not the best
# identity. Everything else uses its first unique field, or else its first unique set of fields.
NATURAL_KEYS = {
    "reviews.council": ("ons_code",),
    "reviews.partnerkind": ("slug",),
    "reviews.review": ("council", "title"),
    "contenttypes.contenttype": ("app_label", "model"),
    "focusgroups.questionnaire": ("review", "title", "audience", "age_band"),
    # A framework's shared scope areas and focus areas; a council's own ones travel with their review.
    "reviews.scopearea": ("framework", "title"),
    "reviews.focusarea": ("framework", "title"),
}

USER_FIELDS = ("username", "first_name", "last_name", "email")


class TransferError(Exception):
    """The archive cannot be exported or imported; the message says why, in plain words."""


# Which models belong to a review


def project_models() -> list[type[models.Model]]:
    """Concrete models of the apps that live in this project (not installed packages), without history tables."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if "site-packages" in path.parts or not path.is_relative_to(base):
            continue
        for model in config.get_models():
            if model._meta.proxy or issubclass(model, HistoricalChanges):
                continue
            if model._meta.label_lower in EXCLUDED_MODELS:
                continue
            found.append(model)
    return found


def forward_relations(model: type[models.Model]) -> list[models.Field]:
    """Foreign keys and one-to-one fields stored on the model's own table."""
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def owned_models() -> dict[type[models.Model], list[str]]:
    """Every model that belongs to a review, with the lookups that lead from one of its rows to the review's id.

    A row belongs to the review if any of its links to another owned model leads there; a library
    questionnaire (no review) and its sections therefore stay out.
    """
    candidates = project_models()
    primary: dict[type[models.Model], str] = {Review: ""}
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in primary:
                continue
            for f in forward_relations(model):
                target = f.related_model
                if target is not model and target in primary:
                    primary[model] = _join(f.name, primary[target])
                    changed = True
                    break
    lookups = {Review: ["pk"]}
    for model in primary:
        if model is Review:
            continue
        lookups[model] = [
            _join(f.name, primary[f.related_model])
            for f in forward_relations(model)
            if f.related_model is not model and f.related_model in primary
        ]
    return lookups


def _join(name: str, rest: str) -> str:
    return f"{name}__{rest}" if rest else name


def generic_relations(model: type[models.Model]) -> list[GenericForeignKey]:
    return [f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)]


def copied_m2m(model: type[models.Model]) -> list[models.ManyToManyField]:
    """Many-to-many fields whose link table is made by Django; an explicit link model is carried as a model."""
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


def creation_order(owned: list[type[models.Model]]) -> list[type[models.Model]]:
    """Owned models so that every row's targets exist before it; generic links come last, as they may point anywhere."""
    owned_set = set(owned)
    deps = {
        model: {
            f.related_model
            for f in forward_relations(model)
            if f.related_model in owned_set and f.related_model is not model
        }
        for model in owned
    }
    late = {model for model in owned if generic_relations(model)}
    for model in owned:
        if model in late:
            deps[model] |= owned_set - late - {model}
    ordered: list[type[models.Model]] = []
    remaining = sorted(owned, key=lambda m: m._meta.label_lower)
    while remaining:
        ready = [m for m in remaining if deps[m] <= set(ordered)]
        if not ready:
            # Links between two models both ways would need a second pass; no model has them yet.
            names = ", ".join(m._meta.label for m in remaining)
            raise TransferError(
                f"These kinds of record point at each other, so they cannot be created in order: {names}."
            )
        ordered.extend(ready)
        remaining = [m for m in remaining if m not in ready]
    return ordered


def identity_fields(model: type[models.Model]) -> tuple[str, ...]:
    label = model._meta.label_lower
    if label in NATURAL_KEYS:
        return NATURAL_KEYS[label]
    if model is get_user_model():
        return (model.USERNAME_FIELD,)
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            return (f.name,)
    for constraint in model._meta.total_unique_constraints:
        if constraint.fields:
            return tuple(constraint.fields)
    for fields in model._meta.unique_together:
        return tuple(fields)
    raise TransferError(f"A {model._meta.verbose_name} cannot be recognised in another installation.")


def creatable(model: type[models.Model], fields: dict) -> bool:
    """The council's own rows are created when missing; other shared configuration must already be there."""
    label = model._meta.label_lower
    if label in {"reviews.council", "reviews.partner"}:
        return True
    return label == "reviews.thresholdlevel" and fields.get("council") is not None


# Values in JSON


def to_json(f: models.Field, value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return f.value_to_string(value)


TEXT_FIELDS = (models.CharField, models.TextField)
INT_FIELDS = (models.IntegerField, models.AutoField)


def from_json(model: type[models.Model], pk, f: models.Field, value):
    """Turn one JSON value back into the field's Python value, refusing a value of the wrong type."""
    where = f"{model._meta.verbose_name} {pk}, field '{f.name}'"
    if value is None:
        if not f.null:
            raise TransferError(f"{where}: a value is needed.")
        return None
    wrong = (
        (isinstance(f, TEXT_FIELDS) and not isinstance(value, str))
        or (isinstance(f, INT_FIELDS) and (isinstance(value, bool) or not isinstance(value, int)))
        or (isinstance(f, models.BooleanField) and not isinstance(value, bool))
    )
    if wrong:
        description = str(f.description) % f.__dict__
        raise TransferError(f"{where}: {json.dumps(value)[:60]} is not a valid {description.lower()}.")
    try:
        return f.to_python(value)
    except ValidationError as error:
        raise TransferError(f"{where}: {' '.join(error.messages)}") from None
