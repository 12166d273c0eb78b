"""Demo data for the conference of the first (Northmoor) review: a closed round whose ballot cards were issued and
mostly used, a letter published after a factual-accuracy round, and a plan. The second review's letter is shared with
its sponsor, with comments still open.

Each happens only once its day has come, and is dated on its day, not the day the demo is seeded: the round is
closed at the conference, the letter published three weeks after it (before it is due), the monthly update and the
3-month check recorded on their days."""

import datetime
from decimal import Decimal

from django.utils import timezone

from reviews.demo import upsert
from reviews.models import Finding, Review, Role

from .models import (
    Action,
    ActionUpdate,
    Candidate,
    Checkpoint,
    CheckpointEntry,
    Letter,
    Priority,
    Round,
)
from .presentation import add_demo_presentation
from .services import cast_vote, issue_cards, results

DEMO_CODE = "NMRDMO"
SECOND_CODE = "EVRDMV"

# Points given on six of the eight demo ballot cards to the candidates, in candidate order.
VOTES = [[4, 3, 2, 1], [5, 2, 2, 1], [3, 4, 1, 2], [2, 2, 4, 2], [4, 1, 3, 2], [3, 3, 3, 1]]
# The second review's round: its two areas for consideration, on four of six cards.
SECOND_VOTES = [[6, 4], [3, 7], [5, 5], [7, 3]]

CANDIDATES = [
    "Make the front door's threshold decisions consistent across agencies",
    "Put the child's voice at the centre of every plan",
    "Give practitioners manageable caseloads and reflective supervision",
    "Strengthen the partnership's scrutiny of multi-agency practice",
]

# (priority index, description, role, agency, days from the conference, measure, baseline, target, current, status, rag)
ACTIONS = [
    (
        0,
        "Agree one threshold document with police, health and schools",
        "Head of Early Help",
        "Northmoor Borough Council Children's Services",
        60,
        "Threshold document signed off by all partners",
        None,
        None,
        None,
        Action.Status.DONE,
        Action.RAG.GREEN,
    ),
    (
        0,
        "Audit 40 contacts a quarter for consistent threshold decisions",
        "Front Door Service Manager",
        "Northmoor Borough Council Children's Services",
        120,
        "Contacts with a consistent decision (%)",
        Decimal("61"),
        Decimal("85"),
        Decimal("72"),
        Action.Status.IN_PROGRESS,
        Action.RAG.AMBER,
    ),
    (
        1,
        "Record the child's words in every child protection plan",
        "Principal Social Worker",
        "Northmoor Borough Council Children's Services",
        90,
        "Plans quoting the child (%)",
        Decimal("38"),
        Decimal("90"),
        Decimal("41"),
        Action.Status.IN_PROGRESS,
        Action.RAG.RED,
    ),
    (
        2,
        "Bring average caseloads to 18 or fewer",
        "Director of Children's Services",
        "Northmoor Borough Council Children's Services",
        180,
        "Average caseload",
        Decimal("24"),
        Decimal("18"),
        Decimal("21"),
        Action.Status.IN_PROGRESS,
        Action.RAG.AMBER,
    ),
    (
        2,
        "Assessments completed within 45 days",
        "Assessment Team Manager",
        "Northmoor Borough Council Children's Services",
        30,
        "Assessments within 45 days (%)",
        Decimal("71"),
        Decimal("83"),
        Decimal("74"),
        Action.Status.NOT_STARTED,
        Action.RAG.RED,
    ),
    (
        3,
        "Run a multi-agency audit programme reported to the partnership",
        "Partnership Business Manager",
        "Northmoor and Fenby Integrated Care Board",
        150,
        "Audits reported each quarter",
        Decimal("0"),
        Decimal("4"),
        Decimal("2"),
        Action.Status.IN_PROGRESS,
        Action.RAG.GREEN,
    ),
]


