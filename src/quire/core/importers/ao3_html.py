"""Importer for AO3's HTML downloads and saved work pages; the reader AO3-made EPUBs share.

AO3 renders every download from one template: a preface (title, "Posted
originally on the Archive of Our Own at …", a ``dl`` of tags, language,
series, collections and stats, the byline, summary and notes), the chapters
(heading, chapter summary and notes, text, chapter end notes) and an
afterword with the end notes. calibre turns that same markup into AO3's EPUB,
renaming most classes and splitting it over several files, sometimes in the
middle of an element. So the reader relies on what survives both: the ids
(``preface``, ``chapters``, ``afterword``, ``endnotesN``), the ``dt`` labels,
the "Summary"/"Notes" label paragraphs, and the order of the parts.

A work page saved from the website carries the same facts in the site's own
markup (see `_read_work_page`), so it is read here too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import lxml.html
from lxml import etree

from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.importers import ImportProblem, SourceFile
from quire.core.importers.decoding import decode_text
from quire.core.importers.html import (
    element_text,
    inner_html,
    note_word_count,
    parse_document,
)
from quire.core.sanitize import CONTROL_CHARACTERS, sanitize_html
from quire.core.tags import CHOOSE_NOT_TO_WARN, TagType

__all__ = ["AO3_LANGUAGES", "has_ao3_preface", "importer", "parse_ao3_documents"]

_TAG_LABELS: Final[dict[str, TagType]] = {
    label: tag_type
    for tag_type in TagType
    for label in (tag_type.label.casefold(), tag_type.plural_label.casefold())
} | {"warning": TagType.WARNING, "warnings": TagType.WARNING}
"""A preface ``dt`` (without its colon, casefolded) → the tag type it lists.

AO3 writes the singular when one tag follows and the plural otherwise; very old
downloads said "Warning(s)" before archive warnings were renamed.
"""

_DISPLAY_NAMES: Final = {"Creator Chose Not To Use Archive Warnings": CHOOSE_NOT_TO_WARN}
"""Tags AO3 shows under another name than the one it files them by."""

AO3_LANGUAGES: Final[dict[str, str]] = {
    name.casefold(): code
    for name, code in {
        "English": "en",
        "Español": "es",
        "Français": "fr",
        "Deutsch": "de",
        "Italiano": "it",
        "Português brasileiro": "pt-BR",
        "Português europeu": "pt-PT",
        "Русский": "ru",
        "Polski": "pl",
        "Nederlands": "nl",
        "Svenska": "sv",
        "Dansk": "da",
        "Norsk": "no",
        "suomi": "fi",
        "Íslenska": "is",
        "Čeština": "cs",
        "Slovenčina": "sk",
        "Slovenščina": "sl",
        "Hrvatski": "hr",
        "Bosanski": "bs",
        "Српски": "sr",
        "Български": "bg",
        "македонски": "mk",
        "Українська": "uk",
        "беларуская": "be",
        "Magyar": "hu",
        "Română": "ro",
        "Ελληνικά": "el",
        "Türkçe": "tr",
        "eesti keel": "et",
        "Latviešu valoda": "lv",
        "Lietuvių kalba": "lt",
        "Català": "ca",
        "Galego": "gl",
        "Euskara": "eu",
        "Cymraeg": "cy",
        "Gaeilge": "ga",
        "Gàidhlig": "gd",
        "Scots": "sco",
        "Brezhoneg": "br",
        "Kernewek": "kw",
        "Lëtzebuergesch": "lb",
        "Malti": "mt",
        "Shqip": "sq",
        "Lingua latina": "la",
        "Esperanto": "eo",
        "Interlingua": "ia",
        "Afrikaans": "af",
        "Kiswahili": "sw",
        "עברית": "he",
        "יידיש": "yi",
        "العربية": "ar",
        "فارسی": "fa",
        "हिन्दी": "hi",
        "বাংলা": "bn",
        "தமிழ்": "ta",
        "ไทย": "th",
        "Tiếng Việt": "vi",
        "Bahasa Indonesia": "id",
        "Bahasa Malaysia": "ms",
        "Filipino": "fil",
        "日本語": "ja",
        "한국어": "ko",
        "中文-普通话 國語": "zh",
        "中文-广东话 粵語": "yue",
        "中文-吴语": "wuu",
        "中文-闽南话 臺語": "nan",
        "中文-客家话": "hak",
        "tlhIngan-Hol": "tlh",
        "toki pona": "tok",
        "Quenya": "qya",
        "Sindarin": "sjn",
        "American Sign Language": "ase",
        "British Sign Language": "bfi",
    }.items()
}
"""AO3's language names (each written in its own language) → BCP 47 codes.

