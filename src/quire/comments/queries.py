"""Every read of comments goes through here.

Each query starts from quire.permissions.comment_filter (which comments have a place
in the viewer's threads); quire.core.comments decides what the viewer gets of each
(its text or a placeholder) and lays the threads out. A page of discussions costs
a fixed number of queries, however many comments it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from quire.comments.models import Comment
from quire.community import queries as community
from quire.core.comments import (
    CommentAccess,
    Commenting,
    Placed,
    Shown,
    ThreadEntry,
    by_anonymous_creator,
    can_approve_comment,
    can_delete_comment,
    can_edit_comment,
    can_moderate,
    commenting,
    lay_out,
    replying,
    shown,
    walk,
)
from quire.core.visibility import Viewer, WorkAccess, is_creator
from quire.permissions import comment_filter
from quire.works.models import Chapter, Work

COMMENTS_PER_PAGE = 20
"""Discussions (top-level comments with their replies) per page."""


# Blocks and mutes: the only two places comments ask quire.community about them.


def blocked(user_id: int | None, work: Work, parent: Comment | None = None) -> bool:
    """Whether a creator of the work, or the author of the comment being answered,
    blocked this member (a guest is never blocked)."""
    if user_id is None:
        return False
    if community.blocked_by_a_creator(work, user_id):
        return True
    return (
        parent is not None
        and parent.user_id is not None
        and community.is_blocked(by_user=parent.user_id, user=user_id)
    )


def muted_ids(viewer: Viewer | int | None) -> set[int]:
    """Members whose comments the viewer (or the member with this id) never wants to see."""
    return community.muted_user_ids(viewer)


# Single comments


def visible_comments(viewer: Viewer) -> QuerySet[Comment]:
    """Comments with a place in the viewer's threads, with their author and chapter."""
    return (
        Comment.objects.filter(comment_filter(viewer))
        .select_related("pseud__user", "user", "chapter", "work")
        .prefetch_related("work__creatorships__pseud")
    )


def comment_for(viewer: Viewer, comment_id: int) -> Comment | None:
    return visible_comments(viewer).filter(pk=comment_id).first()


def unreviewed_comments(work: Work) -> QuerySet[Comment]:
    """A moderated work's comments waiting for a creator, oldest first (the view checks
    that the one asking is a creator)."""
    return (
        Comment.objects.filter(work=work, unreviewed=True, deleted=False)
        .select_related("pseud__user", "chapter", "parent__pseud")
        .order_by("id")
    )


def unreviewed_count(work: Work) -> int:
    return Comment.objects.filter(work=work, unreviewed=True, deleted=False).count()


# Discussions


@dataclass(slots=True)
class CommentView:
    """One comment in its place on a page, with what the viewer may do with it."""

    comment: Comment
    shown: Shown
    depth: int
    reply_to: Comment | None
    children: list[CommentView] = field(default_factory=list)
    by_creator: bool = False
    anonymous_creator: bool = False
    """Signed "Anonymous Creator": a creator's comment on their own anonymous work, for a
    viewer who may not know who made it."""
    author_name: str = ""
    """The name the viewer reads (Comment.author_name_for)."""
    reply_to_name: str = ""
    """The name of the comment it answers, when that is not the one above it."""
    replying: Commenting = Commenting.CLOSED
    """Whether the viewer may answer it, or why not."""
    can_edit: bool = False
    can_delete: bool = False
    can_moderate: bool = False
    can_approve: bool = False

    @property
    def placeholder(self) -> str:
        """The line a placeholder shows instead of the comment."""
        return {
            Shown.DELETED: "(Previous comment deleted.)",
            Shown.HIDDEN: "(This comment has been hidden.)",
            Shown.MUTED: "(A comment from someone you muted.)",
        }.get(self.shown, "")

    @property
    def can_reply(self) -> bool:
        return self.shown is Shown.TEXT and self.replying is Commenting.OPEN


@dataclass(frozen=True, slots=True)
class Discussion:
    """A page of a work's or chapter's discussions, as the viewer sees them."""

    threads: list[CommentView]
    page: Page[Placed]
    total: int
    """Comments the viewer can read here, on every page."""


def _in_scope(work: Work, chapter: Chapter | None) -> Q:
    """A chapter's comments, or all of a work's (the entire-work view)."""
    if chapter is None:
        return Q(work=work)
    return Q(work=work, chapter=chapter)


def _laid_out(viewer: Viewer, work: Work, chapter: Chapter | None) -> list[Placed]:
    """The scope's discussions as the viewer sees them, from one light query."""
    rows = (
        Comment.objects.filter(comment_filter(viewer))
        .filter(_in_scope(work, chapter))
        .values_list("pk", "parent_id", "user_id", "unreviewed", "hidden", "deleted")
    )
    access = work.access()
    muted = muted_ids(viewer)
    entries = [
        ThreadEntry(
            pk,
            parent_id,
            shown(
                viewer,
                access,
                CommentAccess(user_id, unreviewed=unreviewed, hidden=hidden, deleted=deleted),
                muted=user_id is not None and user_id in muted,
            ),
        )
        for pk, parent_id, user_id, unreviewed, hidden, deleted in rows
    ]
    return lay_out(entries)


