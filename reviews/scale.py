"""A national programme's worth of fictional data, for measuring the pages at the size they will meet.

`seed_scale` builds councils, their partner agencies, several reviews each over the years (each later review
following the earlier one), a lead and a programme manager, and per review the cases and findings; each stage adds
its own records through its `scale` hook (reviews cannot import the stage apps). Everything is made with bulk
inserts and from one random seed, so the same arguments give the same data. Every name is invented and every
address uses the reserved `.example` domain.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Permission
from django.db import connection, transaction

from . import stages, two_factor
from .models import Case, Council, FocusArea, Framework, Partner, PartnerKind, Review, ReviewMembership, Role, Theme

# The prefix that marks a council (and so everything under it) as made by seed_scale.
COUNCIL_PREFIX = "Scaleborough Test Council"
LEAD_USERNAME = "scale-lead"
PROGRAMME_USERNAME = "scale-programme"
LAST_YEAR = 2026
YEARS_APART = 4
BATCH = 5000


@dataclass(frozen=True)
class Sizes:
    """How much each review holds. The defaults are a national programme's review: 27,000 cases over 450 reviews."""

    cases: int = 60
    events_per_case: int = 20
    audits: int = 40
    responses: int = 600
    findings: int = 60
    partners: int = 6


SMALL = Sizes(cases=1, events_per_case=2, audits=1, responses=2, findings=1, partners=3)


@dataclass(frozen=True)
class Scale:
    councils: int = 150
    reviews_per_council: int = 3
    sizes: Sizes = Sizes()
    seed: int = 2026


def council_name(number: int) -> str:
    return f"{COUNCIL_PREFIX} {number:03d}"


def scale_reviews():
    return Review.objects.filter(council__name__startswith=COUNCIL_PREFIX)


def small_review() -> Review | None:
    """The review of one of everything that seed_scale builds beside the others (after an earlier one like it)."""
    return scale_reviews().filter(council__name=council_name(0)).order_by("-onsite_start").first()


def large_review() -> Review | None:
    """The review the lead leads that has the most history: the latest of the first council."""
    return scale_reviews().filter(council__name=council_name(1)).order_by("-onsite_start").first()


def other_data_present() -> bool:
    """Whether the database holds reviews that neither seed_demo nor seed_scale made."""
    from .demo_data import COUNCILS

    return (
        Review.objects.exclude(council__name__startswith=COUNCIL_PREFIX)
        .exclude(council__name__in=list(COUNCILS))
        .exists()
    )


