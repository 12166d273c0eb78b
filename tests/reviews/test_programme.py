from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selfassessment.models import Entry

from ..factories import MembershipFactory, ReviewFactory, UserFactory


def programme_client():
    user = UserFactory(username="programme")
    user.user_permissions.add(Permission.objects.get(codename="view_programme"))
    client = Client()
    client.force_login(user)
    return client


def test_a_member_without_the_permission_gets_404(review, lead_client):
    response = lead_client.get(reverse("reviews:programme"))

    assert response.status_code == 404


def test_the_programme_manager_sees_every_review_with_its_stage_progress(review, other_review):
    Entry.objects.create(review=review, scope_area=review.framework.scope_areas.first(), status=Entry.Status.SUBMITTED)

    response = programme_client().get(reverse("reviews:programme"))

    rows = {row["review"].pk: row["progress"] for row in response.context["rows"]}
    assert set(rows) == {review.pk, other_review.pk}
    assert (rows[review.pk][0].done, rows[review.pk][0].total) == (1, 1)
    assert rows[other_review.pk][0].status == "Not started"


def test_the_programme_page_runs_the_same_queries_for_one_and_for_twenty_reviews(db):
    client = programme_client()
    ReviewFactory()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:programme"))
    for _ in range(19):
        ReviewFactory()

    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse("reviews:programme"))

    assert len(response.context["rows"]) == 20
    assert len(one) == len(twenty)


def test_my_reviews_runs_the_same_queries_for_one_and_for_ten_reviews(db):
    user = UserFactory(username="busy")
    client = Client()
    client.force_login(user)
    MembershipFactory(user=user)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:list"))
    for _ in range(9):
        MembershipFactory(user=user)

    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("reviews:list"))

    assert len(response.context["rows"]) == 10
    assert len(one) == len(ten)
