"""Focus areas and specific circumstances as lenses on findings: a finding carries any number of them, the
register filters by scope area, focus area and circumstance and searches the text, and the report and the
finding page show them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from reviews import baseline
from reviews.models import Case, Finding, FindingEvidence, FocusArea

from ..factories import FindingFactory


def list_url(review) -> str:
    return reverse("reviews:findings", args=[review.pk])


def create_url(review) -> str:
    return reverse("reviews:finding_create", args=[review.pk])


def area(review, kind: str, order: int) -> FocusArea:
    return review.framework.focus_areas.get(kind=kind, order=order, review__isnull=True)


def focus(review, order: int) -> FocusArea:
    return area(review, FocusArea.Kind.FOCUS, order)


def circumstance(review, order: int) -> FocusArea:
    return area(review, FocusArea.Kind.CIRCUMSTANCE, order)


def form_data(review, **changes) -> dict:
    data = {
        "summary": "Missing episodes are followed by return interviews",
        "kind": Finding.Kind.STRENGTH,
        "theme": review.framework.themes.get(order=1).pk,
        "scope_area": "",
        "focus_areas": [],
        "stage": "general",
        "detail": "",
        "status": Finding.Status.DRAFT,
    }
    data.update(changes)
    return data


def listed(response) -> list[str]:
    return [finding.summary for finding in response.context["page"]]


# Carrying several


def test_a_finding_carries_several_focus_areas_and_circumstances(lead_client, review):
    chosen = [focus(review, 2), circumstance(review, 3), circumstance(review, 4)]

    response = lead_client.post(create_url(review), form_data(review, focus_areas=[a.pk for a in chosen]))

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert set(finding.focus_areas.all()) == set(chosen)
    page = lead_client.get(finding.get_absolute_url()).content.decode()
    for item in chosen:
        assert item.title in page


def test_the_form_offers_only_the_areas_in_the_reviews_scope(lead_client, review):
    left_out = circumstance(review, 7)
    review.excluded_focus_areas.add(left_out)

    response = lead_client.get(create_url(review))

    offered = [label for _, label in response.context["form"].fields["focus_areas"].choices]
    assert f"Specific circumstance: {circumstance(review, 1).title}" in offered
    assert f"Focus area: {focus(review, 1).title}" in offered
    assert not any(left_out.title in label for label in offered)


def test_an_area_left_out_of_scope_is_refused_by_name_and_nothing_is_saved(lead_client, review):
    left_out = circumstance(review, 7)
    review.excluded_focus_areas.add(left_out)

    response = lead_client.post(create_url(review), form_data(review, focus_areas=[focus(review, 1).pk, left_out.pk]))

    assert response.status_code == 200  # the form again, with its errors
    assert "Choose focus areas and circumstances in this review" in response.content.decode()
    assert f"“{left_out.title}” is not" in response.content.decode()
    assert not Finding.objects.exists()


def test_an_area_of_another_reviews_own_is_refused(lead_client, review, other_review):
    theirs = FocusArea.objects.create(
        framework=other_review.framework, review=other_review, kind=FocusArea.Kind.FOCUS, order=9, title="Theirs"
    )

    response = lead_client.post(create_url(review), form_data(review, focus_areas=[theirs.pk]))

    assert response.status_code == 200  # the form again, with its errors
    assert "“Theirs” is not" in response.content.decode()
    assert not Finding.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999999", "-1", "1.5"])
def test_a_focus_area_that_is_not_a_choice_gets_a_clear_message(lead_client, review, value):
    response = lead_client.post(create_url(review), form_data(review, focus_areas=[value]))

    assert response.status_code == 200  # the form again, with its errors
    assert not Finding.objects.exists()
    content = response.content.decode()
    assert "Focus areas and specific circumstances" in content
    assert "There is a problem" in content


def test_an_edit_keeps_an_area_the_review_has_since_left_out(lead_client, review, lead):
    kept = circumstance(review, 6)
    finding = FindingFactory(review=review, raised_by=lead, theme=review.framework.themes.get(order=1))
    finding.focus_areas.set([kept])
    review.excluded_focus_areas.add(kept)
    data = form_data(review, summary=finding.summary, kind=finding.kind, focus_areas=[kept.pk], version=finding.version)

    response = lead_client.post(reverse("reviews:finding_edit", args=[review.pk, finding.pk]), data)

    assert response.status_code == 302
    assert list(finding.focus_areas.all()) == [kept]


# The register's filters and search


@pytest.fixture
def register(review, lead):
    themes = list(review.framework.themes.order_by("order"))
    scope_two = review.framework.scope_areas.get(order=2)

    def make(summary, detail="", scope_area=None, areas=()):
        finding = FindingFactory(
            review=review, raised_by=lead, theme=themes[0], summary=summary, detail=detail, scope_area=scope_area
        )
        finding.focus_areas.set(areas)
        return finding

    return {
        "thresholds": make(
            "Thresholds are well understood",
            "Partners route contacts to the right level of need.",
            scope_area=scope_two,
            areas=[focus(review, 1)],
        ),
        "missing": make(
            "Return interviews follow every missing episode",
            "Children who go missing are seen within 72 hours.",
            areas=[focus(review, 3), circumstance(review, 3)],
        ),
        "meetings": make(
            "Strategy meetings lack health colleagues out of hours",
            "Health was absent from night-time strategy discussions.",
            areas=[focus(review, 2), circumstance(review, 3), circumstance(review, 5)],
        ),
    }


def test_the_register_filters_by_focus_area(lead_client, review, register):
    response = lead_client.get(list_url(review), {"focus_area": focus(review, 2).pk})

    assert listed(response) == ["Strategy meetings lack health colleagues out of hours"]


def test_the_register_filters_by_specific_circumstance(lead_client, review, register):
    response = lead_client.get(list_url(review), {"circumstance": circumstance(review, 3).pk})

    assert sorted(listed(response)) == [
        "Return interviews follow every missing episode",
        "Strategy meetings lack health colleagues out of hours",
    ]


def test_the_register_filters_by_scope_area(lead_client, review, register):
    response = lead_client.get(list_url(review), {"scope_area": review.framework.scope_areas.get(order=2).pk})

    assert listed(response) == ["Thresholds are well understood"]


def test_a_finding_with_two_chosen_areas_is_listed_once(lead_client, review, register):
    response = lead_client.get(
        list_url(review), {"focus_area": focus(review, 2).pk, "circumstance": circumstance(review, 3).pk}
    )

    assert listed(response) == ["Strategy meetings lack health colleagues out of hours"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Full-text search matches word forms, in the summary or the detail.
        ("meeting", ["Strategy meetings lack health colleagues out of hours"]),
        ("interview", ["Return interviews follow every missing episode"]),
        ("72 hours", ["Return interviews follow every missing episode"]),
        ("health night", ["Strategy meetings lack health colleagues out of hours"]),
        ("threshold OR missing", ["Return interviews follow every missing episode", "Thresholds are well understood"]),
        ("nothing like this", []),
    ],
)
def test_the_register_searches_the_findings_text(lead_client, review, register, query, expected):
    response = lead_client.get(list_url(review), {"q": query})

    assert response.status_code == 200
    assert sorted(listed(response)) == expected


def test_search_and_filters_combine(lead_client, review, register):
    response = lead_client.get(list_url(review), {"q": "health", "focus_area": focus(review, 2).pk})

    assert listed(response) == ["Strategy meetings lack health colleagues out of hours"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"focus_area": "abc"}, "Choose a focus area of this review from the list."),
        ({"circumstance": "99999999"}, "Choose a specific circumstance of this review from the list."),
        ({"scope_area": "-3"}, "Choose a scope area of this review from the list."),
        ({"q": "x" * 101}, "Search for at most 100 characters."),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_error(lead_client, review, register, params, message):
    response = lead_client.get(list_url(review), params)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_circumstance_is_not_offered_as_a_focus_area(lead_client, review, register):
    response = lead_client.get(list_url(review), {"focus_area": circumstance(review, 3).pk})

    assert "Choose a focus area of this review from the list." in response.content.decode()


def test_another_reviews_own_area_is_not_a_filter_choice(lead_client, review, other_review, register):
    theirs = FocusArea.objects.create(
        framework=other_review.framework, review=other_review, kind=FocusArea.Kind.FOCUS, order=9, title="Theirs"
    )

    response = lead_client.get(list_url(review), {"focus_area": theirs.pk})

    assert "Choose a focus area of this review from the list." in response.content.decode()


def test_a_host_member_searches_only_published_findings(sponsor_client, review, register):
    register["meetings"].status = Finding.Status.PUBLISHED
    register["meetings"].save()

    response = sponsor_client.get(list_url(review), {"q": "missing OR meeting OR threshold"})

    assert listed(response) == ["Strategy meetings lack health colleagues out of hours"]


# The finding page's evidence strength and the report's lenses


def test_a_finding_with_no_evidence_shows_no_evidence_not_one_source(lead_client, review, register):
    page = lead_client.get(register["missing"].get_absolute_url()).content.decode()

    assert "Evidence strength:" in page
    assert "No evidence" in page
    assert "One source only" not in page


def test_a_finding_with_evidence_from_one_stage_shows_one_source(lead_client, review, register):
    finding = register["missing"]
    case = Case.objects.create(review=review, reference="MAP-01", age_band="5-9")
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )
    finding.stage = "case-mapping"
    finding.save()

    page = lead_client.get(finding.get_absolute_url()).content.decode()

    assert "One source only" in page


@pytest.mark.parametrize(("minimum", "label"), [(2, "Triangulated"), (3, "Not yet triangulated")])
def test_the_finding_page_judges_strength_by_the_reviews_conference_setting(
    lead_client, review, register, minimum, label
):
    from conference.models import ConferenceSettings
    from focusgroups.models import Code

    ConferenceSettings.objects.create(review=review, minimum_sources=minimum)
    finding = register["meetings"]
    finding.stage = "interviews"
    finding.save()
    # Evidence from a second stage: a code of the focus groups' codebook.
    code = Code.objects.create(review=review, name="Out-of-hours strategy discussions")
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(Code), object_id=code.pk
    )

    page = lead_client.get(finding.get_absolute_url()).content.decode()

    assert f'">{label}</strong>' in page


def test_the_baseline_puts_a_finding_under_each_of_its_focus_areas_and_circumstances(review, register):
    context = baseline.baseline_context(review)

    rows = {row["item"].pk: row for group in context["lenses"] for row in group["rows"]}
    in_missing = rows[circumstance(review, 3).pk]
    assert sorted(f.summary for f in in_missing["strengths"] + in_missing["areas"]) == [
        "Return interviews follow every missing episode",
        "Strategy meetings lack health colleagues out of hours",
    ]
    assert [f.summary for f in rows[focus(review, 2).pk]["strengths"] + rows[focus(review, 2).pk]["areas"]] == [
        "Strategy meetings lack health colleagues out of hours"
    ]
