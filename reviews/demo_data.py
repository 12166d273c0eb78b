"""The demo's councils, partners, reviews, cases and findings, as data (seed_demo writes them). Every council,
agency, person and case here is invented; a case is a review-local reference and coded facts only."""

import datetime
from dataclasses import dataclass
from typing import Any

from reviews.models import Case, Council, Finding, Review

# Councils and their partners (all invented)

NORTHMOOR = "Northmoor Borough Council"
EASTWICK_VALE = "Eastwick Vale Council"

COUNCILS: dict[str, dict[str, str]] = {
    NORTHMOOR: {"ons_code": "E06000901", "record_number_pattern": r"^NMB\d{7}$", "region": Council.Region.NORTH_WEST},
    EASTWICK_VALE: {"ons_code": "E10000902", "record_number_pattern": "", "region": Council.Region.EAST},
}

# (partner kind slug, agency name)
PARTNERS: dict[str, list[tuple[str, str]]] = {
    NORTHMOOR: [
        ("childrens-social-care", "Northmoor Borough Council Children's Services"),
        ("police", "Northmoor Police Division"),
        ("icb", "Northmoor and Fenby Integrated Care Board"),
        ("health-provider", "Northmoor Hospitals NHS Foundation Trust"),
        ("camhs", "Northmoor Child and Adolescent Mental Health Service"),
        ("education", "Northmoor Schools and Learning Service"),
        ("housing", "Northmoor Homes"),
        ("voluntary-sector", "Northmoor Domestic Abuse Support Service"),
    ],
    EASTWICK_VALE: [
        ("childrens-social-care", "Eastwick Vale Council Children's Services"),
        ("lscb", "Eastwick Vale Local Safeguarding Children Board"),
        ("police", "Eastwick Vale Policing Area"),
        ("pct", "Eastwick Vale Primary Care Trust"),
        ("health-provider", "Eastwick Vale Community Health NHS Trust"),
        ("camhs", "Eastwick Vale Child and Adolescent Mental Health Service"),
        ("education", "Eastwick Vale Schools Service"),
        ("housing", "Eastwick Vale Housing Partnership"),
        ("voluntary-sector", "Vale Families Together"),
    ],
}

# Local names of the threshold levels, by order: labels are per council.
LOCAL_THRESHOLD_LABELS: dict[str, dict[int, str]] = {
    NORTHMOOR: {
        1: "Level 1: Universal",
        2: "Level 2: Early help",
        3: "Level 3: Child in need",
        4: "Level 4: Specialist",
    },
}


# Reviews

NORTHMOOR_REVIEW = "Northmoor children's safeguarding peer review 2026"
EASTWICK_VALE_REVIEW = "Eastwick Vale children's safeguarding peer review 2012"

SCALE_FROM_2013 = "Ofsted scale from November 2013"
SCALE_UNTIL_2013 = "Ofsted scale until November 2013"

REVIEWS: list[dict[str, Any]] = [
    {
        "title": NORTHMOOR_REVIEW,
        "council": NORTHMOOR,
        "grade_scale": SCALE_FROM_2013,
        "status": Review.Status.PREPARATION,
        "scoping_date": datetime.date(2026, 9, 14),
        "onsite_start": datetime.date(2026, 12, 7),
        "onsite_end": datetime.date(2026, 12, 11),
        "conference_date": datetime.date(2026, 12, 11),
        "letter_due": datetime.date(2027, 1, 8),
        "followup_3_months": datetime.date(2027, 3, 11),
        "followup_12_months": datetime.date(2027, 12, 10),
        "baseline_reference": "Ofsted inspection of safeguarding and looked after children services, June 2011",
    },
    {
        "title": EASTWICK_VALE_REVIEW,
        "council": EASTWICK_VALE,
        "grade_scale": SCALE_UNTIL_2013,
        "status": Review.Status.REPORTING,
        "scoping_date": datetime.date(2012, 2, 13),
        "onsite_start": datetime.date(2012, 5, 14),
        "onsite_end": datetime.date(2012, 5, 18),
        "conference_date": datetime.date(2012, 5, 18),
        "letter_due": datetime.date(2012, 6, 15),
        "followup_3_months": datetime.date(2012, 8, 17),
        "followup_12_months": datetime.date(2013, 5, 17),
        "baseline_reference": "Ofsted inspection of safeguarding and looked after children services, June 2011",
    },
]


