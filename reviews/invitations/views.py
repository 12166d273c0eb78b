"""The review's team and its invitations (the lead), and the page where an invited person sets a password."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, lockout, permissions
from ..models import Role
from ..notifications.services import email_is_set_up
from ..versioning import posted_int
from ..views import load_review
from . import services
from .forms import InviteForm, InviteListForm
from .models import Invitation

# What the lead is told when the site cannot send email: the invitation is made, but no one has been emailed.
NOT_EMAILED = (
    "email is not set up on this site, so no email was sent. Once it is, send the invitation again from the team page"
)


@require_GET
def team(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_team(membership))
    members = list(review.memberships.select_related("user").order_by("role", "user__last_name", "user__first_name"))
    paused = lockout.paused_accounts(member.user.username for member in members)
    for member in members:
        member.paused_until = paused.get(member.user.username)
    invitations = (
        review.invitations.select_related("invited_by")
        .prefetch_related("emails")
        .annotate(
            pending_first=Case(
                When(status=Invitation.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("pending_first", "-created_at", "pk")
    )
    rows = [{"invitation": invitation, "email": _latest(invitation)} for invitation in invitations]
    context = {
        "review": review,
        "membership": membership,
        "members": members,
        "rows": rows,
        "pending": sum(1 for row in rows if row["invitation"].is_pending),
    }
    return render(request, "invitations/team.html", context)


def _latest(invitation: Invitation):
    emails = sorted(invitation.emails.all(), key=lambda email: (email.created_at, email.pk))
    return emails[-1] if emails else None


@require_http_methods(["GET", "POST"])
def invite_person(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_team(membership))
    form = InviteForm(request.POST if request.method == "POST" else None)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            [invitation] = services.invite(review=review, people=[form.person()], invited_by=request.user)
        except services.Refused as error:
            refused = error.problems
        else:
            if invitation.is_pending and not email_is_set_up():
                messages.warning(request, f"{invitation.email} is invited, but {NOT_EMAILED}.")
            elif invitation.is_pending:
                messages.success(request, f"Invitation sent to {invitation.email}.")
            else:
                messages.success(request, f"{invitation.name} already had an account and is now in the team.")
            return redirect("team:index", review.pk)
    context = {"review": review, "membership": membership, "form": form, "refused": refused}
    return render(request, "invitations/invite.html", context)


@require_http_methods(["GET", "POST"])
def invite_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_team(membership))
    posted = request.method == "POST"
    form = InviteListForm(request.POST if posted else None, request.FILES if posted else None)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            made = services.invite(review=review, people=form.people, invited_by=request.user, labels=form.labels)
        except services.Refused as error:
            refused = error.problems
        else:
            sent = sum(1 for invitation in made if invitation.is_pending)
            added = len(made) - sent
            summary = f"{sent} invitation{'s' if sent != 1 else ''} sent"
            if sent and not email_is_set_up():
                summary = f"{sent} {'people' if sent != 1 else 'person'} invited, but {NOT_EMAILED}"
            if added:
                summary += f"; {added} {'people' if added != 1 else 'person'} with an account added to the team"
            (messages.warning if sent and not email_is_set_up() else messages.success)(request, summary + ".")
            return redirect("team:index", review.pk)
    context = {"review": review, "membership": membership, "form": form, "refused": refused, "roles": Role.choices}
    return render(request, "invitations/invite_list.html", context)


@require_POST
def resend(request: HttpRequest, review_id: int, invitation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_team(membership))
    invitation = get_object_or_404(Invitation, review=review, pk=invitation_id)
    problem = services.resend(invitation=invitation, version=posted_int(request))
    if problem:
        messages.error(request, problem)
    else:
        if email_is_set_up():
            messages.success(
                request, f"A new invitation was sent to {invitation.email}; the earlier link no longer works."
            )
        else:
            messages.warning(
                request,
                f"A new invitation for {invitation.email} is made and the earlier link no longer works, but {NOT_EMAILED}.",
            )
    return redirect("team:index", review.pk)


@require_POST
def revoke(request: HttpRequest, review_id: int, invitation_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_team(membership))
    invitation = get_object_or_404(Invitation, review=review, pk=invitation_id)
    problem = services.revoke(invitation=invitation, version=posted_int(request))
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn; its link no longer works.")
    return redirect("team:index", review.pk)


@login_not_required
@access.not_logged("the invitation's one-time token is in its address")
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Anyone with the link may open it: the one-time token is the key. A bad link changes nothing."""
    invitation, problem = services.find_by_token(uidb64, token)
    if invitation is None:
        return render(request, "invitations/accept_failed.html", {"problem": problem})
    form = SetPasswordForm(invitation.user, request.POST if request.method == "POST" else None)
    form.fields["new_password1"].label = "Choose a password"
    form.fields["new_password2"].label = "Type the password again"
    form.helper = FormHelper()
    form.helper.layout = Layout("new_password1", "new_password2", Submit("accept", "Set my password and join"))
    if request.method == "POST" and form.is_valid():
        problem = services.accept(invitation=invitation, token=token, password=form.cleaned_data["new_password1"])
        if problem:
            return render(request, "invitations/accept_failed.html", {"problem": problem})
        messages.success(
            request,
            f"Your password is set and you have joined {invitation.review.title}. "
            f"Sign in with your username, {invitation.user.get_username()}.",
        )
        return redirect("login")
    return render(request, "invitations/accept.html", {"invitation": invitation, "form": form})
