import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audits.models import PeerGrade, Validation
from reviews.models import Finding, FindingEvidence, Grade, GradeScale

from .conftest import regrade_data
from .helpers import make_audit, make_validation


def _stage_routes() -> list[str]:
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and "review_id>/audits/" in prefix + str(pattern.pattern):
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    return routes


def test_the_council_grades_reach_the_case_auditor_through_no_url_of_the_stage_before_submission(
    review, assigned, secret_audit, auditor_client
):
    values = {"review_id": review.pk, "validation_id": assigned.pk, "audit_id": secret_audit.pk}
    routes = _stage_routes()
    leaks = []

    for route in routes:
        url = "/" + re.sub(r"<int:(\w+)>", lambda match: str(values[match.group(1)]), route)
        for query in ("", "?domain=overall&outcome=all", "?format=xlsx"):
            response = auditor_client.get(url + query)
            body = response.content.decode("utf-8", "replace")
            if "COUNCIL-SECRET-NARRATIVE" in body or "Secret calibration team" in body or " checked" in body:
                leaks.append((url + query, response.status_code))

    assert len(routes) == 15
    assert leaks == []


def test_the_case_auditor_is_refused_the_comparison_and_the_council_audit_before_submitting(
    review, assigned, secret_audit, auditor_client
):
    comparison = auditor_client.get(reverse("audits:comparison", args=[review.pk, assigned.pk]))
    audit = auditor_client.get(reverse("audits:audit_detail", args=[review.pk, secret_audit.pk]))
    statistics = auditor_client.get(reverse("audits:statistics", args=[review.pk]))

    assert (comparison.status_code, audit.status_code, statistics.status_code) == (403, 403, 403)


def test_the_regrading_page_shows_the_case_and_an_empty_form(review, assigned, auditor_client):
    response = auditor_client.get(reverse("audits:validation_detail", args=[review.pk, assigned.pk]))

    assert response.status_code == 200
    assert "Case C-101" in response.content.decode()
    assert "Submit my grades" in response.content.decode()


