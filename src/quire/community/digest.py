"""The email digest: each subscriber's unread updates that no digest carried yet, in
one email, sent through the project's email backend (Django's mail API).

An entry is marked as emailed only once its email went out, so a failure halfway
sends the rest next time and never the same update twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quire.community import queries
from quire.community.models import InboxEntry
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.bylines import byline_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One update as the email shows it: the entry, its byline, the comment's author
    (for comment and reply notices) and its address, named as the subscriber may know
    them (an anonymous work's creators are "Anonymous")."""

    entry: InboxEntry
    byline: str
    comment_author: str
    url: str


@dataclass(frozen=True, slots=True)
class DigestReport:
    emails: int
    updates: int
    failed: int


def send_digests(*, site_url: str) -> DigestReport:
    """Email every subscriber with new unread updates; returns what was sent."""
    base = site_url.rstrip("/")
    emails = updates = failed = 0
    recipients = list(queries.digest_recipients())
    if not recipients:
        return DigestReport(0, 0, 0)
    connection = get_connection()
    connection.open()
    try:
        for user in recipients:
            entries = queries.digest_entries(user)
            if not entries:
                continue
            message = _message(user, entries, base)
            message.connection = connection
            try:
                message.send()
            except Exception:
                log.exception("Could not send the digest to %s", user.username)
                failed += 1
                continue
            InboxEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
                emailed_at=timezone.now()
            )
            emails += 1
            updates += len(entries)
    finally:
        connection.close()
    return DigestReport(emails, updates, failed)


def _message(user: User, entries: list[InboxEntry], base: str) -> EmailMultiAlternatives:
    viewer = viewer_for(user)
    items = [
        DigestItem(
            entry,
            byline_of(viewer, entry.work).text,
            (
                entry.comment.author_name_for(viewer, entry.work.access())
                if entry.comment is not None
                else ""
            ),
            base + entry.target_url(),
        )
        for entry in entries
    ]
    context = {
        "user": user,
        "items": items,
        "base": base,
        "inbox_url": base + reverse("community:inbox"),
        "site_name": settings.SITE_NAME,
    }
    count = len(entries)
    subject = f"[{settings.SITE_NAME}] {count} new update{'' if count == 1 else 's'} for you"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("community/email/digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("community/email/digest.html", context), "text/html"
    )
    return message
