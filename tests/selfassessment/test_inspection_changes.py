"""Changing the last inspection after it is recorded: judgements, and each recommendation's wording, place and removal."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from reviews.models import EvidenceDocument, Framework
from selfassessment import services
from selfassessment.models import Inspection, Judgement, Rag, Recommendation, RecommendationPeerView

from ..conftest import need_service
from ..factories import FindingFactory
from .factories import DocumentFactory, InspectionFactory, JudgementFactory, PeerViewFactory, RecommendationFactory
from .test_inspection import scale_grade, url

OLD_SCALE = "Ofsted scale until November 2013"


def places(inspection) -> list[tuple[int, str]]:
    return list(inspection.recommendations.order_by("order").values_list("order", "text"))


def listed(inspection, count: int = 4) -> list[Recommendation]:
    return [
        RecommendationFactory(inspection=inspection, order=number, text=f"Item {'ABCDEFGH'[number - 1]}.")
        for number in range(1, count + 1)
    ]


# Changing a judgement


def judgement_data(judgement, **changes):
    data = {"area": judgement.area, "grade": judgement.grade.pk, "version": judgement.version}
    data.update(changes)
    return data


def test_the_organiser_changes_a_judgements_area_and_grade(review, organiser_client):
    judgement = JudgementFactory(inspection=InspectionFactory(review=review), area="Quality of provison")
    inadequate = scale_grade(OLD_SCALE, "Inadequate")

    opened = organiser_client.get(url("judgement_edit", review, judgement.pk))
    response = organiser_client.post(
        url("judgement_edit", review, judgement.pk),
        judgement_data(judgement, area=" Quality of  provision ", grade=inadequate.pk),
        follow=True,
    )

    judgement.refresh_from_db()
    assert opened.context["form"].initial["area"] == "Quality of provison"
    assert "Save the judgement" in opened.content.decode()
    assert response.redirect_chain[-1][0] == url("inspection", review)
    assert (judgement.area, judgement.grade, judgement.version, judgement.order) == (
        "Quality of provision",
        inadequate,
        2,
        judgement.order,
    )
    assert "Judgement “Quality of provision: Inadequate” saved." in response.content.decode()
    assert judgement.history.count() == 2


def test_a_judgement_keeps_its_own_area_but_cannot_take_anothers(review, organiser_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection, area="Capacity for improvement")
    judgement = JudgementFactory(inspection=inspection, area="Quality of provision")

    kept = organiser_client.post(
        url("judgement_edit", review, judgement.pk), judgement_data(judgement, grade=scale_grade(OLD_SCALE, "Good").pk)
    )
    taken = organiser_client.post(
        url("judgement_edit", review, judgement.pk),
        judgement_data(judgement, area="capacity for improvement", version=2),
    )

    judgement.refresh_from_db()
    assert kept.status_code == 302
    assert taken.context["form"].errors["area"] == [
        "This inspection already has a judgement on “capacity for improvement”."
    ]
    assert (judgement.area, judgement.grade.label, judgement.version) == ("Quality of provision", "Good", 2)


def test_a_changed_judgement_must_keep_a_grade_of_the_inspections_scale(review, organiser_client):
    judgement = JudgementFactory(inspection=InspectionFactory(review=review))
    later = scale_grade("Ofsted scale from November 2013", "Requires improvement to be good")
    foreign = Framework.objects.create(name="Another framework", version="1")
    elsewhere = foreign.grade_scales.create(name="Another scale").grades.create(rank=1, label="Top")

    responses = [
        organiser_client.post(url("judgement_edit", review, judgement.pk), judgement_data(judgement, grade=grade.pk))
        for grade in (later, elsewhere)
    ]

    judgement.refresh_from_db()
    for response in responses:
        assert response.context["form"].errors["grade"] == [
            "Choose a grade of the Ofsted scale until November 2013, the scale this inspection used."
        ]
    assert (judgement.grade.label, judgement.version) == ("Good", 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"grade": "good"}, "grade", "Choose a grade that exists."),
        ({"grade": ""}, "grade", "Choose the grade the inspection gave."),
        ({"area": "   "}, "area", "Enter the area the inspection judged."),
        ({"area": "x" * 301}, "area", "The judgement area must be 300 characters or less"),
    ],
)
def test_wrong_input_on_a_changed_judgement_is_named(review, organiser_client, changes, field, message):
    judgement = JudgementFactory(inspection=InspectionFactory(review=review))

    response = organiser_client.post(url("judgement_edit", review, judgement.pk), judgement_data(judgement, **changes))

    judgement.refresh_from_db()
    assert response.context["form"].errors[field] == [message]
    assert judgement.version == 1


def test_a_stale_judgement_edit_is_refused_and_both_versions_are_shown(review, organiser_client, sponsor_client):
    judgement = JudgementFactory(inspection=InspectionFactory(review=review), area="Quality of provision")
    organiser_client.post(
        url("judgement_edit", review, judgement.pk), judgement_data(judgement, area="The organiser's area")
    )

    response = sponsor_client.post(
        url("judgement_edit", review, judgement.pk),
        judgement_data(judgement, area="The sponsor's area", grade=scale_grade(OLD_SCALE, "Inadequate").pk),
    )

    judgement.refresh_from_db()
    page = response.content.decode()
    assert "This was changed by organiser after you opened it, so your changes have not been saved." in page
    assert "The organiser&#x27;s area" in page
    assert "The sponsor&#x27;s area" in page
    assert (judgement.area, judgement.grade.label, judgement.version) == ("The organiser's area", "Good", 2)


def test_a_judgement_edit_without_a_version_is_refused_as_stale(review, organiser_client):
    judgement = JudgementFactory(inspection=InspectionFactory(review=review))
    data = judgement_data(judgement, area="Changed")
    del data["version"]

    response = organiser_client.post(url("judgement_edit", review, judgement.pk), data)

    judgement.refresh_from_db()
    assert response.context["form"].is_stale
    assert judgement.area != "Changed"


def test_a_judgement_of_another_review_is_404_on_edit(review, other_review, organiser_client):
    foreign = JudgementFactory(inspection=InspectionFactory(review=other_review), area="Quality of provision")
    InspectionFactory(review=review)

    got = organiser_client.get(url("judgement_edit", review, foreign.pk))
    posted = organiser_client.post(url("judgement_edit", review, foreign.pk), judgement_data(foreign, area="Mine"))

    foreign.refresh_from_db()
    assert (got.status_code, posted.status_code) == (404, 404)
    assert (foreign.area, foreign.version) == ("Quality of provision", 1)


@pytest.mark.parametrize("client_name", ["observer_client", "contributor_client", "peer_client"])
def test_other_roles_cannot_change_a_judgement(review, client_name, request):
    client = request.getfixturevalue(client_name)
    judgement = JudgementFactory(inspection=InspectionFactory(review=review))

    got = client.get(url("judgement_edit", review, judgement.pk))
    posted = client.post(url("judgement_edit", review, judgement.pk), judgement_data(judgement, area="Changed"))

    judgement.refresh_from_db()
    assert (got.status_code, posted.status_code) == (403, 403)
    assert judgement.version == 1


# Deleting a judgement


def judgements(inspection) -> list[tuple[int, str]]:
    return list(inspection.judgements.order_by("order").values_list("order", "area"))


def three_judgements(inspection) -> list[Judgement]:
    return [
        JudgementFactory(inspection=inspection, order=number, area=area)
        for number, area in enumerate(["Overall effectiveness", "Capacity for improvement", "Quality of provision"], 1)
    ]


def test_the_delete_page_shows_the_judgement_and_its_version(review, organiser_client):
    _first, second, _third = three_judgements(InspectionFactory(review=review))

    response = organiser_client.get(url("judgement_delete", review, second.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Delete the judgement on Capacity for improvement?" in page
    assert '<dd class="govuk-summary-list__value">Good</dd>' in page
    assert '<input type="hidden" name="version" value="1">' in page
    assert judgements(second.inspection) == [
        (1, "Overall effectiveness"),
        (2, "Capacity for improvement"),
        (3, "Quality of provision"),
    ]


def test_deleting_a_judgement_closes_the_gap_in_the_order(review, other_review, organiser_client):
    inspection = InspectionFactory(review=review)
    first, _second, _third = three_judgements(inspection)
    theirs = InspectionFactory(review=other_review)
    three_judgements(theirs)

    response = organiser_client.post(url("judgement_delete", review, first.pk), {"version": 1}, follow=True)

    assert response.redirect_chain[-1][0] == url("inspection", review)
    assert "Judgement “Overall effectiveness: Good” deleted." in response.content.decode()
    assert judgements(inspection) == [(1, "Capacity for improvement"), (2, "Quality of provision")]
    assert [order for order, _area in judgements(theirs)] == [1, 2, 3]


def test_a_judgement_added_after_a_delete_takes_the_next_place(review, organiser_client):
    inspection = InspectionFactory(review=review)
    _first, second, _third = three_judgements(inspection)
    organiser_client.post(url("judgement_delete", review, second.pk), {"version": 1})

    organiser_client.post(
        url("judgement_create", review), {"area": "Leadership", "grade": scale_grade(OLD_SCALE, "Good").pk}
    )

    assert judgements(inspection) == [(1, "Overall effectiveness"), (2, "Quality of provision"), (3, "Leadership")]


@pytest.mark.parametrize(
    ("data", "changed_meanwhile"), [({"version": 1}, True), ({"version": "one"}, False), ({}, False)]
)
def test_a_stale_or_wrong_judgement_delete_is_refused_and_shows_the_judgement_as_it_is(
    review, organiser_client, sponsor_client, data, changed_meanwhile
):
    inspection = InspectionFactory(review=review)
    first, _second, _third = three_judgements(inspection)
    if changed_meanwhile:
        sponsor_client.post(
            url("judgement_edit", review, first.pk),
            judgement_data(
                first, area="Overall effectiveness of services", grade=scale_grade(OLD_SCALE, "Inadequate").pk
            ),
        )

    response = organiser_client.post(url("judgement_delete", review, first.pk), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "This judgement was changed by someone else after you opened this page, so it has not been deleted. "
        "Check what it says now, then delete it again if you still mean to."
    ) in page
    assert ("Delete the judgement on Overall effectiveness of services?" in page) is changed_meanwhile
    assert ('<input type="hidden" name="version" value="2">' in page) is changed_meanwhile
    assert Judgement.objects.filter(inspection=inspection).count() == 3


def test_deleting_a_judgement_already_deleted_is_404(review, organiser_client):
    first, _second, _third = three_judgements(InspectionFactory(review=review))
    organiser_client.post(url("judgement_delete", review, first.pk), {"version": 1})

    again = organiser_client.post(url("judgement_delete", review, first.pk), {"version": 1})

    assert again.status_code == 404
    assert Judgement.objects.count() == 2


def test_the_judgements_list_links_to_the_delete_page_only_for_those_who_may(review, organiser_client, observer_client):
    first, _second, _third = three_judgements(InspectionFactory(review=review))

    organiser_page = organiser_client.get(url("inspection", review)).content.decode()
    observer_page = observer_client.get(url("inspection", review)).content.decode()

    assert f'href="{url("judgement_delete", review, first.pk)}"' in organiser_page
    assert 'Delete<span class="govuk-visually-hidden"> the judgement on Overall effectiveness</span>' in organiser_page
    assert url("judgement_delete", review, first.pk) not in observer_page


def test_a_judgement_delete_needs_a_csrf_token(review, organiser):
    first, _second, _third = three_judgements(InspectionFactory(review=review))
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)

    response = client.post(url("judgement_delete", review, first.pk), {"version": 1})

    assert response.status_code == 403
    assert Judgement.objects.count() == 3


# Changing a recommendation's wording


def wording(recommendation, **changes):
    data = {"kind": recommendation.kind, "text": recommendation.text, "version": recommendation.version}
    data.update(changes)
    return data


def test_the_organiser_changes_the_wording_and_kind_and_keeps_the_progress(review, organiser_client):
    recommendation = RecommendationFactory(
        inspection=InspectionFactory(review=review), order=1, text="Screen contacts withn a day.", rag=Rag.AMBER
    )

    response = organiser_client.post(
        url("recommendation_edit", review, recommendation.pk),
        wording(recommendation, kind="area_for_improvement", text="  Screen contacts within a day. "),
        follow=True,
    )

    recommendation.refresh_from_db()
    assert response.redirect_chain[-1][0] == url("inspection", review) + "#recommendations"
    assert "Area for improvement 1 is saved." in response.content.decode()
    assert (recommendation.text, recommendation.kind, recommendation.rag, recommendation.version) == (
        "Screen contacts within a day.",
        "area_for_improvement",
        "amber",
        2,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": "  "}, "text", "Enter the wording of the recommendation."),
        ({"text": "x" * 1001}, "text", "The wording must be 1000 characters or less"),
        ({"text": "item   b."}, "text", "Item 2 of the list already has this wording."),
        ({"kind": "wish"}, "kind", "Choose whether this is a recommendation or an area for improvement."),
        ({"kind": ""}, "kind", "Choose whether this is a recommendation or an area for improvement."),
    ],
)
def test_wrong_wording_is_named_and_nothing_is_saved(review, organiser_client, changes, field, message):
    first, _second = listed(InspectionFactory(review=review), 2)

    response = organiser_client.post(url("recommendation_edit", review, first.pk), wording(first, **changes))

    first.refresh_from_db()
    assert response.context["form"].errors[field] == [message]
    assert (first.text, first.version) == ("Item A.", 1)


def test_a_stale_wording_edit_is_refused_and_both_versions_are_shown(review, organiser_client, contributor_client):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review), text="As pasted.")
    contributor_client.post(
        url("progress_edit", review, recommendation.pk),
        {"what_done": "A hub opened.", "what_changed": "", "rag": "green", "version": 1},
    )

    response = organiser_client.post(
        url("recommendation_edit", review, recommendation.pk), wording(recommendation, text="The organiser's wording")
    )

    recommendation.refresh_from_db()
    page = response.content.decode()
    assert "This was changed by contributor after you opened it, so your changes have not been saved." in page
    assert "The organiser&#x27;s wording" in page
    assert (recommendation.text, recommendation.rag, recommendation.version) == ("As pasted.", "green", 2)


def test_a_recommendation_of_another_review_is_404_to_change_move_or_delete(review, other_review, organiser_client):
    InspectionFactory(review=review)
    foreign = RecommendationFactory(inspection=InspectionFactory(review=other_review), order=2, text="Theirs.")
    RecommendationFactory(inspection=foreign.inspection, order=1)

    statuses = [
        organiser_client.get(url("recommendation_edit", review, foreign.pk)).status_code,
        organiser_client.post(
            url("recommendation_edit", review, foreign.pk), wording(foreign, text="Mine")
        ).status_code,
        organiser_client.get(url("recommendation_delete", review, foreign.pk)).status_code,
        organiser_client.post(url("recommendation_delete", review, foreign.pk), {"version": 1}).status_code,
        organiser_client.post(
            url("recommendation_move", review, foreign.pk), {"direction": "up", "order": 2}
        ).status_code,
    ]

    foreign.refresh_from_db()
    assert statuses == [404, 404, 404, 404, 404]
    assert (foreign.text, foreign.order, foreign.version) == ("Theirs.", 2, 1)
    assert Recommendation.objects.filter(review=other_review).count() == 2


@pytest.mark.parametrize("client_name", ["observer_client", "contributor_client", "peer_client"])
def test_other_roles_cannot_change_move_or_delete_a_recommendation(review, client_name, request):
    client = request.getfixturevalue(client_name)
    inspection = InspectionFactory(review=review)
    _first, second = listed(inspection, 2)

    statuses = [
        client.get(url("recommendation_edit", review, second.pk)).status_code,
        client.post(url("recommendation_edit", review, second.pk), wording(second, text="Changed")).status_code,
        client.get(url("recommendation_delete", review, second.pk)).status_code,
        client.post(url("recommendation_delete", review, second.pk), {"version": 1}).status_code,
        client.post(url("recommendation_move", review, second.pk), {"direction": "up", "order": 2}).status_code,
    ]

    assert statuses == [403, 403, 403, 403, 403]
    assert places(inspection) == [(1, "Item A."), (2, "Item B.")]


def test_the_list_offers_move_change_and_delete_only_to_those_who_may(review, organiser_client, observer_client):
    first, second, third = listed(InspectionFactory(review=review), 3)

    organiser_page = organiser_client.get(url("inspection", review)).content.decode()
    observer_page = observer_client.get(url("inspection", review)).content.decode()

    assert organiser_page.count('name="direction" value="up"') == 2
    assert organiser_page.count('name="direction" value="down"') == 2
    assert url("recommendation_edit", review, third.pk) in organiser_page
    assert url("recommendation_delete", review, first.pk) in organiser_page
    for text in ("Move up", "Move down", url("recommendation_edit", review, second.pk), "/delete/"):
        assert text not in observer_page


# Reordering


def test_moving_an_item_up_and_down_swaps_it_with_its_neighbour(review, organiser_client):
    inspection = InspectionFactory(review=review)
    _a, b, c, _d = listed(inspection)

    up = organiser_client.post(url("recommendation_move", review, c.pk), {"direction": "up", "order": 3}, follow=True)
    organiser_client.post(url("recommendation_move", review, b.pk), {"direction": "down", "order": 3})

    assert up.redirect_chain[-1][0] == url("inspection", review) + f"#recommendation-{c.pk}"
    assert "Recommendation “Item C.” is now number 2." in up.content.decode()
    assert places(inspection) == [(1, "Item A."), (2, "Item C."), (3, "Item D."), (4, "Item B.")]


def test_moving_does_not_change_the_version_of_the_councils_progress(review, organiser_client):
    first, second = listed(InspectionFactory(review=review), 2)

    organiser_client.post(url("recommendation_move", review, second.pk), {"direction": "up", "order": 2})

    second.refresh_from_db()
    assert (second.order, second.version) == (1, 1)


@pytest.mark.parametrize(
    ("item", "data", "message"),
    [
        (0, {"direction": "up", "order": 1}, "Item 1 is already first on the list."),
        (2, {"direction": "down", "order": 3}, "Item 3 is already last on the list."),
        (
            1,
            {"direction": "up", "order": 3},
            "The list was changed by someone else after you opened it, so nothing was moved. "
            "Check the order below and try again.",
        ),
        (1, {"direction": "sideways", "order": 2}, "Nothing was moved: use the “Move up” and “Move down” buttons"),
        (1, {"direction": "up", "order": "second"}, "Nothing was moved: use the “Move up” and “Move down” buttons"),
        (1, {"direction": "up"}, "Nothing was moved: use the “Move up” and “Move down” buttons"),
        (1, {}, "Nothing was moved: use the “Move up” and “Move down” buttons"),
    ],
)
def test_a_move_that_cannot_be_made_is_refused_with_a_message(review, organiser_client, item, data, message):
    inspection = InspectionFactory(review=review)
    items = listed(inspection, 3)

    response = organiser_client.post(url("recommendation_move", review, items[item].pk), data, follow=True)

    assert message in response.content.decode()
    assert places(inspection) == [(1, "Item A."), (2, "Item B."), (3, "Item C.")]


def test_two_people_moving_the_same_item_from_the_same_page_move_it_once(review, organiser_client, sponsor_client):
    inspection = InspectionFactory(review=review)
    _a, _b, c = listed(inspection, 3)

    organiser_client.post(url("recommendation_move", review, c.pk), {"direction": "up", "order": 3})
    second = sponsor_client.post(url("recommendation_move", review, c.pk), {"direction": "up", "order": 3}, follow=True)

    assert "so nothing was moved" in second.content.decode()
    assert places(inspection) == [(1, "Item A."), (2, "Item C."), (3, "Item B.")]


def test_move_is_post_only(review, organiser_client):
    _first, second = listed(InspectionFactory(review=review), 2)

    assert organiser_client.get(url("recommendation_move", review, second.pk)).status_code == 405


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_move_waits_for_a_concurrent_change_to_the_list_and_then_sees_it():
    """On PostgreSQL: a move blocked on the list's lock finds the list changed when it gets the lock."""
    if connection.vendor != "postgresql":
        need_service("Row locks need PostgreSQL (set DATABASE_URL).")
    inspection = InspectionFactory()
    _a, b, c = listed(inspection, 3)
    outcome = {}

    def move_c_up_from_the_page_it_saw():
        try:
            services.move_recommendation(recommendation=c, up=True, seen_order=3)
            outcome["result"] = "moved"
        except services.ListChanged:
            outcome["result"] = "refused as changed"
        finally:
            connection.close()

    with transaction.atomic():
        services.move_recommendation(recommendation=b, up=False, seen_order=2)
        other = threading.Thread(target=move_c_up_from_the_page_it_saw)
        other.start()
        other.join(timeout=1)
        blocked = other.is_alive()
    other.join(timeout=10)

    assert blocked
    assert outcome == {"result": "refused as changed"}
    assert places(inspection) == [(1, "Item A."), (2, "Item C."), (3, "Item B.")]


