"""Turn a template and its context into PDF bytes, fetching nothing but the project's own static files."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# Relative URLs in report templates resolve against this made-up origin; nothing else is fetched.
REPORT_BASE_URL = "https://report.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files; refuses the network, the file system and everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}/" != REPORT_BASE_URL or not parts.path.startswith(static_prefix):
            raise FatalURLFetchingError(f"Reports may only use the project's static files, not {url!r}.")
        relative = unquote(parts.path[len(static_prefix) :])
        if ".." in Path(relative).parts:
            raise FatalURLFetchingError(f"Refused a static path that climbs out of the static files: {url!r}.")
        found = finders.find(relative)
        if not found:
            raise FatalURLFetchingError(f"No static file {relative!r} for the report.")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": content_type})


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