def discussion(
    viewer: Viewer, work: Work, chapter: Chapter | None, *, page: str | int | None = None
) -> Discussion:
    """One page of discussions under a chapter (or the entire work when `chapter` is
    None): `work` comes from quire.works.queries.visible_works, with its creators."""
    roots = _laid_out(viewer, work, chapter)
    total = sum(1 for placed in walk(roots) if placed.shown is Shown.TEXT)
    shown_page = Paginator(roots, COMMENTS_PER_PAGE).get_page(page)
    placed = walk(list(shown_page.object_list))
    loaded = Comment.objects.filter(pk__in=[item.comment_id for item in placed]).select_related(
        "pseud__user", "user", "chapter"
    )
    comments = {comment.pk: comment for comment in loaded}
    facts = _Facts(viewer, work, work.access(), blocked(viewer.user_id, work))
    threads = [_view(root, comments, facts) for root in shown_page.object_list]
    return Discussion(threads, shown_page, total)


@dataclass(frozen=True, slots=True)
class _Facts:
    """What every comment of a page is judged with, gathered once."""

    viewer: Viewer
    work: Work
    access: WorkAccess
    user_blocked: bool


def _view(root: Placed, comments: dict[int, Comment], facts: _Facts) -> CommentView:
    """The CommentView tree of one laid-out discussion (iterative, as lay_out is)."""
    top = _one(root, comments, facts)
    stack = [(root, top)]
    while stack:
        placed, view = stack.pop()
        for child in placed.children:
            child_view = _one(child, comments, facts)
            view.children.append(child_view)
            stack.append((child, child_view))
    return top


def _one(placed: Placed, comments: dict[int, Comment], facts: _Facts) -> CommentView:
    comment = comments[placed.comment_id]
    viewer, work, access = facts.viewer, facts.work, facts.access
    fact = comment.access()
    chapter_posted = comment.chapter is None or comment.chapter.posted
    answering = replying(
        viewer,
        access,
        work.comment_permission,
        fact,
        chapter_posted=chapter_posted,
        blocked=facts.user_blocked,
    )
    reply_to = comments.get(placed.reply_to) if placed.reply_to is not None else None
    return CommentView(
        comment=comment,
        shown=placed.shown,
        depth=placed.depth,
        reply_to=reply_to,
        by_creator=comment.user_id is not None
        and is_creator(Viewer(user_id=comment.user_id), access),
        anonymous_creator=by_anonymous_creator(viewer, access, fact),
        author_name=comment.author_name_for(viewer, access),
        reply_to_name=reply_to.author_name_for(viewer, access) if reply_to is not None else "",
        replying=answering,
        can_edit=placed.shown is Shown.TEXT and can_edit_comment(viewer, fact),
        can_delete=can_delete_comment(viewer, access, fact),
        can_moderate=not comment.deleted and can_moderate(viewer, access),
        can_approve=can_approve_comment(viewer, access, fact),
    )


def view_of(viewer: Viewer, comment: Comment) -> CommentView:
    """One comment on its own (a reply, edit or delete page), as its thread shows it."""
    work = comment.work
    access = work.access()
    muted = comment.user_id is not None and comment.user_id in muted_ids(viewer)
    placed = Placed(comment.pk, shown(viewer, access, comment.access(), muted=muted), comment.depth)
    facts = _Facts(viewer, work, access, blocked(viewer.user_id, work, comment))
    return _one(placed, {comment.pk: comment}, facts)


def commenting_on(viewer: Viewer, work: Work, chapter: Chapter | None) -> Commenting:
    """Whether the viewer may start a discussion here, or why not."""
    chapter_posted = chapter is None or chapter.posted
    return commenting(
        viewer,
        work.access(),
        work.comment_permission,
        chapter_posted=chapter_posted,
        blocked=blocked(viewer.user_id, work),
    )


# Finding a comment's page


@dataclass(frozen=True, slots=True)
class Place:
    """Where a permalink leads: the page of the chapter or work, and which page of its
    discussions."""

    url: str
    page: int
    anchor: str


def place_of(viewer: Viewer, comment: Comment, chapters: Sequence[Chapter]) -> Place:
    """The page a comment is shown on. `chapters` are those the viewer may read
    (quire.works.queries.visible_chapters): a chapter's comments are on its own page
    when the work has several, on the work's page when it has one; a comment on the
    entire work is on the entire-work view."""
    work = comment.work
    several = len(chapters) > 1
    chapter = comment.chapter if several else None
    if chapter is not None:
        url = chapter.get_absolute_url()
    elif several:
        url = work.get_absolute_url() + "?view_full_work=true"
    else:
        url = work.get_absolute_url()
    roots = [placed.comment_id for placed in _laid_out(viewer, work, chapter)]
    thread = comment.thread_id_or_own
    index = roots.index(thread) if thread in roots else 0
    return Place(url, index // COMMENTS_PER_PAGE + 1, comment.anchor)
