import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from focusgroups.models import Answer, Question, Response

from .conftest import make_questionnaire, make_segment, question


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review)


def url(questionnaire) -> str:
    return f"/q/{questionnaire.token}/"


def test_anyone_can_open_an_open_questionnaire_without_logging_in(questionnaire):
    response = Client().get(url(questionnaire))

    assert response.status_code == 200
    assert "My caseload is manageable." in response.content.decode()


def test_an_unknown_link_is_404(db):
    response = Client().get("/q/no-such-token/")

    assert response.status_code == 404


def test_sending_no_answer_at_all_stores_nothing_and_asks_for_one(questionnaire):
    segment = make_segment(questionnaire.review)
    questionnaire.ask_segment = True
    questionnaire.save()

    # Blank text and a chosen team are still no answer to any question.
    texts = Question.objects.filter(section__questionnaire=questionnaire, kind=Question.Kind.TEXT)
    assert texts.exists()
    blank = {f"q{q.pk}": "   " for q in texts}
    for sent in ({}, blank, {"segment": segment.pk}):
        response = Client().post(url(questionnaire), sent)

        assert response.status_code == 200
        assert "Answer at least one question, then send your answers." in response.content.decode()
    assert Response.objects.filter(questionnaire=questionnaire).count() == 0


def test_a_closed_link_says_so_clearly(questionnaire):
    questionnaire.closes_on = datetime.date(2001, 1, 1)
    questionnaire.save()

    response = Client().get(url(questionnaire))

    assert response.status_code == 410
    assert "is not taking answers. It closed on 1 January 2001" in response.content.decode()


def test_a_link_not_yet_open_says_when_it_opens(questionnaire):
    questionnaire.opens_on = datetime.date(2999, 1, 1)
    questionnaire.save()

    response = Client().post(url(questionnaire), {})

    assert response.status_code == 410
    assert "It opens on 1 January 2999" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_response_is_stored_with_each_kind_of_answer(questionnaire):
    data = {
        f"q{question(questionnaire, Question.Kind.AGREE).pk}": "4",
        f"q{question(questionnaire, Question.Kind.FREQUENCY).pk}": "3",
        f"q{question(questionnaire, Question.Kind.SCORE).pk}": "10",
        f"q{question(questionnaire, Question.Kind.SINGLE).pk}": "More than a year",
        f"q{question(questionnaire, Question.Kind.MULTIPLE).pk}": ["Strategy", "Core group"],
        f"q{question(questionnaire, Question.Kind.TEXT).pk}": "More time with children.",
    }

    response = Client().post(url(questionnaire), data)

    assert response.status_code == 200
    assert "Your answers have been sent." in response.content.decode()
    stored = Response.objects.get()
    assert stored.mode == Response.Mode.ONLINE
    assert sorted(stored.answers.values_list("question__kind", "value", "choice", "text")) == [
        ("agree", 4, "", ""),
        ("frequency", 3, "", ""),
        ("multiple", None, "Core group", ""),
        ("multiple", None, "Strategy", ""),
        ("score", 10, "", ""),
        ("single", None, "More than a year", ""),
        ("text", None, "", "More time with children."),
    ]


def test_a_response_has_no_path_to_a_person_an_address_or_a_link():
    response_fields = {field.name for field in Response._meta.get_fields()}
    answer_fields = {field.name for field in Answer._meta.get_fields()}
    user_model = get_user_model()

    assert response_fields == {"id", "questionnaire", "segment", "mode", "submitted_on", "answers", "alerts"}
    assert answer_fields == {"id", "response", "question", "value", "choice", "text", "codings"}
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            assert field.related_model is not user_model
            assert "ip" not in field.name and "token" not in field.name and "address" not in field.name
    assert Response._meta.get_field("submitted_on").get_internal_type() == "DateField"


@pytest.mark.parametrize("value", ["9", "-1", "abc", "4.5"])
def test_an_answer_outside_the_scale_is_refused_and_nothing_is_saved(questionnaire, value):
    field = f"q{question(questionnaire, Question.Kind.AGREE).pk}"

    response = Client().post(url(questionnaire), {field: value})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["Choose one of the answers given."]}
    assert f'href="#id_{field}' in response.content.decode()
    assert Response.objects.count() == 0


def test_a_choice_not_offered_is_refused(questionnaire):
    field = f"q{question(questionnaire, Question.Kind.MULTIPLE).pk}"

    response = Client().post(url(questionnaire), {field: ["Strategy", "Something else"]})

    assert response.context["form"].errors == {field: ["Choose one of the answers given."]}
    assert Response.objects.count() == 0


def test_an_oversized_free_text_answer_is_refused(questionnaire):
    field = f"q{question(questionnaire, Question.Kind.TEXT).pk}"

    response = Client().post(url(questionnaire), {field: "x" * 2001})

    assert response.context["form"].errors == {field: ["Keep your answer to 2000 characters or fewer."]}
    assert Response.objects.count() == 0


