"""The quick start's database: `make run` migrates SQLite in the checkout, so every migration must run there too
(PostgreSQL-only SQL, such as the access log's append-only trigger, is skipped on SQLite)."""

import os
import subprocess
import sys

from .conftest import PROJECT_DIR


def test_every_migration_runs_on_the_quick_starts_sqlite(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'quick-start.sqlite3'}",
    }
    environment.pop("REDIS_URL", None)

    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "quick-start.sqlite3").stat().st_size > 0
