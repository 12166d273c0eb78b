from .factories import DocumentRequestFactory, EntryFactory


def walker_objects(review, lead) -> dict[str, int]:
    return {
        "entry_id": EntryFactory(review=review).pk,
        "request_id": DocumentRequestFactory(review=review).pk,
    }
