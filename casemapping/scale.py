"""Chronologies for seed_scale: each case of each review gets its events, cycling through the kinds the timescale
rules watch, dated before the review's on-site week and never before the child can have been born (so an export of
the review imports again). Fictional, made with bulk inserts."""

import datetime
import random

from reviews.models import Case, Partner, Review
from reviews.validators import earliest_birth_year

from .models import Event, EventKind

# A child's journey through the system, in order: most of these start or stop a statutory timescale.
JOURNEY = [
    "contact",
    "referral",
    "referral-decision",
    "strategy-discussion",
    "s47-started",
    "initial-cp-conference",
    "core-group",
    "statutory-visit",
    "assessment-completed",
    "review-cp-conference",
]
BATCH = 10_000


def scale(reviews: list[Review], sizes, rng: random.Random) -> dict[str, int]:
    kinds = {kind.slug: kind for kind in EventKind.objects.filter(slug__in=JOURNEY)}
    journey = [kinds[slug] for slug in JOURNEY if slug in kinds] or list(EventKind.objects.all()[:8])
    agencies: dict[int, list[int]] = {}
    councils = {review.council_id for review in reviews}
    for pk, council_id in Partner.objects.filter(council__in=councils).order_by("pk").values_list("pk", "council_id"):
        agencies.setdefault(council_id, []).append(pk)
    starts = {review.pk: (review.onsite_start or datetime.date(2020, 1, 1)) for review in reviews}
    council_of = {review.pk: review.council_id for review in reviews}
    made = 0

    def events():
        for case_id, review_id, age_band in (
            Case.objects.filter(review__in=reviews).order_by("pk").values_list("pk", "review_id", "age_band").iterator()
        ):
            day = starts[review_id] - datetime.timedelta(days=rng.randrange(200, 700))
            born = earliest_birth_year(age_band, starts[review_id])
            if born is not None:
                day = max(day, datetime.date(born, 1, 1))
            for index in range(sizes.events_per_case):
                day += datetime.timedelta(days=rng.choice([0, 1, 1, 2, 3, 5, 8, 13]))
                yield Event(
                    review_id=review_id,
                    case_id=case_id,
                    date=day,
                    sequence=index + 1,
                    kind=journey[index % len(journey)],
                    agency_id=rng.choice(agencies[council_of[review_id]]),
                    summary="A practitioner's contact with the family, recorded in the agency's own system",
                    is_material=rng.random() < 0.2,
                )

    batch: list[Event] = []
    for event in events():
        batch.append(event)
        if len(batch) == BATCH:
            made += len(Event.objects.bulk_create(batch))
            batch = []
    made += len(Event.objects.bulk_create(batch))
    return {"chronology events": made}
