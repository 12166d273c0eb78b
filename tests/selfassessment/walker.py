from .factories import DocumentRequestFactory, EntryFactory, InspectionFactory, JudgementFactory, RecommendationFactory


def walker_objects(review, lead) -> dict[str, int]:
    inspection = InspectionFactory(review=review)
    return {
        "entry_id": EntryFactory(review=review).pk,
        "request_id": DocumentRequestFactory(review=review).pk,
        "judgement_id": JudgementFactory(inspection=inspection).pk,
        "recommendation_id": RecommendationFactory(inspection=inspection).pk,
    }
