"""Subject access for administrators: search every review for a person or a case, read what is held, export it."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import access, subject_access
from .models import AccessLog
from .pdf import render_pdf

# The PDF is rendered while the administrator waits, so it is bounded: a readable account of each kind of record,
# with the JSON download as the complete bundle.
PDF_ROWS_PER_KIND = 25


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise Http404("No such page.")


def _search(request: HttpRequest) -> subject_access.Bundle:
    query = request.GET.get("q", "")
    bundle = subject_access.search(query)
    if bundle.query:
        access.describe(request, f"Subject access search for “{bundle.query}”", AccessLog.Action.SEARCH)
    return bundle


@require_GET
def subject_access_search(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    bundle = _search(request)
    context = {
        "bundle": bundle,
        "note": subject_access.ANONYMOUS_NOTE,
        "before_disclosure": subject_access.THIRD_PARTY_NOTE,
        "max_length": subject_access.MAX_QUERY_LENGTH,
        "too_short": bool(request.GET.get("q", "").strip()) and len(bundle.query) < 2,
    }
    return render(request, "reviews/subject_access.html", context)


@require_GET
def subject_access_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_admin(request)
    bundle = _search(request)
    if len(bundle.query) < 2:
        raise Http404("Search for something first.")
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        body = json.dumps(
            {"generated_at": timezone.now().isoformat(), **bundle.as_json()}, ensure_ascii=False, indent=1
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        context = {
            "bundle": bundle,
            "note": subject_access.ANONYMOUS_NOTE,
            "before_disclosure": subject_access.THIRD_PARTY_NOTE,
            "generated_at": timezone.now(),
            "pdf_rows": PDF_ROWS_PER_KIND,
            "pdf_slice": f":{PDF_ROWS_PER_KIND}",
        }
        response = HttpResponse(render_pdf("reports/subject_access.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{stamp}.{fmt}"'
    return response
