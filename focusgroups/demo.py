"""Demo data for the stage: the library, questionnaires with a few hundred responses, three coded focus groups."""

import datetime
import random

from django.utils import timezone

from reviews import scope
from reviews.demo import upsert
from reviews.models import EmailRecord, Partner, Review

from . import distribution, services
from .library import ensure_library
from .models import (
    Audience,
    Code,
    Coding,
    Distribution,
    FocusGroup,
    Question,
    Questionnaire,
    QuestionnaireSettings,
    Response,
    Segment,
)

# (segment, how many could answer, the partner agency it belongs to, the questionnaire its people answer)
SEGMENTS = [
    ("Children's social care: front door", 55, "Northmoor Borough Council Children's Services", Audience.STAFF),
    (
        "Children's social care: safeguarding teams",
        105,
        "Northmoor Borough Council Children's Services",
        Audience.STAFF,
    ),
    ("Police", 30, "Northmoor Police Division", Audience.PARTNERS),
    ("Health", 35, "Northmoor Hospitals NHS Foundation Trust", Audience.PARTNERS),
    ("Schools", 45, "Northmoor Schools and Learning Service", Audience.PARTNERS),
]
# The share of respondents who say which agency or team they are in.
SAY_SEGMENT = 0.85
RESPONSES = {
    Audience.STAFF: 120,
    Audience.PARTNERS: 70,
    Audience.PARENTS: 50,
    Audience.CHILDREN: 40,
}
TEXTS = [
    "Supervision happens but is often cancelled at short notice.",
    "The front door is quicker than it was a year ago.",
    "Caseloads in the safeguarding teams are too high to do direct work.",
    "I would like to be told what happened after I referred.",
    "My social worker changed three times this year.",
    "Managers are visible and approachable.",
    "Reports arrive the night before the conference.",
    "Good joint working with the police on strategy discussions.",
    "More time to see children would make the biggest difference.",
    "I felt listened to at the last meeting.",
    "Agency staff turnover makes relationships hard.",
    "Training on thresholds has helped.",
]
NOTES = {
    "Frontline social workers": (
        Audience.STAFF,
        9,
        "Most said caseloads had come down since the spring but were still above 20 in one team. "
        "Supervision is regular for newly qualified workers. Others said it is often moved or cut short.\n"
        "Several said managers are visible and approachable. One said the duty system works well on Mondays only.\n"
        "The group agreed that reports for conferences are written late because of court work. "
        "They asked for more time for direct work with children.",
    ),
    "Partner agency practitioners": (
        Audience.PARTNERS,
        10,
        "Police and health colleagues said strategy discussions are timely. "
        "Schools said they rarely hear back after a referral.\n"
        "Everyone knew the threshold document. Two said it is applied differently by different managers.\n"
        "The group valued the joint training on neglect.",
    ),
    "Young people's group": (
        Audience.CHILDREN,
        7,
        "Most knew who their social worker was. Some had had three workers in a year.\n"
        "They said it helps when workers text back. They want to be asked before meetings, not told after.\n"
        "One said the youth club is the place they feel listened to.",
    ),
}
CODINGS = {
    "Frontline social workers": [
        ("Caseloads", "caseloads had come down since the spring but were still above 20 in one team"),
        ("Supervision", "Supervision is regular for newly qualified workers."),
        ("Supervision", "Others said it is often moved or cut short."),
        ("Leadership visibility", "managers are visible and approachable"),
    ],
    "Partner agency practitioners": [
        ("Feedback after referral", "Schools said they rarely hear back after a referral."),
        ("Thresholds", "it is applied differently by different managers"),
    ],
    "Young people's group": [
        ("Changes of social worker", "Some had had three workers in a year."),
        ("Voice of the child", "They want to be asked before meetings, not told after."),
    ],
}
CUSTOM_CODES = [
    ("Caseloads", "Capacity and managing resources"),
    ("Supervision", "Capacity and managing resources"),
    ("Leadership visibility", "Vision, strategy and leadership"),
    ("Feedback after referral", "Working together"),
    ("Thresholds", "Working together"),
    ("Changes of social worker", "Effective practice, service delivery and the voice of the child"),
    ("Voice of the child", "Effective practice, service delivery and the voice of the child"),
]


