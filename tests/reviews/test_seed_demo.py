import io
from base64 import b32decode

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import (
    AccessLog,
    Case,
    Council,
    Finding,
    Partner,
    Review,
    ReviewMembership,
    Role,
    ThresholdLevel,
)

DEFAULT_PASSWORD = "peer-review-demo"
DEFAULT_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTHER_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

MEMBER_ROLES = {
    "lead": Role.LEAD,
    "challenge": Role.CHALLENGE_MANAGER,
    "peer": Role.PEER,
    "auditor": Role.CASE_AUDITOR,
    "sponsor": Role.SPONSOR,
    "organiser": Role.ORGANISER,
    "contributor": Role.CONTRIBUTOR,
    "observer": Role.OBSERVER,
    "lead2": Role.LEAD,
    "peer2": Role.PEER,
    "sponsor2": Role.SPONSOR,
}


@pytest.fixture(autouse=True)
def demo_settings(settings):
    # The test runner turns debug off; the default demo password needs it on, as in the quick start.
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Council, Partner, ThresholdLevel, Review, ReviewMembership, get_user_model(), Case, Finding, AccessLog]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    seed()
    first = counts()
    output = seed()
    assert counts() == first
    assert (
        f"Demo data ready: {first['Council']} councils, {first['Review']} reviews "
        "(one of them the earlier review of Northmoor Borough Council), "
        f"{first['Case']} cases, {first['Finding']} findings."
    ) in output
    assert first["Council"] >= 2
    assert first["Review"] >= 2
    assert first["Case"] >= 9
    assert first["Finding"] >= 11
    assert first["AccessLog"] >= 7


@pytest.mark.django_db
def test_the_demo_access_log_shows_who_read_which_case_from_documentation_addresses():
    seed()

    reads = AccessLog.objects.filter(object_kind="case")

    assert reads.count() >= 4
    assert {entry.user.username for entry in reads} == {"peer", "auditor"}
    assert all(entry.target == f"Case {Case.objects.get(pk=entry.object_id).reference}" for entry in reads)
    assert all(entry.address.startswith("192.0.2.") for entry in AccessLog.objects.all())


@pytest.mark.django_db
def test_demo_accounts_have_their_roles():
    seed()
    user_model = get_user_model()
    for username, role in MEMBER_ROLES.items():
        user = user_model.objects.get(username=username)
        assert list(user.review_memberships.values_list("role", flat=True)) == [role]
        assert user.email.endswith(".example")
    first = Review.objects.get(title=NORTHMOOR_REVIEW)
    second = Review.objects.get(council__name="Eastwick Vale Council")
    assert set(first.memberships.values_list("user__username", flat=True)) == {
        "lead",
        "challenge",
        "peer",
        "auditor",
        "sponsor",
        "organiser",
        "contributor",
        "observer",
        "amira.castell@northmoor.example",  # joined through the demo's accepted invitation
    }
    assert set(second.memberships.values_list("user__username", flat=True)) == {"lead2", "peer2", "sponsor2"}
    admin = user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not user_model.objects.get(username="programme").review_memberships.exists()


@pytest.mark.django_db
def test_lead_logs_in_with_the_default_password(rf):
    output = seed()
    assert "Open http://127.0.0.1:8000/ and log in." in output
    user = authenticate(rf.post("/"), username="lead", password=DEFAULT_PASSWORD)
    assert user is not None and user.username == "lead"


@pytest.mark.django_db
def test_programme_manager_can_see_the_programme():
    seed()
    programme = get_user_model().objects.get(username="programme")
    assert programme.has_perm("reviews.view_programme")
    assert not get_user_model().objects.get(username="lead").has_perm("reviews.view_programme")


@pytest.mark.django_db
def test_cases_use_their_own_council_thresholds():
    seed()
    assert not Case.objects.exclude(threshold_level__council=F("review__council")).exists()
    assert not Case.objects.filter(legal_status=Case.LegalStatus.CHILD_PROTECTION, cp_category="").exists()
    assert not Case.objects.exclude(legal_status=Case.LegalStatus.CHILD_PROTECTION).exclude(cp_category="").exists()
    northmoor = Council.objects.get(name="Northmoor Borough Council")
    eastwick_vale = Council.objects.get(name="Eastwick Vale Council")
    assert northmoor.threshold_levels.get(order=1).label == "Level 1: Universal"
    assert eastwick_vale.threshold_levels.get(order=1).label == "Universal"


@pytest.mark.django_db
def test_without_debug_a_password_is_required(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="give a password with --password"):
        seed()
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_without_debug_the_given_password_is_set(settings):
    settings.DEBUG = False
    seed(password="a-different-demo-passphrase", totp_secret=OTHER_SECRET)
    lead = get_user_model().objects.get(username="lead")
    assert lead.check_password("a-different-demo-passphrase")
    assert not lead.check_password(DEFAULT_PASSWORD)
    assert TOTPDevice.objects.get(user=lead).bin_key == b32decode(OTHER_SECRET)


@pytest.mark.django_db
def test_without_debug_an_authenticator_secret_is_required(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="give an authenticator secret with --totp-secret"):
        seed(password="a-different-demo-passphrase")
    assert not Review.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("secret", ["not base32!", "JBSWY3DP", "JBSWY3DPEHPK3PX"])
def test_a_secret_that_is_not_long_base32_is_refused(secret):
    with pytest.raises(CommandError, match="must be base32"):
        seed(totp_secret=secret)
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_the_accounts_that_must_use_two_factor_have_the_published_secret_and_it_is_printed():
    out = seed()

    with_app = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert with_app == {"admin", "programme", "lead", "challenge", "lead2"}
    assert all(device.bin_key == b32decode(DEFAULT_SECRET) for device in TOTPDevice.objects.all())
    assert f"Demo authenticator secret (TOTP, base32), for the accounts marked 2FA: {DEFAULT_SECRET}" in out
