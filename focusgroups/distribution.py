"""Sending a questionnaire's link to partners, the response rate by segment against the numbers expected, and
the reminder to partners before it closes.

Everyone is sent the same public link: no email carries anything of its own that could tie a response to the
person it went to. Each distribution records who sent it, to which addresses, for which partner agency and
when; each email is an EmailRecord about the distribution, so the sender sees whether it went, and a failed
one is tried again by the notifications' periodic task.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse

from reviews.models import Commitment, EmailRecord, Partner, Review, ReviewMembership
from reviews.notifications import services as notifications
from reviews.notifications.models import Notification, SentReminder
from reviews.permissions import QUESTIONNAIRE_MANAGERS

from .models import RATED_BY_SEGMENT, Distribution, Questionnaire, QuestionnaireSettings, Response, Segment
from .services import suppress

MAX_ADDRESSES = 500
MAX_ADDRESS_LENGTH = 254  # what an EmailRecord holds
NAMED_AT_MOST = 10
# Partners are reminded this many days before a questionnaire closes (the managers hear the same day).
PARTNER_REMINDER_DAYS = 3
PARTNER_REMINDER_KIND = "partner_reminder"
ANONYMITY = (
    "Your answers are anonymous. Everyone is sent this same link, and the review team cannot tell who answered "
    "or what any one person said."
)


# Reading a pasted list of addresses


@dataclass
class Addresses:
    valid: list[str]
    repeated: list[str] = field(default_factory=list)  # listed more than once; each is sent once


SEPARATORS = re.compile(r"[\n\r,;]+")
NAMED = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]*)>$")


def read_addresses(text: str) -> Addresses:
    """The addresses in a pasted list (one a line, or separated by commas, semicolons or spaces, with or without a
    name as in "Sam Jones <sam@police.example>"). Any that is not an email address is named and none is taken."""
    items = []
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        named = NAMED.match(part)
        items += [named["address"].strip()] if named else part.split()
    bad = [item for item in items if not _is_address(item)]
    if bad:
        raise ValidationError(_bad_message(bad))
    if not items:
        raise ValidationError("Enter at least one email address.")
    seen: dict[str, str] = {}
    repeated = []
    for item in items:
        key = item.lower()
        if key in seen:
            if seen[key] not in repeated:
                repeated.append(seen[key])
            continue
        seen[key] = item
    if len(seen) > MAX_ADDRESSES:
        raise ValidationError(
            f"The list has {len(seen)} different addresses; send to at most {MAX_ADDRESSES} at a time. "
            "Split the list and send the rest in a second go. Nothing was sent."
        )
    return Addresses(valid=list(seen.values()), repeated=repeated)


def _is_address(item: str) -> bool:
    if len(item) > MAX_ADDRESS_LENGTH:
        return False
    try:
        validate_email(item)
    except ValidationError:
        return False
    return True


def _bad_message(bad: list[str]) -> str:
    shown = [f"“{item[:80]}”" for item in bad[:NAMED_AT_MOST]]
    more = f" and {len(bad) - NAMED_AT_MOST} more" if len(bad) > NAMED_AT_MOST else ""
    noun = "This is not an email address" if len(bad) == 1 else "These are not email addresses"
    return f"{noun}: {', '.join(shown)}{more}. Correct {'it' if len(bad) == 1 else 'them'}; nothing was sent."


# Sending


def refusal(questionnaire: Questionnaire, today: datetime.date) -> str:
    """Why the link cannot be sent now, or an empty string."""
    if questionnaire.opens_on is None:
        return "Set the questionnaire's dates before sending its link: until then it is closed to everyone."
    if questionnaire.closes_on is not None and questionnaire.closes_on < today:
        return (
            f"The questionnaire closed on {questionnaire.closes_on:%-d %B %Y}, so its link cannot be sent. "
            "Change its closing date first if it should open again."
        )
    return ""


@dataclass
class Sent:
    distribution: Distribution
    skipped: list[str]  # sent the link before, so not sent again
    repeated: list[str]


def distribute(
    *,
    questionnaire: Questionnaire,
    kind: str,
    partner: Partner | None,
    addresses: Addresses,
    version: int,
    user,
    today: datetime.date,
) -> Sent:
    """Record a distribution and queue one email to each address not sent this questionnaire before.

    Refused (ValidationError, nothing saved) when the questionnaire is closed, its dates changed since the sender
    opened the page (`version`), or every address had the link already.
    """
    with transaction.atomic():
        locked = (
            Questionnaire.objects.select_for_update(of=("self",))
            .select_related("review__council")
            .get(pk=questionnaire.pk)
        )
        if locked.version != version:
            raise ValidationError(
                "The questionnaire's dates or settings were changed by someone else after you opened this page, "
                "so nothing was sent. Check them below and send again."
            )
        reason = refusal(locked, today)
        if reason:
            raise ValidationError(reason)
        before = sent_addresses(locked)
        new = [address for address in addresses.valid if address.lower() not in before]
        skipped = [address for address in addresses.valid if address.lower() in before]
        if not new:
            raise ValidationError(
                "Every address in the list was sent this questionnaire's link before, so nothing was sent. "
                "Emails that failed are tried again on their own."
            )
        distribution = Distribution.objects.create(
            review_id=locked.review_id,
            questionnaire=locked,
            kind=kind,
            partner=partner,
            addresses="\n".join(new),
            sent_by=user,
        )
        subject, body = link_email(locked, distribution, sender=user)
        for address in new:
            notifications.email_address(
                to_address=address,
                subject=subject,
                body=body,
                kind=EmailRecord.Kind.QUESTIONNAIRE,
                about=distribution.email_topic,
            )
    return Sent(distribution=distribution, skipped=skipped, repeated=addresses.repeated)


def sent_addresses(questionnaire: Questionnaire) -> set[str]:
    return {
        line.lower()
        for text in Distribution.objects.filter(questionnaire=questionnaire).values_list("addresses", flat=True)
        for line in text.splitlines()
        if line
    }


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "The peer review team"


def _dates(questionnaire: Questionnaire) -> str:
    opens = f"It opens on {questionnaire.opens_on:%-d %B %Y}" if questionnaire.opens_on else "It is open"
    if questionnaire.closes_on:
        return f"{opens} and closes at the end of {questionnaire.closes_on:%-d %B %Y}."
    return f"{opens}."


def link_email(questionnaire: Questionnaire, distribution: Distribution, *, sender) -> tuple[str, str]:
    council = questionnaire.review.council.name
    link = notifications.absolute(questionnaire.public_url())
    if distribution.kind == Distribution.Kind.FORWARD:
        agency = f"the staff of {distribution.partner}" if distribution.partner_id else "your staff"
        subject = f"Please forward to your staff: {questionnaire.title}"
        lines = [
            f"{_name(sender)}, of the peer review of children's safeguarding in {council}, asks you to forward "
            f"this questionnaire to {agency}.",
            "",
            f"Please forward this link as it is: {link}",
            "",
            _dates(questionnaire),
            "",
            f"Tell your staff: {ANONYMITY}",
        ]
    else:
        subject = f"A questionnaire for you: {questionnaire.title}"
        lines = [
            f"{_name(sender)}, of the peer review of children's safeguarding in {council}, asks you to answer "
            "a short questionnaire.",
            "",
            f"Answer it here: {link}",
            "",
            _dates(questionnaire),
            "",
            ANONYMITY,
        ]
    return subject, "\n".join(lines)


def reminder_email(questionnaire: Questionnaire, kind: str) -> tuple[str, str]:
    link = notifications.absolute(questionnaire.public_url())
    closes = f"{questionnaire.closes_on:%-d %B %Y}"
    subject = f"Reminder: “{questionnaire.title}” closes on {closes}"
    if kind == Distribution.Kind.FORWARD:
        first = (
            f"The questionnaire you forwarded to your staff closes at the end of {closes}. Please remind them: "
            "anyone who has not answered yet still has time."
        )
        ask = f"The link, to forward as it is: {link}"
    else:
        first = f"The questionnaire you were sent closes at the end of {closes}. If you have not answered yet, there is still time."
        ask = f"Answer it here: {link}"
    lines = [
        first,
        "",
        ask,
        "",
        "If you have answered already, thank you: there is nothing more to do. Answers are anonymous, so the "
        "review team cannot tell who has answered, and everyone sent the link gets this reminder.",
    ]
    return subject, "\n".join(lines)


# What was sent, and how it went


@dataclass
class Delivery:
    distribution: Distribution
    emails: list[EmailRecord]
    reminders: list[EmailRecord]

    def rows(self) -> list[tuple[EmailRecord, EmailRecord | None]]:
        """Each email of the link with the reminder to the same address, if one was sent."""
        reminders = {reminder.to_address.lower(): reminder for reminder in self.reminders}
        return [(email, reminders.get(email.to_address.lower())) for email in self.emails]


def deliveries(questionnaire: Questionnaire) -> list[Delivery]:
    """The questionnaire's distributions, newest first, each with its emails: two queries."""
    distributions = list(
        Distribution.objects.filter(questionnaire=questionnaire)
        .select_related("sent_by", "partner")
        .order_by("-created_at", "-pk")
    )
    topics = {d.email_topic: d.pk for d in distributions} | {d.reminder_topic: -d.pk for d in distributions}
    emails: dict[int, list[EmailRecord]] = defaultdict(list)
    for record in EmailRecord.objects.filter(about__in=list(topics)).order_by("to_address", "pk"):
        emails[topics[record.about]].append(record)
    return [Delivery(d, emails.get(d.pk, []), emails.get(-d.pk, [])) for d in distributions]


