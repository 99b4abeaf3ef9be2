"""Every write to collections, memberships and collection items goes through here.

The rules are quire.core.collections; a refusal is its `Refused` with the reason. Any
action that changes a work's items calls `refresh_work_flags`, which keeps the work's
derived `anonymous` and `unrevealed` flags right and reindexes it (search knows which
collections hold a work, and hides what is unrevealed), inside the same transaction.
Reveals tell subscribers through quire.community's posting hook, at reveal and not
before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from quire.collections.models import Approval, Collection, CollectionItem, Membership, Role
from quire.collections.queries import acting_role, owner_count, role_of, viewer_maintains
from quire.community.updates import announce_work
from quire.core.collections import (
    CollectionRules,
    ItemState,
    Refused,
    join_problem,
    leave_problem,
    name_problem,
    new_item,
    parent_problem,
    reveals_due,
    role_change_problem,
    work_flags,
)
from quire.core.composing import typed_html
from quire.core.visibility import can_edit_work
from quire.people.models import User
from quire.permissions import viewer_for
from quire.search.indexing import reindex_after_commit
from quire.works.models import Work


@dataclass(slots=True)
class CollectionDetails:
    """A collection's settings as chosen on its form (quire.collections.forms)."""

    title: str
    description: str = ""
    rules: str = ""
    kind: str = "collection"
    open: bool = True
    moderated: bool = False
    anonymous: bool = False
    unrevealed: bool = False
    works_reveal_at: datetime | None = None
    creators_reveal_at: datetime | None = None


def _maintainer(collection: Collection, user: User) -> None:
    if not viewer_maintains(viewer_for(user), collection):
        raise Refused("Only the collection's owners and moderators can do that.")


def _apply(collection: Collection, details: CollectionDetails) -> None:
    title = " ".join(details.title.split())
    if not title:
        raise Refused("Give the collection a title.")
    collection.title = title[:255]
    collection.description = typed_html(details.description)
    collection.rules = typed_html(details.rules)
    collection.kind = details.kind
    collection.open = details.open
    collection.moderated = details.moderated
    collection.anonymous = details.anonymous
    collection.unrevealed = details.unrevealed
    collection.works_reveal_at = details.works_reveal_at
    collection.creators_reveal_at = details.creators_reveal_at


@transaction.atomic
def do_create_collection(
    owner: User, name: str, details: CollectionDetails, *, parent: Collection | None = None
) -> Collection:
    """A new collection (a round of `parent` when given); its creator becomes its owner."""
    problem = name_problem(name)
    if problem is None and Collection.objects.filter(name__iexact=name).exists():
        problem = f"The address “{name}” is taken: choose another."
    if problem is None and parent is not None:
        problem = parent_problem(
            parent_has_parent=parent.parent_id is not None,
            maintains_parent=viewer_maintains(viewer_for(owner), parent),
        )
    if problem is not None:
        raise Refused(problem)
    collection = Collection(name=name, parent=parent)
    _apply(collection, details)
    collection.save()
    Membership.objects.create(collection=collection, user=owner, role=Role.OWNER)
    return collection


@transaction.atomic
def do_update_collection(
    collection: Collection, editor: User, details: CollectionDetails
) -> Collection:
    """Save a maintainer's changes. Turning "unrevealed" or "anonymous" off reveals what
    the collection was hiding, as AO3 does; turning either on applies to works added
    from then on."""
    _maintainer(collection, editor)
    was_unrevealed, was_anonymous = collection.unrevealed, collection.anonymous
    _apply(collection, details)
    collection.save()
    if was_unrevealed and not collection.unrevealed:
        do_reveal_works(collection)
    if was_anonymous and not collection.anonymous:
        do_reveal_creators(collection)
    return collection


@transaction.atomic
def do_delete_collection(collection: Collection, by: User) -> None:
    """Delete a collection and its rounds (owners only); their works stay, out of them."""
    if role_of(collection, by.pk) != Role.OWNER:
        raise Refused("Only the collection's owners can delete it.")
    work_ids = list(
        CollectionItem.objects.filter(
            Q(collection=collection) | Q(collection__parent=collection)
        ).values_list("work_id", flat=True)
    )
    collection.delete()
    refresh_work_flags(work_ids)


# Members


@transaction.atomic
def do_join(collection: Collection, user: User) -> Membership:
    problem = join_problem(open_=collection.open, role=role_of(collection, user.pk))
    if problem is not None:
        raise Refused(problem)
    return Membership.objects.create(collection=collection, user=user, role=Role.MEMBER)


@transaction.atomic
def do_leave(collection: Collection, user: User) -> None:
    role = role_of(collection, user.pk)
    owners_left = owner_count(collection) - (role == Role.OWNER)
    problem = leave_problem(role=role, owners_left=owners_left)
    if problem is not None:
        raise Refused(problem)
    Membership.objects.filter(collection=collection, user=user).delete()


