"""A whole review walked in Chromium against the site as a council deploys it (debug off, gunicorn, a worker).

Run by `.ci/production` after it has started the stack and seeded the demo; it can be pointed at any site seeded
with `seed_demo`:

    .venv/bin/python e2e/journey.py --url http://127.0.0.1:8765 --password <the demo password> \
        --totp-secret <the demo authenticator secret>

It signs in as the lead, asks for the baseline report and the improvement plan, waits for the worker and reads
both PDFs; downloads the feedback letter; answers the children's questionnaire anonymously (a single-choice answer
first, then a disclosure in free text) and finds the alert on the lead's side; opens a new prioritisation round,
issues ballot cards and votes with one from a second browser (the card is refused the second time); exports
the improvement plan; and, as the programme manager, sets up a new review with its own scope and leads it, then
filters the programme, opens a review's progress and dates and downloads the programme as CSV. Every page must answer
200 and pass an axe check with no serious or critical violation. Any failure ends the run with a non-zero status.
"""

import argparse
import io
import re
import shutil
import sys
import time

import totp
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import Page, Response, expect, sync_playwright
from pypdf import PdfReader

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The demo's rich review; its year is the year of its on-site week, which follows the day the demo was seeded.
REVIEW = re.compile(r"^Northmoor children's safeguarding peer review \d{4}$")
COUNCIL = "Northmoor Borough Council"
THEMES = [
    "Effective practice, service delivery and the voice of the child",
    "Outcomes, impact and performance",
    "Working together",
    "Capacity and managing resources",
    "Vision, strategy and leadership",
]
STAGES = [
    "Self assessment and documentary analysis",
    "Case mapping",
    "Audit validation and case review",
    "Focus groups and questionnaires",
    "On-site visits and officer interviews",
    "Feedback and prioritisation conference",
]
CHILDREN = "Children's questionnaire (8 to 11)"
DISCLOSURE = "My mum's boyfriend hits me when she is at work and I am scared to go home"
REPORT_WAIT_SECONDS = 240


