"""The archive's email to people: account confirmation and invitations.

Bodies are plain-text templates (people/emails/); links are absolute, built from
the address the request came in on, since the archive has no fixed domain.
Sending never breaks the page that asked for it: a mail server that refuses is
logged, and every email here can be asked for again.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from quire.people.models import Invitation, User

log = logging.getLogger(__name__)


class ConfirmationTokens(PasswordResetTokenGenerator):
    """Django's signed, expiring tokens, under their own salt (a password-reset token
    confirms nothing) and void once the account is confirmed."""

    key_salt = "quire.people.emails.ConfirmationTokens"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.awaiting_confirmation}{user.is_active}{timestamp}"


confirmation_tokens = ConfirmationTokens()


@dataclass(frozen=True, slots=True)
class Site:
    """Where links in an email point, and the name the email signs with."""

    base_url: str
    name: str

    def absolute(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def _send(template: str, to: str, context: dict[str, object]) -> bool:
    subject = render_to_string(f"people/emails/{template}_subject.txt", context)
    body = render_to_string(f"people/emails/{template}.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [to])
    except (smtplib.SMTPException, OSError):
        log.exception("could not send the %s email to %s", template, to)
        return False
    return True


def confirmation_link(user: User, site: Site) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = confirmation_tokens.make_token(user)
    return site.absolute(reverse("people:confirm", args=[uid, token]))


def send_confirmation(user: User, site: Site) -> bool:
    context = {"user": user, "link": confirmation_link(user, site), "site": site}
    return _send("confirm", user.email, context)


def invitation_link(invitation: Invitation, site: Site) -> str:
    return site.absolute(reverse("people:signup") + f"?invitation={invitation.code}")


def send_invitation(invitation: Invitation, site: Site, *, sender: User | None = None) -> bool:
    context = {
        "invitation": invitation,
        "link": invitation_link(invitation, site),
        "site": site,
        "sender": sender,
    }
    return _send("invitation", invitation.email, context)
