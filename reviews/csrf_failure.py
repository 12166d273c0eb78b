"""What someone sees when a form's security check (CSRF) fails: a page that says what happened and what to do, never
Django's technical page, and, where the view offers one, its own page that keeps what was typed.

The check fails when a page was open so long that its token changed (a sign-in in another tab), or when the
browser does not keep the cookie the check needs. A view marks its own answer with `keeps_typed_answers`: the
public questionnaire shows the answers again, not sent, with a fresh token, so a child's words are not lost.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from peerreview.logs import is_anonymous_path


def keeps_typed_answers(on_failure: Callable[..., HttpResponse]) -> Callable:
    """Mark a view whose failed security check is answered by `on_failure(request, *args, **kwargs)`."""

    def mark(view: Callable) -> Callable:
        view.csrf_failure = on_failure
        return view

    return mark


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    on_failure = getattr(match.func, "csrf_failure", None) if match else None
    # Only a form sent by POST has typed answers to keep; any other method (a PUT or DELETE sent by a script) gets
    # the plain page below.
    if on_failure is not None and request.method == "POST":
        return on_failure(request, *match.args, **match.kwargs)
    return render(request, "403_csrf.html", {"layout": layout_for(request)}, status=403)


def layout_for(request: HttpRequest) -> str:
    """The layout of a page the site answers in place of a view's: the public one (with its help for a child in
    danger) for the questionnaire's and the vote's pages only; a sign-in page, or any other staff page, keeps the
    staff layout, signed in or not."""
    return "public_base.html" if is_anonymous_path(request.path_info) else "base.html"
