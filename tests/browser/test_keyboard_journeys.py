"""Eight journeys finished with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7), with axe at each step.

No clicks and no filling: focus moves with Tab and Shift+Tab (checking that the focused element shows it),
radios with the arrow keys, checkboxes with Space, links and buttons with Enter, text by typing. Each journey
ends by checking what it saved.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from audits.models import Validation
from casemapping.models import Event
from conference import services as conference_services
from conference.models import Ballot
from focusgroups.models import Answer, Response
from interviews.models import Session, SessionNote
from reviews import stages
from reviews.models import Finding, PartnerKind, Role
from selfassessment.models import Entry
from tests.audits.helpers import make_audit

from ..conference.factories import CandidateFactory, RoundFactory
from ..factories import CaseFactory, MembershipFactory, PartnerFactory, ReviewFactory, UserFactory
from ..focusgroups.conftest import make_questionnaire
from ..interviews.conftest import make_session
from .conftest import assert_accessible
from .test_audit_validation import DOMAINS  # the nine audit domains, named once for the browser tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}

# A focused element shows it: its own outline, box shadow or the yellow focus background, or for a GOV.UK radio or
# checkbox (the input itself is transparent) the ring drawn around its label's box.
FOCUS_IS_VISIBLE = """el => {
  const shows = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                      && s.outlineColor !== 'rgba(0, 0, 0, 0)') || s.boxShadow !== 'none'
                     || s.backgroundColor === 'rgb(255, 221, 0)';
  if (!el.matches(':focus-visible')) return false;
  if (shows(getComputedStyle(el))) return true;
  const label = el.labels && el.labels[0];
  return Boolean(label) && shows(getComputedStyle(label, '::before'));
}"""


@pytest.fixture
def keyboard(browser):
    """A way to open pages in a new browser context of a given size, British dates and times in the inputs."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London", **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until `locator` has focus; it must show that it has."""
    for _ in range(limit):
        if is_focused(locator):
            break
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    else:
        raise AssertionError(f"{limit} presses of Tab never reached {locator}")
    assert locator.evaluate(FOCUS_IS_VISIBLE), f"The focus on {locator} is not visible"


def arrow_to(page, radio, *, limit: int = 12) -> None:
    """Move through a radio group with the down arrow (which also selects) until `radio` is chosen."""
    for _ in range(limit):
        if is_focused(radio):
            break
        page.keyboard.press("ArrowDown")
    if not radio.is_checked():
        page.keyboard.press("Space")  # the first radio of a group takes the focus without being chosen
    expect(radio).to_be_checked()
    assert radio.evaluate(FOCUS_IS_VISIBLE), f"The focus on {radio} is not visible"


def choose(page, group, label: str) -> None:
    """Tab into a radio group (its first radio takes the focus) and arrow to the option `label`."""
    tab_to(page, group.get_by_role("radio").first)
    arrow_to(page, group.get_by_role("radio", name=label, exact=True))


def press(page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)


def follow(page, locator, key: str = "Enter", *, backwards: bool = False) -> None:
    """Press a link or a submit button and wait for the page it leads to."""
    tab_to(page, locator, backwards=backwards)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def type_segments(page, locator, wanted: str, attempts: list[list[str]]) -> None:
    """Type into a date or time input, whose segments (and their order) follow the browser's locale: try each
    order of segments, going back to the first segment with Shift+Tab, until the input holds `wanted`."""
    tab_to(page, locator)
    for segments in attempts:
        for text in segments:
            page.keyboard.type(text)
        if locator.input_value() == wanted:
            return
        for _ in segments[1:]:
            page.keyboard.press("Shift+Tab")
    raise AssertionError(f"{locator} would not take {wanted}")


def type_date(page, locator, day: datetime.date) -> None:
    dd, mm, yyyy = f"{day:%d}", f"{day:%m}", f"{day:%Y}"
    type_segments(page, locator, day.isoformat(), [[dd, mm, yyyy], [mm, dd, yyyy]])


def type_time(page, locator, time: datetime.time) -> None:
    # A 12-hour input takes the A or P after the minutes; a 24-hour input ignores it (so keep to morning hours).
    hour = f"{time:%I}" if time.hour < 12 else f"{time:%H}"
    type_segments(page, locator, f"{time:%H:%M}", [[hour, f"{time:%M}", f"{time:%p}"[0]]])


def skip_to_main(page) -> None:
    """The first Tab on a page reaches the skip link; Enter moves the focus to the main content."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    skip_to_main(page)
    type_into(page, page.get_by_label("Username"), username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()


def open_review(page, review) -> None:
    skip_to_main(page)
    follow(page, page.get_by_role("main").get_by_role("link", name=review.title))
    expect(page.get_by_role("heading", name="Stages")).to_be_visible()


def member(review, username: str, role: str, **names):
    user = UserFactory(username=username, **names)
    MembershipFactory(review=review, user=user, role=role)
    return user


# 1. Sign in


def test_a_lead_signs_in_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    member(review, "lead", Role.LEAD)
    page = keyboard()

    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    skip_to_main(page)
    type_into(page, page.get_by_label("Username"), "lead")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password at all")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    assert_accessible(page)
    assert get_user_model().objects.get(username="lead").last_login is not None


# 2. Each stage of a review


def test_a_lead_opens_every_stage_of_a_review_from_its_overview_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    lead = member(review, "lead", Role.LEAD)
    page = keyboard()
    sign_in(page, live_server, "lead")
    open_review(page, review)
    assert_accessible(page)

    titles = [stage.title for stage in stages.visible_stages(lead.review_memberships.get(review=review))]
    for title in titles:
        skip_to_main(page)
        follow(page, page.get_by_role("main").get_by_role("link", name=title, exact=True))
        expect(page.get_by_role("navigation", name="Review stages").locator("[aria-current=page]")).to_be_visible()
        assert_accessible(page)
        follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=review.title))
        expect(page.get_by_role("heading", name="Stages")).to_be_visible()

    assert len(titles) == 6
    assert lead.review_memberships.get(review=review).review == review


