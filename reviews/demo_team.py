"""Demo notifications, emails and invitations for the first demo review. Every person here is invented; email
addresses use the reserved `.example` domain. Nothing is sent: the emails are records of what was sent.

Running it again changes nothing: records are found by their natural keys.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import person_cache
from .demo import upsert
from .demo_data import REQUESTS_DUE_DAYS_BEFORE_ONSITE
from .models import EmailRecord, Invitation, Notification, Review, Role

# (username, kind, title with the review's dates in braces, body, link suffix under the review, read, email status, email error, attempts)
NOTIFICATIONS = [
    (
        "contributor",
        Notification.Kind.DUE_SOON,
        "Due on {requests_due}: a document request assigned to you",
        "",
        "self-assessment/requests/",
        False,
        EmailRecord.Status.SENT,
        "",
        1,
    ),
    (
        "contributor",
        Notification.Kind.TEAM,
        "You have been added to the review as contributor",
        "You can open the review with the account you already have.",
        "",
        True,
        EmailRecord.Status.SENT,
        "",
        1,
    ),
    (
        "organiser",
        Notification.Kind.OVERDUE,
        "Overdue since {requests_due}: a document request assigned to you",
        "",
        "self-assessment/requests/",
        False,
        EmailRecord.Status.FAILED,
        "ConnectionRefusedError: [Errno 111] Connection refused",
        2,
    ),
    (
        "lead",
        Notification.Kind.TEAM,
        "Amira Castell accepted the invitation to the review",
        "",
        "team/",
        False,
        None,
        "",
        0,
    ),
    (
        "lead",
        Notification.Kind.IMPACT_CHECK,
        "The 3-month impact check is on {check_3}",
        "",
        "conference/plan/",
        False,
        None,
        "",
        0,
    ),
]

# (name, email, role, status, days since last sent)
INVITATIONS = [
    ("Owen Hartley", "owen.hartley@northmoor.example", Role.CONTRIBUTOR, Invitation.Status.PENDING, 2),
    ("Grace Penrose", "grace.penrose@peers.example", Role.PEER, Invitation.Status.PENDING, 9),
    ("Amira Castell", "amira.castell@northmoor.example", Role.CONTRIBUTOR, Invitation.Status.ACCEPTED, 12),
    ("Lewis Drayton", "lewis.drayton@northmoor.example", Role.CONTRIBUTOR, Invitation.Status.REVOKED, 20),
]


def add_team_demo(*, reviews: list[Review], users: dict) -> None:
    review = reviews[0]
    lead = users.get("lead")
    if lead is None:
        return
    now = timezone.now()
    for name, email, role, status, days in INVITATIONS:
        sent = now - datetime.timedelta(days=days)
        user = _invited_user(name, email, active=status == Invitation.Status.ACCEPTED)
        invitation = Invitation.objects.filter(review=review, email=email).first()
        if invitation is None:
            invitation = Invitation.objects.create(
                review=review,
                user=user,
                name=name,
                email=email,
                role=role,
                status=status,
                invited_by=lead,
                created_at=sent,
                sent_count=1,
                last_sent_at=sent,
                accepted_at=sent + datetime.timedelta(days=1) if status == Invitation.Status.ACCEPTED else None,
                revoked_at=sent + datetime.timedelta(days=1) if status == Invitation.Status.REVOKED else None,
            )
        if status == Invitation.Status.ACCEPTED:
            review.memberships.get_or_create(user=user, defaults={"role": role})
        upsert(
            EmailRecord,
            {"invitation": invitation, "kind": EmailRecord.Kind.INVITATION},
            {
                "recipient": user,
                "to_address": email,
                "subject": f"You are invited to join {review.title}",
                "body": "The invitation, with its one-time link left out.",
                "status": EmailRecord.Status.SENT,
                "attempts": 1,
                "sent_at": sent,
                "last_tried_at": sent,
            },
        )
    requests_due = review.onsite_start - datetime.timedelta(days=REQUESTS_DUE_DAYS_BEFORE_ONSITE)
    dates = {"requests_due": f"{requests_due:%-d %B %Y}", "check_3": f"{review.followup_3_months:%-d %B %Y}"}
    for username, kind, title, body, link, read, email_status, error, attempts in NOTIFICATIONS:
        title = title.format(**dates)
        recipient = users.get(username)
        if recipient is None:
            continue
        notification = upsert(
            Notification,
            {"recipient": recipient, "review": review, "title": title},
            {
                "kind": kind,
                "body": body,
                "link": f"/reviews/{review.pk}/{link}",
                "email_mode": Notification.Email.IMMEDIATELY if email_status else Notification.Email.NONE,
            },
        )
        if read and notification.read_at is None:
            Notification.objects.filter(pk=notification.pk).update(read_at=now)
            person_cache.forget_unread(recipient.pk)
        if email_status and notification.email_id is None:
            record = EmailRecord.objects.create(
                recipient=recipient,
                to_address=recipient.email,
                kind=EmailRecord.Kind.NOTIFICATION,
                subject=title,
                body=f"{title}\n\n{body}".strip(),
                status=email_status,
                attempts=attempts,
                error=error,
                last_tried_at=now,
                sent_at=now if email_status == EmailRecord.Status.SENT else None,
            )
            Notification.objects.filter(pk=notification.pk).update(email=record)


def _invited_user(name: str, email: str, *, active: bool):
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is None:
        first, _, last = name.partition(" ")
        user = User(username=email, email=email, first_name=first, last_name=last, is_active=active)
        user.set_unusable_password()
        user.save()
    return user
