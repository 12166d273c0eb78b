"""Backing the site up and restoring it: the database as a pg_dump archive, the private files with a manifest.

A backup is a folder: `database.dump` (pg_dump's custom format), `files/` (a copy of every file in the private
storage, under its storage name) and `manifest.json` (the dump's and every file's size and SHA-256, and when and
from which database version it was made). A restore checks every checksum before it changes anything, refuses
a database that already holds data unless forced, then restores the database and puts every file back through
the storage API, so the same backup restores onto a file system or an object store.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection

from .storage import private_storage

FORMAT = "peerreview-backup"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why in plain words, and nothing was changed."""


@dataclass(frozen=True)
class Summary:
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environment() -> tuple[list[str], dict]:
    """Connection arguments for pg_dump and pg_restore from the database settings (the password in the env)."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise BackupError("Backups need PostgreSQL: DATABASE_URL does not point at it.")
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args + ["--dbname", db["NAME"]], env


def storage_names(storage=None, folder: str = "") -> list[str]:
    """Every file's name in the storage, walked folder by folder."""
    storage = storage or private_storage()
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += storage_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def backup(target: Path) -> Summary:
    """Write a backup into `target`, a folder that must not exist yet."""
    if target.exists():
        raise BackupError(f"{target} already exists: back up into a new folder.")
    args, env = _pg_environment()
    target.mkdir(parents=True)
    try:
        dump = target / "database.dump"
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        storage = private_storage()
        entries, total = [], 0
        for name in storage_names(storage):
            copy = target / "files" / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            size = copy.stat().st_size
            entries.append({"name": name, "size": size, "sha256": _sha256(copy)})
            total += size
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "made_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {"file": dump.name, "size": dump.stat().st_size, "sha256": _sha256(dump)},
            "files": entries,
        }
        (target / "manifest.json").write_text(json.dumps(manifest, indent=1))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return Summary(files=len(entries), bytes=total)


def read_manifest(source: Path) -> dict:
    """The manifest, with every checksum checked against the files beside it; BackupError on any difference."""
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} holds no manifest.json: it is not a backup made by `backup`.") from None
    except ValueError:
        raise BackupError("manifest.json is not valid JSON: the backup is damaged.") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("manifest.json is not a backup of this application, or of another version of its format.")
    dump = source / manifest["database"]["file"]
    if not dump.is_file() or _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError("The database dump is missing or its checksum differs from the manifest: it is damaged.")
    for entry in manifest["files"]:
        name = entry["name"]
        path = (source / "files" / name).resolve()
        if not path.is_relative_to((source / "files").resolve()):
            raise BackupError(f"The manifest names a file outside the backup: {name!r}.")
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"The file {name} is missing or its checksum differs from the manifest.")
    return manifest


def database_holds_data() -> bool:
    """True when the database has the application's tables with any review or user in them."""
    tables = connection.introspection.table_names()
    if "reviews_review" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM reviews_review) OR EXISTS (SELECT 1 FROM auth_user)")
        return bool(cursor.fetchone()[0])


def storage_holds_files() -> bool:
    return bool(storage_names())


def restore(source: Path, *, force: bool = False) -> Summary:
    """Restore a backup; every checksum is checked first, and a database or storage that holds data is refused
    unless `force` is given, in which case what is there is replaced."""
    manifest = read_manifest(source)
    if not force and database_holds_data():
        raise BackupError("The database already holds reviews or users: restore into an empty one, or force it.")
    if not force and storage_holds_files():
        raise BackupError("The private storage already holds files: restore into an empty one, or force it.")
    args, env = _pg_environment()
    connection.close()
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args, str(source / "database.dump")],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    storage = private_storage()
    total = 0
    for entry in manifest["files"]:
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with (source / "files" / name).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}: it cannot keep the file's name.")
        total += entry["size"]
    return Summary(files=len(manifest["files"]), bytes=total)
