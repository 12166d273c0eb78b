"""The safeguarding alerts a questionnaire response raised: for the review's safeguarding lead and those who may
see them, never for anyone else (a 404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, permissions
from reviews.views import load_review

from . import alerts
from .forms import AlertActionForm
from .models import QuestionnaireSettings, SafeguardingAlert


def _require_alert_reader(review, membership) -> QuestionnaireSettings:
    config = QuestionnaireSettings.for_review(review)
    if not permissions.can_see_safeguarding_alerts(membership, config.safeguarding_lead_id):
        raise Http404("No such page.")
    return config


@require_GET
def alert_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_alert_reader(review, membership)
    review.safeguarding_alerts.fail_stale_emails()
    alerts = review.safeguarding_alerts.select_related("response__questionnaire", "read_by").order_by("-created_at")
    page = Paginator(alerts, 25).get_page(request.GET.get("page"))
    return render(request, "focusgroups/alert_list.html", {"review": review, "membership": membership, "page": page})


def _require_alert_actor(review, membership) -> None:
    """Changing an alert is for those who may see it, and never for a read-only role (a 403)."""
    permissions.require(not permissions.is_read_only(membership))
    _require_alert_reader(review, membership)


@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, review_id: int, alert_id: int) -> HttpResponse:
    """The alert and the whole response. Opening it changes nothing: a link followed from anywhere must not
    make a new alert look read. Marking it read and recording what was done are POSTs.
    """
    review, membership = load_review(request, review_id)
    if request.method == "POST":
        _require_alert_actor(review, membership)
    config = _require_alert_reader(review, membership)
    form = AlertActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            alert = get_object_or_404(SafeguardingAlert.objects.select_for_update(), review=review, pk=alert_id)
            alert.mark_read(request.user)
            alert.record_action(request.user, form.cleaned_data["action"])
        messages.success(request, "What you did is recorded on the alert.")
        return redirect(alert)
    review.safeguarding_alerts.filter(pk=alert_id).fail_stale_emails()
    alert = get_object_or_404(
        SafeguardingAlert.objects.select_related(
            "response__questionnaire", "response__segment", "read_by", "actioned_by"
        ),
        review=review,
        pk=alert_id,
    )
    access.describe(request, f"Safeguarding alert {alert.pk}")
    answers = alert.response.answers.select_related("question").order_by("question__section__order", "question__order")
    context = {
        "review": review,
        "membership": membership,
        "alert": alert,
        "answers": answers,
        "form": form,
        "may_act": permissions.can_act_on_safeguarding_alerts(membership, config.safeguarding_lead_id),
    }
    return render(request, "focusgroups/alert_detail.html", context)


@require_POST
def alert_read(request: HttpRequest, review_id: int, alert_id: int) -> HttpResponse:
    """Mark an alert read: who and when are kept, and a new alert stops counting as new."""
    review, membership = load_review(request, review_id)
    _require_alert_actor(review, membership)
    with transaction.atomic():
        alert = get_object_or_404(SafeguardingAlert.objects.select_for_update(), review=review, pk=alert_id)
        alert.mark_read(request.user)
    messages.success(request, "The alert is marked as read.")
    return redirect(alert)


@require_POST
def alert_email_retry(request: HttpRequest, review_id: int, alert_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_alert_actor(review, membership)
    alert = get_object_or_404(SafeguardingAlert, review=review, pk=alert_id)
    retried, reason = alerts.retry_alert_email(alert=alert, site_url=request.build_absolute_uri("/"))
    if retried:
        messages.success(request, "The email to the safeguarding lead will be sent again in a moment.")
    else:
        messages.error(request, reason)
    return redirect(alert)
