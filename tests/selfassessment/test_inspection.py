import datetime
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from reviews.models import Finding, FindingEvidence, Framework, GradeScale, Report
from reviews.services import build_report_pdf
from selfassessment import services
from selfassessment.forms import RecommendationImportForm
from selfassessment.models import (
    Inspection,
    InspectionKind,
    Judgement,
    Rag,
    Recommendation,
    RecommendationPeerView,
)
from selfassessment.stage import progress, progress_many

from ..factories import ReviewFactory
from .factories import (
    DocumentFactory,
    InspectionFactory,
    JudgementFactory,
    PeerViewFactory,
    RecommendationFactory,
    inspection_kind,
)

SLAC = "Inspection of safeguarding and looked after children services"
SIF = "Single inspection framework"
ILACS = "Inspection of local authority children's services (ILACS)"


def url(name, review, *args):
    return reverse(f"selfassessment:{name}", args=[review.pk, *args])


def inspection_data(**changes):
    data = {"kind": inspection_kind(SLAC).pk, "date": "17/06/2011", "reference": "Northmoor, June 2011"}
    data.update(changes)
    return data


def scale_grade(scale_name: str, label: str):
    return GradeScale.objects.get(framework__is_default=True, name=scale_name).grades.get(label=label)


# Inspection kinds


def test_the_three_ofsted_inspection_kinds_are_seeded_on_the_default_frameworks_scales(db):
    kinds = {
        kind.name: (kind.grade_scale.name, kind.valid_from, kind.valid_to)
        for kind in InspectionKind.objects.select_related("grade_scale")
    }

    assert kinds == {
        SLAC: ("Ofsted scale until November 2013", datetime.date(2009, 6, 1), datetime.date(2013, 10, 31)),
        SIF: ("Ofsted scale from November 2013", datetime.date(2013, 11, 1), datetime.date(2017, 12, 31)),
        ILACS: ("Ofsted scale from November 2013", datetime.date(2018, 1, 1), None),
    }
    assert inspection_kind(ILACS).usual_judgement_areas()[0] == "Overall effectiveness"


# Recording the inspection


@pytest.mark.parametrize("client_name", ["organiser_client", "sponsor_client", "lead_client", "challenge_client"])
def test_the_organiser_sponsor_and_leads_record_the_inspection(review, client_name, request):
    response = request.getfixturevalue(client_name).post(url("inspection_edit", review), inspection_data())

    inspection = Inspection.objects.get(review=review)
    assert response.status_code == 302
    assert (inspection.kind.name, inspection.date, inspection.reference, inspection.version) == (
        SLAC,
        datetime.date(2011, 6, 17),
        "Northmoor, June 2011",
        1,
    )


@pytest.mark.parametrize("client_name", ["contributor_client", "peer_client", "auditor_client", "observer_client"])
def test_other_roles_cannot_record_the_inspection(review, client_name, request):
    client = request.getfixturevalue(client_name)

    got = client.get(url("inspection_edit", review))
    posted = client.post(url("inspection_edit", review), inspection_data())

    assert (got.status_code, posted.status_code) == (403, 403)
    assert not Inspection.objects.exists()


def test_a_date_outside_the_kinds_years_is_refused_on_the_date(review, organiser_client):
    response = organiser_client.post(url("inspection_edit", review), inspection_data(date="01/03/2020"))

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Inspections of this kind took place from 1 June 2009 to 31 October 2013: check the date or the kind."
    ]
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "abc"}, "kind", "Choose a kind of inspection that exists."),
        ({"kind": "999999"}, "kind", "Choose a kind of inspection that exists."),
        ({"kind": ""}, "kind", "Choose the kind of inspection."),
        ({"date": ""}, "date", "Enter the date of the inspection."),
        ({"date": "31/02/2011"}, "date", "Enter the date of the inspection as a real date, for example 27/3/2027."),
        ({"date": "last June"}, "date", "Enter the date of the inspection as a real date, for example 27/3/2027."),
    ],
)
def test_wrong_or_missing_inspection_details_are_named(review, organiser_client, changes, field, message):
    response = organiser_client.post(url("inspection_edit", review), inspection_data(**changes))

    assert response.context["form"].errors[field] == [message]
    assert not Inspection.objects.exists()


