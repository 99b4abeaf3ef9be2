"""Every write of kudos, hits, bookmarks, subscriptions, inbox entries, reading history,
mutes and blocks goes through here.

Each action checks what the reader may do (quire.core.visibility through
quire.permissions), keeps the work's counts in WorkStats right and, when search
sees the change, marks the work for reindexing in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from quire.community.models import (
    Block,
    Bookmark,
    BookmarkTagging,
    HistorySetting,
    HitVisit,
    InboxEntry,
    Kudos,
    Mute,
    Reading,
    Subscription,
    WorkStats,
)
from quire.community.queries import (
    blocked_by_a_creator,
    keeps_history,
    mute_block_refusal_for,
)
from quire.community.updates import is_anonymous_account
from quire.core.moderation import BARRED_REFUSAL
from quire.core.sanitize import sanitize_html
from quire.core.tags import TagType
from quire.core.visibility import (
    Viewer,
    can_leave_kudos,
    can_participate,
    can_view_work,
    is_creator,
)
from quire.people.models import Pseud, User
from quire.permissions import series_filter, viewer_for
from quire.search.indexing import reindex_after_commit
from quire.search.models import PendingIndexing
from quire.tags.actions import find_or_create_tags
from quire.tags.models import Tag
from quire.tags.queries import tags_named
from quire.works.models import Chapter, Series, Work

NOTES_LIMIT = 5_000
"""AO3's limit on a bookmark's notes, in characters."""
TAGS_LIMIT = 75
"""At most this many bookmarker's tags on one bookmark, as for a work's own tags."""


class Refused(ValueError):
    """The reader may not do this; the message says why, in words for them."""


def _bump(work_id: int, **changes: Any) -> None:
    """Apply `changes` to the work's stats row, making the row on first use."""
    if not WorkStats.objects.filter(pk=work_id).update(**changes):
        WorkStats.objects.get_or_create(work_id=work_id)
        WorkStats.objects.filter(pk=work_id).update(**changes)


# Kudos


@transaction.atomic
def do_leave_kudos(
    work: Work,
    *,
    user: User | None = None,
    guest_address: str = "",
    guest_session: str = "",
) -> Kudos:
    """Thank the creators, once: a member once per work, a guest once per work from one
    address or one browser session (both come as keyed hashes, never in clear)."""
    viewer = viewer_for(user) if user is not None else Viewer()
    access = work.access()
    if not can_participate(viewer):
        raise Refused(BARRED_REFUSAL)
    if is_creator(viewer, access):
        raise Refused("You can't leave kudos on your own work.")
    if not can_leave_kudos(viewer, access):
        raise Refused("Kudos can only be left on posted works.")
    if blocked_by_a_creator(work, user):
        # Said without naming the block: blocking is private (AO3 hides the button too).
        raise Refused("Sorry, you can't leave kudos on this work.")
    if user is None and not guest_address:
        raise Refused("We couldn't tell who you are, so no kudos were left.")
    given = Kudos.objects.filter(work=work)
    if user is not None:
        given = given.filter(user=user)
    else:
        same_guest = Q(guest_address=guest_address)
        if guest_session:
            same_guest |= Q(guest_session=guest_session)
        given = given.filter(Q(user__isnull=True) & same_guest)
    if given.exists():
        raise Refused("You've already left kudos on this work. Thank you!")
    try:
        with transaction.atomic():
            kudos = Kudos.objects.create(
                work=work,
                user=user,
                guest_address="" if user is not None else guest_address,
                guest_session="" if user is not None else guest_session,
            )
    except IntegrityError:
        raise Refused("You've already left kudos on this work. Thank you!") from None
    _bump(work.pk, kudos=F("kudos") + 1)
    reindex_after_commit([work.pk])
    return kudos


# Hits


def do_record_hit(work: Work, *, viewer: Viewer, visitor: str, today: date) -> bool:
    """Count a visit to a posted work by anyone but its creators, once per visitor and
    day; returns whether it counted.

    A visitor seen today costs one read and no write (nor, on SQLite, the write lock).
    Search learns the new figure with the work's next indexing pass: a hit queues one
    only when none is waiting already, so a busy work is not reindexed per visit.
    """
    if not work.posted or work.hidden or is_creator(viewer, work.access()):
        return False
    if HitVisit.objects.filter(work=work, visitor=visitor, day=today).exists():
        return False
    return _count_hit(work, visitor, today)


@transaction.atomic
def _count_hit(work: Work, visitor: str, today: date) -> bool:
    try:
        with transaction.atomic():
            HitVisit.objects.create(work=work, visitor=visitor, day=today)
    except IntegrityError:
        return False
    HitVisit.objects.filter(work=work, day__lt=today).delete()
    _bump(work.pk, hits=F("hits") + 1)
    if not PendingIndexing.objects.filter(work_id=work.pk).exists():
        reindex_after_commit([work.pk])
    return True


