"""Write a review and its files to a ZIP."""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import connection, models, transaction
from django.utils import timezone

from ..models import AccessLog, Review
from ..storage import STORAGE_ERRORS, is_missing
from .discovery import (
    CHUNK,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    JSON_NAME,
    USER_FIELDS,
    TransferError,
    copied_m2m,
    generic_relations,
    identity_fields,
    owned_models,
    to_json,
)

# Export

CHUNK_ROWS = 10_000


@dataclass
class _Exporter:
    review: Review
    owned: dict[type[models.Model], list[str]]
    rows: dict[str, dict[int, models.Model]] = field(default_factory=dict)
    references: list[dict] = field(default_factory=list)
    ref_ids: dict[tuple[str, object], int] = field(default_factory=dict)

    m2m: dict[tuple[str, str], dict[object, list]] = field(default_factory=dict)
    # Rows of other models the review's rows point at (accounts, councils, kinds), loaded one query a model.
    loaded: dict[str, dict] = field(default_factory=dict)

    def collect(self) -> None:
        """Every owned row, one query per lookup (each an indexed join; an OR of joins is not), and every copied
        many-to-many link, one query per link table: a fixed number of queries whatever the review's size."""
        for model, lookups in self.owned.items():
            found: dict = {}
            for lookup in lookups:
                found.update((obj.pk, obj) for obj in model._base_manager.filter(**{lookup: self.review.pk}))
            label = model._meta.label_lower
            self.rows[label] = {pk: found[pk] for pk in sorted(found)}
            for m2m in copied_m2m(model):
                through = m2m.remote_field.through
                source, target = m2m.m2m_field_name(), m2m.m2m_reverse_name()
                links: dict[object, list] = {}
                owners = list(self.rows[label])
                for start in range(0, len(owners), CHUNK_ROWS):  # bounded: a query takes at most 65,535 values
                    pairs = through._base_manager.filter(**{f"{source}__in": owners[start : start + CHUNK_ROWS]})
                    for owner, linked in pairs.order_by(target).values_list(source, target):
                        links.setdefault(owner, []).append(linked)
                self.m2m[(label, m2m.name)] = links
        self.preload()

    def preload(self) -> None:
        wanted: dict[type[models.Model], set] = {}
        for model in self.owned:
            relations = [
                f for f in model._meta.concrete_fields
                if f.is_relation and f.related_model._meta.label_lower not in self.rows
            ]  # fmt: skip
            for obj in self.rows[model._meta.label_lower].values():
                for f in relations:
                    if (target := getattr(obj, f.attname)) is not None:
                        wanted.setdefault(f.related_model, set()).add(target)
            for m2m in copied_m2m(model):
                if m2m.related_model._meta.label_lower not in self.rows:
                    for targets in self.m2m[(model._meta.label_lower, m2m.name)].values():
                        wanted.setdefault(m2m.related_model, set()).update(targets)
        for model, ids in wanted.items():
            self.loaded[model._meta.label_lower] = model._base_manager.in_bulk(sorted(ids))

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
        obj = self.loaded.get(label, {}).get(pk) or model._base_manager.get(pk=pk)
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
        return to_json(f, f.value_from_object(obj))

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
                        values[f.name] = to_json(f, f.value_from_object(obj))
                for m2m in copied_m2m(model):
                    values[m2m.name] = [
                        self.link(m2m.related_model, target) for target in self.m2m[(label, m2m.name)].get(pk, [])
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
            with source, archive.open(member, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
        except STORAGE_ERRORS as error:
            what = (
                "is missing from storage" if is_missing(error) else "could not be read: the file store is not answering"
            )
            raise TransferError(f"The file of {obj._meta.verbose_name} {pk} ({f.verbose_name}) {what}.") from None
        files[member] = {"sha256": digest.hexdigest(), "size": size}
        return {"file": member}


def export_review(*, review: Review, out: IO[bytes], user, path: str = "") -> dict[str, int]:
    """Write the whole review to `out` as a ZIP, log the export, and return the number of rows per model."""
    exporter = _Exporter(review=review, owned=owned_models())
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Every query of the export sees the review as it was at the first one, even while people edit it.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
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


def export_to_bytes(*, review: Review, user, path: str = "") -> bytes:
    """The export in memory, for tests and small reviews."""
    buffer = io.BytesIO()
    export_review(review=review, out=buffer, user=user, path=path)
    return buffer.getvalue()