def test_a_stale_inspection_edit_is_refused_and_both_versions_are_shown(review, organiser_client, sponsor_client):
    InspectionFactory(review=review)
    organiser_client.post(url("inspection_edit", review), inspection_data(reference="The organiser's title", version=1))

    response = sponsor_client.post(
        url("inspection_edit", review), inspection_data(reference="The sponsor's title", version=1)
    )

    inspection = Inspection.objects.get(review=review)
    page = response.content.decode()
    assert "after you opened it, so your changes have not been saved" in page
    assert "The organiser&#x27;s title" in page
    assert "The sponsor&#x27;s title" in page
    assert (inspection.reference, inspection.version) == ("The organiser's title", 2)


def test_a_second_first_recording_is_refused_as_stale(review, organiser_client, sponsor_client):
    organiser_client.post(url("inspection_edit", review), inspection_data(reference="First"))

    response = sponsor_client.post(url("inspection_edit", review), inspection_data(reference="Second"))

    assert "after you opened it" in response.content.decode()
    assert Inspection.objects.get(review=review).reference == "First"


def test_the_kind_cannot_change_to_another_scale_while_judgements_use_the_old_one(review, organiser_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection)

    response = organiser_client.post(
        url("inspection_edit", review), inspection_data(kind=inspection_kind(ILACS).pk, date="01/03/2019", version=1)
    )

    inspection.refresh_from_db()
    assert response.context["form"].errors["kind"] == [
        "The judgements already recorded are graded on the Ofsted scale until November 2013; "
        "remove them before choosing a kind of inspection with another scale."
    ]
    assert inspection.kind.name == SLAC


def test_the_kind_can_change_to_another_with_the_same_scale(review, organiser_client):
    inspection = InspectionFactory(review=review, kind=inspection_kind(SIF), date=datetime.date(2016, 5, 1))
    JudgementFactory(inspection=inspection)

    organiser_client.post(
        url("inspection_edit", review), inspection_data(kind=inspection_kind(ILACS).pk, date="01/03/2019", version=1)
    )

    inspection.refresh_from_db()
    assert (inspection.kind.name, inspection.version) == (ILACS, 2)


def test_the_inspection_page_shows_the_inspection_to_both_sides(review, contributor_client, observer_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection, area="Overall effectiveness of safeguarding services")
    RecommendationFactory(inspection=inspection, text="Screen every contact within a day.")

    pages = [client.get(url("inspection", review)).content.decode() for client in (contributor_client, observer_client)]

    for page in pages:
        assert SLAC in page
        assert "Overall effectiveness of safeguarding services" in page
        assert "Screen every contact within a day." in page
    assert "Add a judgement" not in pages[1]


# Judgements


def test_a_judgement_is_added_on_the_kinds_scale_after_the_others(review, organiser_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection, order=1)
    adequate = scale_grade("Ofsted scale until November 2013", "Adequate")

    response = organiser_client.post(
        url("judgement_create", review), {"area": "  Quality of   provision ", "grade": adequate.pk}
    )

    judgement = inspection.judgements.get(order=2)
    assert response.status_code == 302
    assert (judgement.area, judgement.grade) == ("Quality of provision", adequate)


def test_the_judgement_form_offers_the_next_usual_area_of_the_kind(review, organiser_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection, area="Overall effectiveness of safeguarding services")

    response = organiser_client.get(url("judgement_create", review))

    form = response.context["form"]
    assert form.fields["area"].initial == "Capacity for improvement of safeguarding services"
    assert [label for _pk, label in form.fields["grade"].choices] == ["Outstanding", "Good", "Adequate", "Inadequate"]


def test_a_grade_of_the_later_scale_is_refused_for_a_2011_inspection(review, organiser_client):
    InspectionFactory(review=review)
    requires_improvement = scale_grade("Ofsted scale from November 2013", "Requires improvement to be good")

    response = organiser_client.post(
        url("judgement_create", review), {"area": "Quality of provision", "grade": requires_improvement.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["grade"] == [
        "Choose a grade of the Ofsted scale until November 2013, the scale this inspection used."
    ]
    assert not Judgement.objects.exists()


def test_a_grade_of_another_framework_is_refused(review, organiser_client):
    other = Framework.objects.create(name="Another framework", version="1")
    foreign = other.grade_scales.create(name="Another scale").grades.create(rank=1, label="Top")
    InspectionFactory(review=review)

    response = organiser_client.post(url("judgement_create", review), {"area": "Quality", "grade": foreign.pk})

    assert response.context["form"].errors["grade"] == [
        "Choose a grade of the Ofsted scale until November 2013, the scale this inspection used."
    ]
    assert not Judgement.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"area": "Quality", "grade": "good"}, "grade", "Choose a grade that exists."),
        ({"area": "Quality", "grade": "999999"}, "grade", "Choose a grade that exists."),
        ({"area": "Quality"}, "grade", "Choose the grade the inspection gave."),
        ({"area": "", "grade": "1"}, "area", "Enter the area the inspection judged."),
        ({"area": "x" * 301, "grade": "1"}, "area", "The judgement area must be 300 characters or less"),
    ],
)
def test_wrong_judgement_input_is_named_on_the_field(review, organiser_client, data, field, message):
    InspectionFactory(review=review)

    response = organiser_client.post(url("judgement_create", review), data)

    assert response.context["form"].errors[field] == [message]
    assert not Judgement.objects.exists()


