import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from reviews.models import Case, Finding, FindingEvidence, Framework

from ..factories import FindingFactory

STALE_EDIT_MESSAGE = (
    "This finding was changed by lead after you opened it, so your changes have not been saved. "
    "Open the finding again to see the latest version, then make your changes."
)


def list_url(review) -> str:
    return reverse("reviews:findings", args=[review.pk])


def create_url(review) -> str:
    return reverse("reviews:finding_create", args=[review.pk])


def detail_url(finding) -> str:
    return reverse("reviews:finding_detail", args=[finding.review_id, finding.pk])


def edit_url(finding) -> str:
    return reverse("reviews:finding_edit", args=[finding.review_id, finding.pk])


def form_data(review, **changes) -> dict:
    """A complete, valid submission of the finding form; `None` leaves a field out."""
    data = {
        "summary": "Step-down to early help is well planned",
        "kind": Finding.Kind.STRENGTH,
        "theme": review.framework.themes.get(order=1).pk,
        "scope_area": review.framework.scope_areas.get(order=2).pk,
        "focus_areas": [],
        "stage": "audits",
        "detail": "Seen in four of the six audited cases.",
        "status": Finding.Status.DRAFT,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def edit_data(finding, **changes) -> dict:
    data = {
        "summary": finding.summary,
        "kind": finding.kind,
        "theme": finding.theme_id,
        "scope_area": finding.scope_area_id or "",
        "focus_areas": list(finding.focus_areas.values_list("pk", flat=True)),
        "stage": finding.stage,
        "detail": finding.detail,
        "status": finding.status,
        "version": finding.version,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def another_framework() -> Framework:
    framework = Framework.objects.create(name="Another framework", version="2024")
    framework.themes.create(order=1, name="Leadership")
    framework.scope_areas.create(order=1, title="Leadership and governance")
    return framework


def listed_summaries(response) -> set[str]:
    return {finding.summary for finding in response.context["page"].object_list}


# The list


@pytest.fixture
def mixed_findings(review, lead):
    first, third = review.framework.themes.get(order=1), review.framework.themes.get(order=3)
    rows = [
        ("Audits: thresholds applied consistently", first, Finding.Kind.STRENGTH, "audits", Finding.Status.DRAFT),
        ("Interviews: step-down is slow", first, Finding.Kind.AREA, "interviews", Finding.Status.PUBLISHED),
        ("General: partners attend conferences", third, Finding.Kind.STRENGTH, "general", Finding.Status.AGREED),
        ("Audits: health rarely attends strategy", third, Finding.Kind.AREA, "audits", Finding.Status.PUBLISHED),
    ]
    for summary, theme, kind, stage, status in rows:
        FindingFactory(
            review=review, raised_by=lead, summary=summary, theme=theme, kind=kind, stage=stage, status=status
        )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            {
                "Audits: thresholds applied consistently",
                "Interviews: step-down is slow",
                "General: partners attend conferences",
                "Audits: health rarely attends strategy",
            },
        ),
        ({"theme": 1}, {"Audits: thresholds applied consistently", "Interviews: step-down is slow"}),
        ({"kind": "area"}, {"Interviews: step-down is slow", "Audits: health rarely attends strategy"}),
        ({"stage": "audits"}, {"Audits: thresholds applied consistently", "Audits: health rarely attends strategy"}),
        ({"status": "published"}, {"Interviews: step-down is slow", "Audits: health rarely attends strategy"}),
        ({"status": "agreed"}, {"General: partners attend conferences"}),
        ({"theme": 3, "kind": "area"}, {"Audits: health rarely attends strategy"}),
        ({"theme": 2}, set()),
    ],
    ids=["all", "theme", "kind", "stage", "published", "agreed", "theme-and-kind", "empty-theme"],
)
def test_the_findings_list_filters_exactly(lead_client, review, mixed_findings, query, expected):
    if "theme" in query:
        query = {**query, "theme": review.framework.themes.get(order=query["theme"]).pk}

    response = lead_client.get(list_url(review), query)

    assert response.status_code == 200
    assert listed_summaries(response) == expected


def test_the_findings_list_shows_25_findings_a_page(lead_client, review, lead):
    FindingFactory.create_batch(30, review=review, raised_by=lead)

    first = lead_client.get(list_url(review))
    second = lead_client.get(list_url(review), {"page": 2})

    assert (first.context["page"].paginator.count, first.context["page"].paginator.num_pages) == (30, 2)
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert listed_summaries(first).isdisjoint(listed_summaries(second))


