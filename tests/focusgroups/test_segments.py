"""Segments linked to the council's partner agencies, in the workspace and in admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from focusgroups.models import Segment

from ..factories import PartnerFactory
from .conftest import make_segment


@pytest.fixture
def police(review):
    return PartnerFactory(council=review.council, name="Testshire Police")


@pytest.fixture
def elsewhere(other_review):
    return PartnerFactory(council=other_review.council, name="Otherton Police")


def url(review) -> str:
    return reverse("focusgroups:segments", args=[review.pk])


def test_a_segment_can_be_linked_to_one_of_the_councils_partners(review, police, lead_client):
    response = lead_client.post(url(review), {"name": "Police officers", "expected": "30", "partner": police.pk})

    assert response.status_code == 302
    segment = Segment.objects.get(review=review)
    assert (segment.name, segment.expected, segment.partner) == ("Police officers", 30, police)


def test_a_segment_need_not_be_linked_to_a_partner(review, lead_client):
    response = lead_client.post(url(review), {"name": "Front door", "expected": "", "partner": ""})

    assert response.status_code == 302
    assert Segment.objects.get(review=review).partner is None


@pytest.mark.parametrize("bad", ["elsewhere", "not-a-number", "999999"])
def test_a_partner_of_another_council_or_none_at_all_is_a_clear_error_and_nothing_is_saved(
    bad, review, elsewhere, lead_client
):
    partner = elsewhere.pk if bad == "elsewhere" else bad

    response = lead_client.post(url(review), {"name": "Police officers", "partner": partner})

    assert response.status_code == 200
    assert response.context["form"].errors == {"partner": ["Choose one of the council's own partner agencies."]}
    assert "Choose one of the council&#x27;s own partner agencies." in response.content.decode()
    assert not Segment.objects.exists()


def test_the_form_offers_only_the_councils_partners(review, police, elsewhere, lead_client):
    response = lead_client.get(url(review))

    choices = [label for _, label in response.context["form"].fields["partner"].choices]
    assert choices == ["Not one of the council's partner agencies", "Testshire Police"]


def test_the_model_refuses_a_partner_of_another_council(review, elsewhere):
    segment = Segment(review=review, name="Police", partner=elsewhere)

    with pytest.raises(ValidationError) as refused:
        segment.full_clean()

    assert refused.value.message_dict == {"partner": ["Choose one of the council's own partner agencies."]}


def test_the_segments_page_names_each_segments_partner(review, police, lead_client):
    make_segment(review, "Police officers", partner=police)
    make_segment(review, "Front door")

    page = lead_client.get(url(review)).content.decode()

    assert '<td class="govuk-table__cell">Testshire Police</td>' in page
    assert '<td class="govuk-table__cell">–</td>' in page


def test_an_observer_cannot_add_or_link_a_segment(review, police, observer_client):
    response = observer_client.post(url(review), {"name": "Police", "partner": police.pk})

    assert response.status_code == 403
    assert not Segment.objects.exists()


def test_admin_links_a_segment_to_a_partner_and_refuses_one_of_another_council(review, police, elsewhere, admin_client):
    segment = make_segment(review, "Police officers")
    change = reverse("admin:focusgroups_segment_change", args=[segment.pk])
    data = {"review": review.pk, "name": "Police officers", "expected": "", "partner": elsewhere.pk}

    refused = admin_client.post(change, data)
    accepted = admin_client.post(change, {**data, "partner": police.pk})

    assert refused.status_code == 200
    assert "Choose one of the council&#x27;s own partner agencies." in refused.content.decode()
    assert accepted.status_code == 302
    segment.refresh_from_db()
    assert segment.partner == police


# Changing a segment


def edit_url(segment) -> str:
    return reverse("focusgroups:segment", args=[segment.review_id, segment.pk])


def test_a_lead_links_an_existing_segment_to_a_partner_and_the_version_rises(review, police, lead_client):
    segment = make_segment(review, "Police officers", expected=30)

    opened = lead_client.get(edit_url(segment))
    saved = lead_client.post(
        edit_url(segment), {"name": "Police officers", "expected": "35", "partner": police.pk, "version": 1}
    )

    assert opened.status_code == 200
    assert opened.context["form"]["version"].value() == 1
    assert saved.status_code == 302
    segment.refresh_from_db()
    assert (segment.expected, segment.partner, segment.version) == (35, police, 2)


def test_the_second_of_two_people_changing_a_segment_is_refused_and_told_what_differs(
    review, police, lead_client, organiser_client
):
    segment = make_segment(review, "Police officers")
    first = lead_client.post(edit_url(segment), {"name": "Police officers", "partner": police.pk, "version": 1})

    second = organiser_client.post(edit_url(segment), {"name": "Police", "partner": "", "version": 1})

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [
        "Someone else changed this segment after you opened it, so your changes have not been saved. "
        "What is saved now differs from what you sent in: agency or team, partner agency. "
        "Open it again to see the latest version, then make your changes."
    ]
    assert "Change the segment Police officers" in second.content.decode()
    segment.refresh_from_db()
    assert (segment.name, segment.partner, segment.version) == ("Police officers", police, 2)


def test_changing_a_segment_to_a_partner_of_another_council_is_refused(review, elsewhere, lead_client):
    segment = make_segment(review, "Police officers")

    response = lead_client.post(edit_url(segment), {"name": "Police officers", "partner": elsewhere.pk, "version": 1})

    assert response.context["form"].errors == {"partner": ["Choose one of the council's own partner agencies."]}
    segment.refresh_from_db()
    assert (segment.partner, segment.version) == (None, 1)


def test_a_segment_of_another_review_is_404(review, other_review, lead_client):
    elsewhere = make_segment(other_review, "Police")

    response = lead_client.get(reverse("focusgroups:segment", args=[review.pk, elsewhere.pk]))

    assert response.status_code == 404


def test_a_renamed_segment_must_keep_a_unique_name(review, lead_client):
    make_segment(review, "Health")
    segment = make_segment(review, "Police")

    response = lead_client.post(edit_url(segment), {"name": "Health", "version": 1})

    assert response.context["form"].errors == {"name": ["There is already a segment with this name."]}


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_observer_cannot_change_a_segment(method, review, police, observer_client):
    segment = make_segment(review, "Police")

    response = getattr(observer_client, method)(edit_url(segment), {"name": "X", "partner": police.pk, "version": 1})

    assert response.status_code == 403
    segment.refresh_from_db()
    assert (segment.name, segment.partner) == ("Police", None)


def test_the_segments_page_links_to_each_segment_for_those_who_manage_questionnaires(
    review, lead_client, observer_client
):
    segment = make_segment(review, "Police")

    lead_page = lead_client.get(url(review)).content.decode()
    observer_page = observer_client.get(url(review)).content.decode()

    assert f'href="{edit_url(segment)}"' in lead_page
    assert f'href="{edit_url(segment)}"' not in observer_page
