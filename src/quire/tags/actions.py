"""Every write to tags goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models.functions import Lower

from quire.core.tags import TagType
from quire.tags.models import MetaTagging, Tag, TagParent


class TagTypeConflict(ValueError):
    """A tag name is already in use as a tag of another type."""

    def __init__(self, name: str, existing: TagType, wanted: TagType) -> None:
        super().__init__(
            f'tag "{name}" is already a {existing.label} tag, so it cannot be used as a '
            f"{wanted.label} tag"
        )


def find_or_create_tags(tag_type: TagType, names: Iterable[str]) -> list[Tag]:
    """The tags with these names (matched ignoring case), creating missing ones.

    New tags are not canonical: a wrangler decides that later, as on AO3.
    """
    wanted = list(dict.fromkeys(" ".join(name.split()) for name in names if name.strip()))
    if not wanted:
        return []
    existing: dict[str, Tag] = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lower_name=Lower("name")).filter(
            lower_name__in=[name.lower() for name in wanted]
        )
    }
    tags: list[Tag] = []
    for name in wanted:
        tag = existing.get(name.lower())
        if tag is None:
            tag = Tag.objects.create(name=name[:150], type=tag_type)
            existing[name.lower()] = tag
        elif tag.type != tag_type:
            raise TagTypeConflict(tag.name, TagType(tag.type), tag_type)
        tags.append(tag)
    return tags


@transaction.atomic
def do_make_canonical(tag: Tag) -> Tag:
    tag.canonical = True
    tag.merger = None
    tag.save(update_fields=["canonical", "merger"])
    return tag


@transaction.atomic
def do_merge_tag(synonym: Tag, canonical: Tag) -> Tag:
    """Make `synonym` a synonym of `canonical` (which must be a canonical tag of its type)."""
    if not canonical.canonical:
        raise ValueError(f'"{canonical.name}" is not canonical, so nothing can be merged into it')
    if canonical.type != synonym.type:
        raise ValueError(
            f'"{synonym.name}" is a {synonym.tag_type.label} tag and "{canonical.name}" '
            f"is a {canonical.tag_type.label} tag"
        )
    if synonym.pk == canonical.pk:
        raise ValueError(f'"{synonym.name}" cannot be a synonym of itself')
    synonym.canonical = False
    synonym.merger = canonical
    synonym.save(update_fields=["canonical", "merger"])
    return synonym


@transaction.atomic
def do_add_meta_tag(sub_tag: Tag, meta_tag: Tag) -> None:
    if sub_tag.pk == meta_tag.pk:
        raise ValueError(f'"{sub_tag.name}" cannot be its own meta tag')
    MetaTagging.objects.get_or_create(sub_tag=sub_tag, meta_tag=meta_tag)


@transaction.atomic
def do_add_parent(child: Tag, parent: Tag) -> None:
    """Link a tag to a parent, typically a character or relationship to its fandom."""
    if child.pk == parent.pk:
        raise ValueError(f'"{child.name}" cannot be its own parent')
    TagParent.objects.get_or_create(child=child, parent=parent)
