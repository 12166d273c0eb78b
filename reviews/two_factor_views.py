"""The second step of signing in, setting up an authenticator app, and an account's own two-factor settings."""

import logging
import math

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor
from .access import not_logged
from .form_errors import NamedErrors

log = logging.getLogger(__name__)

NOT_LOGGED = "an account's own second factor; it reads nothing about a review"


class CodeForm(NamedErrors, forms.Form):
    code = forms.CharField(
        max_length=20,
        strip=True,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "A code is 6 digits, or a recovery code of 8 letters and numbers: check what you entered",
        },
    )

    def __init__(self, *args, recovery_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed

    def clean_code(self) -> str:
        code = two_factor.normalise(self.cleaned_data["code"])
        if code.isdigit() and len(code) == 6:
            return code
        if self.recovery_allowed and len(code) == 8 and code.isalnum() and code.isascii():
            return code
        if self.recovery_allowed:
            raise forms.ValidationError(
                "Enter the code as 6 digits, or a recovery code as 8 letters and numbers (like abcd-2345)"
            )
        raise forms.ValidationError("Enter the code as 6 digits, like 123456")


def _next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _wait_message(seconds: int) -> str:
    return f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, then try again."


def _verify(device, code: str) -> tuple[bool, int]:
    """Whether this device accepts the code; when it refuses to try yet, the seconds to wait."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        left = (data["locked_until"] - timezone.now()).total_seconds() if data and "locked_until" in data else 1
        return False, max(1, math.ceil(left))
    return bool(device.verify_token(code)), 0


def _accept(request: HttpRequest, code: str):
    """The device of this account that takes the code (6 characters: the app's; 8: a recovery code)."""
    model = TOTPDevice if len(code) == 6 else StaticDevice
    wait = 0
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=request.user, confirmed=True):
            accepted, device_wait = _verify(device, code)
            if accepted:
                return device, 0
            wait = max(wait, device_wait)
    return None, wait


def _signed_in(request: HttpRequest, device) -> None:
    otp_login(request, device)
    two_factor.mark_verified(request)
    # A new session key for the new level of trust, as at sign-in.
    request.session.cycle_key()


def _confirm_first(request: HttpRequest, then: str) -> HttpResponse:
    """Changing the factor itself needs a code entered in the last minutes, so an unattended session cannot."""
    return redirect(f"{reverse('two_factor')}?{urlencode({'next': then, 'again': '1'})}")


@two_factor.exempt
@not_logged(NOT_LOGGED)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code. With `again`, the
    same for someone signed in who is about to change their two-factor sign-in."""
    target = _next(request)
    again = (request.POST.get("again") or request.GET.get("again")) == "1"
    if request.user.is_verified() and not again:
        return redirect(target)
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': target})}")
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        device, wait = _accept(request, form.cleaned_data["code"])
        if device is not None:
            _signed_in(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code, which now cannot be used again. You have {left} left: "
                    "if you have lost your authenticator app, set up a new one from 'Two-factor sign-in'.",
                )
            return redirect(target)
        log.warning("two-factor code refused", extra={"user_id": request.user.pk})
        error = (
            _wait_message(wait)
            if wait
            else "That code is not right, or it has been used already. Enter the code your app shows now."
        )
        form.add_error("code", error)
    context = {"form": form, "next": target, "again": again}
    return render(request, "registration/two_factor_verify.html", context)


def _qr(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code to add this account to an authenticator app", svgclass="app-qr"
    )


@two_factor.exempt
@not_logged(NOT_LOGGED)
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code, keep the recovery codes."""
    target = _next(request)
    user = request.user
    if user_has_device(user) and not user.is_verified():
        # Replacing a factor takes the factor: nobody with the password alone swaps in their own phone.
        return redirect(f"{reverse('two_factor')}?{urlencode({'next': target})}")
    if two_factor.has_app(user) and not two_factor.recently_verified(request):
        return _confirm_first(request, f"{reverse('two_factor_setup')}?{urlencode({'next': target})}")
    device = two_factor.pending_app(request)
    form = CodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            accepted, wait = _verify(device, form.cleaned_data["code"])
            if accepted:
                two_factor.confirm_app(user, device)
        if wait:
            form.add_error("code", _wait_message(wait))
        elif accepted:
            codes = two_factor.new_recovery_codes(user)
            _signed_in(request, TOTPDevice.objects.get(pk=device.pk))
            return render(
                request, "registration/two_factor_codes.html", {"codes": codes, "next": target, "first": True}
            )
        else:
            form.add_error(
                "code",
                "That code is not right. Check that the app shows the account for this site, then enter the code "
                "it shows now.",
            )
    secret = two_factor.secret_of(device)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": target,
            "qr": _qr(device),
            "secret": two_factor.grouped(secret),
            "required": settings.TWO_FACTOR_ENFORCED and two_factor.required_for(user),
            "replacing": two_factor.has_app(user),
        },
    )


@not_logged(NOT_LOGGED)
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """An account's two-factor settings: what is set up, new recovery codes, and turning it off where allowed."""
    user = request.user
    required = two_factor.required_for(user)
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if app is not None and not two_factor.recently_verified(request):
            messages.info(request, "Enter a code to confirm it is you, then choose again.")
            return _confirm_first(request, reverse("two_factor_manage"))
        if action == "codes" and app is not None:
            codes = two_factor.new_recovery_codes(user)
            return render(
                request, "registration/two_factor_codes.html", {"codes": codes, "next": reverse("two_factor_manage")}
            )
        if action == "off" and app is not None and not required:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            log.info("two-factor sign-in turned off", extra={"user_id": user.pk})
            messages.success(request, "Two-factor sign-in is off. You sign in with your password only.")
            return redirect("two_factor_manage")
        messages.error(request, "That cannot be done for this account.")
        return redirect("two_factor_manage")
    return render(
        request,
        "registration/two_factor_manage.html",
        {"app": app, "codes_left": two_factor.recovery_codes_left(user), "required": required},
    )
