"""Turn a template and its context into PDF bytes, fetching nothing but the project's own static files."""

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# Relative URLs in report templates resolve against this made-up origin; nothing else is fetched.
REPORT_BASE_URL = "https://report.invalid/"


class RenderError(Exception):
    """A document could not be rendered; the message says why, in words a user can pass on."""


def find_static_file(name: str) -> Path | None:
    """The file behind a static name, as `{% static %}` gave it, under whichever storage is in use.

    With the manifest storage (debug off) templates name the hashed copies that collectstatic wrote under
    STATIC_ROOT, and only those are served; otherwise the finders look in the project's static folders.
    Nothing outside the static files is ever returned.
    """
    if ".." in Path(name).parts or name.startswith("/") or "\x00" in name:
        return None
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        try:
            path = Path(staticfiles_storage.path(name))
        except SuspiciousFileOperation:
            return None
        return path if path.is_file() else None
    found = finders.find(name)
    return Path(found) if found else None


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files; refuses the network, the file system and everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}/" != REPORT_BASE_URL or not parts.path.startswith(static_prefix):
            raise FatalURLFetchingError(f"Reports may only use the project's static files, not {url!r}.")
        relative = unquote(parts.path[len(static_prefix) :])
        found = find_static_file(relative)
        if found is None:
            raise FatalURLFetchingError(
                f"The static file {relative!r} the document needs was not found; "
                "on a server with debug off, run collectstatic after npm ci."
            )
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": content_type})


# A run of 25 characters or more with nowhere to break (a pasted address, a reference, a word in a script
# without spaces) gets an invisible break opportunity every so often, so it wraps inside the page. Letting the
# layout break anywhere would do the same for every word, and triples WeasyPrint's time on a long report.
LONG_WORD = re.compile(r"[^\s<>&/-]{25,}")
TEXT_NODE = re.compile(r">([^<]+)<")
BREAK_EVERY = 10  # narrow enough for the narrowest table column


def _soften(match: re.Match) -> str:
    word = match.group(0)
    return "\u200b".join(word[index : index + BREAK_EVERY] for index in range(0, len(word), BREAK_EVERY))


def break_long_words(html: str) -> str:
    """The HTML with break opportunities inside very long words of its text (never inside tags or entities)."""
    return TEXT_NODE.sub(lambda node: ">" + LONG_WORD.sub(_soften, node.group(1)) + "<", html)


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def render_html_to_pdf(html: str) -> RenderedPdf:
    """A tagged, accessible PDF (PDF/UA) of finished HTML; the HTML gives the title and language.

    Any failure to fetch what the document needs becomes a RenderError naming it.
    """
    try:
        document = HTML(
            string=break_long_words(html), base_url=REPORT_BASE_URL, url_fetcher=StaticOnlyFetcher()
        ).render()
        content = document.write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as exc:
        # WeasyPrint's fatal fetch error is a BaseException; callers handle ordinary exceptions.
        raise RenderError(str(exc)) from None
    return RenderedPdf(content=content, page_count=len(document.pages))


def render_document(template_name: str, context: dict) -> RenderedPdf:
    return render_html_to_pdf(render_to_string(template_name, context))


def render_pdf(template_name: str, context: dict) -> bytes:
    """PDF bytes for a template."""
    return render_document(template_name, context).content
