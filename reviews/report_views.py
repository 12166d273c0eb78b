"""The reports of a review: the list, each report's own page, requesting, retrying, sharing and downloading."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import access, permissions, services, storage
from .models import Finding, Report, Review, ReviewMembership
from .views import load_review

# The formats a report may be downloaded as: the file field holding it, its media type and its name on the page.
FORMATS = {
    "pdf": ("file", "application/pdf", "PDF"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint slides"),
}


def visible_reports(review: Review, membership: ReviewMembership):
    """The review's reports this member may see: all of them on the peer side, those shared with the council else."""
    reports = review.reports.all()
    if not permissions.is_peer_side(membership):
        reports = reports.filter(shared_with_host=True)
    return reports


def load_report(review: Review, membership: ReviewMembership, report_id: int) -> Report:
    """A report of this review that the member may see; anything else is a 404."""
    report = get_object_or_404(Report.objects.select_related("requested_by"), review=review, pk=report_id)
    if not permissions.can_see_report(membership, report):
        raise Http404("No such report.")
    return report


def back_to(request: HttpRequest, review: Review, report: Report) -> HttpResponse:
    """Forms on a report's own page come back to it; those on the list go back to the list."""
    if request.POST.get("return_to") == "report":
        return redirect("reviews:report_detail", review.pk, report.pk)
    return redirect("reviews:reports", review.pk)


def report_to_change(request: HttpRequest, review_id: int, report_id: int, allowed) -> tuple:
    """The review, the member and the report of this review that the member's role lets them act on (403, 404)."""
    review, membership = load_review(request, review_id)
    permissions.require(allowed(membership))
    return review, membership, get_object_or_404(Report, review=review, pk=report_id)


def describe(report: Report) -> str:
    return f"{report.get_kind_display()} version {report.version}"


@require_GET
def report_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    review.reports.fail_stale()  # shown as failed, with the reason and a way to try again, never stuck
    # Newest first by when each report was first asked for: a version tried again keeps its place below later ones.
    reports = visible_reports(review, membership).select_related("requested_by").order_by("-pk")
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "page": page,
        "pending": any(report.is_active for report in page),
        "can_request": permissions.can_request_reports(membership),
        "can_share": permissions.can_share_reports(membership),
        "can_export": permissions.can_export_review(membership),
        "kinds": services.REQUESTABLE_REPORT_KINDS,
    }
    return render(request, "reviews/report_list.html", context)


@require_GET
def report_detail(request: HttpRequest, review_id: int, report_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    review.reports.fail_stale()
    report = load_report(review, membership, report_id)
    versions = list(
        visible_reports(review, membership)
        .filter(kind=report.kind)
        .exclude(pk=report.pk)
        .select_related("requested_by")
        .order_by("-version")
    )
    context = {
        "review": review,
        "membership": membership,
        "report": report,
        "downloads": [(extension, FORMATS[extension][2]) for extension in report.formats()],
        "sharings": list(report.sharings.select_related("by")),
        "earlier": [other for other in versions if other.version < report.version],
        "newer": [other for other in versions if other.version > report.version],
        "can_request": permissions.can_request_reports(membership),
        "can_share": permissions.can_share_reports(membership),
    }
    return render(request, "reviews/report_detail.html", context)


@require_POST
def report_request(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_request_reports(membership))
    kind = request.POST.get("kind", "")
    if kind not in services.REQUESTABLE_REPORT_KINDS:
        messages.error(request, "Choose a kind of report that can be produced for this review.")
        return redirect("reviews:reports", review.pk)
    report, created = services.request_report(review=review, kind=kind, user=request.user)
    if created:
        messages.success(request, f"{describe(report)} requested.")
    else:
        messages.info(request, f"{describe(report)} is already being prepared; no second copy was started.")
    return redirect("reviews:reports", review.pk)


@require_POST
def report_retry(request: HttpRequest, review_id: int, report_id: int) -> HttpResponse:
    review, _, report = report_to_change(request, review_id, report_id, permissions.can_request_reports)
    retried, reason = services.retry_report(report=report, user=request.user)
    if retried:
        messages.success(request, f"{describe(report)} queued again.")
    else:
        messages.error(request, reason)
    return back_to(request, review, report)


@require_POST
def report_share(request: HttpRequest, review_id: int, report_id: int) -> HttpResponse:
    review, membership, report = report_to_change(request, review_id, report_id, permissions.can_share_reports)
    if report.status != Report.Status.DONE:
        messages.error(request, "Only a finished report can be shared with the council.")
    elif request.POST.get("confirm") != "yes" and not report.shared_with_host:
        # A report holds what the peer team had recorded when it was made, drafts included: the lead is told so,
        # and what is not yet published now, before the council can download it.
        context = {
            "review": review,
            "membership": membership,
            "report": report,
            "return_to": request.POST.get("return_to", ""),
            "unpublished": review.findings.exclude(status=Finding.Status.PUBLISHED).count(),
        }
        return render(request, "reviews/report_share.html", context)
    elif services.share_report(report, request.user):
        messages.success(request, f"{describe(report)} shared with the council. Its people have been told.")
    else:
        messages.success(request, f"{describe(report)} is already shared with the council.")
    return back_to(request, review, report)


@require_POST
def report_withdraw(request: HttpRequest, review_id: int, report_id: int) -> HttpResponse:
    """Take a shared report back from the council's side: shared by mistake, or overtaken by a later version."""
    review, _, report = report_to_change(request, review_id, report_id, permissions.can_share_reports)
    if services.withdraw_report(report, request.user):
        messages.success(
            request,
            f"{describe(report)} withdrawn from the council: its people can no longer see or download it. "
            "Copies already downloaded stay with whoever downloaded them.",
        )
    else:
        messages.error(request, f"{describe(report)} is not shared with the council, so there is nothing to withdraw.")
    return back_to(request, review, report)


@require_GET
def report_download(request: HttpRequest, review_id: int, report_id: int, file_format: str = "pdf") -> HttpResponse:
    review, membership = load_review(request, review_id)
    report = load_report(review, membership, report_id)
    if file_format not in FORMATS or report.status != Report.Status.DONE:
        raise Http404("No such report.")
    field_name, content_type, _ = FORMATS[file_format]
    stored = getattr(report, field_name)
    if not stored:
        raise Http404(f"This report has no {file_format} copy.")
    access.describe(request, str(report))
    return storage.download(request, stored, filename=report.filename(file_format), content_type=content_type)