# Deleting


def test_deleting_asks_first_and_names_what_goes_with_the_item(review, lead_client, organiser_client):
    inspection = InspectionFactory(review=review)
    _a, b, _c = listed(inspection, 3)
    b.what_done, b.rag = "A hub opened in 2013.", Rag.GREEN
    b.save()
    b.documents.add(DocumentFactory(review=review), DocumentFactory(review=review))
    PeerViewFactory(recommendation=b, rag=Rag.AMBER)

    lead_page = lead_client.get(url("recommendation_delete", review, b.pk)).content.decode()
    organiser_page = organiser_client.get(url("recommendation_delete", review, b.pk)).content.decode()

    for page in (lead_page, organiser_page):
        assert "Delete recommendation 2" in page
        assert "the council&#x27;s progress (green, “A hub opened in 2013.”)" in page
        assert "the links to 2 evidence documents (the documents themselves stay in the register)" in page
        assert 'name="version" value="1"' in page
    assert "the peer team&#x27;s view (amber)" in lead_page
    assert "peer team&#x27;s view (amber)" not in organiser_page
    assert "Any view the peer team has given on it is deleted too." in organiser_page
    assert places(inspection) == [(1, "Item A."), (2, "Item B."), (3, "Item C.")]


def test_an_item_with_nothing_recorded_says_so_before_deleting(review, lead_client, organiser_client):
    first, _second = listed(InspectionFactory(review=review), 2)

    lead_page = lead_client.get(url("recommendation_delete", review, first.pk)).content.decode()
    organiser_page = organiser_client.get(url("recommendation_delete", review, first.pk)).content.decode()

    assert "Nothing has been recorded against it yet." in lead_page
    assert "Any view the peer team has given on it is deleted too." not in lead_page
    assert "Nothing has been recorded against it yet by the council." in organiser_page
    assert "Any view the peer team has given on it is deleted too." in organiser_page


