"""The multi-agency timeline: a missed timescale is drawn in the lane of the agency responsible for it."""

import datetime
import io
import re

from django.urls import reverse
from pypdf import PdfReader

from casemapping import services
from casemapping.models import TimescaleRule
from casemapping.timeline import LANE, TOP, missed_rows, responsible_agency, timeline_svg
from reviews.models import Report
from reviews.services import build_report_pdf

D = datetime.date


def _missed_line_ys(svg: str) -> list[str]:
    return re.findall(r'<line x1="[^"]+" y1="([^"]+)"[^>]*stroke-dasharray="4 2"><title>Missed', svg)


def test_a_police_referral_puts_social_cares_missed_decision_in_the_social_care_lane(
    review, case, police, social_care, add_event
):
    add_event(case, D(2025, 3, 3), "referral", agency=police)
    add_event(case, D(2025, 3, 10), "referral-decision", agency=social_care)
    events = list(services.chronology(case))
    checks = [check for result in services.case_timeliness(case, events) for check in result.checks]

    svg = timeline_svg(events=events, checks=checks, chart_id="t", title="Timeline")
    rows = missed_rows(events, checks)

    # Lanes follow first appearance: the police (0) then children's social care (1). The referral also starts
    # the single assessment, missed too, and social care's as well.
    assert set(_missed_line_ys(svg)) == {str(TOP + LANE * 1 + LANE / 2)}
    assert sorted((check.rule.name, agency) for check, agency in rows) == [
        ("Decision on a referral", social_care),
        ("Single assessment", social_care),
    ]


def test_a_rule_with_no_responsible_agency_is_drawn_where_its_clock_started(
    review, case, police, social_care, add_event
):
    add_event(case, D(2025, 3, 3), "allegation", agency=police)
    add_event(case, D(2025, 3, 12), "lado-referral", agency=social_care)
    events = list(services.chronology(case))
    checks = [check for result in services.case_timeliness(case, events) for check in result.checks]
    missed = [check for check in checks if check.outcome == "missed"]

    assert [check.rule.responsible_id for check in missed] == [None]
    assert responsible_agency(missed[0], events) == police


def test_a_responsible_agency_with_no_event_falls_back_to_the_start(review, case, police, add_event):
    add_event(case, D(2025, 3, 3), "referral", agency=police)
    events = list(services.chronology(case))
    checks = [check for result in services.case_timeliness(case, events) for check in result.checks]
    missed = [check for check in checks if check.outcome == "missed"]

    assert sorted(check.rule.name for check in missed) == ["Decision on a referral", "Single assessment"]
    assert {responsible_agency(check, events) for check in missed} == {police}


def test_the_national_rules_name_social_care_as_responsible_except_the_lado_referral(db):
    rules = TimescaleRule.objects.filter(council__isnull=True).select_related("responsible")

    responsible = {rule.name: rule.responsible.slug if rule.responsible else None for rule in rules}

    assert responsible["Decision on a referral"] == "childrens-social-care"
    assert responsible["Initial child protection conference"] == "childrens-social-care"
    assert responsible["Allegation referred to the designated officer"] is None
    assert sum(1 for slug in responsible.values() if slug == "childrens-social-care") == 14


def test_the_case_page_table_names_the_responsible_agency(review, case, police, social_care, add_event, peer_client):
    add_event(case, D(2025, 3, 3), "referral", agency=police)
    add_event(case, D(2025, 3, 10), "referral-decision", agency=social_care)

    html = peer_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk])).content.decode()

    row = re.search(r"<td[^>]*>([^<]+)</td>\s*<td[^>]*>Missed timescale: Decision on a referral", html)
    assert row.group(1) == "Testshire Children&#x27;s Services"


def test_a_timeline_with_no_events_says_no_chronology_rather_than_today_to_today():
    svg = timeline_svg(events=[], checks=[], chart_id="t", title="Multi-agency timeline of case C-001")

    assert "No chronology recorded" in svg
    assert datetime.date.today().strftime("%-d %b %Y") not in svg


def test_the_pack_says_no_chronology_for_a_mapped_case_without_events(review, case, workshop):
    report = Report.objects.create(review=review, kind=Report.Kind.CASE_MAPPING_PACK, version=1)

    pdf = build_report_pdf(report)

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "No chronology has been recorded for this case." in text
    assert " to " + datetime.date.today().strftime("%-d %b %Y") not in text


def test_the_case_page_shows_the_rules_that_apply_and_folds_the_rest(review, case, add_event, peer_client):
    add_event(case, D(2025, 2, 5), "strategy-discussion")
    add_event(case, D(2025, 3, 5), "initial-cp-conference")
    rule_count = TimescaleRule.objects.for_council(review.council).count()

    html = peer_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk])).content.decode()

    shown, folded = html.split('<details class="govuk-details">', 1)
    folded = folded.split("</details>", 1)[0]
    shown = shown.split('<h2 class="govuk-heading-l">Timeliness</h2>', 1)[1]
    applying = ["Initial child protection conference", "First core group", "First review conference"]
    assert all(name in shown for name in applying)
    assert "Not applicable" not in shown and "Decision on a referral" not in shown
    assert f"{rule_count - 3} rules do not apply to this chronology" in folded
    assert "Decision on a referral" in folded


def test_the_pack_draws_a_missed_timescale_in_the_responsible_agencys_lane(
    review, case, workshop, police, social_care, add_event
):
    from casemapping.stage import pack_context

    add_event(case, D(2025, 3, 3), "referral", agency=police)
    add_event(case, D(2025, 3, 10), "referral-decision", agency=social_care)

    svg = pack_context(review)["mapped"][0]["timeline"]

    assert set(_missed_line_ys(svg)) == {str(TOP + LANE * 1 + LANE / 2)}
