"""Move a whole review to another installation: a ZIP of `review.json` and the review's private files.

What belongs to a review is found from the models, not listed by hand: every model of the project's
own apps with a chain of foreign keys (or one-to-one fields) that ends at `Review` is the review's,
and so are its many-to-many links and its generic links (finding evidence). A new model that points
at a review, or at something of a review, is carried without anyone adding it here.

Shared configuration that a review points at but does not own (the framework and its themes, grade
scales, partner kinds, event kinds, audit tools, the questionnaire library, users, ...) travels as a
natural identity (a unique field or a unique set of fields, such as a framework's name and version
or a grade's rank in its scale) and is matched to the target installation's rows. The council, its
partner agencies and threshold levels are created when missing; people are matched by username or
created inactive, without a usable password. Access-log rows and change history stay behind.
"""

import hashlib
import io
import json
import secrets
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.duration import duration_iso_string
from simple_history.models import HistoricalChanges

from .models import AccessLog, Review

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

# The exporting system's own audit trail stays with it.
EXCLUDED_MODELS = frozenset({"reviews.accesslog"})

# How shared rows are recognised in another installation when their first unique field is not the best
# identity. Everything else uses its first unique field, or else its first unique set of fields.
NATURAL_KEYS = {
    "reviews.council": ("ons_code",),
    "reviews.partnerkind": ("slug",),
    "reviews.review": ("council", "title"),
    "contenttypes.contenttype": ("app_label", "model"),
    "focusgroups.questionnaire": ("review", "title", "audience", "age_band"),
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
            # A cycle between models: break it at a nullable link, which is filled in afterwards.
            model = remaining[0]
            ready = [model]
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


def _creatable(model: type[models.Model], fields: dict) -> bool:
    """The council's own rows are created when missing; other shared configuration must already be there."""
    label = model._meta.label_lower
    if label in {"reviews.council", "reviews.partner"}:
        return True
    return label == "reviews.thresholdlevel" and fields.get("council") is not None


# Values in JSON


def _plain(f: models.Field, value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return f.value_to_string(value)


_TEXT_FIELDS = (models.CharField, models.TextField)
_INT_FIELDS = (models.IntegerField, models.AutoField)


def _python(model: type[models.Model], pk, f: models.Field, value):
    """Turn one JSON value back into the field's Python value, refusing a value of the wrong type."""
    where = f"{model._meta.verbose_name} {pk}, field '{f.name}'"
    if value is None:
        if not f.null:
            raise TransferError(f"{where}: a value is needed.")
        return None
    wrong = (
        (isinstance(f, _TEXT_FIELDS) and not isinstance(value, str))
        or (isinstance(f, _INT_FIELDS) and (isinstance(value, bool) or not isinstance(value, int)))
        or (isinstance(f, models.BooleanField) and not isinstance(value, bool))
    )
    if wrong:
        description = str(f.description) % f.__dict__
        raise TransferError(f"{where}: {json.dumps(value)[:60]} is not a valid {description.lower()}.")
    try:
        return f.to_python(value)
    except ValidationError as error:
        raise TransferError(f"{where}: {' '.join(error.messages)}") from None


# Export


@dataclass
class _Exporter:
    review: Review
    owned: dict[type[models.Model], list[str]]
    rows: dict[str, dict[int, models.Model]] = field(default_factory=dict)
    references: list[dict] = field(default_factory=list)
    ref_ids: dict[tuple[str, object], int] = field(default_factory=dict)

    def collect(self) -> None:
        for model, lookups in self.owned.items():
            condition = models.Q()
            for lookup in lookups:
                condition |= models.Q(**{lookup: self.review.pk})
            self.rows[model._meta.label_lower] = {
                obj.pk: obj for obj in model._base_manager.filter(condition).order_by("pk")
            }

    def link(self, model: type[models.Model], pk) -> dict | None:
        if pk is None:
            return None
        if pk in self.rows.get(model._meta.label_lower, {}):
            return {"pk": pk}
        return {"ref": self.reference(model, pk)}

    def reference(self, model: type[models.Model], pk) -> int:
        label = model._meta.label_lower
        if (label, pk) in self.ref_ids:
            return self.ref_ids[(label, pk)]
        obj = model._base_manager.get(pk=pk)
        key = {name: self.value(model, obj, model._meta.get_field(name)) for name in identity_fields(model)}
        entry = {"model": label, "key": key}
        if model is get_user_model():
            entry["fields"] = {name: getattr(obj, name, "") for name in USER_FIELDS}
        elif label in {"reviews.council", "reviews.partner", "reviews.thresholdlevel"}:
            entry["fields"] = {
                f.name: self.value(model, obj, f) for f in model._meta.concrete_fields if not f.primary_key
            }
        self.references.append(entry)
        self.ref_ids[(label, pk)] = len(self.references) - 1
        return len(self.references) - 1

    def value(self, model: type[models.Model], obj: models.Model, f: models.Field):
        if f.is_relation:
            target = getattr(obj, f.attname)
            if target is None:
                return None
            return {"ref": self.reference(f.related_model, target)}
        return _plain(f, f.value_from_object(obj))

    def serialise(self, archive: zipfile.ZipFile) -> tuple[dict, dict]:
        objects: dict[str, list] = {}
        files: dict[str, dict] = {}
        for model in self.owned:
            label = model._meta.label_lower
            generic = {g.fk_field: g for g in generic_relations(model)}
            rows = []
            for pk, obj in self.rows[label].items():
                values = {}
                for f in model._meta.concrete_fields:
                    if f.primary_key:
                        continue
                    if f.is_relation:
                        values[f.name] = self.link(f.related_model, getattr(obj, f.attname))
                    elif isinstance(f, models.FileField):
                        values[f.name] = self.store_file(archive, files, label, pk, f, obj)
                    elif f.name in generic:
                        values[f.name] = self.generic_link(obj, generic[f.name])
                    else:
                        values[f.name] = _plain(f, f.value_from_object(obj))
                for m2m in copied_m2m(model):
                    values[m2m.name] = [
                        self.link(m2m.related_model, target)
                        for target in getattr(obj, m2m.name).order_by("pk").values_list("pk", flat=True)
                    ]
                rows.append({"pk": pk, "fields": values})
            objects[label] = rows
        return objects, files

    def generic_link(self, obj: models.Model, relation: GenericForeignKey) -> dict | None:
        content_type_id = getattr(obj, relation.ct_field + "_id")
        object_id = getattr(obj, relation.fk_field)
        if content_type_id is None or object_id is None:
            return None
        target = apps.get_model("contenttypes", "ContentType").objects.get_for_id(content_type_id).model_class()
        if target is None:
            raise TransferError(f"{obj._meta.verbose_name} {obj.pk} points at a kind of record that no longer exists.")
        if object_id in self.rows.get(target._meta.label_lower, {}):
            return {"model": target._meta.label_lower, "pk": object_id}
        return {"ref": self.reference(target, object_id)}

    def store_file(self, archive, files: dict, label: str, pk, f: models.FileField, obj) -> dict | None:
        stored = getattr(obj, f.attname)
        if not stored:
            return None
        suffix = PurePosixPath(stored.name).suffix.lower()[:10]
        member = f"{FILES_DIR}{label}/{pk}/{f.name}{suffix}"
        digest = hashlib.sha256()
        size = 0
        try:
            source = stored.storage.open(stored.name, "rb")
        except FileNotFoundError:
            raise TransferError(
                f"The file of {obj._meta.verbose_name} {pk} ({f.verbose_name}) is missing from storage."
            ) from None
        with source, archive.open(member, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        files[member] = {"sha256": digest.hexdigest(), "size": size}
        return {"file": member}


def export_review(*, review: Review, out: IO[bytes], user, path: str = "") -> dict[str, int]:
    """Write the whole review to `out` as a ZIP, log the export, and return the number of rows per model."""
    exporter = _Exporter(review=review, owned=owned_models())
    with transaction.atomic():
        # One consistent view of the review while it is read (on PostgreSQL the transaction is a snapshot
        # only from its first query, which is close enough for a review that people are not editing).
        exporter.collect()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            objects, files = exporter.serialise(archive)
            document = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "exported_at": timezone.now().isoformat(),
                "source": {"review_id": review.pk, "title": review.title, "council": review.council.name},
                "references": exporter.references,
                "objects": objects,
                "files": files,
            }
            archive.writestr(JSON_NAME, json.dumps(document, ensure_ascii=False, indent=1))
        AccessLog.objects.record(
            user=user,
            review=review,
            action=AccessLog.Action.EXPORT,
            target=f"Whole review exported: {review.title}",
            path=path,
        )
    return {label: len(rows) for label, rows in objects.items()}


# Import


@dataclass
class ImportResult:
    review: Review
    counts: dict[str, int]
    files: int
    users_created: list[str]
    created: list[str]
    notes: list[str]


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    """Yield the member's bytes in chunks, stopping if it grows beyond what its header declared or the limit."""
    read = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                read += len(chunk)
                if read > info.file_size or read > limit:
                    raise TransferError(
                        f"'{info.filename[:100]}' in the archive is larger than it says or than allowed."
                    )
                yield chunk
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as error:
        raise TransferError(f"'{info.filename[:100]}' in the archive cannot be read: {error}.") from None


def _check_archive(archive: zipfile.ZipFile, *, max_total: int, max_members: int, max_member: int) -> None:
    members = archive.infolist()
    if len(members) > max_members:
        raise TransferError(f"The archive holds {len(members)} files; at most {max_members} are accepted.")
    total = 0
    for info in members:
        name = info.filename
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or (parts and ":" in parts[0]):
            raise TransferError(f"The archive holds a file with an unsafe name: '{name[:100]}'.")
        if info.file_size > max_member:
            raise TransferError(f"'{name[:100]}' in the archive is larger than {max_member} bytes.")
        total += info.file_size
    if total > max_total:
        raise TransferError(f"The archive unpacks to {total} bytes; at most {max_total} are accepted.")


def _load_document(archive: zipfile.ZipFile) -> dict:
    try:
        info = archive.getinfo(JSON_NAME)
    except KeyError:
        raise TransferError(f"This is not a review export: it has no {JSON_NAME}.") from None
    raw = b"".join(_read_member(archive, info, MAX_JSON_BYTES))
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise TransferError(f"{JSON_NAME} is not valid JSON: {error}.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError("This is not a review export of this application.")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise TransferError(
            f"The export's format version {json.dumps(version)} is not supported; "
            f"this installation reads version {FORMAT_VERSION}."
        )
    shapes = {"references": list, "objects": dict, "files": dict}
    for name, kind in shapes.items():
        if not isinstance(document.get(name), kind):
            raise TransferError(f"{JSON_NAME} is malformed: '{name}' is missing or of the wrong type.")
    return document


def _check_files(archive: zipfile.ZipFile, files: dict, max_member: int) -> None:
    present = {info.filename for info in archive.infolist() if not info.is_dir()}
    unexpected = sorted(present - set(files) - {JSON_NAME})
    if unexpected:
        raise TransferError(f"The archive holds a file that the export does not list: '{unexpected[0][:100]}'.")
    for name, meta in files.items():
        if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str):
            raise TransferError(f"{JSON_NAME} is malformed: the file '{name[:100]}' has no SHA-256.")
        if name not in present:
            raise TransferError(f"The file '{name[:100]}' is listed in the export but missing from the archive.")
        digest = hashlib.sha256()
        for chunk in _read_member(archive, archive.getinfo(name), max_member):
            digest.update(chunk)
        if digest.hexdigest() != meta["sha256"]:
            raise TransferError(
                f"The file '{name[:100]}' does not match its SHA-256: the archive is damaged or altered."
            )


def _describe(entry: dict, references: list, depth: int = 0) -> str:
    """A missing shared row in words, such as "theme order '1' of framework name 'X' version 'Y'"."""
    label = entry.get("model", "?")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError, TypeError):
        model = None
    name = model._meta.verbose_name if model else str(label)
    parts, parents = [], []
    for key, value in (entry.get("key") or {}).items():
        if isinstance(value, dict) and isinstance(value.get("ref"), int) and value["ref"] < len(references):
            if depth < 4:
                parents.append(_describe(references[value["ref"]], references, depth + 1))
        elif value not in (None, ""):
            try:
                field_name = model._meta.get_field(key).verbose_name if model else key
            except FieldDoesNotExist:
                field_name = key
            parts.append(f"{field_name} '{value}'")
    text = " ".join([str(name), *parts])
    return " of ".join([text, *parents])


