"""Every read of works, chapters and series goes through here.

Each query starts from what the viewer may see (quire.permissions) and loads
what the templates show in a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from quire.core.visibility import Viewer
from quire.people.models import Pseud, User
from quire.permissions import (
    chapter_filter,
    download_filter,
    series_filter,
    sign_in_filter,
    work_filter,
)
from quire.tags.models import Tag
from quire.works.models import (
    Chapter,
    Creatorship,
    FilterTagging,
    Series,
    SeriesPart,
    Tagging,
    Work,
)


def visible_works(viewer: Viewer) -> QuerySet[Work]:
    """Works the viewer may see, with what a blurb or work page shows prefetched."""
    return _with_blurb(Work.objects.filter(work_filter(viewer)), viewer)


def downloadable_works(viewer: Viewer) -> QuerySet[Work]:
    """Works that may leave the archive for the viewer, as files or feed entries: never
    drafts or hidden works, even for their creators and admins (quire.permissions)."""
    return _with_blurb(Work.objects.filter(download_filter(viewer)), viewer)


def sign_in_would_show(viewer: Viewer, work_id: int) -> bool:
    """Whether a guest asked for a restricted work: then they are sent to sign in."""
    return Work.objects.filter(sign_in_filter(viewer), pk=work_id).exists()


def downloadable_chapters(viewer: Viewer, work: Work) -> list[Chapter]:
    """The chapters a download carries: the posted ones, in order, never draft chapters."""
    chapters = Chapter.objects.filter(download_filter(viewer, prefix="work__"), work=work)
    return list(chapters.filter(posted=True).order_by("position"))


def _with_blurb(works: QuerySet[Work], viewer: Viewer) -> QuerySet[Work]:
    # "stats": the kudos, hits and bookmarks counts (quire.community.models.WorkStats).
    return (
        works.select_related("stats")
        .prefetch_related(
            Prefetch(
                "creatorships",
                queryset=Creatorship.objects.select_related("pseud__user"),
            ),
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
    return list(visible_works(viewer)[:limit])


def works_tagged(viewer: Viewer, tag: Tag) -> QuerySet[Work]:
    return filed_under(visible_works(viewer), tag)


def works_by_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Work]:
    return credited_to(visible_works(viewer), pseud=pseud)


def works_by_user(viewer: Viewer, user: User) -> QuerySet[Work]:
    return credited_to(visible_works(viewer), user=user)


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
    return Series.objects.filter(series_filter(viewer)).prefetch_related("creators__user")


def series_works(viewer: Viewer, series: Series) -> list[tuple[int, Work]]:
    """(position, work) for the series' works the viewer may see."""
    works = visible_works(viewer).filter(series_parts__series=series)
    positions = dict(series.parts.values_list("work_id", "position"))
    return sorted(((positions[work.pk], work) for work in works), key=lambda pair: pair[0])
