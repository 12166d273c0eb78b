"""The pages of `python -m benchmarks scale` (see benchmarks/national.py): found and counted in this process, timed
through gunicorn over HTTP."""

import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from html import unescape

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews import scale

from . import national, national_plans
from .national import SKIP, TARGET_EXPORT_SECONDS, TARGET_MEDIAN, TARGET_P95, TARGET_QUERIES
from .national_load import measure_writes, sign_in, worker_memory

RUNS = max(30, int(os.environ.get("BENCH_RUNS", "30")))
LINK = re.compile(r'href="(/[^"#]*)"')


@dataclass
class Page:
    route: str  # the URL with every number as N: one page of each route is measured
    url: str
    who: str  # "lead" or "programme"
    queries: int = 0
    small_queries: int | None = None
    scans: set[str] = field(default_factory=set)  # what its queries' plans do that a page should not
    timings: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def route_of(url: str, review_id: int) -> str:
    path = urllib.parse.urlsplit(url).path
    return re.sub(r"\d+", "N", path.replace(f"/{review_id}/", "/R/"))


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=user).first().persistent_id
    session.save()
    return client


def counted(client: Client, url: str) -> tuple[int, str, set[str]]:
    """The queries of a page seen again, as the site serves it (figures derived from a review are kept until it
    changes), its HTML and what those queries' plans do that a page should not (national_plans)."""
    queries: list[tuple[str, object]] = []

    def count(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    client.get(url)
    with connection.execute_wrapper(count):
        response = client.get(url)
    body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text/html") else ""
    if response.status_code != 200:
        return -response.status_code, "", set()
    return len(queries), body, national_plans.sequential_scans(queries)


def discover(client: Client, starts: list[str], review_id: int, who: str, depth: int = 2) -> dict[str, Page]:
    """One page of each route reachable from `starts` within `depth` links, inside the review (or the programme)."""
    pages: dict[str, Page] = {}
    frontier = list(starts)
    allowed = (f"/reviews/{review_id}/", "/reviews/programme/") if review_id else ("/reviews/programme/",)
    for level in range(depth + 1):
        following = []
        for url in frontier:
            route = route_of(url, review_id)
            if route in pages or SKIP.search(urllib.parse.urlsplit(url).path):
                continue
            queries, body, scans = counted(client, url)
            if queries < 0:
                continue  # a page this account may not open, or a form that answers something else to GET
            pages[route] = Page(route, url, who, queries, scans=scans)
            if level < depth:
                for link in LINK.findall(body):
                    link = unescape(link)
                    if link.startswith(allowed) and route_of(link, review_id) not in pages:
                        following.append(link)
        frontier = following
    return pages


def find_pages() -> list[Page]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    lead = signed_in_client(users.get(username=scale.LEAD_USERNAME))
    large, small = scale.large_review(), scale.small_review()
    pages = discover(lead, [f"/reviews/{large.pk}/"], large.pk, "lead")
    for route, page in discover(lead, [f"/reviews/{small.pk}/"], small.pk, "lead").items():
        if route in pages:
            pages[route].small_queries = page.queries
    programme = signed_in_client(users.get(username=scale.PROGRAMME_USERNAME))
    for route, page in discover(programme, ["/reviews/programme/", "/reviews/"], 0, "programme", depth=1).items():
        pages.setdefault(route, page)
    return sorted(pages.values(), key=lambda page: page.route)


def get(conn: http.client.HTTPConnection, path: str, cookie: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status} through gunicorn")
    return elapsed


def run(url: str, described: str, password: str, secret: str) -> int:
    started = time.time()
    # A site's autovacuum keeps the planner's statistics up to date; on a server without it the tables that grow as
    # the benchmark runs (the access log: one entry a page) would be planned from the day the data set was built.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pages = find_pages()
    print(f"{len(pages)} pages found and their queries counted", flush=True)
    export = measure_export()
    gunicorn = shutil.which("gunicorn", path=str(national.PROJECT / ".venv" / "bin")) or shutil.which("gunicorn")
    static_root = national.PROJECT / "staticfiles"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": os.environ["REDIS_URL"],
        "QUESTIONNAIRE_ANSWERS_PER_ADDRESS": str(10**9),
        "QUESTIONNAIRE_ANSWERS_PER_LINK": str(10**9),
    }
    subprocess.run(
        [sys.executable, str(national.PROJECT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env, cwd=national.PROJECT, check=True,
    )  # fmt: skip
    port = national_free_port()
    workers = int(os.environ.get("BENCH_WORKERS", "3"))
    server = subprocess.Popen(
        [gunicorn, "peerreview.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
        env=env, cwd=national.PROJECT,
    )  # fmt: skip
    try:
        wait_for(port)
        cookies = {who: sign_in(port, username, password, secret) for who, username in
                   (("lead", scale.LEAD_USERNAME), ("programme", scale.PROGRAMME_USERNAME))}  # fmt: skip
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        health = [get(conn, "/health/", "") for _ in range(RUNS)]
        nothing = f"/bench/reviews/{scale.large_review().pk}/nothing/"
        get(conn, nothing, cookies["lead"])
        empty = [get(conn, nothing, cookies["lead"]) for _ in range(RUNS)]
        for page in pages:
            get(conn, page.url, cookies[page.who])  # warm: the first request of a route may compile templates
            page.timings = [get(conn, page.url, cookies[page.who]) for _ in range(RUNS)]
        health += [get(conn, "/health/", "") for _ in range(RUNS)]
        empty += [get(conn, nothing, cookies["lead"]) for _ in range(RUNS)]
        writes = measure_writes(port, url)
        memory = worker_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(static_root, ignore_errors=True)
    return report(pages, health, empty, writes + export, memory, described, workers, time.time() - started)


def national_free_port() -> int:
    from .questionnaires import free_port

    return free_port()


def wait_for(port: int) -> None:
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/health/", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def report(pages, health, empty, writes, memory, described, workers, took) -> int:
    floor = statistics.median(health)
    bare = statistics.median(empty)
    failures = 0
    load = os.getloadavg()
    print(f"database: {described}; gunicorn with debug off, {workers} workers; {RUNS} requests a page")
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; took {took:.0f} s"
    )
    print(f"/health/ (the floor): median {floor * 1000:.1f} ms")
    print(
        f"a review's page with nothing on it (session, account, second step, membership, access log, layout): "
        f"median {bare * 1000:.1f} ms, {bare / floor:.1f} times the floor (for reference, not a target)"
    )
    print(f"{'page':<58}{'who':<10}{'median':>9}{'p95':>9}{'x med':>7}{'x p95':>7}{'queries':>10}  result")
    for page in pages:
        ratio, ratio95 = page.median / floor, page.p95 / floor
        small = "" if page.small_queries is None else f"/{page.small_queries}"
        grows = page.small_queries is not None and page.queries > page.small_queries
        misses = [
            name
            for name, missed in [
                ("median", ratio > TARGET_MEDIAN),
                ("p95", ratio95 > TARGET_P95),
                ("queries", page.queries > TARGET_QUERIES),
                ("grows", grows),
                (", ".join(sorted(page.scans)), bool(page.scans)),
            ]
            if missed
        ]
        failures += bool(misses)
        print(
            f"{page.route[:57]:<58}{page.who:<10}{page.median * 1000:>7.0f}ms{page.p95 * 1000:>7.0f}ms"
            f"{ratio:>7.1f}{ratio95:>7.1f}{page.queries:>6}{small:>4}  {'FAIL ' + ', '.join(misses) if misses else 'pass'}"
        )
    for line, passed in writes + memory:
        failures += not passed
        print(f"{line}  {'pass' if passed else 'FAIL'}")
    print(f"{len(pages) + len(writes) + len(memory) - failures} targets met, {failures} missed")
    return 1 if failures else 0


def measure_export() -> list[tuple[str, bool]]:
    """The whole-review export of the large review, and its access log's CSV, as the worker writes them: time,
    queries and peak memory of the Python objects (tracemalloc), against the target; each file is deleted
    afterwards."""
    from django.contrib.auth import get_user_model

    from reviews import review_exports
    from reviews.models import ReviewExport

    lead = get_user_model().objects.get(username=scale.LEAD_USERNAME)
    lines = []
    for kind, what, records in [
        (ReviewExport.Kind.REVIEW, "review export", "records"),
        (ReviewExport.Kind.ACCESS_LOG, "access log CSV", "entries"),
    ]:
        export, _ = review_exports.request_export(scale.large_review(), lead, kind=kind)
        took, queries, peak = _written(export)
        line = (
            f"{what} of the large review by the worker: {took:.2f} s, {queries} queries, {export.records} {records}, "
            f"{export.size / 2**20:.1f} MB, peak Python memory {peak:.0f} MB (target under {TARGET_EXPORT_SECONDS} s)"
        )
        passed = export.status == ReviewExport.Status.DONE and took < TARGET_EXPORT_SECONDS
        lines.append((line if export.status == ReviewExport.Status.DONE else f"{line}: {export.error}", passed))
        if export.file:
            if kind == ReviewExport.Kind.REVIEW:
                lines.append(measure_import(export))
            export.file.delete(save=False)
        ReviewExport.objects.filter(pk=export.pk).delete()
    return lines


def _written(export) -> tuple[float, int, float]:
    """Write a requested file as the worker does: seconds, queries and peak Python memory (MB)."""
    import tracemalloc

    from reviews import review_exports

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        review_exports.write(export.pk)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    export.refresh_from_db()
    return took, len(queries), peak


def measure_import(export) -> tuple[str, bool]:
    """The export read back into the installation as a copy (then deleted): time and peak Python memory, against
    the workers' memory target."""
    import tracemalloc

    from reviews.transfer import import_review
    from reviews.transfer.discovery import MAX_JSON_BYTES, TransferError

    tracemalloc.start()
    started = time.perf_counter()
    try:
        with export.file.open("rb") as source:
            result = import_review(source, title=f"Imported copy for the benchmark {secrets.token_hex(4)}")
    except TransferError as error:  # reported as a failed target, so the rest of the table is still printed
        tracemalloc.stop()
        return f"import of that export as a copy refused: {str(error)[:400]}", False
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    records = sum(result.counts.values())
    result.review.delete()
    line = (
        f"import of that export as a copy: {took:.2f} s, {records} records, peak Python memory {peak:.0f} MB "
        f"(target under {national.TARGET_MEMORY_MB} MB; the document read whole, at most {MAX_JSON_BYTES // 2**20} MB)"
    )
    return line, peak < national.TARGET_MEMORY_MB