def test_submitting_grades_opens_the_comparison(review, assigned, tool, grades, auditor_client):
    data = regrade_data(tool, [grades[2].pk] * 9, grades[3].pk, assigned.version)

    response = auditor_client.post(reverse("audits:validation_detail", args=[review.pk, assigned.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("audits:comparison", args=[review.pk, assigned.pk])
    assigned.refresh_from_db()
    assert (assigned.status, assigned.overall_grade, PeerGrade.objects.filter(validation=assigned).count()) == (
        Validation.Status.REGRADED,
        grades[3],
        9,
    )
    page = auditor_client.get(response["Location"]).content.decode()
    assert "COUNCIL-SECRET-NARRATIVE" in page
    assert "Council higher" in page


def test_the_same_auditor_regrading_a_case_twice_is_refused(review, assigned, tool, grades, auditor_client):
    url = reverse("audits:validation_detail", args=[review.pk, assigned.pk])
    auditor_client.post(url, regrade_data(tool, [grades[2].pk] * 9, grades[2].pk, assigned.version))

    again = auditor_client.post(url, regrade_data(tool, [grades[4].pk] * 9, grades[4].pk, assigned.version))

    assert again.status_code == 200
    assert "nothing was saved" in again.content.decode()
    assigned.refresh_from_db()
    assert assigned.overall_grade == grades[2]
    assert set(PeerGrade.objects.filter(validation=assigned).values_list("grade__rank", flat=True)) == {2}


def test_a_grade_not_on_the_tools_scale_is_refused_and_nothing_saved(review, assigned, tool, grades, auditor_client):
    other_scale = GradeScale.objects.exclude(pk=review.grade_scale_id).first()
    foreign = Grade.objects.filter(scale=other_scale).first()
    data = regrade_data(tool, [grades[2].pk] * 8 + [foreign.pk], grades[2].pk, assigned.version)

    response = auditor_client.post(reverse("audits:validation_detail", args=[review.pk, assigned.pk]), data)

    assert response.status_code == 200
    assert "Choose one of the grades listed for impact and outcomes." in response.content.decode()
    assert PeerGrade.objects.count() == 0


def test_a_missing_domain_is_refused_with_its_name(review, assigned, tool, grades, auditor_client):
    data = regrade_data(tool, [grades[2].pk] * 9, grades[2].pk, assigned.version)
    first = sorted(tool.domains.all(), key=lambda domain: domain.order)[0]
    del data[f"domain_{first.pk}"]

    response = auditor_client.post(reverse("audits:validation_detail", args=[review.pk, assigned.pk]), data)

    assert "Choose a grade for threshold and referral decision." in response.content.decode()
    assert Validation.objects.get(pk=assigned.pk).status == Validation.Status.ASSIGNED


def test_another_case_auditor_cannot_open_or_regrade_the_case(review, assigned, tool, grades, peer_client):
    url = reverse("audits:validation_detail", args=[review.pk, assigned.pk])

    response = peer_client.post(url, regrade_data(tool, [grades[2].pk] * 9, grades[2].pk, assigned.version))

    assert response.status_code == 403
    assert PeerGrade.objects.count() == 0


def test_host_roles_never_see_the_peers_grades(review, case_auditor, sponsor_client, organiser_client):
    audit = make_audit(review, "C-201")
    validation = make_validation(audit, case_auditor, ranks=[3] * 9, overall=3)
    urls = [
        reverse("audits:comparison", args=[review.pk, validation.pk]),
        reverse("audits:validation_detail", args=[review.pk, validation.pk]),
        reverse("audits:statistics", args=[review.pk]),
    ]

    statuses = [client.get(url).status_code for client in (sponsor_client, organiser_client) for url in urls]

    assert statuses == [403] * 6


def _moderation(review, case_auditor):
    audit = make_audit(review, "C-301", ranks=[2] * 9, overall=2)
    return make_validation(audit, case_auditor, ranks=[3] + [2] * 8, overall=3)


def test_the_lead_moderates_a_disagreement_with_a_rationale_and_the_history_is_kept(
    review, case_auditor, grades, lead_client
):
    validation = _moderation(review, case_auditor)
    domain = validation.grades.get(grade__rank=3).domain
    data = {
        f"agreed_{domain.pk}": grades[3].pk,
        "agreed_overall": grades[2].pk,
        "rationale": "No evidence of a timely decision.",
        "version": validation.version,
    }

    response = lead_client.post(reverse("audits:moderate", args=[review.pk, validation.pk]), data)

    assert response.status_code == 302
    validation.refresh_from_db()
    assert (validation.status, validation.agreed_overall_grade, validation.moderation_rationale) == (
        Validation.Status.MODERATED,
        grades[2],
        "No evidence of a timely decision.",
    )
    assert validation.grades.get(domain=domain).agreed_grade == grades[3]
    assert list(validation.history.order_by("history_id").values_list("status", flat=True)) == [
        "assigned",
        "regraded",
        "moderated",
    ]


def test_a_moderation_without_a_rationale_is_refused(review, case_auditor, grades, lead_client):
    validation = _moderation(review, case_auditor)
    domain = validation.grades.get(grade__rank=3).domain
    data = {f"agreed_{domain.pk}": grades[3].pk, "agreed_overall": grades[2].pk, "rationale": "", "version": 2}

    response = lead_client.post(reverse("audits:moderate", args=[review.pk, validation.pk]), data)

    assert "Enter the rationale for the agreed grades." in response.content.decode()
    assert Validation.objects.get(pk=validation.pk).status == Validation.Status.REGRADED


def test_two_moderators_saving_at_once_the_second_is_refused(
    review, case_auditor, challenge_manager, grades, lead_client
):
    validation = _moderation(review, case_auditor)
    validation.moderator = challenge_manager
    validation.save()
    domain = validation.grades.get(grade__rank=3).domain
    url = reverse("audits:moderate", args=[review.pk, validation.pk])
    stale_version = validation.version
    challenge = Client()
    challenge.force_login(challenge_manager)
    first = {
        f"agreed_{domain.pk}": grades[3].pk,
        "agreed_overall": grades[3].pk,
        "rationale": "First",
        "version": stale_version,
    }
    second = {
        f"agreed_{domain.pk}": grades[2].pk,
        "agreed_overall": grades[2].pk,
        "rationale": "Second",
        "version": stale_version,
    }

    lead_client.post(url, first)
    refused = challenge.post(url, second)

    assert "Someone else saved this case while you were working on it; nothing was saved." in refused.content.decode()
    validation.refresh_from_db()
    assert (validation.moderation_rationale, validation.agreed_overall_grade) == ("First", grades[3])


def test_a_peer_who_is_not_the_named_moderator_cannot_moderate(review, case_auditor, peer_client, observer_client):
    validation = _moderation(review, case_auditor)
    url = reverse("audits:moderate", args=[review.pk, validation.pk])

    statuses = [peer_client.get(url).status_code, observer_client.post(url, {}).status_code]

    assert statuses == [403, 403]


def test_a_finding_from_a_case_points_at_its_validation(review, case_auditor, lead_client):
    validation = _moderation(review, case_auditor)
    theme = review.framework.themes.order_by("order").first()
    data = {"theme": theme.pk, "kind": "area", "summary": "Thresholds applied generously", "detail": ""}

    response = lead_client.post(reverse("audits:validation_finding", args=[review.pk, validation.pk]), data)

    finding = Finding.objects.get(summary="Thresholds applied generously")
    assert response["Location"] == finding.get_absolute_url()
    assert finding.stage == "audits"
    assert list(FindingEvidence.objects.filter(finding=finding).values_list("content_type", "object_id")) == [
        (ContentType.objects.get_for_model(Validation).pk, validation.pk)
    ]


def test_the_statistics_page_runs_the_same_queries_for_5_and_100_audits(review, case_auditor, lead_client):
    url = reverse("audits:statistics", args=[review.pk])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert lead_client.get(url).status_code == 200
        return len(context)

    for number in range(5):
        audit = make_audit(review, f"Q-{number:03d}", team=f"Team {number % 3}")
        make_validation(audit, case_auditor, ranks=[(number % 4) + 1] * 9, overall=(number % 4) + 1)
    few = count_queries()
    for number in range(5, 100):
        audit = make_audit(review, f"Q-{number:03d}", team=f"Team {number % 3}")
        make_validation(audit, case_auditor, ranks=[(number % 4) + 1] * 9, overall=(number % 4) + 1)
    many = count_queries()

    assert few == many


def test_every_number_on_the_statistics_page_links_to_the_cases_behind_it(review, case_auditor, lead_client):
    higher = make_validation(make_audit(review, "C-401", overall=1), case_auditor, ranks=[2] * 9, overall=2)
    make_validation(make_audit(review, "C-402", overall=2), case_auditor, ranks=[2] * 9, overall=2)
    url = reverse("audits:cases_behind", args=[review.pk]) + "?domain=overall&outcome=council_higher"

    page = lead_client.get(reverse("audits:statistics", args=[review.pk])).content.decode()
    behind = lead_client.get(url).content.decode()

    assert "?domain=overall&amp;outcome=council_higher" in page
    assert reverse("audits:comparison", args=[review.pk, higher.pk]) in behind
    assert "C-402" not in behind
