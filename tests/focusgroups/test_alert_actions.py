"""A safeguarding alert changes state only by a POST from someone who may act on it: opening it changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from focusgroups.models import Question, QuestionnaireSettings, SafeguardingAlert

from .conftest import make_questionnaire, question


@pytest.fixture
def alert(review):
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    safe = question(questionnaire, Question.Kind.AGREE)
    Client().post(f"/q/{questionnaire.token}/", {f"q{safe.pk}": "1"})
    return SafeguardingAlert.objects.get()


@pytest.fixture
def named_lead(review, lead):
    return QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)


def read_url(alert) -> str:
    return reverse("focusgroups:alert_read", args=[alert.review_id, alert.pk])


def state(alert) -> tuple:
    alert.refresh_from_db()
    return alert.status, alert.read_by, alert.action, alert.actioned_by


NEW = (SafeguardingAlert.Status.NEW, None, "", None)


def test_opening_an_alert_and_the_list_leaves_the_alert_new(alert, named_lead, lead_client):
    page = lead_client.get(alert.get_absolute_url())
    listing = lead_client.get(reverse("focusgroups:alerts", args=[alert.review_id]))

    assert (page.status_code, listing.status_code) == (200, 200)
    assert state(alert) == NEW
    assert "Not marked as read yet" in page.content.decode()
    assert f'action="{read_url(alert)}"' in page.content.decode()
    assert "Not read yet" in listing.content.decode()


def test_the_lead_marks_an_alert_read(alert, named_lead, lead, lead_client):
    before = timezone.now()

    response = lead_client.post(read_url(alert))

    assert response.status_code == 302
    assert response["Location"] == alert.get_absolute_url()
    assert state(alert) == (SafeguardingAlert.Status.READ, lead, "", None)
    assert before <= alert.read_at <= timezone.now()
    page = lead_client.get(alert.get_absolute_url()).content.decode()
    assert "The alert is marked as read." in page
    assert f'action="{read_url(alert)}"' not in page


def test_marking_read_again_keeps_the_first_reader_and_time(alert, named_lead, lead, lead_client, challenge_client):
    lead_client.post(read_url(alert))
    alert.refresh_from_db()
    first_read_at = alert.read_at

    response = challenge_client.post(read_url(alert))

    assert response.status_code == 302
    assert state(alert) == (SafeguardingAlert.Status.READ, lead, "", None)
    assert alert.read_at == first_read_at


def test_recording_what_was_done_also_records_who_read_it(alert, named_lead, challenge_manager, challenge_client):
    response = challenge_client.post(alert.get_absolute_url(), {"action": "Told the designated officer."})

    assert response.status_code == 302
    assert state(alert) == (
        SafeguardingAlert.Status.ACTIONED,
        challenge_manager,
        "Told the designated officer.",
        challenge_manager,
    )
    assert alert.read_at is not None and alert.actioned_at is not None


def test_marking_an_actioned_alert_read_leaves_it_actioned(alert, named_lead, lead, lead_client):
    lead_client.post(alert.get_absolute_url(), {"action": "Rang the MASH."})

    lead_client.post(read_url(alert))

    assert state(alert) == (SafeguardingAlert.Status.ACTIONED, lead, "Rang the MASH.", lead)


def test_an_observer_gets_403_on_both_actions_even_as_the_named_safeguarding_lead(
    alert, review, observer, observer_client
):
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=observer)

    page = observer_client.get(alert.get_absolute_url())
    read = observer_client.post(read_url(alert))
    recorded = observer_client.post(alert.get_absolute_url(), {"action": "Observer's note"})

    assert (page.status_code, read.status_code, recorded.status_code) == (200, 403, 403)
    assert f'action="{read_url(alert)}"' not in page.content.decode()
    assert state(alert) == NEW


@pytest.mark.parametrize("client_name", ["peer_client", "organiser_client", "sponsor_client"])
def test_members_who_may_not_see_alerts_get_404_on_both_actions(alert, named_lead, client_name, request):
    client = request.getfixturevalue(client_name)

    read = client.post(read_url(alert))
    recorded = client.post(alert.get_absolute_url(), {"action": "Not mine to record"})

    assert (read.status_code, recorded.status_code) == (404, 404)
    assert state(alert) == NEW


def test_an_outsider_gets_404_on_both_actions(alert, named_lead, outsider_client):
    read = outsider_client.post(read_url(alert))
    recorded = outsider_client.post(alert.get_absolute_url(), {"action": "Outsider's note"})

    assert (read.status_code, recorded.status_code) == (404, 404)
    assert state(alert) == NEW


def test_an_alert_of_another_review_or_none_at_all_is_404(alert, named_lead, other_review, lead, lead_client):
    other = reverse("focusgroups:alert_read", args=[other_review.pk, alert.pk])
    missing = reverse("focusgroups:alert_read", args=[alert.review_id, alert.pk + 1000])

    assert (lead_client.post(other).status_code, lead_client.post(missing).status_code) == (404, 404)
    assert state(alert) == NEW


def test_marking_read_takes_only_a_post(alert, named_lead, lead_client):
    got = lead_client.get(read_url(alert))
    put = lead_client.put(alert.get_absolute_url())

    assert (got.status_code, put.status_code) == (405, 405)
    assert state(alert) == NEW


def test_marking_read_without_a_csrf_token_is_refused(alert, named_lead, lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    read = client.post(read_url(alert))
    recorded = client.post(alert.get_absolute_url(), {"action": "Forged"})

    assert (read.status_code, recorded.status_code) == (403, 403)
    assert state(alert) == NEW


def test_marking_read_with_the_csrf_token_works(alert, named_lead, lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    client.get(alert.get_absolute_url())
    token = client.cookies["csrftoken"].value

    response = client.post(read_url(alert), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert state(alert) == (SafeguardingAlert.Status.READ, lead, "", None)
