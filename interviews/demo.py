"""Demo data for the on-site programme: a fictional five-day week of about 30 sessions, with notes for those held."""

import datetime

from django.utils import timezone

from reviews.demo import upsert
from reviews.models import FocusArea, Partner, Review

from .models import Interviewee, IntervieweeRole, LineOfEnquiry, LineTemplate, ReviewRole, Session, SessionNote

# (theme order or None, scope area order or None, text)
LINES = [
    (1, 2, "How well do thresholds work at the front door, and is the voice of the child recorded there?"),
    (1, 3, "Do plans for children say what must change, by when, and is the child's view in them?"),
    (2, 1, "What has changed for children since the last inspection, and how does the council know?"),
    (2, 4, "Does the quality assurance framework show the difference practice makes to children?"),
    (3, 5, "How well do agencies share information in strategy discussions and core groups?"),
    (3, 2, "Do partners understand and apply the threshold document in the same way?"),
    (4, 4, "Are caseloads manageable and is supervision regular, reflective and recorded?"),
    (4, 6, "How are risks from changes in health commissioning and provision being managed?"),
    (5, 7, "Does the safeguarding partnership hold agencies to account and have the capacity to do so?"),
    (5, 1, "How do political and senior leaders know the quality of frontline practice?"),
]

# index in LINES: (orders of the focus areas, orders of the specific circumstances) the line pursues
LINE_LENSES = {
    0: ((1,), (2,)),
    1: ((3,), ()),
    4: ((2,), (5,)),
    5: ((1,), ()),
    8: ((), (3, 4)),
}

NORTHMOOR_PARTNERS = {
    "csc": "Northmoor Borough Council Children's Services",
    "police": "Northmoor Police Division",
    "icb": "Northmoor and Fenby Integrated Care Board",
    "trust": "Northmoor Hospitals NHS Foundation Trust",
    "camhs": "Northmoor Child and Adolescent Mental Health Service",
    "schools": "Northmoor Schools and Learning Service",
    "housing": "Northmoor Homes",
    "da": "Northmoor Domestic Abuse Support Service",
}

R = IntervieweeRole
OWN_DA = "Domestic abuse service manager"  # a role of the review's own, which the national list does not name
K = Session.Kind
TOWN_HALL = "Committee Room 2, Northmoor Town Hall"
BASE = "Peer team base room, Northmoor Town Hall"

