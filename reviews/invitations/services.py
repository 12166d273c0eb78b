"""Inviting people to a review's team, one by one or as a list; resending, revoking and accepting.

Someone without an account gets an inactive one and an email with a one-time link to set their own password;
no password is ever sent. Someone who already has an account is added to the team at once and told so.
A list is checked whole before anything is saved: one bad row and nothing changes.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Review, ReviewMembership, Role
from ..notifications import services as notifications
from ..notifications.models import EmailRecord, Notification
from .models import Invitation
from .tokens import LINK_PLACEHOLDER, invitation_tokens

MAX_LIST_ROWS = 200


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str
    job_title: str = ""
    organisation: str = ""


class Refused(Exception):
    """Nothing was changed; `problems` says why, each naming the person or row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def role_from_text(text: str) -> str | None:
    """A role from its value or its label, whatever the case: "peer", "Peer reviewer"."""
    wanted = " ".join(text.replace("_", " ").split()).lower()
    for role in Role:
        if wanted in {role.value.replace("_", " "), role.label.lower()}:
            return role.value
    return None


def clean_email(text: str) -> str:
    """The address as typed, trimmed, with its domain in lower case; ValidationError when it is not one."""
    address = text.strip()
    validate_email(address)
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def problems_with(review: Review, people: list[Person], labels: list[str] | None = None) -> list[str]:
    """Why any of these people cannot be invited to the review: already in the team, already invited, or twice."""
    labels = labels or [person.email for person in people]
    members = {
        email.lower()
        for email in ReviewMembership.objects.filter(review=review).values_list("user__email", flat=True)
        if email
    }
    pending = {
        email.lower()
        for email in Invitation.objects.filter(review=review, status=Invitation.Status.PENDING).values_list(
            "email", flat=True
        )
    }
    problems, seen = [], set()
    for person, label in zip(people, labels, strict=True):
        address = person.email.lower()
        if address in members:
            problems.append(f"{label}: {person.email} is already in this review's team.")
        elif address in pending:
            problems.append(
                f"{label}: {person.email} has already been invited and has not yet accepted; send the invitation again instead."
            )
        elif address in seen:
            problems.append(f"{label}: {person.email} appears twice in the list.")
        seen.add(address)
    return problems


def invite(*, review: Review, people: list[Person], invited_by, labels: list[str] | None = None) -> list[Invitation]:
    """Invite everyone, or no one: the review's row serialises invitations, so two leads cannot invite one person twice."""
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()
        problems = problems_with(review, people, labels)
        if problems:
            raise Refused(problems)
        return [_invite_one(review, person, invited_by) for person in people]


def _account_for(email: str):
    """The account of `email`: an active one first, else one made for an earlier invitation not yet accepted."""
    return get_user_model().objects.filter(email__iexact=email).order_by("-is_active", "pk").first()


def existing_accounts(emails: list[str]) -> dict[str, object]:
    """The active account each of these addresses would join as at once, by address in lower case, in one query;
    an address without one is left out (they are invited)."""
    wanted = {email.lower() for email in emails}
    found: dict[str, object] = {}
    users = (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=wanted, is_active=True)
        .order_by("pk")
    )
    for user in users:
        found.setdefault(user.address, user)
    return found


def _invite_one(review: Review, person: Person, invited_by) -> Invitation:
    user = _account_for(person.email)
    now = timezone.now()
    if user is not None and user.is_active:  # as existing_accounts finds it
        # They have an account already: they join at once and are told, with nothing to accept.
        ReviewMembership.objects.create(
            review=review,
            user=user,
            role=person.role,
            job_title=person.job_title,
            organisation=person.organisation,
        )
        invitation = Invitation.objects.create(
            review=review,
            user=user,
            name=person.name,
            email=person.email,
            role=person.role,
            job_title=person.job_title,
            organisation=person.organisation,
            invited_by=invited_by,
            status=Invitation.Status.ACCEPTED,
            accepted_at=now,
        )
        notifications.notify(
            recipient=user,
            review=review,
            kind=Notification.Kind.TEAM,
            title=f"You have been added to {review.title} as {Role(person.role).label.lower()}",
            body="You can open the review with the account you already have.",
            link=review.get_absolute_url(),
        )
        return invitation
    if user is None:
        user = _new_inactive_user(person)
    invitation = Invitation.objects.create(
        review=review,
        user=user,
        name=person.name,
        email=person.email,
        role=person.role,
        job_title=person.job_title,
        organisation=person.organisation,
        invited_by=invited_by,
    )
    _send(invitation)
    return invitation


