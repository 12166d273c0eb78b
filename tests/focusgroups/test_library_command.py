import io

from django.core.management import call_command

from focusgroups.models import Question, Questionnaire


def test_loading_the_library_twice_gives_the_same_five_questionnaires(db):
    out = io.StringIO()

    call_command("load_questionnaire_library", stdout=out)
    first = (Questionnaire.objects.filter(review__isnull=True).count(), Question.objects.count())
    call_command("load_questionnaire_library", stdout=io.StringIO())

    assert first[0] == 5
    assert (Questionnaire.objects.filter(review__isnull=True).count(), Question.objects.count()) == first
    assert out.getvalue().strip() == "The questionnaire library holds 5 standard questionnaires."
