"""Every read of collections, memberships and collection items goes through here.

Collections themselves are public; the works in them are read through the permission
layer (quire.permissions.work_filter), so a collection's counts and listings never
name a work the viewer may not see. Who maintains a collection is asked here once per
request and handed to search as the ids of the collections the viewer maintains.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower

from quire.collections.models import Approval, Collection, CollectionItem, Membership, Role
from quire.core.collections import MAINTAINING_ROLES, maintains
from quire.core.visibility import Viewer
from quire.people.models import User
from quire.permissions import work_filter
from quire.works.models import Creatorship, Work

APPROVED = Q(collection_approval=Approval.APPROVED, creator_approval=Approval.APPROVED)
"""Items that count: both the collection and the work's creators said yes."""


def collection_named(name: str) -> Collection | None:
    return Collection.objects.select_related("parent").filter(name__iexact=name).first()


def collections_named(names: list[str]) -> dict[str, Collection]:
    """Collections by address, lower-cased keys (addresses are unique whatever the case)."""
    wanted = {name.lower() for name in names}
    found = Collection.objects.annotate(lower=Lower("name")).filter(lower__in=wanted)
    return {collection.name.lower(): collection for collection in found}


def with_rounds(collection: Collection) -> frozenset[int]:
    """The collection's id and its rounds' (sub-collections'): a round's works show on its
    parent's page."""
    children = Collection.objects.filter(parent=collection).values_list("pk", flat=True)
    return frozenset([collection.pk, *children])


def rounds_of(collection: Collection) -> QuerySet[Collection]:
    return Collection.objects.filter(parent=collection).order_by("title", "id")


def _visible_approved_items(viewer: Viewer) -> QuerySet[CollectionItem]:
    return CollectionItem.objects.filter(
        APPROVED, work__in=Work.objects.filter(work_filter(viewer))
    )


def collection_index(
    viewer: Viewer, *, title: str = "", kind: str = "", status: str = ""
) -> QuerySet[Collection]:
    """The collections index: filtered by words of the title, kind and open or closed,
    each with the number of its works (its rounds' too) the viewer may see."""
    collections = Collection.objects.select_related("parent")
    for word in title.split():
        collections = collections.filter(Q(title__icontains=word) | Q(name__icontains=word))
    if kind:
        collections = collections.filter(kind=kind)
    if status == "open":
        collections = collections.filter(open=True)
    elif status == "closed":
        collections = collections.filter(open=False)
    return collections.annotate(work_count=_work_count(viewer)).order_by("title", "id")


def _work_count(viewer: Viewer) -> Coalesce:
    """Distinct works in the collection or its rounds, as a subquery per collection."""
    items = _visible_approved_items(viewer).filter(
        Q(collection=OuterRef("pk")) | Q(collection__parent=OuterRef("pk"))
    )
    counted = items.order_by().values(one=Value(1)).annotate(n=Count("work_id", distinct=True))
    return Coalesce(Subquery(counted.values("n")[:1]), 0)


@dataclass(frozen=True, slots=True)
class Profile:
    """What a collection's page says about it besides its own fields."""

    owners: list[User]
    moderators: list[User]
    member_count: int
    work_count: int
    unrevealed_count: int
    rounds: list[Collection]
    role: str | None
    maintains: bool


def profile(viewer: Viewer, collection: Collection) -> Profile:
    ids = with_rounds(collection)
    memberships = list(
        Membership.objects.filter(collection=collection, role__in=MAINTAINING_ROLES)
        .select_related("user")
        .order_by("user__username")
    )
    approved = CollectionItem.objects.filter(APPROVED, collection_id__in=ids)
    works = Work.objects.filter(work_filter(viewer), pk__in=approved.values("work_id"))
    return Profile(
        owners=[m.user for m in memberships if m.role == Role.OWNER],
        moderators=[m.user for m in memberships if m.role == Role.MODERATOR],
        member_count=Membership.objects.filter(collection=collection).count(),
        work_count=works.count(),
        unrevealed_count=unrevealed_count(ids),
        rounds=list(rounds_of(collection)),
        role=role_of(collection, viewer.user_id),
        maintains=viewer_maintains(viewer, collection),
    )


def unrevealed_count(collection_ids: frozenset[int]) -> int:
    """Posted works waiting to be revealed in these collections: a number anyone may know
    (the collection's page says how many are coming), never which."""
    return (
        CollectionItem.objects.filter(APPROVED, collection_id__in=collection_ids, unrevealed=True)
        .filter(work__posted=True, work__hidden=False)
        .values("work_id")
        .distinct()
        .count()
    )