# Bookmarks


def _item_visible(user: User, work: Work | None, series: Series | None) -> bool:
    viewer = viewer_for(user)
    if work is not None:
        return can_view_work(viewer, work.access())
    return series is not None and (
        Series.objects.filter(series_filter(viewer), pk=series.pk).exists()
    )


def _bookmarker_tags(names: Sequence[str]) -> list[Tag]:
    """Tags by name, whatever their type; a name no tag has yet becomes a new freeform
    tag (unwrangled, as every new tag is)."""
    wanted = list(dict.fromkeys(" ".join(name.split())[:150] for name in names if name.strip()))
    if len(wanted) > TAGS_LIMIT:
        raise Refused(f"A bookmark can have at most {TAGS_LIMIT} tags.")
    found = {tag.name.lower(): tag for tag in tags_named(wanted)}
    missing = [name for name in wanted if name.lower() not in found]
    for tag in find_or_create_tags(TagType.FREEFORM, missing):
        found[tag.name.lower()] = tag
    return list(dict.fromkeys(found[name.lower()] for name in wanted))


@transaction.atomic
def do_save_bookmark(
    user: User,
    *,
    pseud: Pseud,
    work: Work | None = None,
    series: Series | None = None,
    notes: str = "",
    tags: Sequence[str] = (),
    private: bool = False,
    rec: bool = False,
) -> Bookmark:
    """Bookmark a work or a series, or change the reader's bookmark of it (one each)."""
    if (work is None) == (series is None):
        raise ValueError("bookmark either a work or a series")
    if not can_participate(viewer_for(user)):
        raise Refused(BARRED_REFUSAL)
    if pseud.user_id != user.pk:
        raise Refused("You can only bookmark under your own pseuds.")
    if not _item_visible(user, work, series):
        raise Refused("You can't bookmark something you can't see.")
    if len(notes) > NOTES_LIMIT:
        raise Refused(f"Bookmark notes can be at most {NOTES_LIMIT:,} characters.")
    bookmark = Bookmark.objects.filter(user=user, work=work, series=series).first()
    if bookmark is None:
        bookmark = Bookmark(user=user, work=work, series=series)
    bookmark.pseud = pseud
    bookmark.notes = sanitize_html(notes)
    bookmark.private = private
    bookmark.rec = rec
    bookmark.save()
    bookmark.taggings.all().delete()
    BookmarkTagging.objects.bulk_create(
        BookmarkTagging(bookmark=bookmark, tag=tag, position=position)
        for position, tag in enumerate(_bookmarker_tags(tags))
    )
    _recount_bookmarks(bookmark.work_id)
    return bookmark


@transaction.atomic
def do_delete_bookmark(user: User, bookmark: Bookmark) -> None:
    if bookmark.user_id != user.pk:
        raise Refused("You can only delete your own bookmarks.")
    work_id = bookmark.work_id
    bookmark.delete()
    _recount_bookmarks(work_id)


def _recount_bookmarks(work_id: int | None) -> None:
    """A work's public bookmarks, counted again (a bookmark may have turned private)."""
    if work_id is None:
        return
    public = Bookmark.objects.filter(work_id=work_id, private=False).count()
    WorkStats.objects.get_or_create(work_id=work_id)
    if WorkStats.objects.filter(pk=work_id).exclude(bookmarks=public).update(bookmarks=public):
        reindex_after_commit([work_id])


# Subscriptions


@transaction.atomic
def do_subscribe(
    user: User,
    *,
    work: Work | None = None,
    series: Series | None = None,
    creator: User | None = None,
) -> Subscription:
    """Follow a work, a series or a creator; following again changes nothing."""
    if [work, series, creator].count(None) != 2:
        raise ValueError("subscribe to exactly one work, series or creator")
    viewer = viewer_for(user)
    if creator is not None:
        if creator.pk == user.pk:
            raise Refused("You can't subscribe to yourself.")
        if not creator.is_active or is_anonymous_account(creator):
            raise Refused("You can't subscribe to this creator.")
    elif work is not None and is_creator(viewer, work.access()):
        raise Refused("You can't subscribe to your own work.")
    elif not _item_visible(user, work, series):
        raise Refused("You can't subscribe to something you can't see.")
    subscription, _ = Subscription.objects.get_or_create(
        user=user, work=work, series=series, creator=creator
    )
    return subscription


@transaction.atomic
def do_unsubscribe(user: User, subscription: Subscription) -> None:
    if subscription.user_id != user.pk:
        raise Refused("You can only end your own subscriptions.")
    subscription.delete()


# Inbox


