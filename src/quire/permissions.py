"""The one permission layer: who may see which works, chapters and series, whose
creators they may know, and who may take part at all (suspended and banned accounts
may not).

The rules themselves are pure functions in quire.core.visibility; this module
turns a request's user into a Viewer and the same rules into database filters,
so listings, counts and single-object pages cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from quire.collections.models import Approval, CollectionItem, Membership, Role
from quire.core.moderation import Standing, is_barred
from quire.core.visibility import GUEST, Viewer
from quire.people.models import Pseud, User
from quire.works.models import Creatorship, Series, SeriesPart, Work


def viewer_for(user: AbstractBaseUser | AnonymousUser) -> Viewer:
    if not user.is_authenticated:
        return GUEST
    return Viewer(
        user_id=user.pk,
        is_admin=bool(getattr(user, "is_staff", False)),
        suspended=is_barred_now(user),
    )


def standing_of(user: AbstractBaseUser | AnonymousUser) -> Standing:
    """The account's standing (quire.core.moderation), from fields the user row carries,
    so asking costs no query."""
    return Standing(
        banned=getattr(user, "banned_at", None) is not None,
        suspended_until=getattr(user, "suspended_until", None),
        reason=getattr(user, "standing_reason", ""),
    )


def is_barred_now(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Banned or suspended right now: refused at sign-in, logged out, refused taking part."""
    return user.is_authenticated and is_barred(standing_of(user), timezone.now())


def barred_accounts_filter() -> Q:
    """Accounts banned or suspended right now, as a filter on users."""
    return Q(banned_at__isnull=False) | Q(suspended_until__gt=timezone.now())


def barred_creator_among(pseuds: Sequence[Pseud] | QuerySet[Pseud]) -> User | None:
    """An account behind these pseuds that may not post right now, if there is one:
    a work credited to it is neither created nor posted (one query)."""
    return User.objects.filter(barred_accounts_filter(), pseuds__in=pseuds).first()


def _own_work(viewer: Viewer, work_ref: str) -> Exists:
    if viewer.user_id is None:
        raise ValueError("only signed-in viewers own works")
    return Exists(
        Creatorship.objects.filter(work=OuterRef(work_ref), pseud__user_id=viewer.user_id)
    )


MAINTAINER_ROLES = (Role.OWNER, Role.MODERATOR)
"""The roles that maintain a collection, and see behind its works' secrets."""


def holding_filter() -> Q:
    """Collection items whose collection's maintainers see behind the work's secret
    (quire.core.visibility.maintains): the items its creators put there, or accepted
    when a moderator invited the work, and that the collection has not turned down
    (one still waiting for a moderator counts, so they can judge it)."""
    return Q(creator_approval=Approval.APPROVED) & ~Q(collection_approval=Approval.REJECTED)


def _maintained(viewer: Viewer, work_ref: str) -> Exists:
    """The viewer maintains a collection holding the work, or the one it is a round of."""
    if viewer.user_id is None:
        raise ValueError("only signed-in viewers maintain collections")
    maintainer = Membership.objects.filter(user_id=viewer.user_id, role__in=MAINTAINER_ROLES)
    collections = maintainer.values("collection_id")
    return Exists(
        CollectionItem.objects.filter(holding_filter(), work=OuterRef(work_ref)).filter(
            Q(collection_id__in=collections) | Q(collection__parent_id__in=collections)
        )
    )


def _work_ref(prefix: str) -> str:
    return f"{prefix}pk" if prefix else "pk"


