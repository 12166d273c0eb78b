from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from reviews.models import Case, Finding, FindingEvidence
from selfassessment.models import Entry

from ..factories import CaseFactory, FindingFactory


def link(finding, obj, note=""):
    return FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, note=note
    )


def test_a_merge_keeps_all_evidence_of_both_findings(review, lead, lead_client):
    keep = FindingFactory(review=review, summary="Thresholds are applied well", stage="interviews")
    duplicate = FindingFactory(review=review, summary="Thresholds applied consistently", stage="self-assessment")
    case_a, case_b, case_c = (CaseFactory(review=review) for _ in range(3))
    link(keep, case_a, "kept")
    link(duplicate, case_b, "from the duplicate")
    link(duplicate, case_a, "same case")
    link(duplicate, case_c)

    response = lead_client.post(
        reverse("conference:merge", args=[review.pk]), {"keep": keep.pk, "duplicate": duplicate.pk}
    )

    keep.refresh_from_db()
    assert response.status_code == 302
    assert not Finding.objects.filter(pk=duplicate.pk).exists()
    assert sorted(keep.evidence.values_list("object_id", flat=True)) == sorted([case_a.pk, case_b.pk, case_c.pk])
    assert (
        "Merged from the self assessment and documentary analysis finding: Thresholds applied consistently"
        in keep.detail
    )
    assert keep.version == 2