# (day 0-4, start, end, kind, title, location, [(role, partner key, name)], [peer usernames], [line indexes])
SESSIONS = [
    (0, "09:00", "09:45", K.BRIEFING, "Welcome and briefing from the Director", TOWN_HALL,
     [(R.DCS, "csc", "Ruth Calloway")], ["lead", "challenge", "peer", "auditor"], [2]),
    (0, "10:00", "11:00", K.INTERVIEW, "Chief Executive and Lead Member", TOWN_HALL,
     [(R.CHIEF_EXECUTIVE, "csc", ""), (R.LEAD_MEMBER, "csc", "Cllr Imogen Tate")], ["lead", "challenge"], [9, 2]),
    (0, "10:00", "11:30", K.VISIT, "Visit to the multi-agency safeguarding hub", "MASH, Fenwick House",
     [(R.TEAM_MANAGER, "csc", ""), (R.POLICE_LEAD, "police", "")], ["peer", "auditor"], [0, 5]),
    (0, "11:45", "12:45", K.INTERVIEW, "Head of service, assessment and intervention", TOWN_HALL,
     [(R.HEAD_OF_SERVICE, "csc", "Marcus Hale")], ["lead", "peer"], [0, 1]),
    (0, "13:30", "14:30", K.FOCUS_GROUP, "Focus group: social workers in assessment teams", "Room 4, Fenwick House",
     [(R.PRACTITIONER, "csc", "")], ["peer", "auditor"], [6, 1]),
    (0, "14:45", "15:45", K.INTERVIEW, "Safeguarding partnership independent scrutineer", TOWN_HALL,
     [(R.LSCB_CHAIR, "csc", "")], ["lead", "challenge"], [8]),
    (1, "09:00", "10:00", K.INTERVIEW, "Designated doctor and designated nurse", "Online",
     [(R.DESIGNATED_HEALTH, "icb", ""), (R.DESIGNATED_HEALTH, "trust", "")], ["peer", "challenge"], [7, 4]),
    (1, "09:30", "11:00", K.CASE_DISCUSSION, "Case discussion with team managers", "Room 4, Fenwick House",
     [(R.TEAM_MANAGER, "csc", "")], ["auditor"], [1, 6]),
    (1, "10:15", "11:15", K.INTERVIEW, "Detective Chief Inspector, public protection", "Northmoor Police Station",
     [(R.POLICE_LEAD, "police", "")], ["lead", "peer"], [4, 5]),
    (1, "11:30", "12:30", K.OBSERVATION, "Observation of a daily strategy meeting", "MASH, Fenwick House",
     [(R.TEAM_MANAGER, "csc", ""), (R.POLICE_LEAD, "police", "")], ["peer"], [4]),
    (1, "13:30", "14:30", K.FOCUS_GROUP, "Focus group: head teachers and designated safeguarding leads",
     "Northmoor Learning Centre", [(R.SCHOOL_LEADER, "schools", "")], ["lead", "auditor"], [5, 4]),
    (1, "14:45", "15:45", K.INTERVIEW, "Principal social worker", TOWN_HALL,
     [(R.HEAD_OF_SERVICE, "csc", "")], ["challenge", "peer"], [6, 3]),
    (2, "09:00", "10:00", K.INTERVIEW, "Head of quality assurance and the IRO service", TOWN_HALL,
     [(R.HEAD_OF_SERVICE, "csc", ""), (R.IRO, "csc", "")], ["lead", "auditor"], [3, 1]),
    (2, "09:00", "10:30", K.VISIT, "Visit to the children in care team", "Children in Care Team, Mill Street",
     [(R.TEAM_MANAGER, "csc", "")], ["peer"], [1]),
    (2, "10:30", "11:30", K.INTERVIEW, "Designated officer (LADO)", TOWN_HALL,
     [(R.LADO, "csc", "")], ["challenge", "auditor"], [4]),
    (2, "11:00", "12:00", K.FOCUS_GROUP, "Focus group: health visitors and school nurses", "Online",
     [(R.PRACTITIONER, "trust", "")], ["peer"], [7, 4]),
    (2, "13:30", "14:30", K.INTERVIEW, "Head of housing options", "Northmoor Homes, Quay Street",
     [(R.HEAD_OF_SERVICE, "housing", "")], ["lead"], [4]),
    (2, "14:00", "15:00", K.INTERVIEW, "CAMHS service manager", "Online",
     [(R.HEAD_OF_SERVICE, "camhs", "")], ["peer", "challenge"], [7]),
    (3, "09:00", "10:00", K.FOCUS_GROUP, "Focus group: early help practitioners", "Room 4, Fenwick House",
     [(R.PRACTITIONER, "csc", "")], ["peer", "auditor"], [0, 5]),
    (3, "09:30", "10:30", K.INTERVIEW, "Domestic abuse service manager", "Online",
     [(OWN_DA, "da", "")], ["lead"], [4]),
    (3, "10:45", "11:45", K.INTERVIEW, "Integrated care board chief nurse", "Online",
     [(R.DESIGNATED_HEALTH, "icb", "")], ["lead", "challenge"], [7, 8]),
    (3, "11:00", "12:30", K.CASE_DISCUSSION, "Case discussion: children on child protection plans",
     "Room 4, Fenwick House", [(R.TEAM_MANAGER, "csc", "")], ["auditor", "peer"], [1, 3]),
    (3, "13:30", "14:30", K.INTERVIEW, "Scrutiny committee chair", TOWN_HALL,
     [(R.LEAD_MEMBER, "csc", "")], ["lead"], [9]),
    (3, "14:00", "15:00", K.OBSERVATION, "Observation of a core group meeting", "Fenwick House",
     [(R.PRACTITIONER, "csc", ""), (R.SCHOOL_LEADER, "schools", "")], ["auditor"], [4]),
    (3, "15:30", "17:00", K.BRIEFING, "Peer team evidence review", BASE, [], ["lead", "challenge", "peer", "auditor"],
     [2, 3]),
    (4, "09:00", "10:00", K.INTERVIEW, "Director of Children's Services: follow-up", TOWN_HALL,
     [(R.DCS, "csc", "Ruth Calloway")], ["lead", "challenge"], [9, 2]),
    (4, "09:00", "11:30", K.BRIEFING, "Peer team prepares feedback", BASE, [], ["peer", "auditor"], []),
    (4, "10:15", "11:15", K.INTERVIEW, "Assistant Chief Constable", "Online",
     [(R.POLICE_LEAD, "police", "")], ["lead"], [8]),
    (4, "14:00", "15:30", K.FEEDBACK, "Feedback to the council and partners", "Council Chamber, Northmoor Town Hall",
     [(R.DCS, "csc", ""), (R.CHIEF_EXECUTIVE, "csc", ""), (R.POLICE_LEAD, "police", ""),
      (R.DESIGNATED_HEALTH, "icb", "")], ["lead", "challenge", "peer", "auditor"], []),
    (4, "16:00", "16:30", K.INTERVIEW, "Lead Member follow-up", TOWN_HALL,
     [(R.LEAD_MEMBER, "csc", "")], ["lead"], [9]),
]  # fmt: skip

