"""Every write of comments goes through here.

Each action checks the rule in quire.core.comments (through quire.comments.queries
for blocks), keeps the work's comment count in community.WorkStats right and marks
the work for reindexing in the same transaction when it changes, and tells the
people concerned through their inbox: the creators of a new comment on their work,
a commenter of a reply to theirs.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from quire.comments import queries
from quire.comments.models import Comment
from quire.community.models import InboxEntry, Update, WorkStats
from quire.core.comments import (
    COMMENT_LIMIT,
    REFUSALS,
    Commenting,
    can_approve_comment,
    can_delete_comment,
    can_edit_comment,
    can_moderate,
    comment_html,
    commenting,
    is_blank_html,
    replying,
)
from quire.core.visibility import GUEST, Viewer, can_view_work, is_creator
from quire.people.models import Pseud, User
from quire.permissions import viewer_for
from quire.search.indexing import reindex_after_commit
from quire.works.models import Chapter, Work

GUEST_NAME_LIMIT = 100


class Refused(ValueError):
    """The person may not do this; the message says why, in words for them."""


def _viewer(user: User | None) -> Viewer:
    return GUEST if user is None else viewer_for(user)


def _content(text: str) -> str:
    if len(text) > COMMENT_LIMIT:
        raise Refused(f"A comment can be at most {COMMENT_LIMIT:,} characters long.")
    content = comment_html(text)
    if is_blank_html(content):
        raise Refused("A comment can't be empty.")
    return content


def _allowed(state: Commenting) -> None:
    if state is not Commenting.OPEN:
        raise Refused(REFUSALS[state])


@transaction.atomic
def do_post_comment(
    work: Work,
    *,
    text: str,
    user: User | None = None,
    pseud: Pseud | None = None,
    guest_name: str = "",
    guest_email: str = "",
    chapter: Chapter | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a work or one of its chapters, or answer a comment (a reply stays
    where its discussion is). On a moderated work it waits for a creator's approval,
    unless a creator wrote it; a creator answering a comment that waits approves it."""
    viewer = _viewer(user)
    access = work.access()
    if parent is not None:
        if parent.work_id != work.pk:
            raise ValueError("a reply belongs to the work of the comment it answers")
        chapter = parent.chapter
    if chapter is not None and chapter.work_id != work.pk:
        raise ValueError("the chapter is not one of the work's")
    chapter_posted = chapter is None or chapter.posted
    refusal_of_block = queries.blocked(viewer.user_id, work, parent)
    if parent is None:
        state = commenting(
            viewer,
            access,
            work.comment_permission,
            chapter_posted=chapter_posted,
            blocked=refusal_of_block,
        )
    else:
        state = replying(
            viewer,
            access,
            work.comment_permission,
            parent.access(),
            chapter_posted=chapter_posted,
            blocked=refusal_of_block,
        )
    _allowed(state)
    content = _content(text)
    comment = Comment(work=work, chapter=chapter, content=content)
    if user is not None:
        pseud = pseud or user.default_pseud
        if pseud.user_id != user.pk:
            raise Refused("You can only comment as one of your own pseuds.")
        comment.user, comment.pseud = user, pseud
    else:
        comment.guest_name = " ".join(guest_name.split())[:GUEST_NAME_LIMIT]
        comment.guest_email = guest_email.strip()
        if not comment.guest_name or not comment.guest_email:
            raise Refused("Guests need to give a name and an email address to comment.")
    by_creator = is_creator(viewer, access)
    comment.unreviewed = work.moderated_comments and not by_creator
    if parent is not None:
        comment.parent = parent
        comment.thread_id = parent.thread_id_or_own
        comment.depth = parent.depth + 1
    comment.save()
    if parent is not None and parent.unreviewed and by_creator:
        _approve(parent)
    _notify_creators(comment)
    if not comment.unreviewed:
        _notify_reply(comment)
    _recount(work.pk)
    return comment


@transaction.atomic
def do_edit_comment(user: User, comment: Comment, *, text: str) -> Comment:
    """Change one's own comment; the page then says when it was last edited."""
    if not can_edit_comment(viewer_for(user), comment.access()):
        raise Refused("You can only edit your own comments while they are up.")
    comment.content = _content(text)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["content", "edited_at"])
    return comment


