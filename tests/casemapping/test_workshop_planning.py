"""A mapping workshop is planned weeks ahead (date, venue, practitioners invited by agency), then recorded as
held once its day has come, with who came and the learning points."""

import datetime

from django.urls import reverse
from django.utils import timezone

from casemapping.models import LearningPoint, Workshop, WorkshopAgency
from casemapping.stage import progress

from ..factories import PartnerFactory


def _plan(client, review, case, day, **changes):
    data = {
        "held_on": day.isoformat(),
        "venue": "Room 4, Fenwick House",
        "facilitators": "Peer lead",
        "cases": [case.pk],
    }
    return client.post(reverse("casemapping:workshop_create", args=[review.pk]), {**data, **changes})


def test_a_workshop_is_planned_weeks_ahead_with_a_venue(review, case, lead_client):
    in_three_weeks = timezone.localdate() + datetime.timedelta(weeks=3)

    response = _plan(lead_client, review, case, in_three_weeks)

    workshop = Workshop.objects.get(review=review)
    assert response.status_code == 302
    assert (workshop.held_on, workshop.venue, workshop.status) == (
        in_three_weeks,
        "Room 4, Fenwick House",
        Workshop.Status.PLANNED,
    )
    assert list(workshop.cases.all()) == [case]


def test_a_planned_workshop_maps_no_case_until_it_is_held(review, case, lead_client):
    _plan(lead_client, review, case, timezone.localdate() + datetime.timedelta(weeks=3))

    result = progress(review)

    assert (result.done, result.summary) == (0, "1 case in the sample, 0 mapped, 0 workshops held")


def test_practitioners_are_invited_by_agency_before_the_workshop(review, case, lead_client, police):
    _plan(lead_client, review, case, timezone.localdate() + datetime.timedelta(weeks=3))
    workshop = Workshop.objects.get()
    url = reverse("casemapping:workshop_invite", args=[review.pk, workshop.pk])

    first = lead_client.post(url, {"agency": police.pk, "invited": 2})
    again = lead_client.post(url, {"agency": police.pk, "invited": 3})
    page = lead_client.get(workshop.get_absolute_url()).content.decode()

    assert (first.status_code, again.status_code) == (302, 302)
    assert list(WorkshopAgency.objects.values_list("agency", "invited", "practitioners")) == [(police.pk, 3, None)]
    assert "Not held yet" in page
    assert "Record it as held" not in page  # its day has not come


def test_inviting_with_bad_input_names_the_problem_and_saves_nothing(review, other_review, case, lead_client, police):
    _plan(lead_client, review, case, timezone.localdate() + datetime.timedelta(weeks=3))
    workshop = Workshop.objects.get()
    url = reverse("casemapping:workshop_invite", args=[review.pk, workshop.pk])
    foreign = PartnerFactory(council=other_review.council, name="Otherton Police")

    wrong_type = lead_client.post(url, {"agency": police.pk, "invited": "three"})
    missing = lead_client.post(url, {"invited": 2})
    zero = lead_client.post(url, {"agency": police.pk, "invited": 0})
    other = lead_client.post(url, {"agency": foreign.pk, "invited": 2})

    assert [r.status_code for r in (wrong_type, missing, zero, other)] == [400] * 4
    assert wrong_type.context["form"].errors == {
        "invited": ["Enter the number of practitioners invited as a whole number, such as 3."]
    }
    assert missing.context["form"].errors == {"agency": ["Choose an agency."]}
    assert zero.context["form"].errors == {"invited": ["Invite at least 1 practitioner."]}
    assert other.context["form"].errors == {"agency": ["Choose one of the council's partner agencies."]}
    assert not WorkshopAgency.objects.exists()


