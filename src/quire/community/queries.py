"""Every read of kudos, bookmarks, subscriptions, the inbox, reading history, mutes and
blocks goes through here.

Bookmarks start from quire.permissions.bookmark_filter, inbox entries and history from
work_filter, so a reader never sees a bookmark, an update, a history entry or a feed
entry about a work they may not see, and never anyone else's private bookmark. Mutes
and blocks are their owner's alone: nothing here tells anyone who muted or blocked them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from quire.community.models import (
    Block,
    Bookmark,
    BookmarkTagging,
    HistorySetting,
    InboxEntry,
    Kudos,
    Mute,
    Reading,
    Subscription,
)
from quire.core.community import Phrase, kudos_phrases, mute_block_refusal
from quire.core.visibility import Viewer
from quire.people.models import Pseud, User
from quire.permissions import (
    bookmark_filter,
    chapter_filter,
    named_creators_filter,
    unmuted_filter,
    viewer_for,
    work_filter,
)
from quire.tags.queries import tags_named
from quire.works.models import Chapter, Creatorship, FilterTagging, Series, SeriesPart, Work
from quire.works.queries import visible_series, visible_works, with_secrets

KUDOS_NAMES = 50
"""Usernames listed under a work; the rest are "N more users"."""


# Kudos


@dataclass(frozen=True, slots=True)
class KudosList:
    phrases: list[Phrase]
    total: int


def kudos_list(work: Work) -> KudosList:
    """Who left kudos, newest first: names of members, then how many more and guests."""
    given = Kudos.objects.filter(work=work)
    counts = given.aggregate(
        members=Count("pk", filter=Q(user__isnull=False)),
        guests=Count("pk", filter=Q(user__isnull=True)),
    )
    names = list(
        given.filter(user__isnull=False)
        .order_by("-created_at", "-id")
        .values_list("user__username", flat=True)[:KUDOS_NAMES]
    )
    phrases = kudos_phrases(
        names, more_users=counts["members"] - len(names), guests=counts["guests"]
    )
    return KudosList(phrases, counts["members"] + counts["guests"])


def has_left_kudos(work: Work, *, user: User | None, guest_address: str = "") -> bool:
    """Whether this member, or a guest from this address, thanked the work already."""
    if user is not None:
        return Kudos.objects.filter(work=work, user=user).exists()
    return bool(guest_address) and (
        Kudos.objects.filter(work=work, user__isnull=True, guest_address=guest_address).exists()
    )


# Bookmarks


def _with_items(bookmarks: QuerySet[Bookmark], viewer: Viewer) -> QuerySet[Bookmark]:
    """What a bookmark listing shows: the work's blurb or the series, pseud and tags."""
    return bookmarks.select_related("pseud__user").prefetch_related(
        Prefetch("work", queryset=visible_works(viewer)),
        Prefetch("series", queryset=visible_series(viewer)),
        Prefetch("taggings", queryset=BookmarkTagging.objects.select_related("tag")),
    )


def visible_bookmarks(viewer: Viewer) -> QuerySet[Bookmark]:
    """Bookmarks the viewer may see, newest first, with what a listing shows."""
    return _with_items(Bookmark.objects.filter(bookmark_filter(viewer)), viewer).order_by(
        "-created_at", "-id"
    )


def listed_bookmarks(viewer: Viewer) -> QuerySet[Bookmark]:
    """The bookmark search's listing: visible bookmarks, less those made by members the
    viewer muted and those of works by creators they muted."""
    bookmarks = visible_bookmarks(viewer)
    if viewer.user_id is None:
        return bookmarks
    return bookmarks.exclude(user__muted_by__user_id=viewer.user_id).filter(
        Q(work__isnull=True) | unmuted_filter(viewer, prefix="work__")
    )


def bookmarks_by(viewer: Viewer, user: User) -> QuerySet[Bookmark]:
    return visible_bookmarks(viewer).filter(user=user)


def bookmarks_of_work(viewer: Viewer, work: Work) -> QuerySet[Bookmark]:
    return visible_bookmarks(viewer).filter(work=work)


def bookmarks_of_series(viewer: Viewer, series: Series) -> QuerySet[Bookmark]:
    return visible_bookmarks(viewer).filter(series=series)


def bookmark_of(
    user: User, *, work: Work | None = None, series: Series | None = None
) -> Bookmark | None:
    """The reader's own bookmark of a work or a series, if they made one."""
    own = Bookmark.objects.filter(user=user).prefetch_related(
        Prefetch("taggings", queryset=BookmarkTagging.objects.select_related("tag"))
    )
    if work is not None:
        return own.filter(work=work).first()
    return own.filter(series=series).first()


@dataclass(frozen=True, slots=True)
class BookmarkFilters:
    """A bookmark search: every named tag must match; empty fields filter nothing."""

    bookmark_tags: list[str] = field(default_factory=list)
    """The bookmarker's tags (a tag or any of its synonyms)."""
    work_tags: list[str] = field(default_factory=list)
    """The bookmarked work's tags, as works are filtered (filter tags)."""
    rec_only: bool = False
    notes: str = ""
    """Words in the bookmarker's notes."""


