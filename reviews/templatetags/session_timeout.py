from django import template
from django.conf import settings

from reviews import sessions

register = template.Library()

# The warning comes this long before the session ends (GOV.UK's timeout pattern gives two minutes).
WARNING_SECONDS = 120


@register.inclusion_tag("includes/session_timeout.html", takes_context=True)
def session_timeout(context: template.Context) -> dict:
    """`{% session_timeout %}`: the dialog that warns a signed-in person before their session ends."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "session_seconds": sessions.seconds_left(request),
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        "warning_seconds": min(WARNING_SECONDS, settings.SESSION_COOKIE_AGE),
    }
