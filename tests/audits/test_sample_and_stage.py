import datetime

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services, stage
from audits.models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation
from reviews.models import GradeScale, Review, ThresholdLevel

from .helpers import make_audit, make_validation


def test_a_council_audit_is_entered_by_form(review, case, tool, grades, organiser_client):
    domains = sorted(tool.domains.all(), key=lambda domain: domain.order)
    data = {
        "case": case.pk,
        "auditor_role": "Team manager",
        "auditor_team": "Team North",
        "audit_date": "2025-01-15",
        "overall_grade": grades[2].pk,
        "narrative": "Plan reviewed on time.",
        **{f"domain_{domain.pk}": grades[2].pk for domain in domains},
    }

    response = organiser_client.post(reverse("audits:audit_create", args=[review.pk]), data)

    assert response.status_code == 302
    assert CouncilGrade.objects.filter(audit__case=case).count() == 9


def test_a_council_audit_form_for_a_case_of_another_review_is_refused(review, other_review, tool, grades, lead_client):
    from tests.factories import CaseFactory

    foreign = CaseFactory(review=other_review, reference="X-01")

    response = lead_client.post(reverse("audits:audit_create", args=[review.pk]), {"case": foreign.pk})

    assert "Select the case from the choices given" in response.content.decode()
    assert CouncilAudit.objects.count() == 0


def test_the_lead_assigns_a_case_by_hand(review, case_auditor, lead_client):
    audit = make_audit(review, "C-01")

    response = lead_client.post(
        reverse("audits:sample", args=[review.pk]), {"assign": "1", "audit": audit.pk, "auditor": case_auditor.pk}
    )

    assert response.status_code == 302
    assert Validation.objects.get(audit=audit).auditor == case_auditor


def test_assigning_to_someone_outside_the_peer_team_is_refused(review, observer, lead_client):
    audit = make_audit(review, "C-01")

    response = lead_client.post(
        reverse("audits:sample", args=[review.pk]), {"assign": "1", "audit": audit.pk, "auditor": observer.pk}
    )

    assert "Choose a member of this review&#x27;s peer team" in response.content.decode()
    assert Validation.objects.count() == 0


def test_a_stratified_draw_with_the_same_seed_draws_the_same_cases(review, case_auditor, lead_client, peer_client):
    levels = list(ThresholdLevel.objects.filter(council=review.council).order_by("order"))
    for number in range(12):
        audit = make_audit(review, f"S-{number:02d}", overall=1 + number % 2)
        audit.case.threshold_level = levels[number % 2]
        audit.case.save()
    url = reverse("audits:sample", args=[review.pk])

    lead_client.post(url, {"draw": "1", "size": 6, "seed": 42, "auditors": [case_auditor.pk]})
    first = sorted(Validation.objects.values_list("audit__case__reference", flat=True))
    Validation.objects.all().delete()
    lead_client.post(url, {"draw": "1", "size": 6, "seed": 42, "auditors": [case_auditor.pk]})
    second = sorted(Validation.objects.values_list("audit__case__reference", flat=True))
    refused = peer_client.post(url, {"draw": "1", "size": 6, "seed": 42})

    assert first == second
    assert len(first) == 6
    strata = Validation.objects.values_list("audit__case__threshold_level__order", "audit__overall_grade__rank")
    assert sorted(set(strata)) == [(levels[0].order, 1), (levels[1].order, 2)]
    assert refused.status_code == 403


def test_progress_counts_assigned_regraded_and_moderated_for_many_reviews_in_one_query(
    review, other_review, case_auditor
):
    make_validation(make_audit(review, "C-01"), case_auditor)
    make_validation(make_audit(review, "C-02"), case_auditor, ranks=[2] * 9, overall=2)

    with CaptureQueriesContext(connection) as context:
        result = stage.progress_many([review, other_review])

    assert len(context) == 1
    assert (result[review.pk].done, result[review.pk].total) == (1, 2)
    assert result[review.pk].summary == "2 cases assigned, 1 regraded, 0 moderated"
    assert result[other_review.pk].total == 0