# Cases: a review-local reference and coded facts only; never a name, date of birth or address.


@dataclass(frozen=True)
class DemoCase:
    reference: str
    age_band: str
    threshold_order: int
    legal_status: str
    cp_category: str = ""
    has_disability: bool = False
    circumstances: tuple[str, ...] = ()
    partner_kinds: tuple[str, ...] = ()


LS = Case.LegalStatus
CP = Case.CPCategory
AGE = Case.AgeBand

CASES: dict[str, list[DemoCase]] = {
    NORTHMOOR_REVIEW: [
        DemoCase(
            "NM-C01",
            AGE.UNDER_1,
            4,
            LS.CHILD_PROTECTION,
            CP.NEGLECT,
            circumstances=("Domestic violence", "Substance abuse"),
            partner_kinds=("childrens-social-care", "police", "health-provider", "voluntary-sector"),
        ),
        DemoCase(
            "NM-C02",
            AGE.AGE_10_15,
            3,
            LS.CHILD_IN_NEED,
            circumstances=("Missing children", "Sexual exploitation"),
            partner_kinds=("childrens-social-care", "police", "education", "camhs"),
        ),
        DemoCase(
            "NM-C03",
            AGE.AGE_5_9,
            2,
            LS.EARLY_HELP,
            has_disability=True,
            circumstances=("Children with disabilities",),
            partner_kinds=("education", "health-provider"),
        ),
        DemoCase(
            "NM-C04",
            AGE.AGE_16_17,
            4,
            LS.LOOKED_AFTER_S20,
            circumstances=("Missing children",),
            partner_kinds=("childrens-social-care", "housing", "police"),
        ),
        DemoCase(
            "NM-C05",
            AGE.AGE_1_4,
            4,
            LS.CHILD_PROTECTION,
            CP.EMOTIONAL,
            circumstances=("Domestic violence",),
            partner_kinds=("childrens-social-care", "police", "health-provider", "voluntary-sector", "icb"),
        ),
        DemoCase(
            "NM-C06",
            AGE.AGE_10_15,
            3,
            LS.CHILD_IN_NEED,
            has_disability=True,
            circumstances=("Allegations against professionals", "Isolated children"),
            partner_kinds=("childrens-social-care", "education", "camhs"),
        ),
    ],
    EASTWICK_VALE_REVIEW: [
        DemoCase(
            "EV-C01",
            AGE.AGE_1_4,
            4,
            LS.CHILD_PROTECTION,
            CP.PHYSICAL,
            circumstances=("Domestic violence",),
            partner_kinds=("childrens-social-care", "police", "health-provider"),
        ),
        DemoCase(
            "EV-C02",
            AGE.AGE_10_15,
            3,
            LS.CHILD_IN_NEED,
            circumstances=("Missing children",),
            partner_kinds=("childrens-social-care", "police", "education"),
        ),
        DemoCase(
            "EV-C03",
            AGE.UNBORN,
            4,
            LS.CHILD_PROTECTION,
            CP.NEGLECT,
            circumstances=("Substance abuse",),
            partner_kinds=("childrens-social-care", "health-provider", "voluntary-sector"),
        ),
    ],
}


# Findings: theme, scope area and focus area are given by their order in the framework.


@dataclass(frozen=True)
class DemoFinding:
    theme: int
    kind: str
    summary: str
    detail: str
    stage: str
    status: str
    raised_by: str
    scope_area: int | None = None
    focus_areas: tuple[int, ...] = ()  # orders of the framework's focus areas
    circumstances: tuple[int, ...] = ()  # orders of its specific circumstances
    priority: int | None = None


STRENGTH = Finding.Kind.STRENGTH
AREA = Finding.Kind.AREA
DRAFT = Finding.Status.DRAFT
AGREED = Finding.Status.AGREED
PUBLISHED = Finding.Status.PUBLISHED

