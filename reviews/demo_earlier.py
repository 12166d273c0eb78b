"""An earlier, closed review of the first demo council, set as its review's previous review.

It holds enough of each stage to compare: scope-area grades, a few mapped cases with timeliness
events, an audit sample regraded by the peers, questionnaire answers on the library questions
(enough responses to be shown) and an improvement plan with actions in mixed statuses. Nobody in
the demo is a member of it, so the comparison shows that members of the later review see its
figures but not its records. Everything is invented; running it again changes nothing.

Like seed_demo, this module composes the stage apps' demo data; each stage's part runs only when
the stage is registered, and imports the stage app only then.
"""

import datetime

from django.utils import timezone

from . import stages
from .demo import upsert
from .models import Case, Framework, Review

D = datetime.date
TITLE = "Northmoor children's safeguarding peer review 2023"
DATES = {
    "status": Review.Status.CLOSED,
    "scoping_date": D(2022, 12, 5),
    "onsite_start": D(2023, 3, 6),
    "onsite_end": D(2023, 3, 10),
    "conference_date": D(2023, 3, 10),
    "letter_due": D(2023, 4, 7),
    "followup_3_months": D(2023, 6, 9),
    "followup_12_months": D(2024, 3, 8),
    "baseline_reference": "Ofsted inspection of local authority children's services, June 2019",
}

# Council grade and the peers' published grade (ranks: 1 Outstanding .. 4 Inadequate), per scope area in order.
GRADES = [(3, 3), (3, 4), (3, 3), (2, 3), (3, 3), (2, 2), (3, 3)]

# Per case: days after the strategy discussion of the initial conference, then of the first core group.
CASES = {"NM23-C01": (12, 8), "NM23-C02": (28, 9), "NM23-C03": (18, 20), "NM23-C04": (14, 12)}
STRATEGY_DAY = D(2022, 9, 5)

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


def seed_earlier_review(*, review: Review, users: dict) -> Review:
    """Create the earlier review of `review`'s council and set it as `review`'s previous review."""
    framework = Framework.objects.get(is_default=True)
    earlier = upsert(
        Review,
        {"title": TITLE},
        {"council": review.council, "framework": framework, "grade_scale": review.grade_scale, **DATES},
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
    # Finished and archived (read-only), its records kept for three years after its 12-month check.
    Review.objects.filter(pk=earlier.pk).update(retention_months=36)
    Review.objects.filter(pk=earlier.pk, archived_at__isnull=True).update(
        archived_at=timezone.make_aware(datetime.datetime(2024, 4, 2, 9, 30)), archived_by=users.get("admin")
    )
    earlier.refresh_from_db()
    return earlier


def _self_assessment(review: Review, users: dict) -> None:
    from selfassessment.models import Entry, PeerAnalysis
    from selfassessment.services import set_up_entries

    set_up_entries(review=review, include_themes=False)
    grades = {grade.rank: grade for grade in review.grade_scale.grades.all()}
    decided = timezone.make_aware(datetime.datetime(2023, 2, 20, 10, 0))
    entries = review.self_assessment_entries.filter(scope_area__isnull=False).order_by("scope_area__order")
    for entry, (council, peers) in zip(entries, GRADES, strict=False):
        upsert(
            Entry,
            {"pk": entry.pk},
            {
                "what_we_know": "The council's view of this area in 2023.",
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
            {"commentary": "The peers' view in 2023.", "grade": grades[peers], "published_at": decided},
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
    for reference, (conference_after, core_group_after) in CASES.items():
        case = _case(review, reference, Case.LegalStatus.CHILD_PROTECTION)
        conference = STRATEGY_DAY + datetime.timedelta(days=conference_after)
        events = [
            (STRATEGY_DAY, "strategy-discussion", "Strategy discussion with police and health"),
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
                "audit_date": D(2023, 1, 9) + datetime.timedelta(days=7 * index),
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
                sample_seed=2023,
                status=Validation.Status.REGRADED,
                overall_grade=grades[peers],
                narrative=f"Peer regrade of {reference}.",
                submitted_at=timezone.make_aware(datetime.datetime(2023, 3, 7, 10, 0)),
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
        for name, expected, agency in SEGMENTS
    ]
    for entry in ensure_library():
        if entry.audience == Audience.CHILDREN:
            continue  # the children's questionnaires were not used in 2023
        copy = Questionnaire.objects.filter(review=review, source=entry).order_by("pk").first() or entry.copy_to(review)
        upsert(Questionnaire, {"pk": copy.pk}, {"opens_on": D(2023, 1, 16), "closes_on": D(2023, 2, 24)})
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
                "due_date": D(2023, 9, 29) + datetime.timedelta(days=91 * index),
                "success_measure": "Reported to the safeguarding partnership each quarter",
                "status": status,
                "rag": rag,
            },
        )
