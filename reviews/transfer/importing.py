"""Read a review exported elsewhere into this installation, all or nothing."""

import hashlib
import json
import secrets
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.text import capfirst

from ..models import Review
from ..storage import StorageUnavailable, delete_quietly, writing
from .archive import check_archive, check_files, load_document, read_member
from .discovery import (
    JSON_NAME,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    USER_FIELDS,
    TransferError,
    copied_m2m,
    creatable,
    creation_order,
    from_json,
    generic_relations,
    owned_models,
)

# Import

# How many problems with the records are named at once.
MAX_PROBLEMS = 10
NUL_MESSAGE = "Null characters are not allowed."


@dataclass
class ImportResult:
    review: Review
    counts: dict[str, int]
    files: int
    users_created: list[str]
    created: list[str]
    notes: list[str]


def _problems(obj: models.Model, where: str) -> list[str]:
    """What the model's own validation finds wrong with a record, field by field, before it is saved.

    Links are left out (they are remapped to this installation's ids and checked when resolved), and so
    are files (stored under new names); uniqueness and constraints are the database's to enforce. Text
    with a NUL character is refused too: PostgreSQL cannot store it, and no form lets one in.
    """
    exclude = [f.name for f in obj._meta.concrete_fields if f.is_relation or isinstance(f, models.FileField)]
    problems = [
        f"{where}, field '{f.name}': {NUL_MESSAGE}"
        for f in obj._meta.concrete_fields
        if f.name not in exclude and _has_nul(getattr(obj, f.attname))
    ]
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return [*problems, f"{where}: {_shortened(' '.join(error.messages))}"]
        problems += [
            f"{where}: {_shortened(' '.join(messages))}"
            if name == NON_FIELD_ERRORS
            else f"{where}, field '{name}': {_shortened(' '.join(messages))}"
            for name, messages in error.message_dict.items()
        ]
    return problems


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, dict | list) and "\\u0000" in json.dumps(value)


