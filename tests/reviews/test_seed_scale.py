"""seed_scale: a national programme's worth of fictional data, the same from the same seed, never mixed into a
database of real reviews, and each stage's records added through its hook."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from audits.models import CouncilAudit, Validation
from casemapping.models import Event
from focusgroups.models import Answer, Response
from reviews import scale, stages, transfer
from reviews.models import Case, Council, Finding, Review, ReviewMembership, Role

from ..factories import ReviewFactory

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
SMALL = ["--councils", "2", "--reviews-per-council", "2", "--cases", "3", "--events-per-case", "4"]
SMALL += ["--audits", "2", "--responses", "6", "--findings", "5", "--password", "scale-bench-password-1"]


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *SMALL, "--totp-secret", SECRET, *extra, stdout=out)
    return out.getvalue()


def fingerprint() -> list:
    """What the data set holds, by natural keys only (ids differ between databases)."""
    rows = [
        list(Review.objects.filter(council__name__startswith=scale.COUNCIL_PREFIX).values_list("title", "status")),
        list(Case.objects.values_list("reference", "age_band", "legal_status")),
        list(Event.objects.values_list("case__reference", "sequence", "date", "kind__slug")),
        list(Answer.objects.values_list("response__questionnaire__review__title", "question__order", "value")),
    ]
    return [sorted(tuple(map(str, row)) for row in table) for table in rows]


@pytest.mark.django_db
def test_builds_every_stage_into_each_review_with_a_small_one_beside(rf):
    output = seed()
    reviews = scale.scale_reviews()
    assert Council.objects.filter(name__startswith=scale.COUNCIL_PREFIX).count() == 3  # two and the small one
    assert reviews.count() == 6
    large, small = scale.large_review(), scale.small_review()
    assert large.previous_review is not None and large.previous_review.council_id == large.council_id
    assert Case.objects.filter(review=large).count() == 3 and Case.objects.filter(review=small).count() == 1
    assert Event.objects.filter(review=large).count() == 12
    assert CouncilAudit.objects.filter(review=large).count() == 2
    assert Validation.objects.filter(review__in=reviews).exists()
    assert Response.objects.filter(questionnaire__review=large).count() == 6
    assert Answer.objects.filter(response__questionnaire__review=large).exists()
    assert Finding.objects.filter(review=large).count() == 5
    # Each finding's stage is one the review has, so an export of it imports again.
    assert set(Finding.objects.values_list("stage", flat=True)) <= {s.slug for s in stages.all_stages()} | {"general"}
    assert "4 reviews" in output and "12 cases" in output and "20 findings" in output
    lead = authenticate(rf.post("/"), username=scale.LEAD_USERNAME, password="scale-bench-password-1")
    assert lead is not None and lead.email.endswith(".example")
    assert set(ReviewMembership.objects.filter(user=lead, role=Role.LEAD).values_list("review", flat=True)) == {
        large.pk,
        small.pk,
    }
    programme = authenticate(rf.post("/"), username=scale.PROGRAMME_USERNAME, password="scale-bench-password-1")
    assert programme.has_perm("reviews.view_programme")


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    seed("--seed", "7")
    first = fingerprint()
    Review.objects.update(previous_review=None)
    for review in scale.scale_reviews():
        review.delete()
    Council.objects.filter(name__startswith=scale.COUNCIL_PREFIX).delete()
    seed("--seed", "7")
    assert fingerprint() == first
    Review.objects.update(previous_review=None)
    for review in scale.scale_reviews():
        review.delete()
    Council.objects.filter(name__startswith=scale.COUNCIL_PREFIX).delete()
    seed("--seed", "8")
    assert fingerprint() != first


@pytest.mark.django_db
def test_refuses_a_database_with_other_reviews_unless_told():
    real = ReviewFactory()
    with pytest.raises(CommandError, match="not demo or scale data"):
        seed()
    assert not scale.scale_reviews().exists()
    seed("--allow-other-data")
    assert scale.scale_reviews().count() == 6 and Review.objects.filter(pk=real.pk).exists()


@pytest.mark.django_db
def test_refuses_a_second_data_set_and_leaves_the_first_as_it_was():
    seed()
    before = fingerprint()
    with pytest.raises(CommandError, match="already holds a data set"):
        seed()
    assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--councils", "0"], "--councils"),
        (["--cases", "-1"], "--cases"),
        (["--cases", "many"], "--cases"),
        (["--responses", "99999999"], "--responses"),
    ],
)
def test_bad_sizes_are_refused_by_name(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_scale", *arguments)
    assert not scale.scale_reviews().exists()


@pytest.mark.django_db
def test_with_debug_off_the_password_and_secret_must_be_given(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--password"):
        call_command("seed_scale", "--councils", "1")
    with pytest.raises(CommandError, match="--totp-secret"):
        call_command("seed_scale", "--councils", "1", "--password", "scale-bench-password-1")
    with pytest.raises(CommandError, match="base32"):
        call_command(
            "seed_scale", "--councils", "1", "--password", "scale-bench-password-1", "--totp-secret", "not-base32!"
        )
    with pytest.raises(CommandError, match="not strong enough"):
        call_command("seed_scale", "--councils", "1", "--password", "short", "--totp-secret", SECRET)
    assert not scale.scale_reviews().exists()


@pytest.mark.django_db
def test_each_chronology_starts_after_the_child_can_have_been_born_so_an_export_imports_again():
    # Forty cases a review draw every age band, the unborn and babies among them.
    seed("--cases", "40")
    large = scale.large_review()
    assert set(Case.objects.filter(review=large).values_list("age_band", flat=True)) >= {"unborn", "0"}
    for event in Event.objects.select_related("case__review"):
        event.clean()  # the rule a form and an import apply; raises on an event before the child's birth year
    archive = io.BytesIO()
    lead = get_user_model().objects.get(username=scale.LEAD_USERNAME)
    transfer.export_review(review=large, out=archive, user=lead)
    archive.seek(0)
    copy = transfer.import_review(archive, title="Scale review, imported copy").review
    assert Event.objects.filter(review=copy).count() == Event.objects.filter(review=large).count() == 160
