from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import exports, permissions, throttle
from reviews.models import AccessLog, Finding, FindingEvidence, Review
from reviews.pdf import RenderError, render_pdf
from reviews.views import load_review

from . import services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AgreeForm,
    CheckpointForm,
    HostActionForm,
    IssueCardsForm,
    JoinForm,
    LetterForm,
    MergeForm,
    PriorityForm,
    PublishForm,
    RoundForm,
    VoidCardForm,
    VoteForm,
)
from .models import Action, Ballot, Letter, Priority, Round, format_ballot_code, normalise_ballot_code


def _posting_to(form, url_name: str, *args):
    form.helper.form_action = reverse(url_name, args=args)
    return form


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
    minimum = services.settings_for(review).minimum_sources
    findings = list(_findings_with_evidence(review.findings.order_by("theme__order", "kind", "pk")))
    for finding in findings:
        finding.stage_titles = services.stages_behind(finding)
        finding.single_source = len(finding.stage_titles) < minimum
    context = {
        "review": review,
        "membership": membership,
        "groups": services.findings_by_theme(review, findings),
        "single_source": sum(1 for f in findings if f.single_source),
        "minimum": minimum,
        "can_consolidate": permissions.can_consolidate_findings(membership),
        "merge_form": _posting_to(MergeForm(review=review), "conference:merge", review.pk),
    }
    return render(request, "conference/consolidation.html", context)


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
    _posting_to(form, "conference:merge", review.pk)
    return render(request, "conference/merge.html", {"review": review, "membership": membership, "form": form})


@require_POST
def agree(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_consolidate_findings(membership))
    form = AgreeForm(request.POST, review=review)
    if form.is_valid():
        count = services.agree_findings(review=review, ids=[f.pk for f in form.cleaned_data["findings"]])
        messages.success(request, f"{count} finding{'s' if count != 1 else ''} agreed.")
    else:
        messages.error(request, " ".join(form.errors["findings"]))
    return redirect("conference:consolidation", review.pk)


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


# Prioritisation rounds