def test_the_findings_list_keeps_the_filters_in_the_page_links(lead_client, review, lead):
    FindingFactory.create_batch(26, review=review, raised_by=lead, kind=Finding.Kind.AREA)

    response = lead_client.get(list_url(review), {"kind": "area"})

    assert response.context["query"] == "kind=area"
    assert 'href="?kind=area&amp;page=2"' in response.content.decode()


def test_the_filters_show_the_choices_made_and_only_those(lead_client, review):
    theme = review.framework.themes.order_by("order")[1]

    page = lead_client.get(list_url(review), {"theme": theme.pk, "kind": "area"}).content.decode()

    selects = {name: page.split(f'name="{name}"')[1].split("</select>")[0] for name in ("theme", "kind", "status")}
    assert f'<option value="{theme.pk}" selected>{escape(theme.name)}</option>' in selects["theme"]
    assert '<option value="area" selected>' in selects["kind"]
    assert selects["theme"].count(" selected") == selects["kind"].count(" selected") == 1
    assert " selected" not in selects["status"] and '<option value="">All statuses</option>' in selects["status"]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_findings(review, users, case, count: int) -> None:
    themes = list(review.framework.themes.all())
    scope_areas = list(review.framework.scope_areas.all())
    focus_areas = list(review.framework.focus_areas.all())
    case_type = ContentType.objects.get_for_model(Case)
    for index in range(count):
        finding = FindingFactory(
            review=review,
            raised_by=users[index % len(users)],
            theme=themes[index % len(themes)],
            scope_area=scope_areas[index % len(scope_areas)],
            kind=Finding.Kind.AREA if index % 2 else Finding.Kind.STRENGTH,
            stage=["general", "audits", "interviews"][index % 3],
        )
        finding.focus_areas.set([focus_areas[index % len(focus_areas)], focus_areas[(index + 3) % len(focus_areas)]])
        FindingEvidence.objects.create(finding=finding, content_type=case_type, object_id=case.pk)


def test_the_findings_list_runs_the_same_queries_for_1_and_50_findings(lead_client, review, lead, peer, case):
    add_findings(review, [lead, peer], case, 1)
    lead_client.get(list_url(review))  # The first request fills the content type and session caches.

    with_one = count_queries(lead_client, list_url(review))
    add_findings(review, [lead, peer], case, 49)
    with_fifty = count_queries(lead_client, list_url(review))

    assert with_one == with_fifty


# Adding a finding


def test_the_lead_opens_the_form_to_add_a_finding(lead_client, review):
    response = lead_client.get(create_url(review))

    assert response.status_code == 200
    assert list(response.context["form"].fields) == [
        "summary",
        "kind",
        "theme",
        "scope_area",
        "focus_areas",
        "stage",
        "detail",
        "status",
        "version",
    ]


def test_the_lead_adds_a_finding(lead_client, review, lead):
    data = form_data(review, kind=Finding.Kind.AREA)

    response = lead_client.post(create_url(review), data)

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(finding)
    assert (
        finding.review,
        finding.summary,
        finding.kind,
        finding.theme.order,
        finding.scope_area.order,
        list(finding.focus_areas.all()),
        finding.stage,
        finding.detail,
        finding.status,
        finding.raised_by,
        finding.version,
    ) == (
        review,
        "Step-down to early help is well planned",
        "area",
        1,
        2,
        [],
        "audits",
        "Seen in four of the six audited cases.",
        "draft",
        lead,
        1,
    )


