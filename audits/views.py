from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from reviews import access, permissions, tables
from reviews.forms import TableImportForm
from reviews.models import FindingEvidence, Role
from reviews.params import choice_param, text_param
from reviews.people import person_name
from reviews.views import load_review

from . import agreement, services, stage
from .forms import (
    AssignForm,
    CouncilAuditForm,
    DrawForm,
    ModerationForm,
    ModeratorForm,
    RaiseFindingForm,
    RegradeForm,
)
from .models import AuditTool, CouncilAudit, Validation


def _blind_audit_ids(review, user) -> set[int]:
    """The council audits this user is to regrade and has not yet submitted: their grades stay hidden."""
    return set(
        Validation.objects.filter(review=review, auditor=user, status=Validation.Status.ASSIGNED).values_list(
            "audit_id", flat=True
        )
    )


# The index's filter for the cases still to moderate, beside the statuses themselves.
TO_MODERATE = "to_moderate"


def _tool(review):
    tool = services.review_tool(review)
    if tool is None:
        raise Http404("No audit tool is configured for this review's grade scale.")
    return tool


def _validation(review, membership, validation_id: int) -> Validation:
    validation = get_object_or_404(
        Validation.objects.select_related("audit__case__threshold_level", "auditor", "moderator"),
        review=review,
        pk=validation_id,
    )
    permissions.require(permissions.can_see_validation(membership, validation))
    return validation


@require_GET
def index(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    validations = (
        Validation.objects.filter(review=review)
        .with_to_moderate()
        .select_related("audit__case", "auditor", "moderator")
        .order_by("audit__case__reference")
    )
    if membership.role == Role.CASE_AUDITOR:
        validations = validations.filter(auditor=request.user)
    elif not permissions.is_peer_side(membership):
        validations = validations.none()
    status = choice_param(request, "status", [*Validation.Status.values, TO_MODERATE])
    # Each filter matches the tag the list shows: a regraded case whose grades differ is "To moderate", not "Regraded".
    if status == TO_MODERATE:
        validations = validations.to_moderate()
    elif status == Validation.Status.REGRADED:
        validations = validations.filter(status=status).exclude(to_moderate=True)
    elif status:
        validations = validations.filter(status=status)
    page = Paginator(validations, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "progress": stage.progress(review),
        "page": page,
        "status": status,
        "statuses": [
            (Validation.Status.ASSIGNED, "Assigned"),
            (Validation.Status.REGRADED, "Regraded: grades agree with the council's"),
            (TO_MODERATE, "To moderate: grades differ from the council's"),
            (Validation.Status.MODERATED, "Moderated"),
        ],
        "query": f"status={status}" if status else "",
        "in_sample": page.paginator.count if not status else Validation.objects.filter(review=review).exists(),
        "can_see_audits": permissions.can_see_council_audits(membership),
        "can_enter": permissions.can_enter_council_audits(membership),
        "can_sample": permissions.can_manage_validation_sample(membership),
        "can_see_statistics": permissions.can_see_validation_statistics(membership),
        "is_peer_side": permissions.is_peer_side(membership),
    }
    return render(request, "audits/index.html", context)


@require_GET
def audit_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_council_audits(membership))
    audits = (
        CouncilAudit.objects.filter(review=review).select_related("case", "overall_grade").order_by("case__reference")
    )
    team = text_param(request, "team")
    if team:
        audits = audits.filter(auditor_team=team)
    page = Paginator(audits, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "page": page,
        "team": team,
        "query": f"team={team}" if team else "",
        "can_enter": permissions.can_enter_council_audits(membership),
        "tool": AuditTool.objects.for_review(review),
        "blind_ids": _blind_audit_ids(review, request.user),
    }
    return render(request, "audits/audit_list.html", context)


@require_GET
def audit_detail(request: HttpRequest, review_id: int, audit_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_council_audits(membership))
    audit = get_object_or_404(CouncilAudit.objects.select_related("case", "overall_grade"), review=review, pk=audit_id)
    permissions.require(
        permissions.can_see_council_grades_of(membership, audit, _blind_audit_ids(review, request.user))
    )
    grades = audit.grades.select_related("domain", "grade").order_by("domain__order")
    access.describe(request, str(audit))
    return render(
        request,
        "audits/audit_detail.html",
        {"review": review, "membership": membership, "audit": audit, "grades": grades},
    )