def work_filter(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for works `viewer` may see (prefix: the path to the work, e.g. "work__")."""
    public = Q(**{f"{prefix}posted": True})
    if not viewer.is_admin:
        public &= Q(**{f"{prefix}hidden": False})
        revealed = Q(**{f"{prefix}unrevealed": False})
        if viewer.is_authenticated:
            revealed |= Q(_maintained(viewer, _work_ref(prefix)))
        public &= revealed
    if not viewer.is_authenticated:
        public &= Q(**{f"{prefix}restricted": False})
        return public
    return public | Q(_own_work(viewer, _work_ref(prefix)))


def secret_creators_filter(viewer: Viewer, prefix: str = "") -> Q:
    """Anonymous works whose creators `viewer` may not know (the complement of
    quire.core.visibility.can_see_creators): their bylines say "Anonymous", and their
    creators' pages, feeds and subscriptions leave them out."""
    if viewer.is_admin:
        return Q(**{f"{prefix}pk__in": []})
    secret = Q(**{f"{prefix}anonymous": True})
    if viewer.user_id is None:
        return secret
    work_ref = _work_ref(prefix)
    return secret & ~Q(_own_work(viewer, work_ref)) & ~Q(_maintained(viewer, work_ref))


def named_creators_filter(viewer: Viewer, prefix: str = "") -> Q:
    """Works whose creators `viewer` may know (can_see_creators)."""
    return ~secret_creators_filter(viewer, prefix)


def unmuted_filter(viewer: Viewer, prefix: str = "") -> Q:
    """Works none of whose creators the viewer muted (quire.community's Mute, read by its
    relation name so this layer needs no app of its own). Listings, tag pages, search
    and catalog feeds leave muted creators' works out; a work's own page does not, since
    muting hides works from a reader's browsing and forbids nothing."""
    if viewer.user_id is None:
        return Q()
    muted_credit = Creatorship.objects.filter(
        work=OuterRef(_work_ref(prefix)),
        pseud__user__muted_by__user_id=viewer.user_id,
    )
    # An anonymous work stays: leaving it out would tell the reader who wrote it.
    return ~Q(Exists(muted_credit)) | secret_creators_filter(viewer, prefix)


def chapter_filter(viewer: Viewer) -> Q:
    """Chapters of visible works; unposted chapters only for the work's creators."""
    visible_work = work_filter(viewer, prefix="work__")
    if not viewer.is_authenticated:
        return visible_work & Q(posted=True)
    return visible_work & (Q(posted=True) | Q(_own_work(viewer, "work_id")))


def download_filter(viewer: Viewer, prefix: str = "") -> Q:
    """Works that may leave the archive as files or feed entries (can_download_work):
    posted, not hidden and not unrevealed, whoever asks; restricted ones only for
    signed-in viewers."""
    allowed = Q(**{f"{prefix}posted": True, f"{prefix}hidden": False, f"{prefix}unrevealed": False})
    if not viewer.is_authenticated:
        allowed &= Q(**{f"{prefix}restricted": False})
    return allowed


def sign_in_filter(viewer: Viewer) -> Q:
    """Works a guest could download after signing in (sign_in_would_allow_download)."""
    if viewer.is_authenticated:
        return Q(pk__in=[])
    return Q(posted=True, hidden=False, unrevealed=False, restricted=True)


def series_filter(viewer: Viewer) -> Q:
    """A series is visible when at least one of its works is."""
    return Q(
        Exists(
            SeriesPart.objects.filter(series=OuterRef("pk")).filter(
                work__in=Work.objects.filter(work_filter(viewer))
            )
        )
    )


def secret_series_filter(viewer: Viewer) -> Q:
    """Series holding a work whose creators `viewer` may not know: the series' own byline
    would name them, so it says "Anonymous" too."""
    secret = Work.objects.filter(secret_creators_filter(viewer))
    return Q(Exists(SeriesPart.objects.filter(series=OuterRef("pk"), work__in=secret)))


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


def comment_filter(viewer: Viewer) -> Q:
    """Comments with a place in the viewer's threads (quire.core.comments.can_see_comment):
    on works and chapters they may read; while awaiting review, only for the work's
    creators and the commenter. What of each they read (text or a placeholder) is
    quire.core.comments.shown."""
    visible = work_filter(viewer, prefix="work__")
    if viewer.user_id is None:
        return visible & (Q(chapter__isnull=True) | Q(chapter__posted=True)) & Q(unreviewed=False)
    own_work = Q(_own_work(viewer, "work_id"))
    readable_chapter = Q(chapter__isnull=True) | Q(chapter__posted=True) | own_work
    return visible & readable_chapter & (Q(unreviewed=False) | Q(user_id=viewer.user_id) | own_work)