@require_GET
def round_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    rounds = review.rounds.with_ballot_count().order_by("-number")
    return render(request, "conference/round_list.html", {"review": review, "membership": membership, "rounds": rounds})


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            by_summary = {f.summary: f for f in review.findings.filter(kind=Finding.Kind.AREA)}
            candidates = [(line, by_summary.get(line)) for line in form.cleaned_data["candidates"]]
            try:
                round_ = services.open_round(
                    review=review,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    method=form.cleaned_data["method"],
                    points=form.cleaned_data["points"],
                    candidates=candidates,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not form.cleaned_data["cards"]:
                    messages.success(request, f"Round {round_.number} is open. Issue ballot cards below.")
                    return redirect(round_)
                _keep_codes_to_print(
                    request, round_, services.issue_cards(round_=round_, count=form.cleaned_data["cards"])
                )
                messages.success(request, f"Round {round_.number} is open. Print the ballot cards now.")
                return redirect("conference:ballot_cards", review.pk, round_.pk)
    else:
        areas = (
            review.findings.filter(kind=Finding.Kind.AREA)
            .exclude(status=Finding.Status.DRAFT)
            .order_by("theme__order", "pk")
        )
        form = RoundForm(
            initial={
                "title": "Priorities for improvement",
                "points": services.settings_for(review).default_points,
                "candidates": "\n".join(f.summary for f in areas),
            }
        )
    _posting_to(form, "conference:round_create", review.pk)
    return render(request, "conference/round_form.html", {"review": review, "membership": membership, "form": form})


@require_GET
def round_detail(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_peer_material(membership) or permissions.is_host_side(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    can_run = permissions.can_run_rounds(membership)
    counts = services.ballot_counts(round_)
    context = {
        "review": review,
        "membership": membership,
        "round": round_,
        "ballot_count": counts["votes"],
        "counts": counts,
        "candidates": round_.candidates.order_by("order"),
        "vote_url": request.build_absolute_uri(reverse("vote:join")),
        "can_run": can_run,
        "may_vote": _may_vote_as_member(membership) and round_.is_open,
        "has_voted": services.has_voted(round_, request.user),
    }
    if can_run and round_.is_open:
        context["issue_form"] = _posting_to(
            IssueCardsForm(submit="Issue more cards" if counts["issued"] else "Issue ballot cards"),
            "conference:ballot_issue",
            review.pk,
            round_.pk,
        )
        context["void_form"] = _posting_to(VoidCardForm(), "conference:ballot_void", review.pk, round_.pk)
    if not round_.is_open:
        rows = services.results(round_)
        context.update(rows=rows, chart=services.results_chart(round_, rows))
    return render(request, "conference/round_detail.html", context)


@require_POST
def round_close(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    try:
        services.close_round(round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Round {round_.number} is closed; the results are below.")
    return redirect(round_)


@require_POST
def round_again(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    try:
        new_round = services.run_again(round_=round_, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round_)
    messages.success(request, f"Round {new_round.number} is open with the same candidates. Issue its ballot cards.")
    return redirect(new_round)


@require_POST
def round_adopt(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    try:
        count = services.adopt_priorities(round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round_)
    messages.success(request, f"{count} priorities set from round {round_.number}, in the order of the vote.")
    return redirect("conference:plan", review.pk)


# Ballot cards

PRINT_SESSION_KEY = "conference_cards_to_print"


def _keep_codes_to_print(request: HttpRequest, round_: Round, cards: list[tuple[int, str]]) -> None:
    """The plain codes wait in the lead's session until the cards page shows them, once; only hashes are stored."""
    waiting = request.session.get(PRINT_SESSION_KEY, {})
    waiting[str(round_.pk)] = waiting.get(str(round_.pk), []) + [list(card) for card in cards]
    request.session[PRINT_SESSION_KEY] = waiting


def _take_codes_to_print(request: HttpRequest, round_: Round) -> list[tuple[int, str]]:
    waiting = request.session.get(PRINT_SESSION_KEY, {})
    cards = waiting.pop(str(round_.pk), [])
    if cards:
        request.session[PRINT_SESSION_KEY] = waiting
    return [(number, code) for number, code in cards]


@require_http_methods(["GET", "POST"])
def ballot_issue(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    form = IssueCardsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cards = services.issue_cards(round_=round_, count=form.cleaned_data["count"])
        except ValidationError as error:
            form.add_error("count", error)
        else:
            _keep_codes_to_print(request, round_, cards)
            messages.success(request, f"{len(cards)} ballot card{pluralize(len(cards))} issued. Print them now.")
            return redirect("conference:ballot_cards", review.pk, round_.pk)
    _posting_to(form, "conference:ballot_issue", review.pk, round_.pk)
    context = {"review": review, "membership": membership, "round": round_, "form": form}
    return render(request, "conference/ballot_issue.html", context)


@require_GET
def ballot_cards(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    """The printable cards, with their codes, right after issuing; later visits say how to get new ones."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    cards = [
        {
            "number": number,
            "code": code,
            "qr": services.qr_svg(
                request.build_absolute_uri(reverse("vote:ballot", args=[normalise_ballot_code(code)])),
                f"QR code for ballot card {number}",
                scale=3,
            ),
        }
        for number, code in _take_codes_to_print(request, round_)
    ]
    context = {
        "review": review,
        "membership": membership,
        "round": round_,
        "cards": cards,
        "vote_url": request.build_absolute_uri(reverse("vote:join")),
    }
    response = render(request, "conference/ballot_cards.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def ballot_void(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    if request.POST.get("all") == "unused":
        count = services.void_cards(round_=round_)
        messages.success(request, f"{count} unused ballot card{pluralize(count)} voided.")
        return redirect(round_)
    form = VoidCardForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["number"]))
    elif services.void_cards(round_=round_, numbers=[form.cleaned_data["number"]]):
        messages.success(request, f"Card {form.cleaned_data['number']} is void: it can no longer be used.")
    else:
        messages.error(request, f"Card {form.cleaned_data['number']} is not an unused card of this round.")
    return redirect(round_)


# Voting with an account: members of the review who may write


def _may_vote_as_member(membership) -> bool:
    return not permissions.is_read_only(membership)


@require_http_methods(["GET", "POST"])
def member_vote(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(_may_vote_as_member(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    voted = services.has_voted(round_, request.user)
    form = None
    if round_.is_open and not voted:
        form = VoteForm(
            request.POST if request.method == "POST" else None,
            round_=round_,
            candidates=list(round_.candidates.order_by("order")),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.cast_member_vote(round_=round_, user=request.user, values=form.values)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your vote has been counted.")
                return redirect(round_)
        _posting_to(form, "conference:member_vote", review.pk, round_.pk)
    elif request.method == "POST":
        messages.error(request, "Voting in this round has closed." if not round_.is_open else "You have already voted.")
    context = {"review": review, "membership": membership, "round": round_, "form": form, "voted": voted}
    return render(request, "conference/member_vote.html", context)


# Voting with a ballot card, without an account

TOO_MANY_CODES = "Too many wrong ballot codes"


def _code_limits() -> tuple[throttle.Limit, throttle.Limit]:
    seconds = getattr(settings, "VOTE_CODE_WINDOW_SECONDS", 600)
    return (
        throttle.Limit("vote-code-address", getattr(settings, "VOTE_FAILED_CODES_PER_ADDRESS", 100), seconds),
        throttle.Limit("vote-code-round", getattr(settings, "VOTE_FAILED_CODES_PER_ROUND", 300), seconds),
    )


def _address(request: HttpRequest) -> str:
    return throttle.client_address(request) or ""


def _may_try_a_code(request: HttpRequest, ballot: Ballot | None = None) -> bool:
    """Whether this address may try a code now; a refused card also counts against its round.

    A usable card is refused only when its own network has had too many wrong codes, never for others' mistakes.
    """
    by_address, by_round = _code_limits()
    if not throttle.within(by_address, _address(request)):
        return False
    return ballot is None or ballot.is_usable or throttle.within(by_round, str(ballot.round_id))


def _count_refused_code(request: HttpRequest, ballot: Ballot | None = None) -> None:
    by_address, by_round = _code_limits()
    throttle.hit(by_address, _address(request))
    if ballot is not None:
        throttle.hit(by_round, str(ballot.round_id))


def _too_many_codes(request: HttpRequest) -> HttpResponse:
    minutes = _code_limits()[0].minutes
    return render(request, "conference/vote_limited.html", {"minutes": minutes, "title": TOO_MANY_CODES}, status=429)


def _refusal(ballot: Ballot) -> str:
    if not ballot.round.is_open:
        return "Voting in this round has closed."
    if ballot.status == Ballot.Status.VOID:
        return "This ballot card has been cancelled by the lead. Ask for another card."
    return services.USED_CARD


def _member_rounds(request: HttpRequest):
    """Open rounds the signed-in person may vote in with their account, for a link on the join page."""
    if not request.user.is_authenticated:
        return []
    reviews = Review.objects.filter(
        memberships__user=request.user, memberships__role__in=permissions.PEER_WRITERS | permissions.HOST_SIDE
    )
    return list(Round.objects.filter(review__in=reviews, status=Round.Status.OPEN).select_related("review"))


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not _may_try_a_code(request):
            return _too_many_codes(request)
        ballot = Ballot.objects.for_code(form.cleaned_data["code"])
        if ballot is not None and not _may_try_a_code(request, ballot):
            return _too_many_codes(request)
        if ballot is None:
            _count_refused_code(request)
            form.add_error("code", "No ballot card has that code. Check the code on your card and try again.")
        elif not ballot.is_usable:
            _count_refused_code(request, ballot)
            form.add_error("code", _refusal(ballot))
        else:
            return redirect("vote:ballot", normalise_ballot_code(form.cleaned_data["code"]))
    return render(request, "conference/join.html", {"form": form, "member_rounds": _member_rounds(request)})


@login_not_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, code: str) -> HttpResponse:
    if not _may_try_a_code(request):
        return _too_many_codes(request)
    card = Ballot.objects.for_code(code)
    if card is not None and not _may_try_a_code(request, card):
        return _too_many_codes(request)
    if card is None:
        _count_refused_code(request)
        return render(request, "conference/ballot_unknown.html", status=404)
    round_ = card.round
    context = {"round": round_, "code": format_ballot_code(normalise_ballot_code(code)), "voted": False}
    if not card.is_usable:
        _count_refused_code(request, card)
        context["refusal"] = _refusal(card)
        return render(request, "conference/ballot.html", context)
    form = VoteForm(
        request.POST if request.method == "POST" else None,
        round_=round_,
        candidates=list(round_.candidates.order_by("order")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cast_vote(ballot_id=card.pk, values=form.values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context["voted"] = True
            form = None
    context["form"] = form
    return render(request, "conference/ballot.html", context)


# The letter


def _letter_for(review, membership) -> Letter | None:
    letter = Letter.objects.filter(review=review).first()
    return letter if permissions.can_see_letter(membership, letter) else None


@require_GET
def letter(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    current = _letter_for(review, membership)
    context = {
        "review": review,
        "membership": membership,
        "letter": current,
        "can_edit": permissions.can_edit_letter(membership),
        "draft_count": services.draft_findings(review).count() if permissions.is_peer_side(membership) else 0,
    }
    return render(request, "conference/letter.html", context)


@require_POST
def letter_generate(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_letter(membership))
    try:
        services.generate_letter(review=review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "A draft of the letter has been written from the review. Edit it below.")
    return redirect("conference:letter", review.pk)


@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_letter(membership))
    current = get_object_or_404(Letter, review=review)
    form = LetterForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_letter(
                letter=current, body=form.cleaned_data["body"], version=form.cleaned_data["version"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The letter has been saved.")
            return redirect("conference:letter", review.pk)
    _posting_to(form, "conference:letter_edit", review.pk)
    return render(request, "conference/letter_form.html", {"review": review, "membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
def letter_publish(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_letter(membership))
    current = get_object_or_404(Letter, review=review)
    form = PublishForm(request.POST if request.method == "POST" else None)
    drafts = services.draft_findings(review).count()
    if request.method == "POST" and form.is_valid():
        try:
            published = services.publish_letter(
                letter=current, user=request.user, include_drafts=form.cleaned_data["include_drafts"]
            )
        except ValidationError as error:
            form.add_error("include_drafts" if drafts else None, error)
        else:
            messages.success(request, f"The letter and {published} agreed findings are now visible to the council.")
            return redirect("conference:letter", review.pk)
    context = {"review": review, "membership": membership, "letter": current, "form": form, "drafts": drafts}
    return render(request, "conference/letter_publish.html", context)


@require_GET
def letter_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    current = _letter_for(review, membership)
    if current is None:
        raise Http404("No letter yet.")
    try:
        pdf = render_pdf("reports/letter.html", {"review": review, "letter": current, "generated_at": timezone.now()})
    except RenderError as error:
        context = {"review": review, "membership": membership, "reason": str(error)}
        return render(request, "conference/letter_failed.html", context, status=503)
    AccessLog.objects.record(
        user=request.user, review=review, action=AccessLog.Action.DOWNLOAD, target="Feedback letter", path=request.path
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="feedback-letter-review-{review.pk}.pdf"'
    return response


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
    AccessLog.objects.record(
        user=request.user, review=review, action=AccessLog.Action.EXPORT, target="Improvement plan", path=request.path
    )
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
            if priority.pk:  # locked, so the version check and the save see the same row
                priority = Priority.objects.select_for_update().get(pk=priority.pk)
            form = PriorityForm(request.POST, instance=priority)
            if form.is_valid():
                if priority.pk:
                    form.save_next_version()
                else:
                    form.save()
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
        form.save()
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
            services.save_action(action=action, data=data, version=form.cleaned_data["version"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The action has been saved.")
            return redirect("conference:action_detail", review.pk, action.pk)
    if form is not None:
        _posting_to(form, "conference:action_detail", review.pk, action.pk)
    update_form = (
        _posting_to(ActionUpdateForm(), "conference:action_update", review.pk, action.pk) if may_update else None
    )
    context = {
        "review": review,
        "membership": membership,
        "action": action,
        "overdue": action.is_overdue(),
        "form": form,
        "update_form": update_form,
        "updates": action.updates.select_related("by").order_by("-on", "-pk"),
    }
    return render(request, "conference/action_detail.html", context)


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
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect("conference:action_detail", review.pk, action.pk)


@require_http_methods(["GET", "POST"])
def checkpoint_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_record_checkpoints(membership))
    form = CheckpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_checkpoint(review=review, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("months", error)
        else:
            messages.success(request, "The check has been recorded against the baseline.")
            return redirect("conference:plan", review.pk)
    _posting_to(form, "conference:checkpoint_create", review.pk)
    return render(
        request, "conference/checkpoint_form.html", {"review": review, "membership": membership, "form": form}
    )
