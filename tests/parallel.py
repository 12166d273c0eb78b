"""Each process of a parallel test run gets a Redis database of its own, before the settings are read.

Loaded with `-p tests.parallel` (pyproject's addopts), so it runs before pytest-django imports the settings. The
test database is already one a process (pytest-django adds `_gw0`, `_gw1` ...); Redis is shared unless moved here.
A process's cache, throttles and Celery broker then never meet another's: one test's `cache.clear()` or
`app.control.purge()` cannot empty another's keys or steal its tasks. Process N uses the database N below
REDIS_URL's (wrapping past 0), so `redis://…/15` gives 15, 14, 13 ... for gw0, gw1, gw2 ...
"""

import os
import re

REDIS_DATABASES = 16


def redis_url_for_worker(url: str, worker: str) -> str:
    """`redis://host:port/15` for process `gw1` is `redis://host:port/14`; a URL without a database starts at 0."""
    number = int(worker.removeprefix("gw"))
    match = re.fullmatch(r"(?P<base>redis://[^/?#]+)(?:/(?P<db>\d*))?(?P<rest>[?#].*)?", url)
    if not match:
        raise ValueError(f"REDIS_URL {url!r} is not a redis:// address this test run can divide between processes.")
    database = int(match["db"] or 0)
    if number >= REDIS_DATABASES:
        raise ValueError(f"A parallel test run has at most {REDIS_DATABASES} processes, one a Redis database.")
    return f"{match['base']}/{(database - number) % REDIS_DATABASES}{match['rest'] or ''}"


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("REDIS_URL"):
    os.environ.setdefault("REDIS_URL_OF_THE_RUN", os.environ["REDIS_URL"])
    os.environ["REDIS_URL"] = redis_url_for_worker(os.environ["REDIS_URL_OF_THE_RUN"], _worker)
