"""Reads of tags and their wrangling relations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Lower

from quire.core.tags import tag_from_url_part
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
