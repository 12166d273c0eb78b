"""Changing and removing a case in the sample: who may, the checks of a new case, stale edits, and what blocks removal."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from casemapping.models import Workshop
from reviews.models import AccessLog, Case, FindingEvidence, FocusArea, ThresholdLevel

from ..audits.helpers import make_audit, make_validation
from ..factories import CaseFactory, PartnerFactory


def edit_url(case) -> str:
    return reverse("casemapping:case_edit", args=[case.review_id, case.pk])


def remove_url(case) -> str:
    return reverse("casemapping:case_remove", args=[case.review_id, case.pk])


def case_data(case, **values) -> dict:
    data = {
        "reference": case.reference,
        "age_band": case.age_band,
        "threshold_level": case.threshold_level_id or "",
        "legal_status": case.legal_status,
        "cp_category": case.cp_category,
        "version": case.version,
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def levels(review) -> list[ThresholdLevel]:
    return list(ThresholdLevel.objects.filter(council=review.council).order_by("order"))


# Who may change a case


@pytest.mark.parametrize(
    "client_name",
    [
        "lead_client",
        "challenge_client",
        "peer_client",
        "auditor_client",
        "sponsor_client",
        "organiser_client",
        "contributor_client",
    ],
)
def test_members_who_edit_the_sample_change_a_case(request, review, case, police, client_name):
    client = request.getfixturevalue(client_name)
    circumstance = review.framework.focus_areas.filter(kind=FocusArea.Kind.CIRCUMSTANCE).order_by("order").first()
    level = levels(review)[-1]

    response = client.post(
        edit_url(case),
        case_data(
            case,
            reference="C-002",
            age_band="10-15",
            threshold_level=level.pk,
            legal_status="s20",
            cp_category="",
            has_disability="on",
            specific_circumstances=[circumstance.pk],
            partners=[police.pk],
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("casemapping:case_detail", args=[review.pk, case.pk])
    case.refresh_from_db()
    assert (case.reference, case.age_band, case.threshold_level, case.legal_status, case.cp_category) == (
        "C-002",
        "10-15",
        level,
        "s20",
        "",
    )
    assert case.has_disability is True
    assert list(case.specific_circumstances.all()) == [circumstance]
    assert list(case.partners.all()) == [police]
    assert case.version == 2


def test_every_change_to_a_case_is_kept_in_its_history(review, case, lead_client):
    lead_client.post(edit_url(case), case_data(case, reference="C-010"))

    history = list(case.history.order_by("history_date").values_list("reference", "version", "history_user__username"))

    assert history == [("C-001", 1, None), ("C-010", 2, "lead")]


def test_the_observer_gets_403_on_change_and_remove(case, observer_client):
    client = observer_client

    assert client.get(edit_url(case)).status_code == 403
    assert client.post(edit_url(case), case_data(case, reference="C-099")).status_code == 403
    assert client.get(remove_url(case)).status_code == 403
    assert client.post(remove_url(case), {"version": case.version}).status_code == 403
    case.refresh_from_db()
    assert (case.reference, case.version) == ("C-001", 1)
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_outsider_gets_404_on_change_and_remove(case, outsider_client):
    assert outsider_client.get(edit_url(case)).status_code == 404
    assert outsider_client.post(edit_url(case), case_data(case, reference="C-099")).status_code == 404
    assert outsider_client.post(remove_url(case), {"version": case.version}).status_code == 404
    case.refresh_from_db()
    assert case.reference == "C-001"


def test_a_case_of_another_review_is_404_through_this_review(review, lead_client, other_case):
    url = reverse("casemapping:case_edit", args=[review.pk, other_case.pk])
    remove = reverse("casemapping:case_remove", args=[review.pk, other_case.pk])

    assert lead_client.get(url).status_code == 404
    assert lead_client.post(url, case_data(other_case, reference="X-002")).status_code == 404
    assert lead_client.post(remove, {"version": other_case.version}).status_code == 404
    other_case.refresh_from_db()
    assert other_case.reference == "X-001"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(case, lead_client, method):
    assert getattr(lead_client, method)(edit_url(case)).status_code == 405
    assert getattr(lead_client, method)(remove_url(case)).status_code == 405


def test_the_case_page_links_to_change_and_remove_only_for_editors(review, case, organiser_client, observer_client):
    detail = reverse("casemapping:case_detail", args=[review.pk, case.pk])

    editor_page = organiser_client.get(detail).content.decode()
    reader_page = observer_client.get(detail).content.decode()

    assert f'href="{edit_url(case)}">Change<span class="govuk-visually-hidden"> age band</span>' in editor_page
    assert f'href="{remove_url(case)}"' in editor_page
    assert edit_url(case) not in reader_page
    assert remove_url(case) not in reader_page


# Bad input


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"reference": ""}, "reference", "Enter the reference"),
        ({"age_band": None}, "age_band", "Select the age band"),
        ({"age_band": "eleven"}, "age_band", "Select the age band from the choices given"),
        ({"threshold_level": "abc"}, "threshold_level", "Choose one of the council's own threshold levels."),
        ({"partners": ["abc"]}, "partners", "Choose the council's own partner agencies."),
        ({"reference": "C 01"}, "reference", "A case reference uses letters, digits and hyphens only, such as C-01."),
        (
            {"reference": "SW1A1AA"},
            "reference",
            "“SW1A1AA” cannot be a case reference: it contains a postcode. Use one such as C-01.",
        ),
        (
            {"reference": "9434765919"},
            "reference",
            "“9434765919” cannot be a case reference: it contains what looks like an NHS number. Use one such as C-01.",
        ),
        (
            {"reference": "Jane-Smith"},
            "reference",
            "“Jane-Smith” cannot be a case reference: it has no digits, so it could be a name. Use one such as C-01.",
        ),
        (
            {"reference": "C-14-03-2015"},
            "reference",
            "“C-14-03-2015” cannot be a case reference: it contains what looks like a date, such as a date of birth. "
            "Use one such as C-01.",
        ),
        (
            {"legal_status": "cp", "cp_category": ""},
            "cp_category",
            "Choose the child protection category of a case on a plan.",
        ),
        (
            {"legal_status": "cin", "cp_category": "neglect"},
            "cp_category",
            "Only a case on a child protection plan has a category.",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(review, case, lead_client, values, field, message):
    response = lead_client.post(edit_url(case), case_data(case, **values))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    case.refresh_from_db()
    assert (case.reference, case.age_band, case.legal_status, case.version) == ("C-001", "5-9", "cp", 1)


def test_a_reference_that_looks_like_the_councils_record_number_is_refused(review, case, lead_client):
    review.council.record_number_pattern = r"^TS\d{6}$"
    review.council.save()

    response = lead_client.post(edit_url(case), case_data(case, reference="TS123456"))

    assert response.context["form"].errors["reference"] == [
        f"“TS123456” looks like one of {review.council.name}'s own record numbers. "
        "Use a review-local reference such as C-01 instead."
    ]
    case.refresh_from_db()
    assert case.reference == "C-001"


def test_a_reference_already_in_the_sample_is_refused(review, case, lead_client):
    CaseFactory(review=review, reference="C-002")

    response = lead_client.post(edit_url(case), case_data(case, reference="C-002"))

    assert response.context["form"].errors["reference"] == [
        "A case “C-002” is already in the sample; use another reference."
    ]
    case.refresh_from_db()
    assert case.reference == "C-001"


def test_keeping_the_same_reference_is_not_a_duplicate(case, lead_client):
    response = lead_client.post(edit_url(case), case_data(case, age_band="1-4"))

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.reference, case.age_band) == ("C-001", "1-4")


def test_the_same_reference_in_another_review_is_allowed(case, lead_client, other_case):
    response = lead_client.post(edit_url(case), case_data(case, reference=other_case.reference))

    assert response.status_code == 302


def test_a_threshold_level_or_partner_of_another_council_is_refused(review, case, lead_client, other_review):
    foreign_level = levels(other_review)[0]
    foreign_partner = PartnerFactory(council=other_review.council, name="Otherton Police")

    response = lead_client.post(
        edit_url(case), case_data(case, threshold_level=foreign_level.pk, partners=[foreign_partner.pk])
    )

    assert response.status_code == 400
    assert response.context["form"].errors["threshold_level"] == ["Choose one of the council's own threshold levels."]
    assert response.context["form"].errors["partners"] == ["Choose the council's own partner agencies."]
    case.refresh_from_db()
    assert case.threshold_level == levels(review)[0]
    assert list(case.partners.all()) == []


def test_a_specific_circumstance_of_another_framework_kind_is_refused(review, case, lead_client):
    focus = review.framework.focus_areas.filter(kind=FocusArea.Kind.FOCUS).first()

    response = lead_client.post(edit_url(case), case_data(case, specific_circumstances=[focus.pk]))

    assert response.context["form"].errors["specific_circumstances"] == [
        "Choose specific circumstances from this review's framework."
    ]


# Stale edits


def test_a_stale_edit_is_refused_naming_what_differs(review, case, lead_client, organiser_client):
    lead_client.post(edit_url(case), case_data(case, age_band="1-4", legal_status="cin", cp_category=""))

    response = organiser_client.post(edit_url(case), case_data(case, reference="C-005", version=1))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this case after you opened it, so your changes have not been saved. "
        "What is saved now differs from what you sent in: reference, age band, legal status, "
        "child protection category. "
        "Open it again to see the latest version, then make your changes."
    ]
    case.refresh_from_db()
    assert (case.reference, case.age_band, case.version) == ("C-001", "1-4", 2)


@pytest.mark.parametrize("version", [None, "", "two"])
def test_an_edit_without_a_whole_version_number_is_refused(case, lead_client, version):
    response = lead_client.post(edit_url(case), case_data(case, reference="C-005", version=version))

    assert response.status_code == 400
    assert "Someone else changed this case after you opened it" in response.context["form"].non_field_errors()[0]
    case.refresh_from_db()
    assert (case.reference, case.version) == ("C-001", 1)


def test_the_edit_form_carries_the_version_it_was_opened_at(case, lead_client):
    case.version = 7
    case.save()

    response = lead_client.get(edit_url(case))

    assert response.status_code == 200
    assert '<input type="hidden" name="version" value="7"' in response.content.decode()


# The access log


def test_opening_the_edit_page_is_written_to_the_access_log(review, case, organiser_client, organiser):
    AccessLog.objects.all().delete()

    organiser_client.get(edit_url(case))

    assert list(AccessLog.objects.values_list("user", "review", "action", "target", "path")) == [
        (organiser.pk, review.pk, "view", "Case C-001", edit_url(case))
    ]


def test_opening_the_remove_page_is_written_to_the_access_log(review, case, organiser_client, organiser):
    AccessLog.objects.all().delete()

    organiser_client.get(remove_url(case))

    assert list(AccessLog.objects.values_list("user", "action", "target")) == [(organiser.pk, "view", "Case C-001")]


def test_a_refused_read_leaves_no_access_log_entry(case, observer_client, outsider_client):
    AccessLog.objects.all().delete()

    observer_client.get(edit_url(case))
    outsider_client.get(edit_url(case))

    assert AccessLog.objects.count() == 0


# Removing a case


def test_a_case_with_nothing_recorded_against_it_is_removed(review, case, police, organiser_client):
    case.partners.add(police)

    page = organiser_client.get(remove_url(case))
    response = organiser_client.post(remove_url(case), {"version": 1})

    assert "Nothing has been recorded against this case yet." in page.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("casemapping:index", args=[review.pk])
    assert not Case.objects.filter(pk=case.pk).exists()
    assert Case.partners.through.objects.count() == 0
    assert list(Case.history.filter(id=case.pk).order_by("history_date").values_list("history_type", flat=True)) == [
        "+",
        "-",
    ]


def test_a_stale_removal_is_refused(case, lead_client, organiser_client):
    lead_client.post(edit_url(case), case_data(case, age_band="1-4"))

    response = organiser_client.post(remove_url(case), {"version": 1})

    assert response.status_code == 400
    assert response.context["error"] == (
        "Case C-001 was changed by someone else after you opened it, so your changes have not been saved. "
        "Open it again to see the latest version, then make your changes."
    )
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("data", [{}, {"version": "one"}, {"version": "-1"}])
def test_a_removal_without_the_version_is_refused(case, lead_client, data):
    response = lead_client.post(remove_url(case), data)

    assert response.status_code == 400
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_case_with_events_is_not_removed(case, lead_client, add_event):
    add_event(case, datetime.date(2025, 1, 6), "referral")
    add_event(case, datetime.date(2025, 1, 7), "contact")

    page = lead_client.get(remove_url(case))
    response = lead_client.post(remove_url(case), {"version": 1})

    assert page.context["recorded"] == ["2 events"]
    assert "govuk-button--warning" not in page.content.decode()
    assert response.status_code == 400
    assert response.context["error"] == "Case C-001 cannot be removed: the review has recorded 2 events against it."
    assert case.events.count() == 2
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_case_mapped_at_a_workshop_is_not_removed(review, case, lead_client):
    workshop = Workshop.objects.create(
        status=Workshop.Status.HELD, review=review, held_on=datetime.date(2025, 2, 3), facilitators="Peer lead"
    )
    workshop.cases.add(case)

    response = lead_client.post(remove_url(case), {"version": 1})

    assert response.context["error"] == "Case C-001 cannot be removed: the review has recorded 1 workshop against it."
    assert list(workshop.cases.all()) == [case]


def test_a_case_with_a_council_audit_and_validation_is_not_removed(review, lead_client, case_auditor):
    audit = make_audit(review, "C-201")
    validation = make_validation(audit, case_auditor)

    response = lead_client.post(remove_url(audit.case), {"version": 1})

    assert response.status_code == 400
    assert response.context["error"] == (
        "Case C-201 cannot be removed: the review has recorded 1 council audit against it."
    )
    audit.refresh_from_db()
    validation.refresh_from_db()
    assert validation.audit == audit


def test_a_case_that_is_evidence_for_a_finding_is_not_removed(review, case, finding, organiser_client):
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )

    response = organiser_client.post(remove_url(case), {"version": 1})

    assert response.context["error"] == (
        "Case C-001 cannot be removed: the review has recorded evidence for a finding against it."
    )
    assert Case.objects.filter(pk=case.pk).exists()
    assert FindingEvidence.objects.filter(object_id=case.pk).count() == 1


def test_evidence_of_another_kind_of_record_with_the_same_id_does_not_block_removal(review, case, finding, lead_client):
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(Workshop), object_id=case.pk
    )

    response = lead_client.post(remove_url(case), {"version": 1})

    assert response.status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()


def test_everything_recorded_against_a_case_is_listed_together(review, case, finding, lead_client, add_event):
    add_event(case, datetime.date(2025, 1, 6), "referral")
    Workshop.objects.create(
        status=Workshop.Status.HELD, review=review, held_on=datetime.date(2025, 2, 3), facilitators="Peer lead"
    ).cases.add(case)
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )

    response = lead_client.post(remove_url(case), {"version": 1})

    assert response.context["error"] == (
        "Case C-001 cannot be removed: the review has recorded 1 event, 1 workshop and evidence for a finding "
        "against it."
    )
