"""The parallel test run's division of Redis between its processes (tests/parallel.py)."""

import os

import pytest

from .parallel import redis_url_for_worker


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/15", "gw0", "redis://127.0.0.1:6379/15"),
        ("redis://127.0.0.1:6379/15", "gw3", "redis://127.0.0.1:6379/12"),
        ("redis://127.0.0.1:6379/1", "gw2", "redis://127.0.0.1:6379/15"),  # wraps past 0
        ("redis://127.0.0.1:6379", "gw1", "redis://127.0.0.1:6379/15"),  # no database is database 0
        (
            "redis://:secret@cache.example:6380/4?socket_timeout=5",
            "gw1",
            "redis://:secret@cache.example:6380/3?socket_timeout=5",
        ),
    ],
)
def test_each_process_has_its_own_redis_database(url, worker, expected):
    assert redis_url_for_worker(url, worker) == expected


@pytest.mark.parametrize(("url", "worker"), [("unix:///run/redis.sock", "gw0"), ("redis://h:1/0", "gw16")])
def test_what_cannot_be_divided_is_refused_by_name(url, worker):
    with pytest.raises(ValueError, match="REDIS_URL|at most 16 processes"):
        redis_url_for_worker(url, worker)


def test_this_process_s_settings_use_its_own_database_when_run_in_parallel():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not os.environ.get("REDIS_URL"):
        pytest.skip("Not a parallel run with Redis: nothing was divided.")
    from django.conf import settings

    mine = redis_url_for_worker(os.environ["REDIS_URL_OF_THE_RUN"], worker)
    assert (os.environ["REDIS_URL"], settings.CELERY_BROKER_URL, settings.REDIS_URL) == (mine, mine, mine)