def _shortened(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _refuse_problems(problems: list[str]) -> None:
    if problems:
        named = "; ".join(problem.rstrip(".") for problem in problems[:MAX_PROBLEMS])
        raise TransferError(named + ("; and more." if len(problems) > MAX_PROBLEMS else "."))


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


@dataclass(frozen=True)
class _Missing:
    """A shared row that is not in this installation; `root` is the reference that is really missing."""

    root: int


@dataclass
class _Importer:
    document: dict
    archive: zipfile.ZipFile
    title: str | None
    owned: dict[type[models.Model], list[str]]
    max_member: int
    refs: dict[int, object] = field(default_factory=dict)
    pk_map: dict[str, dict[int, object]] = field(default_factory=dict)
    stored: list[tuple[object, str]] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    review: Review | None = None

    # Shared rows

    def resolve_references(self) -> None:
        """Match each shared row to this installation's, creating the council's own rows and missing people."""
        for index, entry in enumerate(self.document["references"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), dict):
                raise TransferError(f"{JSON_NAME} is malformed: reference {index} has no key.")
            model = self.model_for(entry.get("model"))
            lookup, absent = self.lookup(model, index, entry["key"])
            if absent is not None:
                self.refs[index] = absent
                continue
            found = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
            if found is not None:
                self.refs[index] = found
            elif model is get_user_model():
                self.refs[index] = self.create_user(entry)
            elif creatable(model, entry["key"]):
                self.refs[index] = self.create_shared(model, index, entry)
            else:
                self.refs[index] = _Missing(index)

    def check_missing(self) -> None:
        """Name every shared row the review needs that is not here; optional links to one are left empty.

        A link is optional when its model lets it go empty if the row is deleted (on_delete=SET_NULL): the
        library questionnaire a review's copy came from, the previous review, a line of enquiry's template.
        """
        references = self.document["references"]
        missing, optional = set(), set()
        for label, rows in self.document["objects"].items():
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError, TypeError):
                continue  # refused with its name when the rows are created
            for row in rows if isinstance(rows, list) else []:
                fields = row.get("fields") if isinstance(row, dict) else None
                for name, value in (fields or {}).items():
                    try:
                        f = model._meta.get_field(name)
                    except FieldDoesNotExist:
                        continue  # refused with its name when the row is built
                    for item in value if isinstance(value, list) else [value]:
                        ref = item.get("ref") if isinstance(item, dict) else None
                        absent = self.refs.get(ref) if isinstance(ref, int) else None
                        if not isinstance(absent, _Missing):
                            continue
                        described = _describe(references[absent.root], references)
                        if f.many_to_one and f.null and f.remote_field.on_delete is models.SET_NULL:
                            optional.add(described)
                        else:
                            missing.add(described)
        if missing:
            raise TransferError(
                "This installation lacks shared configuration the review needs: "
                + "; ".join(sorted(missing))
                + ". Add it in the admin (or load it), then import again."
            )
        self.notes.extend(
            f"{capfirst(described)} is not in this installation; the link to it was left empty."
            for described in sorted(optional)
        )

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

    def lookup(self, model, index, key: dict) -> tuple[dict, "_Missing | None"]:
        """The query that finds the row here, or the missing row it depends on (a theme's framework)."""
        lookup = {}
        for name, value in key.items():
            f = self.field_of(model, name)
            if f.is_relation:
                if value is None:
                    lookup[f.name] = None
                    continue
                target = self.ref_value(value, f"reference {index}")
                if isinstance(target, _Missing):
                    return {}, target
                lookup[f.attname] = target
            elif _has_nul(value):
                raise TransferError(f"reference {index}, field '{f.name}': {NUL_MESSAGE}")
            else:
                lookup[f.name] = from_json(model, f"reference {index}", f, value)
        return lookup, None

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
                if isinstance(target, _Missing):
                    return target  # what it needs is missing, and is named instead
                setattr(obj, f.attname, target)
            else:
                setattr(obj, f.attname, from_json(model, f"reference {index}", f, value))
        _refuse_problems(_problems(obj, f"new {model._meta.verbose_name} (reference {index})"))
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
            instances, seen = [], set()
            for row in rows:
                instances.append(self.build(model, row, deferred, seen))
                seen.add(row["pk"])
            timestamps = [
                f
                for f in model._meta.concrete_fields
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            ]
            problems = []
            for obj in instances:
                problems += _problems(obj, f"{model._meta.verbose_name} {obj._transfer_pk}")
                if len(problems) > MAX_PROBLEMS:
                    break
            _refuse_problems(problems)
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

    def build(self, model, row, deferred, seen: set) -> models.Model:
        if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
            raise TransferError(f"{JSON_NAME} is malformed: a row of {model._meta.verbose_name_plural} has no fields.")
        pk = row.get("pk")
        if isinstance(pk, bool) or not isinstance(pk, int) or pk in seen:
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
                setattr(obj, f.attname, self.fresh_secret(f, from_json(model, pk, f, value)))
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
            if isinstance(target, _Missing):
                target = None  # an optional link, reported in the notes (a needed one was refused before)
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
        if target is None or isinstance(target, _Missing) or kind is None or kind._meta.label_lower != label:
            raise TransferError(f"{where}: points at a record that is not in the archive or does not exist here.")
        return target

    def check_clean(self, created: dict) -> None:
        """Each model's own checks again, now that every link is in place (the database holds the rest)."""
        problems = []
        for model in self.owned:
            for obj in created.get(model._meta.label_lower, []):
                problems += _problems(obj, f"{model._meta.verbose_name} {obj._transfer_pk}")
        _refuse_problems(problems)

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
        content = b"".join(read_member(self.archive, self.archive.getinfo(name), self.max_member))
        if hashlib.sha256(content).hexdigest() != self.document["files"][name]["sha256"]:
            raise TransferError(f"The file '{name[:100]}' does not match its SHA-256.")
        suffix = PurePosixPath(name).suffix.lower()
        try:
            with writing():
                stored = f.storage.save(f.generate_filename(None, f"{uuid.uuid4().hex}{suffix}"), ContentFile(content))
        except StorageUnavailable as error:
            raise TransferError(error.messages[0]) from error
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
        check_archive(archive, max_total=max_total, max_members=max_members, max_member=max_member)
        document = load_document(archive)
        check_files(archive, document["files"], max_member)
        importer = _Importer(
            document=document, archive=archive, title=title, owned=owned_models(), max_member=max_member
        )
        try:
            with transaction.atomic():
                importer.resolve_references()
                importer.check_missing()
                _refuse_existing_title(importer)
                importer.create_objects()
        except BaseException:
            for _storage, name in importer.stored:
                delete_quietly(name)
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
    if _has_nul(title):
        raise TransferError(f"review {row[0].get('pk')}, field 'title': {NUL_MESSAGE}")
    if (
        council_id
        and not isinstance(council_id, _Missing)
        and Review.objects.filter(council_id=council_id, title=title).exists()
    ):
        raise TransferError(
            f"A review called '{title}' already exists for this council. Choose another title (--title)."
        )
