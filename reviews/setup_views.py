"""Setting up a review in the workspace, a step at a time, ending in a "check your answers" page.

Programme managers and administrators (the "add review" permission) set reviews up; anyone else gets
a 404, as for a review they are not in. Answers wait in the session until the last page creates the
review, its scope, its lead and its invitations in one transaction: nothing is half-created.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from . import permissions, scope
from .invitations import services as invitations
from .models import FocusArea, Review, ReviewMembership, Role, ScopeArea
from .notifications.services import email_is_set_up
from .setup_forms import DATE_FIELDS, CouncilStep, DatesStep, FrameworkStep, ScopeForm, TeamStep, review_title
from .versioning import OPEN_AGAIN, SAVED, posted_int
from .views import load_review

SESSION_KEY = "review_setup"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type


STEPS = [
    Step("council", "Council and name", CouncilStep),
    Step("dates", "Dates", DatesStep),
    Step("framework", "Framework and grade scale", FrameworkStep),
    Step("scope", "Scope", ScopeForm),
    Step("team", "Lead and team", TeamStep),
]
BY_SLUG = {step.slug: step for step in STEPS}


def can_set_up_reviews(user) -> bool:
    return user.is_authenticated and user.has_perm("reviews.add_review")


def _require_setup(request: HttpRequest) -> None:
    if not can_set_up_reviews(request.user):
        raise Http404("No such page.")


class _Answers:
    """The answers so far, as posted, kept in the session; each step's form is bound from them again."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.data: dict[str, dict[str, list[str]]] = request.session.get(SESSION_KEY, {})

    def save(self, slug: str, posted) -> None:
        fields = BY_SLUG[slug].form_class.base_fields
        self.data[slug] = {name: posted.getlist(name) for name in fields if name in posted}
        self.request.session[SESSION_KEY] = self.data

    def clear(self) -> None:
        self.request.session.pop(SESSION_KEY, None)

    def form(self, slug: str, *, bound: bool = True):
        """The step's form, bound to its saved answers (or unbound), or None while an earlier step is unanswered."""
        kwargs = self._context_for(slug)
        if kwargs is None:
            return None
        step = BY_SLUG[slug]
        if bound and slug in self.data:
            return step.form_class(MultiValueDict(self.data[slug]), **kwargs)
        return step.form_class(**kwargs)

    def _context_for(self, slug: str) -> dict | None:
        if slug == "dates":
            council = self.cleaned("council")
            return None if council is None else {"council": council["council"], "title": council["title"]}
        if slug == "scope":
            framework = self.cleaned("framework")
            return None if framework is None else {"framework": framework["framework"]}
        if slug == "team":
            return {"user": self.request.user}
        return {}

    def cleaned(self, slug: str) -> dict | None:
        if slug not in self.data:
            return None
        form = self.form(slug)
        return form.cleaned_data if form is not None and form.is_valid() else None

    def first_unfinished(self) -> str | None:
        for step in STEPS:
            if self.cleaned(step.slug) is None:
                return step.slug
        return None