FINDINGS: dict[str, list[DemoFinding]] = {
    NORTHMOOR_REVIEW: [
        DemoFinding(
            1,
            STRENGTH,
            "Practitioners know their children well and the voice of the child is clearly recorded in most case files",
            "In the cases mapped, social workers and health visitors described children's daily lives in detail, "
            "and direct work with children was recorded in the child's own words.",
            "case-mapping",
            AGREED,
            "lead",
            scope_area=3,
        ),
        DemoFinding(
            1,
            AREA,
            "Management oversight is not consistently evident on case files, and the rationale for decisions "
            "is not always recorded",
            "Several audited cases showed supervision taking place without a recorded rationale for changes of plan, "
            "which makes it hard to see why a case stepped down.",
            "audits",
            DRAFT,
            "peer",
            scope_area=4,
        ),
        DemoFinding(
            2,
            AREA,
            "Performance information is collected but not yet used to understand the impact of early help "
            "on outcomes for children",
            "The self assessment reports volumes and timeliness; it does not yet show whether children's "
            "circumstances improved after early help ended.",
            "self-assessment",
            DRAFT,
            "peer",
            scope_area=1,
        ),
        DemoFinding(
            3,
            STRENGTH,
            "Thresholds are well understood by partners and applied consistently at the front door",
            "Police, schools and health colleagues described the local threshold document with confidence, "
            "and contacts reviewed were routed to the right level of need within one working day.",
            "general",
            PUBLISHED,
            "lead",
            scope_area=2,
            focus_areas=(1,),
        ),
        DemoFinding(
            3,
            AREA,
            "Health and police attendance at strategy discussions is inconsistent out of hours",
            "Chronologies rebuilt in case mapping showed strategy discussions held at night without a health "
            "representative, so information known to health services reached the s.47 enquiry late.",
            "case-mapping",
            AGREED,
            "peer",
            scope_area=5,
            focus_areas=(2,),
            circumstances=(3, 5),
        ),
        DemoFinding(
            4,
            AREA,
            "High caseloads in the assessment teams and reliance on agency social workers put the quality "
            "of assessments at risk",
            "The self assessment and the workforce data show caseloads above the council's own standard in two "
            "assessment teams, with a third of posts filled by agency staff.",
            "self-assessment",
            DRAFT,
            "lead",
        ),
        DemoFinding(
            4,
            STRENGTH,
            "Supervision is regular and reflective, and newly qualified social workers value the support they receive",
            "Audited cases showed supervision at the expected frequency, and records reflected on risk "
            "as well as tasks.",
            "audits",
            AGREED,
            "peer",
            scope_area=4,
        ),
        DemoFinding(
            5,
            STRENGTH,
            "Senior leaders and partners share a clear vision for children and are open to challenge",
            "The sponsor and partner leaders set out shared priorities, welcomed the review as a critical friend "
            "and had already acted on the findings of their own audits.",
            "general",
            PUBLISHED,
            "lead",
        ),
    ],
    EASTWICK_VALE_REVIEW: [
        DemoFinding(
            1,
            STRENGTH,
            "Children on child protection plans are seen regularly and their plans are reviewed within timescale",
            "All the mapped cases on a plan had visits at the frequency set by the council and review "
            "conferences held on time.",
            "case-mapping",
            PUBLISHED,
            "lead2",
            focus_areas=(3,),
            circumstances=(2,),
        ),
        DemoFinding(
            3,
            AREA,
            "The Common Assessment Framework is not yet used consistently by schools and health visitors, "
            "so early help is offered late",
            "Audits found CAFs started only after a referral to children's social care had been declined, "
            "rather than when needs first emerged.",
            "audits",
            AGREED,
            "peer2",
            scope_area=2,
            focus_areas=(1,),
            circumstances=(7,),
            priority=1,
        ),
        DemoFinding(
            5,
            AREA,
            "The Local Safeguarding Children Board does not yet have the capacity to hold partners to account "
            "for the quality of practice",
            "The board's business unit is small and its multi-agency audit programme has not run this year.",
            "general",
            AGREED,
            "lead2",
            scope_area=7,
            priority=2,
        ),
    ],
}
