"""Two web processes and one worker that share only PostgreSQL, Redis and an S3 API server: the proof it scales out.

Run by .ci/scale-out against the processes it starts. The lead signs in (password, then the code computed from
the demo authenticator secret) on web process A, uploads an evidence
document there and asks for the baseline report; the worker renders it into the bucket; on web process B (the same
session, as a load balancer would send it) the lead finds the report finished and downloads both files, which must
be byte for byte what was uploaded and what the worker stored. Both web processes must report every service ready,
storage on the object store, and every object in the bucket must have been written with server-side encryption.
Any failure ends the run with a non-zero status.
"""

import argparse
import hashlib
import io
import re
import sys
import time
from urllib.parse import urljoin

import boto3
import requests
import totp
from botocore.config import Config
from pypdf import PdfReader, PdfWriter

# The demo's rich review; its year is the year of its on-site week, which follows the day the demo was seeded.
REVIEW = r"Northmoor children&#x27;s safeguarding peer review \d{4}"
REPORT_WAIT_SECONDS = 240


def require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    require(match is not None, "the page has no CSRF token")
    return match.group(1)


class Browser:
    """A cookie-keeping HTTP client. The site's cookies are Secure (debug is off) and this run is plain HTTP on
    loopback, so the cookies are kept by name and sent explicitly, as a browser does for localhost."""

    def __init__(self) -> None:
        self.http = requests.Session()
        # Loopback only: no proxy from the environment may stand between this run and the processes it checks.
        self.http.trust_env = False
        self.cookies: dict[str, str] = {}

    def send(self, method: str, url: str, **kwargs) -> requests.Response:
        response = self.http.request(method, url, cookies=self.cookies, timeout=60, **kwargs)
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        self.http.cookies.clear()
        return response


def get(session: Browser, url: str) -> requests.Response:
    response = session.send("GET", url)
    require(response.status_code == 200, f"GET {url} answered {response.status_code}")
    return response


def post(session: Browser, url: str, referer_page: str, data: dict, **kwargs) -> requests.Response:
    page = get(session, referer_page)
    data = {"csrfmiddlewaretoken": csrf_token(page.text), **data}
    response = session.send("POST", url, data=data, headers={"Referer": referer_page}, allow_redirects=False, **kwargs)
    require(response.status_code in {302, 303}, f"POST {url} answered {response.status_code}: {response.text[:500]}")
    return response


def ready(base: str, token: str) -> dict:
    http = requests.Session()
    http.trust_env = False
    response = http.get(f"{base}/health/ready/", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    require(response.status_code == 200, f"{base}/health/ready/ answered {response.status_code}: {response.text}")
    checks = response.json()["checks"]
    require(checks["storage"]["detail"] == "S3Storage", f"{base} does not keep files in the object store: {checks}")
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web-a", required=True)
    parser.add_argument("--web-b", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--totp-secret", required=True)
    parser.add_argument("--health-token", required=True)
    parser.add_argument("--s3-endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    options = parser.parse_args()
    a, b = options.web_a.rstrip("/"), options.web_b.rstrip("/")

    for base in (a, b):
        ready(base, options.health_token)
    print("Both web processes are ready, with their files in the object store.")

    session = Browser()
    login = f"{a}/accounts/login/"
    post(session, login, login, {"username": "lead", "password": options.password})
    second_step = f"{a}/accounts/two-factor/"
    post(session, second_step, second_step, {"code": totp.code(options.totp_secret), "next": "/reviews/"})
    reviews = get(session, f"{a}/reviews/").text
    match = re.search(r'href="(/reviews/(\d+)/)"[^>]*>\s*(' + REVIEW + ")", reviews)
    require(match is not None, "the lead's review is not on web process A's list")
    review_path, review_id, title = match.group(1), match.group(2), match.group(3).replace("&#x27;", "'")
    print(f"Signed in on web process A; the review is {review_path}.")

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Scale-out evidence uploaded through web process A at {time.time():.0f}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    evidence = buffer.getvalue()
    upload_page = f"{a}{review_path}documents/upload/"
    response = post(
        session,
        upload_page,
        upload_page,
        {"title": "Scale-out evidence", "description": "", "kind": "policy"},
        files={"file": ("scale-out.pdf", evidence, "application/pdf")},
    )
    document_path = response.headers["Location"]
    print(f"Uploaded {len(evidence):,} bytes through web process A ({document_path}).")

    reports_page = f"{a}{review_path}reports/"
    pattern = re.compile(rf'href="(/reviews/{review_id}/reports/(\d+)/download/)"')
    earlier = {int(number) for _, number in pattern.findall(get(session, reports_page).text)}
    post(session, f"{a}{review_path}reports/request/", reports_page, {"kind": "baseline"})
    print("Asked web process A for the baseline report.")

    # Everything from here is on web process B, with the session made on A.
    document = get(session, urljoin(b, document_path)).text
    links = re.findall(r'href="([^"]*/download/)"', document)
    require(links, "web process B shows the document without a download link")
    downloaded = get(session, urljoin(b, links[0]))
    require(downloaded.content == evidence, "the document downloaded from web process B differs from the upload")
    require(downloaded.headers.get("Content-Disposition", "").startswith("attachment;"), "not served as an attachment")
    print("Downloaded the document through web process B: identical to the upload.")

    # The new report is the one whose download link was not on the page before it was asked for.
    deadline = time.monotonic() + REPORT_WAIT_SECONDS
    while True:
        page = get(session, f"{b}{review_path}reports/").text
        require('govuk-tag--red">Failed' not in page, "a report failed on the worker")
        found = [path for path, number in pattern.findall(page) if int(number) not in earlier]
        if found:
            break
        require(time.monotonic() < deadline, f"the worker did not finish the report in {REPORT_WAIT_SECONDS} s")
        time.sleep(2)
    report_path = found[0]
    pdf = get(session, urljoin(b, report_path)).content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    require(title in text, "the report downloaded from web process B does not name the review")
    print(f"The worker rendered the report; downloaded through web process B: {len(pdf):,} bytes.")

    s3 = boto3.client(
        "s3",
        endpoint_url=options.s3_endpoint,
        aws_access_key_id="scale-out",
        aws_secret_access_key="scale-out",
        region_name="eu-west-2",
        config=Config(proxies={}),
    )
    keys = [entry["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=options.bucket)
            for entry in page.get("Contents", ())]  # fmt: skip
    digests = {hashlib.sha256(s3.get_object(Bucket=options.bucket, Key=key)["Body"].read()).hexdigest() for key in keys}
    require(hashlib.sha256(evidence).hexdigest() in digests, "the uploaded document is not in the bucket")
    require(hashlib.sha256(pdf).hexdigest() in digests, "the report is not in the bucket")
    unencrypted = [key for key in keys if s3.head_object(Bucket=options.bucket, Key=key).get("ServerSideEncryption")
                   != "AES256"]  # fmt: skip
    require(not unencrypted, f"objects written without server-side encryption: {unencrypted[:5]}")
    print(f"The bucket holds {len(keys)} objects, every one encrypted at rest, the upload and the report among them.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # noqa: BLE001 - any failure is reported in one line and fails the run
        print(f"Scale-out failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
