"""Questionnaire benchmarks: the results page at 20,000 responses, and anonymous submissions under load.

The load generator is a few Python threads keeping connections busy against gunicorn; the baseline is the
minimal health-check view on the same server in the same run, so the ratio is what to compare across machines.
"""

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test import Client

from focusgroups.library import ensure_library
from focusgroups.models import Answer, Question, Response
from reviews.models import Review, ReviewMembership, Role

PROJECT = Path(__file__).resolve().parent.parent
SETUP = """
import datetime
from focusgroups.library import ensure_library
from reviews.models import Council, Framework, Review
framework = Framework.objects.get(is_default=True)
council = Council.objects.create(name="Benchmark Council", ons_code="E99999999")
review = Review.objects.create(council=council, framework=framework, grade_scale=framework.grade_scales.last(), title="Load")
copy = ensure_library()[0].copy_to(review)
copy.opens_on = datetime.date(2000, 1, 1)
copy.save()
print(copy.token)
"""


def add_responses(questionnaire, count: int) -> None:
    questions = [
        q for q in Question.objects.filter(section__questionnaire=questionnaire) if q.kind != Question.Kind.TEXT
    ]
    responses = Response.objects.bulk_create(Response(questionnaire=questionnaire) for _ in range(count))
    answers = []
    for index, response in enumerate(responses):
        for question in questions:
            options = [value for value, _ in question.options()]
            value = options[index % len(options)]
            if question.is_scale:
                answers.append(Answer(response=response, question=question, value=int(value)))
            else:
                answers.append(Answer(response=response, question=question, choice=value))
    Answer.objects.bulk_create(answers, batch_size=5000)


def results_page(review: Review, user, median_seconds) -> list[tuple]:
    """The results page with 10 and with 20,000 responses: median seconds and queries."""
    client = Client()
    client.force_login(user)
    ReviewMembership.objects.get_or_create(review=review, user=user, defaults={"role": Role.LEAD})
    library = ensure_library()
    results = {}
    for size in (10, 20_000):
        questionnaire = library[0].copy_to(review)
        add_responses(questionnaire, size)
        url = questionnaire.get_absolute_url()
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200
        results[size] = (median_seconds(lambda url=url: client.get(url)), len(queries))
    (base, q1), (big, q2) = results[10], results[20_000]
    return [("questionnaire results page", 10, base, 20_000, big, big / base, q1, q2)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_token(port: int, path: str) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    # One option of every scale and choice question, the highest (a low answer to a safety check would raise
    # an alert each time); the attributes of a tag may sit on separate lines.
    fields = sorted(
        {
            (name.group(1), value.group(1))
            for tag in re.findall(r"<input\b[^>]*>", body)
            if (name := re.search(r'name="(q\d+)"', tag)) and (value := re.search(r'value="([^"]+)"', tag))
        }
    )
    conn.close()
    chosen = dict(fields)  # sorted, so the last (highest) option of each question wins
    return cookie, urllib.parse.urlencode({"csrfmiddlewaretoken": token, **chosen})


def _hammer(port: int, method: str, path: str, body: str, headers: dict, seconds: float) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done = failed = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status in (200, 302):
            done += 1
        else:
            failed += 1
    conn.close()
    return done, failed


def load(
    port: int,
    method: str,
    path: str,
    body: str = "",
    headers: dict | None = None,
    threads: int = 4,
    seconds: float = 3.0,
):
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda _: _hammer(port, method, path, body, headers or {}, seconds), range(threads)))
    return sum(done for done, _ in results) / seconds, sum(failed for _, failed in results)


def describe_database(settings_dict: dict) -> str:
    """Which database a run used, for the benchmark's output: the engine and the database name."""
    engine = "PostgreSQL" if "postgresql" in settings_dict["ENGINE"] else "SQLite"
    return f"{engine} ({settings_dict['NAME']})"


@contextmanager
def throughput_database():
    """A throwaway database for the server under load: on the configured PostgreSQL server when DATABASE_URL
    names one, otherwise a SQLite file. Yields (database URL, description) and removes the database afterwards."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg
        from psycopg import sql

        parts = urllib.parse.urlsplit(configured)
        name = f"{parts.path.lstrip('/') or 'postgres'}_bench_throughput"
        server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), f"PostgreSQL ({name})"
        finally:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        return
    workdir = tempfile.mkdtemp(prefix="bench-")
    try:
        yield f"sqlite:///{workdir}/bench.sqlite3", f"SQLite ({workdir}/bench.sqlite3, removed afterwards)"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def submission_throughput() -> list[str]:
    """Requests a second for the anonymous form and for the health view, on one gunicorn, in the same run."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        return ["submission throughput: gunicorn is not installed in the virtualenv, skipped"]
    with throughput_database() as (database_url, described):
        return _measure(gunicorn, database_url, described)


def _measure(gunicorn: str, database_url: str, described: str) -> list[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Debug settings serve the static files without collectstatic; both views run under the same settings.
        "DJANGO_DEBUG": "true",
        # The load comes from one address on loopback: lift the per-address and per-link limits, which have tests
        # of their own, so the benchmark measures saving answers rather than refusing them.
        "QUESTIONNAIRE_ANSWERS_PER_ADDRESS": str(10**9),
        "QUESTIONNAIRE_ANSWERS_PER_LINK": str(10**9),
    }
    manage = [sys.executable, str(PROJECT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=PROJECT)
    token = (
        subprocess.run(
            [*manage, "shell", "-c", SETUP], env=env, check=True, cwd=PROJECT, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    server = subprocess.Popen(
        [gunicorn, "peerreview.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--log-level", "warning"],
        env=env,
        cwd=PROJECT,
    )
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        path = f"/q/{token}/"
        cookie, body = _get_token(port, path)
        headers = {
            "Cookie": f"csrftoken={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": "127.0.0.1",
        }
        rounds = []
        for _ in range(3):
            base, base_failed = load(port, "GET", "/health/", headers={"Host": "127.0.0.1"})
            submit, submit_failed = load(port, "POST", path, body, headers)
            rounds.append((base, submit, base_failed + submit_failed))
        base = statistics.median(r[0] for r in rounds)
        submit = statistics.median(r[1] for r in rounds)
        failed = sum(r[2] for r in rounds)
        return [
            f"anonymous submissions: {submit:.0f}/s against gunicorn (2 workers, 4 client threads); "
            f"health view {base:.0f}/s; ratio {submit / base:.2f}; {failed} failed requests; "
            f"database: {described}"
        ]
    finally:
        server.terminate()
        server.wait(timeout=60)