@dataclass
class _Importer:
    document: dict
    archive: zipfile.ZipFile
    title: str | None
    owned: dict[type[models.Model], list[str]]
    max_member: int
    refs: dict[int, object] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    pk_map: dict[str, dict[int, object]] = field(default_factory=dict)
    stored: list[tuple[object, str]] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    review: Review | None = None

    # Shared rows

    def resolve_references(self) -> None:
        owned = set(self.owned)
        for index, entry in enumerate(self.document["references"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), dict):
                raise TransferError(f"{JSON_NAME} is malformed: reference {index} has no key.")
            model = self.model_for(entry.get("model"))
            lookup, unresolved = self.lookup(model, index, entry["key"])
            if unresolved:
                self.refs[index] = None
                continue
            found = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
            if found is not None:
                self.refs[index] = found
            elif model is get_user_model():
                self.refs[index] = self.create_user(entry)
            elif _creatable(model, entry["key"]):
                self.refs[index] = self.create_shared(model, index, entry)
            elif model in owned:
                # Another review (the previous one) or a library questionnaire: linked if it is here, else left empty.
                self.refs[index] = None
                self.notes.append(
                    f"{_describe(entry, self.document['references'])} is not in this installation; the link to it was left empty."
                )
            else:
                self.refs[index] = None
                self.missing.append(_describe(entry, self.document["references"]))

    def model_for(self, label) -> type[models.Model]:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError, TypeError):
            raise TransferError(
                f"The export refers to a kind of record this installation does not have: {label!r}."
            ) from None

    def field_of(self, model: type[models.Model], name) -> models.Field:
        try:
            return model._meta.get_field(name)
        except (FieldDoesNotExist, TypeError):
            raise TransferError(
                f"The export gives a field '{name}' that {model._meta.verbose_name_plural} do not have here."
            ) from None

    def lookup(self, model, index, key: dict) -> tuple[dict, bool]:
        lookup = {}
        for name, value in key.items():
            f = self.field_of(model, name)
            if f.is_relation:
                if value is None:
                    lookup[f.name] = None
                    continue
                target = self.ref_value(value, f"reference {index}")
                if target is None:
                    return {}, True
                lookup[f.attname] = target
            else:
                lookup[f.name] = _python(model, f"reference {index}", f, value)
        return lookup, False

    def ref_value(self, value, where: str):
        if not isinstance(value, dict) or not isinstance(value.get("ref"), int) or value["ref"] not in self.refs:
            raise TransferError(f"{JSON_NAME} is malformed: {where} has a link that is not a known reference.")
        return self.refs[value["ref"]]

    def create_user(self, entry: dict):
        fields = entry.get("fields") or {}
        User = get_user_model()
        values = {name: fields.get(name, "") for name in USER_FIELDS if name != User.USERNAME_FIELD}
        for name, value in values.items():
            if not isinstance(value, str):
                raise TransferError(f"{JSON_NAME} is malformed: a person's {name.replace('_', ' ')} is not text.")
        username = entry["key"].get(User.USERNAME_FIELD)
        if not isinstance(username, str) or not username:
            raise TransferError(f"{JSON_NAME} is malformed: a person has no username.")
        user = User(**{User.USERNAME_FIELD: username}, **values, is_active=False)
        user.set_unusable_password()
        user.save()
        self.users_created.append(username)
        return user.pk

    def create_shared(self, model, index, entry: dict):
        fields = entry.get("fields")
        if not isinstance(fields, dict):
            raise TransferError(f"{JSON_NAME} is malformed: reference {index} has no fields.")
        obj = model()
        for name, value in fields.items():
            f = self.field_of(model, name)
            if f.is_relation:
                target = None if value is None else self.ref_value(value, f"reference {index}")
                if target is None and value is not None:
                    return None  # what it needs is missing and already named
                setattr(obj, f.attname, target)
            else:
                setattr(obj, f.attname, _python(model, f"reference {index}", f, value))
        self.full_clean(obj, f"new {model._meta.verbose_name}")
        obj.save()
        self.created.append(f"{model._meta.verbose_name} {obj}")
        return obj.pk

    # The review's own rows

    def create_objects(self) -> None:
        objects = self.document["objects"]
        by_label = {model._meta.label_lower: model for model in self.owned}
        for label in objects:
            if label not in by_label:
                raise TransferError(
                    f"The export holds {label!r}, which is not part of a review in this installation "
                    "(the two installations run different versions)."
                )
        reviews = objects.get("reviews.review")
        if not isinstance(reviews, list) or len(reviews) != 1:
            raise TransferError(f"{JSON_NAME} is malformed: it must hold exactly one review.")
        deferred: list[tuple[models.Model, models.Field, object]] = []
        created: dict[str, list[models.Model]] = {}
        for model in creation_order(list(self.owned)):
            label = model._meta.label_lower
            rows = objects.get(label, [])
            if not isinstance(rows, list):
                raise TransferError(f"{JSON_NAME} is malformed: the {model._meta.verbose_name_plural} are not a list.")
            self.pk_map[label] = {}
            instances = []
            for row in rows:
                instances.append(self.build(model, row, deferred))
            timestamps = [
                f
                for f in model._meta.concrete_fields
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            ]
            kept = [[getattr(obj, f.attname) for f in timestamps] for obj in instances]
            try:
                with transaction.atomic():
                    model._base_manager.bulk_create(instances, batch_size=500)
            except IntegrityError as error:
                raise TransferError(
                    f"The {model._meta.verbose_name_plural} break a rule of the database here: {error}".strip()
                ) from None
            if timestamps and instances:
                for obj, values in zip(instances, kept, strict=True):
                    for f, value in zip(timestamps, values, strict=True):
                        if value is not None:
                            setattr(obj, f.attname, value)
                model._base_manager.bulk_update(instances, [f.name for f in timestamps], batch_size=500)
            for row, obj in zip(rows, instances, strict=True):
                self.pk_map[label][row["pk"]] = obj.pk
            created[label] = instances
        self.fill_deferred(deferred)
        self.link_many(objects)
        self.check_clean(created)
        self.start_history(created)
        self.counts = {
            model._meta.verbose_name_plural.capitalize(): len(created.get(model._meta.label_lower, []))
            for model in self.owned
        }
        self.review = Review.objects.get(pk=next(iter(self.pk_map["reviews.review"].values())))

    def build(self, model, row, deferred) -> models.Model:
        label = model._meta.label_lower
        if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
            raise TransferError(f"{JSON_NAME} is malformed: a row of {model._meta.verbose_name_plural} has no fields.")
        pk = row.get("pk")
        if isinstance(pk, bool) or not isinstance(pk, int) or pk in self.pk_map[label]:
            raise TransferError(f"{JSON_NAME} is malformed: a row of {model._meta.verbose_name_plural} has a bad id.")
        fields = row["fields"]
        known = {f.name for f in model._meta.concrete_fields} | {f.name for f in copied_m2m(model)}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise TransferError(
                f"The export gives a field '{unknown[0]}' that {model._meta.verbose_name_plural} do not have here."
            )
        obj = model()
        generic = {g.fk_field for g in generic_relations(model)}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name not in fields or f.name in generic:
                continue
            value = fields[f.name]
            if f.is_relation and f.related_model is model and isinstance(value, dict) and "pk" in value:
                # A row of the same model (a code's parent) may come later: linked once all exist.
                deferred.append((obj, f, value))
            elif f.is_relation:
                setattr(obj, f.attname, self.link(model, pk, f, value))
            elif isinstance(f, models.FileField):
                setattr(obj, f.attname, self.save_file(model, pk, f, value))
            else:
                setattr(obj, f.attname, self.fresh_secret(f, _python(model, pk, f, value)))
        for relation in generic_relations(model):
            setattr(
                obj, relation.fk_field, self.generic_target(model, pk, obj, relation, fields.get(relation.fk_field))
            )
        if model is Review and self.title:
            obj.title = self.title
        obj._transfer_pk = pk
        return obj

    def link(self, model, pk, f: models.Field, value):
        """The new id a link points at: a row of the archive (already created), or a shared row."""
        where = f"{model._meta.verbose_name} {pk}, field '{f.name}'"
        if value is None:
            target = None
        elif isinstance(value, dict) and "pk" in value:
            target = self.pk_map.get(f.related_model._meta.label_lower, {}).get(value["pk"])
            if target is None:
                raise TransferError(
                    f"{where}: points at a {f.related_model._meta.verbose_name} that is not in the archive."
                )
        else:
            target = self.ref_value(value, where)
        if target is None and not f.null and not f.many_to_many:
            raise TransferError(f"{where}: a link is needed but the export gives none that exists here.")
        return target

    def fill_deferred(self, deferred) -> None:
        changed: dict[type[models.Model], list[models.Model]] = {}
        for obj, f, value in deferred:
            label = f.related_model._meta.label_lower
            target = self.pk_map[label].get(value["pk"]) if isinstance(value, dict) else None
            if target is None:
                raise TransferError(
                    f"{f.model._meta.verbose_name} {obj._transfer_pk}, field '{f.name}': "
                    "points at a row that is not in the archive."
                )
            setattr(obj, f.attname, target)
            changed.setdefault(f.model, []).append(obj)
        for model, objs in changed.items():
            names = sorted({f.name for _, f, _ in deferred if f.model is model})
            model._base_manager.bulk_update(objs, names, batch_size=500)

    def link_many(self, objects: dict) -> None:
        for model in self.owned:
            label = model._meta.label_lower
            for m2m in copied_m2m(model):
                through = m2m.remote_field.through
                source = through._meta.get_field(m2m.m2m_field_name()).attname
                target = through._meta.get_field(m2m.m2m_reverse_field_name()).attname
                links = []
                for row in objects.get(label, []):
                    values = row["fields"].get(m2m.name, [])
                    if not isinstance(values, list):
                        raise TransferError(f"{model._meta.verbose_name} {row['pk']}, field '{m2m.name}': not a list.")
                    for value in values:
                        linked = self.link(model, row["pk"], m2m, value)
                        if linked is None:
                            continue
                        links.append(through(**{source: self.pk_map[label][row["pk"]], target: linked}))
                through._base_manager.bulk_create(links, batch_size=1000, ignore_conflicts=False)

    def generic_target(self, model, pk, obj, relation: GenericForeignKey, value):
        """Generic links (finding evidence) point at rows created before them, so their new ids are known."""
        where = f"{model._meta.verbose_name} {pk}, field '{relation.fk_field}'"
        if value is None:
            return None
        content_type_id = getattr(obj, relation.ct_field + "_id", None)
        kind = None
        if content_type_id is not None:
            kind = apps.get_model("contenttypes", "ContentType").objects.get_for_id(content_type_id).model_class()
        if isinstance(value, dict) and "model" in value and "pk" in value:
            label, target = value["model"], self.pk_map.get(str(value["model"]), {}).get(value["pk"])
        else:
            index = value.get("ref") if isinstance(value, dict) else None
            target = self.ref_value(value, where)
            label = self.document["references"][index].get("model")
        if target is None or kind is None or kind._meta.label_lower != label:
            raise TransferError(f"{where}: points at a record that is not in the archive or does not exist here.")
        return target

    def check_clean(self, created: dict) -> None:
        """Each model's own checks, now that every link is in place (the database holds the rest)."""
        for model in self.owned:
            for obj in created.get(model._meta.label_lower, []):
                self.full_clean(obj, f"{model._meta.verbose_name} {obj._transfer_pk}")

    def full_clean(self, obj: models.Model, where: str) -> None:
        exclude = [f.name for f in obj._meta.concrete_fields if f.is_relation or isinstance(f, models.FileField)]
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise TransferError(f"{where}: {' '.join(error.messages)}") from None

    def start_history(self, created: dict) -> None:
        """History is not carried; each imported row starts its history with one entry saying it was imported."""
        for model in self.owned:
            attribute = getattr(model._meta, "simple_history_manager_attribute", None)
            if attribute and created.get(model._meta.label_lower):
                getattr(model, attribute).bulk_history_create(
                    created[model._meta.label_lower], default_change_reason="Imported from another installation"
                )

    # Files and secrets

    def save_file(self, model, pk, f: models.FileField, value) -> str:
        if value in (None, ""):
            return ""
        name = value.get("file") if isinstance(value, dict) else None
        if not isinstance(name, str) or name not in self.document["files"]:
            raise TransferError(f"{model._meta.verbose_name} {pk}, field '{f.name}': the file is not in the archive.")
        content = b"".join(_read_member(self.archive, self.archive.getinfo(name), self.max_member))
        if hashlib.sha256(content).hexdigest() != self.document["files"][name]["sha256"]:
            raise TransferError(f"The file '{name[:100]}' does not match its SHA-256.")
        suffix = PurePosixPath(name).suffix.lower()
        stored = f.storage.save(f.generate_filename(None, f"{uuid.uuid4().hex}{suffix}"), ContentFile(content))
        self.stored.append((f.storage, stored))
        return stored

    @staticmethod
    def fresh_secret(f: models.Field, value):
        """Links and codes that let people in (questionnaire tokens, join codes) are never reused from an export."""
        if value in (None, ""):
            return value
        name = f.name.lower()
        if "token" in name or "secret" in name:
            return secrets.token_urlsafe(24)[: f.max_length or 32]
        if f.unique and callable(f.default) and not f.primary_key:
            return f.default()
        return value