def test_the_same_area_cannot_be_judged_twice(review, organiser_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection, area="Quality of provision")

    response = organiser_client.post(
        url("judgement_create", review),
        {"area": "quality of provision", "grade": scale_grade("Ofsted scale until November 2013", "Good").pk},
    )

    assert response.context["form"].errors["area"] == [
        "This inspection already has a judgement on “quality of provision”."
    ]
    assert inspection.judgements.count() == 1


def test_the_model_refuses_a_grade_of_another_scale_too(review):
    inspection = InspectionFactory(review=review)
    judgement = Judgement(
        inspection=inspection,
        order=1,
        area="Quality of provision",
        grade=scale_grade("Ofsted scale from November 2013", "Requires improvement to be good"),
    )

    with pytest.raises(ValidationError) as error:
        judgement.full_clean()

    assert error.value.message_dict["grade"] == [
        "Choose a grade of the Ofsted scale until November 2013, the scale this inspection used."
    ]


def test_judgements_wait_for_the_inspection(review, organiser_client):
    response = organiser_client.get(url("judgement_create", review), follow=True)

    assert response.redirect_chain[-1][0] == url("inspection", review)
    assert "Record the last inspection first." in response.content.decode()


def test_a_judgement_is_deleted_and_one_of_another_review_is_404(review, other_review, organiser_client):
    judgement = JudgementFactory(inspection=InspectionFactory(review=review))
    foreign = JudgementFactory(inspection=InspectionFactory(review=other_review))

    removed = organiser_client.post(url("judgement_delete", review, judgement.pk), {"version": 1})
    opened = organiser_client.get(url("judgement_delete", review, foreign.pk))
    refused = organiser_client.post(url("judgement_delete", review, foreign.pk), {"version": 1})

    assert (removed.status_code, opened.status_code, refused.status_code) == (302, 404, 404)
    assert list(Judgement.objects.all()) == [foreign]


@pytest.mark.parametrize("client_name", ["observer_client", "contributor_client", "peer_client"])
def test_other_roles_cannot_add_or_remove_judgements(review, client_name, request):
    client = request.getfixturevalue(client_name)
    judgement = JudgementFactory(inspection=InspectionFactory(review=review))
    grade = judgement.grade.pk

    added = client.post(url("judgement_create", review), {"area": "Quality", "grade": grade})
    opened = client.get(url("judgement_delete", review, judgement.pk))
    removed = client.post(url("judgement_delete", review, judgement.pk), {"version": 1})

    assert (added.status_code, opened.status_code, removed.status_code) == (403, 403, 403)
    assert list(Judgement.objects.all()) == [judgement]


# Recommendations from a pasted list


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1. Improve assessments.", "Improve assessments."),
        ("  12) Improve assessments.", "Improve assessments."),
        ("(a) Improve assessments.", "Improve assessments."),
        ("iv. Improve assessments.", "Improve assessments."),
        ("- Improve assessments.", "Improve assessments."),
        ("• Improve assessments.", "Improve assessments."),
        ("•Improve assessments.", "Improve assessments."),
        ("* Improve assessments.", "Improve assessments."),
        ("1.5 hours of supervision a month.", "1.5 hours of supervision a month."),
        ("2013 plans were reviewed.", "2013 plans were reviewed."),
        ("   ", ""),
    ],
)
def test_leading_numbers_and_bullets_are_removed_from_a_pasted_line(line, expected):
    assert services.clean_pasted_line(line) == expected