def do_mark_read(user: User, entry_ids: Iterable[int], *, read: bool = True) -> int:
    """Mark some of the reader's inbox entries read (or unread again); returns how many."""
    entries = InboxEntry.objects.filter(user=user, pk__in=list(entry_ids))
    if read:
        return entries.filter(read_at__isnull=True).update(read_at=timezone.now())
    return entries.filter(read_at__isnull=False).update(read_at=None)


def do_mark_all_read(user: User) -> int:
    return InboxEntry.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def do_delete_entries(user: User, entry_ids: Iterable[int]) -> int:
    deleted, _ = InboxEntry.objects.filter(user=user, pk__in=list(entry_ids)).delete()
    return deleted


# Reading history and marked for later


def do_record_reading(user: User, work: Work, *, chapter: Chapter | None = None) -> bool:
    """Note a member's visit in their history (when, how often, the chapter they were on
    or None for the whole work); returns whether it did. Never for a creator's own work,
    a draft or a hidden work, nor for a member who asked the archive not to keep it."""
    if not work.posted or work.hidden or is_creator(viewer_for(user), work.access()):
        return False
    if not keeps_history(user):
        return False
    visit = {
        "last_visited": timezone.now(),
        "chapter": chapter,
        "chapters_seen": work.chapter_count,
    }
    readings = Reading.objects.filter(user=user, work=work)
    if readings.update(visits=F("visits") + 1, **visit):
        return True
    try:
        with transaction.atomic():
            Reading.objects.create(user=user, work=work, visits=1, **visit)
    except IntegrityError:  # another tab's visit made the row first
        readings.update(visits=F("visits") + 1, **visit)
    return True


@transaction.atomic
def do_mark_for_later(user: User, work: Work) -> Reading:
    """AO3's "Mark for Later": the work goes on the member's list until they mark it read
    (whether or not the archive keeps their history)."""
    if not can_view_work(viewer_for(user), work.access()):
        raise Refused("You can't mark a work you can't see.")
    reading, _ = Reading.objects.get_or_create(user=user, work=work)
    if not reading.marked_for_later:
        reading.marked_for_later = True
        reading.marked_at = timezone.now()
        reading.save(update_fields=["marked_for_later", "marked_at"])
    return reading


@transaction.atomic
def do_mark_as_read(user: User, work: Work) -> None:
    """Take the work off the member's list; a reading with no visit then goes altogether."""
    readings = Reading.objects.filter(user=user, work=work)
    readings.filter(last_visited__isnull=True).delete()
    readings.update(marked_for_later=False, marked_at=None)


def do_delete_from_history(user: User, work_id: int) -> int:
    """Forget the member's visits to one work; returns how many entries went."""
    return _forget_visits(Reading.objects.filter(user=user, work_id=work_id))


def do_clear_history(user: User) -> int:
    """Forget all of the member's visits; returns how many entries went."""
    return _forget_visits(Reading.objects.filter(user=user))


@transaction.atomic
def _forget_visits(readings: QuerySet[Reading]) -> int:
    """Visits go; a work also marked for later stays on that list, with no visit."""
    visited = readings.filter(last_visited__isnull=False)
    kept = visited.filter(marked_for_later=True).update(
        last_visited=None, visits=0, chapter=None, chapters_seen=0
    )
    gone, _ = visited.filter(marked_for_later=False).delete()
    return kept + gone


def do_keep_history(user: User, *, keep: bool) -> HistorySetting:
    """Start or stop recording the member's visits; what is recorded stays until they
    delete it."""
    setting, _ = HistorySetting.objects.update_or_create(user=user, defaults={"keep_history": keep})
    return setting


# Mutes and blocks (private: the other member is never told)


def _check_may(verb: str, user: User, other: User) -> None:
    refusal = mute_block_refusal_for(verb, user, other)
    if refusal is not None:
        raise Refused(refusal)


def do_mute(user: User, other: User) -> Mute:
    """Hide `other`'s works from the member's listings and searches, and their comments."""
    _check_may("mute", user, other)
    return Mute.objects.get_or_create(user=user, muted=other)[0]


def do_block(user: User, other: User) -> Block:
    """Stop `other` commenting on, replying to or giving kudos to the member's works, and
    crediting the member as a co-creator or gift recipient."""
    _check_may("block", user, other)
    return Block.objects.get_or_create(user=user, blocked=other)[0]


def do_unmute(user: User, other: User) -> bool:
    return _undone(Mute.objects.filter(user=user, muted=other))


def do_unblock(user: User, other: User) -> bool:
    return _undone(Block.objects.filter(user=user, blocked=other))


def _undone(choices: QuerySet[Mute] | QuerySet[Block]) -> bool:
    deleted, _ = choices.delete()
    return deleted > 0
