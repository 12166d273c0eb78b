"""Fictional chronologies for the demo: six Northmoor cases mapped at one workshop, some missing timescales,
a follow-up workshop in the on-site week, and one Eastwick Vale case. Safe to run again.

The chronologies were written for reviews on site in the weeks of `WRITTEN_FOR`. Each case's events move by whole
years with its review's on-site week, so the texts that name a day stay true and a baby's events stay in the years
its age band allows, and a year less when that would bring them within four weeks of the week (the workshop maps
them before it). The workshops move by days, keeping their distance from the week."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from reviews.demo import moved, upsert
from reviews.models import Finding, FindingEvidence, FocusArea, Review

from .models import Event, EventKind, LearningPoint, Workshop, WorkshopAgency

D = datetime.date
T = datetime.time

CSC, POLICE, HEALTH, EDUCATION = "childrens-social-care", "police", "health-provider", "education"
CAMHS, HOUSING, VOLUNTARY, ICB = "camhs", "housing", "voluntary-sector", "icb"

# (date, time, kind slug, agency kind, what happened, decision, threshold order, flags)
# flags: "m" material, "a" approximate date, "d:<agency kind>:<reason>" disputed.
CHRONOLOGIES: dict[str, list[tuple]] = {
    "NM-C01": [
        (
            D(2025, 2, 3),
            T(9, 10),
            "contact",
            POLICE,
            "Police attended a domestic incident; the baby was present and the home was in poor condition",
            "Notification shared with the front door",
            3,
            "m",
        ),
        (D(2025, 2, 3), T(11, 30), "referral", POLICE, "Police referral to children's social care", "", 3, ""),
        (
            D(2025, 2, 4),
            None,
            "referral-decision",
            CSC,
            "Front door manager reviewed the referral",
            "Strategy discussion to be held",
            4,
            "",
        ),
        (
            D(2025, 2, 5),
            None,
            "strategy-discussion",
            CSC,
            "Strategy discussion with police; health not present",
            "Section 47 enquiry to start",
            4,
            "m",
        ),
        (D(2025, 2, 5), None, "s47-started", CSC, "Joint visit by social worker and police", "", 4, ""),
        (
            D(2025, 2, 20),
            None,
            "s47-concluded",
            CSC,
            "Enquiry concluded: significant harm through neglect",
            "Initial conference to be convened",
            4,
            "",
        ),
        (
            D(2025, 3, 5),
            None,
            "initial-cp-conference",
            CSC,
            "Initial conference held three weeks after the "
            "strategy discussion; the health visitor's report was not available",
            "Child protection plan: neglect",
            4,
            "m;d:health-provider:Health say their report was sent on time but not circulated",
        ),
        (D(2025, 3, 5), None, "cp-plan-started", CSC, "Plan started", "", 4, ""),
        (D(2025, 3, 20), None, "core-group", CSC, "First core group; domestic abuse service attended", "", 4, ""),
        (D(2025, 3, 28), None, "assessment-completed", CSC, "Single assessment completed", "Plan continues", 4, ""),
        (
            D(2025, 6, 4),
            None,
            "review-cp-conference",
            CSC,
            "First review conference; progress on home conditions",
            "Plan continues",
            4,
            "",
        ),
        (D(2025, 11, 26), None, "review-cp-conference", CSC, "Second review conference", "Plan ends", 3, ""),
        (D(2025, 11, 26), None, "cp-plan-ended", CSC, "Plan ended; step down to child in need", "", 3, ""),
    ],
    "NM-C02": [
        (
            D(2025, 4, 7),
            T(10, 0),
            "referral",
            EDUCATION,
            "School referred concerns about older men collecting the child",
            "",
            3,
            "m",
        ),
        (
            D(2025, 4, 9),
            None,
            "referral-decision",
            CSC,
            "Referral decision made two days later",
            "Assessment under section 17",
            3,
            "",
        ),
        (D(2025, 4, 10), None, "assessment-started", CSC, "Assessment started", "", 3, ""),
        (
            D(2025, 5, 30),
            None,
            "assessment-completed",
            CSC,
            "Assessment completed; exploitation risk identified",
            "Child in need plan",
            3,
            "",
        ),
        (
            D(2025, 6, 14),
            T(22, 0),
            "missing-episode",
            POLICE,
            "Returned home after being missing overnight",
            "",
            3,
            "m",
        ),
        (
            D(2025, 6, 18),
            T(10, 0),
            "return-interview",
            CSC,
            "Return interview by an independent worker",
            "",
            3,
            "d:police:Police records show the interview was offered on 16 June and declined",
        ),
        (D(2025, 7, 1), None, "other", CAMHS, "Referral to CAMHS accepted", "", 3, "a"),
    ],
    "NM-C03": [
        (D(2025, 1, 13), None, "contact", EDUCATION, "Teacher raised concerns about unmet care needs", "", 2, ""),
        (
            D(2025, 2, 3),
            None,
            "early-help-assessment",
            EDUCATION,
            "Early help assessment led by the school",
            "Team around the family",
            2,
            "m",
        ),
        (
            D(2025, 5, 12),
            None,
            "referral",
            HEALTH,
            "Community paediatrician referred for a short breaks assessment",
            "",
            2,
            "",
        ),
        (
            D(2025, 5, 12),
            None,
            "referral-decision",
            CSC,
            "Referral accepted the same day",
            "Disabled children's team assessment",
            3,
            "",
        ),
        (D(2025, 6, 20), None, "assessment-completed", CSC, "Assessment completed", "Short breaks agreed", 3, ""),
    ],
    "NM-C04": [
        (
            D(2025, 1, 20),
            None,
            "looked-after-started",
            CSC,
            "Accommodated under section 20 after family breakdown",
            "",
            4,
            "m",
        ),
        (D(2025, 1, 24), None, "statutory-visit", CSC, "Visit at the placement", "", 4, ""),
        (D(2025, 2, 14), None, "looked-after-review", CSC, "First looked-after review", "Care plan agreed", 4, ""),
        (D(2025, 3, 8), T(9, 0), "missing-episode", POLICE, "Returned after a night missing", "", 4, ""),
        (D(2025, 3, 10), T(14, 0), "return-interview", CSC, "Return interview held", "", 4, ""),
        (D(2025, 3, 14), None, "statutory-visit", CSC, "Visit seven weeks after the last one", "", 4, "m"),
        (D(2025, 4, 20), None, "statutory-visit", CSC, "Visit", "", 4, ""),
        (D(2025, 5, 12), None, "looked-after-review", CSC, "Second looked-after review", "Care plan continues", 4, ""),
        (D(2025, 5, 30), None, "statutory-visit", CSC, "Visit", "", 4, ""),
        (D(2025, 7, 8), None, "statutory-visit", CSC, "Visit", "", 4, ""),
        (D(2025, 8, 12), None, "looked-after-review", CSC, "Second review; pathway plan agreed", "", 4, ""),
        (D(2025, 8, 12), None, "statutory-visit", HOUSING, "Joint visit with the housing officer", "", 4, ""),
        (D(2025, 9, 1), None, "case-closed", CSC, "Turned 18; case transferred to the leaving care team", "", 4, ""),
    ],
    "NM-C05": [
        (D(2025, 6, 2), T(8, 15), "referral", POLICE, "Police referral after a domestic abuse incident", "", 3, "m"),
        (D(2025, 6, 2), None, "referral-decision", CSC, "Decision within the day", "Strategy discussion", 4, ""),
        (D(2025, 6, 4), None, "strategy-discussion", CSC, "Strategy discussion with police and health", "", 4, ""),
        (D(2025, 6, 20), None, "initial-cp-conference", CSC, "Initial conference", "Plan: emotional abuse", 4, ""),
        (D(2025, 6, 20), None, "cp-plan-started", CSC, "Plan started", "", 4, ""),
        (D(2025, 7, 1), None, "core-group", VOLUNTARY, "First core group held at the family centre", "", 4, ""),
        (D(2025, 7, 25), None, "assessment-completed", CSC, "Single assessment completed", "", 4, ""),
        (D(2025, 9, 26), None, "review-cp-conference", CSC, "First review conference, six days late", "", 4, "m"),
        (D(2026, 3, 20), None, "review-cp-conference", CSC, "Second review conference", "Plan ends", 3, ""),
        (D(2026, 3, 20), None, "cp-plan-ended", CSC, "Plan ended", "", 3, ""),
    ],
    "NM-C06": [
        (
            D(2025, 9, 15),
            None,
            "allegation",
            EDUCATION,
            "Child disclosed rough handling by a member of staff",
            "",
            3,
            "m",
        ),
        (D(2025, 9, 15), None, "referral", EDUCATION, "School referred the disclosure", "", 3, ""),
        (D(2025, 9, 16), None, "referral-decision", CSC, "Referral decision", "Assessment", 3, ""),
        (
            D(2025, 9, 18),
            None,
            "lado-referral",
            EDUCATION,
            "Referral to the designated officer three days later",
            "",
            3,
            "m",
        ),
        (D(2025, 10, 30), None, "lado-outcome", CSC, "Allegation substantiated", "Staff member dismissed", 3, ""),
        (D(2025, 10, 31), None, "assessment-completed", CSC, "Assessment completed", "Child in need plan", 3, ""),
    ],
    "EV-C01": [
        (D(2012, 1, 9), None, "referral", HEALTH, "Emergency department referral: unexplained bruising", "", 3, "m"),
        (D(2012, 1, 9), None, "referral-decision", CSC, "Decision the same day", "Initial assessment", 4, ""),
        (
            D(2012, 1, 27),
            None,
            "assessment-completed",
            CSC,
            "Initial assessment completed after 14 working days",
            "",
            4,
            "",
        ),
    ],
}

# The on-site week each review's chronologies and workshops were written for, by the prefix of their references.
WRITTEN_FOR = {"NM": D(2026, 12, 7), "EV": D(2012, 5, 14)}

# Each workshop is planned (date, venue, practitioners invited by agency) and recorded once held: who came,
# what went well, what worries the group, the learning. A workshop whose day has not come stays planned.
WORKSHOPS = {
    "NM": {
        "held_on": D(2026, 11, 18),
        "venue": "Council Chamber, Northmoor Civic Centre",
        "facilitators": "Peer lead and challenge manager",
        "cases": ["NM-C01", "NM-C02", "NM-C03", "NM-C04", "NM-C05", "NM-C06"],
        "went_well": "Practitioners knew the children well and spoke openly about delays. Schools and the "
        "domestic abuse service were strong advocates for the children.",
        "worries": "Health information reached conferences late; strategy discussions were held without health; "
        "statutory visits slipped when workers changed.",
        # agency: (practitioners invited, practitioners who came)
        "agencies": {
            CSC: (5, 5),
            POLICE: (3, 2),
            HEALTH: (3, 2),
            EDUCATION: (3, 3),
            CAMHS: (2, 1),
            HOUSING: (1, 1),
            VOLUNTARY: (1, 1),
        },
        # (summary, kind, theme order, events, orders of focus areas, orders of specific circumstances)
        "learning": [
            (
                "Initial conferences and first core groups are late when health are not part of the strategy "
                "discussion",
                "area",
                3,
                [("NM-C01", D(2025, 2, 5)), ("NM-C01", D(2025, 3, 5))],
                (2, 3),
                (5,),
            ),
            (
                "Schools identify exploitation and allegations early and refer promptly",
                "strength",
                3,
                [("NM-C02", D(2025, 4, 7)), ("NM-C06", D(2025, 9, 15))],
                (1,),
                (1, 4),
            ),
        ],
    },
    "NM-follow-up": {
        "held_on": D(2026, 12, 8),
        "venue": "Room 4, Fenwick House",
        "facilitators": "Health peer and challenge manager",
        "cases": ["NM-C01", "NM-C05"],
        "went_well": "Health colleagues and the social workers rebuilt the strategy discussions of both cases "
        "together; the police could not send anyone.",
        "worries": "Neither case had a health representative at its first strategy discussion.",
        "agencies": {CSC: (2, 2), HEALTH: (2, 1), POLICE: (1, 0), ICB: (1, 1)},
        "learning": [],
    },
    "EV": {
        "held_on": D(2012, 5, 1),
        "venue": "Eastwick Vale Town Hall",
        "facilitators": "Peer lead",
        "cases": ["EV-C01"],
        "went_well": "Hospital staff made a clear, prompt referral.",
        "worries": "The initial assessment took longer than ten working days.",
        "agencies": {CSC: (2, 2), HEALTH: (1, 1)},
        "learning": [],
    },
}


def demo(*, reviews: list[Review], users: dict) -> None:
    kinds = {kind.slug: kind for kind in EventKind.objects.all()}
    for review in reviews:
        council = review.council
        partners = {partner.kind.slug: partner for partner in council.partners.select_related("kind")}
        levels = {level.order: level for level in council.threshold_levels.all()}
        cases = {case.reference: case for case in review.cases.all()}
        added_by = users.get("peer") if review is reviews[0] else users.get("peer2")
        for reference, rows in CHRONOLOGIES.items():
            case = cases.get(reference)
            if case is None:
                continue
            years = _years(review, reference)
            sequences: dict[datetime.date, int] = {}
            for written_day, time, kind, agency, summary, decision, level, flags in rows:
                day = moved(written_day, years)
                sequences[day] = sequences.get(day, 0) + 1
                disputed = next((flag for flag in flags.split(";") if flag.startswith("d:")), "")
                _, disputed_kind, reason = disputed.split(":", 2) if disputed else ("", "", "")
                upsert(
                    Event,
                    {"case": case, "date": day, "sequence": sequences[day]},
                    {
                        "review": review,
                        "time": time,
                        "kind": kinds[kind],
                        "agency": partners[agency],
                        "summary": summary,
                        "decision": decision,
                        "source_record": f"{partners[agency].kind.name} case record",
                        "threshold_level": levels[level],
                        "date_is_approximate": "a" in flags.split(";"),
                        "is_material": "m" in flags.split(";"),
                        "is_disputed": bool(disputed),
                        "disputed_by": partners[disputed_kind] if disputed else None,
                        "dispute_reason": reason,
                        "added_by": added_by,
                    },
                    bump_version=True,
                )
        for key, data in WORKSHOPS.items():
            if not all(reference in cases for reference in data["cases"]):
                continue
            _workshop(review, data, cases, partners, users, added_by, _written_for(key))


def _written_for(reference: str) -> datetime.date:
    return WRITTEN_FOR[reference.split("-")[0]]


def _years(review: Review, reference: str) -> int:
    """The whole years the case's events move by for this review."""
    cutoff = review.onsite_start - datetime.timedelta(weeks=4)
    last = max(row[0] for row in CHRONOLOGIES[reference])
    years = review.onsite_start.year - _written_for(reference).year
    while moved(last, years) >= cutoff:
        years -= 1
    return years


