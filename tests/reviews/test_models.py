import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import (
    Case,
    Council,
    Finding,
    FindingEvidence,
    FocusArea,
    Framework,
    Grade,
    GradeScale,
    PartnerKind,
    Report,
    Review,
    ThresholdLevel,
)

from ..factories import (
    CaseFactory,
    CouncilFactory,
    FindingFactory,
    MembershipFactory,
    ReportFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THEMES = [
    "Effective practice, service delivery and the voice of the child",
    "Outcomes, impact and performance",
    "Working together",
    "Capacity and managing resources",
    "Vision, strategy and leadership",
]


def another_framework() -> Framework:
    return Framework.objects.create(name="Another framework", version="2024")


# Database constraints


def test_a_user_has_one_membership_per_review(review, lead):
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(review=review, user=lead)


def test_a_user_may_be_a_member_of_two_reviews(review, other_review, lead):
    MembershipFactory(review=other_review, user=lead)

    assert lead.review_memberships.count() == 2


def test_a_case_reference_is_unique_within_a_review(review, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(review=review, reference="C-001")


def test_the_same_case_reference_is_allowed_in_another_review(case, other_review):
    other = CaseFactory(review=other_review, reference="C-001")

    assert Case.objects.filter(reference="C-001").count() == 2
    assert other.review == other_review


def test_a_grade_rank_is_unique_within_its_scale():
    scale = GradeScale.objects.get(name="Ofsted scale from November 2013")

    with pytest.raises(IntegrityError), transaction.atomic():
        Grade.objects.create(scale=scale, rank=1, label="Exceptional")


def test_a_grade_rank_starts_at_one():
    scale = GradeScale.objects.get(name="Ofsted scale from November 2013")

    with pytest.raises(IntegrityError), transaction.atomic():
        Grade.objects.create(scale=scale, rank=0, label="Exceptional")


def test_a_threshold_order_is_unique_within_a_council():
    council = CouncilFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ThresholdLevel.objects.create(
            council=council, order=2, label="Another early help level", legal_basis=ThresholdLevel.LegalBasis.EARLY_HELP
        )


def test_a_threshold_order_is_unique_in_the_default_model():
    with pytest.raises(IntegrityError), transaction.atomic():
        ThresholdLevel.objects.create(
            council=None, order=2, label="Another early help level", legal_basis=ThresholdLevel.LegalBasis.EARLY_HELP
        )


def test_two_councils_may_use_the_same_threshold_order():
    first, second = CouncilFactory(), CouncilFactory()

    assert first.threshold_levels.get(order=2).label == "Early help"
    assert second.threshold_levels.get(order=2).label == "Early help"


def test_only_one_framework_is_the_default():
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(name="Another framework", version="2024", is_default=True)


def test_a_review_on_site_week_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(onsite_start=datetime.date(2024, 5, 13), onsite_end=datetime.date(2024, 5, 10))


def test_a_review_on_site_week_may_start_and_end_on_one_day():
    day = datetime.date(2024, 5, 13)

    review = ReviewFactory(onsite_start=day, onsite_end=day)

    assert (review.onsite_start, review.onsite_end) == (day, day)


def test_a_second_queued_report_of_a_kind_is_refused(review):
    ReportFactory(review=review, kind=Report.Kind.BASELINE, version=1, status=Report.Status.QUEUED)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(review=review, kind=Report.Kind.BASELINE, version=2, status=Report.Status.QUEUED)


def test_a_queued_report_is_refused_while_one_of_its_kind_is_running(review):
    ReportFactory(review=review, kind=Report.Kind.BASELINE, version=1, status=Report.Status.RUNNING)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(review=review, kind=Report.Kind.BASELINE, version=2, status=Report.Status.QUEUED)


def test_a_queued_report_may_sit_beside_a_done_one(review):
    ReportFactory(review=review, kind=Report.Kind.BASELINE, version=1, status=Report.Status.DONE, sha256="a" * 64)

    ReportFactory(review=review, kind=Report.Kind.BASELINE, version=2, status=Report.Status.QUEUED)

    assert sorted(review.reports.values_list("status", flat=True)) == ["done", "queued"]


def test_queued_reports_of_different_kinds_may_sit_side_by_side(review):
    ReportFactory(review=review, kind=Report.Kind.BASELINE, version=1, status=Report.Status.QUEUED)

    ReportFactory(review=review, kind=Report.Kind.IMPROVEMENT_PLAN, version=1, status=Report.Status.QUEUED)

    assert review.reports.active().count() == 2


def test_a_done_report_needs_a_checksum(review):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(review=review, version=1, status=Report.Status.DONE, sha256="")


# Model validation


def test_a_finding_refuses_a_theme_of_another_framework(review):
    theme = another_framework().themes.create(order=1, name="Leadership")
    finding = Finding(review=review, theme=theme, kind=Finding.Kind.STRENGTH, summary="Strong leadership")

    with pytest.raises(ValidationError) as refused:
        finding.clean()

    assert refused.value.message_dict == {"theme": ["Choose a theme of this review's framework."]}


def test_a_finding_accepts_a_theme_of_its_review_framework(review):
    theme = review.framework.themes.get(order=3)
    finding = Finding(review=review, theme=theme, kind=Finding.Kind.STRENGTH, summary="Strong partnership")

    finding.clean()

    assert finding.theme.name == "Working together"


def test_a_case_refuses_a_threshold_level_of_another_council(review):
    level = CouncilFactory().threshold_levels.get(order=3)
    case = Case(review=review, reference="C-002", age_band=Case.AgeBand.AGE_1_4, threshold_level=level)

    with pytest.raises(ValidationError) as refused:
        case.clean()

    assert refused.value.message_dict == {"threshold_level": ["Choose one of the council's own threshold levels."]}


def test_a_review_refuses_a_grade_scale_of_another_framework(review):
    review.grade_scale = another_framework().grade_scales.create(name="A local scale")

    with pytest.raises(ValidationError) as refused:
        review.clean()

    assert refused.value.message_dict == {"grade_scale": ["Choose a grade scale of the review's framework."]}


# Query sets and methods


def test_visible_to_returns_only_the_member_reviews(review, other_review, lead):
    ReviewFactory()

    visible = list(Review.objects.visible_to(lead))

    assert visible == [review]


def test_visible_to_returns_nothing_for_an_anonymous_user(review, lead):
    visible = list(Review.objects.visible_to(AnonymousUser()))

    assert visible == []


def test_visible_to_returns_nothing_for_a_user_of_no_review(review, lead):
    visible = list(Review.objects.visible_to(UserFactory(username="nobody")))

    assert visible == []


def test_adopting_the_default_thresholds_copies_four_levels_once():
    council = Council.objects.create(name="Newtown Council", ons_code="E10000999")

    first = council.adopt_default_thresholds()
    second = council.adopt_default_thresholds()

    assert (first, second) == (4, 0)
    assert list(council.threshold_levels.order_by("order").values_list("order", "label", "legal_basis")) == [
        (1, "Universal", "universal"),
        (2, "Early help", "early_help"),
        (3, "Targeted: child in need", "s17"),
        (4, "Specialist: child protection or looked after", "s47"),
    ]


def test_a_finding_of_a_general_stage_without_evidence_has_no_triangulation(review):
    finding = FindingFactory(review=review, stage="general")

    assert finding.triangulation() == 0


def test_a_finding_counts_its_own_stage(review):
    finding = FindingFactory(review=review, stage="audits")

    assert finding.triangulation() == 1


def test_evidence_from_the_review_itself_adds_no_stage(review, case):
    finding = FindingFactory(review=review, stage="audits")
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )

    assert finding.triangulation() == 1


def test_triangulation_counts_each_distinct_stage_of_the_evidence_once(review):
    finding = FindingFactory(review=review, stage="audits")
    interview = ContentType.objects.create(app_label="interviews", model="interviewnote")
    audit = ContentType.objects.create(app_label="audits", model="auditedcase")
    for content_type, object_id in [(interview, 1), (interview, 2), (audit, 1)]:
        FindingEvidence.objects.create(finding=finding, content_type=content_type, object_id=object_id)

    assert finding.triangulation() == 2


def test_counts_by_theme_gives_strengths_and_areas_per_theme_in_order(review, other_review):
    first, third = review.framework.themes.get(order=1), review.framework.themes.get(order=3)
    for theme, kind in [
        (first, Finding.Kind.STRENGTH),
        (first, Finding.Kind.STRENGTH),
        (first, Finding.Kind.AREA),
        (third, Finding.Kind.AREA),
    ]:
        FindingFactory(review=review, theme=theme, kind=kind)
    FindingFactory(review=other_review, theme=first, kind=Finding.Kind.AREA)

    rows = review.findings.all().counts_by_theme(review.framework)

    assert [(row["theme"].name, row["strengths"], row["areas"], row["total"]) for row in rows] == [
        (THEMES[0], 2, 1, 3),
        (THEMES[1], 0, 0, 0),
        (THEMES[2], 0, 1, 1),
        (THEMES[3], 0, 0, 0),
        (THEMES[4], 0, 0, 0),
    ]


def test_counts_by_theme_ignores_the_ordering_of_the_query_set(review):
    theme = review.framework.themes.get(order=1)
    for kind in [Finding.Kind.STRENGTH, Finding.Kind.STRENGTH, Finding.Kind.AREA]:
        FindingFactory(review=review, theme=theme, kind=kind)

    rows = review.findings.order_by("theme__order", "kind", "-updated_at").counts_by_theme(review.framework)

    assert (rows[0]["strengths"], rows[0]["areas"], rows[0]["total"]) == (2, 1, 3)


# Default data from the data migration


def test_the_default_framework_has_the_five_themes_in_order():
    framework = Framework.objects.get(is_default=True)

    assert list(framework.themes.order_by("order").values_list("name", flat=True)) == THEMES


def test_the_default_framework_has_seven_scope_areas_three_focus_areas_and_seven_circumstances():
    framework = Framework.objects.get(is_default=True)

    assert framework.scope_areas.count() == 7
    assert framework.focus_areas.filter(kind=FocusArea.Kind.FOCUS).count() == 3
    assert framework.focus_areas.filter(kind=FocusArea.Kind.CIRCUMSTANCE).count() == 7


def test_the_default_framework_has_both_ofsted_grade_scales_with_their_grades_in_rank_order():
    framework = Framework.objects.get(is_default=True)

    scales = {
        scale.name: list(scale.grades.order_by("rank").values_list("label", flat=True))
        for scale in framework.grade_scales.all()
    }

    assert scales == {
        "Ofsted scale until November 2013": ["Outstanding", "Good", "Adequate", "Inadequate"],
        "Ofsted scale from November 2013": ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"],
    }


def test_clinical_commissioning_groups_give_way_to_integrated_care_boards():
    ccg = PartnerKind.objects.get(name="Clinical commissioning group")
    icb = PartnerKind.objects.get(name="Integrated care board")

    assert ccg.valid_to == datetime.date(2022, 6, 30)
    assert icb.valid_from == datetime.date(2022, 7, 1)
    assert (ccg.is_valid_on(datetime.date(2022, 7, 1)), icb.is_valid_on(datetime.date(2022, 7, 1))) == (False, True)


def test_local_safeguarding_children_boards_end_in_2019():
    lscb = PartnerKind.objects.get(slug="lscb")

    assert lscb.valid_to.year == 2019
