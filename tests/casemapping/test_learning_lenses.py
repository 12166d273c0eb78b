"""Focus areas and specific circumstances as lenses on learning points: a learning point carries any number of
those in the review's scope, its finding gets the same, and the workshop page shows them."""

import datetime

from django.urls import reverse

from casemapping.models import LearningPoint
from reviews.models import Finding, FocusArea


def create_url(review, workshop) -> str:
    return reverse("casemapping:learning_create", args=[review.pk, workshop.pk])


def area(review, kind: str, order: int) -> FocusArea:
    return review.framework.focus_areas.get(kind=kind, order=order, review__isnull=True)


def focus(review, order: int) -> FocusArea:
    return area(review, FocusArea.Kind.FOCUS, order)


def circumstance(review, order: int) -> FocusArea:
    return area(review, FocusArea.Kind.CIRCUMSTANCE, order)


def form_data(review, event, **changes) -> dict:
    data = {
        "summary": "Health are missing from strategy discussions",
        "kind": "area",
        "theme": review.framework.themes.get(order=3).pk,
        "detail": "",
        "events": [event.pk],
        "focus_areas": [],
    }
    data.update(changes)
    return data


def test_a_learning_point_and_its_finding_carry_several_areas(review, case, workshop, lead_client, add_event):
    event = add_event(case, datetime.date(2025, 2, 5), "strategy-discussion")
    chosen = [focus(review, 2), circumstance(review, 3), circumstance(review, 5)]

    response = lead_client.post(
        create_url(review, workshop), form_data(review, event, focus_areas=[a.pk for a in chosen])
    )

    assert response.status_code == 302
    point = LearningPoint.objects.get()
    assert set(point.focus_areas.all()) == set(chosen)
    assert set(point.finding.focus_areas.all()) == set(chosen)


def test_the_workshop_page_shows_a_learning_points_areas(review, workshop, lead_client):
    point = LearningPoint.objects.create(
        workshop=workshop, summary="Peer working note", theme=review.framework.themes.first(), kind="area"
    )
    point.focus_areas.set([focus(review, 1), circumstance(review, 3)])

    response = lead_client.get(reverse("casemapping:workshop_detail", args=[review.pk, workshop.pk]))

    html = response.content.decode()
    assert f"Focus area: {focus(review, 1).title}" in html
    assert f"Specific circumstance: {circumstance(review, 3).title}" in html


def test_the_form_offers_only_the_areas_in_the_reviews_scope(review, workshop, lead_client):
    left_out = circumstance(review, 7)
    review.excluded_focus_areas.add(left_out)

    response = lead_client.get(create_url(review, workshop))

    offered = [label for _, label in response.context["form"].fields["focus_areas"].choices]
    assert f"Focus area: {focus(review, 1).title}" in offered
    assert f"Specific circumstance: {circumstance(review, 1).title}" in offered
    assert not any(left_out.title in label for label in offered)


def test_an_area_left_out_of_scope_is_refused_by_name_and_nothing_is_saved(
    review, case, workshop, lead_client, add_event
):
    event = add_event(case, datetime.date(2025, 2, 5), "strategy-discussion")
    left_out = circumstance(review, 7)
    review.excluded_focus_areas.add(left_out)

    response = lead_client.post(
        create_url(review, workshop), form_data(review, event, focus_areas=[focus(review, 1).pk, left_out.pk])
    )

    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "Choose focus areas and circumstances in this review" in html
    assert f"“{left_out.title}” is not" in html
    assert not LearningPoint.objects.exists()
    assert not Finding.objects.exists()


def test_an_area_of_another_reviews_own_is_refused(review, case, workshop, other_review, lead_client, add_event):
    event = add_event(case, datetime.date(2025, 2, 5), "strategy-discussion")
    theirs = FocusArea.objects.create(
        framework=other_review.framework, review=other_review, kind=FocusArea.Kind.FOCUS, order=9, title="Theirs"
    )

    response = lead_client.post(create_url(review, workshop), form_data(review, event, focus_areas=[theirs.pk]))

    assert response.status_code == 200  # the form again, with its errors
    assert "“Theirs” is not" in response.content.decode()
    assert not LearningPoint.objects.exists()


def test_a_focus_area_that_does_not_exist_gets_a_clear_message(review, case, workshop, lead_client, add_event):
    event = add_event(case, datetime.date(2025, 2, 5), "strategy-discussion")

    response = lead_client.post(create_url(review, workshop), form_data(review, event, focus_areas=["999999999"]))

    assert response.status_code == 200  # the form again, with its errors
    assert "Choose focus areas and circumstances that exist." in response.content.decode()
    assert not LearningPoint.objects.exists()


def test_the_outsider_gets_404_on_the_learning_point_form(review, workshop, outsider_client):
    response = outsider_client.get(create_url(review, workshop))

    assert response.status_code == 404