def test_findings_from_two_reviews_cannot_be_merged(review, other_review, lead_client):
    keep = FindingFactory(review=review)
    foreign = FindingFactory(review=other_review)

    response = lead_client.post(
        reverse("conference:merge", args=[review.pk]), {"keep": keep.pk, "duplicate": foreign.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"duplicate": ["Choose a finding that exists."]}
    assert Finding.objects.filter(pk=foreign.pk).exists()


def test_a_finding_of_another_review_gets_the_same_answer_as_one_that_does_not_exist(review, other_review, lead_client):
    keep = FindingFactory(review=review)
    foreign = FindingFactory(review=other_review)
    url = reverse("conference:merge", args=[review.pk])

    of_another_review = lead_client.post(url, {"keep": keep.pk, "duplicate": foreign.pk})
    missing = lead_client.post(url, {"keep": keep.pk, "duplicate": foreign.pk + 1000})

    assert (of_another_review.status_code, missing.status_code) == (200, 200)
    assert of_another_review.context["form"].errors == missing.context["form"].errors
    assert missing.context["form"].errors == {"duplicate": ["Choose a finding that exists."]}


def test_a_finding_cannot_be_merged_into_itself(review, lead_client):
    keep = FindingFactory(review=review)

    response = lead_client.post(reverse("conference:merge", args=[review.pk]), {"keep": keep.pk, "duplicate": keep.pk})

    assert "Choose a different finding from the one to keep." in response.content.decode()
    assert Finding.objects.filter(pk=keep.pk).exists()


def test_a_peer_may_not_merge_findings(review, peer_client):
    keep, duplicate = FindingFactory(review=review), FindingFactory(review=review)

    response = peer_client.post(
        reverse("conference:merge", args=[review.pk]), {"keep": keep.pk, "duplicate": duplicate.pk}
    )

    assert response.status_code == 403
    assert Finding.objects.filter(review=review).count() == 2


def test_the_triangulation_view_flags_findings_on_one_source(review, lead_client):
    single = FindingFactory(review=review, summary="Only the interviews say so", stage="interviews")
    double = FindingFactory(review=review, summary="Two stages say so", stage="interviews")
    entry = Entry.objects.create(review=review, scope_area=review.framework.scope_areas.first())
    link(double, entry)

    page = lead_client.get(reverse("conference:consolidation", args=[review.pk])).content.decode()

    single_row = page.split(f">{single.summary}</a>")[1].split("</tr>")[0]
    double_row = page.split(f">{double.summary}</a>")[1].split("</tr>")[0]
    # Nothing linked to it: no evidence, not one source (its own stage raising it is not evidence).
    assert "No evidence" in single_row
    assert "One source only" not in single_row
    assert "One source only" not in double_row
    assert "No evidence" not in double_row
    assert "On-site visits and officer interviews, Self assessment and documentary analysis" in double_row


def test_the_lead_agrees_chosen_findings(review, lead_client):
    first = FindingFactory(review=review)
    FindingFactory(review=review)

    lead_client.post(reverse("conference:agree", args=[review.pk]), {"findings": [first.pk]})

    assert list(Finding.objects.filter(review=review).order_by("pk").values_list("status", flat=True)) == [
        "agreed",
        "draft",
    ]


def test_agreeing_a_finding_of_another_review_is_refused(review, other_review, lead_client):
    foreign = FindingFactory(review=other_review)

    lead_client.post(reverse("conference:agree", args=[review.pk]), {"findings": [foreign.pk]})

    foreign.refresh_from_db()
    assert foreign.status == Finding.Status.DRAFT


def test_the_presentation_shows_strengths_before_areas_per_theme(review, lead_client, organiser_client):
    FindingFactory(review=review, summary="An area to consider", kind=Finding.Kind.AREA, status=Finding.Status.AGREED)
    FindingFactory(review=review, summary="A real strength", kind=Finding.Kind.STRENGTH, status=Finding.Status.AGREED)
    FindingFactory(review=review, summary="Still a draft", status=Finding.Status.DRAFT)

    page = lead_client.get(reverse("conference:presentation", args=[review.pk])).content.decode()
    host_page = organiser_client.get(reverse("conference:presentation", args=[review.pk])).content.decode()

    assert page.index("A real strength") < page.index("An area to consider")
    assert "Still a draft" not in page
    assert "A real strength" not in host_page


def test_cases_stay_when_their_findings_merge(review, lead_client):
    keep, duplicate = FindingFactory(review=review), FindingFactory(review=review)
    case = CaseFactory(review=review)
    link(duplicate, case)

    lead_client.post(reverse("conference:merge", args=[review.pk]), {"keep": keep.pk, "duplicate": duplicate.pk})

    assert Case.objects.filter(pk=case.pk).exists()


def tables(response) -> str:
    """The findings' tables of the consolidation page, without the merge form below them."""
    return response.content.decode().split("Merge two findings</h2>")[0]


def test_the_findings_tables_are_kept_until_the_review_changes_and_differ_by_standing(
    review, lead_client, peer_client, settings
):
    settings.DERIVED_FIGURES_SECONDS = 900
    url = reverse("conference:consolidation", args=[review.pk])
    first = FindingFactory(review=review, summary="Thresholds are applied well")
    assert 'name="findings"' in lead_client.get(url).content.decode()
    assert 'name="findings"' not in peer_client.get(url).content.decode()  # a peer reads them, with nothing to tick
    FindingFactory(review=review, summary="Added straight into the database")  # no request: the kept tables stand
    assert "Added straight into the database" not in tables(lead_client.get(url))

    lead_client.post(reverse("conference:agree", args=[review.pk]), {"findings": [first.pk]})

    lead_tables = tables(lead_client.get(url))
    first_row = lead_tables.split(">Thresholds are applied well</a>")[1].split("</tr>")[0]
    assert "Added straight into the database" in lead_tables and "Agreed" in first_row
    assert 'name="findings"' not in peer_client.get(url).content.decode()


def test_a_refused_agreement_keeps_what_was_ticked_whatever_is_kept(review, lead_client, settings):
    settings.DERIVED_FIGURES_SECONDS = 900
    url = reverse("conference:consolidation", args=[review.pk])
    ticked, other = FindingFactory(review=review), FindingFactory(review=review)
    lead_client.get(url)

    response = lead_client.post(reverse("conference:agree", args=[review.pk]), {"findings": [ticked.pk, 10**9]})

    page = response.content.decode()
    assert response.status_code == 400 and "Choose findings of this review." in page
    assert f'value="{ticked.pk}" checked' in page and f'value="{other.pk}" checked' not in page
    assert f'value="{other.pk}" checked' not in lead_client.get(url).content.decode()
