"""The page where a questionnaire manager emails the questionnaire's link to partners and sees what went."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from reviews import permissions
from reviews.models import Commitment
from reviews.views import load_review

from . import distribution
from .forms import DistributionForm
from .models import Questionnaire


@require_http_methods(["GET", "POST"])
def questionnaire_distribute(request: HttpRequest, review_id: int, questionnaire_id: int) -> HttpResponse:
    """Partners' addresses are personal data: the page is for those who manage questionnaires only."""
    review, membership = load_review(request, review_id)
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("review"), review=review, pk=questionnaire_id
    )
    permissions.require(permissions.can_manage_questionnaires(membership))
    today = timezone.localdate()
    form = DistributionForm(
        request.POST if request.method == "POST" else None,
        review=review,
        initial={"version": questionnaire.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = distribution.distribute(
                    questionnaire=questionnaire,
                    kind=form.cleaned_data["kind"],
                    partner=form.cleaned_data["partner"],
                    addresses=form.cleaned_data["addresses"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                    today=today,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _sent_message(sent))
                return redirect("focusgroups:distribute", review.pk, questionnaire.pk)
        status = 400
        questionnaire.refresh_from_db()
    contacts = (
        Commitment.objects.filter(review=review, distributes_questionnaire=True)
        .select_related("partner")
        .order_by("partner__name")
    )
    context = {
        "review": review,
        "membership": membership,
        "questionnaire": questionnaire,
        "form": form,
        "refusal": distribution.refusal(questionnaire, today),
        "deliveries": distribution.deliveries(questionnaire),
        # Children, young people and parents are in no segment: their questionnaires have no rate by segment.
        "rates": distribution.rates(questionnaire) if questionnaire.rated_by_segment else None,
        "contacts": contacts,
        "public_url": request.build_absolute_uri(questionnaire.public_url()),
        "reminder_days": distribution.PARTNER_REMINDER_DAYS,
    }
    return render(request, "focusgroups/distribute.html", context, status=status)


def _sent_message(sent: distribution.Sent) -> str:
    count = len(sent.distribution.address_list())
    message = f"The link is being emailed to {count} address{'es' if count != 1 else ''}."
    if sent.repeated:
        message += f" Listed more than once, sent once: {', '.join(sent.repeated)}."
    if sent.skipped:
        message += f" Sent the link before, so not sent again: {', '.join(sent.skipped)}."
    return message
