"""Login rate limiting: after too many failures for one username, or from one IP
address, within a window, every login attempt for it is refused for a while.

Counted in Django's cache so it costs no table and no migration. Windows are
fixed (the counter of the current window is incremented atomically with
``cache.incr``), and a lock is a key that expires. Failures are recorded by a
receiver of Django's ``user_login_failed`` signal, so every way in (the login
page, the admin's, HTTP Basic for e-reader apps) is counted and limited alike.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

PREFIX = "quire-login"


def now() -> float:
    """The clock the windows and locks are measured by (tests move it forward)."""
    return time.time()


@dataclass(frozen=True, slots=True)
class Limits:
    attempts_per_username: int
    attempts_per_ip: int
    window_seconds: int
    lockout_seconds: int


def limits() -> Limits:
    return Limits(**settings.LOGIN_THROTTLE)


def client_ip(request: HttpRequest | None) -> str:
    """The address the connection came from (a proxy in front must pass the real one)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


def _subjects(username: str, ip: str) -> list[tuple[str, int]]:
    """Cache-safe keys for what is counted, each with its allowance of failures."""
    found = limits()
    subjects = []
    name = username.strip().casefold()
    if name:
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        subjects.append((f"user:{digest}", found.attempts_per_username))
    if ip:
        digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
        subjects.append((f"ip:{digest}", found.attempts_per_ip))
    return subjects


def seconds_locked(username: str, ip: str) -> int:
    """How long logins for this username or from this address stay refused (0: they aren't)."""
    keys = [f"{PREFIX}:lock:{subject}" for subject, _ in _subjects(username, ip)]
    until = max((float(value) for value in cache.get_many(keys).values()), default=0.0)
    return max(0, round(until - now()))


def record_failure(username: str, ip: str) -> None:
    """Count one failed attempt; lock the username or address that reached its limit."""
    found = limits()
    moment = now()
    window = int(moment // found.window_seconds)
    for subject, allowed in _subjects(username, ip):
        lock_key = f"{PREFIX}:lock:{subject}"
        if float(cache.get(lock_key) or 0) > moment:
            continue  # already refused: failures now don't make the wait longer
        counter = f"{PREFIX}:count:{subject}:{window}"
        cache.add(counter, 0, timeout=found.window_seconds)
        try:
            failures = cache.incr(counter)
        except ValueError:  # the counter expired between add and incr
            cache.set(counter, 1, timeout=found.window_seconds)
            failures = 1
        if failures >= allowed:
            cache.set(lock_key, moment + found.lockout_seconds, timeout=found.lockout_seconds)
            cache.delete(counter)


def forget_failures(username: str) -> None:
    """A successful login clears its username's count (not its address's)."""
    found = limits()
    window = int(now() // found.window_seconds)
    for subject, _ in _subjects(username, ""):
        cache.delete(f"{PREFIX}:count:{subject}:{window}")


@receiver(user_login_failed, dispatch_uid="quire-login-throttle-failed")
def _count_failure(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    record_failure(str(credentials.get("username") or ""), client_ip(request))


@receiver(user_logged_in, dispatch_uid="quire-login-throttle-succeeded")
def _clear_failures(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    for name in (user.get_username(), user.email):
        if name:
            forget_failures(name)
