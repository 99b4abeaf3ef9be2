"""The tags suggestions can name: fandoms, characters, relationships and fandom vocabulary.

Callers build a Lexicon from the archive's canonical tags (their synonyms become
aliases, their fandom parents become ``fandoms``) plus the starter sets shipped in
``starters/``. The lexicon is plain data; the name index it needs is built lazily,
once, on first use.

Reading of each tag type:

- FANDOM: its name (without a trailing "(TV)"-style disambiguator) and aliases are
  strong evidence for itself.
- CHARACTER: full name, aliases, and first or last name alone where no other
  character of the same fandom shares it.
- RELATIONSHIP: "A/B" is romantic, "A & B" platonic; the parts are resolved to
  character tags. Its aliases are pairing names ("Spuffy").
- FREEFORM with fandoms: fandom vocabulary ("Hellmouth", "Hogwarts"): evidence for
  those fandoms, never suggested itself. FREEFORM without fandoms is not read from
  text at all (general freeforms come from the cue lists in ``cues``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Final

from quire.core.tags import TagType

if TYPE_CHECKING:
    from quire.core.suggest.names import NameIndex

__all__ = ["READ_TYPES", "Lexicon", "LexiconTag", "base_name", "relationship_parts"]

READ_TYPES: Final = frozenset(
    {TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP, TagType.FREEFORM}
)

_DISAMBIGUATOR: Final = re.compile(r"\s*\([^()]*\)\s*$")


def base_name(name: str) -> str:
    """A tag name without its trailing disambiguator: "Spike (Buffy the Vampire Slayer)"."""
    stripped = _DISAMBIGUATOR.sub("", name).strip()
    return stripped or name.strip()


def relationship_parts(name: str) -> tuple[tuple[str, ...], bool]:
    """The member names of a relationship tag and whether it is platonic ("&")."""
    if "/" in name:
        return tuple(part.strip() for part in name.split("/") if part.strip()), False
    if "&" in name:
        return tuple(part.strip() for part in name.split("&") if part.strip()), True
    return (name.strip(),), False


@dataclass(frozen=True, slots=True)
class LexiconTag:
    """One tag the suggester can name. ``aliases`` are other names for the same thing."""

    name: str
    type: TagType
    aliases: tuple[str, ...] = ()
    fandoms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in READ_TYPES:
            raise ValueError(
                f"a lexicon holds fandoms, characters, relationships, freeforms, not {self.type}"
            )
        if not self.name.strip():
            raise ValueError("a lexicon tag needs a name")


def _merged(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(first + second))


@dataclass(frozen=True)
class Lexicon:
    """A set of tags, one per (name, type); duplicates are merged when built with from_tags."""

    tags: tuple[LexiconTag, ...] = ()

    @classmethod
    def from_tags(cls, tags: Iterable[LexiconTag]) -> Lexicon:
        """Build a lexicon; tags given twice (same name and type) have their aliases and
        fandoms joined, so a starter set and an archive's tags can simply be chained."""
        merged: dict[tuple[str, TagType], LexiconTag] = {}
        for tag in tags:
            key = (tag.name, tag.type)
            seen = merged.get(key)
            if seen is None:
                merged[key] = tag
            else:
                merged[key] = LexiconTag(
                    tag.name,
                    tag.type,
                    _merged(seen.aliases, tag.aliases),
                    _merged(seen.fandoms, tag.fandoms),
                )
        return cls(tuple(merged.values()))

    def __iter__(self) -> Iterator[LexiconTag]:
        return iter(self.tags)

    def __len__(self) -> int:
        return len(self.tags)

    def __or__(self, other: Lexicon) -> Lexicon:
        return Lexicon.from_tags((*self.tags, *other.tags))

    def of_type(self, tag_type: TagType) -> list[LexiconTag]:
        return [tag for tag in self.tags if tag.type == tag_type]

    @cached_property
    def fandom_names(self) -> frozenset[str]:
        """Every fandom the lexicon knows: fandom tags and the fandoms other tags name."""
        names = {tag.name for tag in self.tags if tag.type == TagType.FANDOM}
        for tag in self.tags:
            if tag.type != TagType.FANDOM:
                names.update(tag.fandoms)
        return frozenset(names)

    @cached_property
    def index(self) -> NameIndex:
        """The compiled name index (built on first use, then kept with the lexicon)."""
        from quire.core.suggest.names import NameIndex

        return NameIndex(self.tags)
