"""Sign-in lockout, kept separately per account and per address.

Per account (django-axes, keyed on the username alone): `AXES_FAILURE_LIMIT` failed sign-ins within an hour, from
any addresses, pause that account's sign-in for an hour, so guessing one person's password from many machines
fails. Per address (counted here): `LOGIN_FAILURE_LIMIT_PER_ADDRESS` failed sign-ins within an hour, whatever
usernames they tried, pause sign-in from that address, so one machine cannot try a few passwords on every account.
The address limit is set well above the account limit because a council's whole office may share one address
behind its proxy; the address is read by `throttle.client_address`, which believes only trusted proxies.
"""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import throttle
from .access import not_logged
from .forms import LoginForm

PAUSE = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


def address_limit() -> throttle.Limit:
    return throttle.Limit("sign-in-address", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS, int(PAUSE.total_seconds()))


@receiver(user_login_failed)
def count_failure_from_address(sender, credentials=None, request=None, **kwargs) -> None:
    address = throttle.client_address(request) if request is not None else None
    if address:  # with no address there is nothing to key on: the account's own limit still holds
        throttle.hit(address_limit(), address)


def address_paused(request: HttpRequest) -> bool:
    address = throttle.client_address(request)
    return bool(address) and throttle.count(address_limit(), address) >= address_limit().count


def paused_accounts(usernames) -> dict[str, datetime.datetime]:
    """The usernames among these whose sign-in is paused now, with when the pause ends (one query)."""
    since = timezone.now() - PAUSE
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"]: row["last"] + PAUSE for row in rows}


_login = auth_views.LoginView.as_view(authentication_form=LoginForm)


@login_not_required
@not_logged("the sign-in page; reading it reads nothing about a review")
def login(request: HttpRequest) -> HttpResponse:
    """Django's sign-in, refused with the paused page while too many failures have come from this address."""
    if request.method == "POST" and address_paused(request):
        return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"paused": "address"}, status=429)
    return _login(request)