def filter_bookmarks(bookmarks: QuerySet[Bookmark], filters: BookmarkFilters) -> QuerySet[Bookmark]:
    """Narrow a listing; a tag name nobody uses matches no bookmark at all."""
    for name in filters.bookmark_tags:
        found = tags_named([name])
        if not found:
            return bookmarks.none()
        tag = found[0]
        canonical = tag.merger_id or tag.pk
        tagged = BookmarkTagging.objects.filter(
            Q(tag_id=canonical) | Q(tag__merger_id=canonical), bookmark=OuterRef("pk")
        )
        bookmarks = bookmarks.filter(Exists(tagged))
    for name in filters.work_tags:
        found = tags_named([name])
        if not found:
            return bookmarks.none()
        tag = found[0]
        filed = FilterTagging.objects.filter(tag_id=tag.merger_id or tag.pk)
        bookmarks = bookmarks.filter(work_id__in=filed.values("work_id"))
    if filters.rec_only:
        bookmarks = bookmarks.filter(rec=True)
    for word in filters.notes.split():
        bookmarks = bookmarks.filter(notes__icontains=word)
    return bookmarks


# Subscriptions


def subscription_to(
    user: User,
    *,
    work: Work | None = None,
    series: Series | None = None,
    creator: User | None = None,
) -> Subscription | None:
    return Subscription.objects.filter(user=user, work=work, series=series, creator=creator).first()


def subscriptions_of(user: User) -> QuerySet[Subscription]:
    """What the reader follows, newest first (items they may no longer see included,
    named only by what they may see: the page shows those as unavailable)."""
    viewer = viewer_for(user)
    return (
        Subscription.objects.filter(user=user)
        .select_related("creator")
        .prefetch_related(
            Prefetch("work", queryset=Work.objects.filter(work_filter(viewer))),
            Prefetch("series", queryset=visible_series(viewer)),
        )
    )


# The inbox


def inbox_of(user: User, *, unread_only: bool = False) -> QuerySet[InboxEntry]:
    """The reader's updates, newest first, about works they may (still) see."""
    viewer = viewer_for(user)
    entries = (
        InboxEntry.objects.filter(user=user)
        .filter(work_filter(viewer, prefix="work__"))
        .filter(Q(chapter__isnull=True) | Q(chapter__posted=True))
        .select_related("chapter", "series", "comment__pseud")
        .prefetch_related(Prefetch("work", queryset=with_secrets(Work.objects.all())))
        .order_by("-created_at", "-id")
    )
    if unread_only:
        entries = entries.filter(read_at__isnull=True)
    return entries


def unread_count(user: User) -> int:
    return inbox_of(user, unread_only=True).count()


def digest_entries(user: User) -> list[InboxEntry]:
    """Unread updates no digest has carried yet, oldest first, as an email lists them."""
    due = inbox_of(user, unread_only=True).filter(emailed_at__isnull=True)
    return list(due.order_by("created_at", "id"))


def digest_recipients() -> QuerySet[User]:
    """Active members with an email address and updates no digest has carried yet."""
    due = InboxEntry.objects.filter(
        user=OuterRef("pk"), read_at__isnull=True, emailed_at__isnull=True
    )
    return User.objects.filter(Exists(due), is_active=True).exclude(email="").order_by("pk")


# For the OPDS catalog (quire.feeds)


def bookmarked_works_for(user: User) -> QuerySet[Work]:
    """Works the reader bookmarked (privately too) and may see, latest bookmark first."""
    bookmarked = Bookmark.objects.filter(user=user, work=OuterRef("pk")).values("created_at")
    return (
        visible_works(viewer_for(user))
        .annotate(bookmarked_at=Subquery(bookmarked[:1]))
        .filter(bookmarked_at__isnull=False)
        .order_by("-bookmarked_at", "-id")
    )


def subscribed_works_for(user: User) -> QuerySet[Work]:
    """The works the reader's subscriptions follow, that they may see: the works
    themselves, the works of followed series and of followed creators (not those
    anonymous to the reader: that would name their creator), latest update first."""
    viewer = viewer_for(user)
    followed = Subscription.objects.filter(user=user)
    series_ids = followed.filter(series__isnull=False).values("series_id")
    creator_ids = followed.filter(creator__isnull=False).values("creator_id")
    of_creators = Creatorship.objects.filter(pseud__user_id__in=creator_ids).values("work_id")
    of_subscriptions = (
        Q(pk__in=followed.filter(work__isnull=False).values("work_id"))
        | Q(pk__in=SeriesPart.objects.filter(series_id__in=series_ids).values("work_id"))
        | (Q(pk__in=of_creators) & named_creators_filter(viewer))
    )
    return visible_works(viewer).filter(of_subscriptions).order_by("-updated", "-id")


