"""The demo's councils, partners, reviews, cases and findings, as data (seed_demo writes them). Every council,
agency, person and case here is invented; a case is a review-local reference and coded facts only."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

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
        ("police", "Eastwick Vale Policing Area"),
        ("icb", "Eastwick Vale and Ashby Integrated Care Board"),
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


# Reviews, and the demo's dates: every date of the demo comes from one anchor, the day it is seeded, through
# `timeline`. The rich review's on-site week began seven weeks before the week of seeding, so by the seeding day
# its conference is some six weeks past: the letter is published, the votes closed, the plan under way with its
# first monthly update, and the 3-month check still to come. The second review's on-site week began three weeks
# before the week of seeding: its conference some two and a half weeks past, it is writing its letter, due a week
# or so after the seeding day. The earlier review of the first council was on site three years before the rich one.

TITLE = "{council} children's safeguarding peer review {year}"
SCALE_FROM_2013 = "Ofsted scale from November 2013"
NORTHMOOR_PREFIX = "Northmoor children's safeguarding peer review "
ONSITE_WEEKS_BEFORE_SEEDING = {NORTHMOOR: 7, EASTWICK_VALE: 3}
EARLIER_WEEKS_BEFORE = 156  # the earlier review's on-site week, before the rich review's
REQUESTS_DUE_DAYS_BEFORE_ONSITE = 24  # the self assessment's document requests, due on a Friday


@dataclass(frozen=True)
class ReviewDates:
    """A review's timetable, from its on-site week (Monday to Friday, the conference on the Friday)."""

    scoping_date: datetime.date
    onsite_start: datetime.date
    onsite_end: datetime.date
    conference_date: datetime.date
    letter_due: datetime.date
    followup_3_months: datetime.date
    followup_12_months: datetime.date

    @classmethod
    def around(cls, onsite_start: datetime.date, *, scoping_weeks: int = 12) -> "ReviewDates":
        conference = onsite_start + datetime.timedelta(days=4)
        return cls(
            scoping_date=onsite_start - datetime.timedelta(weeks=scoping_weeks),
            onsite_start=onsite_start,
            onsite_end=conference,
            conference_date=conference,
            letter_due=conference + datetime.timedelta(weeks=4),
            followup_3_months=conference + datetime.timedelta(weeks=13),
            followup_12_months=conference + datetime.timedelta(weeks=52),
        )

    def title(self, council: str) -> str:
        """The review's title: the council's short name and the year of its on-site week."""
        return TITLE.format(council=council.removesuffix(" Borough Council").removesuffix(" Council"), year=self.year)

    @property
    def year(self) -> int:
        return self.onsite_start.year

    def as_fields(self) -> dict[str, datetime.date]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Timeline:
    seeding_day: datetime.date
    northmoor: ReviewDates
    eastwick_vale: ReviewDates
    earlier: ReviewDates


def timeline(seeding_day: datetime.date | None = None) -> Timeline:
    """The demo's dates for a demo seeded on `seeding_day` (today by default): the one place they are set."""
    seeding_day = seeding_day or timezone.localdate()
    week = seeding_day - datetime.timedelta(days=seeding_day.weekday())  # the Monday of the seeding week
    northmoor = ReviewDates.around(week - datetime.timedelta(weeks=ONSITE_WEEKS_BEFORE_SEEDING[NORTHMOOR]))
    eastwick_vale = ReviewDates.around(
        week - datetime.timedelta(weeks=ONSITE_WEEKS_BEFORE_SEEDING[EASTWICK_VALE]), scoping_weeks=13
    )
    earlier = ReviewDates.around(
        northmoor.onsite_start - datetime.timedelta(weeks=EARLIER_WEEKS_BEFORE), scoping_weeks=13
    )
    return Timeline(seeding_day, northmoor, eastwick_vale, earlier)


def reviews_data(dates: Timeline) -> list[dict[str, Any]]:
    """The two current reviews, the rich one first, with their dates and status on the timeline."""
    baseline = "Ofsted inspection of safeguarding and looked after children services, June 2011"
    return [
        {
            "title": dates.northmoor.title(NORTHMOOR),
            "council": NORTHMOOR,
            "grade_scale": SCALE_FROM_2013,
            "status": Review.Status.IMPROVEMENT,
            **dates.northmoor.as_fields(),
            "baseline_reference": baseline,
        },
        {
            "title": dates.eastwick_vale.title(EASTWICK_VALE),
            "council": EASTWICK_VALE,
            "grade_scale": SCALE_FROM_2013,
            "status": Review.Status.REPORTING,
            **dates.eastwick_vale.as_fields(),
            "baseline_reference": "Ofsted inspection of local authority children's services, March 2019",
        },
    ]


# The titles of a demo seeded today, which is what the tests seed.
TODAY = timeline()
NORTHMOOR_REVIEW = TODAY.northmoor.title(NORTHMOOR)
EASTWICK_VALE_REVIEW = TODAY.eastwick_vale.title(EASTWICK_VALE)
EARLIER_REVIEW = TODAY.earlier.title(NORTHMOOR)


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
    NORTHMOOR: [
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
    EASTWICK_VALE: [
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
    NORTHMOOR: [
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
    EASTWICK_VALE: [
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
            "Early help assessments are not yet used consistently by schools and health visitors, "
            "so early help is offered late",
            "Audits found early help assessments started only after a referral to children's social care had been declined, "
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
            "The safeguarding partnership does not yet have the capacity to hold partners to account "
            "for the quality of practice",
            "The partnership's business unit is small and its multi-agency audit programme has not run this year.",
            "general",
            AGREED,
            "lead2",
            scope_area=7,
            priority=2,
        ),
    ],
}
