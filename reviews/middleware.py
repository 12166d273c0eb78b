from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import LazyObject

from . import sessions
from .compiled import Compiled
from .csrf_failure import layout_for
from .models import ReviewMembership
from .permissions import can_view_programme

# The membership with its review, kept for `load_review` so the view does not ask again. A person has at most one
# membership of a review (a unique constraint), so it is sliced, not ordered: `first()` would make every page sort by
# an ORDER BY that changes nothing. Every page of a review asks it, so its SQL is made once a process.
_MEMBERSHIP = Compiled(
    lambda review_id, user_id: ReviewMembership.objects.filter(review_id=review_id, user_id=user_id).select_related(
        "review__council", "review__framework", "review__grade_scale"
    )[:1],
    arity=2,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_WHEN_ARCHIVED = "open_when_archived"


def open_when_archived(reason: str):
    """Mark a view that takes a form but changes nothing of the review (it asks for a copy of what is there, or
    deletes such a copy), so an archived review's members may still use it; the reason is kept and tested."""

    def mark(view):
        setattr(view, OPEN_WHEN_ARCHIVED, reason)
        return view

    return mark


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, except that a form sent after the session ended is kept to be sent again after sign-in, and that
    a page for signed-in people gets the account itself as `request.user`.

    Django and django-otp each wrap the account in a lazy object, so that a page that never asks who is signed in
    never loads them. A page that needs sign-in has asked by now, so the wrappers only cost: every `user.` in a
    template and every check in a view went through both, about 200 times a page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        refused = super().process_view(request, view_func, view_args, view_kwargs)
        if refused is None and getattr(view_func, "login_required", True):
            user = request.user
            while isinstance(user, LazyObject):
                user.__class__  # noqa: B018 (loads the account if nothing has yet)
                user = user._wrapped
            request.user = user
        return refused

    def handle_no_permission(self, request, view_func):
        if request.method == "POST" and sessions.keep_draft(request):
            messages.info(
                request,
                "You were signed out because you were inactive. What you entered is kept: sign in and it is sent again.",
            )
        return super().handle_no_permission(request, view_func)


class DraftReplayMiddleware:
    """Back at the form's address after signing in, the form kept when the session ended is sent again, once.

    It runs before the membership check, so the replayed POST meets it as any POST does (a non-member's 404, an
    archived review's refusal), then the view's own validation and permission checks; the CSRF check was passed
    both when the form was first sent and at sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or sessions.DRAFT_KEY not in request.session:
            return None
        data = sessions.take_draft(request)
        if data is not None:
            request.method = "POST"
            request.POST = data
        return None


class ReviewMembershipMiddleware:
    """Every URL with a review_id is for that review's members only; anyone else gets 404, whatever the method.

    Views still load the review through `load_review`; this makes the rule hold for every
    review-scoped URL, including a wrong method on a POST-only URL, before the view runs. The one exception is a
    view marked `open_to_programme` (counts and progress only), which programme managers may open too.
    An archived review (reviews/retention.py) refuses every change here, whatever the member's role; only a view
    marked `open_when_archived` (asking for a copy of the review or of its access log) still takes a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        review_id = view_kwargs.get("review_id")
        if review_id is None or not request.user.is_authenticated:
            return None
        if getattr(view_func, "open_to_programme", False) and can_view_programme(request.user):
            return None
        found = _MEMBERSHIP(review_id, request.user.pk)
        if not found:
            raise Http404("No such review.")
        membership = found[0]
        request.review_membership = membership
        review = membership.review
        archived = review.archived_at is not None
        if archived and request.method not in SAFE_METHODS and not getattr(view_func, OPEN_WHEN_ARCHIVED, None):
            # An archived review is read-only for everyone: one rule here, for every address of the review.
            context = {"title": review.title, "archived_at": review.archived_at}
            return render(request, "reviews/archived.html", context, status=403)
        return None


class NoStoreMiddleware:
    """Nothing this application answers may be kept by a browser or a proxy: `Cache-Control: no-store, private`.

    Every response that reaches it is private to someone (a member's page, a download of case-level
    data, a child's questionnaire, a sign-in form with its CSRF token), so it is set on all of them
    rather than on a list of pages that would miss the next one. A view that sets its own
    Cache-Control keeps it. Static files are answered by WhiteNoise before this and keep their long
    caching.
    """

    value = "no-store, private"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = self.value
        return response


class NotAllowedPageMiddleware:
    """A request with a method its address does not take (a form's address opened as a page, say) gets a page that
    says so in the site's layout, not Django's empty 405; the status and its `Allow` header stay. The public pages
    keep their own layout (with help for a child in danger)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False) or response.content:
            return response
        page = render(request, "405.html", {"layout": layout_for(request)}, status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