# Response rates by segment against the numbers expected
#
# A segment's expected number is how many people in it could answer: the same people for every questionnaire.
# So a rate is always one questionnaire's responses against it, never two questionnaires' added up: twenty
# police officers answering both the staff and the partners' questionnaire are 20 of 30 twice, not 40 of 30.

TOO_LOW = "more responses than expected, so the expected number looks too low"


@dataclass
class Rate:
    name: str
    partner: str
    responses: int | None  # None when hidden to keep answers anonymous
    expected: int | None
    expected_from: str  # "segment", "commitment" or ""

    @property
    def percent(self) -> int | None:
        if self.responses is None or not self.expected:
            return None
        return round(100 * self.responses / self.expected)

    @property
    def more_than_expected(self) -> bool:
        """More responses than could answer: said beside the figure, which is shown as it is (`TOO_LOW`)."""
        return self.responses is not None and self.expected is not None and self.responses > self.expected


@dataclass
class Rates:
    rows: list[Rate]  # none for a questionnaire not rated by segment (`Questionnaire.rated_by_segment`)
    total: Rate
    minimum: int

    def summary(self) -> str:
        """Such as "23 responses of 60 expected (38%)", with a small count given only as "fewer than"."""
        total = self.total
        if total.responses is None:
            count = f"fewer than {self.minimum} responses"
        elif total.responses == 0:
            count = "no responses"
        else:
            count = f"{total.responses} response{'s' if total.responses != 1 else ''}"
        if not total.expected:
            return count
        if total.percent is None:
            return f"{count} of {total.expected} expected"
        if total.more_than_expected:
            return f"{count} of {total.expected} expected ({total.percent}%: {TOO_LOW})"
        return f"{count} of {total.expected} expected ({total.percent}%)"


