"""Those who manage questionnaires hear when one opens, three days before it closes and the day after it closed,
with how many have answered; a count under the smallest group shown is given only as "fewer than"."""

import datetime

from focusgroups.models import Questionnaire, Response
from reviews.models import Notification
from reviews.notifications import services

from ..focusgroups.conftest import make_questionnaire

OPENS = datetime.date(2026, 10, 1)
CLOSES = datetime.date(2026, 10, 30)
DAY = datetime.timedelta(days=1)


def questionnaire(review, answered: int) -> Questionnaire:
    made = make_questionnaire(review, title="Staff health check")
    Questionnaire.objects.filter(pk=made.pk).update(opens_on=OPENS, closes_on=CLOSES)
    Response.objects.bulk_create(Response(questionnaire=made) for _ in range(answered))
    return made


def told(on: datetime.date) -> dict[str, list[str]]:
    before = set(Notification.objects.values_list("pk", flat=True))
    services.send_reminders(today=on)
    made = Notification.objects.exclude(pk__in=before).order_by("recipient__username", "pk")
    found: dict[str, list[str]] = {}
    for username, title in made.values_list("recipient__username", "title"):
        found.setdefault(username, []).append(title)
    return found


def test_the_managers_hear_when_it_opens_before_it_closes_and_when_it_has_closed(
    review, lead, challenge_manager, organiser, peer, sponsor
):
    made = questionnaire(review, answered=6)

    opening, between, closing, again, closed = (
        told(OPENS),
        told(OPENS + DAY),
        told(CLOSES - 3 * DAY),
        told(CLOSES - 3 * DAY),
        told(CLOSES + DAY),
    )

    assert opening == {name: ["“Staff health check” opens today"] for name in ["challenge", "lead", "organiser"]}
    assert between == {}
    assert closing == {
        name: ["“Staff health check” closes on 30 October 2026: 6 responses so far"]
        for name in ["challenge", "lead", "organiser"]
    }
    assert again == {}
    assert closed["lead"] == ["“Staff health check” has closed: 6 responses"]
    assert Notification.objects.filter(recipient=lead).first().link == made.get_absolute_url()


def test_a_small_count_is_given_only_as_fewer_than_the_smallest_group(review, lead):
    questionnaire(review, answered=2)

    assert told(CLOSES - 3 * DAY) == {
        "lead": ["“Staff health check” closes on 30 October 2026: fewer than 5 responses so far"]
    }
