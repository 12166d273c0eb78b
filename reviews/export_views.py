"""The review's export page: the lead asks for a whole-review export, a worker writes it, the lead downloads it."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, permissions, rendering, review_exports, storage
from .export_record import ReviewExport
from .views import load_review


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
    exports = list(ReviewExport.objects.filter(review=review).select_related("requested_by")[:10])
    context = {
        "review": review,
        "membership": membership,
        "exports": exports,
        "waiting": any(export.status in review_exports.UNFINISHED for export in exports),
        "kept_hours": settings.EXPORT_KEPT_HOURS,
    }
    return render(request, "reviews/export.html", context)


@require_GET
def export_download(request: HttpRequest, review_id: int, export_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_export_review(membership))
    export = get_object_or_404(ReviewExport, review=review, pk=export_id)
    if export.status != ReviewExport.Status.DONE or not export.file:
        raise Http404("This export is not ready, or its file was deleted after its time.")
    access.describe(request, f"Whole review export downloaded: {review.title}")
    return storage.download(
        request, export.file, filename=f"review-{review.pk}-export.zip", content_type="application/zip"
    )


@require_POST
def export_delete(request: HttpRequest, review_id: int, export_id: int) -> HttpResponse:
    """The lead has the ZIP safe: its copy here is deleted now rather than at the end of its time."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_export_review(membership))
    export = get_object_or_404(ReviewExport, review=review, pk=export_id)
    if review_exports.delete_now(export):
        messages.success(request, "The export's file is deleted from this site. Copies already downloaded are not.")
    else:
        messages.error(request, "Only an export that is ready to download can be deleted; this one has no file.")
    return redirect("reviews:export", review.pk)
