"""Property-based tests of the public questionnaire: whatever is sent to /q/<token>/, the response is stored whole
or refused with a message naming the question, never a server error, and every concerning answer raises exactly
one alert for its response, in any order of questions.

The questionnaires are the library's (which the demo copies for its review) and one whose choice questions come
before its safety and free-text questions.
"""

import html
import re
import urllib.parse

from django.core import mail
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from focusgroups import concerns
from focusgroups.forms import NOTHING_ANSWERED
from focusgroups.library import ensure_library
from focusgroups.models import MAX_TEXT_ANSWER, Question, Questionnaire, QuestionnaireSettings, SafeguardingAlert
from reviews.models import Role

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import make_questionnaire

EXAMPLES = 150

SPECIAL_TEXTS = [
    "",
    "   ",
    "x" * MAX_TEXT_ANSWER,
    "x" * 10_000,
    "I am 😢 and 🏠 is not safe",
    "أنا خائف في المنزل",  # right to left: "I am afraid at home"
    "שלום \u202e reversed",
    "a\x00b",
    "\x00",
    "He hits me\r\nwhen mum is out",
    "Sometimes I am  SCARED to go home",
    "<script>alert(1)</script>",
    '=HYPERLINK("https://example.invalid")',
]


CHOICES_FIRST = [
    (Question.Kind.SINGLE, "Which school are you at?", "Primary\nSecondary", False),
    (Question.Kind.MULTIPLE, "Who do you live with?", "Mum\nDad\nCarer\nOther", False),
    (Question.Kind.AGREE, "I feel safe at home.", "", True),
    (Question.Kind.TEXT, "Is there anything else you want to tell us?", "", False),
    (Question.Kind.SCORE, "How safe do you feel at school?", "", True),
    (Question.Kind.TEXT, "What would make things better?", "", False),
]


def _choice_first_questionnaire(review) -> Questionnaire:
    """Single and multiple choice come first, then a safety scale and free text: the order that lost disclosures."""
    return make_questionnaire(
        review, title="Choices first", audience="children", age_band="8-11", questions=CHOICES_FIRST
    )


def _expected_concern(question: Question, given: object, phrases: list[str]) -> bool:
    """The rule as the review sets it out, written here independently of the code under test."""
    if question.kind == Question.Kind.TEXT:
        # Which words may be a disclosure is tested with examples in test_concerns.py; here, that every answer
        # the rule flags raises one alert, and no other does.
        about_a_child = question.section.questionnaire.answers_about_a_child
        return (
            concerns.concern_in(str(given).replace("\x00", ""), tuple(phrases), about_a_child=about_a_child) is not None
        )
    if question.kind in {Question.Kind.AGREE, Question.Kind.FREQUENCY}:
        return question.safety_check and int(given) <= 2
    if question.kind == Question.Kind.SCORE:
        return question.safety_check and int(given) <= 3
    return False


@st.composite
def answers_for(draw, questions: list[Question]):
    """A POST for some questions (others left blank): valid choices, any text, and now and then an invalid value."""
    data = {}
    given = {}
    invalid = []
    for question in questions:
        if draw(st.booleans()):
            continue  # left blank
        name = f"q{question.pk}"
        options = [value for value, _ in question.options()]
        if question.kind == Question.Kind.TEXT:
            text = draw(
                st.one_of(
                    st.text(max_size=200),
                    st.sampled_from(SPECIAL_TEXTS),
                    st.builds(
                        "{} {} {}".format,
                        st.text(max_size=40),
                        st.sampled_from(["not safe", "hurt me", "frightened"]),
                        st.text(max_size=40),
                    ),
                )
            )
            data[name] = text
            cleaned = text.replace("\x00", "").strip()
            if len(cleaned) > MAX_TEXT_ANSWER:
                invalid.append(question)
            elif cleaned:
                given[question] = cleaned
        elif question.kind == Question.Kind.MULTIPLE:
            chosen = draw(st.lists(st.sampled_from(options), unique=True, max_size=len(options)))
            if draw(st.integers(0, 9)) == 0:
                stray = draw(st.text(min_size=1, max_size=20).filter(lambda value, known=options: value not in known))
                chosen = [*chosen, stray]
                invalid.append(question)
            elif chosen:
                given[question] = chosen
            data[name] = chosen
        else:
            if draw(st.integers(0, 9)) == 0:
                value = draw(st.one_of(st.text(max_size=20), st.integers(-(10**12), 10**12).map(str)))
                if value in options:
                    given[question] = value
                elif value != "":
                    invalid.append(question)
            else:
                value = draw(st.sampled_from(options))
                given[question] = value
            data[name] = value
    return data, given, invalid


# The property tests send hundreds of answers from one address; the limits have tests of their own.
NO_LIMITS = override_settings(QUESTIONNAIRE_ANSWERS_PER_ADDRESS=10**9, QUESTIONNAIRE_ANSWERS_PER_LINK=10**9)


