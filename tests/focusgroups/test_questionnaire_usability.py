"""Questionnaires and focus groups as people meet them: the codebook ready from the review's framework, segments
asked only of staff and partners, free text under its question, a warm public layout, labels not raw values,
and the dates of a copied questionnaire offered at once."""

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from focusgroups.library import ensure_library
from focusgroups.models import Answer, Code, Question, Questionnaire, Response, SafeguardingAlert
from reviews import scope

from .conftest import make_group, make_questionnaire, question


@pytest.fixture
def library():
    return {questionnaire.title: questionnaire for questionnaire in ensure_library()}


def copy_of(library, title, review):
    return library[title].copy_to(review)


# The codebook


def test_a_new_reviews_codebook_holds_its_themes_scope_areas_focus_areas_and_circumstances(review, peer_client):
    response = peer_client.get(reverse("focusgroups:codes", args=[review.pk]))
    peer_client.get(reverse("focusgroups:codes", args=[review.pk]))  # a second visit makes nothing new

    themes = list(review.framework.themes.order_by("order").values_list("name", flat=True))
    areas = list(scope.scope_areas(review).values_list("title", flat=True))
    focus = list(scope.focus_areas(review).values_list("title", flat=True))
    names = set(Code.objects.filter(review=review).values_list("name", flat=True))
    assert response.status_code == 200
    assert names == {*themes, *areas, *focus}
    assert Code.objects.filter(review=review).count() == len(themes) + len(areas) + len(focus)
    assert Code.objects.filter(review=review, scope_area__isnull=False).count() == len(areas)
    assert "No codes yet." not in response.content.decode()


def test_a_kept_codebook_is_not_checked_again_until_the_scope_changes_through_the_site(
    review, lead_client, peer_client, settings
):
    settings.DERIVED_FIGURES_SECONDS = 900
    codes_url = reverse("focusgroups:codes", args=[review.pk])

    def codebook_checked() -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert peer_client.get(codes_url).status_code == 200
        return any(query["sql"].startswith('SELECT "focusgroups_code"."theme_id"') for query in queries)

    assert codebook_checked()
    assert not codebook_checked()

    in_scope = [area.pk for area in scope.framework_scope_areas(review)]
    answers = {
        "scope_areas": in_scope,
        "focus_areas": [area.pk for area in scope.focus_areas(review) if area.kind == "focus"],
        "circumstances": [area.pk for area in scope.focus_areas(review) if area.kind == "circumstance"],
        "local_scope_items": "Children placed out of the area\n",
        "local_lines_of_enquiry": "",
        "version": review.version,
    }
    saved = lead_client.post(reverse("reviews:scope", args=[review.pk]), answers)
    assert saved.status_code == 302

    assert codebook_checked()
    listed = peer_client.get(codes_url).content.decode()
    assert Code.objects.filter(review=review, name="Children placed out of the area", scope_area__isnull=False).exists()
    assert "Children placed out of the area" in listed


def test_a_scope_area_the_review_leaves_out_gets_no_code(review, peer_client):
    left_out = scope.scope_areas(review).first()
    review.excluded_scope_areas.add(left_out)

    peer_client.get(reverse("focusgroups:codes", args=[review.pk]))

    assert not Code.objects.filter(review=review, scope_area=left_out).exists()


def test_the_coding_control_offers_the_codebook_with_a_hint(review, peer_client):
    group = make_group(review)

    page = peer_client.get(group.get_absolute_url())

    choices = [label for value, label in page.context["form"].fields["code"].choices if value]
    assert review.framework.themes.get(order=1).name in choices
    assert "Add a code of your own in the codebook." in page.content.decode()


def test_a_new_code_can_be_linked_to_a_scope_area_of_the_review(review, peer_client):
    area = scope.scope_areas(review).first()

    response = peer_client.post(
        reverse("focusgroups:codes", args=[review.pk]), {"name": "Front door delays", "link": f"scope_area-{area.pk}"}
    )

    assert response.status_code == 302
    assert Code.objects.get(review=review, name="Front door delays").scope_area == area


@pytest.mark.parametrize("link", ["scope_area-999999", "theme-abc", "nonsense"])
def test_a_link_that_is_not_the_reviews_is_a_clear_error_and_nothing_is_saved(link, review, peer_client):
    response = peer_client.post(reverse("focusgroups:codes", args=[review.pk]), {"name": "Odd", "link": link})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "link": ["Choose a theme, scope area, focus area or circumstance of this review."]
    }
    assert not Code.objects.filter(name="Odd").exists()


# Segments per questionnaire


