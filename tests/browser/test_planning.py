"""The planning group in a real Chromium: the organiser records a member, a meeting and a commitment with the
keyboard, a bad number is refused, a member is removed after confirming, and the overview's engagement block
flags the under-represented agency."""

import datetime

import pytest
from playwright.sync_api import expect

from casemapping.models import Workshop, WorkshopAgency
from reviews.models import Role

from ..factories import MembershipFactory, PartnerFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


def test_the_organiser_records_the_planning_group_and_sees_engagement_on_the_overview(live_server, page):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    police = PartnerFactory(council=review.council, name="Testshire Police")
    PartnerFactory(council=review.council, name="Testshire Homes")
    organiser = UserFactory(username="organiser", first_name="Daniel", last_name="Frome")
    MembershipFactory(review=review, user=organiser, role=Role.ORGANISER)
    workshop = Workshop.objects.create(
        status=Workshop.Status.HELD, review=review, held_on=datetime.date(2026, 11, 2), facilitators="Peer lead"
    )
    WorkshopAgency.objects.create(workshop=workshop, agency=police, practitioners=1)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("link", name="Go to the planning group and commitments").click()
    expect(page.get_by_role("heading", name="Planning group and commitments")).to_be_visible()
    expect(page.get_by_text("No members recorded yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a member").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add a member of the planning group")).to_be_visible()
    page.get_by_label("Role").fill("Detective Inspector")
    page.get_by_label("Agency").select_option(label="Testshire Police")
    page.get_by_label("Email (optional)").fill("not an email")
    page.get_by_role("button", name="Save member").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter an email address in the right format")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email (optional)").fill("")
    page.get_by_role("button", name="Save member").press("Enter")
    expect(page.get_by_text("Detective Inspector added to the planning group.")).to_be_visible()

    page.get_by_role("button", name="Add a meeting").click()
    page.get_by_label("Date of the meeting").fill("2026-10-05")
    page.get_by_label("Agenda or note (optional)").fill("Case mapping")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.get_by_text("Meeting on 5 October 2026 added.")).to_be_visible()
    page.get_by_role("link", name="Change the meeting on 5 October 2026").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Date of the meeting")).to_have_value("2026-10-05")
    assert_accessible(page)
    page.get_by_label("Agenda or note (optional)").fill("Commitments for case mapping")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Meeting on 5 October 2026 saved.")).to_be_visible()

    page.get_by_role("link", name="Record the commitment of Testshire Police").click()
    expect(page.get_by_label("Agency", exact=True)).to_have_value(str(police.pk))
    page.get_by_label("Practitioners for case mapping").fill("-2")
    page.get_by_label("Practitioners for focus groups").fill("0")
    page.get_by_role("button", name="Save commitment").click()
    expect(
        page.get_by_role("link", name="The number of practitioners for case mapping cannot be negative.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Practitioners for case mapping").fill("3")
    page.get_by_role("button", name="Save commitment").click()
    expect(page.get_by_text("Commitment of Testshire Police saved.")).to_be_visible()
    expect(page.get_by_text("1 of 2 partner agencies has made a commitment.")).to_be_visible()
    assert_accessible(page)

    # Removing asks first: the meeting is kept on Cancel, the member goes on confirming, with the keyboard alone.
    page.get_by_role("link", name="Remove the meeting on 5 October 2026").click()
    expect(page.get_by_role("heading", name="Remove the meeting on 5 October 2026?")).to_be_visible()
    expect(page.get_by_text("Commitments for case mapping")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_text("Commitments for case mapping")).to_be_visible()
    page.get_by_role("link", name="Remove Detective Inspector").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Remove Detective Inspector from the planning group?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove this member").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Detective Inspector removed from the planning group.")).to_be_visible()
    expect(page.get_by_text("No members recorded yet.")).to_be_visible()
    assert list(review.planning_meetings.values_list("note", flat=True)) == ["Commitments for case mapping"]
    assert not review.planning_members.exists()

    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="Partner engagement")).to_be_visible()
    expect(
        page.get_by_text("2 agencies are short of a commitment or without one (1 under-represented):")
    ).to_be_visible()
    expect(page.get_by_text("Practitioners at case-mapping workshops: 1 of 3 committed")).to_be_visible()
    expect(page.get_by_role("row", name="Testshire Police").get_by_text("Under-represented")).to_be_visible()
    assert_accessible(page)
