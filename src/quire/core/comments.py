"""Comments without a framework: who may comment where, what each reader sees of a
comment, how a thread is laid out on a page, and how typed text becomes safe HTML.

The Django side (quire.comments, quire.permissions.comment_filter) gathers the facts
these functions decide on; nothing here reads a database or a setting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Final

from quire.core.sanitize import CONTROL_CHARACTERS, sanitize_html
from quire.core.visibility import (
    Viewer,
    WorkAccess,
    can_participate,
    can_see_creators,
    can_view_work,
    is_creator,
)

COMMENT_LIMIT: Final = 10_000
"""AO3's limit on a comment's text, in characters as typed."""

ANONYMOUS_CREATOR: Final = "Anonymous Creator"
"""How a creator's comment on their own anonymous work is signed (AO3's words)."""

NESTING_LIMIT: Final = 5
"""Levels of indentation a thread gets; deeper replies line up at the last level and
say whom they answer, so a long exchange stays readable on a phone."""


class CommentPermission(StrEnum):
    """Who may comment on a work (Work.comment_permission)."""

    EVERYONE = "everyone"
    MEMBERS = "members"
    NOBODY = "nobody"


class Commenting(Enum):
    """The answer to "may this viewer post here?": OPEN, or why not (a page words it)."""

    OPEN = "open"
    UNAVAILABLE = "unavailable"
    """A draft, a hidden work, a draft chapter, or a work the viewer cannot see."""
    DISABLED = "disabled"
    """The creators turned comments off."""
    MEMBERS_ONLY = "members_only"
    """A guest, on a work that takes comments from registered users only."""
    BLOCKED = "blocked"
    """A creator (or the comment's author) blocked the viewer."""
    BARRED = "barred"
    """The viewer's account is suspended or banned."""
    FROZEN = "frozen"
    """The thread was frozen: no more replies."""
    CLOSED = "closed"
    """The comment cannot take replies: deleted, hidden, or still awaiting review."""


@dataclass(frozen=True, slots=True)
class CommentAccess:
    """The facts about one comment that decide who sees it and what may be done with it."""

    author_user_id: int | None
    """The member who wrote it; None for a guest (or an account since deleted)."""
    unreviewed: bool = False
    hidden: bool = False
    deleted: bool = False
    frozen: bool = False


def commenting(
    viewer: Viewer,
    work: WorkAccess,
    permission: str,
    *,
    chapter_posted: bool = True,
    blocked: bool = False,
) -> Commenting:
    """Whether `viewer` may start a comment on the work (or one of its chapters).

    Only what is out in public takes comments: never a draft or a hidden work, not
    even from its creators or an admin who can see it. Then the creators' setting, the
    viewer's standing, a block, and whether a guest may.
    """
    if not work.posted or work.hidden or not chapter_posted or not can_view_work(viewer, work):
        return Commenting.UNAVAILABLE
    if permission == CommentPermission.NOBODY:
        return Commenting.DISABLED
    if not can_participate(viewer):
        return Commenting.BARRED
    if blocked and not is_creator(viewer, work):
        return Commenting.BLOCKED
    if permission == CommentPermission.MEMBERS and not viewer.is_authenticated:
        return Commenting.MEMBERS_ONLY
    return Commenting.OPEN


def replying(
    viewer: Viewer,
    work: WorkAccess,
    permission: str,
    parent: CommentAccess,
    *,
    chapter_posted: bool = True,
    blocked: bool = False,
) -> Commenting:
    """Whether `viewer` may answer `parent`: as for a new comment, and the thread must
    be open. A comment awaiting review takes a reply from a creator only (which
    approves it: they have read it)."""
    allowed = commenting(viewer, work, permission, chapter_posted=chapter_posted, blocked=blocked)
    if allowed is not Commenting.OPEN:
        return allowed
    if parent.frozen:
        return Commenting.FROZEN
    if parent.deleted or parent.hidden:
        return Commenting.CLOSED
    if parent.unreviewed and not is_creator(viewer, work):
        return Commenting.CLOSED
    return Commenting.OPEN


def can_see_comment(
    viewer: Viewer, work: WorkAccess, comment: CommentAccess, *, chapter_posted: bool = True
) -> bool:
    """Whether the comment has a place in the viewer's thread at all (as text or as a
    placeholder): on a work and chapter they may read, and, while it awaits review,
    only for the creators and the commenter."""
    if not can_view_work(viewer, work):
        return False
    if not chapter_posted and not is_creator(viewer, work):
        return False
    if comment.unreviewed:
        return is_creator(viewer, work) or (
            viewer.user_id is not None and viewer.user_id == comment.author_user_id
        )
    return True


class Shown(Enum):
    """What a viewer gets of a comment."""

    TEXT = "text"
    DELETED = "deleted"
    """A placeholder that keeps the replies of a deleted comment in their thread."""
    HIDDEN = "hidden"
    """Hidden by an admin or a creator: a placeholder for everyone else."""
    MUTED = "muted"
    """Written by someone the viewer muted."""
    ABSENT = "absent"

    @property
    def is_placeholder(self) -> bool:
        return self in {Shown.DELETED, Shown.HIDDEN, Shown.MUTED}


def by_anonymous_creator(viewer: Viewer, work: WorkAccess, comment: CommentAccess) -> bool:
    """Whether the comment is a creator's on their own anonymous work, for a viewer not
    in the secret: it is signed ANONYMOUS_CREATOR, and their mute does not hide it (a
    placeholder saying "someone you muted" would name the creator too)."""
    return comment.author_user_id in work.creator_user_ids and not can_see_creators(viewer, work)


def can_moderate(viewer: Viewer, work: WorkAccess) -> bool:
    """Freezing and hiding: the work's creators and the archive's admins."""
    return is_creator(viewer, work) or viewer.is_admin


def shown(
    viewer: Viewer,
    work: WorkAccess,
    comment: CommentAccess,
    *,
    chapter_posted: bool = True,
    muted: bool = False,
) -> Shown:
    """What `viewer` gets of the comment. A placeholder only stays on the page while it
    holds replies the viewer can read (lay_out drops it otherwise)."""
    if not can_see_comment(viewer, work, comment, chapter_posted=chapter_posted):
        return Shown.ABSENT
    if comment.deleted:
        return Shown.DELETED
    if comment.hidden and not can_moderate(viewer, work):
        return Shown.HIDDEN
    if muted and not by_anonymous_creator(viewer, work, comment):
        return Shown.MUTED
    return Shown.TEXT


def is_author(viewer: Viewer, comment: CommentAccess) -> bool:
    return viewer.user_id is not None and viewer.user_id == comment.author_user_id


def can_edit_comment(viewer: Viewer, comment: CommentAccess) -> bool:
    """The author alone edits, while the comment is live: not deleted, hidden or frozen."""
    live = not (comment.deleted or comment.hidden or comment.frozen)
    return live and is_author(viewer, comment) and can_participate(viewer)


def can_delete_comment(viewer: Viewer, work: WorkAccess, comment: CommentAccess) -> bool:
    """The author, a creator of the work (it is their page) or an admin."""
    if comment.deleted:
        return False
    return is_author(viewer, comment) or can_moderate(viewer, work)


def can_approve_comment(viewer: Viewer, work: WorkAccess, comment: CommentAccess) -> bool:
    """Moderated comments wait for a creator of the work."""
    return comment.unreviewed and not comment.deleted and is_creator(viewer, work)


REFUSALS: Final[dict[Commenting, str]] = {
    Commenting.UNAVAILABLE: "Comments can only be left on posted works you can read.",
    Commenting.DISABLED: "Comments are disabled on this work.",
    Commenting.MEMBERS_ONLY: "Only registered users can comment on this work.",
    Commenting.BLOCKED: "You have been blocked from commenting here.",
    Commenting.BARRED: "You can't comment while your account is suspended.",
    Commenting.FROZEN: "This thread is frozen: it takes no more replies.",
    Commenting.CLOSED: "This comment can't be replied to.",
}
"""Why a comment was refused, in words for the person refused."""


# Laying a thread out


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One comment of a discussion, as lay_out needs it."""

    comment_id: int
    parent_id: int | None
    shown: Shown


@dataclass(slots=True)
class Placed:
    """A comment in its place on the page; `children` are indented under it."""

    comment_id: int
    shown: Shown
    depth: int
    """How many replies deep it really is (0 for a comment on the work)."""
    reply_to: int | None = None
    """The comment it answers, when that is not the one it is shown under (past the
    nesting limit every reply lines up at the same level)."""
    children: list[Placed] = field(default_factory=list)


def lay_out(entries: Sequence[ThreadEntry], *, nesting: int = NESTING_LIMIT) -> list[Placed]:
    """The discussions among `entries`, oldest first at every level, as trees no deeper
    than `nesting` levels below their top comment.

    A comment the viewer may not see takes its replies with it; a placeholder (deleted,
    hidden, muted) stays only while it holds a reply the viewer can read. Iterative,
    so a thread thousands of replies deep cannot exhaust Python's stack.
    """
    by_id = {entry.comment_id: entry for entry in entries}
    children: dict[int | None, list[int]] = {}
    for entry in sorted(entries, key=lambda item: item.comment_id):
        parent = entry.parent_id if entry.parent_id in by_id else None
        if entry.parent_id is not None and parent is None:
            continue  # its parent is not among the entries: the viewer cannot see it
        children.setdefault(parent, []).append(entry.comment_id)
    kept = _kept(by_id, children)
    roots: list[Placed] = []
    last_at_level: dict[int, Placed] = {}
    stack = [(comment_id, 0) for comment_id in reversed(children.get(None, []))]
    while stack:
        comment_id, depth = stack.pop()
        if comment_id not in kept:
            continue
        entry = by_id[comment_id]
        level = min(depth, nesting)
        placed = Placed(
            comment_id, entry.shown, depth, entry.parent_id if depth > nesting else None
        )
        if level == 0:
            roots.append(placed)
        else:
            last_at_level[level - 1].children.append(placed)
        last_at_level[level] = placed
        stack.extend((child, depth + 1) for child in reversed(children.get(comment_id, [])))
    return roots


def _kept(by_id: dict[int, ThreadEntry], children: dict[int | None, list[int]]) -> set[int]:
    """Comments that stay: readable ones, and placeholders above a readable one."""
    order: list[int] = []
    stack = list(children.get(None, []))
    while stack:
        comment_id = stack.pop()
        if by_id[comment_id].shown is Shown.ABSENT:
            continue
        order.append(comment_id)
        stack.extend(children.get(comment_id, []))
    kept: set[int] = set()
    for comment_id in reversed(order):  # every reply before the comment it answers
        readable = by_id[comment_id].shown is Shown.TEXT
        if readable or any(child in kept for child in children.get(comment_id, [])):
            kept.add(comment_id)
    return kept


def walk(placed: Sequence[Placed]) -> list[Placed]:
    """Every comment of some laid-out discussions, in page order."""
    found: list[Placed] = []
    stack = list(reversed(placed))
    while stack:
        item = stack.pop()
        found.append(item)
        stack.extend(reversed(item.children))
    return found


# Text


_LINE_ENDS: Final = re.compile(r"\r\n?")
_BLANK_LINES: Final = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+")
_BLOCK_MARKUP: Final = re.compile(
    r"<\s*(?:p|br|div|blockquote|ul|ol|dl|pre|table|h[1-6]|hr|details|figure)\b", re.IGNORECASE
)
_TAGS: Final = re.compile(r"<[^>]*>")


def comment_html(text: str) -> str:
    """What a commenter typed, as safe HTML: AO3's allowlist, and paragraphs where they
    left blank lines (unless they wrote their own block markup, which is kept as is)."""
    text = CONTROL_CHARACTERS.sub("", _LINE_ENDS.sub("\n", text)).strip()
    if not _BLOCK_MARKUP.search(text):
        paragraphs = []
        for block in _BLANK_LINES.split(text):
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            if lines:
                paragraphs.append("<p>" + "<br />\n".join(lines) + "</p>")
        text = "\n".join(paragraphs)
    return sanitize_html(text)


def is_blank_html(html: str) -> bool:
    """Whether sanitized HTML would show nothing: no text and no image."""
    if "<img" in html:
        return False
    return not _TAGS.sub("", html).replace("&nbsp;", " ").strip()