class Journey:
    """Keeps every page the browser was sent to, with its status, and checks each page it lands on with axe."""

    def __init__(self, base_url: str, totp_secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.totp_secret = totp_secret
        self.navigations: list[tuple[str, int]] = []
        self.pages_checked = 0
        self.axe = Axe()
        self.review = ""  # the rich review's title, as the lead's list shows it

    def watch(self, page: Page) -> Page:
        page.on("response", self._record)
        return page

    def _record(self, response: Response) -> None:
        if response.request.is_navigation_request():
            self.navigations.append((response.url, response.status))

    def land(self, page: Page, heading: str | re.Pattern | None = None) -> None:
        """The page shows its heading, answered 200, and axe finds nothing serious on it."""
        if heading is None:
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
        else:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        here = page.url.split("#")[0]  # a server's response never holds the part after #
        status = next((status for url, status in reversed(self.navigations) if url == here), None)
        if status != 200:
            raise AssertionError(f"{page.url} answered {status}, not 200")
        results = self.axe.run(page)
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        if serious:
            raise AssertionError(f"{page.url}: " + "; ".join(serious))
        self.pages_checked += 1

    def step(self, text: str) -> None:
        print(f"-- {text}", flush=True)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def download(page: Page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def wait_for_worker(page: Page, done, what: str, failed_tag: str | None = None) -> None:
    """Reload the page until `done()` says the worker has finished `what`, failing at once if a red tag (with the
    words `failed_tag`, if given) says it could not, or after REPORT_WAIT_SECONDS."""
    deadline = time.monotonic() + REPORT_WAIT_SECONDS
    while not done():
        failed = (
            page.locator("strong.govuk-tag--red", has_text=failed_tag)
            if failed_tag
            else page.locator("strong.govuk-tag--red")
        )
        if failed.count():
            raise AssertionError(f"The worker failed {what}: " + page.locator("main").inner_text())
        if time.monotonic() > deadline:
            raise AssertionError(f"The worker did not finish {what} in {REPORT_WAIT_SECONDS} s")
        page.wait_for_timeout(1000)
        page.reload()


def require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def sign_in(journey: Journey, page: Page, username: str, password: str) -> None:
    """Password, then (for the accounts that must use it) the authenticator's code, computed from the demo secret."""
    page.goto(f"{journey.base_url}/reviews/")
    journey.land(page, "Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    for steps_ahead in range(3):  # a code already taken this half-minute: the next one
        if "/accounts/two-factor/" not in page.url:
            break
        journey.land(page, "Enter your code")
        # Each refused code makes the next try wait twice as long as the last (1 s, 2 s): wait it out.
        time.sleep(2**steps_ahead - 1)
        page.get_by_label("Enter your code").fill(totp.code(journey.totp_secret, steps_ahead))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    journey.land(page, "My reviews")


def open_review(journey: Journey, page: Page) -> str:
    link = page.get_by_role("link", name=REVIEW)
    journey.review = link.inner_text().strip()
    link.click()
    journey.land(page, journey.review)
    review_url = page.url
    for title in STAGES:
        page.get_by_role("link", name=title).first.click()
        journey.land(page)
        page.goto(review_url)
        journey.land(page, journey.review)
    return review_url


def section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Review sections").get_by_role("link", name=name, exact=True).click()


def reports(journey: Journey, page: Page) -> None:
    journey.step("the lead asks for the baseline report and the improvement plan; the worker renders both")
    section(page, "Reports")
    journey.land(page, "Reports")
    page.get_by_role("button", name="Request a new baseline report").click()
    journey.land(page, "Reports")
    page.get_by_role("button", name="Request a new improvement plan report").click()
    journey.land(page, "Reports")
    baseline = page.get_by_role("link", name=re.compile(r"Download PDF\W+Baseline report version \d+"))
    plan = page.get_by_role("link", name=re.compile(r"Download PDF\W+Improvement plan report version \d+"))
    wait_for_worker(page, lambda: baseline.count() and plan.count(), "both reports", failed_tag="Failed")
    journey.land(page, "Reports")

    name, data = download(page, baseline.first)
    text = pdf_text(data)
    require(name.startswith("baseline-report-review-"), f"unexpected file name {name!r}")
    require(journey.review in text, "the baseline report does not name the review")
    missing = [title for title in THEMES + STAGES if title not in text]
    require(not missing, f"the baseline report lacks: {missing}")
    journey.step(f"baseline report: {len(PdfReader(io.BytesIO(data)).pages)} pages, every theme and stage present")

    name, data = download(page, plan.first)
    text = pdf_text(data)
    require("Improvement plan" in text and COUNCIL in text, "the improvement plan PDF lacks its title or council")
    journey.step(f"improvement plan PDF: {len(PdfReader(io.BytesIO(data)).pages)} pages")


def letter(journey: Journey, page: Page, review_url: str) -> None:
    journey.step("the lead downloads the feedback letter as a PDF")
    page.goto(f"{review_url}conference/letter/")
    journey.land(page, "Feedback letter")
    _, data = download(page, page.get_by_role("link", name="Download the letter (PDF)"))
    text = pdf_text(data)
    require(COUNCIL in text or "Northmoor" in text, "the letter PDF does not name the council")


def questionnaire(journey: Journey, page: Page, browser, review_url: str) -> None:
    journey.step("a child answers anonymously: a single choice first, then a disclosure in free text")
    page.goto(f"{review_url}focus-groups/alerts/")
    journey.land(page, "Safeguarding alerts")
    alerts_before = page.locator("main tbody tr", has=page.locator("a")).count()

    page.goto(f"{review_url}focus-groups/")
    journey.land(page, "Questionnaires and focus groups")
    page.get_by_role("link", name=CHILDREN).first.click()
    journey.land(page, CHILDREN)
    link = page.get_by_text(re.compile(r"/q/[\w-]+/")).first.inner_text().strip()

    context = browser.new_context(viewport={"width": 390, "height": 844})
    child = journey.watch(context.new_page())
    try:
        child.goto(link)
        journey.land(child, CHILDREN)
        child.get_by_role("group", name="How often do you see your social worker?").get_by_role(
            "radio", name="Every week"
        ).check()
        child.get_by_label("What would make things better for you?").fill(DISCLOSURE)
        child.get_by_role("button", name="Send my answers").click()
        expect(child.get_by_role("heading", name="Who you can talk to")).to_be_visible()
        journey.land(child, re.compile("Thank you", re.IGNORECASE))
    finally:
        context.close()

    journey.step("the lead sees the alert with the child's words")
    page.goto(f"{review_url}focus-groups/alerts/")
    journey.land(page, "Safeguarding alerts")
    rows = page.locator("main tbody tr", has=page.locator("a"))
    require(rows.count() == alerts_before + 1, f"expected {alerts_before + 1} alerts, found {rows.count()}")
    rows.filter(has_text=CHILDREN).first.get_by_role("link").click()
    journey.land(page, re.compile("alert", re.IGNORECASE))
    expect(page.get_by_text(DISCLOSURE)).to_be_visible()


def voting(journey: Journey, page: Page, browser, review_url: str) -> None:
    journey.step("the lead opens a prioritisation round and issues ballot cards; a participant votes with one card")
    page.goto(f"{review_url}conference/rounds/")
    journey.land(page, "Prioritisation")
    page.get_by_role("button", name="Open a round").click()
    journey.land(page, "Open a prioritisation round")
    page.get_by_label("Title").fill("Priorities agreed at the production check")
    page.get_by_role("textbox", name="Candidates").fill(
        "Strengthen out-of-hours strategy discussions\nSupervision that challenges drift\nEarly help for adolescents"
    )
    page.get_by_label("Ballot cards to print").fill("5")
    page.get_by_role("button", name="Open the round").click()
    journey.land(page, "Ballot cards")
    cards = page.locator("[data-card-code]")
    expect(cards).to_have_count(5)
    code = cards.first.inner_text().strip()
    require(re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code) is not None, f"card code {code!r}")

    context = browser.new_context(viewport={"width": 390, "height": 844})
    participant = journey.watch(context.new_page())
    try:
        participant.goto(f"{journey.base_url}/vote/")
        journey.land(participant, "Join the vote")
        participant.get_by_label("Ballot code").fill(code.lower())
        participant.get_by_role("button", name="Continue").click()
        journey.land(participant, "Priorities agreed at the production check")
        participant.get_by_label("Strengthen out-of-hours strategy discussions").fill("3")
        participant.get_by_role("button", name="Send my vote").click()
        expect(participant.get_by_text("Your vote has been counted")).to_be_visible()
        journey.land(participant, "Priorities agreed at the production check")

        journey.step("the same card is refused when it is tried again")
        participant.goto(f"{journey.base_url}/vote/")
        participant.get_by_label("Ballot code").fill(code)
        participant.get_by_role("button", name="Continue").click()
        expect(participant.locator(".govuk-error-summary")).to_contain_text("This ballot card has already been used.")
        journey.land(participant, "Join the vote")
    finally:
        context.close()

    page.get_by_role("link", name="Back to the round").click()
    journey.land(page, "Priorities agreed at the production check")
    expect(page.locator("#ballots")).to_contain_text("Cards issued")
    page.get_by_role("button", name="Close the round and show the results").click()
    expect(page.get_by_text("4 of the 5 ballot cards issued have not been used.")).to_be_visible()
    page.get_by_role("button", name="Close the round anyway").click()
    expect(page.get_by_text(re.compile(r"with 1 vote\b"))).to_be_visible()
    journey.land(page, "Priorities agreed at the production check")


def plan_export(journey: Journey, page: Page, review_url: str) -> None:
    journey.step("the lead exports the improvement plan as a spreadsheet")
    page.goto(f"{review_url}conference/plan/")
    journey.land(page, "Improvement plan")
    name, data = download(page, page.get_by_role("link", name="Download the plan (XLSX)"))
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    require(name.endswith(".xlsx") and len(rows) > 1, f"the plan export {name!r} holds {len(rows)} rows")


def access_log(journey: Journey, page: Page) -> None:
    """The lead reads who opened what in the review, filters it, and has a worker write it as CSV to download; their
    own export is there."""
    journey.step("the lead reads the review's access log, asks for it as CSV, and downloads it when written")
    section(page, "Access log")
    journey.land(page, "Access log")
    page.get_by_label("What was read").fill("improvement plan")
    page.get_by_role("button", name="Filter").click()
    journey.land(page, "Access log")
    require("Exported" in page.content(), "the access log shows the improvement plan the lead just exported")
    page.get_by_role("button", name="Prepare a CSV of these entries").click()
    journey.land(page, "Access log")
    require("The CSV is being prepared" in page.content(), "the access log says its CSV is being prepared")
    link = page.get_by_role("link", name=re.compile(r"Download the CSV"))
    wait_for_worker(page, link.count, "the access log's CSV")
    journey.land(page, "Access log")
    require("Entries matching “improvement plan”" in page.content(), "the CSV is listed with the filter it holds")
    name, data = download(page, link.first)
    lines = data.decode("utf-8").splitlines()
    require(name.endswith(".csv") and lines[0].startswith("When,Person,Username"), f"the access log CSV {name!r}")
    require(any(",lead,Exported,Improvement plan," in line for line in lines[1:]), "the CSV lists the lead's export")


def subject_access(journey: Journey, page: Page, password: str) -> None:
    """The administrator finds what is held about a peer reviewer across every review and downloads it as a PDF."""
    journey.step("the administrator answers a subject access request")
    sign_in(journey, page, "admin", password)
    page.get_by_role("link", name="Subject access").click()
    journey.land(page, "Subject access")
    page.get_by_label("Person or case reference").fill("peer")
    page.get_by_role("button", name="Search").click()
    journey.land(page, "Subject access")
    require("records held for “peer”" in page.content(), "the search finds what is held about the peer reviewer")
    name, data = download(page, page.get_by_role("link", name="PDF"))
    text = pdf_text(data)
    require(name.endswith(".pdf") and "What is held about “peer”" in text, f"the subject access PDF {name!r}")
    require("Questionnaire answers are anonymous" in text, "the PDF says anonymous answers cannot be found")
    page.get_by_role("button", name="Sign out").click()


def set_up_review(journey: Journey, page: Page, password: str) -> None:
    """The programme manager sets a review up in the workspace, with its own scope, and leads it themselves."""
    journey.step("the programme manager sets up a new review with its own scope")
    sign_in(journey, page, "programme", password)
    page.get_by_role("button", name="Set up a review").first.click()
    journey.land(page, "Set up a review")
    page.get_by_role("button", name="Start now").click()
    journey.land(page, "Council and name")
    page.get_by_label("Which council is being reviewed?").select_option(label=COUNCIL)
    page.get_by_label("Name of the review (optional)").fill("Northmoor thematic review of missing children")
    page.get_by_role("button", name="Continue").click()
    journey.land(page, "Dates")
    page.get_by_label("On-site week starts (optional)").fill("2027-06-07")
    page.get_by_label("On-site week ends (optional)").fill("2027-06-11")
    page.get_by_role("button", name="Continue").click()
    journey.land(page, "Framework and grade scale")
    page.get_by_role("button", name="Continue").click()
    journey.land(page, "Scope")
    page.get_by_label("Isolated children").uncheck()
    page.get_by_label("Lines of enquiry of the council's own (optional)").fill("Return home interviews")
    page.get_by_role("button", name="Continue").click()
    journey.land(page, "Lead and team")
    page.get_by_label("I do", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    journey.land(page, "Check your answers before creating the review")
    require("Return home interviews" in page.content(), "the check page lists the council's own line of enquiry")
    page.get_by_role("button", name="Create the review and send the invitations").click()
    journey.land(page, "Review set up")
    page.get_by_role("link", name="Go to the review").click()
    journey.land(page, "Northmoor thematic review of missing children")
    page.get_by_role("link", name="Change the scope").click()
    journey.land(page, "Scope of this review")
    require("Return home interviews" in page.content(), "the scope page shows the council's own line of enquiry")
    page.get_by_role("button", name="Sign out").click()


def programme(journey: Journey, page: Page, password: str) -> None:
    """The programme manager filters the programme, opens a review's progress and dates, comes back, downloads it."""
    journey.step("the programme manager follows the programme and a review's progress")
    sign_in(journey, page, "programme", password)
    page.goto(f"{journey.base_url}/reviews/programme/")
    journey.land(page, "Programme")
    page.get_by_label("Region").select_option(label="North West")
    page.get_by_role("button", name="Filter").click()
    journey.land(page, "Programme")
    require("Eastwick Vale" not in page.content(), "the region filter leaves out the other region's reviews")
    page.get_by_role("link", name=journey.review, exact=True).click()
    journey.land(page, journey.review)
    for heading in ("Dates", "Stages", "Improvement plan", "Published findings by theme"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    page.get_by_role("link", name="Back to the programme").click()
    journey.land(page, "Programme")
    name, data = download(page, page.get_by_role("link", name="CSV"))
    lines = data.decode("utf-8").splitlines()
    require(name.endswith(".csv") and lines[0].startswith("Review,Council,Region"), f"the programme CSV {name!r}")
    require(any(line.startswith(journey.review) for line in lines[1:]), "the programme CSV lists the review")
    page.get_by_role("button", name="Sign out").click()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the site, e.g. http://127.0.0.1:8765")
    parser.add_argument("--password", required=True, help="the demo accounts' password given to seed_demo")
    parser.add_argument("--totp-secret", required=True, help="the demo authenticator secret given to seed_demo")
    options = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("Debian's chromium is needed (apt-get install -y chromium).", file=sys.stderr)
        return 2

    journey = Journey(options.url, options.totp_secret)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        page = journey.watch(context.new_page())
        try:
            journey.step("the lead signs in and opens the review")
            sign_in(journey, page, "lead", options.password)
            review_url = open_review(journey, page)
            reports(journey, page)
            letter(journey, page, review_url)
            questionnaire(journey, page, browser, review_url)
            voting(journey, page, browser, review_url)
            plan_export(journey, page, review_url)
            access_log(journey, page)
            page.get_by_role("button", name="Sign out").click()
            subject_access(journey, page, options.password)
            set_up_review(journey, page, options.password)
            programme(journey, page, options.password)
        except Exception:
            print(f"Failed on {page.url}", file=sys.stderr)
            raise
        finally:
            browser.close()

    failures = [(url, status) for url, status in journey.navigations if status >= 400]
    if failures:
        print("Pages that did not answer successfully:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(
        f"The journey visited {len(journey.navigations)} pages and downloads, all successful; "
        f"{journey.pages_checked} page checks with axe found no serious or critical violation."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