def _new_inactive_user(person: Person):
    User = get_user_model()
    base = person.email.lower()[:140]
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    first, _, last = person.name.strip().partition(" ")
    user = User(username=username, email=person.email, first_name=first[:150], last_name=last[:150], is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def _send(invitation: Invitation) -> None:
    invitation.sent_count += 1
    invitation.last_sent_at = timezone.now()
    invitation.save(update_fields=["sent_count", "last_sent_at"])
    record = EmailRecord.objects.create(
        recipient=invitation.user,
        to_address=invitation.email,
        kind=EmailRecord.Kind.INVITATION,
        invitation=invitation,
        subject=f"You are invited to join {invitation.review.title}",
        body=invitation_text(invitation),
    )
    notifications.queue_email(record)


def invitation_text(invitation: Invitation) -> str:
    from django.conf import settings

    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "The review's lead"
    return "\n".join(
        [
            f"Dear {invitation.name},",
            "",
            f"{inviter} has invited you to join {invitation.review.title} as {Role(invitation.role).label.lower()}.",
            "",
            f"Set your own password with this link. It works once, for {settings.INVITATION_VALID_DAYS} days:",
            LINK_PLACEHOLDER,
            "",
            f"Your username is: {invitation.user.get_username()}",
            "",
            "We never send passwords by email. If you did not expect this invitation, you can ignore it.",
        ]
    )


def _locked(invitation: Invitation, version: int | None) -> tuple[Invitation | None, str]:
    locked = Invitation.objects.select_for_update().select_related("review", "user").get(pk=invitation.pk)
    if version != locked.version:
        return None, (
            f"The invitation to {locked.email} was changed by someone else after you opened the page, "
            "so nothing was done. Look at it again, then try again."
        )
    if not locked.is_pending:
        return None, f"The invitation to {locked.email} is {locked.get_status_display().lower()}, so nothing was done."
    return locked, ""


def resend(*, invitation: Invitation, version: int | None) -> str:
    """Send a new link; the earlier links stop working. Returns a problem, or "" when sent."""
    with transaction.atomic():
        locked, problem = _locked(invitation, version)
        if locked is None:
            return problem
        locked.version += 1
        locked.save(update_fields=["version"])
        _send(locked)
    return ""


def revoke(*, invitation: Invitation, version: int | None) -> str:
    """Withdraw the invitation: its links stop working and any email still waiting is not sent."""
    with transaction.atomic():
        locked, problem = _locked(invitation, version)
        if locked is None:
            return problem
        locked.status, locked.revoked_at = Invitation.Status.REVOKED, timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "revoked_at", "version"])
    return ""


def find_by_token(uidb64: str, token: str) -> tuple[Invitation | None, str]:
    """The pending invitation a link is for, or None and why the link does not work."""
    from django.utils.http import urlsafe_base64_decode

    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        pk = None
    invitation = Invitation.objects.select_related("review", "user").filter(pk=pk).first() if pk else None
    if invitation is None:
        return None, "This invitation link is not complete. Open it again from the email, or copy all of it."
    if invitation.status == Invitation.Status.ACCEPTED:
        return None, "This invitation has already been used to set a password. Sign in with your username and password."
    if invitation.status == Invitation.Status.REVOKED:
        return None, "This invitation has been withdrawn. If you think it should not have been, ask the review's lead."
    if not invitation_tokens.check_token(invitation, token):
        return None, (
            "This invitation link has expired or has been replaced by a newer email. "
            "Use the link in the latest email, or ask the review's lead to send the invitation again."
        )
    return invitation, ""


def accept(*, invitation: Invitation, token: str, password: str) -> str:
    """Set the person's password and add them to the team, once. Returns a problem, or "" when accepted."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("review", "user").get(pk=invitation.pk)
        if not locked.is_pending or not invitation_tokens.check_token(locked, token):
            return "This invitation has already been used or is no longer valid. Sign in, or ask the review's lead."
        user = locked.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        # Other reviews that invited the same person before they set a password are joined too.
        waiting = Invitation.objects.select_for_update().filter(user=user, status=Invitation.Status.PENDING)
        for each in [locked, *waiting.exclude(pk=locked.pk)]:
            ReviewMembership.objects.get_or_create(
                review_id=each.review_id,
                user=user,
                defaults={"role": each.role, "job_title": each.job_title, "organisation": each.organisation},
            )
            each.status, each.accepted_at = Invitation.Status.ACCEPTED, timezone.now()
            each.version += 1
            each.save(update_fields=["status", "accepted_at", "version"])
        if locked.invited_by_id:
            notifications.notify(
                recipient=locked.invited_by,
                review=locked.review,
                kind=Notification.Kind.TEAM,
                title=f"{locked.name} accepted the invitation to {locked.review.title}",
                link=f"/reviews/{locked.review_id}/team/",
            )
    return ""


# Lists pasted in or uploaded

LIST_COLUMNS = ["name", "email", "role", "job_title", "organisation"]
LIST_REQUIRED = ["name", "email", "role"]


def people_from_rows(rows: list[dict]) -> tuple[list[Person], list[str], list[str]]:
    """People from the rows of a list, their labels ("Row 3"), and every problem naming its row and column."""
    people, labels, problems = [], [], []
    for row in rows:
        label = f"Row {row['_row']}"
        name = " ".join(row["name"].split())
        if not name:
            problems.append(f"{label}, column “name”: enter the person's name.")
        elif len(name) > 200:
            problems.append(f"{label}, column “name”: a name is at most 200 characters.")
        try:
            email = clean_email(row["email"])
        except ValidationError:
            shown = re.sub(r"\s+", " ", row["email"])[:80]
            problems.append(
                f"{label}, column “email”: “{shown}” is not an email address, such as name@council.example."
            )
            email = ""
        role = role_from_text(row["role"])
        if role is None:
            problems.append(
                f"{label}, column “role”: “{row['role'][:60]}” is not a role; use one of "
                + ", ".join(role.label for role in Role)
                + "."
            )
        extra = {column: " ".join(row.get(column, "").split())[:200] for column in ("job_title", "organisation")}
        if name and email and role:
            people.append(Person(name=name, email=email, role=role, **extra))
            labels.append(label)
    return people, labels, problems
