"""Reader feedback without a framework: the kudos sentence and the visitor keys that
let hits and guest kudos be counted once without keeping anyone's address."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phrase:
    """One part of the kudos sentence: a username (a page links it) or a count."""

    text: str
    is_name: bool
    after: str
    """What follows it: ", ", " and " or nothing."""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def kudos_phrases(names: Sequence[str], *, more_users: int = 0, guests: int = 0) -> list[Phrase]:
    """The parts of "alice, bob, 12 more users and 3 guests", in that order."""
    parts: list[tuple[str, bool]] = [(name, True) for name in names]
    if more_users:
        parts.append((_plural(more_users, "more user"), False))
    if guests:
        parts.append((_plural(guests, "guest"), False))
    phrases = []
    for index, (text, is_name) in enumerate(parts):
        remaining = len(parts) - index - 1
        after = "" if remaining == 0 else " and " if remaining == 1 else ", "
        phrases.append(Phrase(text, is_name, after))
    return phrases


def kudos_sentence(names: Sequence[str], *, more_users: int = 0, guests: int = 0) -> str:
    """AO3's line under a work: "alice, bob and 3 guests left kudos on this work!"."""
    phrases = kudos_phrases(names, more_users=more_users, guests=guests)
    if not phrases:
        return ""
    return "".join(phrase.text + phrase.after for phrase in phrases) + " left kudos on this work!"


def visitor_key(secret: str, *parts: str) -> str:
    """A keyed hash of what identifies a visitor (an address, a session, a day): the
    same visitor always gives the same key, and the key gives nothing back without
    the archive's secret, so no address is ever stored."""
    message = "\x1f".join(parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def mute_block_refusal(
    verb: str, *, actor_id: int, target_id: int, target_is_staff: bool
) -> str | None:
    """Why a member may not mute or block someone, or None when they may (AO3's limits):
    never themselves, and never the archive's staff, who must be able to reach everyone
    (AO3 does not let anyone block its official accounts)."""
    if actor_id == target_id:
        return f"You can't {verb} yourself."
    if target_is_staff:
        return f"You can't {verb} the archive's staff."
    return None