@require_http_methods(["GET", "POST"])
def audit_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_enter_council_audits(membership))
    tool = _tool(review)
    form = CouncilAuditForm(request.POST if request.method == "POST" else None, review=review, tool=tool)
    if request.method == "POST" and form.is_valid():
        audit = services.save_audit(
            review=review,
            tool=tool,
            case=form.cleaned_data["case"],
            auditor_role=form.cleaned_data["auditor_role"],
            auditor_team=form.cleaned_data["auditor_team"],
            audit_date=form.cleaned_data["audit_date"],
            domain_grades=form.domain_grades(),
            overall_grade=form.cleaned_data["overall_grade"],
            narrative=form.cleaned_data["narrative"],
            user=request.user,
        )
        messages.success(request, f"The council's audit of case {audit.case.reference} was saved.")
        return redirect("audits:audit_list", review.pk)
    return render(
        request,
        "audits/form.html",
        {"review": review, "membership": membership, "form": form, "title": "Add a council audit"},
    )


@require_http_methods(["GET", "POST"])
def audit_import(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_enter_council_audits(membership))
    tool = _tool(review)
    form = TableImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        submit="Import council audits",
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created, errors = services.import_audits(
                review=review, tool=tool, upload=form.cleaned_data["file"], user=request.user
            )
        except tables.TableError as error:
            form.add_error("file", str(error))
        else:
            if not errors:
                messages.success(request, f"{created} council audit{'s' if created != 1 else ''} imported.")
                return redirect("audits:audit_list", review.pk)
    context = {
        "review": review,
        "membership": membership,
        "form": form,
        "errors": errors,
        "title": "Import the council's audits",
        "max_rows": services.IMPORT_LIMITS.max_rows,
    }
    return render(request, "audits/import.html", context)