def role_of(collection: Collection, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return (
        Membership.objects.filter(collection=collection, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )


def acting_role(collection: Collection, user_id: int | None) -> str | None:
    """The role a member acts with in a collection: their own, or the one they hold in the
    collection it is a round of, whichever is stronger (a parent's owners run its rounds)."""
    if user_id is None:
        return None
    roles = set(
        Membership.objects.filter(
            Q(collection=collection) | Q(collection_id=collection.parent_id), user_id=user_id
        ).values_list("role", flat=True)
    )
    return next((role for role in (Role.OWNER, Role.MODERATOR, Role.MEMBER) if role in roles), None)


def viewer_maintains(viewer: Viewer, collection: Collection) -> bool:
    """Owners and moderators of the collection, or of the collection it is a round of."""
    return maintains(acting_role(collection, viewer.user_id))


def maintained_collection_ids(viewer: Viewer) -> frozenset[int]:
    """The collections the viewer maintains, and their rounds: where they may see the
    works still unrevealed (search's Visibility.collection_ids)."""
    if viewer.user_id is None:
        return frozenset()
    own = Membership.objects.filter(user_id=viewer.user_id, role__in=MAINTAINING_ROLES)
    ids = Collection.objects.filter(
        Q(pk__in=own.values("collection_id")) | Q(parent_id__in=own.values("collection_id"))
    ).values_list("pk", flat=True)
    return frozenset(ids)


def members_of(collection: Collection) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(collection=collection)
        .select_related("user")
        .order_by("role", "user__username")
    )


def membership_of(collection: Collection, membership_id: int) -> Membership | None:
    return members_of(collection).filter(pk=membership_id).first()


def owner_count(collection: Collection) -> int:
    return Membership.objects.filter(collection=collection, role=Role.OWNER).count()


def items_for_maintainers(collection: Collection, status: str) -> QuerySet[CollectionItem]:
    """The collection's items by where they stand: "pending" (waiting for the collection or
    for the creators), "approved" or "rejected" (by either side)."""
    items = CollectionItem.objects.filter(collection=collection)
    if status == "approved":
        items = items.filter(APPROVED)
    elif status == "rejected":
        items = items.filter(
            Q(collection_approval=Approval.REJECTED) | Q(creator_approval=Approval.REJECTED)
        )
    else:
        items = items.exclude(APPROVED).exclude(
            Q(collection_approval=Approval.REJECTED) | Q(creator_approval=Approval.REJECTED)
        )
    return items.select_related("work", "added_by").prefetch_related(
        "work__creatorships__pseud__user"
    )


def item_in(collection: Collection, item_id: int) -> CollectionItem | None:
    return (
        CollectionItem.objects.filter(collection=collection, pk=item_id)
        .select_related("work", "collection")
        .first()
    )


def _own_works(user: User) -> QuerySet[Creatorship]:
    return Creatorship.objects.filter(pseud__user=user)


def items_of_creator(user: User) -> QuerySet[CollectionItem]:
    """Every collection item of the member's works: invitations to answer first, then the
    rest newest first (the "Collection items" page)."""
    waiting_first = Case(When(creator_approval=Approval.PENDING, then=0), default=1)
    return (
        CollectionItem.objects.filter(work__in=_own_works(user).values("work_id"))
        .select_related("work", "collection")
        .order_by(waiting_first, "-created_at", "-id")
    )


def own_item(user: User, item_id: int) -> CollectionItem | None:
    return items_of_creator(user).filter(pk=item_id).first()


def invitation_count(user: User) -> int:
    """Works of the member's that a collection invited and that wait for their answer."""
    return items_of_creator(user).filter(creator_approval=Approval.PENDING).count()


def items_of_work(work: Work) -> QuerySet[CollectionItem]:
    """Every item of a work, whatever its state (for its creators)."""
    return CollectionItem.objects.filter(work=work).select_related("collection")


def collections_of_work(work: Work) -> list[Collection]:
    """The collections a work is in (approved by both sides), for its meta block."""
    return list(
        Collection.objects.filter(items__in=CollectionItem.objects.filter(APPROVED, work=work))
        .distinct()
        .order_by("title", "id")
    )


def current_collections(work: Work) -> list[Collection]:
    """The collections a work is in or waiting for (the posting form's field): anything
    but an item one side refused."""
    refused = Q(collection_approval=Approval.REJECTED) | Q(creator_approval=Approval.REJECTED)
    return list(
        Collection.objects.filter(
            items__in=CollectionItem.objects.filter(work=work).exclude(refused)
        ).order_by("title", "id")
    )


def maintained_by(user: User) -> QuerySet[Collection]:
    """Collections the member owns or moderates (their dashboard, where to invite works)."""
    return (
        Collection.objects.filter(memberships__user=user, memberships__role__in=MAINTAINING_ROLES)
        .distinct()
        .order_by("title", "id")
    )


def joined_by(user: User) -> QuerySet[Collection]:
    return Collection.objects.filter(memberships__user=user).distinct().order_by("title", "id")