def demo(*, reviews: list[Review], users: dict) -> None:
    library = ensure_library()
    if not reviews:
        return
    review = reviews[0]
    upsert(QuestionnaireSettings, {"review": review}, {"safeguarding_lead": users.get("lead")})
    partners = {partner.name: partner for partner in Partner.objects.filter(council_id=review.council_id)}
    segments = [
        upsert(Segment, {"review": review, "name": name}, {"expected": expected, "partner": partners.get(agency)})
        for name, expected, agency, _ in SEGMENTS
    ]
    opens = review.onsite_start - datetime.timedelta(days=28)
    closes = opens + datetime.timedelta(days=365)
    questionnaires = []
    for entry in library:
        copy = Questionnaire.objects.filter(review=review, source=entry).order_by("pk").first() or entry.copy_to(review)
        upsert(Questionnaire, {"pk": copy.pk}, {"opens_on": opens, "closes_on": closes})
        questionnaires.append(copy)
    for questionnaire in questionnaires:
        if not questionnaire.responses.exists():
            _responses(
                questionnaire, segments, RESPONSES[questionnaire.audience] // (2 if questionnaire.age_band else 1)
            )
    codes = _codebook(review)
    _focus_groups(review, users, codes)
    _distributions(review, users, questionnaires, partners)


# The partners' questionnaire sent twice: to the police contact to forward, and to school staff directly.
DISTRIBUTIONS = [
    (Distribution.Kind.FORWARD, "Northmoor Police Division", ["leah.brightwater@police.northmoor.example"], []),
    (
        Distribution.Kind.DIRECT,
        "Northmoor Schools and Learning Service",
        [
            "dsl@oakfield-primary.example",
            "safeguarding@northmoor-academy.example",
            "head@st-aidans.example",
            "office@riverside-infants.example",
        ],
        ["office@riverside-infants.example"],
    ),
]


def _distributions(review: Review, users: dict, questionnaires: list[Questionnaire], partners: dict) -> None:
    """A record of what was sent and how it went, as the distribution page shows it. Idempotent."""
    target = next((q for q in questionnaires if q.audience == Audience.PARTNERS), None)
    if target is None or target.distributions.exists():
        return
    target.refresh_from_db()  # with the dates the demo gave it
    sent_at = timezone.make_aware(datetime.datetime.combine(target.opens_on, datetime.time(9, 30)))
    for kind, agency, addresses, failed in DISTRIBUTIONS:
        record = Distribution.objects.create(
            review=review,
            questionnaire=target,
            kind=kind,
            partner=partners.get(agency),
            addresses="\n".join(addresses),
            sent_by=users.get("lead"),
            created_at=sent_at,
        )
        subject, body = distribution.link_email(target, record, sender=users.get("lead"))
        for address in addresses:
            ok = address not in failed
            EmailRecord.objects.create(
                to_address=address,
                kind=EmailRecord.Kind.QUESTIONNAIRE,
                subject=subject,
                body=body,
                about=record.email_topic,
                created_at=sent_at,
                status=EmailRecord.Status.SENT if ok else EmailRecord.Status.FAILED,
                attempts=1 if ok else 5,
                last_tried_at=sent_at,
                sent_at=sent_at if ok else None,
                error="" if ok else "SMTPRecipientsRefused: the school's mail server refused the address",
            )