@require_GET
def audit_template(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    content, content_type, filename = services.template(_tool(review), request.GET.get("format", "csv"))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def sample(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_validation_sample(membership))
    assign_form = AssignForm(request.POST if "assign" in request.POST else None, review=review)
    draw_form = DrawForm(request.POST if "draw" in request.POST else None, review=review)
    if request.method == "POST":
        if "assign" in request.POST and assign_form.is_valid():
            validation = services.assign(
                review=review, audit=assign_form.cleaned_data["audit"], auditor=assign_form.cleaned_data["auditor"]
            )
            messages.success(
                request,
                f"Case {validation.audit.case.reference} assigned to {person_name(validation.auditor)}.",
            )
            return redirect("audits:sample", review.pk)
        if "draw" in request.POST and draw_form.is_valid():
            drawn = services.draw_sample(
                review=review,
                size=draw_form.cleaned_data["size"],
                seed=draw_form.cleaned_data["seed"],
                auditors=list(draw_form.cleaned_data["auditors"]),
            )
            messages.success(
                request,
                f"{len(drawn)} case{'s' if len(drawn) != 1 else ''} drawn with seed {draw_form.cleaned_data['seed']}.",
            )
            return redirect("audits:index", review.pk)
    assign_form.helper.form_tag = False
    draw_form.helper.form_tag = False
    context = {"review": review, "membership": membership, "assign_form": assign_form, "draw_form": draw_form}
    return render(request, "audits/sample.html", context)


@require_http_methods(["GET", "POST"])
def validation_detail(request: HttpRequest, review_id: int, validation_id: int) -> HttpResponse:
    """The blind regrading page: the case and its chronology, never the council's grades."""
    review, membership = load_review(request, review_id)
    validation = _validation(review, membership, validation_id)
    can_regrade = permissions.can_regrade(membership, validation) and not validation.is_submitted
    if request.method == "POST":
        permissions.require(permissions.can_regrade(membership, validation))
    tool = _tool(review)
    form = None
    if can_regrade or request.method == "POST":
        form = RegradeForm(
            request.POST if request.method == "POST" else None, tool=tool, initial={"version": validation.version}
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_regrade(
                validation=validation,
                domain_grades=form.domain_grades(),
                overall_grade=form.cleaned_data["overall_grade"],
                narrative=form.cleaned_data["narrative"],
                version=form.cleaned_data["version"],
            )
        except services.StaleEdit as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your grades were submitted. The comparison with the council's grades is open.")
            return redirect("audits:comparison", review.pk, validation.pk)
    case = validation.audit.case
    events = list(
        case.events.select_related("kind", "agency", "threshold_level", "disputed_by").order_by("date", "sequence")
    )
    access.describe(request, f"Case {case.reference}")
    context = {
        "review": review,
        "membership": membership,
        "validation": validation,
        "case": case,
        "events": events,
        "form": form,
    }
    return render(request, "audits/regrade.html", context)


@require_GET
def comparison(request: HttpRequest, review_id: int, validation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    validation = _validation(review, membership, validation_id)
    permissions.require(permissions.can_see_comparison(membership, validation))
    rows = services.comparison(validation)
    history = validation.history.select_related("history_user", "moderated_by").order_by("-history_date")[:20]
    context = {
        "review": review,
        "membership": membership,
        "validation": validation,
        "rows": rows,
        "history": history,
        # Grades both sides gave that differ; the tag follows the rule the list and the tasks use.
        "disagreements": sum(1 for row in rows if row["council"] and row["peer"] and not row["exact"]),
        "to_moderate": Validation.objects.filter(pk=validation.pk).to_moderate().exists(),
        "can_moderate": permissions.can_moderate(membership, validation),
        "can_raise": permissions.can_edit_findings(membership),
    }
    return render(request, "audits/comparison.html", context)


@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, review_id: int, validation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    validation = _validation(review, membership, validation_id)
    permissions.require(permissions.can_moderate(membership, validation) and validation.is_submitted)
    rows = services.comparison(validation)
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        validation=validation,
        rows=rows,
        tool=_tool(review),
        initial={"version": validation.version},
    )
    if request.method == "POST" and form.is_valid():
        agreed, overall = form.agreed()
        try:
            services.moderate(
                validation=validation,
                agreed=agreed,
                agreed_overall=overall or validation.overall_grade,
                rationale=form.cleaned_data["rationale"],
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except services.StaleEdit as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The moderation of case {validation.audit.case.reference} was saved.")
            return redirect("audits:comparison", review.pk, validation.pk)
    context = {
        "review": review,
        "membership": membership,
        "validation": validation,
        "form": form,
        "title": f"Moderate case {validation.audit.case.reference}",
    }
    return render(request, "audits/form.html", context)


@require_http_methods(["GET", "POST"])
def name_moderator(request: HttpRequest, review_id: int, validation_id: int) -> HttpResponse:
    """The lead names a moderator besides themselves for one case."""
    review, membership = load_review(request, review_id)
    validation = _validation(review, membership, validation_id)
    permissions.require(permissions.can_manage_validation_sample(membership) and membership.role == Role.LEAD)
    form = ModeratorForm(
        request.POST if request.method == "POST" else None,
        review=review,
        auditor=validation.auditor,
        initial={"moderator": validation.moderator_id},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = Validation.objects.select_for_update().get(pk=validation.pk)
            locked.moderator = form.cleaned_data["moderator"]
            locked.version += 1
            locked.save()
        messages.success(request, f"Moderator for case {validation.audit.case.reference} saved.")
        return redirect("audits:index", review.pk)
    title = f"Name a moderator for case {validation.audit.case.reference}"
    return render(
        request, "audits/form.html", {"review": review, "membership": membership, "form": form, "title": title}
    )


@require_GET
def statistics(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_validation_statistics(membership))
    stats = services.statistics(review)
    context = {
        "review": review,
        "membership": membership,
        "stats": stats,
        "chart": stage.agreement_chart(stats, "agreement-chart"),
        "can_raise": permissions.can_edit_findings(membership),
        "min_cases": agreement.MIN_CASES,
    }
    return render(request, "audits/statistics.html", context)


@require_GET
def cases_behind(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_validation_statistics(membership))
    key = text_param(request, "domain")
    outcome = choice_param(request, "outcome", services.OUTCOMES, default="all")
    team = text_param(request, "team")
    ids = services.validation_ids_behind(review, key=key, outcome=outcome, team=team)
    validations = (
        Validation.objects.filter(review=review, pk__in=ids)
        .select_related("audit__case", "auditor")
        .order_by("audit__case__reference")
    )
    page = Paginator(validations, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"review": review, "membership": membership, "page": page, "query": query.urlencode(), "outcome": outcome}
    return render(request, "audits/cases_behind.html", context)


@require_http_methods(["GET", "POST"])
def raise_finding(request: HttpRequest, review_id: int, validation_id: int | None = None) -> HttpResponse:
    """A finding from one case (its validation as evidence) or from the statistics (the review's regraded cases)."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_findings(membership))
    validation = _validation(review, membership, validation_id) if validation_id else None
    if validation is not None:
        permissions.require(validation.is_submitted)
    form = RaiseFindingForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            finding = form.save(commit=False)
            finding.raised_by = request.user
            finding.save()
            sources = (
                [validation]
                if validation
                else list(Validation.objects.filter(review=review, status__in=services.SUBMITTED))
            )
            content_type = ContentType.objects.get_for_model(Validation)
            FindingEvidence.objects.bulk_create(
                FindingEvidence(finding=finding, content_type=content_type, object_id=source.pk, added_by=request.user)
                for source in sources
            )
        messages.success(request, "The finding was raised with its evidence.")
        return redirect(finding)
    title = (
        f"Raise a finding from case {validation.audit.case.reference}"
        if validation
        else "Raise a finding from the agreement statistics"
    )
    return render(
        request, "audits/form.html", {"review": review, "membership": membership, "form": form, "title": title}
    )