def expected_numbers(segments: list[Segment], commitments: dict[int, int]) -> dict[int, tuple[int | None, str]]:
    """How many could answer in each segment: its own number, else what its partner agency committed to when the
    segment is the only one of that agency (a commitment shared by several segments cannot be split)."""
    per_partner: dict[int, int] = defaultdict(int)
    for segment in segments:
        if segment.partner_id:
            per_partner[segment.partner_id] += 1
    found = {}
    for segment in segments:
        if segment.expected is not None:
            found[segment.pk] = (segment.expected, "segment")
        elif segment.partner_id in commitments and per_partner[segment.partner_id] == 1:
            found[segment.pk] = (commitments[segment.partner_id], "commitment")
        else:
            found[segment.pk] = (None, "")
    return found


def rates_for(questionnaires: list[Questionnaire], minimums: dict[int, int]) -> dict[int, Rates]:
    """Each questionnaire's responses by segment against the expected numbers, in three queries for them all.

    Small groups are hidden as everywhere else (`services.suppress`); the total counts unsegmented responses too.
    A questionnaire not rated by segment (children, young people, parents) gets its total only, with nothing
    expected: the segments' numbers are staff, not its audience.
    """
    if not questionnaires:
        return {}
    reviews = {questionnaire.review_id for questionnaire in questionnaires}
    segments: dict[int, list[Segment]] = defaultdict(list)
    for segment in Segment.objects.filter(review_id__in=reviews).select_related("partner").order_by("name", "pk"):
        segments[segment.review_id].append(segment)
    commitments: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, partner_id, expected in Commitment.objects.filter(
        review_id__in=reviews, expected_responses__isnull=False
    ).values_list("review_id", "partner_id", "expected_responses"):
        commitments[review_id][partner_id] = expected
    counts: dict[tuple[int, int | None], int] = {}
    answered: dict[int, int] = defaultdict(int)
    for row in (
        Response.objects.filter(questionnaire__in=questionnaires)
        .values("questionnaire_id", "segment_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["questionnaire_id"], row["segment_id"]] = row["n"]
        answered[row["questionnaire_id"]] += row["n"]
    found = {}
    for questionnaire in questionnaires:
        minimum = minimums.get(questionnaire.review_id, 5)
        own = segments[questionnaire.review_id] if questionnaire.rated_by_segment else []
        expected = expected_numbers(own, commitments[questionnaire.review_id])
        numbers = [counts.get((questionnaire.pk, segment.pk), 0) for segment in own]
        numbers.append(answered[questionnaire.pk] - sum(numbers))  # no segment given, or none rated
        hidden = suppress([*numbers, sum(numbers)], minimum)
        rows = []
        if questionnaire.rated_by_segment:
            rows = [
                Rate(
                    name=segment.name,
                    partner=segment.partner.name if segment.partner_id else "",
                    responses=None if hide else number,
                    expected=expected[segment.pk][0],
                    expected_from=expected[segment.pk][1],
                )
                for segment, number, hide in zip(own, numbers, hidden, strict=False)
            ]
            rows.append(Rate("No segment given", "", None if hidden[-2] else numbers[-1], None, ""))
        known = [rate.expected for rate in rows if rate.expected is not None]
        total = Rate(
            name="All responses",
            partner="",
            responses=None if hidden[-1] else sum(numbers),
            # A total expected only when every segment has a number: otherwise the rate would look too good.
            expected=sum(known) if own and len(known) == len(own) else None,
            expected_from="",
        )
        found[questionnaire.pk] = Rates(rows=rows, total=total, minimum=minimum)
    return found


def rates(questionnaire: Questionnaire) -> Rates:
    minimum = QuestionnaireSettings.for_review(questionnaire.review).minimum_group
    return rates_for([questionnaire], {questionnaire.review_id: minimum})[questionnaire.pk]


def review_rates(review: Review, minimum: int) -> list[tuple[Questionnaire, Rates]]:
    """Each of the review's questionnaires rated by segment, with its own rates: four queries."""
    questionnaires = list(review.questionnaires.filter(RATED_BY_SEGMENT).order_by("title", "pk"))
    found = rates_for(questionnaires, {review.pk: minimum})
    return [(questionnaire, found[questionnaire.pk]) for questionnaire in questionnaires]


# The reminder to partners before closing, from the scheduled job


def remind_partners(*, today: datetime.date) -> int:
    """Email every address a questionnaire was sent to, once, PARTNER_REMINDER_DAYS before it closes.

    Run hourly by Celery beat: a SentReminder for the questionnaire and day makes a second run the same day do
    nothing. A questionnaire closed early, or with its closing date moved, is not due, so it is not reminded.
    Returns how many questionnaires' partners were reminded.
    """
    closing = today + datetime.timedelta(days=PARTNER_REMINDER_DAYS)
    due = list(
        Questionnaire.objects.filter(
            review__isnull=False, closes_on=closing, opens_on__lte=today, distributions__isnull=False
        )
        .distinct()
        .select_related("review")
        .order_by("pk")
    )
    made = 0
    for questionnaire in due:
        try:
            with transaction.atomic():
                if _remind(questionnaire, today):
                    made += 1
        except IntegrityError:
            continue  # reminded already today
    return made


def _remind(questionnaire: Questionnaire, today: datetime.date) -> bool:
    distributions = list(questionnaire.distributions.select_related("sent_by").order_by("created_at", "pk"))
    senders = []
    for distribution in distributions:
        if distribution.sent_by is not None and distribution.sent_by.is_active and distribution.sent_by not in senders:
            senders.append(distribution.sent_by)
    if not senders:
        manager = (
            ReviewMembership.objects.filter(review_id=questionnaire.review_id, role__in=QUESTIONNAIRE_MANAGERS)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if manager is None:
            return False
        senders = [manager.user]
    # The database refuses a second reminder of this questionnaire on this day (the IntegrityError above).
    SentReminder.objects.create(
        recipient=senders[0],
        item=f"focusgroups.questionnaire:{questionnaire.pk}:partners",
        kind=PARTNER_REMINDER_KIND,
        day=today,
    )
    reminded: set[str] = set()
    for distribution in distributions:
        subject, body = reminder_email(questionnaire, distribution.kind)
        for address in distribution.address_list():
            if address.lower() in reminded:
                continue
            reminded.add(address.lower())
            notifications.email_address(
                to_address=address,
                subject=subject,
                body=body,
                kind=EmailRecord.Kind.QUESTIONNAIRE,
                about=distribution.reminder_topic,
            )
    count = len(reminded)
    for sender in senders:
        notifications.notify(
            recipient=sender,
            review=questionnaire.review,
            kind=Notification.Kind.QUESTIONNAIRE,
            title=f"Reminder sent to {count} partner address{'es' if count != 1 else ''}: "
            f"“{questionnaire.title}” closes on {questionnaire.closes_on:%-d %B %Y}",
            link=reverse("focusgroups:distribute", args=[questionnaire.review_id, questionnaire.pk]),
        )
    return True
