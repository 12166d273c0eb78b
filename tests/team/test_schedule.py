"""The lead changes the review's status and dates in the workspace; pages and reminders follow; bad input and
stale edits change nothing."""

import datetime

import pytest
from django.urls import reverse

from reviews.models import Notification, Review
from reviews.notifications import services

FORM = {
    "status": "on_site",
    "scoping_date": "2026-09-14",
    "onsite_start": "2026-12-07",
    "onsite_end": "2026-12-11",
    "conference_date": "2026-12-11",
    "letter_due": "2027-01-08",
    "followup_3_months": "2027-03-11",
    "followup_12_months": "2027-12-10",
}


def url(review) -> str:
    return reverse("review_schedule", args=[review.pk])


def saved(review) -> tuple:
    review.refresh_from_db()
    return review.status, review.onsite_start, review.followup_3_months, review.version


def test_the_lead_changes_the_status_and_dates_and_the_overview_follows(review, lead, lead_client):
    response = lead_client.post(url(review), {**FORM, "version": review.version}, follow=True)

    page = response.content.decode()
    assert saved(review) == ("on_site", datetime.date(2026, 12, 7), datetime.date(2027, 3, 11), 2)
    assert "Saved: the review is now at “On site”." in page
    assert '<strong class="govuk-tag govuk-tag--blue">On site</strong>' in page
    assert "11 Mar 2027" in page


def test_the_impact_check_reminder_follows_the_new_date(review, lead, sponsor, lead_client):
    lead_client.post(url(review), {**FORM, "followup_3_months": "2027-04-01", "version": review.version})

    services.send_reminders(today=datetime.date(2027, 2, 25))  # two weeks before the old date
    services.send_reminders(today=datetime.date(2027, 3, 18))  # two weeks before the new one

    assert list(Notification.objects.values_list("title", flat=True).distinct()) == [
        f"The 3-month impact check of {review.title} is on 1 April 2027"
    ]


def test_the_form_page_opens_for_the_lead_with_the_saved_values(review, lead, lead_client):
    page = lead_client.get(url(review)).content.decode()

    assert "<title>Status and dates – " in page
    assert page.count("<h1") == 1
    assert 'name="version" value="1"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"onsite_end": "2026-12-01"}, "The on-site week must end on or after the day it starts."),
        ({"followup_12_months": "2027-03-01"}, "The 12-month impact check must come after the 3-month one."),
        ({"scoping_date": "2027-02-01"}, "The on-site week must start on or after the scoping meeting."),
        ({"conference_date": "2026-11-01"}, "The conference must be on or after the first day on site."),
        ({"letter_due": "2026-12-01"}, "The letter must be due on or after the conference."),
        ({"followup_3_months": "2026-12-11"}, "The 3-month impact check must come after the conference."),
        ({"letter_due": "2027-02-31"}, "Enter the date the letter is due as a real date, for example 27/3/2027."),
        ({"conference_date": "soon"}, "Enter the date of the feedback conference as a real date"),
        ({"scoping_date": "1999-12-31"}, "2000"),
        ({"status": ""}, "Choose the review&#x27;s status."),
        ({"status": "finished"}, "Choose one of the statuses."),
    ],
)
def test_bad_input_gets_a_message_naming_the_field_and_nothing_changes(changes, message, review, lead, lead_client):
    before = saved(review)

    response = lead_client.post(url(review), {**FORM, **changes, "version": review.version})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: Status and dates" in response.content.decode()
    assert saved(review) == before


def test_an_on_site_week_that_overlaps_another_review_of_the_council_is_refused(review, lead, lead_client):
    from ..factories import ReviewFactory

    ReviewFactory(
        council=review.council, title="Testshire, a second look",
        onsite_start=datetime.date(2026, 12, 10), onsite_end=datetime.date(2026, 12, 14),
    )  # fmt: skip
    before = saved(review)

    response = lead_client.post(url(review), {**FORM, "version": review.version})
    lead_client.post(
        url(review), {**FORM, "onsite_start": "2026-12-01", "onsite_end": "2026-12-05", "version": review.version}
    )

    assert response.context["form"].errors["onsite_start"] == [
        f"{review.council.name} already has a review on site then: “Testshire, a second look”, from 10 December 2026. "
        "Choose other dates, or carry on with that review."
    ]
    assert before[1] != datetime.date(2026, 12, 1)
    assert saved(review)[1] == datetime.date(2026, 12, 1)  # another week is free, and its own week never clashes


def test_every_date_out_of_order_is_named_beside_it(review, lead, lead_client):
    sent = {**FORM, "conference_date": "2026-11-01", "letter_due": "2026-10-01", "version": review.version}

    response = lead_client.post(url(review), sent)

    assert response.context["form"].errors == {
        "conference_date": ["The conference must be on or after the first day on site."],
        "letter_due": ["The letter must be due on or after the conference."],
    }
    assert saved(review)[3] == review.version


def test_a_stale_edit_is_refused_and_names_what_differs(review, lead, lead_client):
    Review.objects.filter(pk=review.pk).update(status="preparation", version=2)

    response = lead_client.post(url(review), {**FORM, "version": 1})

    page = response.content.decode()
    assert "Someone else changed this review&#x27;s status and dates after you opened it" in page
    assert "status" in page.split("What is saved now differs from what you sent in:")[1]
    assert saved(review)[0] == "preparation"


@pytest.mark.parametrize(
    "client_name", ["challenge_client", "peer_client", "sponsor_client", "organiser_client", "observer_client"]
)
def test_only_the_lead_changes_the_status_and_dates(client_name, review, request):
    client = request.getfixturevalue(client_name)
    before = saved(review)

    got = client.get(url(review))
    posted = client.post(url(review), {**FORM, "version": review.version})

    assert (got.status_code, posted.status_code) == (403, 403)
    assert saved(review) == before


def test_other_methods_are_refused(review, lead, lead_client):
    assert lead_client.put(url(review)).status_code == 405
