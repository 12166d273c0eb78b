"""The last inspection in a real Chromium: the organiser records it, pastes its recommendations, reports progress,
then corrects a judgement and a recommendation, reorders the list and deletes the judgement."""

import pytest
from playwright.sync_api import expect

from reviews.models import Role
from selfassessment.models import Inspection

from ..factories import MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


def test_the_organiser_records_the_inspection_and_progress_against_one_recommendation(live_server, page):
    review = ReviewFactory(title="Testshire children's safeguarding peer review 2026")
    MembershipFactory(review=review, user=UserFactory(username="organiser"), role=Role.ORGANISER)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=review.title).click()
    page.get_by_role("link", name="Self assessment and documentary analysis").click()
    page.get_by_role("navigation", name="Self assessment sections").get_by_role("link", name="Last inspection").click()
    expect(page.get_by_role("heading", name="Last inspection", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record the last inspection").click()
    page.get_by_label("Inspection of safeguarding and looked after children services (from 1 June 2009").check()
    page.get_by_label("Date of the inspection").fill("17/06/2011")
    page.get_by_label("Title or reference of the published report").fill("Testshire, June 2011")
    assert_accessible(page)
    page.get_by_role("button", name="Save the inspection").click()
    expect(page.get_by_text("The last inspection is saved.")).to_be_visible()

    page.get_by_role("button", name="Add a judgement").click()
    expect(page.get_by_label("Judgement area")).to_have_value("Overall effectiveness of safeguarding services")
    page.get_by_label("Adequate", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Add the judgement").click()
    expect(page.get_by_role("cell", name="Adequate")).to_be_visible()

    page.get_by_role("button", name="Add recommendations from a list").click()
    page.get_by_label("Paste the list").fill(
        "1. Screen every contact within one working day.\n\n2. Improve the quality of assessments."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Add to the list").click()
    expect(page.get_by_text("2 items added to the list.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Improve the quality of assessments.").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the council's progress").click()
    page.get_by_label("What the council has done").fill("Assessment training for every team in 2025.")
    page.get_by_label("What has changed as a result").fill("83% of assessments are now on time.")
    page.get_by_label("Amber", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("The council's progress on this recommendation is saved.")).to_be_visible()

    page.get_by_role("link", name="Progress since the inspection").click()
    row = page.get_by_role("row").filter(has_text="Improve the quality of assessments.")
    expect(row.get_by_text("Amber", exact=True)).to_be_visible()
    expect(row.get_by_text("Assessment training for every team in 2025.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Self assessment sections").get_by_role("link", name="Last inspection").click()
    page.get_by_role("link", name="Change the judgement on Overall effectiveness of safeguarding services").click()
    page.get_by_label("Good", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the judgement").click()
    expect(page.get_by_text("Judgement “Overall effectiveness of safeguarding services: Good” saved.")).to_be_visible()

    page.get_by_role("link", name="Change the wording of number 1").click()
    expect(page.get_by_label("Wording")).to_have_value("Screen every contact within one working day.")
    page.get_by_label("Wording").fill("Screen every contact within one working day, with partners.")
    page.get_by_label("Area for improvement").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the wording").click()
    expect(page.get_by_text("Area for improvement 1 is saved.")).to_be_visible()

    # Reordering with the keyboard alone: focus the button and press Enter.
    page.get_by_role("button", name="Move down number 1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("is now number 2.")).to_be_visible()
    rows = page.get_by_role("table").filter(has_text="Recommendation or area for improvement").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("1 Improve the quality of assessments.")
    expect(rows.nth(2)).to_contain_text("2 Screen every contact within one working day, with partners.")
    assert_accessible(page)

    page.get_by_role("link", name="Delete number 1").click()
    expect(
        page.get_by_text("the council's progress (amber, “Assessment training for every team in 2025.”)")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    inspection = Inspection.objects.get(review=review)
    assert [(j.area, j.grade.label, j.version) for j in inspection.judgements.all()] == [
        ("Overall effectiveness of safeguarding services", "Good", 2)
    ]

    # Deleting a judgement asks first, and is done with the keyboard alone.
    page.get_by_role("link", name="Delete the judgement on Overall effectiveness of safeguarding services").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Delete the judgement on Overall effectiveness of safeguarding services?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete the judgement").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Judgement “Overall effectiveness of safeguarding services: Good” deleted.")
    ).to_be_visible()
    expect(page.get_by_text("No judgements recorded yet.")).to_be_visible()
    assert not inspection.judgements.exists()
    assert list(inspection.recommendations.order_by("order").values_list("order", "kind", "text", "rag")) == [
        (1, "recommendation", "Improve the quality of assessments.", "amber"),
        (2, "area_for_improvement", "Screen every contact within one working day, with partners.", "not_assessed"),
    ]
