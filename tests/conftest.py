"""The fixed cast of a review, logged-in clients for each, and the services tests may need.

Tests that need PostgreSQL, Redis or a Celery worker fail when CI=true and the service is missing;
elsewhere they skip with the reason.
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from reviews.models import Role

from .factories import CaseFactory, FindingFactory, MembershipFactory, ReviewFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
PROJECT_DIR = Path(__file__).resolve().parent.parent


def need_service(reason: str) -> None:
    """A missing service fails the test in CI and skips it, with the reason, elsewhere."""
    if IN_CI:
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.AXES_ENABLED = True
    # The test clients sign in with the password alone; tests/reviews/test_two_factor.py turns the second step on.
    settings.TWO_FACTOR_ENFORCED = False
    # Reports go through Celery, which runs them in the request when there is no broker, so a test that asks for
    # one finds it finished; tests/reviews/test_rendering.py covers the quick start's background thread.
    settings.REPORT_RENDERING = "celery"
    # Each test counts its own uses of the public pages (throttle tests that need Redis set it themselves).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    # Figures derived from a review are worked out on every view, as tests change records through the ORM between
    # views; tests/reviews/test_derived.py keeps them, as the site does, and checks when they are worked out again.
    settings.DERIVED_FIGURES_SECONDS = 0
    # Likewise what every page shows of the person (permissions, unread count): asked for on every page, so that a
    # page's queries are counted the same seen first or again; tests/reviews/test_fixed_costs.py keeps them.
    settings.PERSON_FIGURES_SECONDS = 0
    # A signed-in session is written when a view changes it, never just for activity in the middle of a test (which
    # would make the count of a page's queries depend on the clock); tests/reviews/test_sessions.py sets a minute.
    settings.SESSION_REFRESH_SECONDS = 24 * 60 * 60


# The cast


@pytest.fixture
def review(db):
    return ReviewFactory(title="Testshire children's safeguarding peer review")


@pytest.fixture
def other_review(db):
    return ReviewFactory(title="Otherton children's safeguarding peer review")


def _member(review, role, username):
    return MembershipFactory(review=review, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def lead(review):
    return _member(review, Role.LEAD, "lead")


@pytest.fixture
def challenge_manager(review):
    return _member(review, Role.CHALLENGE_MANAGER, "challenge")


@pytest.fixture
def peer(review):
    return _member(review, Role.PEER, "peer")


@pytest.fixture
def case_auditor(review):
    return _member(review, Role.CASE_AUDITOR, "auditor")


@pytest.fixture
def sponsor(review):
    return _member(review, Role.SPONSOR, "sponsor")


@pytest.fixture
def organiser(review):
    return _member(review, Role.ORGANISER, "organiser")


@pytest.fixture
def contributor(review):
    return _member(review, Role.CONTRIBUTOR, "contributor")


@pytest.fixture
def observer(review):
    return _member(review, Role.OBSERVER, "observer")


@pytest.fixture
def outsider(other_review):
    """The lead of another review: a real user who must see nothing of `review`."""
    return _member(other_review, Role.LEAD, "outsider")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def case(review):
    return CaseFactory(review=review, reference="C-001")


@pytest.fixture
def finding(review, lead):
    return FindingFactory(review=review, raised_by=lead, summary="Thresholds are understood at the front door")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lead_client(lead):
    return _client(lead)


@pytest.fixture
def challenge_client(challenge_manager):
    return _client(challenge_manager)


@pytest.fixture
def peer_client(peer):
    return _client(peer)


@pytest.fixture
def auditor_client(case_auditor):
    return _client(case_auditor)


@pytest.fixture
def sponsor_client(sponsor):
    return _client(sponsor)


@pytest.fixture
def organiser_client(organiser):
    return _client(organiser)


@pytest.fixture
def contributor_client(contributor):
    return _client(contributor)


@pytest.fixture
def observer_client(observer):
    return _client(observer)


@pytest.fixture
def outsider_client(outsider):
    return _client(outsider)


@pytest.fixture
def admin_client(admin_user):
    return _client(admin_user)


# Services


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        need_service("REDIS_URL is not set, so there is no Redis to run a Celery worker against.")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        need_service(f"Redis at REDIS_URL does not answer: {exc}")
    return url


@pytest.fixture
def site_redis_cache(settings, redis_url):
    """The site's Redis cache (peerreview/cache.py) on the run's Redis, under keys of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "peerreview.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import cache

    yield cache
    cache.clear()


@pytest.fixture
def postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        need_service("DATABASE_URL does not point at PostgreSQL.")
    return connection


@pytest.fixture
def celery_worker(redis_url, transactional_db, settings):
    """A real Celery worker in its own process, on the test database and the same private storage."""
    from django.db import connection

    from peerreview.celery import app

    if django_settings.CELERY_TASK_ALWAYS_EAGER:
        need_service("REDIS_URL was not set when the settings loaded, so tasks run in the web process.")
    if connection.vendor != "postgresql":
        need_service("A worker process shares the test database only on PostgreSQL (set DATABASE_URL).")
    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "peerreview.settings",
        # The same private storage as the test: its folder, or the object store of tests/s3server.py.
        **(
            getattr(settings, "TEST_STORAGE_ENV", None)
            or {"PRIVATE_MEDIA_ROOT": settings.STORAGES["private"]["OPTIONS"]["location"]}
        ),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "peerreview", "worker", "--pool=solo", "--loglevel=WARNING",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _database_url(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        need_service("Debian's chromium is not installed (apt-get install -y chromium).")
    return path


# Static files as production has them


MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The static files as collectstatic writes them with debug off: hashed names and a manifest, in a folder.

    The manifest storage without compression: the hashed names are what matters, and it collects in seconds.
    """
    from django.core.management import call_command
    from django.test.utils import override_settings

    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    with override_settings(STATIC_ROOT=str(root), STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production_static(settings, collected_static):
    """Serve static files the way the app does with debug off: from STATIC_ROOT, through the manifest."""
    settings.STATIC_ROOT = str(collected_static)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return collected_static


# Hostile spreadsheets shared by the import tests


@pytest.fixture(scope="session")
def bomb_xlsx(tmp_path_factory) -> bytes:
    """About 1 MB whose worksheet inflates to 1 GiB; written to disk once a session, a megabyte at a time."""
    from .spreadsheets import write_bomb_xlsx

    return write_bomb_xlsx(tmp_path_factory.mktemp("bomb") / "bomb.xlsx").read_bytes()


@pytest.fixture(params=["sparse dimension", "inflating sheet"])
def spreadsheet_bomb(request) -> tuple[bytes, str]:
    """Each spreadsheet bomb from the field, with the words after the file's name that refuse it."""
    from .spreadsheets import sparse_xlsx

    if request.param == "sparse dimension":
        return sparse_xlsx(), "cannot be read: its first sheet declares the range A1:XFD3000, 3,000 rows by 16,384"
    return request.getfixturevalue("bomb_xlsx"), "cannot be read safely: its part xl/worksheets/sheet1.xml would expand"