def test_a_case_is_done_when_regraded_in_agreement_or_moderated_and_waits_while_its_grades_differ(
    review, case_auditor, lead
):
    make_validation(make_audit(review, "C-01"), case_auditor, ranks=[2] * 9, overall=2)  # agrees: done
    make_validation(make_audit(review, "C-02"), case_auditor, ranks=[2] * 9, overall=3)  # overall differs
    make_validation(make_audit(review, "C-03"), case_auditor, ranks=[2] * 8 + [1], overall=2)  # one domain differs
    differs = make_validation(make_audit(review, "C-04"), case_auditor, ranks=[3] * 9, overall=3)
    make_validation(make_audit(review, "C-05"), case_auditor)  # not regraded yet
    grades = {grade.rank: grade for grade in review.grade_scale.grades.all()}
    services.moderate(
        validation=differs, agreed={}, agreed_overall=grades[2], rationale="Agreed at 2.", version=differs.version,
        user=lead,
    )  # fmt: skip

    progress = stage.progress(review)
    waiting = Validation.objects.filter(review=review).to_moderate()
    marked = dict(Validation.objects.with_to_moderate().values_list("audit__case__reference", "to_moderate"))

    assert (progress.done, progress.total) == (2, 5)
    assert progress.summary == (
        "5 cases assigned, 4 regraded, 1 moderated, 2 with grades that differ from the council's still to moderate"
    )
    assert sorted(waiting.values_list("audit__case__reference", flat=True)) == ["C-02", "C-03"]
    assert marked == {"C-01": False, "C-02": True, "C-03": True, "C-04": False, "C-05": False}


def test_the_lead_filters_the_sample_to_the_cases_still_to_moderate(review, case_auditor, lead_client):
    make_validation(make_audit(review, "C-01"), case_auditor, ranks=[2] * 9, overall=2)
    make_validation(make_audit(review, "C-02"), case_auditor, ranks=[2] * 9, overall=3)
    url = reverse("audits:index", args=[review.pk])

    everything = lead_client.get(url).content.decode()
    waiting = lead_client.get(url, {"status": "to_moderate"}).content.decode()
    regraded = lead_client.get(url, {"status": "regraded"}).content.decode()

    assert everything.count("To moderate</strong>") == 1
    assert "Case C-02" in waiting and "Case C-01" not in waiting
    # Each filter matches the tag shown: C-02 is regraded, but shown (and filtered) as to moderate.
    assert "Case C-01" in regraded and "Case C-02" not in regraded
    assert "Regraded: grades agree with the council&#x27;s" in everything
    assert '<option value="to_moderate" selected>' in waiting
    assigned = lead_client.get(url, {"status": "assigned"}).content.decode()
    assert "No cases in the sample match this filter." in assigned
    waiting_one = Validation.objects.get(audit__case__reference="C-02")
    comparison = lead_client.get(reverse("audits:comparison", args=[review.pk, waiting_one.pk])).content.decode()
    assert "To moderate</strong> 1 disagreement." in comparison


def test_the_report_section_has_the_agreement_table_chart_and_kappa(review, case_auditor):
    make_validation(make_audit(review, "C-01", overall=1), case_auditor, ranks=[2] * 9, overall=2)
    make_validation(make_audit(review, "C-02", overall=3), case_auditor, ranks=[3] * 9, overall=3)

    section = stage.report_section(review)

    from django.template.loader import render_to_string

    html = render_to_string(section.template_name, {"review": review, **section.context})
    assert "Agreement by domain" in html
    assert "<svg" in html
    assert "Calibration by the council's auditor team" in html
    assert section.context["stats"].overall.council_higher == (1, 0.5)
    assert (
        "2 cases regraded; 0 moderated to agreed grades; 2 whose grades differ from the council's not yet moderated."
        in html
    )


def test_the_default_tool_has_the_typical_domains(db):
    tool = AuditTool.objects.get(is_default=True)

    assert [domain.name for domain in tool.domains.order_by("order")][:2] == [
        "Threshold and referral decision",
        "Quality of assessment",
    ]
    assert tool.domains.count() == 9


def _counts() -> dict[str, int]:
    # The first demo review's audits; seed_demo also adds an earlier review of the same council.
    review = Review.objects.order_by("pk").first()
    validations = Validation.objects.filter(review=review)
    return {
        "audits": CouncilAudit.objects.filter(review=review).count(),
        "grades": CouncilGrade.objects.filter(audit__review=review).count(),
        "validations": validations.count(),
        "regraded": validations.exclude(status=Validation.Status.ASSIGNED).count(),
        "moderated": validations.filter(status=Validation.Status.MODERATED).count(),
        "peer_grades": PeerGrade.objects.filter(validation__review=review).count(),
    }


