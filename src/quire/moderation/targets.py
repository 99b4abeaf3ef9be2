"""What can be reported: a registry of kinds, each saying how to find its things.

A report stores a kind's name and an object id. Each kind says which of its things a
viewer may see (only those can be reported, and the admins' queue loads them through
the same function, as an admin), whose accounts answer for one (suspend, ban and warn
act on them) and what to call it. The built-in kinds below register the same way
another app does, with one line in its AppConfig.ready, e.g. for comments::

    register(TargetKind("comment", "Comment", visible_comments, lambda c: [c.user]))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from quire.community.models import Bookmark
from quire.community.queries import visible_bookmarks
from quire.core.visibility import Viewer
from quire.people.models import User
from quire.works.models import Work
from quire.works.queries import visible_works


def _own_url(thing: Any) -> str:
    return str(thing.get_absolute_url())


@dataclass(frozen=True, slots=True)
class TargetKind:
    """One kind of reportable thing."""

    name: str
    """Stored in Report.kind and used in URLs: lower-case letters."""
    label: str
    visible: Callable[[Viewer], QuerySet[Any]]
    """The things of this kind `viewer` may see."""
    owners: Callable[[Any], Iterable[User | None]]
    """The accounts that answer for one (a work's creators, a bookmark's owner…)."""
    title: Callable[[Any], str] = field(default=str)
    url: Callable[[Any], str] = field(default=_own_url)


KINDS: dict[str, TargetKind] = {}


def register(kind: TargetKind) -> None:
    """Make a kind of thing reportable (a second registration replaces the first)."""
    if not kind.name.isalpha() or not kind.name.islower():
        raise ValueError(f"a report kind is named in lower-case letters, not {kind.name!r}")
    KINDS[kind.name] = kind


def kind_named(name: str) -> TargetKind | None:
    return KINDS.get(name)


@dataclass(frozen=True, slots=True)
class Target:
    """One reportable thing, with its kind."""

    kind: TargetKind
    thing: Model

    @property
    def id(self) -> int:
        return int(self.thing.pk)

    @property
    def title(self) -> str:
        return self.kind.title(self.thing)[:300]

    @property
    def url(self) -> str:
        return self.kind.url(self.thing)

    @property
    def owners(self) -> list[User]:
        """Distinct accounts that answer for it, placeholder accounts left out."""
        found = {user.pk: user for user in self.kind.owners(self.thing) if user is not None}
        return [user for user in found.values() if not user.is_placeholder]


def find_target(viewer: Viewer, kind_name: str, object_id: int) -> Target | None:
    """The thing, if it is of a known kind and `viewer` may see it."""
    kind = kind_named(kind_name)
    if kind is None:
        return None
    thing = kind.visible(viewer).filter(pk=object_id).first()
    return None if thing is None else Target(kind, thing)


def find_targets(
    viewer: Viewer, wanted: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Target]:
    """Many things at once, one query per kind (for the queue): those `viewer` may see."""
    ids_by_kind: dict[str, set[int]] = {}
    for kind_name, object_id in wanted:
        ids_by_kind.setdefault(kind_name, set()).add(object_id)
    found: dict[tuple[str, int], Target] = {}
    for kind_name, ids in ids_by_kind.items():
        kind = kind_named(kind_name)
        if kind is None:
            continue
        for thing in kind.visible(viewer).filter(pk__in=ids):
            found[(kind_name, thing.pk)] = Target(kind, thing)
    return found


def _work_creators(work: Work) -> list[User]:
    return [pseud.user for pseud in work.creator_pseuds]


def _active_accounts(viewer: Viewer) -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def _bookmark_title(bookmark: Bookmark) -> str:
    return f"{bookmark.pseud.name}'s bookmark of {bookmark.item}"


def _bookmark_url(bookmark: Bookmark) -> str:
    """The bookmarks of what it bookmarks, where it is listed among the others."""
    if bookmark.work_id is not None:
        return reverse("community:work_bookmarks", args=[bookmark.work_id])
    return reverse("community:series_bookmarks", args=[bookmark.series_id])


register(TargetKind("work", "Work", visible_works, _work_creators, title=lambda work: work.title))
register(TargetKind("user", "Member", _active_accounts, lambda user: [user], title=str))
register(
    TargetKind(
        "bookmark",
        "Bookmark",
        visible_bookmarks,
        lambda bookmark: [bookmark.user],
        title=_bookmark_title,
        url=_bookmark_url,
    )
)