def test_deleting_removes_the_item_its_progress_and_peer_view_and_closes_the_gap(review, organiser_client):
    inspection = InspectionFactory(review=review)
    a, b, c, d = listed(inspection)
    document = DocumentFactory(review=review)
    b.documents.add(document)
    PeerViewFactory(recommendation=b)

    response = organiser_client.post(url("recommendation_delete", review, b.pk), {"version": 1}, follow=True)

    assert response.redirect_chain[-1][0] == url("inspection", review) + "#recommendations"
    assert "Recommendation 2 is deleted." in response.content.decode()
    assert places(inspection) == [(1, "Item A."), (2, "Item C."), (3, "Item D.")]
    assert not RecommendationPeerView.objects.exists()
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert Recommendation.history.filter(id=b.pk, history_type="-").count() == 1
    assert list(Recommendation.objects.filter(pk__in=[a.pk, c.pk, d.pk]).values_list("version", flat=True)) == [1] * 3


def test_the_last_and_the_only_item_can_be_deleted(review, organiser_client):
    inspection = InspectionFactory(review=review)
    first, second = listed(inspection, 2)

    organiser_client.post(url("recommendation_delete", review, second.pk), {"version": 1})
    organiser_client.post(url("recommendation_delete", review, first.pk), {"version": 1})

    assert places(inspection) == []


