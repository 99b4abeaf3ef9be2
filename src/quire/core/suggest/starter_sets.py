"""Starter lexicons for a few large fandoms, so suggestions work on an empty archive.

The data files in ``starters/`` are this project's own entry of facts: AO3-style
canonical names for each fandom's main characters, their well-known nicknames, the
common pairings with their portmanteau names, and some of the fandom's vocabulary.
Each file is::

    {"fandom": NAME, "aliases": [...],
     "characters": [{"name": ..., "aliases": [...], "fandoms": [...]?}, ...],
     "relationships": [{"name": ..., "aliases": [...]}, ...],
     "vocabulary": [{"name": ..., "aliases": [...]}, ...]}

``fandoms`` defaults to the file's fandom. A tag listed in two files (Sherlock Holmes
is in both Sherlock (TV) and the Conan Doyle stories) becomes one tag in both fandoms
when the lexicon is built, as AO3 links one character tag to several fandoms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from quire.core.suggest.lexicon import Lexicon, LexiconTag
from quire.core.tags import TagType

__all__ = ["starter_fandoms", "starter_lexicon", "starter_tags"]

_SECTIONS = (
    ("characters", TagType.CHARACTER),
    ("relationships", TagType.RELATIONSHIP),
    ("vocabulary", TagType.FREEFORM),
)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where}: expected a list of strings")
    return tuple(value)


def _tags_of(data: Any, source: str) -> Iterator[LexiconTag]:
    if not isinstance(data, dict) or not isinstance(data.get("fandom"), str):
        raise ValueError(f"{source}: expected an object with a fandom name")
    fandom: str = data["fandom"]
    yield LexiconTag(fandom, TagType.FANDOM, _strings(data.get("aliases", []), source))
    for key, tag_type in _SECTIONS:
        for entry in data.get(key, []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ValueError(f"{source}: each of {key} needs a name")
            aliases = _strings(entry.get("aliases", []), f"{source} {entry['name']}")
            fandoms = _strings(entry.get("fandoms", [fandom]), f"{source} {entry['name']}")
            yield LexiconTag(entry["name"], tag_type, aliases, fandoms)


@cache
def _load() -> tuple[tuple[str, tuple[LexiconTag, ...]], ...]:
    folder = resources.files("quire.core.suggest").joinpath("starters")
    sets: list[tuple[str, tuple[LexiconTag, ...]]] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        tags = tuple(_tags_of(data, entry.name))
        sets.append((tags[0].name, tags))
    return tuple(sets)


def starter_fandoms() -> tuple[str, ...]:
    """The fandoms that have a starter set."""
    return tuple(fandom for fandom, _ in _load())


def starter_tags(fandoms: Iterable[str] | None = None) -> list[LexiconTag]:
    """The starter tags, for all fandoms or only those named."""
    wanted = None if fandoms is None else set(fandoms)
    return [tag for fandom, tags in _load() if wanted is None or fandom in wanted for tag in tags]


@cache
def starter_lexicon() -> Lexicon:
    """A lexicon of every starter set (built once and shared)."""
    return Lexicon.from_tags(starter_tags())
