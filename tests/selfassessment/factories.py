import datetime

import factory

from reviews.models import EvidenceDocument
from selfassessment.models import (
    DocumentRequest,
    Entry,
    Inspection,
    InspectionKind,
    Judgement,
    PeerAnalysis,
    Rag,
    Recommendation,
    RecommendationPeerView,
)

from ..factories import ReviewFactory


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    review = factory.SubFactory(ReviewFactory)
    scope_area = factory.LazyAttribute(lambda entry: entry.review.framework.scope_areas.order_by("order").first())
    what_we_know = "Thresholds are applied consistently at the front door."
    how_we_know = "Monthly dip samples of contacts."
    what_next = "Refresh the threshold document with partners."
    grade = factory.LazyAttribute(lambda entry: entry.review.grade_scale.grades.get(rank=2))

    @factory.post_generation
    def documents(entry, create, extracted, **kwargs):
        if create and extracted:
            entry.documents.add(*extracted)


class PeerAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerAnalysis

    entry = factory.SubFactory(EntryFactory)
    commentary = "The contacts sampled support the council's view."
    grade = factory.LazyAttribute(lambda analysis: analysis.entry.review.grade_scale.grades.get(rank=2))


class DocumentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRequest

    review = factory.SubFactory(ReviewFactory)
    title = factory.Sequence(lambda n: f"Requested document {n}")
    due_date = datetime.date(2030, 1, 31)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceDocument

    review = factory.SubFactory(ReviewFactory)
    title = factory.Sequence(lambda n: f"Evidence document {n}")


def inspection_kind(name: str = "Inspection of safeguarding and looked after children services") -> InspectionKind:
    return InspectionKind.objects.get(name=name)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    review = factory.SubFactory(ReviewFactory)
    kind = factory.LazyFunction(inspection_kind)
    date = datetime.date(2011, 6, 17)
    reference = "Inspection of safeguarding and looked after children services, June 2011"


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    inspection = factory.SubFactory(InspectionFactory)
    order = factory.Sequence(lambda n: n + 1)
    area = factory.Sequence(lambda n: f"Judgement area {n}")
    grade = factory.LazyAttribute(lambda judgement: judgement.inspection.kind.grade_scale.grades.get(rank=2))


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    inspection = factory.SubFactory(InspectionFactory)
    review = factory.LazyAttribute(lambda recommendation: recommendation.inspection.review)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Improve the quality of assessments, part {n}.")

    @factory.post_generation
    def documents(recommendation, create, extracted, **kwargs):
        if create and extracted:
            recommendation.documents.add(*extracted)


class PeerViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationPeerView

    recommendation = factory.SubFactory(RecommendationFactory)
    rag = Rag.AMBER
    commentary = "The evidence supports part of the council's account."