The common ones only: AO3 offers about 150, and an unknown name is reported
rather than guessed.
"""

_DATE: Final = re.compile(r"\b(Published|Updated|Completed):\s*(\d{4})-(\d{2})-(\d{2})")
_WORDS: Final = re.compile(r"\bWords:\s*(\d[\d,]*)")
_CHAPTERS: Final = re.compile(r"\bChapters:\s*(\d+)\s*/\s*(\d+|\?)")
_WORK_ID: Final = re.compile(r"/works/(\d+)")
_SERIES_PART: Final = re.compile(r"Part\s+(\d+)\s+of\s*$")
_CHAPTER_HEADING: Final = re.compile(r"Chapter\s+(\d+)(?:\s*:\s*(.*))?", re.DOTALL)
_ARCHIVED_BY: Final = re.compile(r"\[archived by[^\]]*\]")
_END_NOTES_ID: Final = re.compile(r"endnotes\d*")
# The pointer AO3 puts in a notes block when there are more notes at the end; it is
# navigation, not part of the notes ("(See the end of the work for more notes.)").
_JUMP: Final = re.compile(
    r"\(?\s*See the end of the (?:work|chapter) for\s+"
    r"(?:(?:more\s+)?notes(?:\s+and\s+other works inspired by this one)?"
    r"|other works inspired by this one)\s*\.?\s*\)?\.?",
    re.IGNORECASE,
)
_PREFACE_IDS: Final = ("preface", "chapters", "afterword")
_PAGE_TITLE: Final = "[Archive of Our Own]"
_WORKSKIN: Final = re.compile(rb"""id=["']?workskin\b""")
_POSTED_ORIGINALLY: Final = "Posted originally on the"
_PREFACE_ID: Final = re.compile(r"""id=["']?preface\b""")
_CALIBRE_CLASS: Final = re.compile(r"calibre\d*")


@dataclass
class _Labelled:
    """Blockquotes grouped by the label paragraph ("Summary", "Notes"…) before them."""

    blocks: dict[str, list[lxml.html.HtmlElement]] = field(default_factory=dict)

    def html(self, label: str) -> str:
        """The sanitized HTML of every block under `label`, in order."""
        return _notes_html(self.blocks.get(label, []))


@dataclass
class _Chapter:
    heading: str = ""
    meta: _Labelled = field(default_factory=_Labelled)
    end_notes: list[lxml.html.HtmlElement] = field(default_factory=list)
    body: list[lxml.html.HtmlElement] = field(default_factory=list)


def has_ao3_preface(text: str) -> bool:
    """Whether HTML text carries the preface AO3's download template writes."""
    return _POSTED_ORIGINALLY in text and _PREFACE_ID.search(text) is not None


def parse_ao3_documents(name: str, html_documents: Sequence[str]) -> ParsedWork:
    """Read one AO3 work from its HTML: one download, or an AO3 EPUB's XHTML files in spine order.

    A single saved work page is read as well. Raises ImportProblem (naming `name`)
    when the documents hold no AO3 work.
    """
    regions: dict[str, list[lxml.html.HtmlElement]] = {key: [] for key in _PREFACE_IDS}
    roots = [parse_document(name, text) for text in html_documents]
    for root in roots:
        for key in _PREFACE_IDS:
            regions[key].extend(root.xpath(f"//*[@id='{key}']"))
    if not regions["preface"]:
        for root in roots:
            skin = root.xpath("//*[@id='workskin']")
            if skin:
                return _read_work_page(name, root, skin[0])
        raise ImportProblem(name, "no AO3 preface (title, tags, stats) found")
    work = ParsedWork(title="", chapters=[])
    labelled = _read_preface(regions["preface"], work)
    work.summary = labelled.html("Summary")
    work.notes = labelled.html("Notes")
    work.end_notes = _labelled(regions["afterword"]).html("End Notes")
    work.chapters = [_finish_chapter(part, position) for position, part in _chapters(regions)]
    if not work.chapters:
        raise ImportProblem(name, "this AO3 download holds no chapter text")
    if not work.title:
        work.title = "Untitled"
        work.problems.append("the work's title was not found")
    note_word_count(work)
    return work