def setup_start(request: HttpRequest) -> HttpResponse:
    _require_setup(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    answers = _Answers(request)
    if request.method == "POST":
        # Clearing takes a press of the button (a POST with its token), never a link someone could be sent.
        if request.POST.get("restart"):
            answers.clear()
            messages.success(request, "Your answers were cleared. Nothing had been created.")
        return redirect("reviews:setup_start")
    return render(request, "reviews/setup/start.html", {"steps": STEPS, "has_answers": bool(answers.data)})


def setup_step(request: HttpRequest, step: str) -> HttpResponse:
    _require_setup(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if step not in BY_SLUG:
        raise Http404("No such step.")
    answers = _Answers(request)
    index = [s.slug for s in STEPS].index(step)
    earlier = next((s.slug for s in STEPS[:index] if answers.cleaned(s.slug) is None), None)
    if earlier:
        return redirect("reviews:setup_step", earlier)
    if request.method == "POST":
        form = BY_SLUG[step].form_class(request.POST, **answers._context_for(step))
        if form.is_valid():
            answers.save(step, request.POST)
            nxt = answers.first_unfinished()
            return redirect("reviews:setup_step", nxt) if nxt else redirect("reviews:setup_check")
    else:
        form = answers.form(step)
    context = {"form": form, "step": BY_SLUG[step], "number": index + 1, "count": len(STEPS), "steps": STEPS}
    return render(request, f"reviews/setup/{step}.html", context)


def setup_check(request: HttpRequest) -> HttpResponse:
    _require_setup(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    answers = _Answers(request)
    unfinished = answers.first_unfinished()
    if unfinished:
        if request.method == "POST":
            messages.error(request, "Some answers are missing or no longer fit: answer this step again.")
        return redirect("reviews:setup_step", unfinished)
    answered = {step.slug: answers.cleaned(step.slug) for step in STEPS}
    if request.method == "POST":
        try:
            review, made = _create(request, answered, answers.form("scope"))
        except invitations.Refused as refused:
            for problem in refused.problems:
                messages.error(request, problem)
            return redirect("reviews:setup_step", "team")
        answers.clear()
        request.session["review_setup_done"] = {"review": review.pk, "invited": [i.pk for i in made]}
        return redirect("reviews:setup_done", review.pk)
    return render(request, "reviews/setup/check.html", {"answers": answered, "summary": _summary(answered)})


def _summary(answered: dict) -> list[dict]:
    council, dates, framework, team = (answered[k] for k in ("council", "dates", "framework", "team"))
    accounts = invitations.existing_accounts([person.email for person in team["team"]])
    chosen = answered["scope"]
    date_rows = [
        (DatesStep.base_fields[name].label.removesuffix(" (optional)"), dates.get(name)) for name in DATE_FIELDS
    ]
    return [
        {
            "step": "council",
            "rows": [
                ("Council", council["council"].name),
                ("Name", review_title(council["council"], council["title"], dates)),
            ],
        },
        {
            "step": "dates",
            "rows": [(label, f"{value:%-d %B %Y}" if value else "Not set yet") for label, value in date_rows]
            + [("Earlier review", str(dates["previous_review"]) if dates.get("previous_review") else "None")],
        },
        {
            "step": "framework",
            "rows": [("Framework", str(framework["framework"])), ("Grade scale", framework["grade_scale"].name)],
        },
        {
            "step": "scope",
            "lists": [
                ("Scope areas", [str(area) for area in chosen["scope_areas"]] + chosen["local_scope_items"]),
                ("Focus areas", [area.title for area in chosen["focus_areas"]] + chosen["local_lines_of_enquiry"]),
                ("Specific circumstances", [area.title for area in chosen["circumstances"]]),
            ],
            "own": len(chosen["local_scope_items"]) + len(chosen["local_lines_of_enquiry"]),
        },
        {
            "step": "team",
            # Someone with an account already joins as that account, whatever name was typed: say whose it is.
            "people": [
                (person.name, person.email, Role(person.role).label, accounts.get(person.email.lower()))
                for person in team["team"]
            ],
            "lead_is_me": team["who_leads"] == TeamStep.LEAD_ME,
        },
    ]


def _create(request: HttpRequest, answered: dict, scope_form: ScopeForm):
    council, dates, framework, team = (answered[k] for k in ("council", "dates", "framework", "team"))
    with transaction.atomic():
        review = Review(
            council=council["council"],
            title=review_title(council["council"], council["title"], dates),
            framework=framework["framework"],
            grade_scale=framework["grade_scale"],
            previous_review=dates.get("previous_review"),
            **{name: dates.get(name) for name in DATE_FIELDS},
        )
        review.full_clean()
        review.save()
        scope_form.is_valid()
        scope_form.set_scope(review)
        if team["who_leads"] == TeamStep.LEAD_ME:
            ReviewMembership.objects.create(review=review, user=request.user, role=Role.LEAD)
        made = invitations.invite(review=review, people=team["team"], invited_by=request.user, labels=team["labels"])
    return review, made


def setup_done(request: HttpRequest, created_id: int) -> HttpResponse:
    """The confirmation, for the person who just set the review up (who may not be in its team)."""
    _require_setup(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    done = request.session.get("review_setup_done") or {}
    if done.get("review") != created_id:
        raise Http404("No such page.")
    review = get_object_or_404(Review.objects.select_related("council"), pk=created_id)
    invited = review.invitations.filter(pk__in=done.get("invited", [])).select_related("user").order_by("pk")
    context = {
        "review": review,
        "invited": invited,
        "is_member": review.memberships.filter(user=request.user).exists(),
        "programme": request.user.has_perm("reviews.view_programme"),
        "email_set_up": email_is_set_up(),
    }
    return render(request, "reviews/setup/done.html", context)


# The lead tailors the scope afterwards


@require_http_methods(["GET", "POST"])
def scope_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_schedule(membership))
    if request.method == "POST":
        with transaction.atomic():
            locked = Review.objects.select_for_update().get(pk=review.pk)
            form = ScopeForm(request.POST, framework=review.framework, review=locked, button="Save the scope")
            stale = _stale(request, locked)
            if stale:
                form.is_valid()
                form.add_error(None, stale)
            elif form.is_valid():
                form.set_scope(locked)
                locked.version += 1
                locked.save(update_fields=["version"])
                messages.success(request, "The review's scope is saved: every page and report now follows it.")
                return redirect("reviews:scope", review.pk)
    else:
        form = ScopeForm(framework=review.framework, review=review, button="Save the scope")
    context = {
        "review": review,
        "membership": membership,
        "form": form,
        "own_scope": review.local_scope_areas.order_by("order"),
        "own_focus": review.local_focus_areas.order_by("kind", "order"),
    }
    return render(request, "reviews/scope_form.html", context)


def _stale(request: HttpRequest, review: Review) -> str:
    if posted_int(request) != review.version:
        return f"Someone else changed this review after you opened the page, {SAVED} {OPEN_AGAIN}"
    return ""


@require_http_methods(["POST"])
def scope_remove_own(request: HttpRequest, review_id: int, kind: str, item_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_schedule(membership))
    model = {"scope": ScopeArea, "enquiry": FocusArea}.get(kind)
    if model is None:
        raise Http404("No such item.")
    item = get_object_or_404(model, review=review, pk=item_id)
    problem = scope.remove_local(item)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, f"“{item.title}” is no longer in the review's scope.")
    return redirect(reverse("reviews:scope", args=[review.pk]))
