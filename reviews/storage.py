"""The private storage of case-level files, and what happens when it cannot be reached.

Evidence uploads, rendered reports and their Office copies live in the "private" storage of settings.STORAGES:
the local file system in the quick start, an S3-compatible bucket in a deployment over several machines (see
peerreview.storage_settings). Every read and write goes through the storage API, never a path, so both behave
the same. This module is the one place that turns storage failures into something a person can act on:

- a file that is gone shows "This file is unavailable" (404), never a server error;
- a storage that does not answer shows that it is not answering (503) for a download, and raises
  StorageUnavailable, with a message to show, where a file is being written, so callers keep nothing half-saved.
"""

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.db.models import F
from django.dispatch import receiver
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import LazyObject, empty

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
UNREACHABLE = (
    "The file store is not answering, so the file could not be saved. Nothing was changed: try again in a few "
    "minutes, and tell whoever runs this site if it keeps happening."
)


class PrivateStorage(LazyObject):
    """The "private" storage of settings.STORAGES, looked up when first used (and again if the setting changes)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


@receiver(setting_changed)
def _reset_private_storage(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty


class StorageUnavailable(ValidationError):
    """The storage did not answer or refused the request; the message says so in plain words.

    A ValidationError, so every form that saves a file shows it beside the form, as it shows a file it refuses,
    with the transaction around the save rolled back.
    """

    def __init__(self, message: str = UNREACHABLE) -> None:
        super().__init__(message, code="storage_unavailable")


def _storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]  # the file system: permissions, a full disk, a lost mount
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # object storage not installed: the file system only
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


STORAGE_ERRORS = _storage_errors()


def is_missing(error: BaseException) -> bool:
    """True when the storage answered that the object is not there (rather than not answering)."""
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return status == 404 or response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}
    return False


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Around a write to the storage: any failure of the storage becomes StorageUnavailable."""
    try:
        yield
    except STORAGE_ERRORS as error:
        logger.warning("The private storage failed a write: %s", type(error).__name__)
        raise StorageUnavailable() from error


def delete_quietly(name: str) -> None:
    """Remove an object no record needs any more. A storage that does not answer leaves its name in FileToDelete,
    and `retry_deletions` deletes it later; the caller goes on either way."""
    if not name:
        return
    try:
        private_storage().delete(name)
    except STORAGE_ERRORS as error:
        logger.warning("An unused object could not be removed from the private storage: %s", type(error).__name__)
        _keep_to_delete(name, type(error).__name__)


def _keep_to_delete(name: str, error: str) -> None:
    from .file_deletions import FileToDelete  # a model: storage is imported by the models' modules

    try:
        kept, made = FileToDelete.objects.get_or_create(name=name, defaults={"last_error": error})
        if not made:
            _tried_again(kept, error)
    except DatabaseError:
        # Called while a failed transaction unwinds, the database refuses until it has: the error being handled
        # must not be replaced by this one. The name goes to the log for an operator to remove.
        logger.error("An unused object could not be removed nor kept to remove later: %s", name)


def _tried_again(kept, error: str) -> None:
    type(kept).objects.filter(pk=kept.pk).update(
        attempts=F("attempts") + 1, last_tried_at=timezone.now(), last_error=error
    )


def retry_deletions(limit: int = 500) -> tuple[int, int]:
    """Try again to delete the files the storage did not delete when asked: (deleted now, still kept).

    The least recently tried first; the first that fails again ends the run (the storage is likely still down, and
    each try waits for its timeout), and goes to the back of the queue, so one the storage always refuses never
    holds up the others."""
    from .file_deletions import FileToDelete

    deleted = 0
    for kept in FileToDelete.objects.order_by("last_tried_at", "pk")[:limit]:
        try:
            private_storage().delete(kept.name)
        except STORAGE_ERRORS as error:
            _tried_again(kept, type(error).__name__)
            break
        kept.delete()
        deleted += 1
    return deleted, FileToDelete.objects.count()


def sha256_of(name: str, storage=None) -> str:
    storage = storage or private_storage()
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def unavailable(request: HttpRequest, *, missing: bool) -> HttpResponse:
    """The page shown instead of a file that is gone (404) or a storage that is not answering (503)."""
    context = {"missing": missing}
    return render(request, "reviews/file_unavailable.html", context, status=404 if missing else 503)


def download(
    request: HttpRequest, stored, *, filename: str, content_type: str | None = None
) -> FileResponse | HttpResponse:
    """A private file as an attachment, streamed from the storage in chunks, or the page saying it is unavailable.

    `stored` is a FieldFile. The caller has already checked the member may have it and logged the download.
    """
    try:
        handle = stored.storage.open(stored.name, "rb")
        # Measuring the file for Content-Length reads it from an object store, so failures surface here too.
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    except STORAGE_ERRORS as error:
        missing = is_missing(error)
        reason = "missing" if missing else "storage error"
        logger.warning("A private file could not be opened (%s): %s", reason, type(error).__name__)
        return unavailable(request, missing=missing)
    if content_type:
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Moving the files of a site from the local file system into the configured storage (an object store)


class MoveError(Exception):
    """The move cannot go on, or a file did not arrive intact; the message names it."""


def move_files(source: Path, *, dry_run: bool = False) -> dict[str, int]:
    """Copy every file under `source` (the old PRIVATE_MEDIA_ROOT) into the private storage under the same name,
    read each back and compare its SHA-256 with the original. Files already there with the same checksum are left
    alone, so the move can be run again after an interruption. Nothing is deleted from `source`.

    Returns counts: copied, already there, and bytes copied. Raises MoveError on the first file that differs.
    """
    from django.core.files.storage import FileSystemStorage

    source = source.resolve()
    if not source.is_dir():
        raise MoveError(f"{source} is not a folder.")
    target = private_storage()
    configured = storages["private"]
    if isinstance(configured, FileSystemStorage) and Path(configured.location).resolve() == source:
        raise MoveError("The private storage is that same folder: set S3_BUCKET (and the other S3_ settings) first.")
    from .backup import storage_names

    origin = FileSystemStorage(location=str(source))
    counts = {"copied": 0, "already_there": 0, "bytes": 0}
    for name in storage_names(origin):
        expected = sha256_of(name, origin)
        if target.exists(name):
            if sha256_of(name, target) != expected:
                raise MoveError(f"{name} is already in the storage with different content: it was left as it is.")
            counts["already_there"] += 1
            continue
        if dry_run:
            counts["copied"] += 1
            counts["bytes"] += origin.size(name)
            continue
        with origin.open(name, "rb") as handle:
            saved = target.save(name, handle)
        if saved != name:
            raise MoveError(f"The storage saved {name} as {saved}: it cannot keep the file's name.")
        if sha256_of(name, target) != expected:
            raise MoveError(f"{name} did not arrive intact: its checksum in the storage differs from the original.")
        counts["copied"] += 1
        counts["bytes"] += origin.size(name)
    return counts
