"""Every read of works, chapters and series goes through here.

Each query starts from what the viewer may see (quire.permissions) and loads
what the templates show in a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from quire.core.visibility import Viewer
from quire.people.models import Pseud, User
from quire.permissions import chapter_filter, series_filter, work_filter
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
    return (
        Work.objects.filter(work_filter(viewer))
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
    """Works filed under `tag`: tagged with it, a synonym, or a sub tag (its filter taggings)."""
    return visible_works(viewer).filter(
        pk__in=FilterTagging.objects.filter(tag=tag).values("work_id")
    )


def works_by_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Work]:
    return visible_works(viewer).filter(
        pk__in=Creatorship.objects.filter(pseud=pseud).values("work_id")
    )


def works_by_user(viewer: Viewer, user: User) -> QuerySet[Work]:
    return visible_works(viewer).filter(
        pk__in=Creatorship.objects.filter(pseud__user=user).values("work_id")
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
