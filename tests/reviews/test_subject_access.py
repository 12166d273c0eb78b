"""Subject access: an administrator finds what is held about a person or a case across every review and exports
it as JSON and PDF; the search is logged; anonymous answers stay unlinkable and the bundle says so."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from casemapping.models import Event, EventKind
from reviews.models import AccessLog, PlanningMember
from reviews.subject_access import ANONYMOUS_NOTE

from ..factories import CaseFactory, FindingFactory, PartnerFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def search(client, query: str, name: str = "subject_access"):
    return client.get(reverse(name), {"q": query})


def test_a_team_members_records_are_found_across_reviews_without_their_password(
    review, other_review, peer, admin_client
):
    FindingFactory(review=review, raised_by=peer, summary="Strategy meetings are late")
    FindingFactory(review=other_review, raised_by=peer, summary="Thresholds are applied well")
    AccessLog.objects.record(user=peer, review=review, action=AccessLog.Action.VIEW, target="Case NM-004")

    page = search(admin_client, peer.username).content.decode()
    exported = json.loads(search(admin_client, peer.username, "subject_access_json").content)

    assert "Strategy meetings are late" in page and "Thresholds are applied well" in page
    kinds = {holding["kind"] for holding in exported["holdings"]}
    assert {"Account", "Reviews: findings", "Reviews: review memberships", "Reviews: access logs"} <= kinds
    assert peer.password not in json.dumps(exported)
    assert "password" not in next(h for h in exported["holdings"] if h["kind"] == "Account")["records"][0]["fields"]
    assert exported["note"] == ANONYMOUS_NOTE


def test_a_case_reference_finds_the_case_its_chronology_and_its_history_in_every_review(review, admin_client):
    case = CaseFactory(review=review, reference="NM-004")
    CaseFactory(review=ReviewFactory(), reference="NM-004")
    Event.objects.create(
        review=review,
        case=case,
        date=datetime.date(2025, 1, 6),
        sequence=1,
        kind=EventKind.objects.get(slug="referral"),
        agency=PartnerFactory(council=review.council),
        summary="Referral from the school nurse",
    )

    exported = json.loads(search(admin_client, "nm-004", "subject_access_json").content)

    abouts = {holding["about"] for holding in exported["holdings"]}
    kinds = {holding["kind"] for holding in exported["holdings"]}
    assert len([about for about in abouts if about.startswith("Case NM-004 in ")]) == 2
    assert {"Case mapping: events", "Reviews: historical cases"} <= kinds
    assert "Referral from the school nurse" in json.dumps(exported)


def test_a_named_contact_is_found_by_email_or_name(review, admin_client):
    PlanningMember.objects.create(review=review, role="Chair", name="Rowan Example", email="rowan@partner.example")

    by_email = search(admin_client, "ROWAN@partner.example").content.decode()
    by_name = search(admin_client, "rowan example").content.decode()

    for page in (by_email, by_name):
        assert "Named contact" in page
        assert "rowan@partner.example" in page


def test_nothing_found_says_so_and_explains_anonymous_answers(admin_client):
    page = search(admin_client, "nobody@nowhere.example").content.decode()

    assert "Nothing held matches “nobody@nowhere.example”" in page
    assert ANONYMOUS_NOTE in page


def test_a_search_too_short_asks_for_more(admin_client):
    page = search(admin_client, "x").content.decode()

    assert "Enter at least 2 characters to search." in page
    assert search(admin_client, "x", "subject_access_json").status_code == 404


def test_every_search_and_export_is_logged_with_what_was_searched_for(peer, admin_client, admin_user):
    search(admin_client, peer.username)
    search(admin_client, peer.username, "subject_access_json")

    logged = AccessLog.objects.filter(user=admin_user, action=AccessLog.Action.SEARCH)
    assert [entry.target for entry in logged.order_by("pk")] == [f"Subject access search for “{peer.username}”"] * 2


def test_the_pdf_is_a_readable_bundle(review, peer, admin_client):
    FindingFactory(review=review, raised_by=peer, summary="Strategy meetings are late")

    response = search(admin_client, peer.username, "subject_access_pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert f"What is held about “{peer.username}”" in text
    assert "Strategy meetings are late" in text
    assert "Questionnaire answers are anonymous" in text


@pytest.mark.parametrize("name", ["subject_access", "subject_access_json", "subject_access_pdf"])
def test_only_administrators_may_search(name, lead_client, peer):
    assert search(lead_client, peer.username, name).status_code == 404


def test_administrators_reach_it_from_the_header_and_others_do_not_see_the_link(admin_client, lead_client, review):
    url = reverse("subject_access")

    assert f'href="{url}"' in admin_client.get(reverse("reviews:list")).content.decode()
    assert f'href="{url}"' not in lead_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()


def test_the_pdf_shows_a_bounded_number_of_each_kind_and_points_to_the_complete_json(review, peer, admin_client):
    for number in range(26):
        FindingFactory(review=review, raised_by=peer, summary=f"Finding number {number:02}")

    pdf = search(admin_client, peer.username, "subject_access_pdf").content
    exported = json.loads(search(admin_client, peer.username, "subject_access_json").content)

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "This shows the first 25; the JSON download holds every one." in text
    assert "Finding number 24" in text and "Finding number 25" not in text
    findings = next(h for h in exported["holdings"] if h["kind"] == "Reviews: findings")
    assert len(findings["records"]) == 26


def test_a_nul_in_the_search_fails_nothing(admin_client, peer):
    for name in ("subject_access", "subject_access_json", "subject_access_pdf"):
        assert search(admin_client, f"{peer.username}\x00", name).status_code == 200, name


def test_every_form_of_the_bundle_warns_to_remove_other_peoples_data_before_disclosure(peer, admin_client):
    from reviews.subject_access import THIRD_PARTY_NOTE

    page = search(admin_client, peer.username).content.decode()
    exported = json.loads(search(admin_client, peer.username, "subject_access_json").content)
    pdf = search(admin_client, peer.username, "subject_access_pdf").content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())

    assert THIRD_PARTY_NOTE.replace("'", "&#x27;") in page
    assert exported["before_disclosure"] == THIRD_PARTY_NOTE
    assert "remove other people's personal data, before anything is disclosed" in text
