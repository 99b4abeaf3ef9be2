"""What every download format is made from: a work, its stats and where it lives.

The archive builds an ExportWork from a stored work; ``quire convert`` builds one
from an imported file. Both carry a ParsedWork (sanitized HTML chapters, tags by
type, series) so the exporters never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from quire.core.documents import ParsedWork


@dataclass(frozen=True, slots=True)
class WorkStats:
    """AO3's "Stats:" line. Counts are None when unknown (a converted file that never
    had them): None is left out of the preface, 0 is shown."""

    words: int
    chapters_posted: int
    chapters_expected: int | None = None
    """None when the length is unknown ("3/?")."""
    kudos: int | None = None
    hits: int | None = None
    comments: int | None = None
    bookmarks: int | None = None
    published: date | None = None
    updated: date | None = None
    completed: date | None = None
    """Set when the work is complete: AO3 then shows "Completed:" instead of "Updated:"."""


@dataclass(frozen=True, slots=True)
class SeriesLink:
    """A series the work belongs to, with the work's place in it."""

    title: str
    position: int
    url: str = ""


@dataclass(frozen=True, slots=True)
class ExportWork:
    """A work ready to be written in any format.

    ``identifier`` is stable for the work (the archive's work URL, or an urn:uuid
    derived from the file converted) so readers and calibre recognise a re-download
    as the same book. ``url`` is where the work can be read ("Posted originally on"),
    empty when it has no home; ``archive_name`` names that place ("Quire", or the
    site's name). ``modified`` dates the download itself: the same work and stats
    give byte-identical files, so downloads can be cached and compared.
    """

    work: ParsedWork
    stats: WorkStats
    identifier: str
    url: str = ""
    archive_name: str = "Quire"
    language_name: str = ""
    """The language's own name ("Français"); the preface shows the code without it."""
    series: tuple[SeriesLink, ...] = ()
    collections: tuple[str, ...] = ()
    modified: date | None = None
    creator_urls: dict[str, str] = field(default_factory=dict)
    """Links for creator names shown in the preface, when they have a page."""
