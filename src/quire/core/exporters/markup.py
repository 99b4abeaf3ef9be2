"""A work as HTML element trees: the preface, each chapter, the end notes.

EPUB writes each part as its own XHTML file, the HTML download and the PDF put them
all in one document; building the trees once here keeps the three the same, and the
preface's content comes from ``preface.preface_rows`` like every other format's.
Element ids are unique across the whole work, so the parts can go in one file or many.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Final, Literal, cast

from lxml import etree

from quire.core.exporters.fragments import (
    Fragment,
    IdRegistry,
    clean_fragment,
    clean_url,
    language_tag,
    link_fragments,
    xml_text,
)
from quire.core.exporters.model import ExportWork
from quire.core.exporters.preface import Item, preface_rows, stats_line

__all__ = [
    "Part",
    "PartKind",
    "WorkMarkup",
    "stylesheet",
    "work_dates",
    "work_markup",
]

Element = etree._Element
PartKind = Literal["preface", "chapter", "afterword"]

UNTITLED: Final = "Untitled"


@dataclass(frozen=True, slots=True)
class Part:
    """A section of the work: one EPUB file, one ``section`` of the HTML download."""

    name: str
    """Its id, and the stem of its EPUB file name: "preface", "chapter-3", "afterword"."""
    label: str
    """What a table of contents calls it."""
    kind: PartKind
    section: Element
    ids: frozenset[str]
    """Every id inside the section, so links between parts can name the right file."""


@dataclass(frozen=True, slots=True)
class WorkMarkup:
    """Everything a format writes: the parts in reading order and the book's metadata."""

    title: str
    """Never empty: readers and EPUBCheck both need a title."""
    creators: tuple[str, ...]
    language: str
    """A BCP 47 tag ("und" when the work's own value is not one)."""
    description: str
    """The summary as plain text, paragraphs separated by blank lines."""
    parts: tuple[Part, ...]


def work_markup(export: ExportWork, *, remote_images: bool = False) -> WorkMarkup:
    """The trees for `export`; `remote_images` keeps web images (see clean_fragment)."""
    work = export.work
    ids = IdRegistry()
    base = export.url

    def fragment(html: str, *, work_text: bool = False) -> Fragment:
        return clean_fragment(
            html, ids=ids, keep_classes=work_text, base_url=base, remote_images=remote_images
        )

    summary, notes, end_notes = (
        fragment(work.summary),
        fragment(work.notes),
        fragment(work.end_notes),
    )
    chapters = [
        (
            chapter,
            fragment(chapter.summary),
            fragment(chapter.notes),
            fragment(chapter.content, work_text=True),
            fragment(chapter.end_notes),
        )
        for chapter in work.chapters
    ]
    link_fragments(
        [summary, notes, end_notes, *(piece for _, *pieces in chapters for piece in pieces)]
    )

    title = xml_text(work.title).strip() or UNTITLED
    creators = tuple(name for name in (xml_text(c).strip() for c in work.creators) if name)
    parts = [
        _part(
            "preface",
            "Preface",
            "preface",
            _preface(export, title, creators, summary, notes, end_notes),
        )
    ]
    several = len(chapters) > 1
    for number, (chapter, *pieces) in enumerate(chapters, start=1):
        heading = _chapter_heading(number, xml_text(chapter.title).strip(), title, several=several)
        name = f"chapter-{number}"
        parts.append(_part(name, heading, "chapter", _chapter(name, heading, *pieces)))
    if end_notes:
        parts.append(_part("afterword", "End Notes", "afterword", _afterword(end_notes)))
    return WorkMarkup(
        title=title,
        creators=creators,
        language=language_tag(work.language),
        description=_plain_text(summary),
        parts=tuple(parts),
    )


def work_dates(export: ExportWork) -> tuple[date | None, date | None]:
    """(published, last changed) as the download's metadata states them."""
    stats, work = export.stats, export.work
    published = stats.published or work.published
    changed = export.modified or stats.completed or stats.updated or work.updated or published
    return published, changed


@cache
def stylesheet(name: str) -> str:
    """A stylesheet shipped beside this module ("book.css", "print.css")."""
    return files("quire.core.exporters").joinpath(name).read_text(encoding="utf-8")


# --- building the parts ------------------------------------------------------------------


def _element(tag: str, text: str = "", class_name: str = "", **attributes: str) -> Element:
    element = etree.Element(tag, attributes)
    if class_name:
        element.set("class", class_name)
    if text:
        element.text = text
    return element


def _child(parent: Element, tag: str, text: str = "", class_name: str = "") -> Element:
    element = _element(tag, text, class_name)
    parent.append(element)
    return element


def _part(name: str, label: str, kind: PartKind, section: Element) -> Part:
    ids = cast("list[str]", section.xpath(".//@id"))
    return Part(name, label, kind, section, frozenset(ids))


def _linked(text: str, url: str, **attributes: str) -> Element | str:
    href = clean_url(url) if url else None
    if not href:
        return text
    return _element("a", text, href=href, **attributes)


