"""How many reports one reporter may send: a member by account, a guest by address.

Counted in Django's cache in fixed windows, like the login throttle, so it costs no
table; a flood of reports is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import time
from typing import Final

from django.core.cache import cache

REPORTS_PER_WINDOW: Final = 5
WINDOW_SECONDS: Final = 60 * 60
PREFIX: Final = "quire-reports"


def reporter_key(user_id: int | None, address: str) -> str:
    """Who is counted: the account, else a digest of the guest's address."""
    if user_id is not None:
        return f"user:{user_id}"
    return "guest:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _counter(key: str) -> str:
    return f"{PREFIX}:{key}:{int(time.time() // WINDOW_SECONDS)}"


def may_report(key: str) -> bool:
    """Whether this reporter has reports left in the current window."""
    return int(cache.get(_counter(key)) or 0) < REPORTS_PER_WINDOW


def count_report(key: str) -> None:
    """Count one report sent in the current window."""
    counter = _counter(key)
    if cache.add(counter, 1, timeout=WINDOW_SECONDS):
        return
    try:
        cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=WINDOW_SECONDS)