def test_pasted_recommendations_are_added_in_order_after_the_existing_ones(review, organiser_client):
    inspection = InspectionFactory(review=review)
    RecommendationFactory(inspection=inspection, order=1, text="Existing one.")
    pasted = "1. Screen contacts within a day.\n\n2) Improve assessments.\n   \n• Review plans on time.\n"

    response = organiser_client.post(
        url("recommendation_import", review), {"kind": "area_for_improvement", "text": pasted}, follow=True
    )

    rows = list(inspection.recommendations.order_by("order").values_list("order", "kind", "text", "review"))
    assert rows == [
        (1, "recommendation", "Existing one.", review.pk),
        (2, "area_for_improvement", "Screen contacts within a day.", review.pk),
        (3, "area_for_improvement", "Improve assessments.", review.pk),
        (4, "area_for_improvement", "Review plans on time.", review.pk),
    ]
    assert "3 items added to the list." in response.content.decode()


def test_an_over_long_line_refuses_the_whole_list_and_names_the_line(review, organiser_client):
    InspectionFactory(review=review)
    pasted = "1. A fine recommendation.\n\n3. " + "x" * 1001 + "\n4. Another."

    response = organiser_client.post(url("recommendation_import", review), {"kind": "recommendation", "text": pasted})

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [
        "Line 3 is 1,001 characters long; an item can be at most 1,000. Shorten it or split it over two lines."
    ]
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n\n  \n", "1.\n-\n•"])
def test_an_empty_paste_is_refused(review, organiser_client, text):
    InspectionFactory(review=review)

    response = organiser_client.post(url("recommendation_import", review), {"kind": "recommendation", "text": text})

    assert response.context["form"].errors["text"] == ["Paste at least one recommendation or area for improvement."]
    assert not Recommendation.objects.exists()


def test_a_kind_that_is_not_offered_is_refused(review, organiser_client):
    InspectionFactory(review=review)

    response = organiser_client.post(url("recommendation_import", review), {"kind": "wish", "text": "Do better."})

    assert response.context["form"].errors["kind"] == [
        "Choose whether these are recommendations or areas for improvement."
    ]
    assert not Recommendation.objects.exists()


def test_items_already_listed_are_reported_and_not_added_again(review, organiser_client):
    inspection = InspectionFactory(review=review)
    RecommendationFactory(inspection=inspection, order=1, text="Improve assessments.")
    pasted = "1. improve   assessments.\n2. Review plans on time.\n3. Review plans on time."

    response = organiser_client.post(
        url("recommendation_import", review), {"kind": "recommendation", "text": pasted}, follow=True
    )

    page = response.content.decode()
    assert list(inspection.recommendations.order_by("order").values_list("text", flat=True)) == [
        "Improve assessments.",
        "Review plans on time.",
    ]
    assert "1 item added to the list." in page
    assert "Already on the list, so not added again: lines 1, 3." in page


def test_too_many_pasted_items_are_refused():
    form = RecommendationImportForm({"kind": "recommendation", "text": "\n".join(f"Item {n}" for n in range(201))})

    assert form.errors["text"] == ["The list has 201 items; paste at most 200 at a time."]


@pytest.mark.parametrize("client_name", ["contributor_client", "peer_client", "observer_client"])
def test_other_roles_cannot_paste_recommendations(review, client_name, request):
    InspectionFactory(review=review)

    response = request.getfixturevalue(client_name).post(
        url("recommendation_import", review), {"kind": "recommendation", "text": "Do better."}
    )

    assert response.status_code == 403
    assert not Recommendation.objects.exists()


def test_recommendations_wait_for_the_inspection(review, organiser_client):
    response = organiser_client.post(
        url("recommendation_import", review), {"kind": "recommendation", "text": "Do better."}
    )

    assert response.status_code == 302
    assert not Recommendation.objects.exists()


# The council's progress


def progress_data(recommendation, **changes):
    data = {
        "what_done": "A hub opened with social workers on every shift.",
        "what_changed": "Decisions within a day rose to 97%.",
        "rag": "green",
        "version": recommendation.version,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("client_name", ["contributor_client", "organiser_client", "sponsor_client"])
def test_the_council_records_its_progress_with_a_status_and_documents(review, client_name, request):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))
    document = DocumentFactory(review=review, title="MASH performance report")

    response = request.getfixturevalue(client_name).post(
        url("progress_edit", review, recommendation.pk), progress_data(recommendation, documents=[document.pk])
    )

    recommendation.refresh_from_db()
    assert response.status_code == 302
    assert (recommendation.rag, recommendation.what_changed, recommendation.version) == (
        "green",
        "Decisions within a day rose to 97%.",
        2,
    )
    assert recommendation.progress_by.username == client_name.removesuffix("_client")
    assert list(recommendation.documents.all()) == [document]


