from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import permissions
from reviews import services as review_services
from reviews.forms import posting_to
from reviews.models import EvidenceDocument, Finding
from reviews.params import choice_param
from reviews.views import load_review

from . import export, notices, services
from .forms import (
    AttachForm,
    DecisionForm,
    EntryFindingForm,
    EntryForm,
    PeerAnalysisForm,
    RequestDecisionForm,
    RequestForm,
    SetUpForm,
    StartRequestsForm,
)
from .models import DocumentRequest, Entry, PeerAnalysis, Submission


def _visible_analysis(membership, entry: Entry) -> PeerAnalysis | None:
    """The peers' analysis of an entry, if this member may see it (the two-sides rule)."""
    analysis = getattr(entry, "peer_analysis", None)
    if analysis is None:
        return None
    if permissions.can_see_peer_material(membership) or analysis.is_published:
        return analysis
    return None


@require_GET
def index(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    entries = list(services.entries_for(review))
    counts = services.entry_counts(review)
    context = {
        "review": review,
        "membership": membership,
        "entries": entries,
        "counts": counts,
        "submission": Submission.objects.filter(review=review).select_related("submitted_by").first(),
        "set_up_form": posting_to(SetUpForm(), "selfassessment:set_up", review.pk),
    }
    return render(request, "selfassessment/index.html", context)


@require_POST
def set_up(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_set_up_self_assessment(membership))
    form = SetUpForm(request.POST)
    form.is_valid()
    created = services.set_up_entries(review=review, include_themes=form.cleaned_data.get("include_themes", False))
    messages.success(request, f"{created} entr{'y' if created == 1 else 'ies'} added to the self assessment.")
    return redirect("selfassessment:index", review.pk)


@require_GET
def export_document(request: HttpRequest, review_id: int, file_format: str) -> HttpResponse:
    """The council's self assessment as a PDF or Word document for its sign-off; made on request, not stored."""
    review, membership = load_review(request, review_id)
    if file_format not in export.FORMATS:
        raise Http404("No such format.")
    content = review_services.build_file(export.BUILDER, export.BUILDER.make_context(review), file_format)
    response = HttpResponse(content, content_type=export.FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{export.filename(review, file_format)}"'
    return response


@require_POST
def submit_all(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_submit_self_assessment(membership))
    try:
        services.submit_self_assessment(review=review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The self assessment has been submitted to the peer team.")
    return redirect("selfassessment:index", review.pk)


@require_GET
def entry_detail(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    return _entry_page(request, review, membership, entry_id)


def _entry_page(request, review, membership, entry_id: int, decision_form=None, status: int = 200) -> HttpResponse:
    """The entry's page; with a refused decision, the form again with its errors and what was chosen."""
    entry = get_object_or_404(
        Entry.objects.select_related(
            "scope_area",
            "theme",
            "grade",
            "submitted_by",
            "decided_by",
            "peer_analysis__grade",
            "peer_analysis__updated_by",
        ).prefetch_related(Prefetch("documents", queryset=EvidenceDocument.objects.order_by("title"))),
        review=review,
        pk=entry_id,
    )
    analysis = _visible_analysis(membership, entry)
    context = {
        "review": review,
        "membership": membership,
        "entry": entry,
        "analysis": analysis,
        "decision_form": posting_to(
            decision_form or DecisionForm(), "selfassessment:entry_decide", review.pk, entry.pk
        ),
        "findings": entry_findings(review, membership, entry),
    }
    return render(request, "selfassessment/entry_detail.html", context, status=status)


def entry_findings(review, membership, entry: Entry):
    return (
        Finding.objects.visible_to_membership(membership)
        .filter(evidence__content_type=ContentType.objects.get_for_model(Entry), evidence__object_id=entry.pk)
        .select_related("theme")
        .order_by("kind", "pk")
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_write_self_assessment(membership))
    entry = get_object_or_404(Entry.objects.select_related("scope_area", "theme"), review=review, pk=entry_id)
    if not entry.is_editable_by_council:
        messages.error(request, f"This entry is {entry.get_status_display().lower()}; it cannot be changed now.")
        return redirect(entry)
    form = EntryForm(instance=entry, review=review)
    current = None
    if request.method == "POST":
        with transaction.atomic():
            locked = (
                Entry.objects.select_for_update(of=("self",)).select_related("scope_area", "theme").get(pk=entry.pk)
            )
            form = EntryForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = locked.version + 1
                saved.updated_by = request.user
                saved.save()
                form.save_m2m()
                messages.success(request, "Entry saved.")
                return redirect(saved)
            if form.is_stale:
                current = Entry.objects.select_related("grade").get(pk=entry.pk)
    context = {"review": review, "membership": membership, "entry": entry, "form": form, "current": current}
    if current is not None:
        context["current_fields"] = [
            ("What we know", current.what_we_know),
            ("How we know it", current.how_we_know),
            ("What we will do next", current.what_next),
            ("Council's grade", current.grade.label if current.grade else ""),
        ]
    return render(request, "selfassessment/entry_form.html", context)


@require_POST
def entry_submit(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_write_self_assessment(membership))
    get_object_or_404(Entry, review=review, pk=entry_id)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry_id)
        try:
            entry.submit(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{entry.subject_title}” submitted to the peer team.")
    return redirect("selfassessment:entry_detail", review.pk, entry_id)


@require_POST
def entry_decide(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    get_object_or_404(Entry, review=review, pk=entry_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, review, membership, entry_id, decision_form=form, status=400)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry_id)
        try:
            if form.cleaned_data["decision"] == "accept":
                entry.accept(user=request.user)
                messages.success(request, "Entry accepted.")
            else:
                entry.request_changes(user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "Changes asked for; the council has been shown your reason.")
            notices.entry_decided(entry)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _entry_page(request, review, membership, entry_id, decision_form=form, status=400)
    return redirect("selfassessment:entry_detail", review.pk, entry_id)


@require_http_methods(["GET", "POST"])
def analysis_edit(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_analyse_self_assessment(membership))
    entry = get_object_or_404(Entry.objects.select_related("scope_area", "theme", "grade"), review=review, pk=entry_id)
    analysis = PeerAnalysis.objects.filter(entry=entry).first() or PeerAnalysis(entry=entry)
    form = PeerAnalysisForm(instance=analysis, review=review)
    current = None
    if request.method == "POST":
        with transaction.atomic():
            # The entry's row serialises saves, so two first saves at once cannot both create the analysis.
            Entry.objects.select_for_update().filter(pk=entry.pk).first()
            locked = PeerAnalysis.objects.select_for_update().filter(entry=entry).first() or PeerAnalysis(entry=entry)
            form = PeerAnalysisForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = (locked.version + 1) if locked.pk else 1
                saved.updated_by = request.user
                saved.save()
                messages.success(
                    request, "The peer team's analysis is saved. The council cannot see it until published."
                )
                return redirect(entry)
            if form.is_stale:
                current = PeerAnalysis.objects.select_related("grade").get(pk=locked.pk)
    context = {"review": review, "membership": membership, "entry": entry, "form": form, "current": current}
    if current is not None:
        context["current_fields"] = [
            ("Commentary", current.commentary),
            ("Peer team's grade", current.grade.label if current.grade else ""),
        ]
    return render(request, "selfassessment/analysis_form.html", context)


@require_POST
def analysis_publish(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    entry = get_object_or_404(Entry, review=review, pk=entry_id)
    updated = PeerAnalysis.objects.filter(entry=entry, published_at__isnull=True).update(published_at=timezone.now())
    if updated:
        messages.success(request, "The peer team's analysis of this entry is now visible to the council.")
    else:
        messages.error(request, "There is no unpublished analysis of this entry to publish.")
    return redirect(entry)


@require_http_methods(["GET", "POST"])
def entry_finding(request: HttpRequest, review_id: int, entry_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_findings(membership))
    entry = get_object_or_404(Entry.objects.select_related("scope_area", "theme"), review=review, pk=entry_id)
    initial = {"stage": services.STAGE, "scope_area": entry.scope_area_id, "theme": entry.theme_id}
    form = EntryFindingForm(
        request.POST if request.method == "POST" else None, initial=initial, review=review, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        finding = services.raise_finding(
            entry=entry,
            finding=form.save(commit=False),
            documents=form.cleaned_data["documents"],
            user=request.user,
            focus_areas=form.cleaned_data["focus_areas"],
        )
        messages.success(request, f"Finding “{finding.summary}” raised from this entry.")
        return redirect(finding)
    context = {"review": review, "membership": membership, "entry": entry, "form": form}
    return render(request, "selfassessment/entry_finding.html", context)


@require_GET
def comparison(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    rows = services.grade_rows(review, show_unpublished=permissions.can_see_peer_material(membership))
    context = {"review": review, "membership": membership, "rows": rows}
    return render(request, "selfassessment/comparison.html", context)


# Document requests


@require_GET
def request_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    requests = (
        review.document_requests.select_related("assignee")
        .annotate(document_count=Count("documents"))
        .order_by("due_date", "title")
    )
    status = choice_param(request, "status", DocumentRequest.Status.values)
    if status:
        requests = requests.filter(status=status)
    overdue = choice_param(request, "overdue", ["1"])
    if overdue:
        requests = requests.overdue()
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    query = urlencode({name: value for name, value in [("status", status), ("overdue", overdue)] if value})
    context = {
        "review": review,
        "membership": membership,
        "page": page,
        "query": query,
        "status": status,
        "statuses": DocumentRequest.Status.choices,
        "today": timezone.localdate(),
        "overdue_count": DocumentRequest.objects.filter(review=review).overdue().count(),
        "start_form": StartRequestsForm(),
        "has_template": review.framework.document_request_templates.exists(),
    }
    return render(request, "selfassessment/request_list.html", context)


@require_http_methods(["GET", "POST"])
def request_start(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    form = StartRequestsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = services.send_standard_requests(
            review=review, user=request.user, due_date=form.cleaned_data["due_date"]
        )
        messages.success(request, f"{created} standard request{'s' if created != 1 else ''} sent to the council.")
        return redirect("selfassessment:requests", review.pk)
    return render(
        request, "selfassessment/request_start.html", {"review": review, "membership": membership, "form": form}
    )


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    form = RequestForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.requested_by = request.user
        item.save()
        notices.request_assigned(item, by=request.user)
        messages.success(request, f"Request “{item.title}” sent to the council.")
        return redirect("selfassessment:requests", review.pk)
    context = {"review": review, "membership": membership, "form": form, "item": None}
    return render(request, "selfassessment/request_form.html", context)


@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, review_id: int, request_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    item = get_object_or_404(DocumentRequest, review=review, pk=request_id)
    form = RequestForm(instance=item, review=review)
    if request.method == "POST":
        with transaction.atomic():
            locked = DocumentRequest.objects.select_for_update().get(pk=item.pk)
            assigned_before = locked.assignee_id
            form = RequestForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = locked.version + 1
                saved.save()
                if saved.assignee_id != assigned_before:
                    notices.request_assigned(saved, by=request.user)
                messages.success(request, f"Request “{saved.title}” saved.")
                return redirect(saved)
    context = {"review": review, "membership": membership, "form": form, "item": item}
    return render(request, "selfassessment/request_form.html", context)


@require_GET
def request_detail(request: HttpRequest, review_id: int, request_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    return _request_page(request, review, membership, request_id)


def _request_page(
    request, review, membership, request_id: int, attach_form=None, decision_form=None, status: int = 200
) -> HttpResponse:
    """The request's page; with a refused form, that form again with its errors and what was chosen."""
    item = get_object_or_404(
        DocumentRequest.objects.select_related("assignee", "decided_by", "requested_by").prefetch_related(
            Prefetch("documents", queryset=EvidenceDocument.objects.order_by("title"))
        ),
        review=review,
        pk=request_id,
    )
    context = {
        "review": review,
        "membership": membership,
        "item": item,
        "overdue": item.is_overdue(),
        "attach_form": posting_to(
            attach_form or AttachForm(review=review), "selfassessment:request_attach", review.pk, item.pk
        ),
        "decision_form": posting_to(
            decision_form or RequestDecisionForm(), "selfassessment:request_decide", review.pk, item.pk
        ),
    }
    return render(request, "selfassessment/request_detail.html", context, status=status)


@require_POST
def request_attach(request: HttpRequest, review_id: int, request_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_write_self_assessment(membership))
    get_object_or_404(DocumentRequest, review=review, pk=request_id)
    form = AttachForm(request.POST, request.FILES, review=review)
    if not form.is_valid():
        return _request_page(request, review, membership, request_id, attach_form=form, status=400)
    try:
        services.answer_request(
            request_id=request_id,
            user=request.user,
            documents=list(form.cleaned_data["documents"]),
            uploaded_file=form.cleaned_data.get("file"),
        )
    except ValidationError as error:
        on_file = form.cleaned_data.get("file") and not hasattr(error, "error_dict")
        form.add_error("file" if on_file else None, error)
        return _request_page(request, review, membership, request_id, attach_form=form, status=400)
    messages.success(request, "The documents have been sent to the peer team.")
    return redirect("selfassessment:request_detail", review.pk, request_id)


@require_POST
def request_decide(request: HttpRequest, review_id: int, request_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    get_object_or_404(DocumentRequest, review=review, pk=request_id)
    form = RequestDecisionForm(request.POST)
    if not form.is_valid():
        return _request_page(request, review, membership, request_id, decision_form=form, status=400)
    with transaction.atomic():
        item = DocumentRequest.objects.select_for_update().get(pk=request_id)
        try:
            if form.cleaned_data["decision"] == "accept":
                item.accept(user=request.user)
                messages.success(request, f"“{item.title}” accepted.")
            else:
                item.send_back(user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, f"“{item.title}” returned to the council with your reason.")
            notices.request_decided(item)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _request_page(request, review, membership, request_id, decision_form=form, status=400)
    return redirect("selfassessment:request_detail", review.pk, request_id)