@pytest.mark.parametrize(("client_name", "user_name"), [("peer_client", "peer"), ("auditor_client", "case_auditor")])
def test_a_peer_writer_adds_a_draft_finding(request, review, client_name, user_name):
    client = request.getfixturevalue(client_name)
    user = request.getfixturevalue(user_name)

    response = client.post(create_url(review), form_data(review, status=None))

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(finding)
    assert (finding.summary, finding.stage, finding.status, finding.raised_by) == (
        "Step-down to early help is well planned",
        "audits",
        "draft",
        user,
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_observer_gets_403_on_adding_a_finding(observer_client, review, method):
    response = getattr(observer_client, method)(create_url(review), form_data(review))

    assert response.status_code == 403
    assert Finding.objects.count() == 0


@pytest.mark.parametrize("client_name", ["sponsor_client", "organiser_client", "contributor_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_host_side_gets_403_on_adding_a_finding(request, review, client_name, method):
    client = request.getfixturevalue(client_name)

    response = getattr(client, method)(create_url(review), form_data(review))

    assert response.status_code == 403
    assert Finding.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_on_adding_a_finding(outsider_client, review, method):
    response = getattr(outsider_client, method)(create_url(review), form_data(review))

    assert response.status_code == 404
    assert Finding.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_adding_a_finding_refuses_other_methods(lead_client, review, method):
    response = getattr(lead_client, method)(create_url(review))

    assert response.status_code == 405
    assert Finding.objects.count() == 0


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_findings_list_and_a_finding_only_answer_get(lead_client, review, finding, method):
    responses = [getattr(lead_client, method)(url) for url in (list_url(review), detail_url(finding))]

    assert [response.status_code for response in responses] == [405, 405]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_editing_a_finding_refuses_other_methods(lead_client, finding, method):
    response = getattr(lead_client, method)(edit_url(finding))

    finding.refresh_from_db()
    assert response.status_code == 405
    assert finding.version == 1


# Bad input


def test_a_finding_without_a_summary_is_refused(lead_client, review):
    response = lead_client.post(create_url(review), form_data(review, summary=""))

    assert response.status_code == 200
    assert response.context["form"].errors == {"summary": ["Enter the summary"]}
    assert Finding.objects.count() == 0


def test_a_finding_without_a_kind_is_refused(lead_client, review):
    response = lead_client.post(create_url(review), form_data(review, kind=None))

    assert response.status_code == 200
    assert response.context["form"].errors == {"kind": ["Select the kind of finding"]}
    assert Finding.objects.count() == 0


def test_a_theme_of_another_framework_is_refused(lead_client, review):
    theme = another_framework().themes.get()

    response = lead_client.post(create_url(review), form_data(review, theme=theme.pk))

    assert response.status_code == 200
    assert response.context["form"].errors == {"theme": ["Choose a theme of this review's framework."]}
    assert 'href="#id_theme"' in response.content.decode()
    assert Finding.objects.count() == 0


def test_a_scope_area_of_another_framework_is_refused(lead_client, review):
    area = another_framework().scope_areas.get()

    response = lead_client.post(create_url(review), form_data(review, scope_area=area.pk))

    assert response.status_code == 200
    assert response.context["form"].errors == {"scope_area": ["Choose a scope area in this review's scope."]}
    assert Finding.objects.count() == 0


def test_a_stage_that_does_not_exist_is_refused(lead_client, review):
    response = lead_client.post(create_url(review), form_data(review, stage="no-such-stage"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"stage": ["Select the stage that raised it from the choices given"]}
    assert Finding.objects.count() == 0


def test_a_theme_id_that_is_not_a_number_is_refused(lead_client, review):
    response = lead_client.post(create_url(review), form_data(review, theme="first"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"theme": ["Choose a theme that exists."]}
    assert Finding.objects.count() == 0


# Editing a finding


def test_the_lead_edits_a_finding_and_its_version_goes_up_by_one(lead_client, finding):
    data = edit_data(finding, summary="Thresholds are understood by partners too", detail="Police and health agree.")

    response = lead_client.post(edit_url(finding), data)

    finding.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == detail_url(finding)
    assert (finding.summary, finding.detail, finding.version) == (
        "Thresholds are understood by partners too",
        "Police and health agree.",
        2,
    )


def test_a_stale_edit_is_refused_and_the_first_edit_is_kept(lead_client, peer_client, finding):
    opened = edit_data(finding, status=None)
    lead_client.post(edit_url(finding), edit_data(finding, summary="The lead's wording"))

    response = peer_client.post(edit_url(finding), {**opened, "summary": "The peer's wording"})

    finding.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [STALE_EDIT_MESSAGE]
    assert (finding.summary, finding.version) == ("The lead's wording", 2)


def test_an_edit_without_a_version_is_refused(lead_client, finding):
    response = lead_client.post(edit_url(finding), edit_data(finding, summary="Changed", version=None))

    finding.refresh_from_db()
    assert response.status_code == 200
    assert "changed by" in response.context["form"].non_field_errors()[0]
    assert (finding.summary, finding.version) == ("Thresholds are understood at the front door", 1)


def test_a_peer_form_has_no_status_field(peer_client, finding):
    response = peer_client.get(edit_url(finding))

    assert response.status_code == 200
    assert "status" not in response.context["form"].fields


def test_a_peer_cannot_publish_a_finding(peer_client, finding):
    response = peer_client.post(edit_url(finding), edit_data(finding, status=Finding.Status.PUBLISHED))

    finding.refresh_from_db()
    assert response.status_code == 302
    assert (finding.status, finding.version) == ("draft", 2)


@pytest.mark.parametrize("client_name", ["lead_client", "challenge_client"])
def test_the_lead_and_challenge_manager_publish_a_finding(request, finding, client_name):
    client = request.getfixturevalue(client_name)

    response = client.post(edit_url(finding), edit_data(finding, status=Finding.Status.PUBLISHED))

    finding.refresh_from_db()
    assert response.status_code == 302
    assert finding.status == "published"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_observer_gets_403_on_editing_a_finding(observer_client, finding, method):
    response = getattr(observer_client, method)(edit_url(finding), edit_data(finding, summary="Changed"))

    finding.refresh_from_db()
    assert response.status_code == 403
    assert (finding.summary, finding.version) == ("Thresholds are understood at the front door", 1)


@pytest.mark.parametrize("client_name", ["sponsor_client", "organiser_client", "contributor_client"])
def test_the_host_side_gets_403_on_editing_a_published_finding(request, finding, client_name):
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.PUBLISHED)
    client = request.getfixturevalue(client_name)

    response = client.post(edit_url(finding), edit_data(finding, summary="Changed"))

    finding.refresh_from_db()
    assert response.status_code == 403
    assert (finding.summary, finding.version) == ("Thresholds are understood at the front door", 1)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_on_editing_a_finding(outsider_client, finding, method):
    response = getattr(outsider_client, method)(edit_url(finding), edit_data(finding, summary="Changed"))

    finding.refresh_from_db()
    assert response.status_code == 404
    assert finding.summary == "Thresholds are understood at the front door"


# Reading a finding


def test_the_finding_page_shows_its_evidence_and_history_to_the_peer_side(lead_client, observer_client, finding, case):
    FindingEvidence.objects.create(
        finding=finding,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=case.pk,
        note="The referral was stepped down within a day.",
    )
    lead_client.post(edit_url(finding), edit_data(finding, detail="Seen in the audits."))

    responses = [client.get(detail_url(finding)) for client in (lead_client, observer_client)]

    for response in responses:
        assert response.status_code == 200
        assert [
            (row["kind"], row["label"], row["stage"], row["item"].note) for row in response.context["evidence"]
        ] == [("case", "C-001", "General", "The referral was stepped down within a day.")]
        assert [(record.history_type, record.history_user) for record in response.context["history"]] == [
            ("~", finding.raised_by),
            ("+", None),
        ]
        assert "The referral was stepped down within a day." in response.content.decode()


def test_the_host_side_sees_a_published_finding_without_its_history(sponsor_client, finding):
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.PUBLISHED)

    response = sponsor_client.get(detail_url(finding))

    assert response.status_code == 200
    assert response.context["history"] == []
    assert '<h2 class="govuk-heading-m">History</h2>' not in response.content.decode()


def test_a_finding_of_another_review_is_404_on_its_page(lead_client, review, other_review):
    elsewhere = FindingFactory(review=other_review)

    response = lead_client.get(reverse("reviews:finding_detail", args=[review.pk, elsewhere.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_finding_of_another_review_is_404_on_its_edit_page(lead_client, review, other_review, method):
    elsewhere = FindingFactory(review=other_review, summary="Elsewhere")
    url = reverse("reviews:finding_edit", args=[review.pk, elsewhere.pk])

    response = getattr(lead_client, method)(url, edit_data(elsewhere, summary="Changed"))

    elsewhere.refresh_from_db()
    assert response.status_code == 404
    assert (elsewhere.summary, elsewhere.version) == ("Elsewhere", 1)


# CSRF


def test_adding_a_finding_without_a_csrf_token_is_refused(lead, review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)

    response = client.post(create_url(review), form_data(review))

    assert response.status_code == 403
    assert Finding.objects.count() == 0


def test_adding_a_finding_with_the_csrf_token_works(lead, review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    client.get(create_url(review))
    token = client.cookies["csrftoken"].value

    response = client.post(create_url(review), {**form_data(review), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Finding.objects.count() == 1


def test_an_empty_post_to_add_a_finding_names_every_missing_field(review, lead_client):
    response = lead_client.post(reverse("reviews:finding_create", args=[review.pk]), {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"summary", "kind", "theme"}
    assert "There is a problem" in response.content.decode()