# 3. A self-assessment entry submitted and decided


def test_the_council_submits_a_self_assessment_entry_and_the_lead_accepts_it_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    member(review, "contributor", Role.CONTRIBUTOR)
    member(review, "lead", Role.LEAD)
    area = review.framework.scope_areas.order_by("order").first()
    entry = Entry.objects.create(review=review, scope_area=area)
    page = keyboard()
    sign_in(page, live_server, "contributor")
    open_review(page, review)

    follow(page, page.get_by_role("main").get_by_role("link", name="Self assessment and documentary analysis"))
    expect(page.get_by_role("heading", name="Self assessment", exact=True)).to_be_visible()
    assert_accessible(page)
    skip_to_main(page)
    follow(page, page.get_by_role("main").get_by_role("link", name=entry.subject_title))
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Edit entry"))
    type_into(page, page.get_by_label("What we know"), "Contacts are routed to the right level within a day.")
    type_into(page, page.get_by_label("How we know it"), "Monthly dip samples of 40 contacts.")
    type_into(page, page.get_by_label("What we will do next"), "Train school designated leads.")
    choose(page, page.get_by_role("group", name="Grade"), "Good")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Save entry"))
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    follow(page, page.get_by_role("button", name="Submit entry to the peer team"))
    expect(page.get_by_text("submitted to the peer team")).to_be_visible()
    assert_accessible(page)

    lead = keyboard()
    sign_in(lead, live_server, "lead")
    lead.goto(f"{live_server.url}/reviews/{review.pk}/self-assessment/entries/{entry.pk}/")
    skip_to_main(lead)
    choose(lead, lead.get_by_role("group", name="Decision"), "Accept")
    follow(lead, lead.get_by_role("button", name="Record decision"))
    expect(lead.get_by_text("Entry accepted.")).to_be_visible()
    assert_accessible(lead)

    entry.refresh_from_db()
    assert (entry.status, entry.grade.label, entry.decided_by.username) == ("accepted", "Good", "lead")


# 4. A blind regrade


