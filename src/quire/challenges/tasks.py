"""Background work of challenges: matching runs, the emails to givers, and telling
recipients of their gifts on the worker's clock."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from quire.challenges.emails import send_assignment_mail, send_gift_notices
from quire.challenges.runs import run_matching
from quire.community.cli import DEFAULT_SITE_URL


@task()
def generate_matches(run_id: int) -> int:
    """Run "Generate matches" (quire.challenges.runs); returns how many got a giver."""
    return run_matching(run_id)


@task()
def send_assignment_emails(kind: str, assignment_ids: list[int], base_url: str) -> int:
    """Email givers their assignment, a pinch hit or a reminder; returns how many went."""
    return send_assignment_mail(kind, assignment_ids, base_url)


def tell_gift_recipients() -> int:
    """Email the recipients of gifts that showed since the last tick (`quire worker` runs
    this once a minute beside the reveals); links start with the SITE_URL setting."""
    return send_gift_notices(getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL)
