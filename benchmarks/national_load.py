"""Signing in over HTTP, anonymous writes under load and the workers' memory, for `python -m benchmarks scale`."""

import datetime
import http.client
import re
import statistics
import sys
import urllib.parse
from pathlib import Path

from .national import TARGET_MEMORY_MB, TARGET_WRITE
from .questionnaires import _get_token, load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
from totp import code as totp_code  # noqa: E402


def _cookies(response: http.client.HTTPResponse, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def _form(conn, path: str, jar: dict, fields: dict) -> http.client.HTTPResponse:
    header = "; ".join(f"{name}={value}" for name, value in jar.items())
    conn.request("GET", path, headers={"Cookie": header, "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read().decode()
    _cookies(response, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    header = "; ".join(f"{name}={value}" for name, value in jar.items())
    conn.request(
        "POST",
        path,
        body=urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}),
        headers={
            "Cookie": header,
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1{path}",
        },  # fmt: skip
    )
    response = conn.getresponse()
    response.read()
    _cookies(response, jar)
    return response


def sign_in(port: int, username: str, password: str, secret: str) -> str:
    """The Cookie header of a session signed in with the password and an authenticator code."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    jar: dict = {}
    answered = _form(conn, "/accounts/login/", jar, {"username": username, "password": password})
    if answered.status != 302:
        raise RuntimeError(f"signing in as {username} answered {answered.status}")
    answered = _form(conn, "/accounts/two-factor/", jar, {"code": totp_code(secret)})
    if answered.status != 302:
        raise RuntimeError(f"the second step for {username} answered {answered.status}")
    conn.close()
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def measure_writes(port: int, database_url: str) -> list[tuple[str, bool]]:
    """Anonymous submissions a second against the minimal write view, each in the same rounds; the responses
    written are deleted afterwards, so the data set stays as seed_scale made it."""
    from focusgroups.models import Questionnaire, Response
    from reviews import scale

    questionnaire = Questionnaire.objects.filter(review=scale.small_review()).order_by("pk").first()
    Questionnaire.objects.filter(pk=questionnaire.pk).update(opens_on=datetime.date(2000, 1, 1), closes_on=None)
    before = Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    path = f"/q/{questionnaire.token}/"
    cookie, body = _get_token(port, path)
    headers = {
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": "127.0.0.1",
    }
    rounds = []
    try:
        for _ in range(3):
            write, write_failed = load(
                port, "POST", f"/bench/write/?token={questionnaire.token}", "", {"Host": "127.0.0.1"}
            )
            submit, submit_failed = load(port, "POST", path, body, headers)
            rounds.append((write, submit, write_failed + submit_failed))
    finally:
        Response.objects.filter(pk__gt=before).delete()
    write = statistics.median(r[0] for r in rounds)
    submit = statistics.median(r[1] for r in rounds)
    failed = sum(r[2] for r in rounds)
    ratio = submit / write if write else 0.0
    return [
        (
            f"anonymous submissions {submit:.0f}/s, minimal write view {write:.0f}/s: ratio {ratio:.2f} "
            f"(target at least {TARGET_WRITE}); {failed} failed requests",
            ratio >= TARGET_WRITE and failed == 0,
        )
    ]


def worker_memory(master: int) -> list[tuple[str, bool]]:
    """Each gunicorn worker's resident memory after the benchmark, against the target."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", text, re.M) and (rss := re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)):
            sizes.append(int(rss.group(1)) / 1024)
    if not sizes:
        return [("gunicorn workers' memory: could not be read on this system", False)]
    largest = max(sizes)
    return [
        (
            f"gunicorn workers' memory after the benchmark: largest {largest:.0f} MB of {len(sizes)} "
            f"(target under {TARGET_MEMORY_MB} MB)",
            largest < TARGET_MEMORY_MB,
        )
    ]
