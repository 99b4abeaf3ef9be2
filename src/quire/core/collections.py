"""Collections without a framework: who may do what in a collection, what status a new
work in it gets, what a work's items make of it, and when a reveal is due.

The collections app (quire.collections) asks these rules and stores their answers;
they are plain functions over plain values so every case is tested without a database.
AO3's rules: a collection's owners and moderators maintain it (moderators approve works
and manage members, only owners delete it or hand out ownership); a closed collection
takes no new works but from its maintainers; a moderated one holds a work for a
maintainer's approval; a work a maintainer invites waits for its creators' approval.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

NAME_MAX: Final = 255
TITLE_MAX: Final = 255
_NAME: Final = re.compile(r"^[A-Za-z0-9_-]+$")
RESERVED_NAMES: Final = frozenset({"new"})
"""Addresses the collections pages use for themselves (/collections/new/)."""


class Role(StrEnum):
    """A member's place in a collection (the values are those stored)."""

    OWNER = "owner"
    MODERATOR = "moderator"
    MEMBER = "member"


MAINTAINING_ROLES: Final = frozenset({Role.OWNER, Role.MODERATOR})


class Approval(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Refused(Exception):
    """An action the rules forbid; its message says why, for the person who asked."""


def maintains(role: str | None) -> bool:
    """Owners and moderators maintain a collection; members and outsiders do not."""
    return role in MAINTAINING_ROLES


def name_problem(name: str) -> str | None:
    """Why a collection's address is refused, or None: letters, digits, "_" and "-"."""
    if not name:
        return "Give the collection an address."
    if len(name) > NAME_MAX:
        return f"An address is at most {NAME_MAX} characters."
    if not _NAME.fullmatch(name):
        return 'Use only letters, digits, "_" and "-" in the address (no spaces).'
    if name.lower() in RESERVED_NAMES:
        return f"“{name}” is a word the archive keeps for itself: choose another address."
    return None


def parent_problem(*, parent_has_parent: bool, maintains_parent: bool) -> str | None:
    """Rounds go one level deep, and only the parent's maintainers add one."""
    if parent_has_parent:
        return "That collection is itself part of another: rounds go one level deep."
    if not maintains_parent:
        return "Only the maintainers of a collection can add a round to it."
    return None


@dataclass(frozen=True, slots=True)
class CollectionRules:
    """A collection's settings that decide what happens to a new work in it."""

    open: bool
    moderated: bool
    anonymous: bool
    unrevealed: bool


@dataclass(frozen=True, slots=True)
class NewItem:
    """What a new work in a collection starts as: each side's approval and the flags
    copied from the collection."""

    collection_approval: Approval
    creator_approval: Approval
    anonymous: bool
    unrevealed: bool


def new_item(
    rules: CollectionRules, *, by_creator: bool, by_maintainer: bool, title: str = "the collection"
) -> NewItem:
    """The status of a work added to a collection, or Refused with the reason.

    A creator adding their own work: refused if the collection is closed (unless they
    maintain it), held for approval if it is moderated (unless they maintain it). A
    maintainer adding someone else's work invites it: it waits for the creators.
    """
    if not by_creator and not by_maintainer:
        raise Refused("Only the work's creators or the collection's maintainers can add it.")
    if not by_maintainer and not rules.open:
        raise Refused(f"{title} is closed to new works.")
    held = rules.moderated and not by_maintainer
    return NewItem(
        collection_approval=Approval.PENDING if held else Approval.APPROVED,
        creator_approval=Approval.APPROVED if by_creator else Approval.PENDING,
        anonymous=rules.anonymous,
        unrevealed=rules.unrevealed,
    )


@dataclass(frozen=True, slots=True)
class ItemState:
    """One of a work's collection items, as far as the work's own flags care."""

    collection_approval: str
    creator_approval: str
    anonymous: bool
    unrevealed: bool

    @property
    def approved(self) -> bool:
        return self.collection_approval == Approval.APPROVED == self.creator_approval

    @property
    def holding(self) -> bool:
        """The creators put the work there (or accepted an invitation) and the collection
        has not turned it down: from then on the collection's secrets cover the work,
        while a moderator still decides, as on AO3 (quire.permissions.holding_filter)."""
        return (
            self.creator_approval == Approval.APPROVED
            and self.collection_approval != Approval.REJECTED
        )


def work_flags(items: Iterable[ItemState]) -> tuple[bool, bool]:
    """A work's (anonymous, unrevealed): set while any item holding it keeps it so. A
    work waiting for a moderated anonymous collection's approval is already anonymous;
    one a moderator invited is not, until its creators accept."""
    holding = [item for item in items if item.holding]
    return any(item.anonymous for item in holding), any(item.unrevealed for item in holding)


def role_change_problem(
    *, actor: str | None, current: str | None, wanted: str | None, owners_left: int
) -> str | None:
    """Why `actor` may not move a member from `current` to `wanted` (None: removed, or
    not a member yet), or None when they may. Maintainers manage members; only owners
    make or unmake owners; a collection always keeps an owner (`owners_left`: how many
    owners it would have after the change)."""
    if not maintains(actor):
        return "Only the collection's owners and moderators manage its members."
    touches_owner = Role.OWNER in (current, wanted)
    if touches_owner and actor != Role.OWNER:
        return "Only an owner can make someone an owner or change an owner's place."
    if current == Role.OWNER and wanted != Role.OWNER and owners_left < 1:
        return "A collection needs an owner: make someone else an owner first."
    return None


def leave_problem(*, role: str | None, owners_left: int) -> str | None:
    """Why a member may not leave: the last owner stays until another is named."""
    if role is None:
        return "You are not a member of this collection."
    if role == Role.OWNER and owners_left < 1:
        return "You are its only owner: make someone else an owner before you leave."
    return None


def join_problem(*, open_: bool, role: str | None) -> str | None:
    if role is not None:
        return "You are already a member of this collection."
    if not open_:
        return "This collection is closed: its maintainers add members."
    return None


@dataclass(frozen=True, slots=True)
class RevealsDue:
    works: bool
    creators: bool


def reveals_due(
    *,
    unrevealed: bool,
    anonymous: bool,
    works_reveal_at: datetime | None,
    creators_reveal_at: datetime | None,
    now: datetime,
) -> RevealsDue:
    """Which reveals a collection is due at `now`: one whose date has passed while its
    works (or creators) are still hidden."""
    return RevealsDue(
        works=unrevealed and works_reveal_at is not None and works_reveal_at <= now,
        creators=anonymous and creators_reveal_at is not None and creators_reveal_at <= now,
    )