def test_a_case_auditor_regrades_a_case_blind_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(title="Testshire audit validation 2026")
    auditor = member(review, "auditor", Role.CASE_AUDITOR)
    audit = make_audit(review, "C-07", ranks=[2] * 9, overall=2, narrative="Council found the plan sound")
    Validation.objects.create(review=review, audit=audit, auditor=auditor)
    page = keyboard()
    sign_in(page, live_server, "auditor")
    open_review(page, review)
    follow(page, page.get_by_role("main").get_by_role("link", name="Audit validation and case review"))
    assert_accessible(page)
    skip_to_main(page)
    follow(page, page.get_by_role("main").get_by_role("link", name="Case C-07", exact=True))
    expect(page.get_by_role("heading", name="Case C-07")).to_be_visible()
    assert "Council found the plan sound" not in page.content()
    assert_accessible(page)

    skip_to_main(page)
    for domain in DOMAINS:
        choose(page, page.get_by_role("group", name=domain), "Inadequate" if domain == "Timeliness" else "Good")
    choose(page, page.get_by_role("group", name="Overall grade"), "Requires improvement to be good")
    type_into(page, page.get_by_label("Your analysis"), "Visits slipped in the summer; the plan did not change.")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Submit my grades"))
    expect(page.get_by_role("heading", name="Case C-07: council and peer grades")).to_be_visible()
    assert_accessible(page)

    validation = Validation.objects.get(review=review)
    assert (validation.status, validation.overall_grade.label) == (
        Validation.Status.REGRADED,
        "Requires improvement to be good",
    )
    assert validation.narrative == "Visits slipped in the summer; the plan did not change."


# 5. A finding with evidence


