"""Editing a review's copy of a questionnaire in the workspace: sections and questions, with their rules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from focusgroups.models import Answer, Question, Questionnaire, Response, Section
from reviews.models import Framework, Theme

from .conftest import add_responses, make_questionnaire, question


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review)


def base(questionnaire) -> str:
    return f"/reviews/{questionnaire.review_id}/focus-groups/questionnaires/{questionnaire.pk}/"


def edit_data(item: Question, **changes) -> dict:
    data = {
        "text": item.text,
        "kind": item.kind,
        "choices": item.choices,
        "theme": item.theme_id or "",
        "core_key": item.core_key,
        "version": item.version,
    }
    if item.safety_check:
        data["safety_check"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def texts(section: Section) -> list[str]:
    return list(section.questions.order_by("order").values_list("text", flat=True))


def test_a_lead_sees_the_sections_and_questions_to_edit(questionnaire, lead_client):
    response = lead_client.get(base(questionnaire) + "edit/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Your work" in body
    assert "My caseload is manageable." in body
    assert body.count("Move up") == 5


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_editor_runs_the_same_number_of_queries_for_a_small_and_a_large_questionnaire(review, lead_client):
    small = make_questionnaire(review, title="Small")
    large = make_questionnaire(review, title="Large")
    theme = review.framework.themes.get(order=1)
    for number in range(2, 6):
        section = Section.objects.create(questionnaire=large, order=number, title=f"Part {number}")
        for order in range(1, 11):
            Question.objects.create(
                section=section, order=order, kind="frequency", text=f"Q{number}.{order}", theme=theme
            )
    add_responses(large, values=[4, 5] * 25)

    assert page_queries(lead_client, base(small) + "edit/") == page_queries(lead_client, base(large) + "edit/")


@pytest.mark.parametrize("client_name", ["peer_client", "contributor_client", "observer_client", "sponsor_client"])
def test_only_questionnaire_managers_may_open_the_editor(questionnaire, client_name, request):
    client = request.getfixturevalue(client_name)

    assert client.get(base(questionnaire) + "edit/").status_code == 403


def test_the_organiser_adds_a_section_at_the_end(questionnaire, organiser_client):
    response = organiser_client.post(base(questionnaire) + "edit/", {"title": "About you"})

    assert response.status_code == 302
    assert list(questionnaire.sections.order_by("order").values_list("order", "title")) == [
        (1, "Your work"),
        (2, "About you"),
    ]


def test_an_empty_section_title_is_refused(questionnaire, lead_client):
    response = lead_client.post(base(questionnaire) + "edit/", {"title": ""})

    assert response.context["form"].errors == {"title": ["Enter the section title"]}
    assert questionnaire.sections.count() == 1


def test_a_section_title_is_changed_and_a_stale_change_refused(questionnaire, lead_client, organiser_client):
    section = questionnaire.sections.get()
    url = base(questionnaire) + f"sections/{section.pk}/"

    first = lead_client.post(url, {"title": "Your working week", "version": 1})
    second = organiser_client.post(url, {"title": "Work", "version": 1})

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [
        "Someone else changed this section after you opened it, so your changes have not been saved. "
        "What is saved now differs from what you sent in: section title. "
        "Open it again to see the latest version, then make your changes."
    ]
    section.refresh_from_db()
    assert (section.title, section.version) == ("Your working week", 2)


def test_a_question_is_added_at_the_end_of_its_section(questionnaire, review, lead_client):
    section = questionnaire.sections.get()
    theme = review.framework.themes.get(order=2)

    response = lead_client.post(
        base(questionnaire) + f"sections/{section.pk}/questions/new/",
        {
            "text": "Which team are you in?",
            "kind": "single",
            "choices": "Front door\r\n\r\n Children in care ",
            "theme": theme.pk,
        },
    )

    assert response.status_code == 302
    added = section.questions.get(text="Which team are you in?")
    assert (added.order, added.kind, added.choices, added.theme, added.version) == (
        7,
        "single",
        "Front door\nChildren in care",
        theme,
        1,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"kind": "single", "choices": ""},
            "choices",
            "Give at least two choices, one a line, for a single or multiple choice question.",
        ),
        (
            {"kind": "multiple", "choices": "Only one"},
            "choices",
            "Give at least two choices, one a line, for a single or multiple choice question.",
        ),
        (
            {"kind": "agree", "choices": "Yes\nNo"},
            "choices",
            "Leave the choices empty: a scale has fixed answers and a free-text question has none.",
        ),
        (
            {"kind": "single", "choices": "Same\nSame"},
            "choices",
            "Each choice must be different: remove the repeated one.",
        ),
        ({"kind": "single", "choices": "x" * 201 + "\nNo"}, "choices", "Keep each choice to 200 characters or fewer."),
        (
            {"kind": "text", "safety_check": "on"},
            "safety_check",
            "Only a scale question can check whether the respondent feels safe.",
        ),
        ({"kind": "sliding"}, "kind", "Select the kind of answer from the choices given"),
        ({"text": ""}, "text", "Enter the question"),
        ({"text": "x" * 501}, "text", "The question must be 500 characters or less"),
        ({"theme": "not-a-number"}, "theme", "Choose one of the themes listed."),
        ({"theme": "999999"}, "theme", "Choose one of the themes listed."),
        (
            {"core_key": "Feel safe!"},
            "core_key",
            "Enter a core key of lower-case letters, numbers and hyphens only, such as feel-safe.",
        ),
    ],
)
def test_bad_question_input_is_refused_with_a_message_and_nothing_saved(
    questionnaire, lead_client, changes, field, message
):
    item = question(questionnaire, Question.Kind.AGREE)
    before = list(
        Question.objects.values_list("pk", "text", "kind", "choices", "theme", "core_key", "safety_check", "version")
    )

    response = lead_client.post(base(questionnaire) + f"questions/{item.pk}/", edit_data(item, **changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert (
        list(
            Question.objects.values_list(
                "pk", "text", "kind", "choices", "theme", "core_key", "safety_check", "version"
            )
        )
        == before
    )


def test_a_theme_of_another_framework_is_refused(questionnaire, lead_client):
    other = Framework.objects.create(name="Another framework", version="2099")
    foreign = Theme.objects.create(framework=other, order=1, name="Foreign theme")
    item = question(questionnaire, Question.Kind.AGREE)

    response = lead_client.post(base(questionnaire) + f"questions/{item.pk}/", edit_data(item, theme=foreign.pk))

    assert response.context["form"].errors["theme"] == ["Choose a theme of this review's framework."]
    item.refresh_from_db()
    assert item.theme != foreign


def test_a_question_is_reworded_and_its_version_raised(questionnaire, lead_client):
    item = question(questionnaire, Question.Kind.AGREE)

    response = lead_client.post(
        base(questionnaire) + f"questions/{item.pk}/", edit_data(item, text="My caseload lets me do good work.")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.version, item.safety_check) == ("My caseload lets me do good work.", 2, True)


def test_the_second_of_two_people_editing_a_question_is_refused(questionnaire, lead_client, organiser_client):
    item = question(questionnaire, Question.Kind.SINGLE)
    url = base(questionnaire) + f"questions/{item.pk}/"

    first = lead_client.post(url, edit_data(item, text="How long have you worked in this council?"))
    second = organiser_client.post(url, edit_data(item, choices="Under a year\nOver a year"))

    assert first.status_code == 302
    assert second.status_code == 200
    assert (
        "What is saved now differs from what you sent in: question, choices"
        in (second.context["form"].non_field_errors()[0])
    )
    item.refresh_from_db()
    assert (item.text, item.choices, item.version) == (
        "How long have you worked in this council?",
        "Less than a year\nMore than a year",
        2,
    )


def test_once_answered_the_kind_and_choices_are_fixed_but_the_wording_may_change(questionnaire, lead_client):
    add_responses(questionnaire, values=[4])
    item = question(questionnaire, Question.Kind.SINGLE)
    url = base(questionnaire) + f"questions/{item.pk}/"

    new_kind = lead_client.post(url, edit_data(item, kind="multiple"))
    new_choices = lead_client.post(url, edit_data(item, choices="Less than a year\nOne to five years\nLonger"))
    reworded = lead_client.post(url, edit_data(item, text="How long have you worked for the council?"))

    refusal = (
        "This questionnaire has responses, so the kind of answer and the choices of its questions cannot change: "
        "the answers already given would no longer match. You may still change the wording, the theme and the "
        "core key, or add a new question."
    )
    assert new_kind.context["form"].non_field_errors() == [refusal]
    assert new_choices.context["form"].non_field_errors() == [refusal]
    assert "cannot change" in new_kind.content.decode()
    assert reworded.status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.choices, item.text) == (
        "single",
        "Less than a year\nMore than a year",
        "How long have you worked for the council?",
    )


def test_a_new_question_may_be_added_after_responses(questionnaire, lead_client):
    add_responses(questionnaire, values=[4])
    section = questionnaire.sections.get()

    response = lead_client.post(
        base(questionnaire) + f"sections/{section.pk}/questions/new/", {"text": "Anything else?", "kind": "text"}
    )

    assert response.status_code == 302
    assert section.questions.filter(text="Anything else?").exists()


def test_core_questions_shared_between_age_bands_must_keep_the_same_kind(review, lead_client):
    younger = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    older = make_questionnaire(review, title="Children 11 to 17", audience="children", age_band="11-17")
    Question.objects.filter(section__questionnaire__in=[younger, older], kind="agree").update(core_key="feel-safe")
    item = question(older, Question.Kind.FREQUENCY)

    clash = lead_client.post(base(older) + f"questions/{item.pk}/", edit_data(item, core_key="feel-safe"))
    shared = question(older, Question.Kind.AGREE)
    changed = lead_client.post(base(older) + f"questions/{shared.pk}/", edit_data(shared, kind="frequency"))

    assert clash.context["form"].errors["core_key"] == [
        "Another question of this questionnaire has this core key: give a different one."
    ]
    assert changed.context["form"].errors["core_key"] == [
        "“My caseload is manageable.” in “Children 8 to 11” has this core key with a different kind of answer or "
        "different choices. Questions that share a core key must match so that their results compare: match them, "
        "or clear the core key."
    ]
    shared.refresh_from_db()
    assert shared.kind == "agree"


def test_questions_move_up_and_down_and_not_past_the_ends(questionnaire, lead_client):
    section = questionnaire.sections.get()
    first = question(questionnaire, Question.Kind.AGREE)
    second = question(questionnaire, Question.Kind.FREQUENCY)

    down = lead_client.post(base(questionnaire) + f"questions/{first.pk}/move/", {"direction": "down"})
    past_top = lead_client.post(base(questionnaire) + f"questions/{second.pk}/move/", {"direction": "up"}, follow=True)
    nonsense = lead_client.post(
        base(questionnaire) + f"questions/{first.pk}/move/", {"direction": "sideways"}, follow=True
    )

    assert down.status_code == 302
    assert texts(section)[:2] == ["I am treated with respect.", "My caseload is manageable."]
    assert "“I am treated with respect.” is already the first in its section." in past_top.content.decode()
    assert "Choose to move the question up or down." in nonsense.content.decode()
    assert sorted(section.questions.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_sections_move_up_and_down(questionnaire, lead_client):
    Section.objects.create(questionnaire=questionnaire, order=2, title="About you")
    about = questionnaire.sections.get(title="About you")

    response = lead_client.post(base(questionnaire) + f"sections/{about.pk}/move/", {"direction": "up"})

    assert response.status_code == 302
    assert list(questionnaire.sections.order_by("order").values_list("title", flat=True)) == ["About you", "Your work"]


def test_an_unanswered_question_is_removed(questionnaire, lead_client):
    item = question(questionnaire, Question.Kind.SCORE)

    response = lead_client.post(base(questionnaire) + f"questions/{item.pk}/remove/", {"version": 1})

    assert response.status_code == 302
    assert not Question.objects.filter(pk=item.pk).exists()


def test_an_answered_question_or_its_section_cannot_be_removed(questionnaire, lead_client):
    add_responses(questionnaire, values=[4])
    item = question(questionnaire, Question.Kind.AGREE)
    section = questionnaire.sections.get()

    removed_question = lead_client.post(
        base(questionnaire) + f"questions/{item.pk}/remove/", {"version": 1}, follow=True
    )
    removed_section = lead_client.post(
        base(questionnaire) + f"sections/{section.pk}/remove/", {"version": 1}, follow=True
    )

    assert "has been answered, so it cannot be removed" in removed_question.content.decode()
    assert "has questions that people have answered, so it cannot be removed" in removed_section.content.decode()
    assert Question.objects.filter(section=section).count() == 6
    assert Answer.objects.count() == 1


def test_a_stale_remove_is_refused(questionnaire, lead_client):
    item = question(questionnaire, Question.Kind.SCORE)
    Question.objects.filter(pk=item.pk).update(version=2)

    response = lead_client.post(base(questionnaire) + f"questions/{item.pk}/remove/", {"version": 1}, follow=True)

    assert "was changed after you opened this page, so it was not removed" in response.content.decode()
    assert Question.objects.filter(pk=item.pk).exists()


def test_an_empty_section_is_removed_with_its_questions(questionnaire, lead_client):
    section = questionnaire.sections.get()

    response = lead_client.post(base(questionnaire) + f"sections/{section.pk}/remove/", {"version": 1})

    assert response.status_code == 302
    assert (Section.objects.count(), Question.objects.count()) == (0, 0)


def test_questions_and_sections_of_another_review_are_404(questionnaire, other_review, lead_client):
    foreign = make_questionnaire(other_review, title="Foreign")
    foreign_question = question(foreign, Question.Kind.AGREE)
    foreign_section = foreign.sections.get()
    urls = [
        (base(questionnaire) + f"questions/{foreign_question.pk}/", edit_data(foreign_question, text="Taken")),
        (base(questionnaire) + f"questions/{foreign_question.pk}/move/", {"direction": "down"}),
        (base(questionnaire) + f"questions/{foreign_question.pk}/remove/", {"version": 1}),
        (base(questionnaire) + f"sections/{foreign_section.pk}/", {"title": "Taken", "version": 1}),
        (base(questionnaire) + f"sections/{foreign_section.pk}/move/", {"direction": "down"}),
        (base(questionnaire) + f"sections/{foreign_section.pk}/remove/", {"version": 1}),
        (base(questionnaire) + f"sections/{foreign_section.pk}/questions/new/", {"text": "Taken", "kind": "text"}),
        (base(foreign) + "edit/", {"title": "Taken"}),
    ]

    statuses = [lead_client.post(url, data).status_code for url, data in urls]

    assert statuses == [404] * len(urls)
    assert foreign_question.__class__.objects.get(pk=foreign_question.pk).text == "My caseload is manageable."
    assert list(foreign.sections.values_list("title", flat=True)) == ["Your work"]
    assert Question.objects.filter(section=foreign_section).count() == 6


def test_an_observer_cannot_change_the_questionnaire(questionnaire, observer_client):
    item = question(questionnaire, Question.Kind.AGREE)

    edited = observer_client.post(base(questionnaire) + f"questions/{item.pk}/", edit_data(item, text="Changed"))
    removed = observer_client.post(base(questionnaire) + f"questions/{item.pk}/remove/", {"version": 1})

    assert (edited.status_code, removed.status_code) == (403, 403)
    assert Question.objects.get(pk=item.pk).text == "My caseload is manageable."


def test_the_library_entry_is_untouched_by_edits_to_the_copy(review, lead_client):
    from focusgroups.library import ensure_library

    library = ensure_library()[0]
    copy = library.copy_to(review)
    item = Question.objects.filter(section__questionnaire=copy).order_by("section__order", "order").first()
    original = Question.objects.get(section__questionnaire=library, section__order=item.section.order, order=item.order)

    lead_client.post(base(copy) + f"questions/{item.pk}/", edit_data(item, text="Reworded for Northmoor"))

    assert Question.objects.get(pk=item.pk).text == "Reworded for Northmoor"
    assert Question.objects.get(pk=original.pk).text == original.text
    assert Questionnaire.objects.filter(review__isnull=True).count() >= 1
    assert Response.objects.count() == 0
