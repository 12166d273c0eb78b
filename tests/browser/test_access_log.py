"""The access log in a real Chromium: a review's lead finds a case they opened in the review's log, filters it with
the keyboard alone and meets a refused filter in a GOV.UK error summary; the same filters and the CSV work with
JavaScript turned off; each person reads their own history under "What I have read"; axe on each page."""

import csv

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews import review_exports
from reviews.models import AccessLog, ReviewExport, Role

from ..factories import CaseFactory, MembershipFactory, ReviewFactory, UserFactory
from .conftest import assert_accessible, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
DESKTOP = {"width": 1280, "height": 900}

ROWS = "table.app-access-entries tbody tr"  # the entries, not the CSV files listed below them


@pytest.fixture
def log(db):
    """A review with a lead, a peer and two cases; a second review the lead is not on."""
    review = ReviewFactory(title="Fictional Borough children's safeguarding peer review 2026")
    lead = UserFactory(username="lead", first_name="Alexandra", last_name="Lead")
    peer = UserFactory(username="peer", first_name="Priya", last_name="Peer")
    MembershipFactory(review=review, user=lead, role=Role.LEAD)
    MembershipFactory(review=review, user=peer, role=Role.PEER)
    first = CaseFactory(review=review, reference="NM-004")
    second = CaseFactory(review=review, reference="LX-117")
    other = ReviewFactory(title="Elsewhere children's safeguarding peer review 2026")
    MembershipFactory(review=other, user=peer, role=Role.LEAD)
    elsewhere = CaseFactory(review=other, reference="QZ-900")
    return {"lead": lead, "review": review, "first": first, "second": second, "other": other, "elsewhere": elsewhere}


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="What I have read")).to_be_visible()


def open_case(page, live_server, case) -> None:
    page.goto(f"{live_server.url}/reviews/{case.review_id}/case-mapping/cases/{case.pk}/")
    expect(page.get_by_text(case.reference).first).to_be_visible()


def what_was_read(page) -> list[str]:
    """The "What" cell of each row, without the address beneath it, found by its column's header."""
    headers = [text.strip() for text in page.locator("table.app-access-entries thead th").all_inner_texts()]
    if not headers:
        return []
    column = headers.index("What") + 1
    return [text.splitlines()[0].strip() for text in page.locator(f"{ROWS} td:nth-child({column})").all_inner_texts()]


def test_a_lead_finds_a_case_in_the_log_and_filters_it_by_keyboard_with_a_refused_filter_named(live_server, page, log):
    review, first, second = log["review"], log["first"], log["second"]
    sign_in(page, live_server, "lead")
    open_case(page, live_server, first)
    open_case(page, live_server, second)

    page.get_by_role("navigation", name="Review sections").get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", name="Access log", level=1)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/access-log/")
    expect(page.get_by_role("link", name="Access log")).to_have_attribute("aria-current", "page")
    assert "Case NM-004" in what_was_read(page)
    assert "Case LX-117" in what_was_read(page)
    first_row = page.locator(ROWS).filter(has_text="Case NM-004")
    expect(first_row.locator("td").nth(1)).to_have_text("Alexandra Lead")
    expect(first_row.locator("td").nth(2)).to_have_text("Viewed")
    expect(first_row).to_contain_text(f"/reviews/{review.pk}/case-mapping/cases/{first.pk}/")
    assert_accessible(page)

    # Keyboard only: Tab to "What was read", type two words of the entry (any case), Enter submits the form.
    words = page.get_by_label("What was read")
    tab_to(page, words)
    page.keyboard.type("case nm-004")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "words=case+nm-004" in page.url
    expect(page.get_by_label("What was read")).to_have_value("case nm-004")
    assert what_was_read(page) == ["Case NM-004"]
    expect(page.locator("table caption")).to_contain_text("1 entry")
    expect(page.locator('form input[type="hidden"][name="words"]')).to_have_value("case nm-004")
    # Keyboard only: the button asks a worker for these entries as CSV; the page lists it, waiting, with its filter.
    prepare = page.get_by_role("button", name="Prepare a CSV of these entries")
    tab_to(page, prepare)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("?words=case+nm-004#csv-files")
    expect(page.get_by_text("The CSV is being prepared.")).to_be_visible()
    expect(page.get_by_role("cell", name="Entries matching “case nm-004”")).to_be_visible()
    assert_accessible(page)

    # Keyboard only again: a word no entry holds, sent with the Filter button.
    words = page.get_by_label("What was read")
    tab_to(page, words)
    page.keyboard.press("Control+A")
    page.keyboard.type("nothing-like-this")
    button = page.get_by_role("button", name="Filter")
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("No entries match. Clear the filters to see the whole log.")).to_be_visible()
    assert page.locator(ROWS).count() == 0

    # A last date before the first: refused, named in the error summary and beside the box, and nothing filtered.
    page.goto(f"{live_server.url}/reviews/{review.pk}/access-log/")
    for label, value in [("From (optional)", "2026-03-09"), ("To (optional)", "2026-03-01")]:
        box = page.get_by_label(label)
        tab_to(page, box)
        page.keyboard.type(value)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    message = "The last date must be the same as or after the first date."
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: Access log")
    end = page.get_by_label("To (optional)")
    expect(end).to_have_value("2026-03-01")
    expect(end).to_have_attribute("aria-describedby", "id_end-error")
    expect(page.locator("#id_end-error")).to_have_text(f"Error: {message}")
    assert "Case NM-004" in what_was_read(page) and "Case LX-117" in what_was_read(page)
    assert_accessible(page)

    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#id_end")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(end).to_be_focused()


