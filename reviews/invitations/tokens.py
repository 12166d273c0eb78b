"""The one-time link in an invitation: Django's password-reset token machinery, keyed on the invitation.

A link stops working when the password is set (the account's password changes), when the invitation is
revoked or accepted (its status changes), when it is sent again (its count of emails changes) and
`INVITATION_VALID_DAYS` after it was made.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from .models import Invitation

LINK_PLACEHOLDER = "[the one-time link, made when the email is sent and never kept]"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "reviews.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, invitation: Invitation, timestamp: int) -> str:
        user = invitation.user
        return (
            f"{invitation.pk}{invitation.status}{invitation.sent_count}{invitation.email}"
            f"{user.pk}{user.password}{user.is_active}{timestamp}"
        )

    def check_token(self, invitation: Invitation, token: str) -> bool:
        """As Django's check, with the invitation's own lifetime rather than PASSWORD_RESET_TIMEOUT."""
        if not (invitation and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(invitation, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= settings.INVITATION_VALID_DAYS * 24 * 3600


invitation_tokens = InvitationTokenGenerator()


def invitation_path(invitation: Invitation) -> str:
    uid = urlsafe_base64_encode(force_bytes(invitation.pk))
    return reverse("accept_invitation", args=[uid, invitation_tokens.make_token(invitation)])


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + invitation_path(invitation)
