"""Storing a tag set (quire.core.tagsets) in the archive, through the wrangling actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from django.db import transaction

from quire.core.tags import TagType
from quire.core.tagsets import TagSetEntry
from quire.tags import actions
from quire.tags.models import Tag
from quire.tags.queries import tags_named


@transaction.atomic
def do_load_tag_set(entries: Sequence[TagSetEntry]) -> tuple[Counter[str], list[str]]:
    """Create the tags and their wrangling; returns counts and what could not be applied.

    Loading twice changes nothing the second time. A name already used by a tag
    of another type is reported, not changed.
    """
    counts: Counter[str] = Counter()
    problems: list[str] = []
    before = Tag.objects.count()
    tags: dict[str, Tag] = {}
    for entry in entries:
        try:
            (tag,) = actions.find_or_create_tags(entry.type, [entry.name])
            aliases = actions.find_or_create_tags(entry.type, entry.aliases)
        except actions.TagTypeConflict as conflict:
            problems.append(str(conflict))
            continue
        tags[entry.name.lower()] = tag
        if entry.canonical and not tag.canonical:
            actions.do_make_canonical(tag)
            counts["made canonical"] += 1
        for alias in aliases:
            if alias.pk != tag.pk and alias.merger_id != tag.pk:
                _apply(problems, actions.do_merge_tag, alias, tag)
                counts["synonyms"] += 1
    for entry in entries:
        stored = tags.get(entry.name.lower())
        if stored is None:
            continue
        tag = stored
        if entry.synonym_of and tag.merger_id is None:
            target = _named(entry.synonym_of, problems, f'synonym target of "{entry.name}"')
            if target is not None and _apply(problems, actions.do_merge_tag, tag, target):
                counts["synonyms"] += 1
        if entry.fandoms:
            fandoms = tags_named(entry.fandoms)
            known = {fandom.name.lower() for fandom in fandoms if fandom.type == TagType.FANDOM}
            for name in entry.fandoms:
                if name.lower() not in known:
                    problems.append(f'"{entry.name}": no fandom tag named "{name}"')
            for fandom in fandoms:
                if fandom.type == TagType.FANDOM:
                    actions.do_add_parent(tag, fandom)
                    counts["fandom links"] += 1
        for meta_name in entry.meta:
            meta = _named(meta_name, problems, f'meta tag of "{entry.name}"')
            if meta is not None and _apply(problems, actions.do_add_meta_tag, tag, meta):
                counts["meta tags"] += 1
    counts["new tags"] = Tag.objects.count() - before
    return counts, problems


def _named(name: str, problems: list[str], what: str) -> Tag | None:
    found = tags_named([name])
    if not found:
        problems.append(f'{what}: no tag named "{name}"')
        return None
    return found[0]


def _apply(problems: list[str], action: Callable[[Tag, Tag], object], *tags: Tag) -> bool:
    """Run a wrangling action in a savepoint; a refusal becomes a problem line."""
    try:
        with transaction.atomic():
            action(*tags)
    except ValueError as error:
        problems.append(str(error))
        return False
    return True
