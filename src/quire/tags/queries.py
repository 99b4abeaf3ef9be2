"""Reads of tags and their wrangling relations."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from quire.core.tags import TagType, tag_from_url_part
from quire.tags.models import Tag


def tag_for_url_part(part: str) -> Tag | None:
    """The tag an AO3-style URL part names, matched ignoring case."""
    name = tag_from_url_part(part)
    return (
        Tag.objects.annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
        .select_related("merger")
        .first()
    )


def related_tags(tag: Tag) -> dict[str, QuerySet[Tag]]:
    """The wrangling neighbourhood a tag page shows."""
    return {
        "synonyms": tag.synonyms.order_by("name"),
        "meta_tags": tag.meta_tags.order_by("name"),
        "sub_tags": tag.sub_tags.order_by("name"),
        "parents": tag.parents.order_by("type", "name"),
        "children": tag.children.order_by("type", "name"),
    }


WRANGLED_ELSEWHERE = (TagType.RATING, TagType.WARNING, TagType.CATEGORY)
"""Fixed tags: never in the wrangling queue."""


def wrangling_queue(
    *, tag_type: str = "", search: str = "", show: str = "unwrangled"
) -> QuerySet[Tag]:
    """Tags for wranglers, most used first, each with its work count.

    Unwrangled, as on AO3: a used tag that no wrangler has placed yet, meaning a
    fandom that is neither canonical nor a synonym, or any other tag with no
    fandom and no canonical to merge into.
    """
    tags = Tag.objects.exclude(type__in=WRANGLED_ELSEWHERE).annotate(
        work_count=Count("taggings", distinct=True)
    )
    if show == "unwrangled":
        placed_fandom = Q(type=TagType.FANDOM) & (Q(canonical=True) | Q(merger__isnull=False))
        placed_other = ~Q(type=TagType.FANDOM) & (
            Q(merger__isnull=False)
            | Q(parents__type=TagType.FANDOM)
            | Q(type=TagType.FREEFORM, canonical=True)  # AO3 files these under "No Fandom"
        )
        tags = tags.filter(work_count__gt=0).exclude(placed_fandom | placed_other)
    elif show == "canonical":
        tags = tags.filter(canonical=True)
    if tag_type:
        tags = tags.filter(type=tag_type)
    if search:
        tags = tags.filter(name__icontains=search)
    return tags.select_related("merger").order_by("-work_count", "name").distinct()


def tags_named(names: Iterable[str]) -> list[Tag]:
    """Existing tags with these names (ignoring case), in the order named."""
    wanted = [" ".join(name.split()) for name in names if name.strip()]
    found = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lower_name=Lower("name")).filter(
            lower_name__in=[name.lower() for name in wanted]
        )
    }
    return [found[name.lower()] for name in wanted if name.lower() in found]


def autocomplete(term: str, *, tag_type: str = "", limit: int = 15) -> list[Tag]:
    """Tags whose names start with (then contain) `term`, canonical tags first."""
    term = " ".join(term.split())
    if not term:
        return []
    tags = Tag.objects.filter(name__icontains=term)
    if tag_type:
        tags = tags.filter(type=tag_type)
    ranked = tags.annotate(
        starts=Case(When(name__istartswith=term, then=Value(0)), default=Value(1))
    ).order_by("-canonical", "starts", "name")
    return list(ranked[:limit])