@transaction.atomic
def do_set_role(collection: Collection, actor: User, user: User, role: str) -> Membership:
    """Add `user` with `role`, or move them to it."""
    if role not in Role.values:
        raise Refused(f"“{role}” is not a role in a collection.")
    current = role_of(collection, user.pk)
    _check_role_change(collection, actor, current, role)
    membership, _ = Membership.objects.update_or_create(
        collection=collection, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def do_remove_member(collection: Collection, actor: User, membership: Membership) -> None:
    _check_role_change(collection, actor, membership.role, None)
    membership.delete()


def _check_role_change(
    collection: Collection, actor: User, current: str | None, wanted: str | None
) -> None:
    owners_left = owner_count(collection) - (current == Role.OWNER) + (wanted == Role.OWNER)
    problem = role_change_problem(
        actor=acting_role(collection, actor.pk),
        current=current,
        wanted=wanted,
        owners_left=owners_left,
    )
    if problem is not None:
        raise Refused(problem)


# Works in collections


def _rules(collection: Collection) -> CollectionRules:
    return CollectionRules(
        open=collection.open,
        moderated=collection.moderated,
        anonymous=collection.anonymous,
        unrevealed=collection.unrevealed,
    )


def creator_addition_problem(collection: Collection, creator: User) -> str | None:
    """Why a creator may not add a work of theirs to `collection` now, or None: what the
    posting form asks before the work exists."""
    try:
        new_item(
            _rules(collection),
            by_creator=True,
            by_maintainer=viewer_maintains(viewer_for(creator), collection),
            title=collection.title,
        )
    except Refused as refusal:
        return str(refusal)
    return None


def _new_item(collection: Collection, work: Work, by: User) -> CollectionItem:
    """The unsaved item `by` adding `work` makes, or Refused. A creator who once declined
    a collection's invitation may still add the work themselves: the old row is reused."""
    by_creator = can_edit_work(viewer_for(by), work.access())
    existing = CollectionItem.objects.filter(collection=collection, work=work).first()
    if existing is not None:
        if existing.collection_approval == Approval.REJECTED:
            raise Refused(f"{collection.title} declined “{work.title}”.")
        if existing.creator_approval != Approval.REJECTED:
            raise Refused(f"“{work.title}” is already in {collection.title} or waiting for it.")
        if not by_creator:
            raise Refused(f"The creators of “{work.title}” declined {collection.title}.")
    status = new_item(
        _rules(collection),
        by_creator=by_creator,
        by_maintainer=viewer_maintains(viewer_for(by), collection),
        title=collection.title,
    )
    item = CollectionItem(
        collection=collection,
        work=work,
        collection_approval=status.collection_approval,
        creator_approval=status.creator_approval,
        anonymous=status.anonymous,
        unrevealed=status.unrevealed,
        added_by=by,
    )
    if existing is not None:
        item.pk, item.created_at = existing.pk, existing.created_at
    return item


@transaction.atomic
def do_add_work(collection: Collection, work: Work, by: User) -> CollectionItem:
    """Add a work to a collection: by one of its creators (held when the collection is
    moderated, refused when it is closed) or by a maintainer, who invites it (it waits
    for the creators' answer)."""
    item = _new_item(collection, work, by)
    item.save()
    _refresh(work)
    return item


@transaction.atomic
def do_set_work_collections(work: Work, by: User, collections: Sequence[Collection]) -> None:
    """The posting form's field: the work is added to the collections named and taken out
    of those no longer named (items either side refused stay, as a record)."""
    wanted = {collection.pk for collection in collections}
    refused = Q(collection_approval=Approval.REJECTED) | Q(creator_approval=Approval.REJECTED)
    present = CollectionItem.objects.filter(work=work).exclude(refused)
    dropped = list(present.exclude(collection_id__in=wanted))
    kept = set(present.values_list("collection_id", flat=True))
    for collection in collections:
        if collection.pk not in kept:
            _new_item(collection, work, by).save()
    for item in dropped:
        item.delete()
    _refresh(work)


@transaction.atomic
def do_moderate_item(item: CollectionItem, by: User, *, approve: bool) -> CollectionItem:
    """A maintainer's answer for the collection."""
    _maintainer(item.collection, by)
    item.collection_approval = Approval.APPROVED if approve else Approval.REJECTED
    item.save(update_fields=["collection_approval"])
    _refresh(item.work)
    return item


@transaction.atomic
def do_answer_item(item: CollectionItem, by: User, *, approve: bool) -> CollectionItem:
    """A creator's answer to a collection that invited their work."""
    if not can_edit_work(viewer_for(by), item.work.access()):
        raise Refused("Only the work's creators can answer for it.")
    item.creator_approval = Approval.APPROVED if approve else Approval.REJECTED
    item.save(update_fields=["creator_approval"])
    _refresh(item.work)
    return item


@transaction.atomic
def do_remove_item(item: CollectionItem, by: User) -> None:
    """Take a work out of a collection: its maintainers or the work's creators may."""
    viewer = viewer_for(by)
    if not (viewer_maintains(viewer, item.collection) or can_edit_work(viewer, item.work.access())):
        raise Refused("Only the collection's maintainers or the work's creators can remove it.")
    item.delete()
    _refresh(item.work)


def _refresh(work: Work) -> None:
    """refresh_work_flags for one work, and the caller's copy of it made right too: the
    works actions save whole rows, and a stale copy would put the old flags back."""
    refresh_work_flags([work.pk])
    work.refresh_from_db(fields=["anonymous", "unrevealed"])


def refresh_work_flags(work_ids: Iterable[int]) -> dict[int, tuple[bool, bool]]:
    """Set each work's anonymous and unrevealed flags from its approved items and queue
    it for indexing (its collections changed). Returns the works whose flags changed,
    each with the flags it had before."""
    ids = sorted(set(work_ids))
    if not ids:
        return {}
    states: dict[int, list[ItemState]] = {work_id: [] for work_id in ids}
    fields = ("work_id", "collection_approval", "creator_approval", "anonymous", "unrevealed")
    for (
        work_id,
        collection_approval,
        creator_approval,
        anonymous,
        unrevealed,
    ) in CollectionItem.objects.filter(work_id__in=ids).values_list(*fields):
        states[work_id].append(
            ItemState(collection_approval, creator_approval, anonymous, unrevealed)
        )
    changed: dict[int, tuple[bool, bool]] = {}
    for work_id, anonymous, unrevealed in Work.objects.filter(pk__in=ids).values_list(
        "pk", "anonymous", "unrevealed"
    ):
        flags = work_flags(states[work_id])
        if flags != (anonymous, unrevealed):
            Work.objects.filter(pk=work_id).update(anonymous=flags[0], unrevealed=flags[1])
            changed[work_id] = (anonymous, unrevealed)
    reindex_after_commit(ids)
    return changed


# Reveals


@transaction.atomic
def do_reveal_works(collection: Collection, by: User | None = None) -> int:
    """Reveal the collection's works: they show everywhere from now on, and subscribers of
    their creators and series hear of them as of a new work. `by` (a person pressing the
    button) must maintain the collection; the scheduled reveal passes None. Returns how
    many works became visible."""
    if by is not None:
        _maintainer(collection, by)
    collection.unrevealed = False
    collection.save(update_fields=["unrevealed", "modified_at"])
    return _reveal(collection, "unrevealed")


@transaction.atomic
def do_reveal_creators(collection: Collection, by: User | None = None) -> int:
    """Name the creators of the collection's anonymous works; returns how many works now
    show their creators."""
    if by is not None:
        _maintainer(collection, by)
    collection.anonymous = False
    collection.save(update_fields=["anonymous", "modified_at"])
    return _reveal(collection, "anonymous")


def _reveal(collection: Collection, flag: str) -> int:
    items = CollectionItem.objects.filter(collection=collection, **{flag: True})
    work_ids = list(items.values_list("work_id", flat=True))
    items.update(**{flag: False})
    changed = refresh_work_flags(work_ids)
    revealed = [
        work
        for work in Work.objects.filter(pk__in=list(changed)).prefetch_related(
            "creatorships__pseud__user"
        )
        if not work.unrevealed
    ]
    for work in revealed:
        announce_work(work)
    return len(revealed)


@dataclass(frozen=True, slots=True)
class RevealReport:
    collections: int
    works: int


def do_reveal_due(now: datetime) -> RevealReport:
    """Every reveal whose date has passed (`quire reveal`, and the worker once a minute):
    each collection in its own transaction, locked so two workers never reveal one
    collection twice."""
    due = Collection.objects.filter(
        Q(unrevealed=True, works_reveal_at__lte=now)
        | Q(anonymous=True, creators_reveal_at__lte=now)
    ).values_list("pk", flat=True)
    collections = works = 0
    for collection_id in list(due):
        with transaction.atomic():
            collection = Collection.objects.select_for_update().filter(pk=collection_id).first()
            if collection is None:
                continue
            wanted = reveals_due(
                unrevealed=collection.unrevealed,
                anonymous=collection.anonymous,
                works_reveal_at=collection.works_reveal_at,
                creators_reveal_at=collection.creators_reveal_at,
                now=now,
            )
            if wanted.works:
                works += do_reveal_works(collection)
            if wanted.creators:
                works += do_reveal_creators(collection)
            collections += wanted.works or wanted.creators
    return RevealReport(collections=collections, works=works)
