"""Response rates are one questionnaire's responses against the number who could answer it, by segment, and
never a rate by staff segment for children, young people or parents."""

import datetime

import pytest
from django.urls import reverse

from focusgroups import distribution
from focusgroups.models import Audience, Response
from reviews.models import Notification
from reviews.notifications import services as notifications

from .conftest import make_questionnaire, make_segment


def respond(questionnaire, segment, count: int) -> None:
    Response.objects.bulk_create(Response(questionnaire=questionnaire, segment=segment) for _ in range(count))


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
    rates = distribution.rates(questionnaire)

    assert (distribute.context["rates"], results.context["rates"]) == (None, None)
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
