import factory
from django.contrib.auth import get_user_model

from reviews.models import (
    Case,
    Council,
    Finding,
    Framework,
    GradeScale,
    Partner,
    PartnerKind,
    Report,
    Review,
    ReviewMembership,
    Role,
    ThresholdLevel,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Person"
    email = factory.LazyAttribute(lambda user: f"{user.username}@people.example")
    password = factory.django.Password("correct-horse-battery-staple")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    ons_code = factory.Sequence(lambda n: f"E{90000000 + n:08d}")

    @factory.post_generation
    def thresholds(council, create, extracted, **kwargs):
        if create:
            council.adopt_default_thresholds()


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    council = factory.SubFactory(CouncilFactory)
    kind = factory.LazyFunction(lambda: PartnerKind.objects.get(slug="police"))
    name = factory.Sequence(lambda n: f"Testshire Police Division {n}")


def default_framework() -> Framework:
    return Framework.objects.get(is_default=True)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    council = factory.SubFactory(CouncilFactory)
    framework = factory.LazyFunction(default_framework)
    grade_scale = factory.LazyAttribute(
        lambda review: GradeScale.objects.get(framework=review.framework, name="Ofsted scale from November 2013")
    )
    title = factory.Sequence(lambda n: f"Testshire safeguarding peer review {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewMembership

    review = factory.SubFactory(ReviewFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PEER


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    review = factory.SubFactory(ReviewFactory)
    reference = factory.Sequence(lambda n: f"C-{n:03d}")
    age_band = Case.AgeBand.AGE_5_9
    threshold_level = factory.LazyAttribute(
        lambda case: ThresholdLevel.objects.filter(council=case.review.council).first()
    )
    legal_status = Case.LegalStatus.CHILD_PROTECTION
    cp_category = Case.CPCategory.NEGLECT


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    review = factory.SubFactory(ReviewFactory)
    theme = factory.LazyAttribute(lambda finding: finding.review.framework.themes.order_by("order").first())
    kind = Finding.Kind.STRENGTH
    summary = factory.Sequence(lambda n: f"Finding number {n}")
    stage = "general"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    review = factory.SubFactory(ReviewFactory)
    kind = Report.Kind.BASELINE
    version = 1