def _responses(questionnaire: Questionnaire, segments: list[Segment], count: int) -> None:
    rng = random.Random(f"{questionnaire.title}-{count}")
    questions = list(Question.objects.filter(section__questionnaire=questionnaire).order_by("section__order", "order"))
    # Each answer is dated within the days the questionnaire was open, up to today.
    today = timezone.localdate()
    opens, closes = Questionnaire.objects.values_list("opens_on", "closes_on").get(pk=questionnaire.pk)
    first = min(opens or today, today)
    days = (max(min(closes or today, today), first) - first).days + 1
    dating = random.Random(f"{questionnaire.title}-{count}-days")  # its own draws: the answers stay as they were
    # Each response that gives a segment is one of the people who could answer this questionnaire in it, so no
    # segment has more responses than its number: council staff answer the staff questionnaire, partners theirs.
    seating = random.Random(f"{questionnaire.title}-{count}-segments")
    answering = {name for name, _, _, audience in SEGMENTS if audience == questionnaire.audience}
    seats = [segment for segment in segments if segment.name in answering for _ in range(segment.expected or 0)]
    seating.shuffle(seats)
    for number in range(count):
        answers = {}
        for question in questions:
            options = [value for value, _ in question.options()]
            if question.kind == Question.Kind.TEXT:
                answers[question] = rng.choice(TEXTS) if rng.random() < 0.5 else ""
            elif question.kind == Question.Kind.MULTIPLE:
                answers[question] = rng.sample(options, k=rng.randint(1, 2))
            elif question.kind == Question.Kind.SINGLE:
                answers[question] = rng.choice(options)
            else:
                # Answers lean positive, as they do; a child's first response says they do not feel safe.
                weights = sorted(range(1, len(options) + 1), reverse=True)
                value = rng.choices(options, weights=weights)[0]
                if question.safety_check:
                    value = options[-1] if number == 0 else options[rng.randint(0, 1)]
                answers[question] = value
        segment = seats.pop() if seats and seating.random() < SAY_SEGMENT else None
        mode = "paper" if questionnaire.audience == Audience.CHILDREN and number % 3 == 0 else "online"
        response, _ = services.submit_response(questionnaire=questionnaire, answers=answers, segment=segment, mode=mode)
        day = first + datetime.timedelta(days=dating.randrange(days))
        Response.objects.filter(pk=response.pk).update(submitted_on=day)


def _codebook(review: Review) -> dict[str, Code]:
    services.ensure_codebook(review)  # every theme, scope area, focus area and circumstance in scope
    codes = {}
    for theme in review.framework.themes.order_by("order"):
        codes[theme.name] = upsert(Code, {"review": review, "name": theme.name}, {"theme": theme})
    for area in scope.focus_areas(review, "focus"):
        codes[area.title] = upsert(Code, {"review": review, "name": area.title[:200]}, {"focus_area": area})
    for name, parent in CUSTOM_CODES:
        codes[name] = upsert(Code, {"review": review, "name": name}, {"parent": codes[parent]})
    return codes


def _focus_groups(review: Review, users: dict, codes: dict[str, Code]) -> None:
    # Focus groups run in the fortnight before the on-site week, so they have been held by the time it starts.
    day = review.onsite_start - datetime.timedelta(days=14)
    agencies = list(Partner.objects.filter(council=review.council).order_by("name")[:4])
    for offset, (title, (audience, participants, notes)) in enumerate(NOTES.items()):
        group = upsert(
            FocusGroup,
            {"review": review, "title": title},
            {
                "held_on": day + datetime.timedelta(days=offset),
                "audience": audience,
                "facilitator": users.get("lead"),
                "note_taker": users.get("peer"),
                "participants": participants,
                "consent_noted": True,
                "ground_rules_noted": True,
                "notes": notes,
            },
        )
        if audience == Audience.PARTNERS and not group.agencies.exists():
            group.agencies.set(agencies)
        for code_name, quote in CODINGS[title]:
            start = group.notes.find(quote)
            if not Coding.objects.filter(focus_group=group, code=codes[code_name], start=start).exists():
                services.code_passage(
                    group=group,
                    code=codes[code_name],
                    start=start,
                    end=start + len(quote),
                    coder=users.get("peer"),
                    version=group.version,
                )
