"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP) or a one-time recovery code.

Required for the accounts that can see most: administrators, programme managers, and anyone who is a lead or
challenge manager of a review or a review's safeguarding lead (`required_for`). Anyone else may set it up, and is
then asked for a code at every sign-in too. Until an account has passed the second step in this session, every
page (the admin's included) sends it to the step it still owes (`SecondFactorMiddleware`): the code if it has an
authenticator set up, setting one up if it needs one. `TWO_FACTOR_ENFORCED` turns the check off (the tests' own
clients sign in without it; the tests of this file turn it back on).

Codes are checked by django-otp, which refuses a code used before (each 30-second step once) and makes each
wrong code wait twice as long as the last before another is tried. Recovery codes work once each.
"""

import datetime
import logging
import time
from base64 import b32decode, b32encode
from binascii import hexlify

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import stages
from .compiled import Compiled
from .models import ReviewMembership, Role

log = logging.getLogger(__name__)

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# How long the answer to "must this account use a second factor?" is kept in the session before it is asked
# again, so that a member made a lead mid-session is asked within a minute, without a query on every page.
RECHECK_SECONDS = 60
_REQUIRED_KEY = "two_factor_required"
_PENDING_KEY = "two_factor_pending_device"
_VERIFIED_AT_KEY = "two_factor_verified_at"
# Changing the factor itself (a new app, new recovery codes, turning it off) needs a code entered this recently.
RECENT_SECONDS = 10 * 60


def required_for(user: AbstractBaseUser) -> bool:
    """Whether this account must use a second factor: it can see a whole programme, configure the site, or lead
    a review or its safeguarding."""
    if user.is_staff or user.is_superuser or user.has_perm("reviews.view_programme"):
        return True
    if ReviewMembership.objects.filter(user=user, role__in=[Role.LEAD, Role.CHALLENGE_MANAGER]).exists():
        return True
    return stages.is_safeguarding_lead(user)


def _required_cached(request: HttpRequest) -> bool:
    checked = request.session.get(_REQUIRED_KEY)
    now = time.time()
    if checked and now - checked[1] < RECHECK_SECONDS:
        return bool(checked[0])
    required = required_for(request.user)
    request.session[_REQUIRED_KEY] = [required, now]
    return required


def mark_verified(request: HttpRequest) -> None:
    request.session[_VERIFIED_AT_KEY] = time.time()
    request.session.pop(_PENDING_KEY, None)


def recently_verified(request: HttpRequest) -> bool:
    return time.time() - request.session.get(_VERIFIED_AT_KEY, 0) < RECENT_SECONDS


def exempt(view):
    """Mark a view an account may open before its second step: the steps themselves, signing out."""
    view.second_factor_exempt = True
    return view


# The device a session passed its second step with, which every page loads: its SQL is made once a process.
_DEVICES = {
    model._meta.label_lower: Compiled(lambda device_id, model=model: model.objects.filter(pk=device_id))
    for model in (TOTPDevice, StaticDevice)
}


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's, reading the session's device (`app_label.model/id`) by compiled SQL. Anything else it does as
    django-otp does: a device of another account, or unconfirmed, counts as none."""

    def _device_from_persistent_id(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        load = _DEVICES.get(label)
        if load is None or not device_id.isascii() or not device_id.isdigit() or len(device_id) > 18:
            return super()._device_from_persistent_id(persistent_id)
        found = load(int(device_id))
        return found[0] if found else None


class SecondFactorMiddleware:
    """Every page, for a signed-in account that has not passed its second step this session, sends it there.

    After django-otp's OTPMiddleware (which tells whether this session passed it) and the sign-in check. Public
    pages (`login_not_required`) and the views marked `exempt` are let through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_ENFORCED or not request.user.is_authenticated or request.user.is_verified():
            return None
        if getattr(view_func, "second_factor_exempt", False) or not getattr(view_func, "login_required", True):
            return None
        query = urlencode({"next": request.get_full_path()})
        if user_has_device(request.user):
            return HttpResponseRedirect(f"{reverse('two_factor')}?{query}")
        if _required_cached(request):
            return HttpResponseRedirect(f"{reverse('two_factor_setup')}?{query}")
        return None


# Devices


def normalise(code: str) -> str:
    """What a person types, as the devices store it: no spaces or dashes, lower case."""
    return "".join(code.split()).replace("-", "").lower()


def pending_app(request: HttpRequest) -> TOTPDevice:
    """The authenticator this session is setting up, with a secret of its own.

    Kept in the session, so reloading the page shows the same secret, but never shared with another session of
    the account: someone else holding the password cannot see, or plant, the secret its owner then confirms.
    Unconfirmed devices left more than a day are cleared as a new one is made.
    """
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=request.session.get(_PENDING_KEY)).first()
    if device is None:
        stale = timezone.now() - datetime.timedelta(days=1)
        TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=stale).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        request.session[_PENDING_KEY] = device.pk
    return device


def secret_of(device: TOTPDevice) -> str:
    """The device's secret in base32, as authenticator apps take it typed in."""
    return b32encode(device.bin_key).decode()


def grouped(secret: str) -> str:
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def confirm_app(user: AbstractBaseUser, device: TOTPDevice) -> None:
    """The authenticator being set up has given a right code: it replaces any earlier one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk, user=user).update(confirmed=True)
    log.info("two-factor authenticator set up", extra={"user_id": user.pk})


def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """A fresh set of recovery codes, replacing any earlier set; shown once, as `xxxx-xxxx`."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    log.info("two-factor recovery codes issued", extra={"user_id": user.pk})
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_app(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def reset(user: AbstractBaseUser, by: AbstractBaseUser) -> int:
    """Remove every second factor of an account (a lost phone), recorded in the admin's history with who did it.

    The account is asked to set one up again at its next page if it needs one. Returns the devices removed.
    """
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[1].get("otp_static.StaticDevice", 0)
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=type(user).objects.filter(pk=user.pk),
            action_flag=CHANGE,
            change_message=f"Reset two-factor sign-in ({removed} device{'s' if removed != 1 else ''} removed).",
            single_object=True,
        )
    log.warning("two-factor sign-in reset", extra={"user_id": user.pk, "by_user_id": by.pk})
    return removed


def set_known_secret(user: AbstractBaseUser, secret: str) -> None:
    """Give an account a confirmed authenticator with this base32 secret (the demo's published one)."""
    key = hexlify(b32decode(secret.replace(" ", "").upper())).decode()
    TOTPDevice.objects.filter(user=user).exclude(key=key, confirmed=True).delete()
    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True)


def valid_secret(secret: str) -> bool:
    """Base32 of at least 80 bits (16 characters), as authenticator apps accept."""
    cleaned = secret.replace(" ", "").upper()
    try:
        return len(b32decode(cleaned)) >= 10
    except ValueError:
        return False
