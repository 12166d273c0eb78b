"""Demo planning group, meetings and partners' commitments for the rich demo review. All fictional.

The commitments are chosen against the stages' own demo data so that the engagement table shows
agencies that sent fewer practitioners than they committed, and one agency that committed nothing.
"""

import datetime

from django.utils import timezone

from . import scope
from .demo import upsert
from .models import Commitment, Partner, PlanningMeeting, PlanningMember, Review

# (role, agency name or None for the council itself, name, email)
MEMBERS = [
    ("Chair of the planning group", None, "Ruth Calloway", "sponsor@northmoor.example"),
    ("Peer review coordinator", "Northmoor Borough Council Children's Services", "Daniel Frome", ""),
    ("Business manager, Safeguarding Children Partnership", None, "Aisha Penhallow", "partnership@northmoor.example"),
    ("Detective Inspector, Public Protection Unit", "Northmoor Police Division", "Leah Brightwater", ""),
    ("Designated nurse for safeguarding children", "Northmoor and Fenby Integrated Care Board", "", ""),
    ("Named nurse for safeguarding", "Northmoor Hospitals NHS Foundation Trust", "", ""),
    (
        "Head of inclusion",
        "Northmoor Schools and Learning Service",
        "Marcus Oyelaran",
        "inclusion@schools.northmoor.example",
    ),
    ("Service manager", "Northmoor Domestic Abuse Support Service", "", ""),
]

# (weeks after the scoping meeting, what the meeting covered)
MEETINGS = [
    (0, "Scoping: terms of reference, the scope and the review's timetable."),
    (3, "Partners' commitments for case mapping and focus groups; the questionnaire."),
    (6, "Case sample agreed; focus-group invitations; the self assessment draft."),
    (9, "The on-site programme and interviewees; arrangements for the conference."),
]

# agency name: (practitioners for case mapping, for focus groups, distributes, expected responses, contact)
COMMITMENTS = {
    "Northmoor Borough Council Children's Services": (5, 2, True, 80, ("Daniel Frome", "Peer review coordinator")),
    "Northmoor Police Division": (3, 2, True, 30, ("Leah Brightwater", "Detective Inspector")),
    "Northmoor and Fenby Integrated Care Board": (1, 0, False, None, ("", "Designated nurse")),
    "Northmoor Hospitals NHS Foundation Trust": (2, 0, True, 35, ("", "Named nurse for safeguarding")),
    "Northmoor Child and Adolescent Mental Health Service": (1, 1, False, None, ("", "Team manager")),
    "Northmoor Schools and Learning Service": (3, 0, True, 40, ("Marcus Oyelaran", "Head of inclusion")),
    "Northmoor Domestic Abuse Support Service": (1, 1, False, None, ("", "Service manager")),
}


def add_planning_demo(reviews: list[Review]) -> None:
    """The first review gets the planning group, its meetings and most partners' commitments. Idempotent."""
    if not reviews:
        return
    review = reviews[0]
    partners = {partner.name: partner for partner in Partner.objects.filter(council=review.council)}
    for role, agency, name, email in MEMBERS:
        partner = partners[agency] if agency else None
        upsert(
            PlanningMember,
            {"review": review, "role": role, "partner": partner},
            {"name": name, "email": email},
            bump_version=True,
        )
    for weeks, note in MEETINGS:
        day = review.scoping_date + datetime.timedelta(weeks=weeks)
        if day <= timezone.localdate():  # a meeting is recorded once held, never ahead of its day
            upsert(PlanningMeeting, {"review": review, "held_on": day}, {"note": note})
    for agency, (mapping, groups, distributes, expected, (contact, contact_role)) in COMMITMENTS.items():
        upsert(
            Commitment,
            {"review": review, "partner": partners[agency]},
            {
                "mapping_practitioners": mapping,
                "focus_group_practitioners": groups,
                "distributes_questionnaire": distributes,
                "expected_responses": expected,
                "contact_name": contact,
                "contact_role": contact_role,
            },
            bump_version=True,
        )


# Scope per review: the rich review adds lines of enquiry of the council's own; the second review
# leaves out what its council asked the team not to look at, and adds a scope item of its own.
OWN_LINES_OF_ENQUIRY = {0: ["How schools are heard at the front door", "Children placed out of the borough"]}
OWN_SCOPE_ITEMS = {1: ["Early help and the step-down from children's social care"]}
LEFT_OUT = {1: {"scope": ["Mitigating risk from NHS and other organisational change"], "focus": ["Isolated children"]}}


def add_scope_demo(reviews: list[Review]) -> None:
    for index, review in enumerate(reviews):
        left_out = LEFT_OUT.get(index, {})
        shared_scope = scope.framework_scope_areas(review)
        shared_focus = scope.framework_focus_areas(review)
        scope.set_scope(
            review,
            scope_areas_in=[area for area in shared_scope if area.title not in left_out.get("scope", [])],
            focus_areas_in=[area for area in shared_focus if area.title not in left_out.get("focus", [])],
            local_scope_items=OWN_SCOPE_ITEMS.get(index, []),
            local_lines_of_enquiry=OWN_LINES_OF_ENQUIRY.get(index, []),
        )
