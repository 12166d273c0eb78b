"""A child answers on a phone; a peer codes a focus-group passage; the safeguarding lead retries a failed alert
email. Real Chromium, axe on each page."""

import datetime

import pytest
from playwright.sync_api import expect

from focusgroups.models import Coding, Question, QuestionnaireSettings, Response, SafeguardingAlert, Segment
from reviews.models import Role

from ..factories import MembershipFactory, PartnerFactory, ReviewFactory, UserFactory
from ..focusgroups.conftest import make_code, make_group, make_questionnaire
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def stage_review():
    return ReviewFactory(
        title="Testshire children's safeguarding peer review 2026", onsite_start=datetime.date(2026, 12, 7)
    )


def test_a_child_completes_the_questionnaire_on_a_phone(live_server, browser, stage_review):
    questionnaire = make_questionnaire(
        stage_review, title="Your views", audience="children", age_band="8-11", simple_pages=True, ask_segment=False
    )
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()

    page.goto(f"{live_server.url}/q/{questionnaire.token}/")
    expect(page.get_by_role("heading", name="Your views")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("group", name="My caseload is manageable.").get_by_label("Strongly disagree").check()
    page.get_by_label("What would you change?").fill("More time with my social worker")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_role("heading", name="Who you can talk to")).to_be_visible()
    assert_accessible(page)
    context.close()
    assert Response.objects.count() == 1
    assert SafeguardingAlert.objects.count() == 1


def test_peer_codes_a_focus_group_passage(live_server, page, stage_review):
    peer = UserFactory(username="peer", first_name="Priya", last_name="Okafor")
    MembershipFactory(review=stage_review, user=peer, role=Role.PEER)
    group = make_group(stage_review, notes="Caseloads are high. Supervision is regular.\nManagers are visible.")
    make_code(stage_review, "Supervision")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("peer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{group.get_absolute_url()}")
    expect(page.get_by_role("heading", name=group.title)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Supervision is regular.").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Code the passages").press("Enter")

    expect(page.get_by_role("cell", name="“Supervision is regular.”")).to_be_visible()
    assert_accessible(page)
    coding = Coding.objects.get()
    assert (coding.start, coding.end, coding.coder.username) == (20, 43, "peer")


def test_a_lead_edits_the_questionnaire_with_the_keyboard(live_server, page, stage_review):
    lead = UserFactory(username="lead", first_name="Lena", last_name="Marsh")
    MembershipFactory(review=stage_review, user=lead, role=Role.LEAD)
    questionnaire = make_questionnaire(stage_review, title="Staff views")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{questionnaire.get_absolute_url()}")
    page.get_by_role("link", name="Edit the questions").click()
    expect(page.get_by_role("heading", name="Edit the questions")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Move down question: My caseload is manageable.").press("Enter")
    expect(page.locator("tbody tr").first.get_by_role("cell").first).to_have_text("I am treated with respect.")
    page.get_by_role("link", name="Change question: How long have you worked here?").press("Enter")
    expect(page.get_by_role("heading", name="Change a question")).to_be_visible()
    page.get_by_label("Choices (single and multiple choice only)").fill("")
    page.get_by_role("button", name="Save question").press("Enter")
    expect(page.get_by_role("link", name="Give at least two choices")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choices (single and multiple choice only)").fill("Under a year\nOne to five years\nLonger")
    page.get_by_role("button", name="Save question").press("Enter")

    expect(page.get_by_text("Question saved.")).to_be_visible()
    assert_accessible(page)
    texts = list(
        Question.objects.filter(section__questionnaire=questionnaire).order_by("order").values_list("text", flat=True)
    )
    assert texts[:2] == ["I am treated with respect.", "My caseload is manageable."]
    changed = Question.objects.get(section__questionnaire=questionnaire, kind="single")
    assert changed.choices == "Under a year\nOne to five years\nLonger"


def test_a_lead_links_a_segment_to_a_partner_agency_with_the_keyboard(live_server, page, stage_review):
    lead = UserFactory(username="lead", first_name="Lena", last_name="Marsh")
    MembershipFactory(review=stage_review, user=lead, role=Role.LEAD)
    police = PartnerFactory(council=stage_review.council, name="Testshire Police")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reviews/{stage_review.pk}/focus-groups/segments/")
    expect(page.get_by_role("heading", name="Segments and response rates")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Agency or team").fill("Response officers")
    page.get_by_label("Partner agency (optional)").select_option(label="Testshire Police")
    page.get_by_role("button", name="Add segment").press("Enter")

    expect(page.get_by_role("cell", name="Testshire Police")).to_be_visible()
    assert_accessible(page)
    assert Segment.objects.get(review=stage_review).partner == police

    page.get_by_role("link", name="Response officers (change)").press("Enter")
    expect(page.get_by_role("heading", name="Change the segment Response officers")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How many could answer (optional)").fill("40")
    page.get_by_role("button", name="Save segment").press("Enter")

    expect(page.get_by_text("Segment “Response officers” saved.")).to_be_visible()
    assert Segment.objects.get(review=stage_review).expected == 40


def test_the_safeguarding_lead_tries_the_failed_alert_email_again_with_the_keyboard(live_server, page, stage_review):
    lead = UserFactory(username="lead", first_name="Lena", last_name="Marsh", email="lena.marsh@testshire.example")
    MembershipFactory(review=stage_review, user=lead, role=Role.LEAD)
    QuestionnaireSettings.objects.create(review=stage_review, safeguarding_lead=lead)
    questionnaire = make_questionnaire(stage_review, title="Your views", audience="children", age_band="8-11")
    alert = SafeguardingAlert.objects.create(
        review=stage_review,
        response=Response.objects.create(questionnaire=questionnaire),
        reason="Answered “Strongly disagree” to “My caseload is manageable.”.",
        email_attempts=1,
        email_error="The email could not be sent: ConnectionRefusedError: [Errno 111] Connection refused",
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{alert.get_absolute_url()}")
    expect(page.get_by_text("The email to the safeguarding lead was not sent.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Try sending the email again").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("The email to the safeguarding lead will be sent again in a moment.")).to_be_visible()
    expect(page.get_by_role("button", name="Try sending the email again")).to_have_count(0)
    assert_accessible(page)
    alert.refresh_from_db()
    assert (alert.email_error, alert.email_attempts) == ("", 1 if alert.email_sent_at is None else 2)
