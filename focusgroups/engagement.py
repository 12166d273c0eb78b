"""Focus groups each partner agency was present at, for the engagement table.

Questionnaire responses are not counted per partner: a respondent chooses a segment, which is a
free-text agency or team of the review (such as "Police"), not one of the council's partner agencies.
The measure says so instead of guessing.
"""

from django.db.models import Count

from reviews.engagement import Against, EngagementMeasure
from reviews.models import Review

from .models import FocusGroup


def engagement(review: Review) -> list[EngagementMeasure]:
    """One query: focus groups per agency represented."""
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
        EngagementMeasure(
            key="questionnaire-responses",
            label="Questionnaire responses",
            stage_slug="focus-groups",
            counts=None,
            commitment="expected_responses",
            against=Against.COUNT,
            unit="responses",
            note="Questionnaire responses cannot be tied to a partner agency: respondents choose a segment "
            "(an agency or team named for the questionnaire), which is not linked to the council's partners.",
        ),
    ]