def test_a_segment_of_another_review_is_refused(questionnaire, other_review, review):
    make_segment(review, "Police")
    elsewhere = make_segment(other_review, "Health")

    response = Client().post(url(questionnaire), {"segment": elsewhere.pk})

    assert response.context["form"].errors == {"segment": ["Choose one of the agencies or teams listed."]}
    assert Response.objects.count() == 0


def test_the_chosen_segment_is_kept(questionnaire, review):
    police = make_segment(review, "Police")

    Client().post(
        url(questionnaire), {"segment": police.pk, f"q{question(questionnaire, Question.Kind.AGREE).pk}": "5"}
    )

    assert Response.objects.get().segment == police


def test_a_second_answer_from_the_same_browser_is_noticed_and_needs_confirming(questionnaire):
    browser = Client()
    field = f"q{question(questionnaire, Question.Kind.AGREE).pk}"
    browser.post(url(questionnaire), {field: "4"})

    page = browser.get(url(questionnaire))
    refused = browser.post(url(questionnaire), {field: "2"})
    accepted = browser.post(url(questionnaire), {field: "2", "again": "on"})

    assert "Answers have already been sent from this browser." in page.content.decode()
    assert refused.context["form"].errors == {
        "again": ["This browser has sent an answer already. Tick the box if this is another answer."]
    }
    assert accepted.status_code == 200
    assert Response.objects.count() == 2


def test_the_anonymous_form_needs_its_csrf_token(questionnaire):
    client = Client(enforce_csrf_checks=True)

    response = client.post(url(questionnaire), {})

    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_answers_sent_without_the_cookie_the_check_needs_are_shown_again_not_lost_and_go_on_the_next_press(
    questionnaire,
):
    """A browser that dropped the security cookie (or a page left open past a sign-in in another tab): what was
    written comes back, not sent, with a fresh token, and the next press sends it."""
    text = Question.objects.get(section__questionnaire=questionnaire, kind=Question.Kind.TEXT)
    written = "I am scared to go home because of what happens there"
    client = Client(enforce_csrf_checks=True)

    refused = client.post(url(questionnaire), {f"q{text.pk}": written, "csrfmiddlewaretoken": "stale" * 8})

    page = refused.content.decode()
    assert refused.status_code == 403
    assert Response.objects.count() == 0
    assert "Your answers have not been sent yet: this page was open for a long time" in page
    assert written in page  # in the text box, as written
    assert "CSRF" not in page and "DEBUG" not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.cookies["csrftoken"].value  # a fresh cookie came with the page

    sent = client.post(url(questionnaire), {f"q{text.pk}": written, "csrfmiddlewaretoken": token})

    assert sent.status_code == 200
    assert "Your answers have been sent." in sent.content.decode()
    assert Answer.objects.get(question=text).text == written


def test_a_failed_check_on_a_closed_questionnaire_says_it_is_closed(questionnaire):
    questionnaire.closes_on = datetime.date(2001, 1, 1)
    questionnaire.save()

    response = Client(enforce_csrf_checks=True).post(url(questionnaire), {})

    assert response.status_code == 410
    assert Response.objects.count() == 0


def test_a_failed_check_on_a_link_this_site_never_made_is_404(db):
    assert Client(enforce_csrf_checks=True).post("/q/no-such-token/", {}).status_code == 404


def test_childrens_pages_are_simple_with_faces(review):
    questionnaire = make_questionnaire(
        review, title="Children 8 to 11", audience="children", age_band="8-11", simple_pages=True
    )

    response = Client().get(url(questionnaire))

    body = response.content.decode()
    assert "app-simple" in body
    assert '<span aria-hidden="true">😢</span> Strongly disagree' in body
    assert "Nobody will know which answers are yours." in body


def test_organiser_keys_in_a_paper_return_recording_how_it_was_given(questionnaire, organiser_client):
    field = f"q{question(questionnaire, Question.Kind.AGREE).pk}"

    response = organiser_client.post(
        f"/reviews/{questionnaire.review_id}/focus-groups/questionnaires/{questionnaire.pk}/paper/",
        {"mode": "paper", field: "3"},
    )

    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.mode == Response.Mode.PAPER
    assert list(stored.answers.values_list("value", flat=True)) == [3]


def test_keying_in_needs_to_say_how_the_response_was_given(questionnaire, organiser_client):
    response = organiser_client.post(
        f"/reviews/{questionnaire.review_id}/focus-groups/questionnaires/{questionnaire.pk}/paper/", {"mode": "email"}
    )

    assert "mode" in response.context["form"].errors
    assert Response.objects.count() == 0


@pytest.mark.parametrize("client_name", ["observer_client", "contributor_client", "sponsor_client"])
def test_roles_that_may_not_key_in_get_403(questionnaire, client_name, request):
    client = request.getfixturevalue(client_name)

    response = client.post(
        f"/reviews/{questionnaire.review_id}/focus-groups/questionnaires/{questionnaire.pk}/paper/", {"mode": "paper"}
    )

    assert response.status_code == 403
    assert Response.objects.count() == 0