@transaction.atomic
def do_delete_comment(user: User, comment: Comment) -> None:
    """Delete a comment. One with replies stays as a placeholder that keeps its thread
    together, with nothing of its author or text; one without goes, and so does a
    placeholder above it that has nothing left to hold."""
    work = comment.work
    if not can_delete_comment(viewer_for(user), work.access(), comment.access()):
        raise Refused("Only the commenter or a creator of the work can delete a comment.")
    InboxEntry.objects.filter(comment=comment).delete()
    if comment.replies.exists():
        Comment.objects.filter(pk=comment.pk).update(
            deleted=True,
            content="",
            user=None,
            pseud=None,
            guest_name="",
            guest_email="",
            unreviewed=False,
        )
    else:
        parent_id = comment.parent_id
        comment.delete()
        while parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id, deleted=True).first()
            if parent is None or parent.replies.exists():
                break
            parent_id = parent.parent_id
            parent.delete()
    _recount(work.pk)


@transaction.atomic
def do_approve_comment(user: User, comment: Comment) -> Comment:
    """A creator lets a comment that waited for review appear."""
    if not can_approve_comment(viewer_for(user), comment.work.access(), comment.access()):
        raise Refused("Only a creator of the work can approve its comments.")
    _approve(comment)
    _recount(comment.work_id)
    return comment


def _approve(comment: Comment) -> None:
    Comment.objects.filter(pk=comment.pk).update(unreviewed=False)
    comment.unreviewed = False
    _notify_reply(comment)


def _subthread(comment: Comment) -> list[int]:
    """The comment and every reply below it, at any depth."""
    thread = comment.thread_id_or_own
    rows = Comment.objects.filter(Q(pk=thread) | Q(thread_id=thread)).values_list("pk", "parent_id")
    replies: dict[int, list[int]] = {}
    for pk, parent_id in rows:
        if parent_id is not None:
            replies.setdefault(parent_id, []).append(pk)
    found, stack = [], [comment.pk]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(replies.get(pk, []))
    return found


@transaction.atomic
def do_set_frozen(user: User, comment: Comment, *, frozen: bool) -> int:
    """Freeze a discussion from this comment down (no more replies anywhere in it), or
    thaw it; returns how many comments changed. Creators of the work and admins."""
    if not can_moderate(viewer_for(user), comment.work.access()):
        raise Refused("Only a creator of the work or an admin can freeze comments.")
    changed = Comment.objects.filter(pk__in=_subthread(comment)).exclude(frozen=frozen)
    return changed.update(frozen=frozen)


@transaction.atomic
def do_set_comment_hidden(user: User, comment: Comment, *, hidden: bool) -> Comment:
    """Hide a comment from everyone but the work's creators and the admins (its replies
    stay in place under a placeholder), or show it again."""
    if not can_moderate(viewer_for(user), comment.work.access()):
        raise Refused("Only a creator of the work or an admin can hide comments.")
    Comment.objects.filter(pk=comment.pk).update(hidden=hidden)
    comment.hidden = hidden
    _recount(comment.work_id)
    return comment


# Counts


def _recount(work_id: int) -> None:
    """The work's comments everyone can read, counted again; search learns a change."""
    readable = (
        Comment.objects.filter(work_id=work_id, deleted=False, unreviewed=False, hidden=False)
        .filter(Q(chapter__isnull=True) | Q(chapter__posted=True))
        .count()
    )
    WorkStats.objects.get_or_create(work_id=work_id)
    if WorkStats.objects.filter(pk=work_id).exclude(comments=readable).update(comments=readable):
        reindex_after_commit([work_id])


# Notifications


def _told(recipient: User, comment: Comment) -> bool:
    """Whether a member hears about this comment: an active account that is not its
    author, that can see the work, and that has not muted the commenter."""
    if not recipient.is_active or recipient.is_placeholder or recipient.pk == comment.user_id:
        return False
    if not can_view_work(viewer_for(recipient), comment.work.access()):
        return False
    return comment.user_id is None or comment.user_id not in queries.muted_ids(recipient.pk)


def _creators(comment: Comment) -> list[User]:
    return list(User.objects.filter(pseuds__creatorships__work_id=comment.work_id).distinct())


def _notify_creators(comment: Comment) -> None:
    """The work's creators hear of every new comment, waiting for review or not (it is
    theirs to approve). A creator whose own comment was answered hears of it as a
    reply, once it is up."""
    parent_author = comment.parent.user_id if comment.parent is not None else None
    InboxEntry.objects.bulk_create(
        InboxEntry(user=creator, kind=Update.COMMENT, work_id=comment.work_id, comment=comment)
        for creator in _creators(comment)
        if creator.pk != parent_author and _told(creator, comment)
    )


def _notify_reply(comment: Comment) -> None:
    """The author of the comment answered hears of the reply, once it is up."""
    parent = comment.parent
    if parent is None or parent.user is None or parent.deleted:
        return
    if _told(parent.user, comment):
        InboxEntry.objects.create(
            user=parent.user, kind=Update.REPLY, work_id=comment.work_id, comment=comment
        )
