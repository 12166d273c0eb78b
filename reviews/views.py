from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import (
    access,
    comparison,
    derived,
    engagement,
    permissions,
    retention,
    services,
    signals_status,
    stages,
    storage,
    todo,
)
from .charts import findings_by_theme_chart
from .forms import (
    DocumentFilterForm,
    DocumentReplaceForm,
    DocumentUploadForm,
    FindingFilterForm,
    FindingForm,
    PreviousReviewForm,
)
from .models import (
    DocumentVersion,
    EvidenceDocument,
    Finding,
    FindingEvidence,
    Review,
    ReviewMembership,
)


def load_review(request: HttpRequest, review_id: int) -> tuple[Review, ReviewMembership]:
    """The one door to a review: a review the user is not a member of is a 404, never a 403.

    The membership middleware has already loaded the member's membership and review for this request's address;
    it is used as it is (the same rule, asked once)."""
    kept = getattr(request, "review_membership", None)
    if kept is not None and kept.review_id == int(review_id) and kept.user_id == request.user.pk:
        return kept.review, kept
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("council", "framework", "grade_scale"),
        pk=review_id,
    )
    membership = review.memberships.get(user=request.user)
    membership.review = review
    return review, membership


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("reviews:list")


def progress_table(reviews: list[Review]) -> dict[int, list[stages.Progress]]:
    """Every stage's progress for each review, in a fixed number of queries per stage."""
    by_stage = [stages.progress_for(stage, reviews) for stage in stages.all_stages()]
    return {review.pk: [progress[review.pk] for progress in by_stage] for review in reviews}


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    memberships = list(
        ReviewMembership.objects.filter(user=request.user)
        .select_related("review__council")
        .order_by("-review__onsite_start", "review__title")
    )
    reviews = [membership.review for membership in memberships]
    today = timezone.localdate()
    # Both worked out when one of these reviews' records changes (reviews/derived.py), not on every view: each
    # review's progress on its own, and this person's tasks across them (as of today).
    table = derived.cached_many(f"list-progress-{today.isoformat()}", reviews, progress_table)
    tasks = derived.cached(
        f"tasks-{request.user.pk}-{today.isoformat()}",
        [review.pk for review in reviews],
        lambda: todo.tasks_for(request.user, today=today),
    )
    rows = [
        {
            "review": membership.review,
            "membership": membership,
            "stages_done": sum(
                1 for item in table[membership.review_id] if item.signal == signals_status.STAGE_COMPLETED
            ),
            "stages_started": sum(
                1 for item in table[membership.review_id] if item.signal != signals_status.STAGE_NOT_STARTED
            ),
        }
        for membership in memberships
    ]
    context = {
        "rows": rows,
        "stage_count": len(stages.all_stages()),
        "tasks": tasks,
        "today": today,
    }
    return render(request, "reviews/review_list.html", context)


