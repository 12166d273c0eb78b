import datetime

import factory

from reviews.models import EvidenceDocument
from selfassessment.models import DocumentRequest, Entry, PeerAnalysis

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
