"""An earlier, closed review of the first demo council, set as its review's previous review.

It holds enough of each stage to compare: scope-area grades, a few mapped cases with timeliness
events, an audit sample regraded by the peers, questionnaire answers on the library questions
(enough responses to be shown) and an improvement plan with actions in mixed statuses. Nobody in
the demo is a member of it, so the comparison shows that members of the later review see its
figures but not its records. Everything is invented; running it again changes nothing.

Its dates follow the rich review's (`demo_data.timeline`): on site three years before it, so its records, kept
for ten years after its 12-month check, stay for years after the demo is seeded.

Like seed_demo, this module composes the stage apps' demo data; each stage's part runs only when
the stage is registered, and imports the stage app only then.
"""

import datetime

from django.utils import timezone

from . import stages
from .demo import upsert
from .demo_data import ReviewDates
from .models import Case, Framework, Review

DAY = datetime.timedelta(days=1)
RETENTION_MONTHS = 120

# Council grade and the peers' published grade (ranks: 1 Outstanding .. 4 Inadequate), per scope area in order.
GRADES = [(3, 3), (3, 4), (3, 3), (2, 3), (3, 3), (2, 2), (3, 3)]

# Per case: days after the strategy discussion of the initial conference, then of the first core group.
CASES = {"NM23-C01": (12, 8), "NM23-C02": (28, 9), "NM23-C03": (18, 20), "NM23-C04": (14, 12)}
STRATEGY_DAYS_BEFORE = 182  # the strategy discussions, half a year before the on-site week

# Council overall rank, then the peers' regrade of every domain and overall.
AUDITS = {"NM23-A01": (2, 3), "NM23-A02": (2, 2), "NM23-A03": (1, 3), "NM23-A04": (2, 3), "NM23-A05": (3, 3)}

PRIORITY = "Make the front door consistent across agencies"
ACTIONS = [
    ("Publish a multi-agency threshold document", "Head of Early Help", "done", "green"),
    ("Train front door staff and partners on thresholds", "Front door manager", "done", "green"),
    ("Audit contacts that did not become referrals every quarter", "Head of Quality Assurance", "in_progress", "amber"),
    (
        "Agree joint strategy discussion rotas with the police",
        "Detective Inspector, safeguarding",
        "not_started",
        "red",
    ),
]


def seed_earlier_review(*, review: Review, users: dict, dates: ReviewDates) -> Review:
    """Create the earlier review of `review`'s council, on these dates, and set it as `review`'s previous review."""
    framework = Framework.objects.get(is_default=True)
    earlier = upsert(
        Review,
        {"title": dates.title(review.council.name)},
        {
            "council": review.council,
            "framework": framework,
            "grade_scale": review.grade_scale,
            "status": Review.Status.CLOSED,
            **dates.as_fields(),
            "baseline_reference": "Ofsted inspection of local authority children's services, June 2019",
        },
    )
    upsert(Review, {"pk": review.pk}, {"previous_review": earlier})
    parts = {
        "self-assessment": _self_assessment,
        "case-mapping": _case_mapping,
        "audits": _audits,
        "focus-groups": _questionnaires,
        "conference": _plan,
    }
    for slug, add in parts.items():
        if stages.get(slug) is not None:
            add(earlier, users)
    # Finished and archived (read-only) a few weeks after its 12-month check; its records kept for ten years after
    # that check, so the retention schedule leaves them for years after the demo is seeded.
    Review.objects.filter(pk=earlier.pk).update(retention_months=RETENTION_MONTHS)
    archived = datetime.datetime.combine(dates.followup_12_months + 25 * DAY, datetime.time(9, 30))
    Review.objects.filter(pk=earlier.pk, archived_at__isnull=True).update(
        archived_at=timezone.make_aware(archived), archived_by=users.get("admin")
    )
    earlier.refresh_from_db()
    return earlier


def _self_assessment(review: Review, users: dict) -> None:
    from selfassessment.models import Entry, PeerAnalysis
    from selfassessment.services import set_up_entries

    set_up_entries(review=review, include_themes=False)
    grades = {grade.rank: grade for grade in review.grade_scale.grades.all()}
    decided = timezone.make_aware(datetime.datetime.combine(review.onsite_start - 14 * DAY, datetime.time(10, 0)))
    entries = review.self_assessment_entries.filter(scope_area__isnull=False).order_by("scope_area__order")
    for entry, (council, peers) in zip(entries, GRADES, strict=False):
        upsert(
            Entry,
            {"pk": entry.pk},
            {
                "what_we_know": f"The council's view of this area in {review.onsite_start.year}.",
                "how_we_know": "Performance data and the council's own audits.",
                "what_next": "Actions in the improvement plan.",
                "grade": grades[council],
                "status": Entry.Status.ACCEPTED,
                "submitted_at": decided,
                "decided_at": decided,
            },
        )
        upsert(
            PeerAnalysis,
            {"entry": entry},
            {
                "commentary": f"The peers' view in {review.onsite_start.year}.",
                "grade": grades[peers],
                "published_at": decided,
            },
        )


