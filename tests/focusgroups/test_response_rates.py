"""Response rates are one questionnaire's responses against the number who could answer it, by segment: never two
questionnaires' responses added up against one number, and never a rate by staff segment for children, young
people or parents."""

import datetime

import pytest
from django.urls import reverse

from focusgroups import distribution, stage
from focusgroups.models import Audience, Response
from reviews.baseline import baseline_context
from reviews.models import Notification
from reviews.notifications import services as notifications

from .conftest import make_questionnaire, make_segment


def respond(questionnaire, segment, count: int) -> None:
    Response.objects.bulk_create(Response(questionnaire=questionnaire, segment=segment) for _ in range(count))


@pytest.fixture
def two_asking_segments(review):
    """A staff and a partners' questionnaire both asking the segment: police officers answered both, 37 in all
    against the 30 who could answer, and the front door 41 against 40."""
    staff = make_questionnaire(review, title="Staff health check")
    partners = make_questionnaire(review, title="Partner survey", audience=Audience.PARTNERS)
    police = make_segment(review, "Police", expected=30)
    front_door = make_segment(review, "Front door", expected=40)
    respond(staff, police, 17)
    respond(partners, police, 20)
    respond(staff, front_door, 35)
    respond(partners, front_door, 6)
    return staff, partners


def shown(rates: distribution.Rates) -> list[tuple]:
    return [(rate.name, rate.responses, rate.expected, rate.percent) for rate in [*rates.rows, rates.total]]


def test_the_segments_page_gives_each_questionnaire_its_own_rates_never_the_two_added_up(
    two_asking_segments, review, lead_client
):
    staff, partners = two_asking_segments

    response = lead_client.get(reverse("focusgroups:segments", args=[review.pk]))

    by_questionnaire = {questionnaire.title: shown(rates) for questionnaire, rates in response.context["rates"]}
    assert by_questionnaire == {
        "Partner survey": [
            ("Front door", 6, 40, 15),
            ("Police", 20, 30, 67),
            ("No segment given", 0, None, None),
            ("All responses", 26, 70, 37),
        ],
        "Staff health check": [
            ("Front door", 35, 40, 88),
            ("Police", 17, 30, 57),
            ("No segment given", 0, None, None),
            ("All responses", 52, 70, 74),
        ],
    }
    page = response.content.decode()
    assert "Staff health check: responses by segment against the numbers expected" in page
    assert "Partner survey: responses by segment against the numbers expected" in page
    assert "123%" not in page and "102%" not in page and "looks too low" not in page


def test_more_responses_than_could_answer_one_questionnaire_are_shown_and_said_to_look_too_low(review, lead_client):
    staff = make_questionnaire(review)
    respond(staff, make_segment(review, "Police", expected=30), 37)

    page = lead_client.get(reverse("focusgroups:segments", args=[review.pk])).content.decode()
    rates = distribution.rates(staff)

    assert shown(rates)[0] == ("Police", 37, 30, 123)
    assert (rates.rows[0].more_than_expected, rates.total.more_than_expected) == (True, True)
    assert rates.summary() == (
        "37 responses of 30 expected (123%: more responses than expected, so the expected number looks too low)"
    )
    assert (
        '123% <span class="govuk-body-s">(more responses than expected, so the expected number looks too low)' in page
    )


def test_small_groups_stay_hidden_within_each_questionnaires_rates(review):
    staff = make_questionnaire(review)
    partners = make_questionnaire(review, title="Partner survey", audience=Audience.PARTNERS)
    police, health = make_segment(review, "Police", expected=30), make_segment(review, "Health", expected=20)
    # Seven police responses in all, but three and four to each questionnaire: both below the minimum of five.
    respond(staff, police, 3)
    respond(partners, police, 4)
    respond(staff, health, 9)
    respond(partners, health, 8)

    rates = dict(distribution.review_rates(review, 5))

    assert shown(rates[staff])[:2] == [("Health", None, 20, None), ("Police", None, 30, None)]
    assert shown(rates[partners])[:2] == [("Health", None, 20, None), ("Police", None, 30, None)]


