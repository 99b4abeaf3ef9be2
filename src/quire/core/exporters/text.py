"""Plain-text downloads: the work as UTF-8 text for e-readers, editors and screen readers.

Paragraphs stay single lines separated by blank lines: every reader wraps text to
its own width, and text hard-wrapped to ours breaks badly on a narrow screen. The
preface says the same things as the other formats (``preface.py``); HTML becomes
text with lxml, walking the tree without recursion so no nesting depth can crash it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from lxml import etree

from quire.core.exporters.model import ExportWork
from quire.core.exporters.preface import preface_rows, stats_line
from quire.core.importers import ImportProblem
from quire.core.importers.html import parse_document
from quire.core.sanitize import CONTROL_CHARACTERS

__all__ = [
    "SCENE_BREAK",
    "TextExporter",
    "display_width",
    "exporter",
    "html_to_text",
    "render_text",
]

LINE_WIDTH: Final = 72
"""The nominal width scene breaks and centred lines are centred in (the text is not
wrapped to it)."""

SCENE_BREAK: Final = "* * *"
"""What a horizontal rule becomes: the scene break writers type themselves."""

INDENT: Final = "    "
"""Blockquotes, definitions, summaries and notes are indented by this much."""

_BULLET: Final = "• "

# Elements that start a paragraph of their own; anything else runs inline.
_BLOCKS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "html", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip

# Never prose: skipped with their content (sanitized HTML has none of them, raw HTML may).
_SKIPPED: Final = frozenset(
    {"head", "script", "style", "template", "title", "noscript", "iframe", "svg", "math"}
)

_LISTS: Final = frozenset({"ul", "ol", "dl"})
_ITEMS: Final = frozenset({"li", "dd"})
_ROWS: Final = frozenset({"li", "dt", "dd", "tr"})
"""Blocks that follow the one before on the next line, without a blank line between."""

_WHITESPACE: Final = re.compile(r"\s+")
_SPACES: Final = re.compile(r" {2,}")


class TextExporter:
    """The ``txt`` download format."""

    format_name = "txt"
    extension = "txt"
    media_type = "text/plain; charset=utf-8"
    label = "Text"

    def export(self, work: ExportWork) -> bytes:
        return render_text(work).encode("utf-8")


exporter = TextExporter()


def render_text(export: ExportWork) -> str:
    """The whole download: preface, chapters, end notes; LF line ends, one final newline."""
    work = export.work
    parts: list[str] = [_heading(_one_line(work.title) or "Untitled", "=")]
    creators = [_one_line(name) for name in work.creators if name.strip()]
    if creators:
        parts.append("by " + ", ".join(creators))
    url = _one_line(export.url)
    if url:
        archive = _one_line(export.archive_name) or "the web"
        parts.append(f"Posted originally on {archive} at {url}.")
    rows = [
        f"{row.label}: " + ", ".join(_one_line(item.text) for item in row.items)
        for row in preface_rows(export)
    ]
    rows.append(f"Stats: {stats_line(export.stats)}")
    parts.append("\n".join(rows))
    parts += _labelled("Summary", work.summary)
    parts += _labelled("Notes", work.notes)
    several = len(work.chapters) > 1
    for number, chapter in enumerate(work.chapters, start=1):
        heading = _chapter_heading(number, _one_line(chapter.title), several=several)
        if heading:
            parts.append("\n" + _heading(heading, "-"))
        parts += _labelled("Chapter Summary", chapter.summary)
        parts += _labelled("Chapter Notes", chapter.notes)
        content = html_to_text(chapter.content)
        if content:
            parts.append(content)
        parts += _labelled("Chapter End Notes", chapter.end_notes)
    parts += _labelled("End Notes", work.end_notes, before="\n")
    return "\n\n".join(parts) + "\n"


def _chapter_heading(number: int, title: str, *, several: bool) -> str:
    """In a work of several, "Chapter 2: Title"; a lone chapter shows only its own title."""
    if not several:
        return title
    plain = f"Chapter {number}"
    return f"{plain}: {title}" if title and title.lower() != plain.lower() else plain


def _labelled(label: str, html: str, *, before: str = "") -> list[str]:
    """A summary or notes: its label, then its text indented (nothing when it is empty)."""
    text = html_to_text(html, indent=INDENT)
    return [f"{before}{label}:", text] if text else []


def _heading(text: str, underline: str) -> str:
    return f"{text}\n{underline * max(1, display_width(text))}"


def _one_line(text: str) -> str:
    return " ".join(CONTROL_CHARACTERS.sub("", text).split())


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced font: wide (CJK) characters take two,
    combining marks none, so underlines and centring line up."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def _centre(line: str, width: int) -> str:
    room = width - display_width(line)
    return " " * (room // 2) + line if room > 1 else line


def html_to_text(html: str, *, indent: str = "") -> str:
    """Sanitized (or any) HTML as plain text: paragraphs separated by blank lines."""
    blocks = _TextWriter(LINE_WIDTH - len(indent)).blocks(html)
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("\n" if block.tight else "\n\n")
        out.append("\n".join(_indented(block.lines, indent)))
    return "".join(out)


def _body(html: str) -> etree._Element | None:
    """The chapter's <body>, parsed as the importers parse HTML (nesting up to 2,048 deep,
    comments dropped), or None when there is nothing to show."""
    html = CONTROL_CHARACTERS.sub("", html)
    if not html.strip():
        return None
    try:
        document = parse_document("chapter", html)
    except ImportProblem:  # the parser recovers from almost anything; not from nothing
        return None
    body: etree._Element | None = document.find("body")
    return body


@dataclass(slots=True)
class _Block:
    """One paragraph's lines; ``tight`` ones follow the previous block without a blank line."""

    lines: list[str]
    tight: bool = False