def test_a_document_of_another_review_is_refused_and_nothing_is_saved(review, other_review, contributor_client):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))
    foreign = DocumentFactory(review=other_review)

    response = contributor_client.post(
        url("progress_edit", review, recommendation.pk), progress_data(recommendation, documents=[foreign.pk])
    )

    recommendation.refresh_from_db()
    assert response.context["form"].errors["documents"] == ["Choose documents that exist."]
    assert (recommendation.rag, recommendation.version, recommendation.documents.count()) == ("not_assessed", 1, 0)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rag": "purple"}, "rag", "Choose a status: red, amber, green or not yet assessed."),
        ({"rag": ""}, "rag", "Choose a status: red, amber, green or not yet assessed."),
        (
            {"what_done": "  ", "rag": "amber"},
            "what_done",
            "Say what the council has done before giving a progress status.",
        ),
        ({"documents": ["abc"]}, "documents", "Choose documents that exist."),
        ({"documents": ["999999"]}, "documents", "Choose documents that exist."),
    ],
)
def test_wrong_progress_input_is_named_on_the_field(review, contributor_client, changes, field, message):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))

    response = contributor_client.post(
        url("progress_edit", review, recommendation.pk), progress_data(recommendation, **changes)
    )

    recommendation.refresh_from_db()
    assert response.context["form"].errors[field] == [message]
    assert recommendation.version == 1


def test_a_stale_progress_edit_is_refused_and_both_versions_are_shown(review, contributor_client, organiser_client):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))
    organiser_client.post(
        url("progress_edit", review, recommendation.pk),
        progress_data(recommendation, what_done="The organiser's account"),
    )

    response = contributor_client.post(
        url("progress_edit", review, recommendation.pk),
        progress_data(recommendation, what_done="The contributor's account", version=1),
    )

    recommendation.refresh_from_db()
    page = response.content.decode()
    assert "after you opened it, so your changes have not been saved" in page
    assert "The organiser&#x27;s account" in page
    assert "The contributor&#x27;s account" in page
    assert (recommendation.what_done, recommendation.version) == ("The organiser's account", 2)


@pytest.mark.parametrize("client_name", ["lead_client", "peer_client", "observer_client"])
def test_the_peer_side_cannot_record_the_councils_progress(review, client_name, request):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))

    response = request.getfixturevalue(client_name).post(
        url("progress_edit", review, recommendation.pk), progress_data(recommendation)
    )

    recommendation.refresh_from_db()
    assert response.status_code == 403
    assert (recommendation.rag, recommendation.version) == ("not_assessed", 1)


def test_a_recommendation_of_another_review_is_404_for_a_member(review, other_review, contributor_client, lead_client):
    foreign = RecommendationFactory(inspection=InspectionFactory(review=other_review))

    assert contributor_client.get(url("recommendation_detail", review, foreign.pk)).status_code == 404
    assert contributor_client.post(url("progress_edit", review, foreign.pk), progress_data(foreign)).status_code == 404
    assert lead_client.post(url("peer_view_publish", review, foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.version == 1


# The peers' view


def test_a_peer_gives_a_view_that_the_council_sees_only_once_published(
    review, peer_client, sponsor_client, lead_client
):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))
    detail = url("recommendation_detail", review, recommendation.pk)
    table = url("progress_table", review)

    saved = peer_client.post(
        url("peer_view_edit", review, recommendation.pk), {"rag": "red", "commentary": "Plans still lack outcomes."}
    )
    hidden = [sponsor_client.get(page).content.decode() for page in (detail, table)]
    peer_sees = peer_client.get(table).content.decode()
    lead_client.post(url("peer_view_publish", review, recommendation.pk))
    shown = [sponsor_client.get(page).content.decode() for page in (detail, table)]

    view = RecommendationPeerView.objects.get()
    assert saved.status_code == 302
    assert (view.rag, view.version, view.published_at is not None) == ("red", 1, True)
    assert all("Plans still lack outcomes." not in page for page in hidden)
    assert "Plans still lack outcomes." in peer_sees
    assert all("Plans still lack outcomes." in page for page in shown)


def test_the_council_never_counts_an_unpublished_peer_status(review, sponsor_client):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review), rag=Rag.GREEN)
    PeerViewFactory(recommendation=recommendation, rag=Rag.RED)

    response = sponsor_client.get(url("progress_table", review))

    counts = {row["rag"]: (row["council"], row["peers"]) for row in response.context["rag_counts"]}
    assert counts == {"red": (0, 0), "amber": (0, 0), "green": (1, 0), "not_assessed": (0, 1)}