def test_a_workshop_in_the_future_cannot_be_recorded_as_held(review, case, lead_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _plan(lead_client, review, case, tomorrow)
    workshop = Workshop.objects.get()

    response = lead_client.post(
        reverse("casemapping:workshop_record", args=[review.pk, workshop.pk]),
        {"went_well": "Good", "worries": "", "version": workshop.version},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"A workshop on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: record it as held once that day has come."
    ]
    workshop.refresh_from_db()
    assert (workshop.status, workshop.went_well) == (Workshop.Status.PLANNED, "")


def test_attendance_and_learning_wait_until_the_workshop_is_held(review, case, lead_client, police, add_event):
    _plan(lead_client, review, case, timezone.localdate() + datetime.timedelta(days=7))
    workshop = Workshop.objects.get()
    event = add_event(case, datetime.date(2025, 2, 5), "strategy-discussion")

    came = lead_client.post(
        reverse("casemapping:workshop_agency_add", args=[review.pk, workshop.pk]),
        {"agency": police.pk, "practitioners": 2},
    )
    learning = lead_client.post(
        reverse("casemapping:learning_create", args=[review.pk, workshop.pk]),
        {"summary": "Too early", "kind": "area", "theme": review.framework.themes.first().pk, "events": [event.pk]},
    )

    assert came.status_code == 400
    assert "Record who came once the workshop has been held" in came.content.decode()
    assert "Record learning points once the workshop has been held" in learning.content.decode()
    assert not WorkshopAgency.objects.exists() and not LearningPoint.objects.exists()


def test_once_held_the_workshop_records_who_came_against_who_was_invited(review, case, lead_client, police):
    _plan(lead_client, review, case, timezone.localdate())
    workshop = Workshop.objects.get()
    lead_client.post(
        reverse("casemapping:workshop_invite", args=[review.pk, workshop.pk]), {"agency": police.pk, "invited": 3}
    )

    held = lead_client.post(
        reverse("casemapping:workshop_record", args=[review.pk, workshop.pk]),
        {"went_well": "Open discussion", "worries": "Health absent", "version": workshop.version},
    )
    came = lead_client.post(
        reverse("casemapping:workshop_agency_add", args=[review.pk, workshop.pk]),
        {"agency": police.pk, "practitioners": 2},
    )

    assert (held.status_code, came.status_code) == (302, 302)
    workshop.refresh_from_db()
    assert (workshop.status, workshop.went_well) == (Workshop.Status.HELD, "Open discussion")
    assert list(WorkshopAgency.objects.values_list("invited", "practitioners")) == [(3, 2)]
    assert progress(review).summary == "1 case in the sample, 1 mapped, 1 workshop held"


def test_attendance_with_bad_input_names_the_problem(review, workshop, lead_client, police):
    url = reverse("casemapping:workshop_agency_add", args=[review.pk, workshop.pk])

    wrong_type = lead_client.post(url, {"agency": police.pk, "practitioners": "lots"})
    not_invited = lead_client.post(url, {"agency": police.pk, "practitioners": 0})
    missing = lead_client.post(url, {"agency": police.pk})

    assert wrong_type.context["form"].errors == {
        "practitioners": ["Enter the number of practitioners as a whole number, such as 3."]
    }
    assert not_invited.context["form"].errors == {
        "practitioners": [f"{police} was not invited: enter at least 1 practitioner who came."]
    }
    assert missing.context["form"].errors == {"practitioners": ["Enter how many practitioners came."]}
    assert not WorkshopAgency.objects.exists()


def test_planning_with_bad_input_names_the_field(review, other_review, case, lead_client):
    from ..factories import CaseFactory

    foreign = CaseFactory(review=other_review, reference="X-009")

    no_date = lead_client.post(
        reverse("casemapping:workshop_create", args=[review.pk]), {"facilitators": "Peer lead", "cases": [case.pk]}
    )
    bad_date = _plan(lead_client, review, case, timezone.localdate(), held_on="next Tuesday")
    far = _plan(lead_client, review, case, timezone.localdate(), held_on="9999-01-01")
    other_case = _plan(lead_client, review, case, timezone.localdate(), cases=[foreign.pk])

    assert no_date.context["form"].errors["held_on"] == ["Enter the date of the workshop."]
    assert bad_date.context["form"].errors["held_on"] == [
        "Enter the date of the workshop as a real date, for example 27/3/2027."
    ]
    assert far.context["form"].errors["held_on"] == [
        "Enter a date between 1 January 2000 and 31 December 2100 for “Date”"
    ]
    assert other_case.context["form"].errors["cases"] == ["Choose cases from this review's sample."]
    assert not Workshop.objects.exists()


def test_the_demo_plans_a_follow_up_workshop_and_holds_none_in_the_future(db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)

    today = timezone.localdate()
    assert not Workshop.objects.filter(status=Workshop.Status.HELD, held_on__gt=today).exists()
    follow_up = Workshop.objects.get(venue="Room 4, Fenwick House")
    assert follow_up.agencies.filter(invited__gte=1).count() == 4
    if follow_up.held_on > today:
        assert follow_up.status == Workshop.Status.PLANNED
        assert not follow_up.agencies.filter(practitioners__isnull=False).exists()
