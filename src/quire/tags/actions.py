"""Every write to tags goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    """The tags of one type with these names, creating missing ones."""
    return find_or_create_tag_sets({tag_type: list(names)})


def find_or_create_tag_sets(
    names_by_type: Mapping[TagType, Iterable[str]], *, disambiguate: bool = False
) -> list[Tag]:
    """The tags with these names (matched ignoring case), creating missing ones, in order.

    New tags are not canonical: a wrangler decides that later, as on AO3. A name
    already used by a tag of another type is an error, unless `disambiguate` (for
    imports, which must not fail on it) names the new tag "Name (Type)", the way
    AO3's wranglers tell such tags apart.
    """
    wanted = [
        (tag_type, name)
        for tag_type, names in names_by_type.items()
        for name in dict.fromkeys(" ".join(name.split())[:150] for name in names if name.strip())
    ]
    if not wanted:
        return []
    lookups = {name.lower() for _, name in wanted}
    if disambiguate:
        lookups |= {_disambiguated(name, tag_type).lower() for tag_type, name in wanted}
    existing: dict[str, Tag] = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=lookups)
    }
    tags: list[Tag] = []
    for tag_type, name in wanted:
        tag = existing.get(name.lower())
        if tag is not None and tag.type != tag_type:
            if not disambiguate:
                raise TagTypeConflict(tag.name, TagType(tag.type), tag_type)
            name = _disambiguated(name, tag_type)
            tag = existing.get(name.lower())
        if tag is None:
            tag = Tag.objects.create(name=name, type=tag_type)
            existing[name.lower()] = tag
        if tag not in tags:
            tags.append(tag)
    return tags


def _disambiguated(name: str, tag_type: TagType) -> str:
    suffix = f" ({tag_type.label})"
    return name[: 150 - len(suffix)] + suffix


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