LETTER_SHARED_AFTER = datetime.timedelta(days=10)  # days after the conference
LETTER_PUBLISHED_AFTER = datetime.timedelta(days=21)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    """That day at that hour, or now if it is later: nothing is dated ahead of the moment it is recorded."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), timezone.now())


def demo(*, reviews: list[Review], users: dict) -> None:
    review = reviews[0]
    conference_day = review.conference_date
    shared_letter_demo(reviews, users)
    if conference_day > timezone.localdate():
        return  # no round, letter or plan before the conference
    round_ = _conference_round(review, code=DEMO_CODE, titles=CANDIDATES, votes=VOTES, opened_by=users["lead"])

    priorities = []
    for order, row in enumerate(results(round_), start=1):
        priorities.append(
            upsert(
                Priority,
                {"review": review, "title": row["candidate"].title},
                {
                    "order": order,
                    "votes": row["score"],
                    "outcome": f"Children in Northmoor benefit because we {row['candidate'].title[0].lower()}"
                    f"{row['candidate'].title[1:]}.",
                },
            )
        )
    by_title = {p.title: p for p in priorities}
    for index, description, role, agency, days, measure, baseline, target, current, status, rag in ACTIONS:
        action = upsert(
            Action,
            {"priority": by_title[CANDIDATES[index]], "description": description},
            {
                "owner_role": role,
                "owner_agency": agency,
                "owner": users.get("organiser") if index == 0 else users.get("contributor"),
                "due_date": conference_day + datetime.timedelta(days=days),
                "success_measure": measure,
                "baseline_value": baseline,
                "target_value": target,
                "current_value": current,
                "status": status,
                "rag": rag,
            },
        )
        update_day = conference_day + datetime.timedelta(days=28)
        if update_day > timezone.localdate():
            continue  # progress is reported once made: no update dated ahead of today
        upsert(
            ActionUpdate,
            {"action": action, "on": update_day},
            {
                "note": "First monthly update to the improvement board.",
                "rag": rag,
                "value": current,
                "by": users.get("organiser"),
            },
        )

    letter_demo(review, users)

    check_day = conference_day + datetime.timedelta(days=91)
    if check_day <= timezone.localdate():  # a check records the actions as they stand: never ahead of its day
        _three_month_check(review, check_day)

    add_demo_presentation(review=review, user=users.get("challenge"))


def _conference_round(review: Review, *, code: str, titles: list[str], votes: list[list[int]], opened_by) -> Round:
    """The review's first round, voted on with demo ballot cards (two left unused) and closed at its conference."""
    conference_day = review.conference_date
    areas = {f.summary: f for f in review.findings.filter(kind=Finding.Kind.AREA)}
    round_ = Round.objects.filter(review=review, number=1).first()
    if round_ is None:
        round_ = Round.objects.create(
            review=review,
            number=1,
            title="Priorities for improvement",
            method=Round.Method.POINTS,
            points=10,
            code=code,
            opened_by=opened_by,
        )
    candidates = [
        upsert(Candidate, {"round": round_, "order": index}, {"title": title, "finding": areas.get(title)})
        for index, title in enumerate(titles, start=1)
    ]
    if round_.is_open and not round_.ballots.exists():
        # The codes are drawn and dropped: nobody can use the demo's cards.
        issue_cards(round_=round_, count=len(votes) + 2)
        for card, points in zip(round_.ballots.order_by("number"), votes, strict=False):
            cast_vote(ballot_id=card.pk, values={c.pk: value for c, value in zip(candidates, points, strict=True)})
    if round_.is_open:
        round_.close()
        # Voted on and closed at the conference, not when the demo was seeded.
        Round.objects.filter(pk=round_.pk).update(opened_at=_at(conference_day, 14), closed_at=_at(conference_day, 15))
        round_.ballots.update(issued_at=_at(conference_day, 14))
        round_.ballots.filter(cast_at__isnull=False).update(cast_at=_at(conference_day, 14))
    return round_


def _three_month_check(review: Review, check_day: datetime.date) -> None:
    checkpoint = upsert(
        Checkpoint,
        {"review": review, "months": Checkpoint.When.THREE},
        {"held_on": check_day, "summary": "Early progress at the front door; the child's voice still weak in plans."},
    )
    for action in Action.objects.for_review(review):
        upsert(
            CheckpointEntry,
            {"checkpoint": checkpoint, "action": action},
            {"rag": action.rag, "status": action.status, "value": action.current_value},
        )


def _comment_and_resolve(letter: Letter, *, sponsor, lead, paragraph: int, text: str, accept: str | None, reason: str):
    from . import letter as letters

    comment = letters.add_comment(letter=letter, paragraph=paragraph, text=text, user=sponsor)
    letter.refresh_from_db()
    current = letter.blocks()[paragraph - 1]
    letters.resolve_comment(
        comment=comment,
        decision=letters.ACCEPT if accept else letters.DECLINE,
        response=reason,
        paragraph_html=current.replace(*accept.split("|", 1)) if accept else "",
        version=letter.version,
        user=lead,
    )
    letter.refresh_from_db()


def _paragraph_containing(letter: Letter, words: str) -> int:
    from reviews import richtext

    return next(
        (number for number, html in enumerate(letter.blocks(), start=1) if words in richtext.plain_text(html)), 1
    )


