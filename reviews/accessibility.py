"""The public statements: accessibility, in the GOV.UK format public-sector services publish (WCAG 2.2 AA), and
data protection."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import not_logged

PREPARED_ON = datetime.date(2026, 12, 3)
LAST_REVIEWED_ON = datetime.date(2026, 12, 3)


@login_not_required
@not_logged("a public statement; nothing about a review")
@require_GET
def data_protection(request: HttpRequest) -> HttpResponse:
    """What the service holds, where, for how long, who can see it and how it is deleted: public, like this one."""
    return render(
        request,
        "reviews/data_protection.html",
        {"contact_email": settings.DATA_PROTECTION_CONTACT_EMAIL, "idle_minutes": settings.SESSION_COOKIE_AGE // 60},
    )


@login_not_required
@not_logged("a public statement; nothing about a review")
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    """Public, like the questionnaires it covers: children, parents and partners read it without an account."""
    return render(
        request,
        "reviews/accessibility.html",
        {
            "prepared_on": PREPARED_ON,
            "last_reviewed_on": LAST_REVIEWED_ON,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        },
    )
