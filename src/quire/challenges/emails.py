"""The challenge's emails: to givers (their assignment, a pinch hit, a reminder) and to
recipients, once a gift posted to a challenge shows (quire.challenges.tasks runs that
on the worker's clock, so a reveal by hand or by date is followed within a minute).

Bodies are plain-text templates (challenges/emails/); links are absolute, from the
archive's address the action was given (the request's, or --site-url). A message the
mail server refuses is logged and the rest still go; the maintainers' pages show every
assignment, so nothing is lost with an email.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quire.challenges import queries
from quire.challenges.models import CHALLENGE_KINDS, Assignment, GiftNotice

log = logging.getLogger(__name__)

KINDS = ("assignment", "pinch_hit", "reminder")


def send_assignment_mail(kind: str, assignment_ids: list[int], base_url: str) -> int:
    """Email the giver of each assignment; returns how many emails went out."""
    if kind not in KINDS:
        raise ValueError(f"no challenge email of kind {kind!r}")
    base = base_url.rstrip("/")
    assignments = Assignment.objects.filter(pk__in=assignment_ids).select_related(
        "challenge__collection", "giver__user", "recipient__user", "pinch_hitter"
    )
    sent = 0
    with get_connection() as connection:
        for assignment in assignments:
            giver = assignment.giving_user
            if giver is None or not giver.email:
                continue
            collection = assignment.challenge.collection
            due = assignment.challenge.assignments_due_at
            context = {
                "assignment": assignment,
                "giver": giver,
                "collection": collection,
                "due": due,
                "overdue": due is not None and due < timezone.now(),
                "link": base
                + reverse("challenges:assignment", args=[collection.name, assignment.pk]),
                "site_name": settings.SITE_NAME,
            }
            subject = " ".join(
                render_to_string(f"challenges/emails/{kind}_subject.txt", context).split()
            )
            message = EmailMessage(
                subject=subject,
                body=render_to_string(f"challenges/emails/{kind}.txt", context),
                to=[giver.email],
                connection=connection,
            )
            try:
                message.send()
            except OSError:
                log.exception(
                    "could not email %s about assignment %s", giver.username, assignment.pk
                )
                continue
            sent += 1
    return sent


def send_gift_notices(base_url: str) -> int:
    """Tell each recipient of a gift in a challenge that it is there, once; returns how
    many were told. An anonymous work is "from Anonymous" until its creators show."""
    base = base_url.rstrip("/")
    told = 0
    with get_connection() as connection:
        for gift in queries.gifts_to_tell():
            work = gift.work
            where = next((c for c in work.collections.all() if c.kind in CHALLENGE_KINDS), None)
            byline = (
                "Anonymous"
                if work.anonymous
                else ", ".join(creatorship.pseud.name for creatorship in work.creatorships.all())
            )
            context = {
                "recipient": gift.recipient,
                "work": work,
                "byline": byline,
                "collection": where,
                "link": base + work.get_absolute_url(),
                "site_name": settings.SITE_NAME,
            }
            if gift.recipient.email:
                message = EmailMessage(
                    subject=" ".join(
                        render_to_string("challenges/emails/gift_subject.txt", context).split()
                    ),
                    body=render_to_string("challenges/emails/gift.txt", context),
                    to=[gift.recipient.email],
                    connection=connection,
                )
                try:
                    message.send()
                except OSError:
                    log.exception("could not tell %s of gift %s", gift.recipient.username, gift.pk)
                    continue
            GiftNotice.objects.create(gift=gift)
            told += 1
    return told
