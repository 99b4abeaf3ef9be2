"""The one permission layer: who may see which works, chapters and series.

The rules themselves are pure functions in quire.core.visibility; this module
turns a request's user into a Viewer and the same rules into database filters,
so listings, counts and single-object pages cannot disagree.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from quire.core.visibility import GUEST, Viewer
from quire.works.models import Creatorship, Series, SeriesPart, Work


def viewer_for(user: AbstractBaseUser | AnonymousUser) -> Viewer:
    if not user.is_authenticated:
        return GUEST
    return Viewer(user_id=user.pk, is_admin=bool(getattr(user, "is_staff", False)))


def _own_work(viewer: Viewer, work_ref: str) -> Exists:
    if viewer.user_id is None:
        raise ValueError("only signed-in viewers own works")
    return Exists(
        Creatorship.objects.filter(work=OuterRef(work_ref), pseud__user_id=viewer.user_id)
    )


def work_filter(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for works `viewer` may see (prefix: the path to the work, e.g. "work__")."""
    public = Q(**{f"{prefix}posted": True})
    if not viewer.is_admin:
        public &= Q(**{f"{prefix}hidden": False})
    if not viewer.is_authenticated:
        public &= Q(**{f"{prefix}restricted": False})
        return public
    return public | Q(_own_work(viewer, f"{prefix}pk" if prefix else "pk"))


def chapter_filter(viewer: Viewer) -> Q:
    """Chapters of visible works; unposted chapters only for the work's creators."""
    visible_work = work_filter(viewer, prefix="work__")
    if not viewer.is_authenticated:
        return visible_work & Q(posted=True)
    return visible_work & (Q(posted=True) | Q(_own_work(viewer, "work_id")))


def download_filter(viewer: Viewer, prefix: str = "") -> Q:
    """Works that may leave the archive as files or feed entries (can_download_work):
    posted and not hidden, whoever asks; restricted ones only for signed-in viewers."""
    allowed = Q(**{f"{prefix}posted": True, f"{prefix}hidden": False})
    if not viewer.is_authenticated:
        allowed &= Q(**{f"{prefix}restricted": False})
    return allowed


def sign_in_filter(viewer: Viewer) -> Q:
    """Works a guest could download after signing in (sign_in_would_allow_download)."""
    if viewer.is_authenticated:
        return Q(pk__in=[])
    return Q(posted=True, hidden=False, restricted=True)


def series_filter(viewer: Viewer) -> Q:
    """A series is visible when at least one of its works is."""
    return Q(
        Exists(
            SeriesPart.objects.filter(series=OuterRef("pk")).filter(
                work__in=Work.objects.filter(work_filter(viewer))
            )
        )
    )


def bookmark_filter(viewer: Viewer) -> Q:
    """Bookmarks `viewer` may see (can_view_bookmark): of a work or series they may see,
    and private ones only when they are the owner."""
    of_visible_work = Q(work__isnull=False) & work_filter(viewer, prefix="work__")
    of_visible_series = Q(
        series__isnull=False, series__in=Series.objects.filter(series_filter(viewer))
    )
    of_visible_item = of_visible_work | of_visible_series
    if viewer.user_id is None:
        return of_visible_item & Q(private=False)
    return of_visible_item & (Q(private=False) | Q(user_id=viewer.user_id))