# Each day of the week is held (with notes) once it has come, and confirmed until then; one session on day 2 was
# cancelled.
HELD_DAYS = {0, 1, 2, 3, 4}
CANCELLED = "Head of housing options"

NOTE_TEXT = [
    "Managers described the threshold document clearly; two examples given where police and schools "
    "disagreed about level 3 and the dispute was settled in the MASH the same day.",
    "Plans read out in the session were specific about what must change; the child's words were quoted in one "
    "but not the other.",
    "Leaders quoted the improvement board's figures for re-referrals and could say what lay behind the fall.",
    "Audit results are reported monthly; leaders were less sure what had changed in practice as a result.",
    "Information sharing at strategy discussions was described as strong; health attendance is patchier out of hours.",
    "Partners use the threshold document but early help assessments are still led mainly by schools.",
    "Social workers reported caseloads of 18 to 22 and monthly supervision, mostly recorded on the case file.",
    "The move to the integrated care board left a gap in designated nurse cover for three months last year.",
    "The partnership's scrutineer challenges agencies in writing; the annual report lacks outcome measures.",
    "Members described visiting teams each quarter and reading audit summaries at the improvement board.",
]


def demo(*, reviews: list[Review], users: dict) -> None:
    review = reviews[0]
    framework = review.framework
    themes = {theme.order: theme for theme in framework.themes.all()}
    areas = {area.order: area for area in framework.scope_areas.all()}
    lenses = {(area.kind, area.order): area for area in framework.focus_areas.filter(review__isnull=True)}
    lines = []
    for order, (theme_order, area_order, text) in enumerate(LINES, start=1):
        values = {"theme": themes.get(theme_order), "scope_area": areas.get(area_order), "order": order}
        template = upsert(LineTemplate, {"framework": framework, "text": text}, values)
        lines.append(
            upsert(
                LineOfEnquiry,
                {"review": review, "text": text},
                {"theme": template.theme, "scope_area": template.scope_area, "template": template},
            )
        )
    for index, (focus_orders, circumstance_orders) in LINE_LENSES.items():
        lines[index].focus_areas.set(
            [lenses[(FocusArea.Kind.FOCUS, order)] for order in focus_orders]
            + [lenses[(FocusArea.Kind.CIRCUMSTANCE, order)] for order in circumstance_orders]
        )
    partners = {key: Partner.objects.get(council=review.council, name=name) for key, name in NORTHMOOR_PARTNERS.items()}
    for day, start, end, kind, title, location, people, peers, line_indexes in SESSIONS:
        if title == CANCELLED:
            status = Session.Status.CANCELLED
        elif day in HELD_DAYS and review.onsite_start + datetime.timedelta(days=day) <= timezone.localdate():
            status = Session.Status.HELD  # only once the day has come: a session is never held in the future
        else:
            status = Session.Status.CONFIRMED
        online = location == "Online"
        session = upsert(
            Session,
            {"review": review, "title": title},
            {
                "kind": kind,
                "day": review.onsite_start + datetime.timedelta(days=day),
                "start": datetime.time.fromisoformat(start),
                "end": datetime.time.fromisoformat(end),
                "location": "" if online else location,
                "online_link": f"https://meet.northmoor.example/peer-review/{slug(title)}" if online else "",
                "status": status,
            },
        )
        session.peers.set([users[name] for name in peers])
        session.lines.set([lines[index] for index in line_indexes])
        for role, partner, name in people:
            own = None if role in R.values else upsert(ReviewRole, {"review": review, "name": role}, {})
            upsert(
                Interviewee,
                {"session": session, "role": R.OTHER if own else role, "agency": partners[partner]},
                {"name": name, "review_role": own},
            )
        if status != Session.Status.HELD:
            continue
        author = users[peers[0]]
        for index in line_indexes:
            upsert(
                SessionNote, {"session": session, "author": author, "line": lines[index]}, {"text": NOTE_TEXT[index]}
            )
        upsert(
            SessionNote,
            {"session": session, "author": author, "line": None},
            {"text": "Session ran to time; all invited attended. Follow up the points above in the evidence review."},
        )


def slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:60]