def test_children_and_young_people_are_not_asked_their_agency_or_team(review, library):
    young = copy_of(library, "Young people's questionnaire (11 to 17)", review)
    staff = copy_of(library, "Staff health check", review) if "Staff health check" in library else None
    young.opens_on = datetime.date(2000, 1, 1)
    young.save()
    from focusgroups.models import Segment

    Segment.objects.create(review=review, name="Health")

    page = Client().get(young.public_url()).content.decode()

    assert young.ask_segment is False
    assert "Which agency or team are you in?" not in page
    assert all(q.ask_segment == (q.audience in {"staff", "partners"}) for q in library.values()), (
        "the library asks staff and partners only"
    )
    assert staff is None or staff.ask_segment is True


def test_the_database_refuses_to_ask_children_their_segment(review):
    with pytest.raises(IntegrityError):
        make_questionnaire(review, title="Kids", audience="children", age_band="8-11", ask_segment=True)


def test_the_dates_form_of_a_childrens_questionnaire_does_not_offer_the_segment_question(review, lead_client):
    children = make_questionnaire(review, title="Kids", audience="children", age_band="8-11")

    page = lead_client.get(children.get_absolute_url())

    assert "ask_segment" not in page.context["form"].fields


# Free-text answers


def test_free_text_answers_sit_under_their_question_shown_once(review, lead_client):
    questionnaire = make_questionnaire(review)
    free = question(questionnaire, Question.Kind.TEXT)
    for number in range(10):
        response = Response.objects.create(questionnaire=questionnaire)
        Answer.objects.create(response=response, question=free, text=f"Answer number {number}")

    page = lead_client.get(questionnaire.get_absolute_url()).content.decode()

    assert page.count("What would you change?") == 1
    assert '<h4 class="govuk-heading-s">What would you change?</h4>' in page
    assert '<p class="govuk-body app-pre-wrap">Answer number 3</p>' in page
    assert "What would you change?</span>Answer" not in page


# Public pages


def test_public_pages_have_their_own_plain_layout_without_the_staff_banner(review, library):
    young = copy_of(library, "Young people's questionnaire (11 to 17)", review)
    young.opens_on = datetime.date(2000, 1, 1)
    young.save()
    closed = make_questionnaire(review, title="Closed one", closes_on=datetime.date(2001, 1, 1))

    pages = [Client().get(young.public_url()).content.decode(), Client().get(closed.public_url()).content.decode()]

    for page in pages:
        assert "special-category data" not in page
        assert "Sign out" not in page
        assert "Safeguarding peer review" not in page
        assert "Childline" in page


def test_the_young_peoples_introduction_says_each_thing_once(review, library):
    young = copy_of(library, "Young people's questionnaire (11 to 17)", review)
    young.introduction = "Tell us what it is like for you. Nobody will know which answers are yours."
    young.opens_on = datetime.date(2000, 1, 1)
    young.save()

    page = Client().get(young.public_url()).content.decode()

    assert page.count("Nobody will know which answers are yours.") == 1
    assert "You do not have to answer every question." in page


def test_a_questionnaire_not_open_yet_says_when_it_opens_not_that_it_closed(review):
    later = make_questionnaire(review, title="Later", closes_on=datetime.date(2099, 2, 1))
    later.opens_on = datetime.date(2099, 1, 1)
    later.save()

    page = Client().get(later.public_url()).content.decode()

    assert "It opens on 1 January 2099." in page
    assert "closed on" not in page


# The alert page


def test_the_alert_page_shows_the_scale_label_not_its_stored_value(review, lead, lead_client):
    from focusgroups.models import QuestionnaireSettings

    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    safe = question(questionnaire, Question.Kind.AGREE)
    Client().post(f"/q/{questionnaire.token}/", {f"q{safe.pk}": "1"})

    page = lead_client.get(SafeguardingAlert.objects.get().get_absolute_url()).content.decode()

    assert "Strongly disagree" in page
    assert f"{safe.text}</dt><dd" in page
    assert '<dd class="govuk-summary-list__value app-pre-wrap">1</dd>' not in page


# A copied questionnaire


def test_a_copied_questionnaire_says_it_is_closed_and_offers_its_dates_at_once(review, library, lead_client):
    response = lead_client.post(
        reverse("focusgroups:questionnaire_copy", args=[review.pk]),
        {"questionnaire": library["Parents' and carers' questionnaire"].pk},
    )
    copy = Questionnaire.objects.get(review=review)
    page = lead_client.get(copy.get_absolute_url()).content.decode()

    assert response.url == copy.get_absolute_url() + "#dates"
    assert "It is closed until you set the date it opens, below." in page
    assert "This questionnaire is closed to everyone until you set the date it opens." in page
    assert "Change the dates</span></summary>" not in page
    assert 'name="opens_on"' in page