@NO_LIMITS
class PublicQuestionnaireProperties(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.review = ReviewFactory(title="Propertyshire children's safeguarding peer review")
        lead = MembershipFactory(
            review=cls.review,
            role=Role.LEAD,
            user=UserFactory(username="propertylead", email="lead@propertyshire.example"),
        ).user
        QuestionnaireSettings.objects.create(review=cls.review, safeguarding_lead=lead)
        cls.questionnaires = [entry.copy_to(cls.review) for entry in ensure_library()]
        cls.questionnaires.append(_choice_first_questionnaire(cls.review))
        for questionnaire in cls.questionnaires:
            questionnaire.opens_on = "2000-01-01"
            questionnaire.save()

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_any_answers_are_stored_whole_or_refused_naming_the_question_and_concerns_raise_one_alert(self, data):
        questionnaire = data.draw(st.sampled_from(self.questionnaires), label="questionnaire")
        questions = list(
            Question.objects.filter(section__questionnaire=questionnaire).order_by("section__order", "order")
        )
        post, given, invalid = data.draw(answers_for(questions), label="answers")
        phrases = QuestionnaireSettings.for_review(self.review).phrases()
        responses_before = questionnaire.responses.count()
        alerts_before = SafeguardingAlert.objects.count()

        with self.captureOnCommitCallbacks(execute=False):
            page = Client().post(f"/q/{questionnaire.token}/", post)

        body = page.content.decode()
        assert page.status_code == 200
        if invalid or not given:
            # Refused whole: a wrong answer is named; with no answer at all, nothing is counted as a response.
            if not invalid:
                assert html.escape(NOTHING_ANSWERED) in body
            assert questionnaire.responses.count() == responses_before
            assert SafeguardingAlert.objects.count() == alerts_before
            assert "There is a problem" in body
            for question in invalid:
                assert f'href="#id_q{question.pk}' in body, question.text
            for question in questions:  # what the respondent wrote is still there to correct and send again
                typed = post.get(f"q{question.pk}")
                if question.kind == Question.Kind.TEXT and typed and "\x00" not in typed and question not in invalid:
                    assert html.escape(typed) in body
                elif question.kind != Question.Kind.TEXT:  # the choices made stay ticked, and only those
                    options = {str(value) for value, _ in question.options()}
                    chosen = {typed} if isinstance(typed, str) else set(typed or [])
                    ticked = re.findall(rf'name="q{question.pk}" [^>]*value="([^"]*)" checked="checked"', body)
                    assert sorted(html.unescape(value) for value in ticked) == sorted(chosen & options), question.text
            return
        assert questionnaire.responses.count() == responses_before + 1
        response = questionnaire.responses.order_by("-pk").first()
        stored = {}
        for answer in response.answers.select_related("question"):
            if answer.question.kind == Question.Kind.MULTIPLE:
                stored.setdefault(answer.question, []).append(answer.choice)
            elif answer.question.kind == Question.Kind.TEXT:
                stored[answer.question] = answer.text
            elif answer.question.kind == Question.Kind.SINGLE:
                stored[answer.question] = answer.choice
            else:
                stored[answer.question] = str(answer.value)
        expected = {q: sorted(v) if isinstance(v, list) else v for q, v in given.items()}
        assert {q: sorted(v) if isinstance(v, list) else v for q, v in stored.items()} == expected
        concerning = [q for q, value in given.items() if _expected_concern(q, value, phrases)]
        alerts = SafeguardingAlert.objects.filter(response=response)
        assert alerts.count() == (1 if concerning else 0)
        if concerning:
            assert len(alerts.get().reason.splitlines()) == len(concerning)
            assert "Who you can talk to" in body
        assert mail.outbox == []  # the email is queued after commit, never sent in the request


@NO_LIMITS
class AnythingPostedToTheQuestionnaire(TestCase):
    """Whatever arrives at /q/<token>/ (any fields, any values, any body) gets a page, never a server error."""

    @classmethod
    def setUpTestData(cls):
        cls.review = ReviewFactory(title="Fuzzshire children's safeguarding peer review")
        cls.questionnaire = _choice_first_questionnaire(cls.review)
        cls.questionnaire.opens_on = "2000-01-01"
        # Fuzzed with the segment question too, which only staff and partners are asked.
        cls.questionnaire.audience, cls.questionnaire.age_band = "partners", ""
        cls.questionnaire.ask_segment = True
        cls.questionnaire.save()
        cls.names = [
            f"q{pk}"
            for pk in Question.objects.filter(section__questionnaire=cls.questionnaire).values_list("pk", flat=True)
        ]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        fields=st.dictionaries(
            st.one_of(st.sampled_from(["segment", "again", "mode", "csrfmiddlewaretoken"]), st.text(max_size=20)),
            st.one_of(st.text(max_size=50), st.lists(st.text(max_size=20), max_size=4), st.integers().map(str)),
            max_size=8,
        ),
        answers=st.lists(st.one_of(st.text(max_size=30), st.integers(-(2**70), 2**70).map(str)), max_size=6),
    )
    def test_any_fields_and_values_get_a_page_not_a_server_error(self, fields, answers):
        post = {**fields, **dict(zip(self.names, answers, strict=False))}

        with self.captureOnCommitCallbacks(execute=False):
            page = Client().post(f"/q/{self.questionnaire.token}/", post)

        assert page.status_code == 200

    @settings(max_examples=EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        body=st.binary(max_size=2000),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "application/json",
                "text/plain; charset=utf-16",
            ]
        ),
    )
    def test_any_body_gets_a_page_or_a_bad_request_not_a_server_error(self, body, content_type):
        with self.captureOnCommitCallbacks(execute=False):
            page = Client().generic("POST", f"/q/{self.questionnaire.token}/", body, content_type=content_type)

        assert page.status_code in {200, 400}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(token=st.one_of(st.sampled_from(["\x00", "abc\x00def", "..", "%00", " "]), st.text(min_size=1, max_size=80)))
    def test_any_link_token_gets_not_found_not_a_server_error(self, token):
        # A token the site never made, NUL bytes included, is no questionnaire: 404, and before any query when it
        # holds a character no link token has.
        made_here = re.fullmatch(r"[A-Za-z0-9_-]+", token) is not None
        for send in (Client().get, Client().post):
            with self.assertNumQueries(1 if made_here and len(token) <= 64 else 0):
                page = send(f"/q/{urllib.parse.quote(token, safe='')}/")
            assert page.status_code == 404