# Reading history and marked for later


def keeps_history(user: User) -> bool:
    """Whether the archive records the member's visits (yes, until they say not)."""
    return not HistorySetting.objects.filter(user=user, keep_history=False).exists()


def reading_of(user: User, work: Work) -> Reading | None:
    return Reading.objects.filter(user=user, work=work).first()


def _readings(user: User) -> QuerySet[Reading]:
    """The member's readings of works they may (still) see, each with its work's blurb
    and the chapter they were on while they may still read it."""
    viewer = viewer_for(user)
    return (
        Reading.objects.filter(user=user)
        .filter(work_filter(viewer, prefix="work__"))
        .prefetch_related(
            Prefetch("work", queryset=visible_works(viewer)),
            Prefetch("chapter", queryset=Chapter.objects.filter(chapter_filter(viewer))),
        )
    )


def history_of(user: User) -> QuerySet[Reading]:
    """The works the member opened, the latest visit first."""
    return _readings(user).filter(last_visited__isnull=False).order_by("-last_visited", "-id")


def marked_for_later_by(user: User) -> QuerySet[Reading]:
    """The works the member marked for later, the latest mark first."""
    return _readings(user).filter(marked_for_later=True).order_by("-marked_at", "-id")


# Mutes and blocks


Person = AbstractBaseUser | AnonymousUser | Viewer | int | None
"""Who a question is about: an account, a request's user, a Viewer, an id, or nobody."""


def _user_id(person: Person) -> int | None:
    """The account's id, whatever stands for it; None for a guest."""
    if person is None or isinstance(person, int):
        return person
    if isinstance(person, Viewer):
        return person.user_id
    return person.pk if person.is_authenticated else None


def muted_user_ids(viewer: Person) -> set[int]:
    """The members whose works and comments the viewer never wants to see (none for a
    guest). quire.comments hides those people's comments with it."""
    user_id = _user_id(viewer)
    if user_id is None:
        return set()
    return set(Mute.objects.filter(user_id=user_id).values_list("muted_id", flat=True))


def muted_pseud_ids(viewer: Viewer) -> frozenset[int]:
    """Every pseud of every member the viewer muted: search leaves their works out as it
    does an excluded creator's (SearchQuery.exclude_creator_ids)."""
    if viewer.user_id is None:
        return frozenset()
    muted = Pseud.objects.filter(user__muted_by__user_id=viewer.user_id)
    return frozenset(muted.values_list("pk", flat=True))


def mute_block_refusal_for(verb: str, user: User, other: User) -> str | None:
    """Why `user` may not mute (or block) `other`, or None when they may: not themselves,
    not the archive's staff (quire.core.community.mute_block_refusal)."""
    return mute_block_refusal(
        verb,
        actor_id=user.pk,
        target_id=other.pk,
        target_is_staff=other.is_staff or other.is_superuser,
    )


def has_muted(user: User, other: User) -> bool:
    return Mute.objects.filter(user=user, muted=other).exists()


def has_blocked(user: User, other: User) -> bool:
    return Block.objects.filter(user=user, blocked=other).exists()


def is_blocked(*, by_user: Person, user: Person) -> bool:
    """Whether `by_user` blocked `user`: then `user` may not comment on, reply to or give
    kudos to `by_user`'s works, nor credit them as a co-creator or gift recipient. A
    guest is never blocked (nobody can block a guest), and a guest blocks nobody."""
    blocker_id, blocked_id = _user_id(by_user), _user_id(user)
    if blocker_id is None or blocked_id is None:
        return False
    return Block.objects.filter(user_id=blocker_id, blocked_id=blocked_id).exists()


def blockers_among(user: Person, among: Iterable[int]) -> set[int]:
    """Which of the members `among` blocked `user`, in one query: whom a work's gift and
    co-creator fields may not name when `user` fills them in."""
    user_id = _user_id(user)
    if user_id is None:
        return set()
    blocks = Block.objects.filter(blocked_id=user_id, user_id__in=list(among))
    return set(blocks.values_list("user_id", flat=True))


def blocked_by_a_creator(work: Work, user: Person) -> bool:
    """Whether any of the work's creators blocked `user` (as AO3: one is enough)."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    creators = Creatorship.objects.filter(work=work).values("pseud__user_id")
    return Block.objects.filter(user_id__in=creators, blocked_id=user_id).exists()


def muted_people(user: User) -> QuerySet[User]:
    """Whom the member muted, each with `since`, the latest first."""
    return _chosen_people(user, "muted_by")


def blocked_people(user: User) -> QuerySet[User]:
    """Whom the member blocked, each with `since`, the latest first."""
    return _chosen_people(user, "blocked_by")


def _chosen_people(user: User, relation: str) -> QuerySet[User]:
    chosen = User.objects.filter(**{f"{relation}__user": user})
    return chosen.annotate(since=F(f"{relation}__created_at")).order_by("-since", "username")