def test_an_item_that_is_evidence_of_a_finding_cannot_be_deleted(review, lead, lead_client, organiser_client):
    inspection = InspectionFactory(review=review)
    _a, b, _c = listed(inspection, 3)
    draft = services.raise_finding_from_recommendation(
        recommendation=b,
        finding=FindingFactory.build(review=review, summary="Plans lack outcomes"),
        documents=[],
        user=lead,
    )

    lead_page = lead_client.get(url("recommendation_delete", review, b.pk)).content.decode()
    organiser_page = organiser_client.get(url("recommendation_delete", review, b.pk)).content.decode()
    refused = organiser_client.post(url("recommendation_delete", review, b.pk), {"version": 1})

    assert "it is evidence for these findings, which would lose the evidence" in lead_page
    assert draft.get_absolute_url() in lead_page
    assert "it is evidence for a finding of the review, which would lose the evidence" in organiser_page
    assert "Plans lack outcomes" not in organiser_page
    assert "Delete it" not in lead_page + organiser_page
    assert refused.status_code == 200
    assert refused.context["error"] == (
        "Item 2 is evidence for a finding of the review, so it cannot be deleted: the finding would lose its "
        "evidence. If its wording is wrong, change the wording instead."
    )
    assert places(inspection) == [(1, "Item A."), (2, "Item B."), (3, "Item C.")]


