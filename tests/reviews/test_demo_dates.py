"""The demo is honest against the day it is seeded, whatever that day is: nothing held, recorded, published or
closed ahead of its day, the dashboard late for nothing the demo has done, no review purged within a year, and
the second review's lead with current work, not work years overdue."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from casemapping.models import Event, Workshop
from conference.models import ActionUpdate, Checkpoint, Letter, Round
from focusgroups.models import FocusGroup
from interviews.models import Session
from reviews import programme, retention, todo
from reviews.demo_data import EASTWICK_VALE, NORTHMOOR, timeline
from reviews.models import PlanningMeeting, Review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # the default demo password needs it, as in the quick start
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def assert_honest(today: datetime.date) -> None:
    dates = timeline(today)
    northmoor = Review.objects.get(title=dates.northmoor.title(NORTHMOOR))
    eastwick_vale = Review.objects.get(title=dates.eastwick_vale.title(EASTWICK_VALE))
    earlier = Review.objects.get(title=dates.earlier.title(NORTHMOOR))
    assert northmoor.previous_review == earlier
    assert (northmoor.status, eastwick_vale.status) == (Review.Status.IMPROVEMENT, Review.Status.REPORTING)
    assert northmoor.conference_date < northmoor.letter_due < today < northmoor.followup_3_months
    assert eastwick_vale.conference_date < today < eastwick_vale.letter_due

    # Nothing held, recorded, published or closed after today.
    now = timezone.now()
    assert not Session.objects.filter(status=Session.Status.HELD, day__gt=today).exists()
    assert not Workshop.objects.filter(status=Workshop.Status.HELD, held_on__gt=today).exists()
    assert not Event.objects.filter(date__gt=today).exists()
    assert not FocusGroup.objects.filter(held_on__gt=today).exists()
    assert not PlanningMeeting.objects.filter(held_on__gt=today).exists()
    assert not ActionUpdate.objects.filter(on__gt=today).exists()
    assert not Checkpoint.objects.filter(held_on__gt=today).exists()
    assert not Round.objects.filter(closed_at__gt=now).exists()
    assert not Letter.objects.filter(published_at__gt=now).exists()
    assert not Letter.objects.filter(shared_at__gt=now).exists()
    # The rich review is six weeks past its conference: votes closed there, letter published before it was due,
    # the first monthly update recorded, the 3-month check still to come.
    round_ = Round.objects.get(review=northmoor, number=1)
    assert timezone.localdate(round_.closed_at) == northmoor.conference_date
    letter = Letter.objects.get(review=northmoor)
    assert letter.status == Letter.Status.PUBLISHED
    assert northmoor.conference_date < timezone.localdate(letter.published_at) <= northmoor.letter_due
    assert ActionUpdate.objects.filter(action__priority__review=northmoor).exists()
    assert not Checkpoint.objects.filter(review=northmoor).exists()
    assert Letter.objects.get(review=eastwick_vale).status == Letter.Status.SHARED

    # The programme dashboard: done only on or before today, late for nothing the demo has done.
    reviews = list(programme.reviews_queryset().filter(pk__in=[northmoor.pk, eastwick_vale.pk]).order_by("pk"))
    rows = {row.review.pk: row for row in programme.build_rows(reviews, today)}
    for review, done in (
        (northmoor, ["scoping", "onsite", "conference", "letter"]),
        (eastwick_vale, ["scoping", "onsite", "conference"]),
    ):
        milestones = {milestone.kind.key: milestone for milestone in rows[review.pk].milestones}
        assert [key for key, m in milestones.items() if m.done] == done, review.title
        assert all(m.done_on is None or m.done_on <= today for m in milestones.values()), review.title
        assert milestones["conference"].done_on == review.conference_date
        assert not rows[review.pk].late, review.title

    # The retention schedule purges no demo review within a year of seeding, and warns of none.
    for review in Review.objects.all():
        until = retention.kept_until(review)
        assert until is None or until > today + datetime.timedelta(days=365), review.title
    assert retention.run_schedule(today=today + datetime.timedelta(days=365)) == {"warnings": 0, "purged": 0}

    # The second review's lead has current work, none of it overdue by more than a few weeks.
    lead2 = get_user_model().objects.get(username="lead2")
    tasks = todo.tasks_for(lead2, today=today)
    assert tasks
    assert all(task.due is None or task.due >= today - datetime.timedelta(weeks=4) for task in tasks)


def test_the_demo_seeded_today_is_honest_about_its_dates():
    seed()

    assert_honest(timezone.localdate())


@pytest.mark.parametrize("day", [datetime.date(2029, 3, 15), datetime.date(2027, 1, 4)])
def test_the_demo_seeded_on_another_day_is_honest_about_that_day(day):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(10)), tick=False):
        seed()

        assert_honest(timezone.localdate())


def test_running_the_demo_again_a_month_later_keeps_its_dates_and_adds_only_what_has_come_due():
    day = datetime.date(2028, 6, 14)
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(10)), tick=False):
        seed()
    before = dict(Review.objects.values_list("title", "conference_date"))

    with time_machine.travel(
        datetime.datetime.combine(day + datetime.timedelta(weeks=8), datetime.time(10)), tick=False
    ):
        seed()

        assert dict(Review.objects.values_list("title", "conference_date")) == before
        northmoor = Review.objects.get(title=timeline(day).northmoor.title(NORTHMOOR))
        check = Checkpoint.objects.get(review=northmoor)
        assert check.held_on == northmoor.conference_date + datetime.timedelta(weeks=13) <= timezone.localdate()
