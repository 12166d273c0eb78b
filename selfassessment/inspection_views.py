"""Pages for the last inspection: its judgements and recommendations, the council's progress and the peers' view."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import permissions, scope
from reviews.models import EvidenceDocument, Finding, Review
from reviews.versioning import posted_int
from reviews.views import load_review

from . import services
from .forms import (
    EntryFindingForm,
    InspectionForm,
    JudgementForm,
    PeerViewForm,
    ProgressForm,
    RecommendationForm,
    RecommendationImportForm,
)
from .models import Inspection, Judgement, Rag, Recommendation, RecommendationPeerView


def _inspection_or_redirect(request: HttpRequest, review) -> Inspection | None:
    inspection = services.inspection_for(review)
    if inspection is None:
        messages.error(request, "Record the last inspection first.")
    return inspection


def _visible_peer_view(membership, recommendation: Recommendation) -> RecommendationPeerView | None:
    """The peers' view of a recommendation, if this member may see it (the two-sides rule)."""
    view = getattr(recommendation, "peer_view", None)
    if view is None:
        return None
    if permissions.can_see_peer_material(membership) or view.is_published:
        return view
    return None


@require_GET
def inspection(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    record = services.inspection_for(review)
    context = {
        "review": review,
        "membership": membership,
        "inspection": record,
        "judgements": services.judgements_for(record),
        "recommendations": list(review.inspection_recommendations.order_by("order")) if record else [],
    }
    return render(request, "selfassessment/inspection.html", context)


@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    record = services.inspection_for(review) or Inspection(review=review)
    form = InspectionForm(instance=record, review=review)
    current = None
    if request.method == "POST":
        with transaction.atomic():
            # The review row serialises the first recording of its inspection.
            Review.objects.select_for_update().filter(pk=review.pk).first()
            locked = Inspection.objects.select_for_update(of=("self",)).select_related("kind").filter(
                review=review
            ).first() or Inspection(review=review)
            form = InspectionForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = (locked.version + 1) if locked.pk else 1
                saved.updated_by = request.user
                saved.save()
                messages.success(request, "The last inspection is saved.")
                return redirect(saved)
            if form.is_stale:
                current = services.inspection_for(review)
    context = {"review": review, "membership": membership, "inspection": record, "form": form, "current": current}
    if current is not None:
        context["current_fields"] = [
            ("Kind of inspection", str(current.kind)),
            ("Date", current.date.strftime("%d/%m/%Y")),
            ("Report", current.reference),
        ]
    return render(request, "selfassessment/inspection_form.html", context)


@require_http_methods(["GET", "POST"])
def judgement_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    record = _inspection_or_redirect(request, review)
    if record is None:
        return redirect("selfassessment:inspection", review.pk)
    form = JudgementForm(request.POST if request.method == "POST" else None, inspection=record)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            Inspection.objects.select_for_update().filter(pk=record.pk).first()
            judgement = form.save(commit=False)
            judgement.order = (record.judgements.aggregate(last=Max("order"))["last"] or 0) + 1
            judgement.save()
        messages.success(request, f"Judgement “{judgement.area}: {judgement.grade}” added.")
        return redirect(record)
    context = {"review": review, "membership": membership, "inspection": record, "form": form}
    return render(request, "selfassessment/judgement_form.html", context)


@require_http_methods(["GET", "POST"])
def judgement_edit(request: HttpRequest, review_id: int, judgement_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    judgement = get_object_or_404(
        Judgement.objects.select_related("inspection__kind__grade_scale"), inspection__review=review, pk=judgement_id
    )
    record = judgement.inspection
    form = JudgementForm(instance=judgement, inspection=record)
    current = None
    if request.method == "POST":
        with transaction.atomic():
            locked = get_object_or_404(Judgement.objects.select_for_update(of=("self",)), pk=judgement.pk)
            form = JudgementForm(request.POST, instance=locked, inspection=record)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = locked.version + 1
                saved.save()
                messages.success(request, f"Judgement “{saved.area}: {saved.grade}” saved.")
                return redirect(record)
            if form.is_stale:
                current = Judgement.objects.select_related("grade").get(pk=judgement.pk)
    context = {"review": review, "membership": membership, "inspection": record, "form": form, "current": current}
    if current is not None:
        context["current_fields"] = [("Judgement area", current.area), ("Grade", current.grade.label)]
    return render(request, "selfassessment/judgement_form.html", context)


@require_http_methods(["GET", "POST"])
def judgement_delete(request: HttpRequest, review_id: int, judgement_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    judgement = _judgement(review, judgement_id)
    error = None
    if request.method == "POST":
        try:
            services.delete_judgement(judgement=judgement, seen_version=posted_int(request))
        except services.ListChanged:
            error = (
                "This judgement was changed by someone else after you opened this page, so it has not been deleted. "
                "Check what it says now, then delete it again if you still mean to."
            )
            judgement = _judgement(review, judgement_id)
        else:
            messages.success(request, f"Judgement “{judgement.area}: {judgement.grade}” deleted.")
            return redirect("selfassessment:inspection", review.pk)
    context = {"review": review, "membership": membership, "judgement": judgement, "error": error}
    return render(request, "selfassessment/judgement_delete.html", context)


def _judgement(review, judgement_id: int) -> Judgement:
    return get_object_or_404(
        Judgement.objects.select_related("grade", "inspection__kind"), inspection__review=review, pk=judgement_id
    )


@require_http_methods(["GET", "POST"])
def recommendation_import(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    record = _inspection_or_redirect(request, review)
    if record is None:
        return redirect("selfassessment:inspection", review.pk)
    form = RecommendationImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        added, duplicates = services.import_recommendations(
            review=review, kind=form.cleaned_data["kind"], items=form.cleaned_data["text"]
        )
        messages.success(request, f"{len(added)} item{'' if len(added) == 1 else 's'} added to the list.")
        if duplicates:
            lines = ", ".join(str(number) for number in duplicates)
            messages.warning(
                request,
                f"Already on the list, so not added again: line{'' if len(duplicates) == 1 else 's'} {lines}.",
            )
        return redirect(record)
    context = {"review": review, "membership": membership, "inspection": record, "form": form}
    return render(request, "selfassessment/recommendation_import.html", context)


@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("inspection"), review=review, pk=recommendation_id
    )
    form = RecommendationForm(instance=recommendation)
    current = None
    if request.method == "POST":
        with transaction.atomic():
            locked = get_object_or_404(
                Recommendation.objects.select_for_update(of=("self",)).select_related("inspection"),
                pk=recommendation.pk,
            )
            form = RecommendationForm(request.POST, instance=locked)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = locked.version + 1
                saved.save()
                messages.success(request, f"{saved.get_kind_display()} {saved.order} is saved.")
                return redirect(reverse("selfassessment:inspection", args=[review.pk]) + "#recommendations")
            if form.is_stale:
                current = Recommendation.objects.get(pk=recommendation.pk)
    context = {
        "review": review,
        "membership": membership,
        "recommendation": recommendation,
        "form": form,
        "current": current,
        "title": "Change the wording",
    }
    if current is not None:
        context["current_fields"] = [("This is", current.get_kind_display()), ("Wording", current.text)]
    return render(request, "selfassessment/progress_form.html", context)


@require_http_methods(["GET", "POST"])
def recommendation_delete(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    recommendation = _recommendation(review, recommendation_id)
    error = None
    if request.method == "POST":
        try:
            services.delete_recommendation(recommendation=recommendation, seen_version=posted_int(request))
        except services.ListChanged:
            error = (
                "This item was changed by someone else after you opened this page, so it has not been deleted. "
                "Check what it holds now, then delete it again if you still mean to."
            )
            recommendation = _recommendation(review, recommendation_id)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, f"{recommendation.get_kind_display()} {recommendation.order} is deleted.")
            return redirect(reverse("selfassessment:inspection", args=[review.pk]) + "#recommendations")
    peer_view = _visible_peer_view(membership, recommendation)
    findings = list(services.findings_resting_on(recommendation).order_by("pk"))
    visible = {
        finding.pk
        for finding in Finding.objects.visible_to_membership(membership).filter(
            pk__in=[finding.pk for finding in findings]
        )
    }
    context = {
        "review": review,
        "membership": membership,
        "recommendation": recommendation,
        "findings": findings,
        "visible_findings": [finding for finding in findings if finding.pk in visible],
        "losses": _what_deleting_loses(recommendation, peer_view),
        "hidden_peer_note": not permissions.can_see_peer_material(membership) and peer_view is None,
        "error": error,
    }
    return render(
        request,
        "selfassessment/recommendation_delete.html",
        context,
    )


@require_POST
def recommendation_move(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_inspection(membership))
    recommendation = get_object_or_404(Recommendation, review=review, pk=recommendation_id)
    direction, seen_order = request.POST.get("direction"), posted_int(request, "order")
    if direction not in {"up", "down"} or seen_order is None:
        messages.error(request, "Nothing was moved: use the “Move up” and “Move down” buttons on the list.")
    else:
        try:
            place = services.move_recommendation(
                recommendation=recommendation, up=direction == "up", seen_order=seen_order
            )
        except services.ListChanged:
            messages.error(
                request,
                "The list was changed by someone else after you opened it, so nothing was moved. "
                "Check the order below and try again.",
            )
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            text = Truncator(recommendation.text).chars(80)
            messages.success(request, f"{recommendation.get_kind_display()} “{text}” is now number {place}.")
    return redirect(reverse("selfassessment:inspection", args=[review.pk]) + f"#recommendation-{recommendation.pk}")


def _what_deleting_loses(recommendation: Recommendation, peer_view: RecommendationPeerView | None) -> list[str]:
    losses = []
    if recommendation.has_progress:
        done = f", “{Truncator(recommendation.what_done).chars(120)}”" if recommendation.what_done else ""
        losses.append(f"the council's progress ({recommendation.get_rag_display().lower()}{done})")
    documents = len(recommendation.documents.all())
    if documents:
        losses.append(
            f"the links to {documents} evidence document{'' if documents == 1 else 's'} "
            "(the documents themselves stay in the register)"
        )
    if peer_view is not None:
        losses.append(f"the peer team's view ({peer_view.get_rag_display().lower()})")
    return losses


def _recommendation(review, recommendation_id: int) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related(
            "progress_by", "peer_view__updated_by", "inspection__kind"
        ).prefetch_related(Prefetch("documents", queryset=EvidenceDocument.objects.order_by("title"))),
        review=review,
        pk=recommendation_id,
    )


@require_GET
def recommendation_detail(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    recommendation = _recommendation(review, recommendation_id)
    findings = (
        Finding.objects.visible_to_membership(membership)
        .filter(
            evidence__content_type=ContentType.objects.get_for_model(Recommendation),
            evidence__object_id=recommendation.pk,
        )
        .select_related("theme")
        .order_by("kind", "pk")
    )
    context = {
        "review": review,
        "membership": membership,
        "recommendation": recommendation,
        "peer_view": _visible_peer_view(membership, recommendation),
        "findings": findings,
    }
    return render(request, "selfassessment/recommendation_detail.html", context)


@require_http_methods(["GET", "POST"])
def progress_edit(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_report_inspection_progress(membership))
    recommendation = get_object_or_404(Recommendation, review=review, pk=recommendation_id)
    form = ProgressForm(instance=recommendation, review=review)
    current = None
    if request.method == "POST":
        with transaction.atomic():
            locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
            form = ProgressForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = locked.version + 1
                saved.progress_by, saved.progress_at = request.user, timezone.now()
                saved.save()
                form.save_m2m()
                messages.success(request, "The council's progress on this recommendation is saved.")
                return redirect(saved)
            if form.is_stale:
                current = Recommendation.objects.get(pk=recommendation.pk)
    context = {
        "review": review,
        "membership": membership,
        "recommendation": recommendation,
        "form": form,
        "current": current,
        "title": "The council's progress",
    }
    if current is not None:
        context["current_fields"] = [
            ("What the council has done", current.what_done),
            ("What has changed as a result", current.what_changed),
            ("Progress status", current.get_rag_display()),
        ]
    return render(request, "selfassessment/progress_form.html", context)


@require_http_methods(["GET", "POST"])
def peer_view_edit(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_give_peer_view_on_progress(membership))
    recommendation = get_object_or_404(Recommendation, review=review, pk=recommendation_id)
    view = RecommendationPeerView.objects.filter(recommendation=recommendation).first()
    form = PeerViewForm(instance=view or RecommendationPeerView(recommendation=recommendation))
    current = None
    if request.method == "POST":
        with transaction.atomic():
            # The recommendation row serialises the first recording of its peer view.
            Recommendation.objects.select_for_update().filter(pk=recommendation.pk).first()
            locked = RecommendationPeerView.objects.select_for_update().filter(
                recommendation=recommendation
            ).first() or RecommendationPeerView(recommendation=recommendation)
            form = PeerViewForm(request.POST, instance=locked)
            if form.is_valid():
                saved = form.save(commit=False)
                saved.version = (locked.version + 1) if locked.pk else 1
                saved.updated_by = request.user
                saved.save()
                messages.success(request, "The peers' view is saved. The council cannot see it until published.")
                return redirect(recommendation)
            if form.is_stale:
                current = RecommendationPeerView.objects.get(pk=locked.pk)
    context = {
        "review": review,
        "membership": membership,
        "recommendation": recommendation,
        "form": form,
        "current": current,
        "title": "The peer team's view",
    }
    if current is not None:
        context["current_fields"] = [
            ("The peer team's status", current.get_rag_display()),
            ("Commentary", current.commentary),
        ]
    return render(request, "selfassessment/progress_form.html", context)


@require_POST
def peer_view_publish(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_self_assessment(membership))
    recommendation = get_object_or_404(Recommendation, review=review, pk=recommendation_id)
    updated = RecommendationPeerView.objects.filter(recommendation=recommendation, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    if updated:
        messages.success(request, "The peers' view of this recommendation is now visible to the council.")
    else:
        messages.error(request, "There is no unpublished peers' view of this recommendation to publish.")
    return redirect(recommendation)


@require_http_methods(["GET", "POST"])
def recommendation_finding(request: HttpRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_findings(membership))
    recommendation = get_object_or_404(Recommendation, review=review, pk=recommendation_id)
    first_area = scope.scope_areas(review).first()
    initial = {"stage": services.STAGE, "scope_area": first_area.pk if first_area else None}
    form = EntryFindingForm(
        request.POST if request.method == "POST" else None, initial=initial, review=review, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        finding = services.raise_finding_from_recommendation(
            recommendation=recommendation,
            finding=form.save(commit=False),
            documents=form.cleaned_data["documents"],
            user=request.user,
            focus_areas=form.cleaned_data["focus_areas"],
        )
        messages.success(request, f"Finding “{finding.summary}” raised from this recommendation.")
        return redirect(finding)
    context = {"review": review, "membership": membership, "recommendation": recommendation, "form": form}
    return render(request, "selfassessment/recommendation_finding.html", context)


@require_GET
def progress_table(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    record = services.inspection_for(review)
    rows = services.progress_rows(review, show_unpublished=permissions.can_see_peer_material(membership))
    context = {
        "review": review,
        "membership": membership,
        "inspection": record,
        "rows": rows,
        "rag_counts": services.rag_counts(rows),
        "rag": Rag,
    }
    return render(request, "selfassessment/progress_table.html", context)
