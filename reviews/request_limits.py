"""Request bodies the site refuses before anything reads them, each with a page that says why.

- A body larger than anything the site takes: from someone not signed in (a questionnaire, a vote, the sign-in
  page), more than a form's fields may hold (DATA_UPLOAD_MAX_MEMORY_SIZE); from someone signed in, more than the
  largest file they may upload with its form. Refused from its declared length (413), so a huge upload is never
  written to a temporary file, on a public page above all.
- A form not sent as UTF-8, which Django refuses when it is first read: read first by the security check, whose
  refusal reads it again, and so on until the server gives up with an error of its own. Refused here (400) with
  Django's own rule.

A proxy in front should refuse larger bodies still (deploy/README.md): this is the rule the site itself keeps.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from .csrf_failure import layout_for
from .tables.core import MAX_FILE_BYTES


def largest_body(request: HttpRequest) -> int:
    """The most this request may send, in bytes."""
    if request.user.is_authenticated:
        return max(settings.EVIDENCE_MAX_UPLOAD_BYTES, MAX_FILE_BYTES) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # as Django reads it: no body


def _not_utf8_form(request: HttpRequest) -> bool:
    """Django's rule (HttpRequest._load_post_and_files): a urlencoded form must be UTF-8."""
    return (
        request.content_type == "application/x-www-form-urlencoded"
        and request.encoding is not None
        and request.encoding.lower() != "utf-8"
    )


class RequestBodyMiddleware:
    """Put after the authentication middleware (the limit depends on who is signed in) and before any that reads the
    body: the security check reads it only once every middleware has let the request through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        # Who is signed in is asked only of a body larger than any form: never of a page opened, nor of an answer.
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and length > (limit := largest_body(request)):
            context = {"layout": layout_for(request), "size": filesizeformat(length), "limit": filesizeformat(limit)}
            return render(request, "413.html", context, status=413)
        if _not_utf8_form(request):
            return render(request, "400_encoding.html", {"layout": layout_for(request)}, status=400)
        return self.get_response(request)
