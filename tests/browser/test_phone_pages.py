"""Voting and children's questionnaires on a phone: GOV.UK inputs at least 44 px tall with the GOV.UK focus style,
and the faces beside children's answers hidden from screen readers, which read the answer's words."""

import pytest
from playwright.sync_api import expect

from conference import services as conference_services
from focusgroups.models import Audience

from ..conference.factories import CandidateFactory, RoundFactory
from ..factories import ReviewFactory
from ..focusgroups.conftest import make_questionnaire
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}
GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_vote_inputs_are_gov_uk_inputs_big_enough_to_tap(live_server, phone):
    review = ReviewFactory()
    round_ = RoundFactory(review=review)
    CandidateFactory(round=round_, title="Make the front door consistent")
    CandidateFactory(round=round_, title="Put the child's voice in every plan")
    [(_, code)] = conference_services.issue_cards(round_=round_, count=1)

    phone.goto(f"{live_server.url}/vote/ballot/{code}/")
    box = phone.get_by_label("Make the front door consistent")

    expect(box).to_have_class("govuk-input govuk-input--width-3")
    expect(box).to_have_attribute("inputmode", "numeric")
    size = box.bounding_box()
    assert size["height"] >= 44
    assert size["width"] >= 44
    box.focus()
    assert box.evaluate("element => getComputedStyle(element).outlineColor") == GOVUK_FOCUS_YELLOW
    assert box.evaluate("element => getComputedStyle(element).boxShadow").startswith("rgb(11, 12, 12)")
    assert phone.get_by_role("button", name="Send my vote").bounding_box()["height"] >= 44
    assert_accessible(phone)

    box.fill("6")
    phone.get_by_label("Put the child's voice in every plan").fill("4")
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.get_by_role("heading", name="Your vote has been counted")).to_be_visible()


def test_the_code_box_on_the_join_page_is_big_enough_to_tap(live_server, phone):
    phone.goto(f"{live_server.url}/vote/")

    assert phone.get_by_label("Ballot code").bounding_box()["height"] >= 44
    assert phone.get_by_role("button").last.bounding_box()["height"] >= 44


def test_childrens_answers_read_their_words_not_their_faces(live_server, phone):
    questionnaire = make_questionnaire(
        ReviewFactory(), title="Children 8 to 11", audience=Audience.CHILDREN, age_band="8-11", simple_pages=True
    )

    phone.goto(f"{live_server.url}/q/{questionnaire.token}/")

    expect(phone.get_by_role("radio", name="Strongly agree", exact=True).first).to_be_attached()
    face = phone.locator(".govuk-radios__label span[aria-hidden='true']").first
    expect(face).to_have_text("😀")
    for label in phone.locator(".govuk-radios__label").all():
        assert label.bounding_box()["height"] >= 44
    assert phone.get_by_role("button", name="Send my answers").bounding_box()["height"] >= 44
    assert_accessible(phone)
