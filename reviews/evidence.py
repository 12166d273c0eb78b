"""Evidence behind findings: each link described with its source, loaded in a fixed number of queries."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from . import stages
from .models import FindingEvidence

REMOVED = "A record that has since been removed"


def describe_evidence(items: list[FindingEvidence]) -> list[dict]:
    """Each piece of evidence with its source object, a label and its stage.

    Sources load one query per type of source, with the relations their labels read: a model used as
    evidence names them in `evidence_label_related` beside its `__str__`, so labels add no query per link.
    """
    ids_by_type = defaultdict(set)
    for item in items:
        ids_by_type[item.content_type_id].add(item.object_id)
    # The content-type manager caches every type it has loaded, so this costs at most one query per type, once.
    content_types = {type_id: ContentType.objects.get_for_id(type_id) for type_id in ids_by_type}
    sources = {}
    for type_id, ids in ids_by_type.items():
        model = content_types[type_id].model_class()
        if model is None:
            sources[type_id] = {}
            continue
        related = getattr(model, "evidence_label_related", ())
        sources[type_id] = model._base_manager.select_related(*related).in_bulk(ids)
    rows = []
    for item in items:
        content_type = content_types[item.content_type_id]
        source = sources[item.content_type_id].get(item.object_id)
        rows.append(
            {
                "item": item,
                "source": source,
                "label": str(source) if source is not None else REMOVED,
                "kind": content_type.name,
                "stage": stages.title_for(stages.slug_for_app(content_type.app_label) or stages.GENERAL),
            }
        )
    return rows