def test_peer_commentary_is_required_and_a_status_must_be_one_offered(review, peer_client):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))

    response = peer_client.post(url("peer_view_edit", review, recommendation.pk), {"rag": "blue", "commentary": ""})

    assert response.context["form"].errors == {
        "rag": ["Choose a status: red, amber, green or not yet assessed."],
        "commentary": ["Enter the peer team's commentary."],
    }
    assert not RecommendationPeerView.objects.exists()


def test_a_stale_peer_view_edit_is_refused(review, peer_client, auditor_client):
    view = PeerViewFactory(recommendation=RecommendationFactory(inspection=InspectionFactory(review=review)))
    path = url("peer_view_edit", review, view.recommendation.pk)
    auditor_client.post(path, {"rag": "green", "commentary": "First", "version": 1})

    response = peer_client.post(path, {"rag": "red", "commentary": "Second", "version": 1})

    view.refresh_from_db()
    assert "after you opened it" in response.content.decode()
    assert (view.commentary, view.rag, view.version) == ("First", "green", 2)


@pytest.mark.parametrize("client_name", ["sponsor_client", "organiser_client", "contributor_client", "observer_client"])
def test_host_roles_and_observers_cannot_write_the_peers_view(review, client_name, request):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))

    response = request.getfixturevalue(client_name).post(
        url("peer_view_edit", review, recommendation.pk), {"rag": "green", "commentary": "x"}
    )

    assert response.status_code == 403
    assert not RecommendationPeerView.objects.exists()


@pytest.mark.parametrize("client_name", ["peer_client", "organiser_client", "observer_client"])
def test_only_the_lead_and_challenge_manager_publish_the_peers_view(review, client_name, request):
    view = PeerViewFactory(recommendation=RecommendationFactory(inspection=InspectionFactory(review=review)))

    response = request.getfixturevalue(client_name).post(url("peer_view_publish", review, view.recommendation.pk))

    view.refresh_from_db()
    assert response.status_code == 403
    assert view.published_at is None


def test_a_peer_raises_a_finding_linked_to_the_recommendation_and_its_documents(review, peer_client, peer):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))
    document = DocumentFactory(review=review)
    theme = review.framework.themes.get(order=2)
    circumstance = review.framework.focus_areas.filter(kind="circumstance").first()

    response = peer_client.post(
        url("recommendation_finding", review, recommendation.pk),
        {
            "summary": "Plans still lack outcomes",
            "kind": "area",
            "theme": theme.pk,
            "stage": "self-assessment",
            "documents": [document.pk],
            "focus_areas": [circumstance.pk],
        },
    )

    finding = Finding.objects.get()
    assert list(finding.focus_areas.all()) == [circumstance]
    evidence = sorted((item.content_type.model, item.object_id) for item in finding.evidence.all())
    assert response.status_code == 302
    assert (finding.stage, finding.raised_by, finding.theme, finding.review) == ("self-assessment", peer, theme, review)
    assert evidence == sorted([("recommendation", recommendation.pk), ("evidencedocument", document.pk)])
    for item in FindingEvidence.objects.all():
        item.full_clean()
    detail = peer_client.get(url("recommendation_detail", review, recommendation.pk))
    assert list(detail.context["findings"]) == [finding]


def test_a_finding_cannot_rest_on_a_document_of_another_review(review, other_review, peer_client):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))
    foreign = DocumentFactory(review=other_review)

    response = peer_client.post(
        url("recommendation_finding", review, recommendation.pk),
        {
            "summary": "Plans still lack outcomes",
            "kind": "area",
            "theme": review.framework.themes.get(order=2).pk,
            "stage": "self-assessment",
            "documents": [foreign.pk],
        },
    )

    assert response.context["form"].errors["documents"] == ["Choose documents that exist."]
    assert not Finding.objects.exists()
    assert not FindingEvidence.objects.filter(content_type=ContentType.objects.get_for_model(Recommendation)).exists()


@pytest.mark.parametrize("client_name", ["organiser_client", "observer_client"])
def test_host_roles_and_observers_cannot_raise_a_finding_from_a_recommendation(review, client_name, request):
    recommendation = RecommendationFactory(inspection=InspectionFactory(review=review))

    response = request.getfixturevalue(client_name).post(
        url("recommendation_finding", review, recommendation.pk), {"summary": "x", "kind": "area"}
    )

    assert response.status_code == 403
    assert not Finding.objects.exists()


