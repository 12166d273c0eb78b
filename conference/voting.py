"""The prioritisation rounds: the lead opens and closes them; members vote with their account, everyone else with a
one-time ballot card, typed at /vote/ or scanned."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, permissions, throttle
from reviews.forms import posting_to
from reviews.models import Finding, Review
from reviews.views import load_review

from . import services
from .forms import (
    IssueCardsForm,
    JoinForm,
    RoundForm,
    VoidCardForm,
    VoteForm,
)
from .models import Ballot, Round, format_ballot_code, normalise_ballot_code

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
    posting_to(form, "conference:round_create", review.pk)
    # Said before the form is filled in, not after: one round is open at a time (services.open_round checks it).
    open_round = Round.objects.filter(review=review, status=Round.Status.OPEN).first()
    context = {"review": review, "membership": membership, "form": form, "open_round": open_round}
    return render(request, "conference/round_form.html", context)


@require_GET
def round_detail(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_peer_material(membership) or permissions.is_host_side(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    return _round_page(request, review, membership, round_)


def _round_page(
    request, review, membership, round_: Round, void_form=None, status: int = 200, confirm_close: bool = False
) -> HttpResponse:
    """The round's page; with a refused card number, the voiding form again with its error and the number; or
    asking the lead to confirm closing while cards are still unused or nobody has voted."""
    can_run = permissions.can_run_rounds(membership)
    counts = services.ballot_counts(round_)
    context = {
        "confirm_close": confirm_close,
        "review": review,
        "membership": membership,
        "round": round_,
        "ballot_count": counts["votes"],
        "counts": counts,
        "candidates": round_.candidates.order_by("order"),
        "vote_url": request.build_absolute_uri(reverse("vote:join")),
        "can_run": can_run,
        "may_vote": permissions.can_vote_as_member(membership) and round_.is_open,
        "has_voted": services.has_voted(round_, request.user),
    }
    if can_run and round_.is_open:
        context["issue_form"] = posting_to(
            IssueCardsForm(submit="Issue more cards" if counts["issued"] else "Issue ballot cards"),
            "conference:ballot_issue",
            review.pk,
            round_.pk,
        )
        context["void_form"] = posting_to(void_form or VoidCardForm(), "conference:ballot_void", review.pk, round_.pk)
    if not round_.is_open:
        rows = services.results(round_)
        context.update(rows=rows, chart=services.results_chart(round_, rows))
    return render(request, "conference/round_detail.html", context, status=status)


@require_POST
def round_close(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_run_rounds(membership))
    round_ = get_object_or_404(Round, review=review, pk=round_id)
    # Closing cannot be undone: with cards still unused, or no vote yet, the lead confirms first.
    if round_.is_open and request.POST.get("confirm") != "yes" and services.close_needs_confirming(round_):
        return _round_page(request, review, membership, round_, confirm_close=True)
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
    posting_to(form, "conference:ballot_issue", review.pk, round_.pk)
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
    if form.is_valid() and services.void_cards(round_=round_, numbers=[form.cleaned_data["number"]]):
        messages.success(request, f"Card {form.cleaned_data['number']} is void: it can no longer be used.")
        return redirect(round_)
    if form.is_valid():
        form.add_error("number", f"Card {form.cleaned_data['number']} is not an unused card of this round.")
    return _round_page(request, review, membership, round_, void_form=form, status=400)


# Voting with an account: members of the review who may write


@require_http_methods(["GET", "POST"])
def member_vote(request: HttpRequest, review_id: int, round_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_vote_as_member(membership))
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
        posting_to(form, "conference:member_vote", review.pk, round_.pk)
    elif request.method == "POST":
        messages.error(request, "Voting in this round has closed." if not round_.is_open else "You have already voted.")
    context = {"review": review, "membership": membership, "round": round_, "form": form, "voted": voted}
    return render(request, "conference/member_vote.html", context)


# Voting with a ballot card, without an account

TOO_MANY_CODES = "Too many wrong ballot codes"


def _code_limits() -> tuple[throttle.Limit, throttle.Limit]:
    seconds = settings.VOTE_CODE_WINDOW_SECONDS
    return (
        throttle.Limit("vote-code-address", settings.VOTE_FAILED_CODES_PER_ADDRESS, seconds),
        throttle.Limit("vote-code-round", settings.VOTE_FAILED_CODES_PER_ROUND, seconds),
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
    if ballot.round.review.archived_at is not None:
        return services.ARCHIVED
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
@access.not_logged("a ballot card's code is its secret, and a vote must never be linked to a person")
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
