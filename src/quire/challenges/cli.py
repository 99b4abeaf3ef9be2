"""`quire reminders`: email givers whose gift-exchange assignments are due soon or overdue."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from quire.challenges.actions import do_send_reminders
from quire.community.cli import DEFAULT_SITE_URL


def run_reminders(site_url: str | None = None) -> int:
    """Send today's reminders (at most one per assignment and day, so cron may run this
    hourly). Links start with `site_url` (else the SITE_URL setting, else localhost)."""
    base = site_url or getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL
    count = do_send_reminders(timezone.now(), base_url=base, queue=False)
    print(f"Sent {count:,} reminder{'s' if count != 1 else ''}.")
    return 0
