"""Backup and restore: a round trip into an empty database and storage, and every refusal before anything changes.

The whole drill (the demo backed up, everything dropped, restored and compared table by table and export by
export) runs in CI as `.ci/backup-drill`.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from reviews.backup import BackupError, backup, read_manifest, restore
from reviews.models import private_storage

from ..conftest import PROJECT_DIR, _database_url
from ..factories import ReviewFactory

# pg_dump reads the database from another connection, so the rows must be committed.
ROUND_TRIP = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def stored_file(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return private_storage().save("documents/evidence.pdf", ContentFile(b"%PDF-1.4 evidence"))


@pytest.fixture
def scratch_database(postgresql):
    name = f"pr_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    settings_dict = {**connection.settings_dict, "NAME": name}
    yield name, _database_url(settings_dict)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@ROUND_TRIP
def test_a_backup_restores_into_an_empty_database_and_storage(postgresql, stored_file, scratch_database, tmp_path):
    ReviewFactory(title="Backed-up review")
    folder = tmp_path / "backup"

    summary = backup(folder)

    name, url = scratch_database
    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": url, "PRIVATE_MEDIA_ROOT": str(restored_media)}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Restored the database and 1 files" in result.stdout
    assert summary.files == 1
    assert (restored_media / stored_file).read_bytes() == b"%PDF-1.4 evidence"
    titles = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            connection.settings_dict["USER"] or "postgres",
            "-d",
            name,
            "-tAc",
            "SELECT title FROM reviews_review",
        ],  # fmt: skip
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    assert "Backed-up review" in titles


@ROUND_TRIP
def test_a_restore_into_a_database_with_data_is_refused_and_changes_nothing(postgresql, stored_file, tmp_path):
    review = ReviewFactory()
    backup(tmp_path / "backup")

    with pytest.raises(BackupError, match="already holds reviews or users"):
        restore(tmp_path / "backup")
    review.refresh_from_db()


@ROUND_TRIP
def test_a_damaged_file_is_found_before_anything_changes(postgresql, stored_file, tmp_path):
    backup(tmp_path / "backup")
    (tmp_path / "backup" / "files" / stored_file).write_bytes(b"tampered")

    with pytest.raises(BackupError, match="documents/evidence.pdf is missing or its checksum differs"):
        read_manifest(tmp_path / "backup")


@ROUND_TRIP
def test_a_damaged_dump_is_found(postgresql, stored_file, tmp_path):
    backup(tmp_path / "backup")
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"x")

    with pytest.raises(BackupError, match="database dump is missing or its checksum differs"):
        restore(tmp_path / "backup", force=True)


@ROUND_TRIP
def test_a_manifest_naming_a_file_outside_the_backup_is_refused(postgresql, stored_file, tmp_path):
    backup(tmp_path / "backup")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][0]["name"] = "../../etc/passwd"
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="outside the backup"):
        read_manifest(tmp_path / "backup")


def test_a_folder_that_is_not_a_backup_is_named(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")

    with pytest.raises(BackupError, match="not valid JSON"):
        read_manifest(tmp_path)
    with pytest.raises(BackupError, match="holds no manifest.json"):
        read_manifest(tmp_path / "missing")


@ROUND_TRIP
def test_a_backup_never_overwrites_a_folder(postgresql, tmp_path):
    (tmp_path / "taken").mkdir()

    with pytest.raises(BackupError, match="already exists"):
        backup(tmp_path / "taken")
    assert list((tmp_path / "taken").iterdir()) == []


def test_the_commands_exist_and_print_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "nowhere")],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "holds no manifest.json" in result.stderr
    assert Path(PROJECT_DIR / "reviews/management/commands/backup.py").exists()