def test_seed_demo_adds_twelve_audits_eight_regraded_and_is_idempotent(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)

    assert first == {"audits": 12, "grades": 108, "validations": 8, "regraded": 8, "moderated": 3, "peer_grades": 72}
    assert _counts() == first
    northmoor = Review.objects.order_by("pk").first()
    progress = stage.progress(northmoor)
    assert progress.summary == (
        "8 cases assigned, 8 regraded, 3 moderated, 4 with grades that differ from the council's still to moderate"
    )
    assert (progress.done, progress.total) == (4, 8)  # the stage is not complete while disagreements wait
    shared = Validation.objects.filter(review=northmoor).exclude(auditor__username="auditor")
    assert set(shared.values_list("auditor__username", flat=True)) == {"peer"}  # a small team shares regrading
    # The council audited its sample weekly in the half year before the on-site week.
    first_audit = northmoor.onsite_start - datetime.timedelta(weeks=26)
    assert first_audit in set(CouncilAudit.objects.values_list("audit_date", flat=True))


def test_the_lead_names_a_moderator_who_may_then_moderate(review, case_auditor, peer, lead_client, peer_client):
    validation = make_validation(make_audit(review, "C-01"), case_auditor, ranks=[3] * 9, overall=3)
    url = reverse("audits:name_moderator", args=[review.pk, validation.pk])

    refused = peer_client.post(url, {"moderator": peer.pk})
    named = lead_client.post(url, {"moderator": peer.pk})
    moderation = peer_client.get(reverse("audits:moderate", args=[review.pk, validation.pk]))

    assert (refused.status_code, named.status_code, moderation.status_code) == (403, 302, 200)
    assert Validation.objects.get(pk=validation.pk).moderator == peer


def test_naming_someone_outside_the_peer_writers_as_moderator_is_refused(review, case_auditor, sponsor, lead_client):
    validation = make_validation(make_audit(review, "C-01"), case_auditor)

    response = lead_client.post(
        reverse("audits:name_moderator", args=[review.pk, validation.pk]), {"moderator": sponsor.pk}
    )

    assert "Choose a peer writer of this review other than the case auditor" in response.content.decode()
    assert Validation.objects.get(pk=validation.pk).moderator is None


def test_the_peer_who_regraded_a_case_cannot_be_named_its_moderator(review, peer, lead_client):
    validation = make_validation(make_audit(review, "C-01"), peer, ranks=[3] * 9, overall=3)
    url = reverse("audits:name_moderator", args=[review.pk, validation.pk])

    offered = lead_client.get(url).content.decode()
    response = lead_client.post(url, {"moderator": peer.pk})

    assert f'value="{peer.pk}"' not in offered
    assert "other than the case auditor who regraded the case" in response.content.decode()
    assert Validation.objects.get(pk=validation.pk).moderator is None


def test_the_sample_and_audit_lists_run_the_same_queries_for_1_and_many_rows(review, case_auditor, lead_client):
    urls = [reverse("audits:index", args=[review.pk]), reverse("audits:audit_list", args=[review.pk])]

    def count_queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as context:
                assert lead_client.get(url).status_code == 200
            counts.append(len(context))
        return counts

    make_validation(make_audit(review, "L-000"), case_auditor)
    one = count_queries()
    for number in range(1, 30):
        make_validation(make_audit(review, f"L-{number:03d}"), case_auditor)
    many = count_queries()

    assert one == many


def test_without_an_audit_tool_for_its_grade_scale_the_audit_list_says_so_instead_of_offering_dead_links(
    review, lead_client
):
    listing = reverse("audits:audit_list", args=[review.pk])
    create, upload = (reverse(name, args=[review.pk]) for name in ("audits:audit_create", "audits:audit_import"))
    with_tool = lead_client.get(listing).content.decode()
    review.grade_scale = GradeScale.objects.create(framework=review.framework, name="A scale with no audit tool")
    review.save()

    without = lead_client.get(listing).content.decode()

    assert f'href="{create}"' in with_tool and f'href="{upload}"' in with_tool
    assert f'href="{create}"' not in without and f'href="{upload}"' not in without
    assert "its grade scale, A scale with no audit tool, has no audit tool" in without
    assert lead_client.get(create).status_code == 404