@pytest.fixture
def no_script(browser):
    """A page in a browser context that runs no JavaScript at all."""
    context = browser.new_context(java_script_enabled=False, accept_downloads=True, viewport=DESKTOP)
    yield context.new_page()
    context.close()


def test_without_javascript_the_filters_the_error_summary_and_the_csv_still_work(live_server, no_script, log):
    page, review = no_script, log["review"]
    sign_in(page, live_server, "lead")
    assert page.locator("body.js-enabled").count() == 0, "JavaScript ran in the page"
    open_case(page, live_server, log["first"])
    open_case(page, live_server, log["second"])

    page.goto(f"{live_server.url}/reviews/{review.pk}/access-log/")
    assert {"Case NM-004", "Case LX-117"} <= set(what_was_read(page))

    today = timezone.localdate().isoformat()
    page.get_by_label("Person").select_option(label="Alexandra Lead")
    page.get_by_label("Action").select_option(label="Viewed")
    page.get_by_label("What was read").fill("LX-117")
    page.get_by_label("From (optional)").fill(today)
    page.get_by_label("To (optional)").fill(today)
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "words=LX-117" in page.url
    assert what_was_read(page) == ["Case LX-117"]
    expect(page.get_by_label("Person")).to_have_value(str(log["lead"].pk))
    expect(page.get_by_label("Action")).to_have_value(AccessLog.Action.VIEW)

    # The CSV holds the same filtered entries: asked for by the button, written by the worker's task, downloaded.
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare a CSV of these entries").click()
    expect(page.get_by_text("Waiting for a worker")).to_be_visible()
    export = ReviewExport.objects.get(kind=ReviewExport.Kind.ACCESS_LOG)
    review_exports.write(export.pk)
    export.refresh_from_db()
    assert (export.status, export.error) == ("done", "")
    page.get_by_role("link", name="Refresh this page").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the CSV").click()
    download = download_info.value
    with open(download.path(), newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["When", "Person", "Username", "Action", "What"]
    assert [row[4] for row in rows[1:]] == ["Case LX-117"]
    assert rows[1][2] == "lead"

    # A refused filter is named without JavaScript too; its link is a plain link to the box.
    page.get_by_label("From (optional)").fill("2026-03-09")
    page.get_by_label("To (optional)").fill("2026-03-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The last date must be the same as or after the first date.")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_end")

    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/access-log/")
    expect(page.get_by_label("What was read")).to_have_value("")
    assert page.locator(".govuk-error-summary").count() == 0


def test_what_i_have_read_shows_only_the_persons_own_entries(live_server, page, log):
    sign_in(page, live_server, "peer")
    open_case(page, live_server, log["first"])
    open_case(page, live_server, log["elsewhere"])
    AccessLog.objects.create(
        user=UserFactory(username="lead"), review=log["review"], action=AccessLog.Action.VIEW, target="Case LX-117"
    )

    page.get_by_role("link", name="What I have read").click()
    expect(page.get_by_role("heading", name="What I have read", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="What I have read")).to_have_attribute("aria-current", "page")
    read = what_was_read(page)
    assert "Case NM-004" in read and "Case QZ-900" in read
    assert "Case LX-117" not in read, "Another person's entry is in this person's history"
    assert page.get_by_label("Person").count() == 0
    row = page.locator(ROWS).filter(has_text="Case QZ-900")
    expect(row).to_contain_text("Elsewhere children's safeguarding peer review 2026")
    assert_accessible(page)

    page.get_by_label("What was read").fill("QZ-900")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert what_was_read(page) == ["Case QZ-900"]
    assert_accessible(page)
