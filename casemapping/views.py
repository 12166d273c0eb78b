from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, derived, permissions, tables
from reviews.forms import TableImportForm
from reviews.models import Case, FocusArea
from reviews.versioning import OPEN_AGAIN, SAVED, is_stale_post
from reviews.views import load_review

from . import services, stage
from .forms import (
    CaseEditForm,
    CaseFilterForm,
    CaseForm,
    EventFilterForm,
    EventForm,
    LearningPointForm,
    WorkshopAgencyForm,
    WorkshopForm,
    WorkshopInviteForm,
    WorkshopRecordForm,
)
from .models import Event, LearningPoint, Workshop, WorkshopAgency
from .timeline import missed_rows, timeline_svg
from .timescales import Outcome


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def index(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    filters = CaseFilterForm(request.GET or None, review=review)
    cases = (
        review.cases.select_related("threshold_level")
        .annotate(event_count=Count("events", distinct=True), workshop_count=Count("workshops", distinct=True))
        .order_by("reference")
    )
    if filters.is_valid():
        cases = filters.apply(cases)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "progress": stage.progress(review),
        "filters": filters,
        "page": page,
        "query": filters.querystring(),
        "can_edit": permissions.can_edit_case_sample(membership),
        "can_record": permissions.can_record_workshops(membership),
    }
    return render(request, "casemapping/index.html", context)


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_case_sample(membership))
    form = CaseForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        case = form.save()
        messages.success(request, f"Case {case.reference} added to the sample.")
        return redirect("casemapping:case_detail", review.pk, case.pk)
    return render(request, "casemapping/case_form.html", {"review": review, "membership": membership, "form": form})


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _record_case_view(request: HttpRequest, case: Case) -> None:
    access.describe(request, f"Case {case.reference}")


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_case_sample(membership))
    case = get_object_or_404(Case, review=review, pk=case_id)
    if request.method == "POST":
        with transaction.atomic():
            locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
            form = CaseEditForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        saved = form.save_next_version()
                except IntegrityError:
                    # Another case took the reference between the check and the save.
                    form.add_error(
                        "reference", f"A case “{locked.reference}” is already in the sample; use another reference."
                    )
                else:
                    messages.success(request, f"Case {saved.reference} saved.")
                    return redirect("casemapping:case_detail", review.pk, saved.pk)
    else:
        form = CaseEditForm(instance=case, review=review)
    _record_case_view(request, case)
    context = {"review": review, "membership": membership, "form": form, "case": case}
    return render(request, "casemapping/case_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def case_remove(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_case_sample(membership))
    case = get_object_or_404(Case, review=review, pk=case_id)
    error = ""
    if request.method == "POST":
        # The row lock also holds back a new event or audit of this case until the removal is done.
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
            recorded = case.work_recorded()
            if is_stale_post(request, case):
                error = f"Case {case.reference} was changed by someone else after you opened it, {SAVED} {OPEN_AGAIN}"
            elif recorded:
                error = (
                    f"Case {case.reference} cannot be removed: the review has recorded {_listed(recorded)} against it."
                )
            else:
                case.delete()
                messages.success(request, f"Case {case.reference} removed from the sample.")
                return redirect("casemapping:index", review.pk)
    else:
        recorded = case.work_recorded()
    _record_case_view(request, case)
    context = {"review": review, "membership": membership, "case": case, "recorded": recorded, "error": error}
    return render(request, "casemapping/case_remove.html", context, status=400 if request.method == "POST" else 200)


def _import_page(request, review, membership, *, form, errors, title, template_url, back_url, case=None):
    context = {
        "review": review,
        "membership": membership,
        "form": form,
        "errors": errors,
        "title": title,
        "template_url": template_url,
        "back_url": back_url,
        "case": case,
        "max_rows": services.IMPORT_LIMITS.max_rows,
    }
    return render(request, "casemapping/import.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_case_sample(membership))
    form = TableImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        submit="Import cases",
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created, errors = services.import_cases(review=review, upload=form.cleaned_data["file"])
        except tables.TableError as error:
            form.add_error("file", str(error))
        else:
            if not errors:
                messages.success(request, f"{created} case{'s' if created != 1 else ''} imported.")
                return redirect("casemapping:index", review.pk)
    return _import_page(
        request,
        review,
        membership,
        form=form,
        errors=errors,
        title="Import the case sample",
        template_url="casemapping:case_template",
        back_url=("casemapping:index", review.pk),
    )


@require_GET
def case_template(request: HttpRequest, review_id: int) -> HttpResponse:
    load_review(request, review_id)
    content, content_type, filename = services.case_template(request.GET.get("format", "csv"))
    return _download(content, content_type, filename)


def _case_summary(case: Case) -> list[tuple[str, str]]:
    status = case.get_legal_status_display()
    if case.cp_category:
        status += f" ({case.get_cp_category_display().lower()})"
    circumstances = [str(area) for area in case.specific_circumstances.order_by("order")]
    partners = [partner.name for partner in case.partners.order_by("name")]
    return [
        ("Age band", case.get_age_band_display()),
        ("Threshold level", case.threshold_level.label if case.threshold_level else "Not recorded"),
        ("Legal status", status),
        ("Disabled child", "Yes" if case.has_disability else "No"),
        ("Specific circumstances", ", ".join(circumstances) or "None recorded"),
        ("Partner agencies involved", ", ".join(partners) or "None recorded"),
    ]


@require_GET
def case_detail(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    case = get_object_or_404(Case.objects.select_related("threshold_level"), review=review, pk=case_id)
    case.review = review  # already read with its council: the timescales and the partners ask for it
    events = list(services.chronology(case))
    results = services.case_timeliness(case, events)
    checks = [check for result in results for check in result.checks]
    filters = EventFilterForm(request.GET or None, review=review)
    table = events  # the whole chronology, already read; a filter asks the database for its part of it
    if filters.is_valid() and any(filters.cleaned_data.values()):
        table = filters.apply(services.chronology(case))
    page = Paginator(table, 50).get_page(request.GET.get("page"))
    _record_case_view(request, case)
    context = {
        "review": review,
        "membership": membership,
        "case": case,
        "summary": _case_summary(case),
        "events": events,
        "results": [result for result in results if result.outcome != Outcome.NOT_APPLICABLE],
        "not_applicable": [result for result in results if result.outcome == Outcome.NOT_APPLICABLE],
        "missed": [check for check in checks if check.outcome == "missed"],
        "missed_rows": missed_rows(events, checks),
        "timeline": timeline_svg(
            events=events,
            checks=checks,
            chart_id="case-timeline",
            title=f"Multi-agency timeline of case {case.reference}",
        ),
        "filters": filters,
        "page": page,
        "query": filters.querystring(),
        "can_edit": permissions.can_edit_chronology(membership),
        "can_edit_case": permissions.can_edit_case_sample(membership),
    }
    return render(request, "casemapping/case_detail.html", context)


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_chronology(membership))
    case = get_object_or_404(Case, review=review, pk=case_id)
    form = EventForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.add_event(event=form.save(commit=False), user=request.user)
        except ValidationError as refused:  # the same event, added by a second press or someone else meanwhile
            form.add_error(None, refused)
        else:
            messages.success(request, f"{event.kind.name} on {event.date:%-d %B %Y} added to the chronology.")
            return redirect("casemapping:case_detail", review.pk, case.pk)
    context = {"review": review, "membership": membership, "form": form, "case": case}
    return render(request, "casemapping/event_form.html", context)


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, review_id: int, case_id: int, event_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_chronology(membership))
    case = get_object_or_404(Case, review=review, pk=case_id)
    event = get_object_or_404(Event, review=review, case=case, pk=event_id)
    if request.method == "POST":
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            form = EventForm(request.POST, instance=locked, case=case)
            if form.is_valid():
                event = form.save(commit=False)
                if "date" in form.changed_data:
                    event.sequence = services._next_sequence(case, event.date)
                event.version = locked.version + 1
                event.save()
                messages.success(request, f"{event.kind.name} on {event.date:%-d %B %Y} saved.")
                return redirect("casemapping:case_detail", review.pk, case.pk)
    else:
        form = EventForm(instance=event, case=case)
    context = {"review": review, "membership": membership, "form": form, "case": case, "event": event}
    return render(request, "casemapping/event_form.html", context)


@require_http_methods(["GET", "POST"])
def event_import(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_chronology(membership))
    case = get_object_or_404(Case, review=review, pk=case_id)
    form = TableImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        submit="Import events",
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created, errors = services.import_events(case=case, upload=form.cleaned_data["file"], user=request.user)
        except tables.TableError as error:
            form.add_error("file", str(error))
        else:
            if not errors:
                messages.success(request, f"{created} event{'s' if created != 1 else ''} added to the chronology.")
                return redirect("casemapping:case_detail", review.pk, case.pk)
    return _import_page(
        request,
        review,
        membership,
        form=form,
        errors=errors,
        title=f"Import events into the chronology of case {case.reference}",
        template_url="casemapping:event_template",
        back_url=("casemapping:case_detail", review.pk, case.pk),
        case=case,
    )


@require_GET
def event_template(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    review, _ = load_review(request, review_id)
    get_object_or_404(Case, review=review, pk=case_id)
    content, content_type, filename = services.event_template(request.GET.get("format", "csv"))
    return _download(content, content_type, filename)


@require_GET
def timeliness(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)

    def figures() -> tuple[int, str]:
        case_results, summaries = services.review_timeliness(review)
        context = {"review": review, "summaries": summaries, "link": True}
        return len(case_results), render_to_string("casemapping/_timeliness_table.html", context)

    # Worked out, and the table rendered, when the review's records change (reviews/derived.py), not on every view:
    # the same for every member who may open the page.
    case_count, table = derived.cached("timeliness-table-1", [review.pk], figures)
    context = {
        "review": review,
        "membership": membership,
        "table": table,
        "case_count": case_count,
        "rules_as_of": services.rules_as_of(review),
    }
    return render(request, "casemapping/timeliness.html", context)


@require_GET
def workshop_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    workshops = Workshop.objects.filter(review=review).annotate(case_count=Count("cases")).order_by("-held_on", "pk")
    page = Paginator(workshops, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "page": page,
        "can_record": permissions.can_record_workshops(membership),
    }
    return render(request, "casemapping/workshop_list.html", context)


@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_workshops(membership))
    form = WorkshopForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        workshop = form.save(commit=False)
        workshop.created_by = request.user
        with transaction.atomic():
            workshop.save()
            form.save_m2m()
        messages.success(request, f"{workshop} planned. Invite practitioners from each agency.")
        return redirect(workshop)
    return render(request, "casemapping/workshop_form.html", {"review": review, "membership": membership, "form": form})


@require_GET
def workshop_detail(request: HttpRequest, review_id: int, workshop_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    workshop = get_object_or_404(Workshop, review=review, pk=workshop_id)
    peer_side = permissions.can_see_peer_material(membership)
    learning = (
        LearningPoint.objects.filter(workshop=workshop)
        .select_related("theme", "finding")
        .prefetch_related(Prefetch("focus_areas", FocusArea.objects.order_by("kind", "order", "pk")))
        .order_by("pk")
        if peer_side
        else LearningPoint.objects.none()
    )
    can_record = permissions.can_record_workshops(membership)
    context = {
        "review": review,
        "membership": membership,
        "workshop": workshop,
        "cases": workshop.cases.order_by("reference"),
        "agencies": workshop.agencies.select_related("agency").order_by("agency__name"),
        "learning": learning,
        "peer_side": peer_side,
        "invite_form": WorkshopInviteForm(workshop=workshop) if can_record else None,
        "agency_form": WorkshopAgencyForm(workshop=workshop) if can_record and workshop.is_held else None,
        "can_record": can_record,
        "has_happened": workshop.held_on <= timezone.localdate(),
        "can_add_learning": permissions.can_edit_findings(membership) and workshop.is_held,
    }
    return render(request, "casemapping/workshop_detail.html", context)


def _save_workshop_agency(request, review_id: int, workshop_id: int, form_class, field: str, said: str):
    """One agency's number at a workshop (invited before it, or came to it): saved, or the form again with 400."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_workshops(membership))
    workshop = get_object_or_404(Workshop, review=review, pk=workshop_id)
    form = form_class(request.POST, workshop=workshop)
    if form.is_valid():
        agency, number = form.cleaned_data["agency"], form.cleaned_data[field]
        WorkshopAgency.objects.update_or_create(workshop=workshop, agency=agency, defaults={field: number})
        messages.success(request, f"{agency}: {number} practitioner{pluralize(number)} {said}.")
        return redirect(workshop)
    context = {"review": review, "membership": membership, "form": form, "workshop": workshop}
    return render(request, "casemapping/workshop_agency_form.html", context, status=400)


@require_POST
def workshop_invite(request: HttpRequest, review_id: int, workshop_id: int) -> HttpResponse:
    return _save_workshop_agency(request, review_id, workshop_id, WorkshopInviteForm, "invited", "invited")


@require_POST
def workshop_agency_add(request: HttpRequest, review_id: int, workshop_id: int) -> HttpResponse:
    return _save_workshop_agency(request, review_id, workshop_id, WorkshopAgencyForm, "practitioners", "came")


@require_http_methods(["GET", "POST"])
def workshop_record(request: HttpRequest, review_id: int, workshop_id: int) -> HttpResponse:
    """Record a planned workshop as held, once its day has come."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_workshops(membership))
    workshop = get_object_or_404(Workshop, review=review, pk=workshop_id)
    if request.method == "POST":
        with transaction.atomic():
            locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
            form = WorkshopRecordForm(request.POST, instance=locked)
            if form.is_valid():
                form.save_next_version()
                messages.success(request, f"{locked} recorded as held. Record who came and the learning points.")
                return redirect(locked)
    else:
        form = WorkshopRecordForm(instance=workshop)
    context = {"review": review, "membership": membership, "form": form, "workshop": workshop}
    return render(request, "casemapping/workshop_record.html", context)


@require_http_methods(["GET", "POST"])
def learning_create(request: HttpRequest, review_id: int, workshop_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_findings(membership))
    workshop = get_object_or_404(Workshop, review=review, pk=workshop_id)
    form = LearningPointForm(request.POST if request.method == "POST" else None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        learning = services.record_learning_point(
            workshop=workshop,
            learning=form.save(commit=False),
            events=list(form.cleaned_data["events"]),
            focus_areas=form.cleaned_data["focus_areas"],
            user=request.user,
        )
        messages.success(request, f"Learning point saved and raised as a draft finding: “{learning.summary}”.")
        return redirect(workshop)
    context = {"review": review, "membership": membership, "form": form, "workshop": workshop}
    return render(request, "casemapping/learning_form.html", context)
