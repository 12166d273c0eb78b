"""Health checks: one for load balancers that touches nothing, one for operators that checks every service.

`/health/` answers "ok" from the web process alone, so a slow database never takes every web process out of a
load balancer at once. `/health/ready/` checks the database, the cache, the broker and the private storage,
each with a short timeout, and says which failed (503 when any did). It answers a signed-in administrator, or
a request carrying the token in `HEALTH_TOKEN` (header `Authorization: Bearer <token>`); anyone else gets 404.
"""

import hmac
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

TIMEOUT_SECONDS = 2


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL statement_timeout = {TIMEOUT_SECONDS * 1000}")
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("a value written to the cache could not be read back")
    cache.delete(key)
    return type(caches["default"]).__name__


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return "none configured: tasks run in the web process"
    from kombu import Connection

    with Connection(url, connect_timeout=TIMEOUT_SECONDS, transport_options={"socket_timeout": TIMEOUT_SECONDS}) as c:
        c.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return url.split("://", 1)[0]


def _storage() -> str:
    from django.core.files.storage import storages

    storage = storages["private"]
    if hasattr(storage, "bucket_name"):
        # An object store: the same bucket, asked with this check's short timeout and no retries, so a store that
        # does not answer is named within seconds rather than after the site's patient retries.
        from botocore.config import Config

        quick = Config(connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS, retries={"max_attempts": 1})
        storage = type(storage)(**{**settings.STORAGES["private"].get("OPTIONS", {}), "client_config": quick})
    name = storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("a file written to the storage could not be read back")
    finally:
        storage.delete(name)
    return type(storage).__name__


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
}


def _allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "HEALTH_TOKEN", "")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    return request.user.is_authenticated and request.user.is_superuser


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as error:  # noqa: BLE001 (any failure of a service is reported, never raised)
            detail, ok = f"{type(error).__name__}: {error}"[:300], False
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results


@login_not_required
@never_cache
@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404("No such page.")
    results = run_checks()
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)
