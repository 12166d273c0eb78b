"""Questionnaire results on shared questions, compared with an earlier review of the same council.

A question is shared when both reviews asked it of the same audience (and age band) with the same
wording and kind: reviews copy their questionnaires from the library, so unchanged library
questions match, and a question a review reworded does not. Only scale questions are compared, by
the share of positive answers (as in the results by theme).

Suppression: a figure is shown only when at least the larger of the two reviews' minimum group
size answered the question in that review. Each figure is a single total (no breakdown), so
there is no hidden cell for secondary suppression to protect.
"""

from django.db.models import Count, Q

from reviews.comparison import ComparisonRow, ComparisonTable, direction_of
from reviews.models import Review

from .models import AgeBand, Answer, Audience, Question, QuestionnaireSettings

SCALES = [Question.Kind.AGREE, Question.Kind.FREQUENCY, Question.Kind.SCORE]
POSITIVE = (
    Q(question__kind=Question.Kind.AGREE, value__gte=4)
    | Q(question__kind=Question.Kind.FREQUENCY, value__gte=3)
    | Q(question__kind=Question.Kind.SCORE, value__gte=7)
)
KEY = [
    "question__section__questionnaire__review_id",
    "question__section__questionnaire__audience",
    "question__section__questionnaire__age_band",
    "question__text",
    "question__kind",
]


def _minimum(review: Review, earlier: Review) -> int:
    configs = {
        config.review_id: config for config in QuestionnaireSettings.objects.filter(review__in=[review, earlier])
    }
    default = QuestionnaireSettings(review=review).minimum_group
    return max(configs[pk].minimum_group if pk in configs else default for pk in (review.pk, earlier.pk))


def _results(review: Review, earlier: Review) -> dict[int, dict[tuple, tuple[int, int, int]]]:
    """Per review, per (audience, age band, wording, kind): (respondents, answers, positive), in one query."""
    results: dict[int, dict[tuple, tuple[int, int, int]]] = {review.pk: {}, earlier.pk: {}}
    rows = (
        Answer.objects.filter(question__section__questionnaire__review__in=[review, earlier], question__kind__in=SCALES)
        .values(*KEY)
        .annotate(
            people=Count("response_id", distinct=True), answers=Count("id"), positive=Count("id", filter=POSITIVE)
        )
        .order_by()
    )
    for row in rows:
        key = tuple(row[name] for name in KEY[1:])
        results[row[KEY[0]]][key] = (row["people"], row["answers"], row["positive"])
    return results


def _label(key: tuple) -> str:
    audience, age_band, text, _kind = key
    who = Audience(audience).label
    if age_band:
        who += f", {AgeBand(age_band).label.lower()}"
    return f"{text} ({who})"


def compare(review: Review, earlier: Review) -> list[ComparisonTable]:
    results = _results(review, earlier)
    before, after = results[earlier.pk], results[review.pk]
    if not before:
        return []
    minimum = _minimum(review, earlier)
    rows = []
    for key in sorted(set(before) & set(after)):
        shown = []
        for people, answers, positive in (before[key], after[key]):
            shown.append(round(100 * positive / answers) if people >= minimum and answers else None)
        texts = [
            f"{percent}% positive ({people} respondents)"
            if percent is not None
            else f"Fewer than {minimum} respondents"
            for percent, (people, _a, _p) in zip(shown, (before[key], after[key]), strict=True)
        ]
        rows.append(ComparisonRow(_label(key), texts[0], texts[1], direction_of(shown[0], shown[1])))
    return [
        ComparisonTable(
            "Questionnaire answers on questions asked in both reviews",
            rows,
            "Question",
            f"Positive answers: agree, always or more often than not, or 7 and above out of 10. No figure is shown "
            f"for fewer than {minimum} respondents.",
        )
    ]