@pytest.mark.parametrize(
    ("audience", "age_band", "ask_segment"),
    [(Audience.CHILDREN, "11-17", False), (Audience.CHILDREN, "8-11", False), (Audience.PARENTS, "", True)],
)
def test_childrens_young_peoples_and_parents_questionnaires_have_no_rate_by_staff_segment(
    audience, age_band, ask_segment, review, lead_client
):
    questionnaire = make_questionnaire(
        review, title="Your views", audience=audience, age_band=age_band, ask_segment=ask_segment
    )
    make_segment(review, "Front door", expected=40)
    make_segment(review, "Police", expected=30)
    respond(questionnaire, None, 12)

    distribute = lead_client.get(reverse("focusgroups:distribute", args=[review.pk, questionnaire.pk]))
    results = lead_client.get(questionnaire.get_absolute_url())
    segments = lead_client.get(reverse("focusgroups:segments", args=[review.pk]))
    rates = distribution.rates(questionnaire)

    assert (distribute.context["rates"], results.context["rates"], segments.context["rates"]) == (None, None, [])
    for page in (distribute, results):
        assert "Responses by segment against the numbers expected" not in page.content.decode()
        assert "of 70" not in page.content.decode()
    assert (rates.rows, rates.total.responses, rates.total.expected) == ([], 12, None)
    assert rates.summary() == "12 responses"


def test_a_parents_questionnaire_closing_notice_gives_no_staff_segments(review, lead):
    closes = datetime.date(2026, 11, 20)
    parents = make_questionnaire(
        review, title="Parents' views", audience=Audience.PARENTS, ask_segment=True, closes_on=closes
    )
    respond(parents, None, 6)
    respond(parents, make_segment(review, "Front door", expected=40), 2)

    notifications.send_reminders(today=closes - datetime.timedelta(days=3))

    notice = Notification.objects.get(recipient=lead, kind="questionnaire")
    assert notice.title == "“Parents' views” closes on 20 November 2026: 8 responses so far"
    assert notice.body == ""


def test_the_overview_gives_each_questionnaire_against_the_number_expected_on_its_own(two_asking_segments, review):
    parents = make_questionnaire(review, title="Parents' views", audience=Audience.PARENTS, ask_segment=True)
    respond(parents, None, 50)

    summary = stage.progress(review).summary

    assert summary == (
        "3 of 3 questionnaires open, 0 closed, 128 responses (of the 70 expected from agencies and teams: "
        "26 answered “Partner survey”, 52 answered “Staff health check”); 0 focus groups held, 0 coded"
    )


def test_the_overview_says_when_one_questionnaire_has_more_responses_than_expected(review):
    respond(make_questionnaire(review), make_segment(review, "Police", expected=30), 37)

    summary = stage.progress(review).summary

    assert "37 answered “Staff health check” (more than expected, so the expected numbers look too low)" in summary


def test_the_baseline_report_gives_each_questionnaires_rates_and_none_for_children(two_asking_segments, review):
    children = make_questionnaire(review, title="Your views", audience=Audience.CHILDREN, age_band="11-17")
    respond(children, None, 12)

    html = next(s["html"] for s in baseline_context(review)["sections"] if s["stage"].slug == "focus-groups")

    assert "<caption>Response rates by agency or team: Staff health check</caption>" in html
    assert "<caption>Response rates by agency or team: Partner survey</caption>" in html
    assert "Response rates by agency or team: Your views" not in html
    assert '<tr><th scope="row">Police</th><td>30</td><td>17</td><td>57%</td></tr>' in html
    assert '<tr><th scope="row">Police</th><td>30</td><td>20</td><td>67%</td></tr>' in html
    assert "123%" not in html and "102%" not in html