# The progress table


def table_fixture(review):
    inspection = InspectionFactory(review=review)
    first = RecommendationFactory(inspection=inspection, order=1, text="Screen contacts.", rag=Rag.GREEN)
    second = RecommendationFactory(inspection=inspection, order=2, text="Improve plans.", rag=Rag.AMBER)
    third = RecommendationFactory(
        inspection=inspection, order=3, text="Audit together.", rag=Rag.RED, kind="area_for_improvement"
    )
    RecommendationFactory(inspection=inspection, order=4, text="Hear children.")
    PeerViewFactory(recommendation=first, rag=Rag.GREEN, commentary="Confirmed.", published_at="2026-11-10T10:00Z")
    PeerViewFactory(recommendation=second, rag=Rag.RED, commentary="Plans lack outcomes.")
    return first, second, third


def test_the_progress_table_puts_both_views_side_by_side_with_counts(review, lead_client):
    first, second, third = table_fixture(review)

    response = lead_client.get(url("progress_table", review))

    rows = [
        (row["recommendation"].text, row["recommendation"].rag, row["peer_view"].rag if row["peer_view"] else None)
        for row in response.context["rows"]
    ]
    counts = [(row["label"], row["council"], row["peers"]) for row in response.context["rag_counts"]]
    page = response.content.decode()
    assert rows == [
        ("Screen contacts.", "green", "green"),
        ("Improve plans.", "amber", "red"),
        ("Audit together.", "red", None),
        ("Hear children.", "not_assessed", None),
    ]
    assert counts == [("Red", 1, 1), ("Amber", 1, 0), ("Green", 1, 1), ("Not yet assessed", 1, 2)]
    assert '<strong class="govuk-tag govuk-tag--orange">Amber</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in page
    assert "Not yet published" in page


def test_the_host_side_table_shows_only_published_peer_views(review, contributor_client):
    table_fixture(review)

    response = contributor_client.get(url("progress_table", review))

    views = [row["peer_view"].commentary if row["peer_view"] else None for row in response.context["rows"]]
    assert views == ["Confirmed.", None, None, None]
    assert "Plans lack outcomes." not in response.content.decode()


def test_the_progress_table_before_an_inspection_says_so(review, observer_client):
    response = observer_client.get(url("progress_table", review))

    assert response.status_code == 200
    assert "The last inspection has not been recorded yet." in response.content.decode()


def test_the_progress_table_and_inspection_page_run_the_same_queries_for_one_and_for_forty_items(review, lead_client):
    inspection = InspectionFactory(review=review)
    documents = [DocumentFactory(review=review), DocumentFactory(review=review)]
    PeerViewFactory(recommendation=RecommendationFactory(inspection=inspection, documents=documents))
    JudgementFactory(inspection=inspection)
    pages = [url("progress_table", review), url("inspection", review)]
    one = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            lead_client.get(page)
        one.append(len(queries))
    for _ in range(39):
        recommendation = RecommendationFactory(inspection=inspection, documents=documents, rag=Rag.AMBER)
        PeerViewFactory(recommendation=recommendation)
        JudgementFactory(inspection=inspection)

    many = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = lead_client.get(page)
        many.append(len(queries))

    assert len(response.context["recommendations"]) == 40
    assert one == many


# Stage progress


def test_progress_also_counts_recommendations_with_the_councils_progress(review):
    inspection = InspectionFactory(review=review)
    RecommendationFactory(inspection=inspection, rag=Rag.GREEN)
    RecommendationFactory(inspection=inspection, rag=Rag.RED)
    RecommendationFactory(inspection=inspection)

    result = progress(review)

    assert (result.done, result.total) == (2, 3)
    assert result.summary == (
        "0 of 0 entries submitted, 0 analysed by peers; 0 of 0 document requests fulfilled; "
        "progress given on 2 of 3 recommendations of the last inspection"
    )


def test_progress_of_many_reviews_runs_in_the_same_queries_whatever_their_number(db, django_assert_num_queries):
    def make_review():
        review = ReviewFactory()
        recommendation = RecommendationFactory(inspection=InspectionFactory(review=review), rag=Rag.AMBER)
        RecommendationFactory(inspection=recommendation.inspection, order=recommendation.order + 100)
        return review

    few = [make_review()]
    many = few + [make_review() for _ in range(5)]

    with django_assert_num_queries(4):
        progress_many(few)
    with django_assert_num_queries(4):
        results = progress_many(many)

    assert {(result.done, result.total) for result in results.values()} == {(1, 2)}


