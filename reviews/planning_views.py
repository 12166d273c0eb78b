"""The planning group's pages: its members, its meetings and what each partner agency commits to the review."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from . import (
    engagement,
    permissions,
)
from .forms import (
    CommitmentForm,
    PlanningMeetingForm,
    PlanningMemberForm,
)
from .models import (
    Commitment,
    PlanningMeeting,
    PlanningMember,
    Review,
    ReviewMembership,
)
from .params import int_param
from .versioning import is_stale_post
from .views import load_review


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
        messages.success(request, f"Meeting on {meeting.held_on:%-d %B %Y} added.")
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
                messages.success(request, f"Meeting on {meeting.held_on:%-d %B %Y} saved.")
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
                messages.success(request, f"Meeting on {meeting.held_on:%-d %B %Y} removed.")
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