def _read_work_page(
    name: str, root: lxml.html.HtmlElement, skin: lxml.html.HtmlElement
) -> ParsedWork:
    """A work, or one chapter of it, saved from AO3's website with the browser.

    The page differs from a download: tags and stats sit in a ``dl.work.meta`` above
    the ``#workskin``, summaries and notes in ``div.module``s with a "(See the end of
    the work for more notes.)" pointer beside them, and each chapter's text opens with
    an invisible "Chapter Text" (or "Work Text:") heading that is not the writer's.
    """
    work = ParsedWork(title="", chapters=[])
    meta = root.xpath("//dl[contains(concat(' ', normalize-space(@class), ' '), ' meta ')]")
    _read_fields(meta[:1], work)
    preface = _first(skin, "div", "preface")
    if preface is not None:
        title, byline = _first(preface, "h2", "title"), _first(preface, "h3", "byline")
        work.title = element_text(title) if title is not None else ""
        work.creators = _creators(element_text(byline)) if byline is not None else []
        work.summary = _module_notes(preface, "summary")
        work.notes = _module_notes(preface, "notes")
    work.end_notes = _notes_html(skin.xpath(".//*[@id='work_endnotes']/blockquote"))
    work.source_id, work.source_url = _page_address(root)
    work.chapters = list(_page_chapters(skin))
    if not work.chapters or not any(chapter.content for chapter in work.chapters):
        raise ImportProblem(name, "this AO3 page holds no chapter text")
    if not work.title:
        work.title = "Untitled"
        work.problems.append("the work's title was not found")
    posted = _CHAPTERS.search(_spaced_text(meta[0])) if meta else None
    if posted and int(posted.group(1)) > len(work.chapters):
        work.problems.append(
            f"this page holds {len(work.chapters)} of the work's {posted.group(1)} chapters;"
            " save the entire work to import all of it"
        )
    else:
        note_word_count(work)
    return work


def _has_class(token: str) -> str:
    """An XPath test for one class among an element's classes."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {token} ')"


def _first(container: lxml.html.HtmlElement, tag: str, token: str) -> lxml.html.HtmlElement | None:
    """The first `tag` inside `container` that has the class `token`."""
    found = container.xpath(f".//{tag}[{_has_class(token)}]")
    return found[0] if found else None


def _module_notes(container: lxml.html.HtmlElement, kind: str) -> str:
    """A work page's summary or beginning notes: the blockquotes of its ``div.module``.

    End notes are modules too ("end notes module"), so "notes" excludes them.
    """
    modules = container.xpath(f".//div[{_has_class(kind)} and not({_has_class('end')})]")
    return _notes_html(modules[0].findall("blockquote")) if modules else ""


_PAGE_CHAPTER_ID: Final = re.compile(r"chapter-(\d+)")
_LINKED_WORK: Final = re.compile(
    r"^(?:(?:https?:)?//(?P<host>[^/]+))?/(?:works|downloads)/(?P<id>\d+)"
)


def _page_chapters(skin: lxml.html.HtmlElement) -> Iterator[ParsedChapter]:
    """Each ``div.chapter#chapter-N`` of the page, or the one text of a one-shot."""
    found = skin.xpath(".//*[@id='chapters']")
    if not found:
        return
    chapters = [
        (int(numbered.group(1)), child)
        for child in found[0]
        if (numbered := _PAGE_CHAPTER_ID.fullmatch(child.get("id", "")))
    ]
    if not chapters:
        yield ParsedChapter(content=_page_text(found[0]))
        return
    for position, chapter in chapters:
        heading = _first(chapter, "h3", "title")
        end_notes = chapter.xpath(f".//div[{_has_class('end')}]/blockquote")
        yield ParsedChapter(
            content=_page_text(chapter),
            title=_chapter_title(element_text(heading), position) if heading is not None else "",
            summary=_module_notes(chapter, "summary"),
            notes=_module_notes(chapter, "notes"),
            end_notes=_notes_html(end_notes),
        )


