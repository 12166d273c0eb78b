"""`python -m benchmarks scale`: every page a reviewer or manager uses, at national scale, through gunicorn.

1. Builds a scale database with seed_scale (or reuses one that holds a data set already): by default a national
   programme (150 councils, 3 reviews each, a national review's size each), in the database named by
   BENCH_SCALE_DATABASE (default: the configured database's name with `_scale`) on the configured PostgreSQL
   server. BENCH_SCALE_COUNCILS, BENCH_SCALE_REVIEWS_PER_COUNCIL and BENCH_SCALE_CASES make a smaller one.
2. Finds the pages by following the links of the lead's review (and of the programme manager's dashboard) in this
   process, one page of each route, and counts each page's queries on the large review and on the small one (each
   page seen again, as the site serves it: figures derived from a review are kept until it changes). PostgreSQL
   plans every query of every page (EXPLAIN), and a page whose queries read a large table whole or sort thousands
   of rows fails.
3. Starts gunicorn with debug off on loopback, signs in over HTTP (password and authenticator code) as the lead
   and as the programme manager, and times BENCH_RUNS (at least 30) requests of each page, with /health/ measured
   in the same run as the floor.
4. Measures anonymous questionnaire submissions against a minimal view that saves one row (the limit for a write),
   and each gunicorn worker's memory afterwards.

Prints one table with each page's median and p95, their ratios to /health/, its query counts and pass or fail
against the targets; exits 1 when any target is missed.
"""

import os
import re
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "scale-bench-" + secrets.token_urlsafe(12)
TARGET_MEDIAN, TARGET_P95, TARGET_QUERIES, TARGET_WRITE, TARGET_MEMORY_MB = 8, 20, 25, 0.6, 250
TARGET_EXPORT_SECONDS = 5
# Routes not measured as pages: leaving, and what is not a page a reviewer reads.
SKIP = re.compile(r"/(logout|session/extend)/|^/admin/|^/static/|^/q/|/download/?$|/media/")


def scale_database_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark at scale needs PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    parts = urllib.parse.urlsplit(configured)
    name = os.environ.get("BENCH_SCALE_DATABASE") or f"{parts.path.lstrip('/') or 'peerreview'}_scale"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), *args], env=env, cwd=PROJECT, check=True,
        capture_output=capture, text=True,
    )  # fmt: skip
    return done.stdout or ""


def ensure_data(url: str, secret: str) -> str:
    """Create and fill the scale database unless it holds a data set; reset the accounts' password and secret."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "true"}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_questionnaire_library")
    check = "from reviews.scale import scale_reviews; print(scale_reviews().count())"
    held = int(manage(env, "shell", "-c", check, capture=True).strip().splitlines()[-1])
    if held == 0:
        print(f"building the data set in {name} (minutes at national size)", flush=True)
        sizes = []
        for variable, option in [
            ("BENCH_SCALE_COUNCILS", "--councils"),
            ("BENCH_SCALE_REVIEWS_PER_COUNCIL", "--reviews-per-council"),
            ("BENCH_SCALE_CASES", "--cases"),
        ]:
            if os.environ.get(variable):
                sizes += [option, os.environ[variable]]
        manage(env, "seed_scale", "--password", PASSWORD, "--totp-secret", secret, *sizes)
    else:
        reset = (
            "from django.contrib.auth import get_user_model; from reviews import scale, two_factor\n"
            "for user in get_user_model().objects.filter(username__in=[scale.LEAD_USERNAME, scale.PROGRAMME_USERNAME]):\n"
            f"    user.set_password({PASSWORD!r}); user.save(); two_factor.set_known_secret(user, {secret!r})\n"
        )
        manage(env, "shell", "-c", reset)
    return f"{name}, {held} scale reviews reused" if held else f"{name}, built now"


def main() -> int:
    import base64

    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    url = scale_database_url()
    described = ensure_data(url, secret)
    os.environ["DATABASE_URL"] = url
    # The pages are counted with the cache the site runs with (Redis), as gunicorn serves them.
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")
    import django

    django.setup()
    from . import national_pages

    return national_pages.run(url, described, PASSWORD, secret)