def _user(username: str, first: str, last: str, password: str) -> AbstractUser:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(
            username, email=f"{username}@scale.example", password=password, first_name=first, last_name=last
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def build(scale: Scale, password: str, totp_secret: str, report: Callable[[str], None] = print) -> dict[str, int]:
    """Make the data set; {what: how many} for the summary."""
    rng = random.Random(scale.seed)
    counts: dict[str, int] = {}
    with transaction.atomic():
        lead = _user(LEAD_USERNAME, "Ada", "Scale", password)
        programme = _user(PROGRAMME_USERNAME, "Bram", "Scale", password)
        for user in (lead, programme):
            two_factor.set_known_secret(user, totp_secret)
        programme.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="reviews", codename__in=["view_programme", "add_review"])
        )
        reviews = _reviews(range(1, scale.councils + 1), scale.reviews_per_council, scale.sizes, rng)
        # A small review (of one of everything, after an earlier one like it) beside them, to tell a page whose
        # queries grow with the data.
        small = _reviews([0], 2, SMALL, rng)
        counts["councils"] = scale.councils
        counts["reviews"] = len(reviews)
        # The lead leads the latest review of the first council (which has the most history to compare with) and
        # the small review.
        latest = [review for review in reviews if review.council.name == council_name(1)][-1]
        ReviewMembership.objects.bulk_create(
            ReviewMembership(review=review, user=lead, role=Role.LEAD) for review in (latest, small[-1])
        )
        for group, sizes in ((reviews, scale.sizes), (small, SMALL)):
            made = {"cases": _cases(group, sizes, rng), "findings": _findings(group, sizes, rng)}
            for stage in stages.all_stages():
                if stage.scale is not None:
                    made.update(stage.scale(group, sizes, rng))
            if group is reviews:
                counts.update(made)
                report(", ".join(f"{count} {what}" for what, count in made.items()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    return counts


def _reviews(numbers, reviews_per_council: int, sizes: Sizes, rng: random.Random) -> list[Review]:
    framework = Framework.objects.get(is_default=True)
    grade_scale = framework.grade_scales.order_by("pk").last()
    kinds = list(PartnerKind.objects.order_by("pk"))
    regions = [value for value, _ in Council.Region.choices]
    councils = Council.objects.bulk_create(
        Council(name=council_name(number), ons_code=f"E99{number:06d}", region=regions[number % len(regions)])
        for number in numbers
    )
    Partner.objects.bulk_create(
        Partner(council=council, kind=kinds[index % len(kinds)], name=f"{council.name} partner agency {index + 1}")
        for council in councils
        for index in range(sizes.partners)
    )
    reviews: list[Review] = []
    past = [Review.Status.CLOSED, Review.Status.IMPROVEMENT]
    now = [Review.Status.PREPARATION, Review.Status.ON_SITE, Review.Status.REPORTING]
    for council in councils:
        previous = None
        for index in range(reviews_per_council):
            year = max(LAST_YEAR - YEARS_APART * (reviews_per_council - 1 - index), 2001)
            latest = index == reviews_per_council - 1
            onsite = datetime.date(year, 3, 2) + datetime.timedelta(weeks=rng.randrange(0, 30))
            review = Review(
                council=council,
                framework=framework,
                grade_scale=grade_scale,
                title=f"{council.name} children's safeguarding peer review {year} ({index + 1})",
                status=rng.choice(now) if latest else rng.choice(past),
                scoping_date=onsite - datetime.timedelta(weeks=12),
                onsite_start=onsite,
                onsite_end=onsite + datetime.timedelta(days=4),
                conference_date=onsite + datetime.timedelta(days=4),
                letter_due=onsite + datetime.timedelta(weeks=4),
                followup_3_months=onsite + datetime.timedelta(weeks=13),
                followup_12_months=onsite + datetime.timedelta(weeks=52),
                previous_review=previous,
            )
            review.save()
            reviews.append(review)
            previous = review
    return reviews


def _cases(reviews: list[Review], sizes: Sizes, rng: random.Random) -> int:
    bands = [value for value, _ in Case.AgeBand.choices]
    statuses = [value for value, _ in Case.LegalStatus.choices]
    cases = []
    for position, review in enumerate(reviews, start=1):
        cases += [
            Case(
                review=review,
                reference=f"SC-{position:03d}-{number:04d}",
                age_band=rng.choice(bands),
                legal_status=rng.choice(statuses),
                has_disability=rng.random() < 0.15,
            )
            for number in range(1, sizes.cases + 1)
        ]
    made = Case.objects.bulk_create(cases, batch_size=BATCH)
    partners: dict[int, list[int]] = {}
    councils = {review.council_id for review in reviews}
    for partner_id, council_id in (
        Partner.objects.filter(council__in=councils).order_by("pk").values_list("pk", "council_id")
    ):
        partners.setdefault(council_id, []).append(partner_id)
    council_of = {review.pk: review.council_id for review in reviews}
    focus_areas = list(FocusArea.objects.order_by("pk").values_list("pk", flat=True)[:8])
    through = Case.partners.through
    through.objects.bulk_create(
        (
            through(case_id=case.pk, partner_id=partner_id)
            for case in made
            for partner_id in rng.sample(partners[council_of[case.review_id]], 3)
        ),
        batch_size=BATCH,
    )
    if focus_areas:
        areas = Case.specific_circumstances.through
        areas.objects.bulk_create(
            (areas(case_id=case.pk, focusarea_id=rng.choice(focus_areas)) for case in made if rng.random() < 0.3),
            batch_size=BATCH,
        )
    return len(made)


def _findings(reviews: list[Review], sizes: Sizes, rng: random.Random) -> int:
    from .models import Finding

    themes = list(Theme.objects.filter(framework=reviews[0].framework).order_by("pk")) if reviews else []
    statuses = [value for value, _ in Finding.Status.choices]
    stage_slugs = [stage.slug for stage in stages.all_stages()] + [stages.GENERAL]
    findings = [
        Finding(
            review=review,
            theme=rng.choice(themes),
            kind=Finding.Kind.STRENGTH if number % 3 == 0 else Finding.Kind.AREA,
            summary=f"Finding {number} of a test review at scale",
            detail="Seen in the cases mapped and confirmed in the interviews with practitioners. " * 3,
            stage=rng.choice(stage_slugs),
            status=rng.choice(statuses),
        )
        for review in reviews
        for number in range(1, sizes.findings + 1)
    ]
    return len(Finding.objects.bulk_create(findings, batch_size=BATCH))