def _page_text(container: lxml.html.HtmlElement) -> str:
    """The chapter's text: its ``div.userstuff`` without AO3's "Chapter Text" landmark."""
    text = _first(container, "div", "userstuff")
    if text is None:
        return ""
    for landmark in text.xpath(f"./h3[{_has_class('landmark')}]"):
        landmark.drop_tree()
    return sanitize_html(inner_html(text), keep_classes=True).strip()


def _page_address(root: lxml.html.HtmlElement) -> tuple[str, str]:
    """The work's id and address: the work most of the page's own links point to.

    A saved page keeps no record of its address, but its kudos, comment, share and
    download links all name the work.
    """
    counts: Counter[str] = Counter()
    hosts: dict[str, str] = {}
    for target in root.xpath("//a/@href | //form/@action"):
        linked = _LINKED_WORK.match(target)
        if linked:
            counts[linked.group("id")] += 1
            if linked.group("host"):
                hosts.setdefault(linked.group("id"), linked.group("host"))
    if not counts:
        return "", ""
    [(work_id, _)] = counts.most_common(1)
    return work_id, f"https://{hosts.get(work_id, 'archiveofourown.org')}/works/{work_id}"


def _walk(regions: Sequence[lxml.html.HtmlElement]) -> Iterator[lxml.html.HtmlElement]:
    """Every element of the regions in document order, without entering blockquotes or dds.

    A blockquote is user text (a summary, notes) and a dd one field's value (on a work
    page, Stats holds a list of its own); neither holds more of the template. Iterative,
    so deeply nested markup cannot exhaust the stack.
    """
    stack = list(reversed(regions))
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        yield element
        if element.tag not in {"blockquote", "dd"}:
            stack.extend(reversed(element))


def _labelled(regions: Sequence[lxml.html.HtmlElement]) -> _Labelled:
    """Group the regions' blockquotes under the label paragraph before each."""
    result = _Labelled()
    label = ""
    for element in _walk(regions):
        if element.tag == "p" and element.find("blockquote") is None:
            text = element_text(element)
            if len(text) < 40:
                label = text
        elif element.tag == "blockquote" and label:
            result.blocks.setdefault(label, []).append(element)
    return result


def _read_preface(regions: Sequence[lxml.html.HtmlElement], work: ParsedWork) -> _Labelled:
    """Fill the work's metadata from the preface; return its labelled blocks."""
    _read_fields(regions, work)
    seen_title = False
    for element in _walk(regions):
        tag = element.tag
        if tag == "h1" and not seen_title:
            work.title = element_text(element)
            seen_title = True
        elif tag == "p" and _POSTED_ORIGINALLY in element_text(element):
            _read_origin(element, work)
        elif tag in {"div", "p"} and seen_title and not work.creators:
            text = element_text(element)
            if text.startswith("by "):
                work.creators = _creators(text.removeprefix("by "))
    return _labelled(regions)


def _read_fields(regions: Sequence[lxml.html.HtmlElement], work: ParsedWork) -> None:
    """Read every ``dt``/``dd`` pair (tags, language, series, collections, stats)."""
    term = ""
    for element in _walk(regions):
        if element.tag == "dt":
            term = element_text(element).rstrip(":").strip()
        elif element.tag == "dd" and term:
            _read_field(term, element, work)
            term = ""


def _read_origin(message: lxml.html.HtmlElement, work: ParsedWork) -> None:
    """The work's own address, and its title should the h1 be missing."""
    for link in message.iter("a"):
        href = link.get("href", "")
        work_id = _WORK_ID.search(href)
        if work_id:
            work.source_url = href
            work.source_id = work_id.group(1)
    bold = message.find("b")
    if bold is not None and not work.title:
        work.title = element_text(bold)