def _workshop(review, data, cases, partners, users, added_by, written_for: datetime.date) -> None:
    held_on = review.onsite_start + (data["held_on"] - written_for)
    held = held_on <= timezone.localdate()  # never recorded as held before its day
    workshop = upsert(
        Workshop,
        {"review": review, "held_on": held_on},
        {
            "venue": data["venue"],
            "status": Workshop.Status.HELD if held else Workshop.Status.PLANNED,
            "facilitators": data["facilitators"],
            "went_well": data["went_well"] if held else "",
            "worries": data["worries"] if held else "",
            "created_by": added_by,
        },
    )
    workshop.cases.set([cases[reference] for reference in data["cases"]])
    for agency, (invited, came) in data["agencies"].items():
        upsert(
            WorkshopAgency,
            {"workshop": workshop, "agency": partners[agency]},
            {"invited": invited, "practitioners": came if held else None},
        )
    if not held:
        return
    event_type = ContentType.objects.get_for_model(Event)
    for summary, kind, theme_order, event_keys, focus_orders, circumstance_orders in data["learning"]:
        theme = review.framework.themes.get(order=theme_order)
        areas = list(
            review.framework.focus_areas.filter(
                Q(kind=FocusArea.Kind.FOCUS, order__in=focus_orders)
                | Q(kind=FocusArea.Kind.CIRCUMSTANCE, order__in=circumstance_orders),
                review__isnull=True,
            )
        )
        finding = upsert(
            Finding,
            {"review": review, "summary": summary},
            {"theme": theme, "kind": kind, "stage": "case-mapping", "raised_by": added_by},
        )
        point = upsert(
            LearningPoint,
            {"workshop": workshop, "summary": summary},
            {"theme": theme, "kind": kind, "finding": finding, "created_by": added_by},
        )
        events = [
            Event.objects.filter(case=cases[reference], date=moved(day, _years(review, reference)))
            .order_by("sequence")
            .first()
            for reference, day in event_keys
        ]
        point.events.set(events)
        point.focus_areas.set(areas)
        finding.focus_areas.set(areas)
        for event in events:
            upsert(
                FindingEvidence,
                {"finding": finding, "content_type": event_type, "object_id": event.pk},
                {
                    "note": f"Case {event.case.reference}, {event.date:%-d %B %Y}: {event.kind.name}",
                    "added_by": added_by,
                },
            )
