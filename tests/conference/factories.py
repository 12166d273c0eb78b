import datetime

import factory

from conference.models import Action, Candidate, Priority, Round
from tests.factories import ReviewFactory


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Priorities for improvement"
    points = 10


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Candidate priority {n}")
    order = factory.Sequence(lambda n: n + 1)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    review = factory.SubFactory(ReviewFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    outcome = "Children are safer."
    order = factory.Sequence(lambda n: n + 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner_role = "Head of Early Help"
    owner_agency = "Testshire Children's Services"
    due_date = datetime.date(2027, 3, 31)
    success_measure = "Assessments within 45 days (%)"