def test_a_lead_raises_a_finding_from_interview_notes_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(
        title="Testshire children's safeguarding peer review 2026", onsite_start=datetime.date(2026, 11, 23)
    )
    lead = member(review, "lead", Role.LEAD, first_name="Helen", last_name="Ashdown")
    session = make_session(
        review, peers=[lead], day=datetime.date(2026, 11, 23), title="Detective Chief Inspector, public protection"
    )
    note = SessionNote.objects.create(session=session, author=lead, text="Strategy discussions happen within a day.")
    theme = review.framework.themes.order_by("order").first()
    page = keyboard()
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    assert_accessible(page)

    skip_to_main(page)
    follow(page, page.get_by_role("main").get_by_role("link", name="Raise a finding").first)
    assert_accessible(page)
    type_into(page, page.get_by_label("Summary"), "Police and children's services share information promptly")
    choose(page, page.get_by_role("group", name="Kind of finding"), "Strength")
    tab_to(page, page.get_by_label("Theme"))
    page.keyboard.type(theme.name)
    follow(page, page.get_by_role("button", name="Save finding"))
    expect(
        page.get_by_role("heading", name="Police and children's services share information promptly")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Detective Chief Inspector, public protection")
    assert_accessible(page)

    finding = Finding.objects.get(review=review)
    assert (finding.kind, finding.stage, finding.theme) == (Finding.Kind.STRENGTH, "interviews", theme)
    assert list(finding.evidence.values_list("object_id", flat=True)) == [note.pk]


# 6. A children's questionnaire at 320 px


def test_a_child_answers_the_questionnaire_at_320_px_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    questionnaire = make_questionnaire(
        review, title="Your views", audience="children", age_band="8-11", simple_pages=True, ask_segment=False
    )
    page = keyboard(NARROW, is_mobile=True, has_touch=True)

    page.goto(f"{live_server.url}/q/{questionnaire.token}/")
    expect(page.get_by_role("heading", name="Your views")).to_be_visible()
    assert_accessible(page)
    skip_to_main(page)
    choose(page, page.get_by_role("group", name="My caseload is manageable."), "Agree")
    type_into(page, page.get_by_label("What would you change?"), "More time with my social worker")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_accessible(page)

    response = Response.objects.get(questionnaire=questionnaire)
    answers = Answer.objects.filter(response=response)
    assert answers.get(question__text="My caseload is manageable.").value == 4
    assert answers.get(question__text="What would you change?").text == "More time with my social worker"


# 7. A conference vote on a phone


def test_a_member_votes_with_a_ballot_card_on_a_phone_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    round_ = RoundFactory(review=review, points=10)
    titles = ["Make the front door consistent", "Put the child's voice in every plan", "Reduce caseloads"]
    for order, title in enumerate(titles, start=1):
        CandidateFactory(round=round_, title=title, order=order)
    [(_, code)] = conference_services.issue_cards(round_=round_, count=1)
    page = keyboard(PHONE, is_mobile=True, has_touch=True)

    page.goto(f"{live_server.url}/vote/")
    assert_accessible(page)
    skip_to_main(page)
    type_into(page, page.get_by_label("Ballot code"), code.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_label(titles[0])).to_be_visible()
    assert_accessible(page)
    for title, points in zip(titles, ["5", "3", "2"], strict=True):
        type_into(page, page.get_by_label(title), points)
    follow(page, page.get_by_role("button", name="Send my vote"))
    expect(page.get_by_role("heading", name="Your vote has been counted")).to_be_visible()
    assert_accessible(page)

    ballot = Ballot.objects.get(round=round_)
    assert ballot.status == Ballot.Status.USED
    assert sorted(ballot.choices.values_list("candidate__title", "value")) == [
        ("Make the front door consistent", 5),
        ("Put the child's voice in every plan", 3),
        ("Reduce caseloads", 2),
    ]


# 8. The timeline and the timetable


def test_a_peer_adds_to_a_cases_timeline_and_the_interview_timetable_with_the_keyboard(live_server, keyboard):
    review = ReviewFactory(
        title="Testshire children's safeguarding peer review 2026",
        onsite_start=datetime.date(2026, 11, 23),
        onsite_end=datetime.date(2026, 11, 27),
    )
    member(review, "lead", Role.LEAD, first_name="Helen", last_name="Ashdown")
    PartnerFactory(
        council=review.council,
        name="Testshire Children's Services",
        kind=PartnerKind.objects.get(slug="childrens-social-care"),
    )
    case = CaseFactory(review=review, reference="C-001")
    page = keyboard()
    sign_in(page, live_server, "lead")
    open_review(page, review)

    follow(page, page.get_by_role("main").get_by_role("link", name="Case mapping", exact=True))
    assert_accessible(page)
    skip_to_main(page)
    follow(page, page.get_by_role("main").get_by_role("link", name="C-001", exact=True))
    follow(page, page.get_by_role("button", name="Add an event"))
    type_date(page, page.get_by_label("Date of the event"), datetime.date(2025, 2, 5))
    tab_to(page, page.get_by_label("Kind of event"))
    page.keyboard.type("Strategy discussion")
    tab_to(page, page.get_by_label("Agency").first)
    page.keyboard.type("Testshire")
    type_into(page, page.get_by_label("What happened"), "Strategy discussion with police")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Save event"))
    timeline = page.get_by_role("region", name="Multi-agency timeline")
    expect(timeline).to_be_visible()
    tab_to(page, timeline)
    page.keyboard.press("ArrowRight")
    expect(
        page.get_by_role("region", name="event, by date").get_by_role("cell", name="Strategy discussion", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    follow(
        page,
        page.get_by_role("navigation", name="Review stages").get_by_role("link", name="On-site interviews"),
        backwards=True,
    )
    expect(page.get_by_role("heading", name="On-site programme")).to_be_visible()
    assert_accessible(page)
    skip_to_main(page)
    follow(page, page.get_by_role("button", name="Add a session"))
    tab_to(page, page.get_by_label("Kind of session"))
    page.keyboard.type("Interview")
    type_into(page, page.get_by_label("Title"), "Detective Chief Inspector, public protection")
    type_date(page, page.get_by_label("Day"), datetime.date(2026, 11, 23))
    type_time(page, page.get_by_label("Starts at"), datetime.time(10, 15))
    type_time(page, page.get_by_label("Ends at"), datetime.time(11, 15))
    type_into(page, page.get_by_label("Location (optional if online)"), "Testshire Police Station")
    press(page, page.get_by_label("Helen Ashdown"), "Space")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Save session"))
    expect(page.get_by_role("heading", name="Detective Chief Inspector, public protection")).to_be_visible()
    follow(
        page,
        page.get_by_role("navigation", name="Review stages").get_by_role("link", name="On-site interviews"),
        backwards=True,
    )
    expect(page.get_by_role("heading", name="On-site programme")).to_be_visible()
    skip_to_main(page)
    follow(page, page.get_by_role("link", name="10:15 Detective Chief Inspector, public protection"))
    expect(page.get_by_role("heading", name="Detective Chief Inspector, public protection")).to_be_visible()
    assert_accessible(page)

    event = Event.objects.get(case=case)
    assert (event.date, event.kind.name, event.agency.name) == (
        datetime.date(2025, 2, 5),
        "Strategy discussion",
        "Testshire Children's Services",
    )
    session = Session.objects.get(review=review)
    assert (session.day, session.start, session.end) == (
        datetime.date(2026, 11, 23),
        datetime.time(10, 15),
        datetime.time(11, 15),
    )
    assert list(session.peers.values_list("username", flat=True)) == ["lead"]
