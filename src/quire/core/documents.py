"""What a fic document says about itself, as plain data.

Importers turn files (journal posts, AO3 downloads, EPUBs, eFiction rows) into
these dataclasses; the archive's actions turn them into stored works. Keeping
them free of the database lets parsers be tested from fixture files alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from quire.core.tags import TagType


@dataclass(frozen=True, slots=True)
class SeriesMembership:
    """A work's place in a named series ("Part 2 of Lamplight")."""

    title: str
    position: int


@dataclass(slots=True)
class ParsedChapter:
    """One chapter as found in a document; HTML fields are sanitized HTML."""

    content: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    published: date | None = None
    word_count: int | None = None
    """count_words(content) when already known (an import pipeline counts in parallel)."""


@dataclass(slots=True)
class ParsedWork:
    """A work as described by a document, before it is stored anywhere.

    `tags` maps each tag type to tag names in the document's order, using the
    archive's tag names (not AO3's display names). `expected_chapters` is None
    when the document says the length is unknown ("N/?"). `source_format` names
    the importer that read it, `source_id` the work's id where it came from
    (e.g. the AO3 work id), `declared_word_count` what the document claimed.
    `problems` lists what could not be understood, for the person importing.
    """

    title: str
    chapters: list[ParsedChapter]
    creators: list[str] = field(default_factory=list)
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    language: str = "en"
    tags: dict[TagType, list[str]] = field(default_factory=dict)
    expected_chapters: int | None = None
    complete: bool | None = None
    published: date | None = None
    updated: date | None = None
    series: list[SeriesMembership] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    source_format: str = ""
    source_url: str = ""
    source_id: str = ""
    declared_word_count: int | None = None
    problems: list[str] = field(default_factory=list)

    def tag_names(self, tag_type: TagType) -> list[str]:
        """The document's tags of one type (empty when it names none)."""
        return self.tags.get(tag_type, [])
