"""Partner engagement: commitments set against what happened in the stages, computed from real stage records."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemapping.models import Workshop, WorkshopAgency
from focusgroups.models import Audience, FocusGroup, Questionnaire, QuestionnaireSettings, Response, Segment
from interviews.models import Interviewee, IntervieweeRole, Session
from reviews import engagement, stages
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.engagement import Against, EngagementMeasure
from reviews.models import Commitment, PlanningMeeting, PlanningMember, Review
from reviews.tasks import render_report

from ..factories import PartnerFactory, ReportFactory
from .test_reports import pdf_text, read_pdf

MEASURES = [
    "case-mapping-practitioners",
    "focus-groups-attended",
    "questionnaire-responses",
    "interview-sessions",
]


def workshop(review, day, attendance):
    held = Workshop.objects.create(status=Workshop.Status.HELD, review=review, held_on=day, facilitators="Peer lead")
    for partner, practitioners in attendance.items():
        WorkshopAgency.objects.create(workshop=held, agency=partner, practitioners=practitioners)
    return held


def focus_group(review, title, agencies):
    group = FocusGroup.objects.create(
        review=review,
        title=title,
        held_on=datetime.date(2026, 12, 8),
        audience=Audience.PARTNERS,
        participants=8,
    )
    group.agencies.set(agencies)
    return group


def session(review, start, interviewees, status=Session.Status.HELD):
    held = Session.objects.create(
        review=review,
        kind=Session.Kind.INTERVIEW,
        title=f"Interview at {start}",
        day=datetime.date(2026, 12, 7),
        start=datetime.time.fromisoformat(start),
        end=datetime.time(int(start[:2]) + 1, 0),
        location="Room 1",
        status=status,
    )
    for partner in interviewees:
        Interviewee.objects.create(session=held, role=IntervieweeRole.OTHER, agency=partner)
    return held


def questionnaire(review, title="Partner staff", closed=True):
    """A questionnaire that has closed (so its responses are settled), or one still open."""
    today = datetime.date.today()
    return Questionnaire.objects.create(
        review=review,
        title=title,
        audience=Audience.PARTNERS,
        token=f"t-{review.pk}",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1) if closed else None,
    )


def segment(review, name, partner, responses, to=None):
    """A segment linked to `partner` (or to none) with `responses` responses to the questionnaire `to`."""
    made = Segment.objects.create(review=review, name=name, partner=partner)
    Response.objects.bulk_create(Response(questionnaire=to, segment=made) for _ in range(responses))
    return made


@pytest.fixture
def partners(review):
    names = ["Health Trust", "Housing", "Police", "Probation", "Schools"]
    return {name: PartnerFactory(council=review.council, name=f"Testshire {name}") for name in names}


@pytest.fixture
def stage_data(review, other_review, partners):
    """Fixed records in every stage with per-partner data, and records of another review that must not count."""
    p = partners
    Commitment.objects.create(
        review=review,
        partner=p["Police"],
        mapping_practitioners=3,
        focus_group_practitioners=2,
        distributes_questionnaire=True,
        expected_responses=30,
    )
    Commitment.objects.create(review=review, partner=p["Health Trust"], mapping_practitioners=2)
    Commitment.objects.create(review=review, partner=p["Schools"])
    Commitment.objects.create(review=review, partner=p["Probation"], mapping_practitioners=1)
    workshop(review, datetime.date(2026, 11, 2), {p["Police"]: 1, p["Health Trust"]: 2, p["Housing"]: 1})
    workshop(review, datetime.date(2026, 11, 9), {p["Police"]: 1, p["Health Trust"]: 1})
    workshop(other_review, datetime.date(2026, 11, 9), {p["Police"]: 9})
    focus_group(review, "Partner practitioners", [p["Police"], p["Schools"]])
    focus_group(review, "Designated leads", [p["Schools"]])
    focus_group(other_review, "Elsewhere", [p["Housing"]])
    session(review, "09:00", [p["Police"], p["Police"], p["Health Trust"]])
    session(review, "11:00", [p["Housing"]], status=Session.Status.CANCELLED)
    session(review, "14:00", [p["Police"]])
    session(other_review, "14:00", [p["Housing"]])
    return partners


@pytest.fixture
def responses_data(review, other_review, stage_data):
    """Questionnaire responses by segment: Police 7 + 2, Schools 3, Health Trust a segment with none, one unlinked
    segment, and responses in another review that must not count."""
    p = stage_data
    answered = questionnaire(review)
    segment(review, "Police: response officers", p["Police"], 7, answered)
    segment(review, "Police: public protection", p["Police"], 2, answered)
    segment(review, "Schools", p["Schools"], 3, answered)
    segment(review, "Health visitors", p["Health Trust"], 0, answered)
    segment(review, "Council front door", None, 4, answered)
    segment(other_review, "Police", p["Police"], 20, questionnaire(other_review, "Elsewhere"))
    return stage_data


def by_name(table):
    return {row.partner.name.removeprefix("Testshire "): row for row in table.rows}


def test_each_stage_hook_counts_per_partner_from_its_own_records(review, stage_data):
    p = stage_data

    measures = {measure.key: measure for measure in engagement.collect_measures(review)}

    assert list(measures) == MEASURES
    assert measures["case-mapping-practitioners"].counts == {
        p["Police"].pk: 2,
        p["Health Trust"].pk: 3,
        p["Housing"].pk: 1,
    }
    assert measures["focus-groups-attended"].counts == {p["Police"].pk: 1, p["Schools"].pk: 2}
    assert measures["questionnaire-responses"].counts is None
    assert "cannot be tied to a partner agency" in measures["questionnaire-responses"].note
    assert measures["interview-sessions"].counts == {p["Police"].pk: 2, p["Health Trust"].pk: 1}


def test_the_table_sets_each_commitment_against_what_happened(review, stage_data):
    table = engagement.engagement_table(review)

    rows = by_name(table)
    names = ["Housing", "Police", "Probation", "Schools", "Health Trust"]
    assert [[cell.text for cell in rows[name].cells] for name in names] == [
        [
            "1 practitioner; nothing committed",
            "0 groups; nothing committed",
            "Not known; nothing committed",
            "0 sessions",
        ],
        [
            "2 practitioners; 3 practitioners committed",
            "1 group; 2 practitioners committed",
            "Not known; 30 responses expected",
            "2 sessions",
        ],
        [
            "0 practitioners; 1 practitioner committed",
            "0 groups; none committed",
            "Not known; does not distribute the questionnaire",
            "0 sessions",
        ],
        [
            "0 practitioners; none committed",
            "2 groups; none committed",
            "Not known; does not distribute the questionnaire",
            "0 sessions",
        ],
        [
            "3 practitioners; 2 practitioners committed",
            "0 groups; none committed",
            "Not known; does not distribute the questionnaire",
            "1 session",
        ],
    ]
    assert (table.committed_partners, table.partner_count) == (4, 5)


def test_under_represented_partners_come_first_with_their_reasons(review, stage_data):
    table = engagement.engagement_table(review)

    # Police sent 2 of 3 practitioners but attended the focus group it committed to: partly as committed, not
    # under-represented; agencies with no commitment have nothing to be under.
    assert [(row.partner.name, row.status.label, row.reasons) for row in table.rows] == [
        (
            "Testshire Probation",
            "Under-represented",
            ["Practitioners at case-mapping workshops: 0 of 1 committed", "Took part in no stage"],
        ),
        ("Testshire Police", "Partly as committed", ["Practitioners at case-mapping workshops: 2 of 3 committed"]),
        ("Testshire Housing", "No commitment", ["No commitment recorded"]),
        ("Testshire Schools", "No commitment", ["Committed nothing"]),
        ("Testshire Health Trust", "As committed", []),
    ]
    assert [row.partner.name for row in table.under_represented] == ["Testshire Probation"]
    assert len(table.needs_attention) == 4


def test_a_partner_that_committed_to_focus_groups_but_attended_none_is_flagged(review, partners):
    Commitment.objects.create(review=review, partner=partners["Police"], focus_group_practitioners=4)
    workshop(review, datetime.date(2026, 11, 2), {partners["Police"]: 1})

    rows = by_name(engagement.engagement_table(review))

    assert rows["Police"].reasons == ["Focus groups attended: none, though it committed 4 practitioners"]
    assert [cell.short for cell in rows["Police"].cells] == [False, True, False, False]


def test_partners_of_another_council_are_not_in_the_table(review, other_review, stage_data):
    PartnerFactory(council=other_review.council, name="Otherton Police")

    names = [row.partner.name for row in engagement.engagement_table(review).rows]

    assert "Otherton Police" not in names
    assert len(names) == 5


def test_the_table_runs_the_same_queries_for_one_and_for_many_partners(review, other_review):
    police = PartnerFactory(council=review.council, name="Testshire Police")
    Commitment.objects.create(review=review, partner=police, mapping_practitioners=1)
    workshop(review, datetime.date(2026, 11, 2), {police: 1})
    focus_group(review, "One", [police])
    session(review, "09:00", [police])
    answered = questionnaire(review)
    segment(review, "Police", police, 6, answered)
    with CaptureQueriesContext(connection) as one:
        engagement.engagement_table(review)
    many = [PartnerFactory(council=review.council, name=f"Agency {number}") for number in range(15)]
    for number, partner in enumerate(many):
        Commitment.objects.create(review=review, partner=partner, mapping_practitioners=number)
    workshop(review, datetime.date(2026, 11, 9), dict.fromkeys(many, 2))
    focus_group(review, "Many", many)
    session(review, "11:00", many)
    for number, partner in enumerate(many):
        segment(review, f"Team {number}", partner, number, answered)

    with CaptureQueriesContext(connection) as more:
        table = engagement.engagement_table(review)

    assert table.partner_count == 16
    assert len(one) == len(more)
    assert len(more) == 2 + 5  # partners and commitments, one query per measure, whether a workshop is planned


def test_a_measure_refuses_an_unknown_commitment_or_a_missing_comparison():
    with pytest.raises(ValueError, match="Unknown commitment"):
        EngagementMeasure(
            key="x", label="X", stage_slug="x", counts={}, commitment="cups_of_tea", against=Against.COUNT
        )
    with pytest.raises(ValueError, match="says how"):
        EngagementMeasure(key="x", label="X", stage_slug="x", counts={}, commitment="mapping_practitioners")


def test_a_stage_without_the_hook_adds_no_measure(review):
    stage = stages.Stage(
        slug="quiet",
        title="Quiet stage",
        order=98,
        app_label="quiet",
        entry_url_name="reviews:overview",
        description="A stage with nothing per partner.",
        progress=stages.not_started,
        report_section=stages.empty_section,
    )
    stages.register(stage)
    try:
        keys = [measure.key for measure in engagement.collect_measures(review)]
    finally:
        stages.unregister("quiet")

    assert keys == MEASURES


# The review overview


def test_with_no_agency_under_represented_the_overview_does_not_count_none(review, lead_client, partners):
    page = lead_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()

    assert f"{len(partners)} agencies are short of a commitment or without one:" in page
    assert "under-represented)" not in page and "0 agencies" not in page


def test_the_overview_shows_the_engagement_block_with_the_under_represented_first(review, lead_client, stage_data):
    response = lead_client.get(reverse("reviews:overview", args=[review.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Partner engagement" in page
    assert "4 of 5 partner agencies have made a commitment to the review." in page
    assert "4 agencies are short of a commitment or without one (1 under-represented):" in page
    assert (
        "<strong>Testshire Police</strong> (partly as committed): Practitioners at case-mapping workshops: "
        "2 of 3 committed." in page
    )
    assert page.count("Under-represented</strong>") == 1
    assert page.count("Partly as committed</strong>") == 1
    assert page.count("No commitment</strong>") == 2
    assert page.count("As committed</strong>") == 1
    assert reverse("reviews:planning", args=[review.pk]) in page


@pytest.mark.parametrize("client_name", ["sponsor_client", "contributor_client", "observer_client", "auditor_client"])
def test_every_member_sees_the_engagement_block(request, client_name, review, stage_data):
    response = request.getfixturevalue(client_name).get(reverse("reviews:overview", args=[review.pk]))

    assert [row.partner.name for row in response.context["engagement"].under_represented][0] == "Testshire Probation"


def test_the_overview_runs_the_same_queries_for_one_and_for_many_partners_and_members(review, lead_client):
    police = PartnerFactory(council=review.council, name="Testshire Police")
    Commitment.objects.create(review=review, partner=police)
    PlanningMember.objects.create(review=review, role="Chair", partner=police)
    url = reverse("reviews:overview", args=[review.pk])
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url)
    for number in range(20):
        partner = PartnerFactory(council=review.council, name=f"Agency {number}")
        Commitment.objects.create(review=review, partner=partner, focus_group_practitioners=number)
        PlanningMember.objects.create(review=review, role=f"Role {number}", partner=partner)
        workshop(review, datetime.date(2026, 11, 1) + datetime.timedelta(days=number), {partner: 1, police: 1})
    focus_group(review, "Many", list(review.council.partners.all()))

    with CaptureQueriesContext(connection) as many:
        response = lead_client.get(url)

    assert response.context["engagement"].partner_count == 21
    assert len(one) == len(many)


# The baseline report


def test_the_baseline_pdf_has_the_partner_engagement_chapter(review, stage_data):
    PlanningMember.objects.create(review=review, role="Chair of the planning group", name="Ruth Example")
    PlanningMember.objects.create(review=review, role="Designated nurse", partner=stage_data["Health Trust"])
    PlanningMeeting.objects.create(review=review, held_on=datetime.date(2026, 10, 5), note="Commitments agreed")
    report = ReportFactory(review=review)

    render_report(report_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.error) == ("done", "")
    text = pdf_text(read_pdf(report))
    chapter = text[text.index("The council and its partners planned the review") :]
    assert "Chair of the planning group" in chapter
    assert f"{review.council.name} Ruth Example" in chapter
    assert "Designated nurse Testshire Health Trust –" in chapter
    assert "5 October 2026: Commitments agreed" in chapter
    assert "4 of 5 partner agencies made a commitment. 1 was under-represented." in chapter
    assert (
        "Testshire Police (partly as committed): Practitioners at case-mapping workshops: 2 of 3 committed." in chapter
    )
    assert "2 practitioners; 3 practitioners committed (short)" in chapter
    assert "cannot be tied to a partner agency" in chapter
    assert text.index("Partner engagement") < text.index("Evidence index")


# Demo data


@pytest.mark.django_db
def test_the_demo_review_has_a_planning_group_and_an_under_represented_partner(settings):
    settings.DEBUG = True  # the default demo password needs debug on, as in the quick start
    call_command("seed_demo", stdout=io.StringIO())
    snapshot = [
        list(model.objects.order_by("pk").values())
        for model in (PlanningMember, PlanningMeeting, Commitment, PlanningMember.history.model, Segment)
    ]

    call_command("seed_demo", stdout=io.StringIO())

    review = Review.objects.get(title=NORTHMOOR_REVIEW)
    members = PlanningMember.objects.filter(review=review)
    table = engagement.engagement_table(review)
    assert [
        list(model.objects.order_by("pk").values())
        for model in (PlanningMember, PlanningMeeting, Commitment, PlanningMember.history.model, Segment)
    ] == snapshot
    assert members.count() == 8
    assert members.filter(name="").count() == 3
    assert all(member.email.endswith(".example") for member in members.exclude(email=""))
    assert PlanningMeeting.objects.filter(review=review).count() == 4
    assert (table.committed_partners, table.partner_count) == (7, 8)
    # Questionnaires still open: nobody is short on those yet.
    assert {row.partner.name: row.reasons for row in table.under_represented} == {
        "Northmoor Police Division": [
            "Practitioners at case-mapping workshops: 2 of 3 committed",
            "Focus groups attended: none, though it committed 2 practitioners",
        ],
    }
    assert {row.partner.name: row.status.label for row in table.needs_attention} == {
        "Northmoor Police Division": "Under-represented",
        "Northmoor Homes": "No commitment",
    }
    responses = {row.partner.name: row.cells[2].text for row in table.rows}
    assert responses["Northmoor Borough Council Children's Services"] == "98 responses; 80 responses expected"
    assert responses["Northmoor Police Division"] == "19 responses; 30 responses expected"
    assert responses["Northmoor Homes"] == "Not known; nothing committed"


# Questionnaire responses per partner, through segments linked to partner agencies


def test_responses_count_per_partner_through_linked_segments(review, responses_data):
    p = responses_data

    measures = {measure.key: measure for measure in engagement.collect_measures(review)}

    responses = measures["questionnaire-responses"]
    assert responses.counts == {p["Police"].pk: 9, p["Schools"].pk: 3, p["Health Trust"].pk: 0}
    assert (responses.minimum, responses.missing) == (5, None)
    assert "from 1 to 4 responses are shown as fewer than 5" in responses.note


def test_the_table_shows_responses_against_expected_and_hides_small_counts(review, responses_data):
    table = engagement.engagement_table(review)

    rows = by_name(table)
    assert {name: rows[name].cells[2].text for name in rows} == {
        "Housing": "Not known; nothing committed",
        "Police": "9 responses; 30 responses expected",
        "Probation": "Not known; does not distribute the questionnaire",
        "Schools": "Fewer than 5 responses; does not distribute the questionnaire",
        "Health Trust": "0 responses; does not distribute the questionnaire",
    }
    assert rows["Police"].cells[2].short is True
    assert "Questionnaire responses: 9 of 30 committed" in rows["Police"].reasons
    schools = rows["Schools"].cells[2]
    assert (schools.happened, schools.suppressed, schools.shown) == (None, True, "fewer than 5")


def test_a_partner_short_of_its_expected_responses_is_never_told_the_exact_small_number(review, partners, lead_client):
    police = partners["Police"]
    Commitment.objects.create(review=review, partner=police, distributes_questionnaire=True, expected_responses=10)
    segment(review, "Police", police, 2, questionnaire(review))

    rows = by_name(engagement.engagement_table(review))
    page = lead_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()
    block = page[page.index('id="partner-engagement"') :]

    assert rows["Police"].reasons == ["Questionnaire responses: fewer than 5 of 10 committed"]
    assert "Took part in no stage" not in rows["Police"].reasons
    assert rows["Police"].cells[2].text == "Fewer than 5 responses; 10 responses expected"
    assert "Fewer than 5 responses; 10 responses expected" in block
    assert (
        "<strong>Testshire Police</strong> (under-represented): Questionnaire responses: fewer than 5 of 10 committed."
        in block
    )
    assert "2 responses" not in block
    assert "2 of 10" not in block


def test_the_review_minimum_group_decides_what_is_hidden(review, responses_data):
    QuestionnaireSettings.objects.create(review=review, minimum_group=3)

    rows = by_name(engagement.engagement_table(review))

    assert rows["Schools"].cells[2].text == "3 responses; does not distribute the questionnaire"
    assert rows["Schools"].cells[2].suppressed is False


def test_a_count_just_below_the_minimum_is_hidden_and_one_at_it_is_shown(review, partners):
    QuestionnaireSettings.objects.create(review=review, minimum_group=4)
    answered = questionnaire(review)
    segment(review, "Police", partners["Police"], 3, answered)
    segment(review, "Schools", partners["Schools"], 4, answered)

    rows = by_name(engagement.engagement_table(review))

    assert rows["Police"].cells[2].text == "Fewer than 4 responses; nothing committed"
    assert rows["Schools"].cells[2].text == "4 responses; nothing committed"


def test_responses_are_counted_in_one_query_whatever_the_number_of_segments_and_responses(review, partners):
    answered = questionnaire(review)
    segment(review, "Police", partners["Police"], 1, answered)
    with CaptureQueriesContext(connection) as one:
        engagement.engagement_table(review)
    for number, partner in enumerate(partners.values()):
        segment(review, f"Team {number}", partner, 10 + number, answered)
    QuestionnaireSettings.objects.create(review=review, minimum_group=3)

    with CaptureQueriesContext(connection) as more:
        table = engagement.engagement_table(review)

    assert len(one) == len(more) == 2 + 5
    assert by_name(table)["Police"].cells[2].text == "13 responses; nothing committed"  # 1 + 12


def test_nobody_is_short_of_responses_while_a_questionnaire_is_still_open(review, partners):
    police = partners["Police"]
    Commitment.objects.create(review=review, partner=police, distributes_questionnaire=True, expected_responses=35)
    segment(review, "Police", police, 28, questionnaire(review, closed=False))

    rows = by_name(engagement.engagement_table(review))

    assert rows["Police"].cells[2].short is False
    assert rows["Police"].status.label == "As committed"
    assert "still open" in rows["Police"].cells[2].measure.note


def test_nobody_is_short_of_workshop_practitioners_while_a_workshop_is_planned(review, partners):
    police = partners["Police"]
    Commitment.objects.create(review=review, partner=police, mapping_practitioners=4)
    workshop(review, datetime.date(2026, 11, 2), {police: 3})
    Workshop.objects.create(review=review, held_on=datetime.date(2026, 12, 20), facilitators="Peer lead")

    rows = by_name(engagement.engagement_table(review))

    assert rows["Police"].cells[0].short is False
    assert rows["Police"].status.label == "As committed"
