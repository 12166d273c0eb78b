"""The reference deployment in deploy/ says only what the application reads: every variable it sets is one the
settings (or gunicorn's settings, or the compose file itself) use, gunicorn's settings load, and a web process has
every template compiled before it serves a page."""

import re
import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
# Variables only the compose file or its containers use, not the application.
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_USER", "IMAGE", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}


def read_by_the_application() -> set[str]:
    names: set[str] = set()
    for path in [
        ROOT / "peerreview" / "settings.py",
        ROOT / "peerreview" / "storage_settings.py",
        DEPLOY / "gunicorn.conf.py",
    ]:
        text = path.read_text()
        names |= set(re.findall(r'(?:env_(?:bool|int|list)|environ\.get|os\.environ\.get)\(\s*"([A-Z0-9_]+)"', text))
        names |= set(re.findall(r'environ\["([A-Z0-9_]+)"\]', text))
        names |= set(re.findall(r'\benv="([A-Z0-9_]+)"', text))  # dj-database-url's config(env=...)
    return names


def test_every_variable_of_the_example_environment_is_read_by_the_application():
    names = {
        line.split("=", 1)[0]
        for line in (DEPLOY / "example.env").read_text().splitlines()
        if line and not line.startswith("#")
    }
    unknown = names - read_by_the_application() - COMPOSE_ONLY
    assert unknown == set()
    assert {"DJANGO_SECRET_KEY", "S3_BUCKET", "HEALTH_TOKEN"} <= names


def test_every_variable_the_compose_file_sets_is_read_by_the_application():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert {"web", "worker", "beat", "postgres", "redis", "minio", "migrate"} <= set(compose["services"])
    set_for_the_app = set()
    for name in ("web", "worker", "beat", "migrate"):
        set_for_the_app |= set(compose["services"][name].get("environment", {}))
    assert set_for_the_app - read_by_the_application() == set()
    assert "--concurrency=2" in compose["services"]["worker"]["command"]
    assert "deploy/gunicorn.conf.py" in compose["services"]["web"]["command"]


def test_gunicorns_settings_load_and_size_for_the_machine(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 4
    assert config["worker_class"] == "sync"
    assert config["timeout"] >= 30


def test_a_web_process_compiles_every_template_before_its_first_request():
    from django.template import engines

    from peerreview import warmup

    compiled = warmup.load_everything()

    ours = list((ROOT / "templates").rglob("*.html"))
    assert compiled >= len(ours) > 100
    loader = engines["django"].engine.template_loaders[0]
    assert len(loader.get_template_cache) >= len(ours)  # kept by the cached loader: no page compiles one again


def test_a_statement_run_often_on_a_connection_is_prepared_by_postgresql_unless_turned_off(postgresql):
    """Django leaves psycopg's prepare_threshold at None (never prepare) unless the settings give one: the server
    must really hold the statement once the connection has run it more than five times, unless
    DATABASE_PREPARED_STATEMENTS=false turned them off."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    for _ in range(7):
        list(users.filter(username="nobody-of-this-name")[:1])
    with postgresql.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%auth_user%"])
        statements = [row[0] for row in cursor.fetchall()]
    prepared = any("username" in statement for statement in statements)
    assert prepared == (postgresql.settings_dict["OPTIONS"].get("prepare_threshold") is not None)


STALE_TABLE = "test_stale_plan"


@pytest.fixture
def stale_plan(transactional_db, postgresql):
    """A table whose column changes type, from another connection (a deploy's migration), under a statement this
    connection prepared."""
    import psycopg

    if postgresql.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        pytest.skip("DATABASE_PREPARED_STATEMENTS=false: nothing is prepared, so nothing goes stale")
    with postgresql.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {STALE_TABLE} (id integer PRIMARY KEY, name varchar(20))")
        cursor.execute(f"INSERT INTO {STALE_TABLE} VALUES (1, 'Northmoor')")

    def read() -> str:
        with postgresql.cursor() as cursor:
            cursor.execute(f"SELECT name FROM {STALE_TABLE} WHERE id = %s", [1])
            return cursor.fetchone()[0]

    for _ in range(7):
        read()  # prepared by now

    def migrate() -> None:
        params = postgresql.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute(f"ALTER TABLE {STALE_TABLE} ALTER COLUMN name TYPE varchar(250)")

    yield read, migrate
    with postgresql.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STALE_TABLE}")


def test_a_statement_whose_plan_a_migration_made_stale_is_prepared_again(stale_plan):
    read, migrate = stale_plan
    migrate()

    assert read() == "Northmoor"
    assert read() == "Northmoor"


def test_a_transaction_caught_by_a_stale_plan_fails_once_and_the_next_read_works(stale_plan):
    from django.db import NotSupportedError, transaction

    read, migrate = stale_plan
    migrate()

    with pytest.raises(NotSupportedError, match="cached plan must not change result type"), transaction.atomic():
        read()
    assert read() == "Northmoor"  # the rollback dropped the stale statements
