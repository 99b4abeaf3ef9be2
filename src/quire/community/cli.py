"""`quire digest`: email subscribers their unread updates."""

from __future__ import annotations

import sys

from django.conf import settings

from quire.community.digest import send_digests

DEFAULT_SITE_URL = "http://localhost:8000"


def run_digest(site_url: str | None = None) -> int:
    """Send the digests now; links in them start with `site_url` (the archive's public
    address: --site-url, else the SITE_URL setting, else localhost)."""
    base = site_url or getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL
    try:
        report = send_digests(site_url=base)
    except OSError as error:
        print(f"quire: could not reach the mail server: {error}", file=sys.stderr)
        return 1
    print(
        f"Sent {report.emails:,} digest email{'s' if report.emails != 1 else ''} "
        f"({report.updates:,} update{'s' if report.updates != 1 else ''})."
    )
    if report.failed:
        print(f"quire: {report.failed:,} could not be sent; they go next time.", file=sys.stderr)
        return 1
    return 0