@pytest.mark.parametrize(
    ("data", "changed_meanwhile"), [({"version": 1}, True), ({"version": "one"}, False), ({}, False)]
)
def test_a_delete_from_a_stale_or_wrong_page_is_refused_and_shows_the_item_as_it_is(
    review, organiser_client, contributor_client, data, changed_meanwhile
):
    inspection = InspectionFactory(review=review)
    first, _second = listed(inspection, 2)
    if changed_meanwhile:
        contributor_client.post(
            url("progress_edit", review, first.pk), {"what_done": "Done since.", "rag": "green", "version": 1}
        )

    response = organiser_client.post(url("recommendation_delete", review, first.pk), data)

    page = response.content.decode()
    assert "This item was changed by someone else after you opened this page, so it has not been deleted." in page
    assert ("the council&#x27;s progress (green, “Done since.”)" in page) is changed_meanwhile
    assert places(inspection) == [(1, "Item A."), (2, "Item B.")]


def test_deleting_an_item_already_deleted_is_404(review, organiser_client):
    first, _second = listed(InspectionFactory(review=review), 2)
    organiser_client.post(url("recommendation_delete", review, first.pk), {"version": 1})

    again = organiser_client.post(url("recommendation_delete", review, first.pk), {"version": 1})

    assert again.status_code == 404
    assert Recommendation.objects.count() == 1


def test_deleting_an_inspection_item_keeps_other_inspections_lists(review, other_review, organiser_client):
    mine = listed(InspectionFactory(review=review), 2)
    theirs = InspectionFactory(review=other_review)
    listed(theirs, 3)

    organiser_client.post(url("recommendation_delete", review, mine[0].pk), {"version": 1})

    assert places(theirs) == [(1, "Item A."), (2, "Item B."), (3, "Item C.")]
    assert Inspection.objects.count() == 2
    assert Judgement.objects.count() == 0