@dataclass(slots=True)
class _Frame:
    """An open block element: the inline text gathered so far and the blocks inside it."""

    tag: str
    width: int
    pre: bool = False
    centred: bool = False
    marker: str = ""
    """A list item's bullet or number."""
    items: int = 0
    """Items seen so far, for a list."""
    pieces: list[str] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)


class _TextWriter:
    """Walks an HTML tree once, start and end events, keeping open blocks on a stack."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.stack: list[_Frame] = []
        self.links: list[tuple[_Frame, int, str]] = []

    def blocks(self, html: str) -> list[_Block]:
        root = _body(html)
        if root is None:
            return []
        self.stack = [_Frame("div", self.width)]
        self._add_text(root.text)
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, element in walker:
            if element is root:
                continue
            if event == "start":
                if element.tag in _SKIPPED:
                    walker.skip_subtree()
                else:
                    self._start(element)
            else:
                if element.tag not in _SKIPPED:
                    self._end(element)
                self._add_text(element.tail)
        (frame,) = self.stack
        self._flush(frame)
        return frame.blocks

    def _add_text(self, text: str | None) -> None:
        if text:
            frame = self.stack[-1]
            frame.pieces.append(text if frame.pre else _WHITESPACE.sub(" ", text))

    def _start(self, element: etree._Element) -> None:
        tag = element.tag
        frame = self.stack[-1]
        if tag == "br":
            frame.pieces.append("\n")
        elif tag == "hr":
            self._flush(frame)
            frame.blocks.append(_Block([_centre(SCENE_BREAK, frame.width)]))
        elif tag == "img":
            alt = _one_line(element.get("alt") or "")
            frame.pieces.append(f"[{alt}]" if alt else "[image]")
        elif tag in ("td", "th") and "".join(frame.pieces).strip():
            frame.pieces.append(" | ")
        elif tag == "a":
            self.links.append((frame, len(frame.pieces), element.get("href") or ""))
        elif tag in _BLOCKS:
            self._flush(frame)
            self.stack.append(self._open(tag, element, frame))
        self._add_text(element.text)

    def _open(self, tag: str, element: etree._Element, parent: _Frame) -> _Frame:
        align = (element.get("align") or "").lower()
        centred = tag == "center" or align == "center" or (parent.centred and not align)
        child = _Frame(tag, parent.width, pre=parent.pre or tag == "pre", centred=centred)
        if tag == "li":
            parent.items += 1
            child.marker = _BULLET if parent.tag != "ol" else _ordinal(parent, element) + ". "
            child.width -= len(child.marker)
        elif tag in ("blockquote", "dd"):
            child.width -= len(INDENT)
        return child

    def _end(self, element: etree._Element) -> None:
        tag = element.tag
        if tag == "a":
            self._end_link()
        if tag not in _BLOCKS:
            return
        frame = self.stack.pop()
        self._flush(frame)
        blocks = frame.blocks
        parent = self.stack[-1]
        if tag == "li":
            blocks = _item(blocks, frame.marker)
        elif tag in ("blockquote", "dd"):
            blocks = [_Block(_indented(block.lines, INDENT), block.tight) for block in blocks]
        if blocks:
            if tag in _ROWS:
                blocks[0].tight = True
            elif tag in _LISTS or tag == "table":
                blocks[0].tight = parent.tag in _ITEMS
        parent.blocks.extend(blocks)

    def _end_link(self) -> None:
        """Keep a web address the text does not already show: plain text cannot link."""
        if not self.links:
            return
        frame, start, href = self.links.pop()
        if frame is not self.stack[-1] or not href.startswith(("http://", "https://")):
            return
        text = "".join(frame.pieces[start:]).strip()
        if text and href.rstrip("/") != text.rstrip("/"):
            frame.pieces.append(f" <{href}>")

    def _flush(self, frame: _Frame) -> None:
        """End the paragraph gathered so far in ``frame`` (if it has any text)."""
        text = "".join(frame.pieces)
        frame.pieces.clear()
        if frame.pre:
            lines = [line.rstrip() for line in text.expandtabs().split("\n")]
        else:
            lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        if lines:
            if frame.centred:
                lines = [_centre(line, frame.width) for line in lines]
            frame.blocks.append(_Block(lines))


def _indented(lines: list[str], indent: str) -> list[str]:
    """Lines moved right by ``indent``; blank lines stay empty (no trailing spaces)."""
    return [indent + line if line else line for line in lines]


def _item(blocks: list[_Block], marker: str) -> list[_Block]:
    """A list item: its marker before the first line, the rest indented to match."""
    if not blocks:
        return [_Block([marker.rstrip()])]
    hang = " " * len(marker)
    items: list[_Block] = []
    for index, block in enumerate(blocks):
        lines = _indented(block.lines, hang)
        if index == 0:
            lines[0] = marker + block.lines[0]
        items.append(_Block(lines, block.tight))
    return items


def _ordinal(parent: _Frame, element: etree._Element) -> str:
    """The number of the list item just counted, in the list's own style (1, a, A, i, I)."""
    ordered = element.getparent()
    start_attribute = ordered.get("start", "1") if ordered is not None else "1"
    style = ordered.get("type", "1") if ordered is not None else "1"
    try:
        start = int(start_attribute.strip())
    except ValueError:
        start = 1
    number = start + parent.items - 1
    if style in ("a", "A") and number > 0:
        return _letters(number, upper=style == "A")
    if style in ("i", "I") and 0 < number < 4000:
        return _roman(number, upper=style == "I")
    return str(number)


def _letters(number: int, *, upper: bool) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters.upper() if upper else letters


_ROMAN: Final = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(number: int, *, upper: bool) -> str:
    numeral = ""
    for value, symbol in _ROMAN:
        count, number = divmod(number, value)
        numeral += symbol * count
    return numeral.upper() if upper else numeral
