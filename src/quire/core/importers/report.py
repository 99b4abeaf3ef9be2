"""The parsed work as the JSON object `quire inspect --json` prints.

The keys are a documented contract (docs/import-format.md): tools and tests
read them, so add keys only with that document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from quire.core.documents import ParsedWork
from quire.core.tags import TagType
from quire.core.wordcount import count_words


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _html_or_none(value: str) -> str | None:
    return value or None


def work_to_json(work: ParsedWork) -> dict[str, Any]:
    chapters = [
        {
            "title": chapter.title or None,
            "summary": _html_or_none(chapter.summary),
            "notes": _html_or_none(chapter.notes),
            "end_notes": _html_or_none(chapter.end_notes),
            "word_count": count_words(chapter.content),
            "html": chapter.content,
        }
        for chapter in work.chapters
    ]
    ratings = work.tag_names(TagType.RATING)
    return {
        "title": work.title,
        "authors": list(work.creators),
        "rating": ratings[0] if ratings else None,
        "warnings": work.tag_names(TagType.WARNING),
        "categories": work.tag_names(TagType.CATEGORY),
        "fandoms": work.tag_names(TagType.FANDOM),
        "relationships": work.tag_names(TagType.RELATIONSHIP),
        "characters": work.tag_names(TagType.CHARACTER),
        "freeforms": work.tag_names(TagType.FREEFORM),
        "language": work.language,
        "summary": _html_or_none(work.summary),
        "notes": _html_or_none(work.notes),
        "end_notes": _html_or_none(work.end_notes),
        "series": [{"title": part.title, "position": part.position} for part in work.series],
        "collections": list(work.collections),
        "source": {
            "format": work.source_format,
            "url": work.source_url or None,
            "id": work.source_id or None,
        },
        "published": _day(work.published),
        "updated": _day(work.updated),
        "complete": work.complete,
        "expected_chapters": work.expected_chapters,
        "declared_word_count": work.declared_word_count,
        "word_count": sum(chapter["word_count"] for chapter in chapters),
        "chapters": chapters,
        "problems": list(work.problems),
    }


_TEXT_FIELDS = (
    ("Rating", "rating"),
    ("Archive Warnings", "warnings"),
    ("Categories", "categories"),
    ("Fandoms", "fandoms"),
    ("Relationships", "relationships"),
    ("Characters", "characters"),
    ("Additional Tags", "freeforms"),
    ("Collections", "collections"),
)


def describe(report: dict[str, Any]) -> str:
    """A person-readable page for one work_to_json object (what `quire inspect` prints)."""
    lines = [report["title"], "by " + (", ".join(report["authors"]) or "(no author found)"), ""]
    for label, key in _TEXT_FIELDS:
        value = report[key]
        if value:
            lines.append(f"{label}: {value if isinstance(value, str) else ', '.join(value)}")
    lines.append(f"Language: {report['language']}")
    for part in report["series"]:
        lines.append(f"Series: part {part['position']} of {part['title']}")
    source = report["source"]
    lines.append(
        "Source: "
        + " ".join(str(value) for value in (source["format"], source["url"], source["id"]) if value)
    )
    expected = report["expected_chapters"] or "?"
    complete = {True: "complete", False: "in progress", None: "completion unknown"}[
        report["complete"]
    ]
    lines.append(
        f"Published: {report['published'] or '?'}  Updated: {report['updated'] or '?'}  "
        f"Chapters: {len(report['chapters'])}/{expected} ({complete})"
    )
    declared = report["declared_word_count"]
    words = f"Words: {report['word_count']:,}"
    if declared is not None:
        words += f" (the document says {declared:,})"
    lines.append(words)
    for key in ("summary", "notes", "end_notes"):
        if report[key]:
            lines.append(
                f"{key.replace('_', ' ').capitalize()}: {len(report[key]):,} characters of HTML"
            )
    lines.append("")
    for number, chapter in enumerate(report["chapters"], start=1):
        title = f": {chapter['title']}" if chapter["title"] else ""
        lines.append(f"  Chapter {number}{title} — {chapter['word_count']:,} words")
    for problem in report["problems"]:
        lines.append(f"Problem: {problem}")
    return "\n".join(lines)