def _creators(byline: str) -> list[str]:
    """Names from "by A, B (login), C [archived by D]": creators, not archivists."""
    names = (name.strip() for name in _ARCHIVED_BY.sub("", byline).split(","))
    return [name for name in names if name]


def _read_field(term: str, value: lxml.html.HtmlElement, work: ParsedWork) -> None:
    """Read one ``dt``/``dd`` pair of the preface into the work."""
    key = term.casefold()
    tag_type = _TAG_LABELS.get(key)
    if tag_type is not None:
        names = [_DISPLAY_NAMES.get(name, name) for name in _listed(value)]
        work.tags.setdefault(tag_type, []).extend(names)
    elif key == "language":
        language = element_text(value)
        code = AO3_LANGUAGES.get(language.casefold())
        if code is None:
            work.problems.append(f"unknown language {language!r}, recorded as undetermined")
            code = "und"
        work.language = code
    elif key == "series":
        work.series.extend(_series(value))
    elif key == "collections":
        work.collections.extend(_listed(value))
    elif key == "stats":
        # A work page lists the stats as a dl of their own: keep its parts apart.
        _read_stats(_spaced_text(value), work)
    else:
        work.problems.append(f"preface field {term!r} was not understood")


def _spaced_text(element: lxml.html.HtmlElement) -> str:
    """The element's text with a space between the parts of different elements.

    A work page writes its stats as ``<dd>2024-03-01</dd><dt>Words:</dt>``; joined
    without a space, "01Words" would hide the label.
    """
    return " ".join(str(text) for text in element.itertext())


def _listed(value: lxml.html.HtmlElement) -> list[str]:
    """The names a ``dd`` lists: its links, or its comma-separated text when it has none."""
    links = [element_text(link) for link in value.iter("a")]
    names = links or element_text(value).split(",")
    return [name.strip() for name in names if name.strip()]


def _series(value: lxml.html.HtmlElement) -> Iterator[SeriesMembership]:
    """Memberships from "Part 2 of <a>Title</a>, Part 1 of <a>Other</a>".

    A work page wraps each in spans with "previous"/"next" arrow links, so what counts
    is the text right before each link, wherever it sits.
    """
    preceding: list[str] = []
    for event, element in etree.iterwalk(value, events=("start", "end")):
        if event == "start" and element.tag == "a":
            part = _SERIES_PART.search("".join(preceding).rstrip(", \n"))
            if part:
                yield SeriesMembership(title=element_text(element), position=int(part.group(1)))
            preceding = []
        elif event == "start":
            preceding.append(element.text or "")
        elif element is not value:
            preceding.append(element.tail or "")


def _read_stats(stats: str, work: ParsedWork) -> None:
    dates: dict[str, date] = {}
    for kind, year, month, day in _DATE.findall(stats):
        try:
            dates[kind] = date(int(year), int(month), int(day))
        except ValueError:
            work.problems.append(f"{kind} date {year}-{month}-{day} is not a real date")
    work.published = dates.get("Published")
    work.updated = dates.get("Updated") or dates.get("Completed")
    words = _WORDS.search(stats)
    if words:
        work.declared_word_count = int(words.group(1).replace(",", ""))
    chapters = _CHAPTERS.search(stats)
    if chapters:
        posted, expected = chapters.groups()
        work.expected_chapters = None if expected == "?" else int(expected)
        work.complete = work.expected_chapters == int(posted)
    elif "Completed" in dates:
        work.complete = True


def _chapters(regions: dict[str, list[lxml.html.HtmlElement]]) -> Iterator[tuple[int, _Chapter]]:
    """The chapters, numbered from 1, from the children of the ``#chapters`` regions.

    A download holds one region; an EPUB one per file it was split into, and a
    split can fall inside a chapter's text, so text blocks that follow each other
    belong to the same chapter.
    """
    chapters: list[_Chapter] = []
    for region in regions["chapters"]:
        for child in region:
            if not isinstance(child.tag, str) or child.tag in _HEADINGS:
                continue  # the invisible table-of-contents heading of a one-chapter work
            kind = _kind(child)
            if kind == "meta":
                chapters.append(_Chapter(heading=_heading(child), meta=_labelled([child])))
            elif kind == "end notes" and chapters:
                chapters[-1].end_notes.extend(child.iter("blockquote"))
            elif kind == "text":
                if not chapters:
                    chapters.append(_Chapter())
                chapters[-1].body.append(child)
    yield from enumerate(chapters, start=1)


