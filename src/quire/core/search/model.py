"""What is indexed, what is asked and what comes back: the contract every search backend keeps.

A backend indexes IndexedWork documents and answers SearchQuery with SearchResults.
Visibility is part of the query (`visibility`), so no backend can return, count or
facet a work the viewer may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from quire.core.tags import TagType


@dataclass(frozen=True, slots=True)
class IndexedChapter:
    position: int
    chapter_id: int
    title: str
    text: str
    """Plain text of the chapter (no HTML)."""


@dataclass(frozen=True, slots=True)
class IndexedWork:
    """Everything search needs about one work, taken from the database."""

    work_id: int
    title: str
    creators: tuple[str, ...]
    creator_ids: tuple[int, ...]
    """Pseud ids (for filtering); empty for anonymous works."""
    summary: str
    notes: str
    language: str
    filter_tag_ids: frozenset[int]
    """The work's filter tags (canonical forms and meta tags) of every type."""
    tag_types: dict[int, TagType]
    """The type of each filter tag, for facets."""
    tag_names: tuple[str, ...]
    """Every tag name on the work (synonyms too), searchable as text."""
    crossover: bool
    complete: bool
    chapter_count: int
    word_count: int
    published: date | None
    updated: date | None
    kudos: int = 0
    hits: int = 0
    comments: int = 0
    bookmarks: int = 0
    posted: bool = True
    hidden: bool = False
    restricted: bool = False
    creator_user_ids: tuple[int, ...] = ()
    """Users credited, anonymous works too: only for their own visibility, never shown."""
    chapters: tuple[IndexedChapter, ...] = ()
    collection_ids: frozenset[int] = frozenset()
    """Collections the work is in (approved by the collection and its creators)."""
    unrevealed: bool = False
    """In an unrevealed collection: seen only by its creators, admins and the maintainers
    of its collections until it is revealed."""


class Sort(StrEnum):
    """AO3's sorts."""

    BEST_MATCH = "best_match"
    CREATOR = "creator"
    TITLE = "title"
    DATE_POSTED = "date_posted"
    DATE_UPDATED = "date_updated"
    WORD_COUNT = "word_count"
    HITS = "hits"
    KUDOS = "kudos"
    COMMENTS = "comments"
    BOOKMARKS = "bookmarks"


class Crossovers(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    ONLY = "only"


@dataclass(frozen=True, slots=True)
class Range:
    """An inclusive range; either end may be open."""

    low: int | None = None
    high: int | None = None


@dataclass(frozen=True, slots=True)
class DateRange:
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Visibility:
    """Who is asking, as search must know it: the same rules as quire.core.visibility."""

    signed_in: bool = False
    user_id: int | None = None
    admin: bool = False
    collection_ids: frozenset[int] = frozenset()
    """Collections the viewer maintains (and their rounds): their unrevealed works too."""


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    """Full-text query (quire.core.search.textquery) over titles, summaries, notes, tags, text."""
    include_tag_ids: frozenset[int] = frozenset()
    """Works must be filed under every one of these (filter tags)."""
    exclude_tag_ids: frozenset[int] = frozenset()
    crossovers: Crossovers = Crossovers.INCLUDE
    complete: bool | None = None
    single_chapter: bool = False
    words: Range = Range()
    kudos: Range = Range()
    hits: Range = Range()
    comments: Range = Range()
    bookmarks: Range = Range()
    updated: DateRange = DateRange()
    published: DateRange = DateRange()
    language: str = ""
    creator_ids: frozenset[int] = frozenset()
    exclude_creator_ids: frozenset[int] = frozenset()
    """Pseuds whose works never show (a reader's exclusion list)."""
    title: str = ""
    collection_ids: frozenset[int] = frozenset()
    """Works in any of these collections (a collection's page: it and its rounds)."""
    within_work_id: int | None = None
    """Search inside one work only (snippets per chapter)."""
    sort: Sort = Sort.BEST_MATCH
    descending: bool = True
    page: int = 1
    per_page: int = 20
    facets: bool = True
    visibility: Visibility = Visibility()


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where the words matched: a chapter and a passage with the matches marked."""

    chapter_id: int
    chapter_position: int
    html: str
    """Escaped text with <mark> around each match."""


@dataclass(frozen=True, slots=True)
class Hit:
    work_id: int
    score: float
    snippets: tuple[Snippet, ...] = ()


@dataclass(slots=True)
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[TagType, list[tuple[int, int]]] = field(default_factory=dict)
    """Per tag type, (tag id, number of matching works), most works first."""
