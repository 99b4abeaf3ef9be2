"""Telling subscribers what is new: the hooks the works actions call, and the delivery
that turns one event into inbox entries in the background.

A hook runs inside the action's transaction and costs one query when nobody follows
the work, its creators or its series; otherwise it queues one `deliver_update` task
for when the transaction commits (a rollback queues nothing). Delivery reads the
database as it is then: a chapter or work that is no longer posted, or that a
subscriber may not see, gives them nothing. Each event is announced once
(Announcement), however often a hook is called for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q

from quire.community.models import Announcement, InboxEntry, Subscription, Update
from quire.core.visibility import can_view_work, is_creator
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.models import Chapter, Creatorship, SeriesPart, Work

_ANONYMOUS_USERNAME = re.compile(r"anonymous(_archived\d*)?", re.IGNORECASE)
"""The placeholder account an import credits when a document names no creator
(quire.people.actions.do_get_placeholder_pseud("Anonymous"))."""


def is_anonymous_account(user: User) -> bool:
    """Whether the account stands for "no creator named": following it would be
    following anonymous works, which creator subscriptions never announce."""
    return user.is_placeholder and _ANONYMOUS_USERNAME.fullmatch(user.username) is not None


def _named_creators(work: Work) -> set[int]:
    """Users credited by name on the work; none when its byline is anonymous."""
    return {
        creatorship.pseud.user_id
        for creatorship in work.creatorships.all()
        if not is_anonymous_account(creatorship.pseud.user)
    }


# Hooks: one call in each works action that posts something.


def announce_work(work: Work) -> None:
    """A work was posted (or created posted): its creators' and its series' subscribers."""
    if not work.posted:
        return
    followed = Q(creator__pseuds__creatorships__work=work) | Q(series__parts__work=work)
    _queue_if_followed(followed, Update.WORK, work.pk)


def announce_chapter(chapter: Chapter) -> None:
    """A chapter was added to a work: the work's subscribers."""
    if not chapter.posted:
        return
    _queue_if_followed(Q(work_id=chapter.work_id), Update.CHAPTER, chapter.work_id, chapter.pk)


def announce_series_part(part: SeriesPart) -> None:
    """A work was placed in a series: the series' subscribers (a draft's turn comes when
    it is posted: announce_work)."""
    if not part.work.posted:
        return
    _queue_if_followed(
        Q(series_id=part.series_id), Update.SERIES, part.work_id, series_id=part.series_id
    )


def _queue_if_followed(
    followed: Q,
    kind: Update,
    work_id: int,
    chapter_id: int | None = None,
    series_id: int | None = None,
) -> None:
    if not Subscription.objects.filter(followed).exists():
        return

    def enqueue() -> None:
        from quire.community.tasks import deliver_update

        deliver_update.enqueue(kind.value, work_id, chapter_id, series_id)

    transaction.on_commit(enqueue)


# Delivery, in the background (quire.community.tasks).


@dataclass(frozen=True, slots=True)
class _Event:
    key: str
    kind: Update
    chapter_id: int | None
    series_id: int | None
    followers: Q


def deliver(kind: str, work_id: int, chapter_id: int | None, series_id: int | None) -> int:
    """Inbox entries for one event, for every subscriber who may see the work; returns
    how many were made."""
    work = (
        Work.objects.filter(pk=work_id, posted=True, hidden=False)
        .prefetch_related(
            Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user"))
        )
        .first()
    )
    if work is None:
        return 0
    made: list[InboxEntry] = []
    told: set[int] = set()
    for event in _events(Update(kind), work, chapter_id, series_id):
        if not _first_announcement(event.key):
            continue
        for subscription in Subscription.objects.filter(event.followers).select_related("user"):
            user = subscription.user
            viewer = viewer_for(user)
            if user.pk in told or not user.is_active or is_creator(viewer, work.access()):
                continue
            if not can_view_work(viewer, work.access()):
                continue
            told.add(user.pk)
            made.append(
                InboxEntry(
                    user=user,
                    kind=event.kind,
                    work=work,
                    chapter_id=event.chapter_id,
                    series_id=event.series_id,
                )
            )
    InboxEntry.objects.bulk_create(made)
    return len(made)


def _events(
    kind: Update, work: Work, chapter_id: int | None, series_id: int | None
) -> list[_Event]:
    """What one hook's event means: a new work is news for its named creators'
    subscribers and for the subscribers of every series it is already in. While a
    collection keeps the work anonymous or unrevealed it is news for nobody yet (the
    reveal announces it, quire.collections.actions): a creator's or a series' followers
    would learn who wrote it. Its own subscribers hear of new chapters as ever, when
    they may see it."""
    if kind == Update.CHAPTER:
        posted = Chapter.objects.filter(work=work, posted=True)
        if chapter_id is None or not posted.filter(pk=chapter_id).exists():
            return []
        return [_Event(f"chapter:{chapter_id}", kind, chapter_id, None, Q(work=work))]
    if work.anonymous or work.unrevealed:
        return []
    if kind == Update.SERIES:
        return [_series_event(work, series_id)] if series_id is not None else []
    events = [_Event(f"work:{work.pk}", kind, None, None, Q(creator__in=_named_creators(work)))]
    for part_series_id in work.series_parts.values_list("series_id", flat=True):
        events.append(_series_event(work, part_series_id))
    return events


def _series_event(work: Work, series_id: int) -> _Event:
    return _Event(
        f"series:{series_id}:{work.pk}", Update.SERIES, None, series_id, Q(series_id=series_id)
    )


def _first_announcement(key: str) -> bool:
    _, created = Announcement.objects.get_or_create(key=key)
    return created
