"""The review's export page: the lead asks for a whole-review export, a worker writes it, the lead downloads it.
The download and the deletion serve the access log's CSVs too (reviews/access_views.py), each to whoever may ask for
that kind of file."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, permissions, rendering, review_exports, storage
from .export_record import ReviewExport
from .exports import CSV_CONTENT_TYPE
from .middleware import open_when_archived
from .views import load_review


@open_when_archived("asks for a copy of the review, which an archived review keeps until it is purged")
@require_http_methods(["GET", "POST"])
def review_export(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_export_review(membership))
    if request.method == "POST":
        export, new = review_exports.request_export(review, request.user)
        if new:
            transaction.on_commit(lambda: rendering.start_export(export_id=export.pk))
            messages.success(request, "The export is being prepared. This page shows when it is ready to download.")
        else:
            messages.info(request, "An export of this review is already being prepared; it is below.")
        return redirect("reviews:export", review.pk)
    exports = review_exports.listed(review, ReviewExport.Kind.REVIEW)
    context = {
        "review": review,
        "membership": membership,
        "exports": exports,
        "waiting": any(export.status in review_exports.UNFINISHED for export in exports),
        "kept_hours": settings.EXPORT_KEPT_HOURS,
    }
    return render(request, "reviews/export.html", context)


def _export_for(request: HttpRequest, review_id: int, export_id: int) -> tuple:
    """The review and one of its files, to whoever may ask for that kind of file (403 to other members)."""
    review, membership = load_review(request, review_id)
    # Who may ask for neither kind learns nothing, not even which files there are.
    permissions.require(permissions.can_read_access_log(membership) or permissions.can_export_review(membership))
    export = get_object_or_404(ReviewExport, review=review, pk=export_id)
    if export.kind == ReviewExport.Kind.ACCESS_LOG:
        permissions.require(permissions.can_read_access_log(membership))
    else:
        permissions.require(permissions.can_export_review(membership))
    return review, export


@require_GET
def export_download(request: HttpRequest, review_id: int, export_id: int) -> HttpResponse:
    review, export = _export_for(request, review_id, export_id)
    if export.status != ReviewExport.Status.DONE or not export.file:
        raise Http404("This file is not ready, or it was deleted after its time.")
    if export.kind == ReviewExport.Kind.ACCESS_LOG:
        access.describe(request, f"Access log CSV downloaded: {review.title}")
        stamp = timezone.localtime(export.finished_at).date().isoformat()
        filename, content_type = f"access-log-review-{review.pk}-{stamp}.csv", CSV_CONTENT_TYPE
    else:
        access.describe(request, f"Whole review export downloaded: {review.title}")
        filename, content_type = f"review-{review.pk}-export.zip", "application/zip"
    return storage.download(request, export.file, filename=filename, content_type=content_type)


@open_when_archived("deletes a copy of the review's records, not the records")
@require_POST
def export_delete(request: HttpRequest, review_id: int, export_id: int) -> HttpResponse:
    """The file is safe where it was downloaded: its copy here is deleted now rather than at the end of its time."""
    review, export = _export_for(request, review_id, export_id)
    if review_exports.delete_now(export):
        messages.success(request, "The file is deleted from this site. Copies already downloaded are not.")
    else:
        messages.error(request, "Only a file that is ready to download can be deleted; this one has no file.")
    return redirect(review_exports.page_of(export))
