"""The demo's access log: a fortnight of fictional reading, so the log viewer and "What I have read" have entries.

Written once per review (the log is append-only, so running the demo again adds nothing). Addresses are from the
range set aside for documentation (192.0.2.0/24), never real ones.
"""

import datetime

from django.utils import timezone

from .models import AccessLog, Review

# (username, days ago, hour, action, what, object kind)
READS = [
    ("peer", 13, 9, AccessLog.Action.VIEW, "Case {case}", "case"),
    ("auditor", 12, 10, AccessLog.Action.VIEW, "Case {case}", "case"),
    ("peer", 9, 14, AccessLog.Action.VIEW, "Case {case}", "case"),
    ("challenge", 8, 11, AccessLog.Action.EXPORT, "Questionnaire results (csv)", ""),
    ("sponsor", 6, 16, AccessLog.Action.DOWNLOAD, "Feedback letter", ""),
    ("lead", 3, 9, AccessLog.Action.EXPORT, "Improvement plan", ""),
    ("auditor", 1, 15, AccessLog.Action.VIEW, "Case {case}", "case"),
]


def add_access_demo(review: Review, users: dict) -> None:
    if AccessLog.objects.filter(review=review).exists():
        return
    cases = list(review.cases.order_by("reference")[:3])
    now = timezone.now().replace(minute=12, second=0, microsecond=0)
    for number, (username, days, hour, action, what, kind) in enumerate(READS):
        user = users.get(username)
        if user is None or (kind == "case" and not cases):
            continue
        case = cases[number % len(cases)] if cases else None
        AccessLog.objects.create(
            user=user,
            review=review,
            action=action,
            target=what.format(case=case.reference if case else ""),
            path=f"/reviews/{review.pk}/case-mapping/cases/{case.pk}/" if kind == "case" else "",
            object_kind=kind,
            object_id=case.pk if kind == "case" else None,
            address=f"192.0.2.{10 + number}",
            at=(now - datetime.timedelta(days=days)).replace(hour=hour),
        )
