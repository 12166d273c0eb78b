from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, derived, exports, permissions, signals_status
from reviews.forms import posting_to
from reviews.models import AccessLog, Finding, FindingEvidence
from reviews.views import load_review

from . import notices, services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AgreeForm,
    CheckpointForm,
    HostActionForm,
    MergeForm,
    PriorityForm,
)
from .models import Action, Letter, Priority


@require_GET
def index(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    findings = Finding.objects.visible_to_membership(membership)
    context = {
        "review": review,
        "membership": membership,
        "finding_counts": {
            row["status"]: row["n"] for row in findings.order_by().values("status").annotate(n=Count("id"))
        },
        "rounds": review.rounds.with_ballot_count().order_by("-number")[:5],
        "letter": Letter.objects.filter(review=review).first(),
        "priority_count": review.priorities.count(),
        "action_count": Action.objects.for_review(review).count(),
    }
    return render(request, "conference/index.html", context)


# Consolidation


def _findings_with_evidence(queryset):
    return queryset.select_related("theme").prefetch_related(
        Prefetch("evidence", queryset=FindingEvidence.objects.select_related("content_type"))
    )


@require_GET
def consolidation(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_peer_material(membership))
    return _consolidation_page(request, review, membership)


def _consolidation_page(request, review, membership, agree_form=None, status: int = 200) -> HttpResponse:
    """The findings to consolidate; with a refused agreement, its errors and the findings that were ticked."""
    minimum = services.settings_for(review).minimum_sources
    can_consolidate = permissions.can_consolidate_findings(membership)
    if agree_form is None:
        # Nothing ticked and no errors: the tables are the same for everyone who may consolidate (and for everyone
        # who may only read them) until the review changes, so they are kept whole (reviews/derived.py).
        agree_form = AgreeForm(review=review)
        groups_html, single_source, _ = derived.cached(
            f"consolidation-1-{int(can_consolidate)}",
            [review.pk],
            lambda: _finding_groups(review, minimum, can_consolidate, ticked=set()),
        )
    else:
        ticked = {str(pk) for pk in agree_form["findings"].value() or []}
        groups_html, single_source, first = _finding_groups(review, minimum, can_consolidate, ticked)
        agree_form.error_targets = {"findings": f"agree-{first}"} if first else {}
    context = {
        "review": review,
        "membership": membership,
        "groups_html": groups_html,
        "agree_form": agree_form,
        "single_source": single_source,
        "minimum": minimum,
        "can_consolidate": can_consolidate,
        "merge_form": posting_to(MergeForm(review=review), "conference:merge", review.pk),
    }
    return render(request, "conference/consolidation.html", context, status=status)


def _finding_groups(review, minimum: int, can_consolidate: bool, ticked: set[str]) -> tuple[str, int, int | None]:
    """The findings' tables by theme (HTML, with no form token), how many rest on too few sources, and the first
    draft finding (where an error about the choice points)."""
    findings = list(_findings_with_evidence(review.findings.order_by("theme__order", "kind", "pk")))
    for finding in findings:
        finding.stage_titles = services.stages_behind(finding)
        finding.strength = signals_status.evidence_strength(finding.evidence_sources(), minimum)
        finding.single_source = finding.strength != signals_status.EVIDENCE_TRIANGULATED
        finding.ticked = str(finding.pk) in ticked
    groups = services.findings_by_theme(review, findings)
    first = next(
        (f.pk for group in groups for f in [*group["strengths"], *group["areas"]] if f.status == Finding.Status.DRAFT),
        None,
    )
    context = {"review": review, "groups": groups, "can_consolidate": can_consolidate}
    html = render_to_string("conference/_finding_groups.html", context)
    return html, sum(1 for f in findings if f.single_source), first


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_consolidate_findings(membership))
    form = MergeForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            kept = services.merge_findings(
                keep=form.cleaned_data["keep"], duplicate=form.cleaned_data["duplicate"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Merged into “{kept.summary}”; the evidence of both findings is kept.")
            return redirect("conference:consolidation", review.pk)
    posting_to(form, "conference:merge", review.pk)
    return render(request, "conference/merge.html", {"review": review, "membership": membership, "form": form})


@require_POST
def agree(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_consolidate_findings(membership))
    form = AgreeForm(request.POST, review=review)
    if form.is_valid():
        count = services.agree_findings(review=review, ids=[f.pk for f in form.cleaned_data["findings"]])
        messages.success(request, f"{count} finding{'s' if count != 1 else ''} agreed.")
        return redirect("conference:consolidation", review.pk)
    return _consolidation_page(request, review, membership, agree_form=form, status=400)


@require_GET
def presentation(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    findings = (
        Finding.objects.visible_to_membership(membership)
        .filter(status__in=[Finding.Status.AGREED, Finding.Status.PUBLISHED])
        .select_related("theme")
        .order_by("theme__order", "pk")
    )
    groups = [g for g in services.findings_by_theme(review, findings) if g["strengths"] or g["areas"]]
    return render(
        request, "conference/presentation.html", {"review": review, "membership": membership, "groups": groups}
    )


# The improvement plan


@require_GET
def plan(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    rows = services.plan_rows(review)
    context = {
        "review": review,
        "membership": membership,
        "rows": rows,
        "overdue": sum(1 for row in rows for action in row["actions"] if action.overdue),
        "can_edit": permissions.can_edit_plan(membership),
        "checkpoints": services.checkpoint_rows(review),
        "checkpoint_list": review.checkpoints.order_by("months"),
    }
    return render(request, "conference/plan.html", context)


@require_GET
def plan_xlsx(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    access.describe(request, "Improvement plan", AccessLog.Action.EXPORT)
    response = HttpResponse(services.plan_xlsx(review), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="improvement-plan-review-{review.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def priority_create(request: HttpRequest, review_id: int) -> HttpResponse:
    return _priority_form(request, review_id, None)


@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, review_id: int, priority_id: int) -> HttpResponse:
    return _priority_form(request, review_id, priority_id)


def _priority_form(request, review_id, priority_id) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_plan(membership))
    priority = (
        get_object_or_404(Priority, review=review, pk=priority_id)
        if priority_id
        else Priority(review=review, order=review.priorities.count() + 1)
    )
    if request.method == "POST":
        with transaction.atomic():
            services.lock_priorities(review.pk)  # first, as every change to the numbers does
            if priority.pk:  # locked, so the version check and the save see the same row
                priority = Priority.objects.select_for_update().get(pk=priority.pk)
            form = PriorityForm(request.POST, instance=priority)
            if form.is_valid():
                saved = form.save_next_version() if priority.pk else form.save()
                services.place_priority(priority=saved, number=form.cleaned_data["order"])
                messages.success(request, "The priority has been saved.")
                return redirect("conference:plan", review.pk)
    else:
        form = PriorityForm(instance=priority)
    context = {"review": review, "membership": membership, "form": form, "priority": priority}
    return render(request, "conference/priority_form.html", context)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, review_id: int, priority_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_plan(membership))
    priority = get_object_or_404(Priority, review=review, pk=priority_id)
    form = ActionForm(
        request.POST if request.method == "POST" else None, instance=Action(priority=priority), review=review
    )
    if request.method == "POST" and form.is_valid():
        notices.action_assigned(form.save(), by=request.user)
        messages.success(request, "The action has been added to the plan.")
        return redirect("conference:plan", review.pk)
    context = {"review": review, "membership": membership, "form": form, "priority": priority}
    return render(request, "conference/action_form.html", context)


@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, review_id: int, action_id: int) -> HttpResponse:
    """The action, its dated updates and its form: the full form for plan editors, progress only for its owner."""
    review, membership = load_review(request, review_id)
    action = get_object_or_404(
        Action.objects.select_related("priority", "owner"), priority__review=review, pk=action_id
    )
    owner_before = action.owner_id  # the form below sets the one posted on `action`
    may_update = permissions.can_update_action(membership, action)
    if request.method == "POST":
        permissions.require(may_update)
    form_class = ActionForm if permissions.can_edit_plan(membership) else HostActionForm
    form = (
        form_class(request.POST if request.method == "POST" else None, instance=action, review=review)
        if may_update
        else None
    )
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            saved = services.save_action(
                action=action, data=data, version=form.cleaned_data["version"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notices.action_assigned(saved, by=request.user, before=owner_before)
            messages.success(request, "The action has been saved.")
            return redirect("conference:action_detail", review.pk, action.pk)
    return _action_page(request, review, membership, action, form, status=200)


def _action_page(request, review, membership, action, form, update_form=None, status: int = 200) -> HttpResponse:
    """The action's page; with a refused progress update, its errors and what was typed."""
    may_update = permissions.can_update_action(membership, action)
    if form is not None:
        posting_to(form, "conference:action_detail", review.pk, action.pk)
    if may_update:
        update_form = posting_to(update_form or ActionUpdateForm(), "conference:action_update", review.pk, action.pk)
    context = {
        "review": review,
        "membership": membership,
        "action": action,
        "overdue": action.is_overdue(),
        "form": form,
        "update_form": update_form,
        "updates": action.updates.select_related("by").order_by("-on", "-pk"),
    }
    return render(request, "conference/action_detail.html", context, status=status)


@require_POST
def action_update(request: HttpRequest, review_id: int, action_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    action = get_object_or_404(Action, priority__review=review, pk=action_id)
    permissions.require(permissions.can_update_action(membership, action))
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        update = form.save(commit=False)
        update.action = action
        update.by = request.user
        update.save()
        messages.success(request, "The progress update has been added.")
        return redirect("conference:action_detail", review.pk, action.pk)
    # Only the refused update is shown as a form: the action's own form stays on its page, opened afresh.
    return _action_page(request, review, membership, action, None, update_form=form, status=400)


@require_http_methods(["GET", "POST"])
def checkpoint_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_checkpoints(membership))
    form = CheckpointForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_checkpoint(review=review, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("months", error)
        else:
            messages.success(request, "The check has been recorded against the baseline.")
            return redirect("conference:plan", review.pk)
    posting_to(form, "conference:checkpoint_create", review.pk)
    return render(
        request, "conference/checkpoint_form.html", {"review": review, "membership": membership, "form": form}
    )