def _case(review: Review, reference: str, legal_status: str) -> Case:
    return upsert(
        Case,
        {"review": review, "reference": reference},
        {
            "age_band": Case.AgeBand.AGE_5_9,
            "threshold_level": review.council.threshold_levels.order_by("order").last(),
            "legal_status": legal_status,
            "cp_category": Case.CPCategory.NEGLECT if legal_status == Case.LegalStatus.CHILD_PROTECTION else "",
        },
    )


def _case_mapping(review: Review, users: dict) -> None:
    from casemapping.models import Event, EventKind

    kinds = {kind.slug: kind for kind in EventKind.objects.all()}
    partners = {partner.kind.slug: partner for partner in review.council.partners.select_related("kind")}
    agency = partners.get("childrens-social-care") or review.council.partners.order_by("pk").first()
    strategy_day = review.onsite_start - STRATEGY_DAYS_BEFORE * DAY
    for reference, (conference_after, core_group_after) in CASES.items():
        case = _case(review, reference, Case.LegalStatus.CHILD_PROTECTION)
        conference = strategy_day + datetime.timedelta(days=conference_after)
        events = [
            (strategy_day, "strategy-discussion", "Strategy discussion with police and health"),
            (conference, "initial-cp-conference", "Initial child protection conference"),
            (conference + datetime.timedelta(days=core_group_after), "core-group", "First core group"),
            (conference + datetime.timedelta(days=80), "review-cp-conference", "First review conference"),
            (conference + datetime.timedelta(days=120), "cp-plan-ended", "Plan ended; child in need plan"),
            (conference + datetime.timedelta(days=121), "case-closed", "Case stepped down to early help"),
        ]
        for day, kind, summary in events:
            upsert(
                Event,
                {"case": case, "date": day, "sequence": 1},
                {"review": review, "kind": kinds[kind], "agency": agency, "summary": summary},
            )


def _audits(review: Review, users: dict) -> None:
    from audits.models import AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation

    tool = AuditTool.objects.for_review(review)
    auditor = users.get("auditor")
    if tool is None or auditor is None:
        return
    domains = sorted(tool.domains.all(), key=lambda domain: domain.order)
    grades = {grade.rank: grade for grade in tool.grade_scale.grades.all()}
    for index, (reference, (council, peers)) in enumerate(AUDITS.items()):
        case = _case(review, reference, Case.LegalStatus.CHILD_IN_NEED)
        audit = upsert(
            CouncilAudit,
            {"review": review, "case": case},
            {
                "tool": tool,
                "auditor_role": "Team manager",
                "auditor_team": "Assessment team",
                "audit_date": review.onsite_start - 56 * DAY + datetime.timedelta(days=7 * index),
                "overall_grade": grades[council],
                "narrative": f"Council audit of {reference}.",
            },
        )
        for domain in domains:
            upsert(CouncilGrade, {"audit": audit, "domain": domain}, {"grade": grades[council]})
        validation = Validation.objects.filter(audit=audit).first()
        if validation is None:
            validation = Validation.objects.create(
                review=review,
                audit=audit,
                auditor=auditor,
                sample_seed=review.onsite_start.year,
                status=Validation.Status.REGRADED,
                overall_grade=grades[peers],
                narrative=f"Peer regrade of {reference}.",
                submitted_at=timezone.make_aware(
                    datetime.datetime.combine(review.onsite_start + DAY, datetime.time(10))
                ),
                version=2,
            )
        for domain in domains:
            upsert(PeerGrade, {"validation": validation, "domain": domain}, {"grade": grades[peers]})


def _questionnaires(review: Review, users: dict) -> None:
    from focusgroups.demo import SEGMENTS, _responses
    from focusgroups.library import ensure_library
    from focusgroups.models import Audience, Questionnaire, Segment

    partners = {partner.name: partner for partner in review.council.partners.all()}
    segments = [
        upsert(Segment, {"review": review, "name": name}, {"expected": expected, "partner": partners.get(agency)})
        for name, expected, agency, _ in SEGMENTS
    ]
    for entry in ensure_library():
        if entry.audience == Audience.CHILDREN:
            continue  # the children's questionnaires were not used in the earlier review
        copy = Questionnaire.objects.filter(review=review, source=entry).order_by("pk").first() or entry.copy_to(review)
        opens, closes = review.onsite_start - 49 * DAY, review.onsite_start - 10 * DAY
        upsert(Questionnaire, {"pk": copy.pk}, {"opens_on": opens, "closes_on": closes})
        if not copy.responses.exists():
            _responses(copy, segments, 25)


def _plan(review: Review, users: dict) -> None:
    from conference.models import Action, Priority

    priority = upsert(
        Priority,
        {"review": review, "title": PRIORITY},
        {"order": 1, "outcome": "Children get the right help first time, whichever agency they come to."},
    )
    for index, (description, role, status, rag) in enumerate(ACTIONS):
        upsert(
            Action,
            {"priority": priority, "description": description},
            {
                "owner_role": role,
                "owner_agency": "Northmoor Borough Council Children's Services",
                "due_date": review.conference_date + 203 * DAY + datetime.timedelta(days=91 * index),
                "success_measure": "Reported to the safeguarding partnership each quarter",
                "status": status,
                "rag": rag,
            },
        )