def _append_inline(parent: Element, content: Element | str) -> None:
    """Append text or an element at the end of `parent`'s mixed content."""
    if isinstance(content, str):
        last = parent[-1] if len(parent) else None
        if last is None:
            parent.text = (parent.text or "") + content
        else:
            last.tail = (last.tail or "") + content
    else:
        parent.append(content)


def _items(parent: Element, items: list[Element | str]) -> None:
    for position, item in enumerate(items):
        if position:
            _append_inline(parent, ", ")
        _append_inline(parent, item)


def _preface(
    export: ExportWork,
    title: str,
    creators: tuple[str, ...],
    summary: Fragment,
    notes: Fragment,
    end_notes: Fragment,
) -> Element:
    section = _element("section", class_name="preface", id="preface")
    _child(section, "h1", title, "title")
    if creators:
        byline = _child(section, "p", "by ", "byline")
        _items(
            byline,
            [_linked(name, export.creator_urls.get(name, ""), rel="author") for name in creators],
        )
    url = xml_text(export.url).strip()
    if url:
        source = _child(section, "p", "", "source")
        archive = xml_text(export.archive_name).strip() or "the web"
        _append_inline(source, f"Posted originally on {archive} at ")
        _append_inline(source, _linked(url, url))
        _append_inline(source, ".")
    tags = _child(section, "dl", "", "tags")
    for row in preface_rows(export):
        _child(tags, "dt", f"{row.label}:")
        _items(_child(tags, "dd"), [_item(item) for item in row.items])
    _child(tags, "dt", "Stats:")
    _child(tags, "dd", stats_line(export.stats), "stats")
    _notes(section, "Summary", summary, "h2", "summary")
    _notes(section, "Notes", notes, "h2", "notes")
    if end_notes:
        _endnote_link(section, "the end of the work", "endnotes")
    return section


def _item(item: Item) -> Element | str:
    return _linked(xml_text(item.text), item.url)


def _notes(parent: Element, label: str, fragment: Fragment, heading: str, class_name: str) -> None:
    """A labelled block of the author's HTML (summary, notes, end notes), when there is one."""
    if not fragment:
        return
    _child(parent, heading, label, "label")
    block = fragment.root
    block.tag = "blockquote"
    block.set("class", f"userstuff {class_name}")
    parent.append(block)


def _endnote_link(parent: Element, where: str, target: str) -> None:
    pointer = _child(parent, "p", "(More notes at ", "endnote-link")
    _append_inline(pointer, _element("a", where, href=f"#{target}"))
    _append_inline(pointer, ".)")


def _chapter_heading(number: int, chapter_title: str, work_title: str, *, several: bool) -> str:
    if not several:
        return chapter_title or work_title
    plain = f"Chapter {number}"
    if not chapter_title or chapter_title.lower() == plain.lower():
        return plain
    return f"{plain}: {chapter_title}"


def _chapter(
    name: str,
    heading: str,
    summary: Fragment,
    notes: Fragment,
    content: Fragment,
    end_notes: Fragment,
) -> Element:
    section = _element("section", class_name="chapter", id=name)
    _child(section, "h2", heading, "chapter-title")
    if summary or notes or end_notes:
        preface = _child(section, "div", "", "chapter-preface")
        _notes(preface, "Summary", summary, "h3", "summary")
        _notes(preface, "Notes", notes, "h3", "notes")
        if end_notes:
            _endnote_link(preface, "the end of the chapter", f"{name}-endnotes")
    text = content.root
    text.set("class", "userstuff chapter-text")
    section.append(text)
    if end_notes:
        after = _child(section, "div", "", "chapter-endnotes")
        after.set("id", f"{name}-endnotes")
        _notes(after, "End Notes", end_notes, "h3", "end-notes")
    return section


def _afterword(end_notes: Fragment) -> Element:
    section = _element("section", class_name="afterword", id="afterword")
    _notes(section, "End Notes", end_notes, "h2", "end-notes")
    section[-1].set("id", "endnotes")
    return section


_SPACES: Final = re.compile(r"\s+")
_BREAKS: Final = frozenset(
    {"address", "blockquote", "br", "details", "div", "dl", "figure", "h1", "h2", "h3", "h4",
     "h5", "h6", "hr", "ol", "p", "pre", "table", "ul"}
)  # fmt: skip


def _text(element: Element) -> str:
    return "".join(cast("Iterable[str]", element.itertext()))


def _plain_text(fragment: Fragment) -> str:
    """The fragment's text, a blank line between blocks, spaces collapsed."""
    root = fragment.root
    paragraphs: list[str] = []
    line = [root.text or ""]
    for child in root:
        if child.tag in _BREAKS:
            paragraphs += ["".join(line), _text(child)]
            line = []
        else:
            line.append(_text(child))
        line.append(child.tail or "")
    paragraphs.append("".join(line))
    cleaned = (_SPACES.sub(" ", paragraph).strip() for paragraph in paragraphs)
    return "\n\n".join(paragraph for paragraph in cleaned if paragraph)
