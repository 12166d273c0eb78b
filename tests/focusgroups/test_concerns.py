"""Which free-text answers may be a disclosure (focusgroups/concerns.py): children's own wording, however spelt or
punctuated, raises an alert; everyday answers and staff writing about their work do not."""

import pytest
from django.test import Client

from focusgroups import concerns
from focusgroups.models import Code, Coding, Question, QuestionnaireSettings, SafeguardingAlert

from .conftest import make_questionnaire, question

# Written by a field test on a children's questionnaire, which the review's default phrases missed.
DISCLOSURES = [
    ("My stepdad hurts me when mum is at work", "hurts me"),
    ("I dont feel safe at home", "dont feel safe"),
    ("I don’t feel safe at home", "dont feel safe"),
    ("I do not feel safe", "do not feel safe"),
    ("I want to kill myself", "kill myself"),
    ("he touches me at night and says its a secret", "touches me"),
    ("HE HITS ME!!!", "hits me"),
    ("my dad hit my mum again", "hit my mum"),
    ("I was beaten last week", "was beaten"),
    ("I keep getting hit", "keep getting hit"),
    ("someone asked me to send pics", "send pics"),
    ("theres no food at home", "no food"),
    ("i wish i was dead", "wish i was dead"),
    ("I get scared when he drinks", "scared"),
    ("self-harm", "self harm"),
    ("I cut myself", "cut myself"),
    ("we got locked out all night", "locked out"),
    ("I ran away twice", "ran away"),
    ("they said I owe them", "owe them"),
]

EVERYDAY = [
    "I like my school and my teacher helps me",
    "The food is nice",
    "I feel safe at home",
    "I had white meat for tea",
    "The secretary is kind",
    "History is my favourite lesson",
    "Mum makes my tea",
    "",
]


@pytest.mark.parametrize(("text", "words"), DISCLOSURES)
def test_a_childs_own_wording_is_read_as_a_possible_disclosure(text, words):
    assert concerns.concern_in(text, about_a_child=True) == words


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_answers_are_not(text):
    assert concerns.concern_in(text, about_a_child=True) is None


def test_staff_writing_about_their_work_is_read_with_the_reviews_own_phrases_only():
    text = "We see a lot of domestic abuse and drugs referrals; the team is scared of losing staff"

    assert concerns.concern_in(text, ("scared",)) == "scared"
    assert concerns.concern_in(text, ("not safe",)) is None
    assert concerns.concern_in("Domestic abuse referrals", ("not safe",), about_a_child=True) == "abuse"


def test_the_reviews_own_phrases_match_whole_words_in_their_usual_forms():
    assert concerns.concern_in("He hurts me", ("hurt me",)) == "hurts me"
    assert concerns.concern_in("Not safeguarded well", ("not safe",)) is None  # a word, not the start of one
    assert concerns.concern_in("The LODGER’s friends", ("lodger's friends",)) == "lodgers friends"
    assert concerns.concern_in("anything", ("   ", "")) is None  # a blank line is no phrase


@pytest.mark.parametrize(("text", "words"), DISCLOSURES[:6])
def test_each_raises_an_alert_from_the_public_link_and_the_child_is_told_who_to_talk_to(
    review, safeguarding_lead, text, words
):
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    free = question(questionnaire, Question.Kind.TEXT)

    page = Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": text})

    assert "Who you can talk to" in page.content.decode()
    alert = SafeguardingAlert.objects.get()
    assert alert.reason == f"A free-text answer to “{free.text}” has words that may be a disclosure: “{words}”."


def test_a_parents_questionnaire_is_read_for_disclosures_too_and_a_staff_one_with_the_reviews_phrases(review):
    QuestionnaireSettings.objects.create(review=review, concern_phrases="not safe")
    parents = make_questionnaire(review, title="Parents", audience="parents")
    staff = make_questionnaire(review, title="Staff", audience="staff")
    for questionnaire, text in ((parents, "He hits my son"), (staff, "Domestic abuse cases are rising")):
        free = question(questionnaire, Question.Kind.TEXT)
        Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": text})

    assert [alert.response.questionnaire for alert in SafeguardingAlert.objects.all()] == [parents]


# Who reads a disclosure: the results list free text to the council's side too, so a possible disclosure, or any
# answer of a response that raised an alert, stays on the alert.


def _children_answering(review, texts):
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    safe = question(questionnaire, Question.Kind.AGREE)
    free = question(questionnaire, Question.Kind.TEXT)
    for text, safe_value in texts:
        Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": text, f"q{safe.pk}": safe_value})
    return questionnaire


def test_the_results_withhold_possible_disclosures_from_the_council_and_point_the_lead_to_the_alerts(
    review, safeguarding_lead, lead_client, sponsor_client
):
    everyday = [(f"We play football at break {n}", "4") for n in range(10)]
    questionnaire = _children_answering(
        review,
        [
            *everyday,
            ("My stepdad hurts me when mum is at work", "4"),  # words that may be a disclosure
            ("At my uncle's house", "1"),  # harmless words, but its response raised an alert (not safe at all)
        ],
    )
    assert SafeguardingAlert.objects.count() == 2
    # The rule as it reads now: a phrase the review adds later withholds answers already given.
    QuestionnaireSettings.objects.filter(review=review).update(concern_phrases="football at break 9")

    council = sponsor_client.get(questionnaire.get_absolute_url()).content.decode()
    lead = lead_client.get(questionnaire.get_absolute_url()).content.decode()

    for page in (council, lead):
        assert "We play football at break 3" in page
        assert "hurts me" not in page and "uncle" not in page and "football at break 9" not in page
        assert "3 answers are not shown here: their words may be a disclosure" in page
    assert "The review's safeguarding lead has them." in council and "safeguarding alerts</a>" not in council
    assert f'href="/reviews/{review.pk}/focus-groups/alerts/">safeguarding alerts</a>' in lead


def test_a_withheld_answer_cannot_be_coded(review, safeguarding_lead, peer_client):
    questionnaire = _children_answering(
        review, [*[(f"Fine {n}", "4") for n in range(10)], ("I want to kill myself", "4")]
    )
    withheld = questionnaire.responses.get(alerts__isnull=False).answers.exclude(text="").get()
    code = Code.objects.create(review=review, name="Home life")

    response = peer_client.post(
        f"/reviews/{review.pk}/focus-groups/questionnaires/{questionnaire.pk}/code-answer/",
        {"code": code.pk, "answer": withheld.pk},
    )

    assert response.status_code == 404
    assert not Coding.objects.exists()
