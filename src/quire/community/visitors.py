"""Who is visiting, as keyed hashes: enough to count a hit or a guest's kudos once,
never an address or a session key kept in clear (quire.core.community.visitor_key);
and, for a signed-in member, the visit their reading history keeps."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from quire.community.actions import do_record_hit, do_record_reading
from quire.core.community import visitor_key
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.models import Chapter, Work


@dataclass(frozen=True, slots=True)
class GuestKeys:
    address: str
    session: str


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


def guest_keys(request: HttpRequest, *, start_session: bool = False) -> GuestKeys:
    """The guest's address and session, hashed; `start_session` gives a browser without
    a session one, so its kudos are remembered even from a shared address."""
    if start_session and request.session.session_key is None:
        request.session.save()
    address = _address(request)
    session = request.session.session_key or ""
    return GuestKeys(
        address=visitor_key(settings.SECRET_KEY, "kudos-address", address) if address else "",
        session=visitor_key(settings.SECRET_KEY, "kudos-session", session) if session else "",
    )


def count_visit(request: HttpRequest, work: Work, *, chapter: Chapter | None = None) -> bool:
    """Count a hit on the work for this visitor, at most once a day, and note a member's
    visit in their reading history (`chapter`: the one they opened on its own, None for
    the whole work). The works' reading pages call this; a member is one visitor wherever
    they read from. Returns whether the hit counted."""
    today = timezone.localdate()
    who = f"user:{request.user.pk}" if request.user.is_authenticated else _address(request)
    visitor = visitor_key(settings.SECRET_KEY, "hit", today.isoformat(), who)
    if isinstance(request.user, User):
        do_record_reading(request.user, work, chapter=chapter)
    return do_record_hit(work, viewer=viewer_for(request.user), visitor=visitor, today=today)
