"""Fictional demo data for the self-assessment stage: a submitted self assessment with peer analysis."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reviews.demo import demo_pdf, demo_xlsx, upsert
from reviews.demo_data import REQUESTS_DUE_DAYS_BEFORE_ONSITE
from reviews.models import EvidenceDocument
from reviews.services import store_document

from .models import (
    DocumentRequest,
    Entry,
    Inspection,
    InspectionKind,
    Judgement,
    PeerAnalysis,
    Rag,
    Recommendation,
    RecommendationPeerView,
    Submission,
)
from .services import send_standard_requests, set_up_entries

DAY = datetime.timedelta(days=1)

# Per scope area (in framework order): what we know, how we know it, what next, council grade, peer grade, commentary.
ENTRIES = [
    (
        "Since the 2011 inspection we have reduced re-referrals and stabilised the workforce in the assessment teams.",
        "Monthly performance scorecard; the inspection action plan tracker; two thematic audits last year.",
        "Finish the action plan items on management oversight by the end of the financial year.",
        "Good",
        "Requires improvement to be good",
        "The action plan is well tracked, but two of the six recommendations are not yet evidenced in case files.",
    ),
    (
        "The front door applies thresholds consistently; early help assessments have risen by a quarter.",
        "Dip samples of contacts each month; the partnership's latest threshold audit.",
        "Refresh the threshold document with partners and train school designated leads.",
        "Good",
        "Good",
        "Contacts sampled were routed to the right level within a working day; schools describe the front door as responsive.",
    ),
    (
        "Most plans are clear and children are seen regularly; IRO challenge is improving.",
        "Quality assurance audits of 120 cases a year; the IRO annual report.",
        "Improve the quality of child-in-need plans, which are weaker than child protection plans.",
        "Good",
        "Inadequate",
        "Audits the peers read show plans that list actions without outcomes, and IRO escalations rarely resolved in time.",
    ),
    (
        "Supervision happens regularly and is recorded; the quality assurance framework was relaunched last year.",
        "Supervision audit of 60 files; the quality assurance framework and its annual report.",
        "Make reflective supervision the norm for newly qualified workers.",
        "Requires improvement to be good",
        "Requires improvement to be good",
        "The framework is sound; its findings do not yet change practice consistently.",
    ),
    (
        "Multi-agency working is strong in the MASH; health and police attendance at strategy discussions varies.",
        "MASH performance report; attendance data for strategy discussions.",
        "Agree attendance standards with health and police through the partnership.",
        "Good",
        "Good",
        "Partners confirm the picture; the attendance data supports it.",
    ),
    (
        "The move from the clinical commissioning group to the integrated care board was managed without loss of designated professionals.",
        "Risk register of the safeguarding partnership; designated professionals' reports.",
        "Review the health safeguarding capacity in the new structure after a year.",
        "Good",
        None,
        "",
    ),
    (
        "The safeguarding partnership is well attended and has a clear business plan.",
        "Partnership annual report; attendance records; the business plan.",
        "Strengthen the independent scrutiny of the partnership's impact.",
        "Outstanding",
        None,
        "",
    ),
]


# Title, kind, file name, scope area orders it supports, and the request it answers (by title), if any.
DOCUMENTS = [
    ("Northmoor threshold document", "policy", "thresholds.pdf", [2], "The threshold document"),
    (
        "Safeguarding partnership annual report",
        "report",
        "annual-report.pdf",
        [7],
        "LSCB annual report and business plan",
    ),
    (
        "Quality assurance framework",
        "audit",
        "qa-framework.pdf",
        [4],
        "Quality assurance framework and recent audit reports",
    ),
    ("Thematic audit: child in need plans", "audit", "cin-audit.pdf", [3], None),
    ("Children's services scorecard", "data", "scorecard.xlsx", [1, 2], "Performance data"),
    (
        "Ofsted inspection report, June 2011",
        "inspection",
        "inspection-2011.pdf",
        [1],
        "The last inspection report and its action plan",
    ),
    ("Inspection action plan tracker", "plan", "action-plan.xlsx", [1], None),
    ("Supervision policy", "policy", "supervision-policy.pdf", [4], "Supervision policy"),
    ("Workforce dashboard, quarter 2", "data", "workforce.xlsx", [4], "Workforce data"),
    ("MASH performance report", "report", "mash-report.pdf", [2, 5], None),
    ("Strategy discussion attendance", "data", "strategy-attendance.xlsx", [5], None),
    ("Health safeguarding risk register", "minutes", "risk-register.pdf", [6], None),
]


def _documents(review, users) -> dict[str, EvidenceDocument]:
    documents = {}
    areas = {area.order: area for area in review.framework.scope_areas.all()}
    for title, kind, name, orders, _request in DOCUMENTS:
        document = review.documents.filter(title=title).first()
        if document is None:
            if name.endswith(".xlsx"):
                content = demo_xlsx(
                    [
                        ["Measure", "Northmoor", "Comparator"],
                        ["Re-referrals (%)", 19, 22],
                        ["Assessments in 45 days (%)", 83, 84],
                    ]
                )
            else:
                content = demo_pdf(
                    title,
                    [
                        "A fictional document made for the demonstration review.",
                        "Northmoor Borough Council is invented.",
                    ],
                )
            document = store_document(
                review=review,
                user=users["contributor"],
                uploaded_file=SimpleUploadedFile(name, content),
                title=title,
                kind=kind,
                scope_areas=[areas[order] for order in orders],
            )
        documents[title] = document
    return documents


def add_demo_data(*, reviews, users) -> None:
    review = reviews[0]
    set_up_entries(review=review, include_themes=False)
    grades = {grade.label: grade for grade in review.grade_scale.grades.all()}
    entries = list(review.self_assessment_entries.filter(scope_area__isnull=False).order_by("scope_area__order"))
    # Submitted five weeks before the on-site week; the document requests were due a fortnight before it.
    submitted_at = timezone.make_aware(datetime.datetime.combine(review.onsite_start - DAY * 35, datetime.time(10)))
    for index, (entry, data) in enumerate(zip(entries, ENTRIES, strict=False)):
        know, how, what_next, council_grade, peer_grade, commentary = data
        status = Entry.Status.ACCEPTED if index < 3 else Entry.Status.SUBMITTED
        values = {
            "what_we_know": know,
            "how_we_know": how,
            "what_next": what_next,
            "grade": grades[council_grade],
            "status": status,
            "submitted_by": users["contributor"],
            "submitted_at": submitted_at,
            "updated_by": users["contributor"],
        }
        if status == Entry.Status.ACCEPTED:
            values |= {"decided_by": users["lead"], "decided_at": submitted_at + datetime.timedelta(days=3)}
        upsert(Entry, {"pk": entry.pk}, values)
        if peer_grade:
            upsert(
                PeerAnalysis,
                {"entry": entry},
                {
                    "commentary": commentary,
                    "grade": grades[peer_grade],
                    "updated_by": users["peer"],
                    "published_at": submitted_at + datetime.timedelta(days=4) if index < 2 else None,
                },
            )
    upsert(Submission, {"review": review}, {"submitted_by": users["organiser"], "submitted_at": submitted_at})

    documents = _documents(review, users)
    for entry in entries:
        entry.documents.add(*[doc for doc in documents.values() if entry.scope_area in doc.scope_areas.all()])

    send_standard_requests(
        review=review, user=users["lead"], due_date=review.onsite_start - DAY * REQUESTS_DUE_DAYS_BEFORE_ONSITE
    )
    answers = {request_title: documents[title] for title, *_rest, request_title in DOCUMENTS if request_title}
    decided_at = submitted_at + datetime.timedelta(days=5)
    for index, item in enumerate(review.document_requests.order_by("pk")):
        values = {"assignee": users["organiser"] if index % 2 else users["contributor"]}
        answer = answers.get(item.title)
        if answer is not None:
            item.documents.add(answer)
            values |= {
                "status": DocumentRequest.Status.ACCEPTED,
                "uploaded_at": submitted_at,
                "decided_by": users["lead"],
                "decided_at": decided_at,
            }
            if item.title == "Workforce data":
                values |= {
                    "status": DocumentRequest.Status.RETURNED,
                    "return_reason": "This covers quarter 2 only; please send the whole year.",
                }
            elif item.title == "Performance data":
                values |= {"status": DocumentRequest.Status.UPLOADED, "decided_by": None, "decided_at": None}
        upsert(DocumentRequest, {"pk": item.pk}, values)

    _last_inspection(review, users, documents)


INSPECTION_KIND = "Inspection of safeguarding and looked after children services"

JUDGEMENTS = [
    ("Overall effectiveness of safeguarding services", "Adequate"),
    ("Capacity for improvement of safeguarding services", "Good"),
    ("Overall effectiveness of services for looked after children", "Good"),
    ("Capacity for improvement of services for looked after children", "Good"),
]

# Text, council's status, what was done, what changed, linked documents, peers' status and view (or None), published.
RECOMMENDATIONS = [
    (
        "Ensure that all contacts and referrals are screened by a qualified social worker within one working day.",
        Rag.GREEN,
        "A multi-agency safeguarding hub opened in 2013 with qualified social workers on every shift.",
        "Decisions on contacts within one working day rose from 61% to 97%.",
        ["MASH performance report", "Children's services scorecard"],
        (Rag.GREEN, "The contacts the peers sampled were all decided within a working day.", True),
    ),
    (
        "Improve the quality and timeliness of initial and core assessments.",
        Rag.AMBER,
        "Single assessments replaced initial and core assessments; assessment training for every team.",
        "Assessments within 45 working days are at 83%, but audits still find analysis weak in a third.",
        ["Children's services scorecard"],
        (Rag.AMBER, "Timeliness has improved; the quality of analysis has not kept pace.", True),
    ),
    (
        "Ensure that child protection plans are outcome-focused and reviewed within timescales.",
        Rag.AMBER,
        "A new plan template and IRO challenge of plans without measurable outcomes.",
        "Reviews within timescale are at 98%; plans still list actions rather than outcomes.",
        ["Thematic audit: child in need plans"],
        (Rag.RED, "Most plans the peers read list actions without outcomes for the child.", False),
    ),
    (
        "Ensure that all social workers receive regular, recorded supervision that includes reflective discussion.",
        Rag.GREEN,
        "A supervision policy with monthly recorded supervision and quarterly reflective sessions.",
        "Last year's supervision audit found 92% of files with supervision in the last month.",
        ["Supervision policy"],
        None,
    ),
    (
        "Strengthen the LSCB's monitoring of the effectiveness of multi-agency safeguarding practice.",
        Rag.RED,
        "The board became a safeguarding partnership in 2019; a multi-agency audit programme is being planned.",
        "No multi-agency audit has yet reported to the partnership.",
        [],
        None,
    ),
    (
        "Improve the recording of the wishes and feelings of children looked after in their care plans.",
        Rag.AMBER,
        "Care plan template revised; independent reviewing officers check the child's views at every review.",
        "",
        [],
        None,
    ),
]


def _last_inspection(review, users, documents) -> None:
    kind = InspectionKind.objects.get(name=INSPECTION_KIND)
    inspection = upsert(
        Inspection,
        {"review": review},
        {
            "kind": kind,
            "date": datetime.date(2011, 6, 17),
            "reference": "Inspection of safeguarding and looked after children services: Northmoor, June 2011",
            "updated_by": users["organiser"],
        },
    )
    grades = {grade.label: grade for grade in kind.grade_scale.grades.all()}
    for order, (area, grade) in enumerate(JUDGEMENTS, start=1):
        upsert(Judgement, {"inspection": inspection, "order": order}, {"area": area, "grade": grades[grade]})
    progress_at = timezone.make_aware(datetime.datetime.combine(review.onsite_start - DAY * 32, datetime.time(14)))
    for order, (text, rag, done, changed, titles, view) in enumerate(RECOMMENDATIONS, start=1):
        recommendation = upsert(
            Recommendation,
            {"inspection": inspection, "order": order},
            {
                "review": review,
                "kind": Recommendation.Kind.RECOMMENDATION,
                "text": text,
                "rag": rag,
                "what_done": done,
                "what_changed": changed,
                "progress_by": users["contributor"],
                "progress_at": progress_at,
            },
        )
        recommendation.documents.add(*[documents[title] for title in titles])
        if view is not None:
            peer_rag, commentary, published = view
            upsert(
                RecommendationPeerView,
                {"recommendation": recommendation},
                {
                    "rag": peer_rag,
                    "commentary": commentary,
                    "updated_by": users["peer"],
                    "published_at": progress_at + datetime.timedelta(days=6) if published else None,
                },
            )
