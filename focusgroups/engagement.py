"""Focus groups each partner agency was present at, and questionnaire responses per agency, for the engagement table.

A respondent chooses a segment (an agency or team of the review); a segment may be linked to one of the
council's partner agencies, and its responses then count for that agency. Responses stay anonymous: the
table shows only how many, and a count below the review's minimum group is shown as "fewer than" it.
"""

from django.db.models import Count, Exists, Subquery
from django.utils import timezone

from reviews import signals_status
from reviews.engagement import Against, EngagementMeasure
from reviews.models import Review

from .models import FocusGroup, Questionnaire, QuestionnaireSettings, Segment

DEFAULT_MINIMUM = QuestionnaireSettings._meta.get_field("minimum_group").default


def engagement(review: Review) -> list[EngagementMeasure]:
    """Two queries: focus groups per agency represented, and responses per agency with the review's minimum."""
    through = FocusGroup.agencies.through
    counts = dict(
        through.objects.filter(focusgroup__review=review)
        .values("partner_id")
        .annotate(n=Count("focusgroup_id", distinct=True))
        .values_list("partner_id", "n")
        .order_by()
    )
    return [
        EngagementMeasure(
            key="focus-groups-attended",
            label="Focus groups attended",
            stage_slug="focus-groups",
            counts=counts,
            commitment="focus_group_practitioners",
            against=Against.PRESENCE,
            unit="groups",
            note="Focus groups record the agencies present, not how many practitioners each sent.",
        ),
        _responses_measure(review),
    ]


def _responses_measure(review: Review) -> EngagementMeasure:
    minimum = Subquery(QuestionnaireSettings.objects.filter(review=review).values("minimum_group"))
    # Responses can still come while any questionnaire of the review is not complete (signals_status).
    unfinished = Exists(
        Questionnaire.objects.filter(review=review).exclude(
            signals_status.questionnaire_complete_q(timezone.localdate())
        )
    )
    rows = list(
        Segment.objects.filter(review=review, partner__isnull=False)
        .values("partner_id")
        .annotate(n=Count("responses"), minimum=minimum, unfinished=unfinished)
        .values_list("partner_id", "n", "minimum", "unfinished")
        .order_by()
    )
    label = "Questionnaire responses"
    if not rows:
        return EngagementMeasure(
            key="questionnaire-responses",
            label=label,
            stage_slug="focus-groups",
            counts=None,
            commitment="expected_responses",
            against=Against.COUNT,
            unit="responses",
            note="Questionnaire responses cannot be tied to a partner agency yet: no questionnaire segment is "
            "linked to one. Link segments to the council's partner agencies on the segments page.",
        )
    minimum = rows[0][2] or DEFAULT_MINIMUM
    settled = not rows[0][3]
    return EngagementMeasure(
        key="questionnaire-responses",
        label=label,
        stage_slug="focus-groups",
        counts={partner_id: count for partner_id, count, *_ in rows},
        commitment="expected_responses",
        against=Against.COUNT,
        unit="responses",
        note="Responses are counted by the segment respondents chose, where the segment is linked to a partner "
        f"agency; an agency with no linked segment is not known. To keep answers anonymous, from 1 to "
        f"{minimum - 1} responses are shown as fewer than {minimum}."
        + ("" if settled else " A questionnaire is still open: nobody is short of the responses expected yet."),
        missing=None,
        minimum=minimum,
        settled=settled,
    )
