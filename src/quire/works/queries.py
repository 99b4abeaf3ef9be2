"""Every read of works, chapters and series goes through here.

Each query starts from what the viewer may see (quire.permissions) and loads
what the templates show in a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from quire.collections.models import CollectionItem, Membership
from quire.core.accounts import ORPHAN_USERNAME
from quire.core.visibility import GUEST, Viewer
from quire.people.models import Pseud, User
from quire.permissions import (
    MAINTAINER_ROLES,
    chapter_filter,
    download_filter,
    holding_filter,
    named_creators_filter,
    secret_series_filter,
    series_filter,
    sign_in_filter,
    unmuted_filter,
    work_filter,
)
from quire.tags.models import Tag
from quire.works.models import (
    Chapter,
    CreatorInvitation,
    Creatorship,
    FilterTagging,
    Gift,
    Series,
    SeriesPart,
    Tagging,
    Work,
)


def visible_works(viewer: Viewer) -> QuerySet[Work]:
    """Works the viewer may see, with what a blurb or work page shows prefetched."""
    return _with_blurb(Work.objects.filter(work_filter(viewer)), viewer)


def listed_works(viewer: Viewer) -> QuerySet[Work]:
    """What a listing (works index, home, tag pages) shows the viewer: the works they may
    see, less those of creators they muted. A work's own page asks visible_works."""
    return without_muted(visible_works(viewer), viewer)


def without_muted(works: QuerySet[Work], viewer: Viewer) -> QuerySet[Work]:
    """Leave out works by creators the viewer muted (quire.permissions.unmuted_filter)."""
    return works.filter(unmuted_filter(viewer))


def downloadable_works(viewer: Viewer) -> QuerySet[Work]:
    """Works that may leave the archive for the viewer, as files or feed entries: never
    drafts or hidden works, even for their creators and admins (quire.permissions)."""
    return _with_blurb(Work.objects.filter(download_filter(viewer)), viewer)


def downloads_by(
    viewer: Viewer, *, pseud: Pseud | None = None, user: User | None = None
) -> QuerySet[Work]:
    """What a creator's Atom feed or catalog page hands out: their downloadable works,
    never an anonymous one, not even to those in its secret, since an entry leaves the
    archive as a file does (quire.works.bylines.public_byline)."""
    return credited_to(named_works(downloadable_works(viewer), GUEST), pseud=pseud, user=user)


def listed_downloads(viewer: Viewer) -> QuerySet[Work]:
    """What a catalog listing hands the viewer: downloadable works, less muted creators'."""
    return without_muted(downloadable_works(viewer), viewer)


def sign_in_would_show(viewer: Viewer, work_id: int) -> bool:
    """Whether a guest asked for a restricted work: then they are sent to sign in."""
    return Work.objects.filter(sign_in_filter(viewer), pk=work_id).exists()


def downloadable_chapters(viewer: Viewer, work: Work) -> list[Chapter]:
    """The chapters a download carries: the posted ones, in order, never draft chapters."""
    chapters = Chapter.objects.filter(download_filter(viewer, prefix="work__"), work=work)
    return list(chapters.filter(posted=True).order_by("position"))


def holding_items() -> QuerySet[CollectionItem]:
    """Collection items whose maintainers see behind a work's secret, each collection
    (and the one it is a round of) with its memberships of maintainers only: what
    Work.maintainer_user_ids reads."""
    maintainers = Membership.objects.filter(role__in=MAINTAINER_ROLES)
    return (
        CollectionItem.objects.filter(holding_filter())
        .select_related("collection__parent")
        .prefetch_related(
            Prefetch("collection__memberships", queryset=maintainers),
            Prefetch("collection__parent__memberships", queryset=maintainers),
        )
    )


def with_secrets(works: QuerySet[Work]) -> QuerySet[Work]:
    """Works with the creators and collection maintainers their access() needs, loaded
    once for a whole listing (maintainers only for anonymous and unrevealed works)."""
    secret = Q(work__anonymous=True) | Q(work__unrevealed=True)
    return works.prefetch_related(
        Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user")),
        Prefetch(
            "collection_items", queryset=holding_items().filter(secret), to_attr="holding_items"
        ),
    )


def _with_blurb(works: QuerySet[Work], viewer: Viewer) -> QuerySet[Work]:
    # "stats": the kudos, hits and bookmarks counts (quire.community.models.WorkStats).
    return (
        with_secrets(works.select_related("stats"))
        .prefetch_related(
            Prefetch("taggings", queryset=Tagging.objects.select_related("tag")),
            Prefetch(
                "series_parts",
                queryset=SeriesPart.objects.select_related("series").filter(
                    series__in=Series.objects.filter(series_filter(viewer))
                ),
            ),
        )
        .order_by("-updated", "-id")
    )


def recent_works(viewer: Viewer, limit: int = 10) -> list[Work]:
    return list(listed_works(viewer)[:limit])


def works_tagged(viewer: Viewer, tag: Tag) -> QuerySet[Work]:
    return filed_under(listed_works(viewer), tag)


def works_by_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Work]:
    """A pseud's page: its works the viewer may see, less the anonymous ones they may
    not know it wrote."""
    return credited_to(named_works(visible_works(viewer), viewer), pseud=pseud)


def works_by_user(viewer: Viewer, user: User) -> QuerySet[Work]:
    """A creator's page, as works_by_pseud."""
    return credited_to(named_works(visible_works(viewer), viewer), user=user)


def named_works(works: QuerySet[Work], viewer: Viewer) -> QuerySet[Work]:
    """Leave out works whose creators the viewer may not know (anonymous ones): what is
    listed by creator, or announced to a creator's subscribers, never names them."""
    return works.filter(named_creators_filter(viewer))