_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _kind(child: lxml.html.HtmlElement) -> str:
    """What a child of ``#chapters`` is: "meta", "end notes", "text" or "empty".

    Downloads say it with classes (``meta group``, ``userstuff``); calibre renames
    those in EPUBs (``calibre3``, ``userstuff2``), so the shape decides there.
    """
    if _END_NOTES_ID.fullmatch(child.get("id", "")):
        return "end notes"
    classes = child.get("class", "").split()
    if any(name.startswith("userstuff") for name in classes):
        return "text"
    first = next((element for element in child if isinstance(element.tag, str)), None)
    if "meta" in classes or (first is not None and first.tag in _HEADINGS):
        return "meta"
    if child.text_content().strip() or child.find(".//img") is not None:
        return "text"
    return "empty"  # calibre's page-break markers


def _heading(meta: lxml.html.HtmlElement) -> str:
    for element in meta.iter(*_HEADINGS):
        return element_text(element)
    return ""


def _finish_chapter(part: _Chapter, position: int) -> ParsedChapter:
    body = "".join(inner_html(block) for block in _without_calibre_classes(part.body))
    return ParsedChapter(
        content=sanitize_html(body, keep_classes=True).strip(),
        title=_chapter_title(part.heading, position),
        summary=part.meta.html("Chapter Summary"),
        notes=part.meta.html("Chapter Notes"),
        end_notes=_notes_html(part.end_notes),
    )


def _chapter_title(heading: str, position: int) -> str:
    """The title from "Chapter 3: Title" (2025 downloads), "Chapter 3" or "Title"."""
    numbered = _CHAPTER_HEADING.fullmatch(heading)
    if numbered and int(numbered.group(1)) == position:
        return (numbered.group(2) or "").strip()
    return heading


def _without_calibre_classes(
    blocks: Sequence[lxml.html.HtmlElement],
) -> Sequence[lxml.html.HtmlElement]:
    """Drop the classes calibre invents for its stylesheet; a writer's own stay."""
    for block in blocks:
        for element in block.xpath(".//*[contains(@class, 'calibre')]"):
            kept = [
                name
                for name in element.get("class", "").split()
                if not _CALIBRE_CLASS.fullmatch(name)
            ]
            if kept:
                # lxml refuses control characters in attributes; the sanitizer drops them anyway.
                element.set("class", CONTROL_CHARACTERS.sub("", " ".join(kept)))
            else:
                del element.attrib["class"]
    return blocks


def _notes_html(blocks: Sequence[lxml.html.HtmlElement]) -> str:
    """Sanitized notes without AO3's "See the end of the work for more notes" pointer."""
    for block in blocks:
        pointers = [
            element for element in block.iter("p", "div") if _JUMP.fullmatch(element_text(element))
        ]
        for pointer in pointers:
            pointer.drop_tree()
    return sanitize_html("".join(inner_html(block) for block in blocks)).strip()


class _Importer:
    """An AO3 HTML download (also from archives on AO3's software), or a saved AO3 work page."""

    format_name = "ao3-html"
    priority = 80

    def recognizes(self, source: SourceFile) -> bool:
        if source.head(4) == b"PK\x03\x04":  # a zip (an EPUB whose members are stored raw)
            return False
        head = decode_text(source.head(16384)).text
        # A work page's <title> ends "[Archive of Our Own]"; its text may start 30 kB
        # into the page, after the site's menus, so the marker is sought in the bytes.
        work_page = _PAGE_TITLE in head and _WORKSKIN.search(source.data) is not None
        return has_ao3_preface(head) or work_page

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        work = parse_ao3_documents(source.name, [decode_text(source.data).text])
        work.source_format = self.format_name
        return [work]


importer = _Importer()
