"""Reads of users and pseuds."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quire.people.models import Exclusion, Pseud, SavedSearch, User


def user_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username, is_active=True).first()


def pseuds_of(user: User) -> QuerySet[Pseud]:
    return user.pseuds.all()


def pseud_named(user: User, name: str) -> Pseud | None:
    return user.pseuds.filter(name__iexact=name).first()


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return user.saved_searches.all()


def exclusions_of(user: User) -> QuerySet[Exclusion]:
    return user.exclusions.select_related("tag", "creator").order_by("created_at")


def excluded_ids(user_id: int | None) -> tuple[frozenset[int], frozenset[int]]:
    """(tag ids, pseud ids) a reader never wants to see; nothing for guests."""
    if user_id is None:
        return frozenset(), frozenset()
    tags = Exclusion.objects.filter(user_id=user_id, tag__isnull=False).values_list(
        "tag_id", flat=True
    )
    pseuds = Pseud.objects.filter(
        user__in=Exclusion.objects.filter(user_id=user_id, creator__isnull=False).values(
            "creator_id"
        )
    ).values_list("pk", flat=True)
    return frozenset(tags), frozenset(pseuds)


def pseud_ids_named(names: list[str]) -> set[int]:
    """Pseuds named like this, or every pseud of a user named like this."""
    found: set[int] = set()
    for name in names:
        found |= set(
            Pseud.objects.filter(Q(name__iexact=name) | Q(user__username__iexact=name)).values_list(
                "pk", flat=True
            )
        )
    return found
