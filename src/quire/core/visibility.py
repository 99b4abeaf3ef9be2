"""Who may see what: the archive's visibility rules as pure functions.

Every surface (pages, search, feeds, downloads) asks these rules, through the
Django adapter in quire.permissions, which also expresses them as database
filters; a test checks the two agree on every combination.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person looking: a guest (user_id None), a member, or an admin.

    `suspended` marks a member whose account is suspended or banned right now
    (quire.core.moderation.is_barred): they may still read, not take part.
    """

    user_id: int | None = None
    is_admin: bool = False
    suspended: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None


GUEST = Viewer()


@dataclass(frozen=True, slots=True)
class WorkAccess:
    """The facts about a work that decide who may see it.

    `anonymous` and `unrevealed` come from the collections holding the work (a gift
    exchange keeps its creators, or the works themselves, secret until the reveal);
    `maintainer_user_ids` are the owners and moderators of those collections, who see
    behind the secret as the creators and the admins do.
    """

    posted: bool
    hidden: bool
    restricted: bool
    creator_user_ids: frozenset[int]
    anonymous: bool = False
    unrevealed: bool = False
    maintainer_user_ids: frozenset[int] = frozenset()


def is_creator(viewer: Viewer, work: WorkAccess) -> bool:
    return viewer.user_id is not None and viewer.user_id in work.creator_user_ids


def maintains(viewer: Viewer, work: WorkAccess) -> bool:
    """Whether the viewer owns or moderates a collection holding the work."""
    return viewer.user_id is not None and viewer.user_id in work.maintainer_user_ids


def is_in_the_secret(viewer: Viewer, work: WorkAccess) -> bool:
    """Who sees an anonymous work's creators and an unrevealed work before the reveal:
    its creators, the archive's admins and the collection's maintainers."""
    return is_creator(viewer, work) or viewer.is_admin or maintains(viewer, work)


def can_view_work(viewer: Viewer, work: WorkAccess) -> bool:
    """Creators always see their own work; others see posted, unhidden works,
    restricted ones only when signed in; admins also see hidden posted works. An
    unrevealed work is hidden, existence and all, from everyone not in the secret."""
    if is_creator(viewer, work):
        return True
    if not work.posted:
        return False
    if work.hidden and not viewer.is_admin:
        return False
    if work.unrevealed and not is_in_the_secret(viewer, work):
        return False
    return not work.restricted or viewer.is_authenticated


def can_see_creators(viewer: Viewer, work: WorkAccess) -> bool:
    """Whether the byline names the work's creators for `viewer`: an anonymous work
    says "Anonymous" to everyone not in the secret, on every page, in every listing
    and under its creators' comments, and is left off its creators' own pages."""
    return not work.anonymous or is_in_the_secret(viewer, work)


def can_view_chapter(viewer: Viewer, work: WorkAccess, *, chapter_posted: bool) -> bool:
    """An unposted chapter of a posted work is a draft only its creators see."""
    return can_view_work(viewer, work) and (chapter_posted or is_creator(viewer, work))


def can_edit_work(viewer: Viewer, work: WorkAccess) -> bool:
    return is_creator(viewer, work) and can_participate(viewer)


def can_download_work(viewer: Viewer, work: WorkAccess) -> bool:
    """Whether the work may leave the archive as a file or a feed entry for `viewer`.

    Stricter than can_view_work: a draft, a hidden or an unrevealed work is never
    handed out, not even to its creators or an admin, because a file or a feed entry,
    once taken, cannot be taken back when the work is posted, edited, hidden or
    revealed. For the same reason a file never names an anonymous work's creators
    (can_see_creators as a guest).
    """
    if not work.posted or work.hidden or work.unrevealed:
        return False
    return not work.restricted or viewer.is_authenticated


def sign_in_would_allow_download(viewer: Viewer, work: WorkAccess) -> bool:
    """A guest asking for a restricted work is sent to sign in rather than told it is missing."""
    return (
        not viewer.is_authenticated
        and work.posted
        and not work.hidden
        and not work.unrevealed
        and work.restricted
    )


def can_participate(viewer: Viewer) -> bool:
    """Whether the viewer may add to the archive at all (post, comment, give kudos,
    bookmark): everyone but a suspended or banned member."""
    return not viewer.suspended


def can_leave_kudos(viewer: Viewer, work: WorkAccess) -> bool:
    """Kudos thank a creator for a work the reader can see in public: never one's own
    work, and never a draft or a hidden work (not even the admins who can see one); an
    unrevealed work only from those in the secret, the only ones who can see it."""
    if not can_participate(viewer) or is_creator(viewer, work) or not work.posted or work.hidden:
        return False
    return can_view_work(viewer, work)


def can_view_bookmark(viewer: Viewer, *, owner_id: int, private: bool, item_visible: bool) -> bool:
    """A bookmark shows only beside a work or series the viewer may see; a private one
    only to its owner (admins included: private means private)."""
    if not item_visible:
        return False
    return not private or viewer.user_id == owner_id