def letter_demo(review: Review, users: dict) -> None:
    """Northmoor's letter: drafted, edited, shared with the sponsor, two comments (one accepted with an edit, one
    declined with a reason), then published: six versions in all."""
    from reviews import richtext

    from . import letter as letters

    if Letter.objects.filter(review=review).exists():
        return
    lead, sponsor = users["lead"], users["sponsor"]
    name, role = letters.default_addressee(review)
    letter = letters.generate_letter(review=review, user=users["challenge"], addressee_name=name, addressee_role=role)
    opening = _paragraph_containing(letter, "Thank you for hosting")
    edited = richtext.replace_block(
        letter.body,
        opening,
        letter.blocks()[opening - 1].replace(
            "</p>", " We are grateful to the practitioners who rebuilt cases with us in the workshops.</p>"
        ),
    )
    letter = letters.save_letter(letter=letter, body=edited, version=letter.version, user=lead)
    letter = letters.share_letter(letter=letter, user=lead)
    _comment_and_resolve(
        letter,
        sponsor=sponsor,
        lead=lead,
        paragraph=_paragraph_containing(letter, "The case sample held"),
        text="The sample was chosen with the police and health partners, not by the council alone; please say so.",
        accept="The case sample held|The case sample, chosen with the police and health partners, held",
        reason="Thank you: the paragraph now says how the sample was chosen.",
    )
    _comment_and_resolve(
        letter,
        sponsor=sponsor,
        lead=lead,
        paragraph=_paragraph_containing(letter, "areas for consideration"),
        text="We would prefer the areas for consideration to be softened before the letter is published.",
        accept=None,
        reason="The areas for consideration are the team's agreed findings; the letter keeps them as agreed.",
    )
    letters.publish_letter(letter=letter, user=lead, include_drafts=True)
    _date_letter(letter, review.conference_date)


def _date_letter(letter: Letter, conference_day: datetime.date) -> None:
    """Date the letter's history from the conference: drafted the next working days, shared ten days after,
    commented on and answered, and published three weeks after, a week before it is due."""
    shared = _at(conference_day + LETTER_SHARED_AFTER, 10)
    published = _at(conference_day + LETTER_PUBLISHED_AFTER, 11)
    Letter.objects.filter(pk=letter.pk).update(shared_at=shared, published_at=published)
    versions = list(letter.versions.order_by("pk"))
    for number, version in enumerate(versions):
        # The first versions before it was shared, the last at publication, the rest between.
        at = _at(conference_day + datetime.timedelta(days=3 + 3 * number), 9)
        at = published if number == len(versions) - 1 else min(at, published)
        type(version).objects.filter(pk=version.pk).update(created_at=at)
    for number, comment in enumerate(letter.comments.order_by("pk")):
        made = shared + datetime.timedelta(days=2 + number)
        type(comment).objects.filter(pk=comment.pk).update(
            created_at=made, resolved_at=made + datetime.timedelta(days=2) if comment.resolved_at else None
        )


def shared_letter_demo(reviews: list[Review], users: dict) -> None:
    """A later review at the reporting stage, with a sponsor: its conference's round closed, its draft letter shared
    and two comments open."""
    from . import letter as letters

    for review in reviews[1:]:
        if review.status != Review.Status.REPORTING:
            continue
        if review.conference_date is None or review.conference_date > timezone.localdate():
            continue  # its round and letter follow the conference
        sponsor = review.memberships.filter(role=Role.SPONSOR).select_related("user").first()
        lead = review.memberships.filter(role=Role.LEAD).select_related("user").first()
        if sponsor is None or lead is None:
            continue
        areas = list(review.findings.filter(kind=Finding.Kind.AREA).order_by("pk").values_list("summary", flat=True))
        _conference_round(review, code=SECOND_CODE, titles=areas[:2], votes=SECOND_VOTES, opened_by=lead.user)
        if Letter.objects.filter(review=review).exists():
            continue
        name, role = letters.default_addressee(review)
        letter = letters.generate_letter(review=review, user=lead.user, addressee_name=name, addressee_role=role)
        letter = letters.share_letter(letter=letter, user=lead.user)
        letters.add_comment(
            letter=letter,
            paragraph=_paragraph_containing(letter, "Thank you for hosting"),
            text="The on-site week was shortened by a day for the bank holiday; the dates are right, but please "
            "mention it.",
            user=sponsor.user,
        )
        letters.add_comment(
            letter=letter,
            paragraph=_paragraph_containing(letter, "On behalf of the peer review team"),
            text="Please copy the letter to the chair of the safeguarding partnership.",
            user=sponsor.user,
        )