def filed_under(works: QuerySet[Work], tag: Tag) -> QuerySet[Work]:
    """Works filed under `tag`: tagged with it, a synonym, or a sub tag (its filter taggings)."""
    return works.filter(pk__in=FilterTagging.objects.filter(tag=tag).values("work_id"))


def credited_to(
    works: QuerySet[Work], *, pseud: Pseud | None = None, user: User | None = None
) -> QuerySet[Work]:
    """Works credited to one pseud, or to any pseud of one user."""
    credits = Creatorship.objects.all()
    if pseud is not None:
        credits = credits.filter(pseud=pseud)
    if user is not None:
        credits = credits.filter(pseud__user=user)
    return works.filter(pk__in=credits.values("work_id"))


def in_series_order(works: QuerySet[Work], series: Series) -> QuerySet[Work]:
    """The series' works among `works`, in the series' order."""
    position = SeriesPart.objects.filter(series=series, work=OuterRef("pk")).values("position")
    return (
        works.annotate(series_position=Subquery(position[:1]))
        .filter(series_position__isnull=False)
        .order_by("series_position", "id")
    )


def visible_chapters(viewer: Viewer, work: Work) -> list[Chapter]:
    """The chapters of `work` the viewer may read, in order."""
    return list(Chapter.objects.filter(chapter_filter(viewer), work=work).order_by("position"))


def visible_series(viewer: Viewer) -> QuerySet[Series]:
    """Series the viewer may see, each with `creators_secret`: whether a work in it is
    anonymous to them, when its byline says "Anonymous" instead of its creators."""
    return (
        Series.objects.filter(series_filter(viewer))
        .annotate(creators_secret=secret_series_filter(viewer))
        .prefetch_related("creators__user")
    )


def series_works(viewer: Viewer, series: Series) -> list[tuple[int, Work]]:
    """(position, work) for the series' works the viewer may see."""
    works = visible_works(viewer).filter(series_parts__series=series)
    positions = dict(series.parts.values_list("work_id", "position"))
    return sorted(((positions[work.pk], work) for work in works), key=lambda pair: pair[0])


# Posting and editing (quire.works.posting_views): what a creator works with.

_PSEUD_WITH_USERNAME = re.compile(r"^(?P<pseud>.+?)\s*\((?P<user>[^()]+)\)$")


def _credited_member_filter() -> Q:
    """Accounts that can be credited or given a work: members who can sign in, not the
    placeholders imports make nor the orphan account."""
    return Q(is_placeholder=False, is_active=True) & ~Q(username__iexact=ORPHAN_USERNAME)


def pseuds_named(names: Iterable[str]) -> dict[str, list[Pseud]]:
    """Members' pseuds for each name as typed: "Name", or "Name (username)" when one
    name is shared. A name no pseud has maps to an empty list."""
    found: dict[str, list[Pseud]] = {}
    for typed in names:
        wanted = _PSEUD_WITH_USERNAME.match(typed)
        pseuds = Pseud.objects.filter(
            user__in=User.objects.filter(_credited_member_filter())
        ).select_related("user")
        if wanted:
            pseuds = pseuds.filter(
                name__iexact=wanted["pseud"].strip(), user__username__iexact=wanted["user"].strip()
            )
        else:
            pseuds = pseuds.filter(name__iexact=typed)
        found[typed] = list(pseuds[:5])
    return found


def members_named(usernames: Iterable[str]) -> dict[str, User]:
    """Members by username (lower-cased keys), among accounts that can be given a work."""
    wanted = {name.lower() for name in usernames}
    members = User.objects.filter(_credited_member_filter()).annotate(lower=Lower("username"))
    return {member.username.lower(): member for member in members.filter(lower__in=wanted)}


def own_series(user: User) -> QuerySet[Series]:
    """Series credited to any of the member's pseuds: where they may place a work."""
    return Series.objects.filter(creators__user=user).distinct().order_by("title")


def chapters_for_editing(work: Work) -> list[Chapter]:
    """Every chapter, drafts too (only a work's creators edit it)."""
    return list(work.chapters.order_by("position"))


def drafts_of(user: User) -> QuerySet[Work]:
    """The member's works that are not posted yet, most recently changed first."""
    return credited_to(Work.objects.filter(posted=False), user=user).order_by("-modified_at")


def creator_invitations_for(user: User) -> QuerySet[CreatorInvitation]:
    """Co-creator invitations waiting for the member's answer."""
    return CreatorInvitation.objects.filter(pseud__user=user).select_related(
        "work", "pseud", "invited_by"
    )


def gifts_for(viewer: Viewer, user: User) -> QuerySet[Gift]:
    """Gifts to the member, of works they may see (an unrevealed gift waits for the
    reveal), newest first, each with its work's byline."""
    return (
        Gift.objects.filter(recipient=user, work__in=Work.objects.filter(work_filter(viewer)))
        .prefetch_related(Prefetch("work", queryset=with_secrets(Work.objects.all())))
        .order_by("-created_at", "-id")
    )


def work_associations(viewer: Viewer, work: Work) -> dict[str, object]:
    """What the work page says around the byline: "For" whom (gifts not refused),
    what inspired it (a parent the viewer cannot see is named as such), and the works
    it inspired that the viewer may see."""
    visible = Work.objects.filter(work_filter(viewer))
    inspirations = list(work.inspirations.select_related("parent"))
    parent_ids = {link.parent_id for link in inspirations if link.parent_id is not None}
    seen = set(visible.filter(pk__in=parent_ids).values_list("pk", flat=True))
    return {
        "gifts": list(work.gifts.filter(refused=False).select_related("recipient")),
        "inspirations": [(link, link.parent_id in seen) for link in inspirations],
        "inspired": list(
            with_secrets(visible.filter(inspirations__parent=work)).order_by("-published", "-id")
        ),
    }
