"""An organiser changes a case in the sample, then removes another, with the keyboard alone in a real Chromium."""

import pytest
from playwright.sync_api import expect

from reviews.models import Case, Role

from ..factories import CaseFactory, MembershipFactory, PartnerFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def sample():
    review = ReviewFactory(title="Testshire case sample")
    MembershipFactory(review=review, user=UserFactory(username="organiser"), role=Role.ORGANISER)
    PartnerFactory(council=review.council, name="Testshire Police")
    return CaseFactory(review=review, reference="C-001"), CaseFactory(review=review, reference="C-002")


def press_on(page, locator) -> None:
    """Move the focus to the element and check it takes it: only focusable controls can be used by keyboard."""
    locator.focus()
    expect(locator).to_be_focused()


def test_an_organiser_changes_and_removes_cases_with_the_keyboard(live_server, page, sample):
    case, spare = sample
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{live_server.url}/reviews/{case.review_id}/case-mapping/cases/{case.pk}/")

    change = page.get_by_role("link", name="Change age band")
    press_on(page, change)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Change case C-001")).to_be_visible()
    assert_accessible(page)

    reference = page.get_by_label("Reference")
    press_on(page, reference)
    page.keyboard.press("Control+A")
    page.keyboard.type("C-002")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="A case “C-002” is already in the sample; use another reference.")
    ).to_be_visible()
    assert_accessible(page)

    reference = page.get_by_label("Reference")
    press_on(page, reference)
    page.keyboard.press("Control+A")
    page.keyboard.type("C-010")
    police = page.get_by_label("Testshire Police")
    press_on(page, police)
    page.keyboard.press("Space")
    save = page.get_by_role("button", name="Save case")
    press_on(page, save)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Case C-010")).to_be_visible()
    expect(page.get_by_text("Case C-010 saved.")).to_be_visible()
    case.refresh_from_db()
    assert (case.reference, case.version, list(case.partners.values_list("name", flat=True))) == (
        "C-010",
        2,
        ["Testshire Police"],
    )

    page.goto(f"{live_server.url}/reviews/{spare.review_id}/case-mapping/cases/{spare.pk}/")
    remove = page.get_by_role("link", name="Remove case C-002 from the sample")
    press_on(page, remove)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Remove case C-002 from the sample")).to_be_visible()
    assert_accessible(page)
    confirm = page.get_by_role("button", name="Remove case C-002")
    press_on(page, confirm)
    page.keyboard.press("Enter")

    expect(page.get_by_text("Case C-002 removed from the sample.")).to_be_visible()
    assert list(Case.objects.filter(review=spare.review).values_list("reference", flat=True)) == ["C-010"]
