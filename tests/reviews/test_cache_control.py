"""Nothing the application answers is kept by a browser or a proxy; static files keep their own caching."""

import datetime

from django.test import Client
from django.urls import reverse

from conference.models import Action
from focusgroups.models import Question
from tests.conference.factories import ActionFactory, PriorityFactory
from tests.focusgroups.conftest import make_questionnaire, question

NO_STORE = "no-store, private"


def test_a_review_page_is_not_stored(review, lead_client):
    response = lead_client.get(reverse("reviews:overview", args=[review.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_a_case_page_and_the_case_list_are_not_stored(review, case, lead_client):
    page = lead_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk]))
    listing = lead_client.get(reverse("casemapping:index", args=[review.pk]))

    assert (page.status_code, listing.status_code) == (200, 200)
    assert (page["Cache-Control"], listing["Cache-Control"]) == (NO_STORE, NO_STORE)


def test_an_export_is_not_stored(review, lead_client):
    ActionFactory(priority=PriorityFactory(review=review), due_date=datetime.date(2027, 3, 31))

    response = lead_client.get(reverse("conference:plan_xlsx", args=[review.pk]))

    assert response.status_code == 200
    assert Action.objects.count() == 1
    assert response["Cache-Control"] == NO_STORE


def test_the_anonymous_questionnaire_and_its_thanks_page_are_not_stored(review):
    questionnaire = make_questionnaire(review)
    agree = question(questionnaire, Question.Kind.AGREE)

    page = Client().get(f"/q/{questionnaire.token}/")
    thanks = Client().post(f"/q/{questionnaire.token}/", {f"q{agree.pk}": "4"})

    assert (page.status_code, thanks.status_code) == (200, 200)
    assert (page["Cache-Control"], thanks["Cache-Control"]) == (NO_STORE, NO_STORE)


def test_a_refusal_is_not_stored_either(review, observer_client, outsider_client):
    forbidden = observer_client.post(reverse("reviews:finding_create", args=[review.pk]), {})
    missing = outsider_client.get(reverse("reviews:overview", args=[review.pk]))

    assert (forbidden.status_code, missing.status_code) == (403, 404)
    assert (forbidden["Cache-Control"], missing["Cache-Control"]) == (NO_STORE, NO_STORE)


def test_a_view_that_sets_its_own_cache_control_keeps_it(db):
    response = Client().get(reverse("login"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_static_files_keep_their_own_caching(db):
    response = Client().get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