def import_review(
    source: str | Path | IO[bytes],
    *,
    title: str | None = None,
    max_total: int = MAX_TOTAL_BYTES,
    max_members: int = MAX_MEMBERS,
    max_member: int = MAX_MEMBER_BYTES,
) -> ImportResult:
    """Create a copy of an exported review in this installation, all or nothing."""
    if title is not None:
        title = title.strip()
        if not title:
            raise TransferError("The new title is empty.")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TransferError("This file is not a ZIP archive, so it is not a review export.") from None
    with archive:
        _check_archive(archive, max_total=max_total, max_members=max_members, max_member=max_member)
        document = _load_document(archive)
        _check_files(archive, document["files"], max_member)
        importer = _Importer(
            document=document, archive=archive, title=title, owned=owned_models(), max_member=max_member
        )
        try:
            with transaction.atomic():
                importer.resolve_references()
                if importer.missing:
                    raise TransferError(
                        "This installation lacks shared configuration the review needs: "
                        + "; ".join(sorted(set(importer.missing)))
                        + ". Add it in the admin (or load it), then import again."
                    )
                _refuse_existing_title(importer)
                importer.create_objects()
        except BaseException:
            for storage, name in importer.stored:
                storage.delete(name)
            raise
    return ImportResult(
        review=importer.review,
        counts=importer.counts,
        files=len(importer.stored),
        users_created=importer.users_created,
        created=importer.created,
        notes=importer.notes,
    )


def _refuse_existing_title(importer: _Importer) -> None:
    row = importer.document["objects"].get("reviews.review")
    if not isinstance(row, list) or len(row) != 1 or not isinstance(row[0], dict):
        raise TransferError(f"{JSON_NAME} is malformed: it must hold exactly one review.")
    fields = row[0].get("fields") or {}
    council = fields.get("council")
    council_id = importer.ref_value(council, "the review's council") if isinstance(council, dict) else None
    title = importer.title or fields.get("title")
    if not isinstance(title, str):
        raise TransferError(f"{JSON_NAME} is malformed: the review has no title.")
    if council_id and Review.objects.filter(council_id=council_id, title=title).exists():
        raise TransferError(
            f"A review called '{title}' already exists for this council. Choose another title (--title)."
        )


def export_to_bytes(*, review: Review, user, path: str = "") -> bytes:
    """The export in memory, for tests and small reviews."""
    buffer = io.BytesIO()
    export_review(review=review, out=buffer, user=user, path=path)
    return buffer.getvalue()
