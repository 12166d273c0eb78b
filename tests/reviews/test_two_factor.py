"""Two-factor sign-in: who must use it, setting it up, signing in with it, recovery codes, resets, and that no page
is reachable before the second step."""

import re
import time
from base64 import b32decode

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from focusgroups.models import QuestionnaireSettings
from reviews import two_factor
from reviews.models import Role

from ..factories import MembershipFactory, UserFactory
from ..test_url_walker import PARAMETER, walk

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def code(secret: str = SECRET, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def signed_in(user) -> Client:
    """Signed in with the password only, as after the sign-in page."""
    client = Client()
    client.force_login(user)
    return client


def with_app(user, secret: str = SECRET):
    two_factor.set_known_secret(user, secret)
    return user


# Who must use it


@pytest.mark.django_db
def test_the_roles_that_see_most_must_use_two_factor_sign_in(review, lead, challenge_manager, peer, organiser):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    programme = UserFactory(username="prog")
    programme.user_permissions.add(Permission.objects.get(codename="view_programme"))
    safeguarding = MembershipFactory(review=review, role=Role.PEER, user=UserFactory(username="sg")).user
    QuestionnaireSettings.objects.update_or_create(review=review, defaults={"safeguarding_lead": safeguarding})

    assert two_factor.required_for(admin)
    assert two_factor.required_for(programme)
    assert two_factor.required_for(lead)
    assert two_factor.required_for(challenge_manager)
    assert two_factor.required_for(safeguarding)
    assert not two_factor.required_for(peer)
    assert not two_factor.required_for(organiser)


# Setting it up


def test_a_lead_without_an_app_is_sent_to_set_one_up_and_then_reaches_the_page(review, lead):
    client = signed_in(lead)
    overview = f"/reviews/{review.pk}/"

    sent = client.get(overview)
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/two-factor/setup/?next=")

    page = client.get(sent["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "QR code" in page.content.decode()
    secret = "".join(page.context["secret"].split())
    assert two_factor.valid_secret(secret)

    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000" if code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=lead, confirmed=True).exists()

    reloaded = client.get("/accounts/two-factor/setup/")
    assert "".join(reloaded.context["secret"].split()) == secret  # the same key until it is confirmed

    TOTPDevice.objects.filter(user=lead).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post("/accounts/two-factor/setup/", {"code": code(secret), "next": overview})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", one) for one in codes)
    assert "This is the only time they are shown" in done.content.decode()
    assert TOTPDevice.objects.filter(user=lead, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=lead).count() == 10

    assert client.get(overview).status_code == 200


def test_each_session_sets_up_its_own_secret_so_a_password_alone_cannot_plant_one(lead):
    intruder, owner = signed_in(lead), signed_in(lead)
    planted = "".join(intruder.get("/accounts/two-factor/setup/").context["secret"].split())
    own = "".join(owner.get("/accounts/two-factor/setup/").context["secret"].split())
    assert planted != own

    owner.post("/accounts/two-factor/setup/", {"code": code(own)})

    assert TOTPDevice.objects.get(user=lead).bin_key == b32decode(own)
    assert signed_in(lead).post("/accounts/two-factor/", {"code": code(planted)}).status_code == 200
    assert intruder.post("/accounts/two-factor/setup/", {"code": code(planted)})["Location"].startswith(
        "/accounts/two-factor/?"
    )


def test_changing_the_factor_needs_a_code_entered_in_the_last_minutes(lead):
    with_app(lead)
    client = signed_in(lead)
    client.post("/accounts/two-factor/", {"code": code()})
    session = client.session
    session["two_factor_verified_at"] = time.time() - two_factor.RECENT_SECONDS - 1
    session.save()

    for response in (
        client.post("/accounts/two-factor/manage/", {"action": "codes"}),
        client.get("/accounts/two-factor/setup/"),
    ):
        assert response.status_code == 302 and "again=1" in response["Location"], response["Location"]
    asked = client.get("/accounts/two-factor/?again=1&next=/accounts/two-factor/manage/")
    assert "To change your two-factor sign-in, confirm it is you." in asked.content.decode()
    confirmed = client.post("/accounts/two-factor/", {"code": code(steps_ahead=1), "again": "1"})
    assert confirmed.status_code == 302
    assert client.post("/accounts/two-factor/manage/", {"action": "codes"}).status_code == 200


def test_someone_with_a_password_alone_cannot_replace_the_app(lead):
    with_app(lead)
    client = signed_in(lead)

    response = client.get("/accounts/two-factor/setup/")
    posted = client.post("/accounts/two-factor/setup/", {"code": "123456"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?")
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/two-factor/?")
    assert list(TOTPDevice.objects.filter(user=lead).values_list("confirmed", flat=True)) == [True]


# Signing in with it


def test_the_whole_sign_in_with_password_then_code(review, lead):
    with_app(lead)
    client = Client()
    overview = f"/reviews/{review.pk}/"

    after_password = client.post("/accounts/login/", {"username": "lead", "password": PASSWORD, "next": overview})
    assert after_password.status_code == 302 and after_password["Location"] == overview
    asked = client.get(overview)
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/two-factor/?next=")
    assert client.get(asked["Location"]).status_code == 200
    session_before = client.session.session_key

    done = client.post("/accounts/two-factor/", {"code": code(), "next": overview})

    assert done.status_code == 302 and done["Location"] == overview
    assert client.get(overview).status_code == 200
    assert client.session.session_key != session_before


def test_a_code_works_once(review, lead):
    with_app(lead)
    used = code()
    first, second = signed_in(lead), signed_in(lead)

    assert first.post("/accounts/two-factor/", {"code": used})["Location"] == "/"
    refused = second.post("/accounts/two-factor/", {"code": used})

    assert refused.status_code == 200
    assert "has been used already" in refused.content.decode()
    assert second.get(f"/reviews/{review.pk}/").status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the code as 6 digits, or a recovery code"),
        ("1234567", "Enter the code as 6 digits, or a recovery code"),
        ("12 34 5x", "Enter the code as 6 digits, or a recovery code"),
        ("x" * 21, "check what you entered"),
        ("abc\x00defg", "holds a character that cannot be stored"),
        ("ééééffff", "Enter the code as 6 digits, or a recovery code"),
    ],
)
def test_bad_codes_are_named_and_sign_no_one_in(lead, typed, message):
    with_app(lead)
    client = signed_in(lead)

    response = client.post("/accounts/two-factor/", {"code": typed})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get("/accounts/two-factor/manage/").status_code == 302


def test_wrong_codes_make_the_next_try_wait(lead, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    with_app(lead)
    client = signed_in(lead)
    right = code()
    wrong = "000000" if right != "000000" else "111111"

    client.post("/accounts/two-factor/", {"code": wrong})
    waiting = client.post("/accounts/two-factor/", {"code": right})

    assert "Too many wrong codes. Wait" in waiting.content.decode()
    assert client.get("/accounts/two-factor/manage/").status_code == 302


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(lead):
    with_app(lead)
    codes = two_factor.new_recovery_codes(lead)
    first = signed_in(lead)

    response = first.post("/accounts/two-factor/", {"code": codes[0].upper().replace("-", " ")}, follow=True)

    assert response.status_code == 200
    assert "You have 9 left" in response.content.decode()
    again = signed_in(lead).post("/accounts/two-factor/", {"code": codes[0]})
    assert again.status_code == 200 and "That code is not right" in again.content.decode()
    assert StaticToken.objects.filter(device__user=lead).count() == 9


def test_a_recovery_code_of_digits_only_is_still_a_recovery_code(lead):
    with_app(lead)
    device = StaticDevice.objects.create(user=lead, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="23456723")

    response = signed_in(lead).post("/accounts/two-factor/", {"code": "2345-6723"})

    assert response.status_code == 302
    assert not StaticToken.objects.filter(device=device).exists()


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)"])
def test_the_next_address_never_leaves_the_site(lead, target):
    with_app(lead)

    response = signed_in(lead).post("/accounts/two-factor/", {"code": code(), "next": target})

    assert response.status_code == 302 and response["Location"] == "/"


def test_others_may_choose_it_and_are_then_asked_for_a_code(review, peer):
    client = signed_in(peer)
    assert client.get(f"/reviews/{review.pk}/").status_code == 200

    with_app(peer)
    asked = client.get(f"/reviews/{review.pk}/")

    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/two-factor/?")


# Every page waits for the second step


def _filled(route: str) -> str:
    def value(match: re.Match) -> str:
        return "1" if match.group("converter") in {"int", "path"} else "x"

    return "/" + PARAMETER.sub(value, route)


def _exempt(pattern: URLPattern) -> bool:
    view = pattern.callback
    return getattr(view, "second_factor_exempt", False) or not getattr(view, "login_required", True)


def test_the_pages_open_before_the_second_step_are_only_these():
    open_routes = {route for route, pattern in walk() if _exempt(pattern)}

    assert {route for route in open_routes if not route.startswith("admin/")} == {
        "health/",
        "health/ready/",
        "accessibility/",
        "data-protection/",
        "q/<str:token>/",
        "accounts/login/",
        "accounts/logout/",
        "accounts/session/extend/",
        "accounts/two-factor/",
        "accounts/two-factor/setup/",
        "accounts/invitation/<str:uidb64>/<str:token>/",
        "vote/",
        "vote/ballot/<str:code>/",
    }
    assert {route for route in open_routes if route.startswith("admin/")} == {"admin/login/"}


@pytest.mark.parametrize("route", sorted({route for route, pattern in walk() if not _exempt(pattern)}))
def test_every_other_page_sends_an_unverified_account_to_its_code(route, lead):
    with_app(lead)
    client = signed_in(lead)
    url = _filled(route)

    got = client.get(url)
    posted = client.post(url, {})

    for response in (got, posted):
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/?next="), url


def test_the_admin_asks_for_the_code_and_its_sign_in_is_the_same(client, db):
    admin = with_app(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.force_login(admin)

    asked = client.get("/admin/")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/two-factor/?next=%2Fadmin%2F")
    assert client.post("/accounts/two-factor/", {"code": code(), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # No admin page shows an authenticator's key or a recovery code.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# Managing it, and resetting a lost one


def test_new_recovery_codes_replace_the_old(lead):
    with_app(lead)
    old = two_factor.new_recovery_codes(lead)
    client = signed_in(lead)
    client.post("/accounts/two-factor/", {"code": code()})

    page = client.get("/accounts/two-factor/manage/")
    assert "Recovery codes left" in page.content.decode()
    new = client.post("/accounts/two-factor/manage/", {"action": "codes"}).context["codes"]

    assert set(new).isdisjoint(old)
    stored = set(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    assert stored == {one.replace("-", "") for one in new}


def test_only_those_who_need_not_use_it_may_turn_it_off(lead, peer):
    for user in (lead, peer):
        with_app(user)
    lead_client, peer_client = signed_in(lead), signed_in(peer)
    lead_client.post("/accounts/two-factor/", {"code": code()})
    peer_client.post("/accounts/two-factor/", {"code": code()})

    lead_client.post("/accounts/two-factor/manage/", {"action": "off"})
    peer_client.post("/accounts/two-factor/manage/", {"action": "off"})

    assert two_factor.has_app(lead)
    assert not two_factor.has_app(peer)


def test_an_admin_resets_a_lost_factor_and_it_is_recorded(lead):
    with_app(lead)
    two_factor.new_recovery_codes(lead)
    admin = with_app(UserFactory(username="root", is_staff=True, is_superuser=True))
    client = signed_in(admin)
    client.post("/accounts/two-factor/", {"code": code()})

    response = client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [lead.pk]}, follow=True
    )

    assert "Two-factor sign-in reset for lead" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=lead).exists()
    assert not StaticDevice.objects.filter(user=lead).exists()
    entry = LogEntry.objects.get(object_id=str(lead.pk))
    assert entry.user == admin and "Reset two-factor sign-in (2 devices removed)" in entry.change_message
    # The lead is asked to set up a new app at the next page.
    assert signed_in(lead).get("/accounts/two-factor/manage/")["Location"].startswith("/accounts/two-factor/setup/")


def test_signed_out_visitors_are_sent_to_sign_in_first(client):
    for url in ("/accounts/two-factor/", "/accounts/two-factor/setup/", "/accounts/two-factor/manage/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
