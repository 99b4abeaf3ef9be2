"""The preface every download carries, as data: AO3's ``dl.tags`` rows and stats.

EPUB, HTML, text and PDF all render these same rows, so a work's preface says the
same things in every format: tags by type (Rating … Additional Tags), Language,
Series, Collections, then Stats (Published, Updated or Completed, Words, Chapters,
and the counts the work has).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quire.core.exporters.model import ExportWork, WorkStats
from quire.core.tags import TagType, display_name


@dataclass(frozen=True, slots=True)
class Item:
    """One value in a row: shown as ``text``, linked to ``url`` when there is one."""

    text: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """A labelled line of the preface ("Fandom:" and its tags)."""

    label: str
    items: tuple[Item, ...]
    tag_type: TagType | None = None


def preface_rows(export: ExportWork) -> list[Row]:
    """The rows of the tags list, in AO3's order, leaving out empty ones."""
    work = export.work
    rows: list[Row] = []
    for tag_type in TagType:  # AO3's display order
        names = work.tag_names(tag_type)
        if names:
            items = tuple(Item(display_name(name)) for name in names)
            rows.append(Row(tag_type.label, items, tag_type))
    language = export.language_name or work.language
    if language:
        rows.append(Row("Language", (Item(language),)))
    if export.series:
        rows.append(
            Row(
                "Series",
                tuple(
                    Item(f"Part {link.position} of {link.title}", link.url)
                    for link in export.series
                ),
            )
        )
    if export.collections:
        rows.append(Row("Collections", tuple(Item(name) for name in export.collections)))
    return rows


def stats_items(stats: WorkStats) -> list[tuple[str, str]]:
    """AO3's stats as (label, value) pairs: dates as YYYY-MM-DD, counts with commas."""
    items: list[tuple[str, str]] = []
    if stats.published:
        items.append(("Published", _day(stats.published)))
    if stats.completed:
        items.append(("Completed", _day(stats.completed)))
    elif stats.updated and stats.updated != stats.published:
        items.append(("Updated", _day(stats.updated)))
    items.append(("Words", f"{stats.words:,}"))
    expected = "?" if stats.chapters_expected is None else str(stats.chapters_expected)
    items.append(("Chapters", f"{stats.chapters_posted}/{expected}"))
    for label, count in (
        ("Comments", stats.comments),
        ("Kudos", stats.kudos),
        ("Bookmarks", stats.bookmarks),
        ("Hits", stats.hits),
    ):
        if count is not None:
            items.append((label, f"{count:,}"))
    return items


def stats_line(stats: WorkStats) -> str:
    """The stats on one line, as AO3 prints them: "Published: 2024-01-02 Words: 1,234 …"."""
    return " ".join(f"{label}: {value}" for label, value in stats_items(stats))


def _day(value: date) -> str:
    return value.isoformat()
