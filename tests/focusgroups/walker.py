"""Objects for the URL walker: one of each kind the questionnaire and focus-group URLs name, inside `review`."""

from focusgroups.models import Coding, Question, Response, SafeguardingAlert

from .conftest import make_code, make_group, make_questionnaire, make_segment


def walker_objects(review, lead) -> dict[str, int]:
    questionnaire = make_questionnaire(review, title="Walker questionnaire")
    response = Response.objects.create(questionnaire=questionnaire)
    alert = SafeguardingAlert.objects.create(review=review, response=response, reason="Walker alert")
    group = make_group(review, title="Walker group")
    code = make_code(review, "Walker code")
    coding = Coding.objects.create(
        review=review, code=code, focus_group=group, start=0, end=5, quote=group.notes[:5], coder=lead
    )
    return {
        "questionnaire_id": questionnaire.pk,
        "section_id": questionnaire.sections.get().pk,
        "question_id": Question.objects.filter(section__questionnaire=questionnaire).order_by("order").first().pk,
        "alert_id": alert.pk,
        "group_id": group.pk,
        "code_id": code.pk,
        "coding_id": coding.pk,
        "segment_id": make_segment(review, "Walker segment").pk,
    }
