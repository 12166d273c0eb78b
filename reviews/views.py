from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
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
    CommitmentForm,
    DocumentFilterForm,
    DocumentReplaceForm,
    DocumentUploadForm,
    FindingFilterForm,
    FindingForm,
    PlanningMeetingForm,
    PlanningMemberForm,
    PreviousReviewForm,
)
from .models import (
    Commitment,
    DocumentVersion,
    EvidenceDocument,
    Finding,
    FindingEvidence,
    PlanningMeeting,
    PlanningMember,
    Review,
    ReviewMembership,
)
from .params import int_param
from .versioning import is_stale_post


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
    table = progress_table([membership.review for membership in memberships])
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
    today = timezone.localdate()
    context = {
        "rows": rows,
        "stage_count": len(stages.all_stages()),
        "tasks": todo.tasks_for(request.user, today=today),
        "today": today,
    }
    return render(request, "reviews/review_list.html", context)


@require_GET
def review_overview(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    team = review.memberships.select_related("user").order_by("role", "user__last_name", "user__first_name")
    peer_team = [m for m in team if permissions.is_peer_side(m)]
    host_team = [m for m in team if permissions.is_host_side(m)]
    # Worked out when the review's records change (reviews/derived.py), not on every view.
    progress = derived.cached(
        "progress",
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


# The planning group, its meetings and partners' commitments


def _planning_form_page(
    request: HttpRequest, review: Review, membership: ReviewMembership, form, *, title: str
) -> HttpResponse:
    context = {"review": review, "membership": membership, "form": form, "title": title}
    return render(request, "reviews/planning_form.html", context)


@require_GET
def planning(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_planning(membership))
    members = review.planning_members.select_related("partner").order_by("partner__name", "role", "pk")
    table = engagement.engagement_table(review)
    context = {
        "review": review,
        "membership": membership,
        "members": members,
        "meetings": review.planning_meetings.order_by("held_on"),
        "engagement": table,
        "rows_by_name": sorted(table.rows, key=lambda row: row.partner.name),
        "can_manage": permissions.can_manage_planning(membership),
    }
    return render(request, "reviews/planning.html", context)


@require_http_methods(["GET", "POST"])
def planning_member_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    form = PlanningMemberForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, f"{member.role} added to the planning group.")
        return redirect("reviews:planning", review.pk)
    return _planning_form_page(request, review, membership, form, title="Add a member of the planning group")


@require_http_methods(["GET", "POST"])
def planning_member_edit(request: HttpRequest, review_id: int, member_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    member = get_object_or_404(PlanningMember.objects.select_related("partner"), review=review, pk=member_id)
    title = f"Change {member} in the planning group"
    if request.method == "POST":
        with transaction.atomic():
            locked = PlanningMember.objects.select_for_update().get(pk=member.pk)
            form = PlanningMemberForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                member = form.save(commit=False)
                member.version = locked.version + 1
                member.save()
                messages.success(request, f"{member.role} saved.")
                return redirect("reviews:planning", review.pk)
    else:
        form = PlanningMemberForm(instance=member, review=review)
    return _planning_form_page(request, review, membership, form, title=title)


@require_http_methods(["GET", "POST"])
def planning_member_remove(request: HttpRequest, review_id: int, member_id: int) -> HttpResponse:
    """Ask before removing a member; the POST carries the version seen, so a stale removal is refused."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    member = get_object_or_404(PlanningMember.objects.select_related("partner"), review=review, pk=member_id)
    error = None
    if request.method == "POST":
        with transaction.atomic():
            locked = PlanningMember.objects.select_for_update().filter(pk=member.pk).first()
            if locked is not None and not is_stale_post(request, locked):
                locked.delete()
                messages.success(request, f"{member.role} removed from the planning group.")
                return redirect(reverse("reviews:planning", args=[review.pk]) + "#members")
        error = (
            "This member of the planning group was changed by someone else after you opened this page, so they have "
            "not been removed. Check their details below, then remove them again if you still mean to."
        )
        member = get_object_or_404(PlanningMember.objects.select_related("partner"), review=review, pk=member_id)
    context = {
        "review": review,
        "membership": membership,
        "title": f"Remove {member.role} from the planning group?",
        "rows": [
            ("Role", member.role),
            ("Agency", member.agency_name()),
            ("Name", member.name or "Not recorded"),
            ("Email", member.email or "Not recorded"),
        ],
        "hidden": {"version": member.version},
        "button": "Remove this member",
        "back": "#members",
        "error": error,
    }
    return render(request, "reviews/planning_remove.html", context)


@require_http_methods(["GET", "POST"])
def planning_meeting_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    form = PlanningMeetingForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, f"Meeting on {meeting.held_on:%d %B %Y} added.")
        return redirect("reviews:planning", review.pk)
    return _planning_form_page(request, review, membership, form, title="Add a planning group meeting")


@require_http_methods(["GET", "POST"])
def planning_meeting_edit(request: HttpRequest, review_id: int, meeting_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    meeting = get_object_or_404(PlanningMeeting, review=review, pk=meeting_id)
    title = f"Change the planning group meeting of {meeting.held_on:%-d %B %Y}"
    if request.method == "POST":
        with transaction.atomic():
            locked = PlanningMeeting.objects.select_for_update().get(pk=meeting.pk)
            form = PlanningMeetingForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                meeting = form.save(commit=False)
                meeting.version = locked.version + 1
                meeting.save()
                messages.success(request, f"Meeting on {meeting.held_on:%d %B %Y} saved.")
                return redirect(reverse("reviews:planning", args=[review.pk]) + "#meetings")
    else:
        form = PlanningMeetingForm(instance=meeting, review=review)
    return _planning_form_page(request, review, membership, form, title=title)


@require_http_methods(["GET", "POST"])
def planning_meeting_remove(request: HttpRequest, review_id: int, meeting_id: int) -> HttpResponse:
    """Ask before removing a meeting; the POST names the date seen, so only the meeting shown is removed."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    meeting = get_object_or_404(PlanningMeeting, review=review, pk=meeting_id)
    error = None
    if request.method == "POST":
        with transaction.atomic():
            locked = PlanningMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
            if locked is not None and request.POST.get("held_on", "").strip() == locked.held_on.isoformat():
                locked.delete()
                messages.success(request, f"Meeting on {meeting.held_on:%d %B %Y} removed.")
                return redirect(reverse("reviews:planning", args=[review.pk]) + "#meetings")
        error = (
            "The date sent does not match this meeting, so it has not been removed. Check the meeting below, "
            "then remove it again if you still mean to."
        )
        meeting = get_object_or_404(PlanningMeeting, review=review, pk=meeting_id)
    context = {
        "review": review,
        "membership": membership,
        "title": f"Remove the meeting on {meeting.held_on.day} {meeting.held_on:%B %Y}?",
        "rows": [
            ("Date", f"{meeting.held_on.day} {meeting.held_on:%B %Y}"),
            ("Agenda or note", meeting.note or "No agenda or note"),
        ],
        "hidden": {"held_on": meeting.held_on.isoformat()},
        "button": "Remove this meeting",
        "back": "#meetings",
        "error": error,
    }
    return render(request, "reviews/planning_remove.html", context)


@require_http_methods(["GET", "POST"])
def commitment_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    partner = int_param(request, "partner") if request.method == "GET" else None
    initial = {"partner": partner} if partner is not None else {}
    form = CommitmentForm(request.POST if request.method == "POST" else None, review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                commitment = form.save()
        except IntegrityError:
            form.add_error("partner", "This agency has just made a commitment: change that one instead.")
        else:
            messages.success(request, f"Commitment of {commitment.partner.name} saved.")
            return redirect("reviews:planning", review.pk)
    return _planning_form_page(request, review, membership, form, title="Record a partner's commitment")


@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, review_id: int, commitment_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_planning(membership))
    commitment = get_object_or_404(Commitment.objects.select_related("partner"), review=review, pk=commitment_id)
    if request.method == "POST":
        try:
            with transaction.atomic():
                locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
                form = CommitmentForm(request.POST, instance=locked, review=review)
                if form.is_valid():
                    commitment = form.save(commit=False)
                    commitment.version = locked.version + 1
                    commitment.save()
                    messages.success(request, f"Commitment of {commitment.partner.name} saved.")
                    return redirect("reviews:planning", review.pk)
        except IntegrityError:
            form.add_error("partner", "That agency has just made a commitment: change that one instead.")
    else:
        form = CommitmentForm(instance=commitment, review=review)
    title = f"Change the commitment of {commitment.partner.name}"
    return _planning_form_page(request, review, membership, form, title=title)
