"""Sessions that end after inactivity without losing work (WCAG 2.2.1).

Every page warns two minutes before the session ends and offers to stay signed in (`extend`). If it ends all the
same, a form sent after it ended is not lost: its fields are kept in the browser's new session, the person signs
in and is sent back to the same address, and the form is sent again for them, once, as they sent it. Only the
person who was signed in gets it back: the draft records who that was, from the session that ended.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse, QueryDict
from django.views.decorators.http import require_POST

DRAFT_KEY = "draft_after_timeout"
# A draft is sent again only if its owner signs in within this time.
DRAFT_SECONDS = 15 * 60
# Fields never kept: the CSRF token (a fresh one is checked at sign-in) and anything secret.
DROPPED_FIELDS = {"csrfmiddlewaretoken"}
MAX_DRAFT_CHARACTERS = 200_000
# A signed-in session's end is moved on by activity at most once in settings.SESSION_REFRESH_SECONDS: a page opened
# within that time of the last move writes nothing, so most pages cost no session write. The page is told the time
# really left.
REFRESHED_KEY = "refreshed_at"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that an unchanged session is saved (moving its end on) only once every REFRESH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session on every page; here a page that changes nothing in the
    session writes it only when the last write is SESSION_REFRESH_SECONDS old, so the session still ends after
    SESSION_COOKIE_AGE of inactivity, give or take SESSION_REFRESH_SECONDS, and `seconds_left` tells the page which.
    """

    def process_request(self, request):
        super().process_request(request)
        session = request.session
        # Only a signed-in session is moved on: a cookie naming no session (made up, or one that ended) gets none.
        signed_in = session.session_key is not None and session.get(SESSION_KEY) is not None
        # Due for a write: marked now, so the page already says the time the write gives it.
        if signed_in and int(time.time()) - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = int(time.time())

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.modified and not session.is_empty():
            session[REFRESHED_KEY] = int(time.time())  # written anyway: its end moves on from now
        return super().process_response(request, response)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    """Signing in writes the session: its end is counted from now."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(time.time())


def seconds_left(request: HttpRequest) -> int:
    """How long this session has before it ends, if nothing more is done (SESSION_COOKIE_AGE after its last write)."""
    refreshed = request.session.get(REFRESHED_KEY)
    if refreshed is None or request.session.modified:  # written after this page: the whole age from now
        return settings.SESSION_COOKIE_AGE
    return max(0, min(settings.SESSION_COOKIE_AGE, refreshed + settings.SESSION_COOKIE_AGE - int(time.time())))


@require_POST
def extend(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": any request saves the session with a new expiry; this one says how long it now has."""
    request.session.modified = True
    return JsonResponse({"seconds": settings.SESSION_COOKIE_AGE})


def _user_of_ended_session(request: HttpRequest) -> str | None:
    """The id of the user whose session just ended, read from its stored record (None if it is gone)."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    record = Session.objects.filter(session_key=session_key).first()
    if record is None:
        return None
    return record.get_decoded().get(SESSION_KEY)


def keep_draft(request: HttpRequest) -> bool:
    """Keep what a POST after the session ended carried, for its owner to send again after signing in."""
    user_id = _user_of_ended_session(request)
    if user_id is None or request.FILES:
        return False
    data = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in DROPPED_FIELDS and "password" not in name.lower()
    }
    if not data or sum(len(value) for values in data.values() for value in values) > MAX_DRAFT_CHARACTERS:
        return False
    request.session[DRAFT_KEY] = {"user": user_id, "path": request.path, "data": data, "at": time.time()}
    return True


def take_draft(request: HttpRequest) -> QueryDict | None:
    """The draft for this signed-in user's GET of the draft's address, removed so it is sent only once."""
    draft = request.session.get(DRAFT_KEY)
    if not draft or request.method != "GET" or draft["path"] != request.path:
        return None
    del request.session[DRAFT_KEY]
    if draft["user"] != str(request.user.pk) or time.time() - draft["at"] > DRAFT_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for name, values in draft["data"].items():
        data.setlist(name, values)
    data._mutable = False
    return data
