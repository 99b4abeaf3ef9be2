"""Every write to tags goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models.functions import Lower

from quire.after_commit import CommitBatch
from quire.core.tagging import parse_relationship
from quire.core.tags import TagType
from quire.tags.models import MetaTagging, Tag, TagParent


class TagTypeConflict(ValueError):
    """A tag name is already in use as a tag of another type."""

    def __init__(self, name: str, existing: TagType, wanted: TagType) -> None:
        super().__init__(
            f'tag "{name}" is already {_a(existing.label)} tag, so it cannot be used as '
            f"{_a(wanted.label)} tag"
        )


def _a(label: str) -> str:
    return f"an {label}" if label[0] in "AEIOU" else f"a {label}"


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


def _enqueue_rederive(tag_ids: list[int]) -> None:
    from quire.tags.tasks import rederive_filter_tags

    rederive_filter_tags.enqueue(tag_ids)


_rederive = CommitBatch(_enqueue_rederive)


def _rederive_after_commit(*tags: Tag) -> None:
    """Works under these tags get their filter tags re-derived in the background."""
    _rederive.add(tag.pk for tag in tags)


@transaction.atomic
def do_make_canonical(tag: Tag) -> Tag:
    """Make a tag canonical: it becomes a filter that synonyms and sub tags can point to."""
    tag.canonical = True
    tag.merger = None
    tag.save(update_fields=["canonical", "merger"])
    if tag.type == TagType.RELATIONSHIP:
        _link_characters(tag)
    _rederive_after_commit(tag)
    return tag


def _link_characters(relationship: Tag) -> None:
    """A canonical relationship names its characters ("A/B"): link the canonical ones."""
    parsed = parse_relationship(relationship.name)
    if parsed is None:
        return
    names = [name.lower() for name in parsed.characters]
    characters = Tag.objects.annotate(lower_name=Lower("name")).filter(
        type=TagType.CHARACTER, canonical=True, lower_name__in=names
    )
    for character in characters:
        TagParent.objects.get_or_create(child=relationship, parent=character)


@transaction.atomic
def do_make_non_canonical(tag: Tag) -> Tag:
    """Undo canonical; its synonyms are released and its meta/sub links dropped, as on AO3."""
    if tag.synonyms.exists() or MetaTagging.objects.filter(meta_tag=tag).exists():
        affected = [tag, *tag.synonyms.all(), *tag.sub_tags.all()]
    else:
        affected = [tag]
    tag.synonyms.update(merger=None)
    MetaTagging.objects.filter(meta_tag=tag).delete()
    MetaTagging.objects.filter(sub_tag=tag).delete()
    tag.canonical = False
    tag.save(update_fields=["canonical"])
    _rederive_after_commit(*affected)
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
    if synonym.canonical:
        do_make_non_canonical(synonym)
    synonym.canonical = False
    synonym.merger = canonical
    synonym.save(update_fields=["canonical", "merger"])
    _rederive_after_commit(synonym)
    return synonym


@transaction.atomic
def do_unmerge(synonym: Tag) -> Tag:
    """A synonym stands on its own again (unwrangled until someone decides)."""
    synonym.merger = None
    synonym.save(update_fields=["merger"])
    _rederive_after_commit(synonym)
    return synonym


@transaction.atomic
def do_add_meta_tag(sub_tag: Tag, meta_tag: Tag) -> None:
    """File `sub_tag` under a broader canonical tag of the same type."""
    if sub_tag.pk == meta_tag.pk:
        raise ValueError(f'"{sub_tag.name}" cannot be its own meta tag')
    for tag in (sub_tag, meta_tag):
        if not tag.canonical:
            raise ValueError(f'meta tags link canonical tags, and "{tag.name}" is not canonical')
    if sub_tag.type != meta_tag.type:
        raise ValueError(f'"{sub_tag.name}" and "{meta_tag.name}" are tags of different types')
    MetaTagging.objects.get_or_create(sub_tag=sub_tag, meta_tag=meta_tag)
    _rederive_after_commit(sub_tag)


@transaction.atomic
def do_remove_meta_tag(sub_tag: Tag, meta_tag: Tag) -> None:
    MetaTagging.objects.filter(sub_tag=sub_tag, meta_tag=meta_tag).delete()
    _rederive_after_commit(sub_tag)


@transaction.atomic
def do_add_parent(child: Tag, parent: Tag) -> None:
    """Link a tag to a parent, typically a character or relationship to its fandom."""
    if child.pk == parent.pk:
        raise ValueError(f'"{child.name}" cannot be its own parent')
    TagParent.objects.get_or_create(child=child, parent=parent)


@transaction.atomic
def do_set_fandoms(tag: Tag, fandoms: Iterable[Tag]) -> None:
    """Replace a tag's fandom parents; a tag with a fandom leaves the unwrangled queue."""
    wanted = list(fandoms)
    for fandom in wanted:
        if fandom.type != TagType.FANDOM:
            raise ValueError(f'"{fandom.name}" is not a fandom tag')
    TagParent.objects.filter(child=tag, parent__type=TagType.FANDOM).exclude(
        parent__in=wanted
    ).delete()
    for fandom in wanted:
        do_add_parent(tag, fandom)