@require_GET
def review_overview(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    team = review.memberships.select_related("user").order_by("role", "user__last_name", "user__first_name")
    peer_team = [m for m in team if permissions.is_peer_side(m)]
    host_team = [m for m in team if permissions.is_host_side(m)]
    # Worked out when the review's records change (reviews/derived.py), not on every view; afresh each day, as what
    # is overdue moves on with the date.
    progress = derived.cached(
        f"progress-{timezone.localdate().isoformat()}",
        [review.pk],
        lambda: {stage.slug: stages.progress_of(stage, review) for stage in stages.all_stages()},
    )
    stage_rows = [
        {"stage": stage, "progress": progress.get(stage.slug) or stages.progress_of(stage, review)}
        for stage in stages.all_stages()
    ]
    findings = Finding.objects.visible_to_membership(membership)
    theme_rows = findings.counts_by_theme(review.framework)
    reports = [
        report
        for report in review.reports.order_by("-requested_at")[:5]
        if permissions.can_see_report(membership, report)
    ]
    context = {
        "review": review,
        "membership": membership,
        "peer_team": peer_team,
        "host_team": host_team,
        "stage_rows": stage_rows,
        "theme_rows": theme_rows,
        "chart": findings_by_theme_chart(theme_rows),
        "finding_total": findings.count(),
        "reports": reports,
        **derived.cached("engagement", [review.pk], lambda: engagement.overview_context(review)),
        "comparison": comparison.comparison_for_member(review, peer_side=permissions.is_peer_side(membership)),
        "kept_until": retention.kept_until(review),
        "purge": review.purges.order_by("-purged_at").first(),
    }
    return render(request, "reviews/review_overview.html", context)


@require_GET
def review_comparison(request: HttpRequest, review_id: int) -> HttpResponse:
    """The review beside its previous review: any member may see it, aggregate figures only."""
    review, membership = load_review(request, review_id)
    found = comparison.comparison_for_member(review, peer_side=permissions.is_peer_side(membership))
    if found is None:
        raise Http404("This review has no previous review to compare with.")
    return render(request, "reviews/comparison.html", {"review": review, "membership": membership, "comparison": found})


@require_http_methods(["GET", "POST"])
def previous_review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_choose_previous_review(membership))
    if request.method == "POST":
        with transaction.atomic():
            # Re-checked against the locked row, so two leads saving at once cannot make a cycle.
            locked = Review.objects.select_for_update().get(pk=review.pk)
            form = PreviousReviewForm(request.POST, instance=locked)
            if form.is_valid():
                saved = form.save_next_version()
                if saved.previous_review_id:
                    messages.success(request, f"This review is now compared with “{saved.previous_review}”.")
                else:
                    messages.success(request, "This review is no longer compared with an earlier review.")
                return redirect("reviews:overview", review.pk)
    else:
        form = PreviousReviewForm(None, instance=review)
    return render(
        request, "reviews/previous_review_form.html", {"review": review, "membership": membership, "form": form}
    )


@require_GET
def stage_placeholder(request: HttpRequest, review_id: int, slug: str) -> HttpResponse:
    review, membership = load_review(request, review_id)
    stage = stages.get(slug)
    if stage is None:
        raise Http404("No such stage.")
    context = {"review": review, "membership": membership, "stage": stage, "progress": stage.progress(review)}
    return render(request, "stages/placeholder.html", context)


# Findings


@require_GET
def finding_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    filters = FindingFilterForm(request.GET or None, review=review)
    findings = (
        Finding.objects.visible_to_membership(membership)
        .select_related("theme", "scope_area", "raised_by")
        .prefetch_related("focus_areas")
        .annotate(evidence_count=Count("evidence"))
        .order_by("theme__order", "kind", "-updated_at")
    )
    if filters.is_valid():
        findings = filters.apply(findings)
    page = Paginator(findings, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "filters": filters,
        "page": page,
        "query": filters.querystring(),
        "can_edit": permissions.can_edit_findings(membership),
    }
    return render(request, "reviews/finding_list.html", context)


@require_http_methods(["GET", "POST"])
def finding_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_findings(membership))
    form = FindingForm(request.POST if request.method == "POST" else None, review=review, membership=membership)
    if request.method == "POST" and form.is_valid():
        finding = form.save(commit=False)
        finding.review = review
        finding.raised_by = request.user
        finding.save()
        form.save_m2m()
        messages.success(request, f"Finding “{finding.summary}” added.")
        return redirect(finding)
    return render(request, "reviews/finding_form.html", {"review": review, "membership": membership, "form": form})


