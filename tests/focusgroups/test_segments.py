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
