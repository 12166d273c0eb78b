from tests.audits.helpers import make_audit, make_validation


def walker_objects(review, lead) -> dict[str, int]:
    audit = make_audit(review, "WA-001", ranks=[2, 2, 2, 2, 2, 2, 2, 2, 2], overall=2)
    validation = make_validation(audit, lead, ranks=[2, 3, 2, 2, 2, 2, 2, 2, 2], overall=3)
    return {"audit_id": audit.pk, "validation_id": validation.pk}
