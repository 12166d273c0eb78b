from conference.models import Letter

from .factories import ActionFactory, CandidateFactory, PriorityFactory, RoundFactory


def walker_objects(review, lead) -> dict[str, int]:
    round_ = RoundFactory(review=review)
    CandidateFactory(round=round_)
    CandidateFactory(round=round_)
    priority = PriorityFactory(review=review)
    Letter.objects.create(review=review, body="## Context and scope\n\nA draft.")
    return {
        "round_id": round_.pk,
        "priority_id": priority.pk,
        "action_id": ActionFactory(priority=priority).pk,
    }