@require_GET
def finding_detail(request: HttpRequest, review_id: int, finding_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    finding = get_object_or_404(
        Finding.objects.visible_to_membership(membership)
        .select_related("theme", "scope_area", "raised_by")
        .prefetch_related(
            "focus_areas",
            Prefetch(
                "evidence",
                queryset=FindingEvidence.objects.select_related("content_type", "added_by"),
                to_attr="evidence_items",
            ),
        ),
        pk=finding_id,
    )
    evidence = services.describe_evidence(finding.evidence_items)
    strength = signals_status.evidence_strength(finding.evidence_sources(), stages.triangulation_minimum(review))
    history = finding.history.select_related("history_user").order_by("-history_date")[:20]
    context = {
        "review": review,
        "membership": membership,
        "finding": finding,
        "evidence": evidence,
        "strength": strength,
        "history": history if permissions.is_peer_side(membership) else [],
        "can_edit": permissions.can_edit_finding(membership, finding),
    }
    return render(request, "reviews/finding_detail.html", context)


@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, review_id: int, finding_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_findings(membership))
    finding = get_object_or_404(Finding, review=review, pk=finding_id)
    permissions.require(permissions.can_edit_finding(membership, finding))
    if request.method == "POST":
        with transaction.atomic():
            locked = Finding.objects.select_for_update().get(pk=finding.pk)
            permissions.require(permissions.can_edit_finding(membership, locked))
            form = FindingForm(request.POST, instance=locked, review=review, membership=membership)
            if form.is_valid():
                finding = form.save(commit=False)
                finding.version = locked.version + 1
                finding.save()
                form.save_m2m()
                messages.success(request, f"Finding “{finding.summary}” saved.")
                return redirect(finding)
    else:
        form = FindingForm(instance=finding, review=review, membership=membership)
    context = {"review": review, "membership": membership, "form": form, "finding": finding}
    return render(request, "reviews/finding_form.html", context)


# Reports (the list, each report and its files are in report_views)


# Evidence documents


@require_GET
def document_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_documents(membership))
    filters = DocumentFilterForm(request.GET or None, review=review)
    current_versions = DocumentVersion.objects.filter(number=F("document__version_count")).select_related("uploaded_by")
    documents = review.documents.prefetch_related(
        Prefetch("versions", queryset=current_versions, to_attr="current_versions")
    ).order_by("title", "pk")
    if filters.is_valid():
        documents = filters.apply(documents)
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "filters": filters,
        "page": page,
        "query": filters.querystring(),
        "can_upload": permissions.can_upload_documents(membership),
    }
    return render(request, "reviews/document_list.html", context)


@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_upload_documents(membership))
    form = DocumentUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        review=review,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.store_document(
                review=review,
                user=request.user,
                uploaded_file=data["file"],
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                themes=data["themes"],
                scope_areas=data["scope_areas"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Document “{document.title}” uploaded.")
            return redirect(document)
    return render(request, "reviews/document_form.html", {"review": review, "membership": membership, "form": form})


def _document_page(
    request: HttpRequest,
    review: Review,
    membership: ReviewMembership,
    document: EvidenceDocument,
    replace_form: DocumentReplaceForm,
) -> HttpResponse:
    versions = document.versions.select_related("uploaded_by").order_by("-number")
    context = {
        "review": review,
        "membership": membership,
        "document": document,
        "versions": versions,
        "themes": document.themes.order_by("order"),
        "scope_areas": document.scope_areas.order_by("order"),
        "replace_form": replace_form if permissions.can_upload_documents(membership) else None,
    }
    return render(request, "reviews/document_detail.html", context)


@require_GET
def document_detail(request: HttpRequest, review_id: int, document_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_documents(membership))
    document = get_object_or_404(EvidenceDocument.objects.select_related("created_by"), review=review, pk=document_id)
    form = DocumentReplaceForm(action=reverse("reviews:document_replace", args=[review.pk, document.pk]))
    return _document_page(request, review, membership, document, form)


@require_POST
def document_replace(request: HttpRequest, review_id: int, document_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_upload_documents(membership))
    document = get_object_or_404(EvidenceDocument.objects.select_related("created_by"), review=review, pk=document_id)
    form = DocumentReplaceForm(
        request.POST, request.FILES, action=reverse("reviews:document_replace", args=[review.pk, document.pk])
    )
    if form.is_valid():
        try:
            document = services.store_document(
                review=review,
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                title=document.title,
                document=document,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Version {document.version_count} of “{document.title}” uploaded.")
            return redirect(document)
    return _document_page(request, review, membership, document, form)


@require_GET
def document_download(request: HttpRequest, review_id: int, document_id: int, version_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_documents(membership))
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document"),
        document__review=review,
        document_id=document_id,
        pk=version_id,
    )
    access.describe(
        request,
        f"Document {version.document_id} “{version.document.title}”, version {version.number} (id {version.pk})",
    )
    return storage.download(request, version.file, filename=version.original_name, content_type=version.content_type)