# The baseline report


def pdf_text(review) -> str:
    pdf = build_report_pdf(Report(review=review, kind=Report.Kind.BASELINE, version=1))
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_baseline_report_shows_progress_since_the_last_inspection(review):
    first, second, _third = table_fixture(review)
    JudgementFactory(
        inspection=first.inspection,
        area="Overall effectiveness of safeguarding services",
        grade=scale_grade("Ofsted scale until November 2013", "Adequate"),
    )
    first.what_done = "A hub opened in 2013."
    first.save()
    first.documents.add(DocumentFactory(review=review, title="MASH performance report"))

    text = pdf_text(review)

    assert "Progress since the last inspection" in text
    assert "inspection of safeguarding and looked after children services of 17 June 2011" in text
    assert "Judgements (Ofsted scale until November 2013)" in text
    assert "Overall effectiveness of safeguarding services Adequate" in text
    assert "1. Screen contacts. Green A hub opened in 2013. Evidence: MASH performance report Green Confirmed." in text
    assert "2. Improve plans. Amber" in text
    assert "Red (not yet published to the council) Plans lack outcomes." in text
    assert "3. Audit together. (area for improvement) Red" in text
    assert "Red 1 1 Amber 1 0 Green 1 1 Not yet assessed 1 2" in text


def test_the_last_inspection_is_a_chapter_of_its_own_after_the_summary_with_its_entry_in_the_contents(review):
    table_fixture(review)
    pdf = build_report_pdf(Report(review=review, kind=Report.Kind.BASELINE, version=1))
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(pages)

    contents = re.search(
        r"Executive summary \.+ (\d+) Progress since the last inspection \.+ (\d+) "
        r"(?:[A-Z][a-z ]+ \.+ \d+ )*?Self assessment and documentary analysis \.+ (\d+)",
        text,
    )
    chapter_page = next(
        number
        for number, page in enumerate(pages, start=1)
        if "Progress since the last inspection The review measures progress from" in page
    )
    summary_page, listed_page, stage_page = (int(number) for number in contents.groups())
    assert summary_page < listed_page == chapter_page <= stage_page
    assert text.count("Progress since the last inspection The review measures progress from") == 1
    assert text.index("Executive summary The peer team reviewed") < text.index(
        "Progress since the last inspection The review"
    )
    assert text.index("Hear children.") < text.index("Council grades beside peer grades")


def test_the_baseline_report_says_when_no_inspection_was_recorded(review):
    assert "Progress since the last inspection The last inspection was not recorded." in pdf_text(review)


# Demo


def test_the_demo_review_has_a_2011_inspection_with_six_recommendations_and_progress(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    inspection = Inspection.objects.select_related("review", "kind").get()
    recommendations = list(inspection.recommendations.select_related("peer_view").order_by("order"))
    assert (inspection.kind.name, inspection.date) == (SLAC, datetime.date(2011, 6, 17))
    assert inspection.review.baseline_reference == (
        "Ofsted inspection of safeguarding and looked after children services, June 2011"
    )
    assert {judgement.grade.scale.name for judgement in inspection.judgements.select_related("grade__scale")} == {
        "Ofsted scale until November 2013"
    }
    assert len(recommendations) == 6
    assert {item.rag for item in recommendations} == {"red", "amber", "green"}
    assert sum(item.documents.count() for item in recommendations) == 5
    assert sum(hasattr(item, "peer_view") for item in recommendations) == 3
    assert (Judgement.objects.count(), RecommendationPeerView.objects.count(), Recommendation.history.count()) == (
        4,
        3,
        6,
    )


# Admin


def test_admin_configures_inspection_kinds_and_shows_inspections_with_their_items(review, admin_client):
    inspection = InspectionFactory(review=review)
    JudgementFactory(inspection=inspection, area="Quality of provision")
    RecommendationFactory(inspection=inspection, text="Screen contacts.")

    pages = [
        admin_client.get(reverse("admin:selfassessment_inspectionkind_changelist")),
        admin_client.get(reverse("admin:selfassessment_inspectionkind_change", args=[inspection_kind(SIF).pk])),
        admin_client.get(reverse("admin:selfassessment_inspection_change", args=[inspection.pk])),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert SIF in pages[0].content.decode()
    assert "Quality of provision" in pages[2].content.decode()
    assert "Screen contacts." in pages[2].content.decode()
