"""Plain-text layout read as structure: lines into blocks, blocks into chapter HTML.

Plain-text fic carries its structure in layout: blank lines, indentation, rows
of asterisks, "Chapter 5" on a line of its own, *stars* for emphasis. These
helpers read that layout; plaintext.py decides what each part of a post is
(header, notes, story) and what it says about the work.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from quire.core.importers.vocabulary import SHORT_FIELD
from quire.core.sanitize import ALLOWED_TAGS, REMOVED_WITH_CONTENT


class Kind(Enum):
    TEXT = "text"
    BREAK = "break"
    """A scene-break line: *** or ~*~ or a centred x."""
    END = "end"
    """An end marker: THE END, TBC, continued in part 2."""
    HEADING = "heading"
    """A chapter heading on a line of its own: Chapter 5, Prologue, # Title."""


@dataclass(slots=True)
class Block:
    """Lines between blank lines; special lines (breaks, headings) stand alone."""

    kind: Kind
    lines: list[str] = field(default_factory=list)
    gap: int = 0
    """Blank lines before this block."""
    complete: bool | None = None
    """For END: whether the marker says the work is finished."""
    title: str = ""
    """For HEADING: the chapter's own name ("The Storm" of "Chapter 5: The Storm")."""
    level: int = 0
    """For HEADING: 1 for "# Title", 2 for "## Title"…, 0 for a word heading ("Chapter 5")."""
    words: int = 0
    """Roughly how many words (split at spaces): enough to weigh notes against story."""

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)


# ---------------------------------------------------------------- special lines

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen"
)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUMBER = (
    rf"\d+|[ivxlc]+|(?:{_TENS})(?:[- ]?(?:{_NUMBER_WORDS}))?|{_NUMBER_WORDS}"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final"
)
_DASHES = r"[:.\-–—]"

# One regex for every line that is not prose, tried only on short lines.
_SPECIAL: Final = re.compile(
    rf"""
    (?P<separator>
        (?:[-*~=_+#•·°]\s*){{3,}} | \# | <hr\s*/?> | (?:[*~]\s*)+[oOxX0]+(?:\s*[*~])+
        | oO(?:oO)*o | Oo(?:Oo)*O | o0o | xX(?:xX)*x | Xx(?:Xx)*X
    )$
    | (?P<heading>
        (?:chapter|part|book)\s+(?:{_NUMBER})\b\s*(?:{_DASHES}\s*(?P<name>.+?)|[:.])?
        | (?P<special>prologue|epilogue|interlude|afterword|coda)\b
          \s*(?:{_DASHES}\s*(?P<name2>.+?))?
    )\s*$
    | (?P<markdown>\#{{1,6}})\s+(?P<md_title>.+?)\s*\#*$
    | [\s*~=_#\[\](){{}}.-]*
      (?:(?P<done>the\s+end|end(?:\s+(?:of\s+)?(?:file|story|fic))?|fin(?:is)?)
        |(?P<more>to\s+be\s+continued|t\.?\s?b\.?\s?c|cont(?:inued|'d)?(?:\s+(?:in|next|on)\b.{{0,40}})?
            |more\s+(?:to\s+come|soon))
        |end\s+of\s+(?:part|chapter|book)\b.{{0,20}}?)
      [\s*~=_#\[\](){{}}.!…-]*$
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SPECIAL_MAX = 80
_LONE_X = frozenset({"x", "X"})
_CENTRED = 10


def _heading_title(match: re.Match[str]) -> str:
    """A chapter's own name: "Home" of "Chapter 2: Home", "Prologue"; "" for "Chapter 2"."""
    name = match["name"] or match["name2"] or ""
    return name.strip() or (match["special"] or "").capitalize()


def _special_block(stripped: str, gap: int) -> Block | None:
    """The block a short non-prose line stands for, or None for prose."""
    match = _SPECIAL.match(stripped)
    if match is None:
        return None
    if match["separator"]:
        return Block(Kind.BREAK, [stripped], gap)
    if match["heading"]:
        return Block(Kind.HEADING, [stripped], gap, title=_heading_title(match))
    if match["markdown"]:
        title = match["md_title"]
        inner = _SPECIAL.match(title)
        if inner and inner["heading"]:  # "# Chapter 2: Home" is named "Home"
            title = _heading_title(inner) or title
        return Block(Kind.HEADING, [stripped], gap, title=title, level=len(match["markdown"]))
    complete = True if match["done"] else False if match["more"] else None
    return Block(Kind.END, [stripped], gap, complete=complete)


def blocks_of(lines: list[str]) -> list[Block]:
    """Split lines into blocks at blank lines, each non-prose line a block of its own."""
    blocks: list[Block] = []
    gap = 0
    current: Block | None = None
    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            current = None
            gap += 1
            continue
        special = _special_block(stripped, gap) if len(stripped) <= _SPECIAL_MAX else None
        if stripped in _LONE_X and _indent(line.expandtabs(8)) >= _CENTRED:
            special = Block(Kind.BREAK, [stripped], gap)  # a centred x between paragraphs
        if special is not None:
            blocks.append(special)
            current = None
            gap = 0
        elif current is None:
            current = Block(Kind.TEXT, [line.expandtabs(8)], gap)
            blocks.append(current)
            gap = 0
        else:
            current.lines.append(line.expandtabs(8))
    for block in blocks:
        block.words = sum(len(line.split()) for line in block.lines)
        if block.kind is Kind.TEXT and len(block.lines) == 1 and block.text in _LONE_X:
            block.kind = Kind.BREAK  # a lone x between blank lines is a scene break
    return blocks


# ---------------------------------------------------------------- inline markup

# Tags that are HTML (kept for the sanitizer to judge) as opposed to the <g>, <grin>
# and <sigh> of Usenet, which are prose and must be shown.
_HTML_TAGS: Final = ALLOWED_TAGS | REMOVED_WITH_CONTENT | frozenset(
    {"font", "nobr", "wbr", "marquee", "blink", "o:p", "object", "embed", "form", "input",
     "button", "textarea", "select", "option", "label", "html", "head", "body", "title", "meta",
     "link", "base", "main", "section", "article", "aside", "header", "footer", "nav"}
)  # fmt: skip
_LJ_DROPPED: Final = frozenset({"lj-cut", "lj-raw", "lj-poll"})
_MARKUP: Final = re.compile(
    r"(?P<tag></?(?P<name>[A-Za-z][\w:-]*)(?P<attrs>\s[^<>]*)?/?>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
)
_LJ_USER: Final = re.compile(r"""\b(?:user|comm)\s*=\s*["']?([\w-]+)""")
_LINK: Final = re.compile(r"\[([^\[\]\n]{1,300})\]\(([^()\s]{1,2000})\)")
_EMPHASIS: Final = (
    (re.compile(r"(?<![\w*])\*\*(?=\S)(.{1,500}?)(?<=\S)\*\*(?![\w*])"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w_])__(?=\S)(.{1,500}?)(?<=\S)__(?![\w_])"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,500}?)(?<=[^\s*])\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.{1,500}?)(?<=[^\s_])_(?![\w_])"), r"<em>\1</em>"),
)


def _emphasis(text: str) -> str:
    """Escape prose and turn *stars* and _underscores_ into emphasis."""
    text = html.escape(text, quote=False)
    if "*" in text or "_" in text:
        for pattern, replacement in _EMPHASIS:
            text = pattern.sub(replacement, text)
    return text


def _prose(text: str) -> str:
    """Escaped prose with Markdown links and emphasis."""
    if "](" not in text:
        return _emphasis(text)
    pieces: list[str] = []
    start = 0
    for link in _LINK.finditer(text):
        href = html.escape(link[2], quote=False).replace('"', "%22")
        pieces += [_emphasis(text[start : link.start()]), f'<a href="{href}">']
        pieces += [_emphasis(link[1]), "</a>"]
        start = link.end()
    pieces.append(_emphasis(text[start:]))
    return "".join(pieces)


def _tag(match: re.Match[str]) -> str:
    name = match["name"].lower()
    if name in _HTML_TAGS:
        return match[0]
    if name in _LJ_DROPPED:
        return ""
    if name == "lj":  # <lj user="name">: the name is the text
        user = _LJ_USER.search(match["attrs"] or "")
        return f"<strong>{user[1]}</strong>" if user else ""
    return html.escape(match[0], quote=False)


def inline_html(text: str) -> str:
    """HTML for a line or paragraph of text that may mix prose, HTML tags and Markdown."""
    if "<" not in text and "&" not in text:
        return _prose(text)
    pieces: list[str] = []
    start = 0
    for match in _MARKUP.finditer(text):
        pieces.append(_prose(text[start : match.start()]))
        pieces.append(match[0] if match["entity"] else _tag(match))
        start = match.end()
    pieces.append(_prose(text[start:]))
    return "".join(pieces)


_BLOCK_TAG: Final = re.compile(
    r"<(?:p|div|blockquote|h[1-6]|ul|ol|dl|table|pre|center|hr|figure|details)\b", re.I
)


def paragraph_html(text: str) -> str:
    """One paragraph, wrapped in <p> unless it already is a block of HTML ("" if empty)."""
    inner = inline_html(text).strip()
    if not inner or _BLOCK_TAG.match(inner):
        return inner
    return f"<p>{inner}</p>"


# ---------------------------------------------------------------- layout


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


_WRAPPED_LINES = 3
_WRAPPED_MEDIAN = 50
_WRAPPED_WIDTH = 100
_INDENTED_STARTS = 2


@dataclass(frozen=True, slots=True)
class Layout:
    """How a story marks paragraphs, measured over its own lines."""

    indented: bool
    """Paragraphs start with an indented line and have no blank line between them."""
    base_indent: int
    wrapped: bool
    """Lines were broken at a fixed width and must be joined again."""
    scene_gap: int
    """More blank lines than this between paragraphs is a scene break."""


def is_wrapped(blocks: list[Block]) -> bool:
    """Whether lines were broken at a fixed width (so a paragraph's lines are joined).

    Wrapped prose has long lines of similar length; verse and letters in a text
    written one paragraph per line have short ones, and keep their line breaks.
    """
    lengths = sorted(
        len(line.strip())
        for block in blocks
        if block.kind is Kind.TEXT
        for line in block.lines[:-1]
    )
    return (
        len(lengths) >= _WRAPPED_LINES
        and lengths[len(lengths) // 2] >= _WRAPPED_MEDIAN
        and lengths[(len(lengths) - 1) * 9 // 10] <= _WRAPPED_WIDTH
    )


def layout_of(blocks: list[Block], *, wrapped: bool) -> Layout:
    texts = [block for block in blocks if block.kind is Kind.TEXT]
    # Continuation lines are the least indented; a few stray ones (a wrap that left a
    # leading space) must not decide it, nor many short indented lines of dialogue.
    inner = sorted(_indent(line) for block in texts for line in block.lines[1:])
    base = inner[len(inner) // 10] if inner else 0
    starts = sum(1 for indent in inner if indent >= base + 2)
    indented = starts >= _INDENTED_STARTS and 2 * starts >= len(texts)
    gaps = Counter(
        block.gap
        for previous, block in itertools.pairwise(blocks)
        if previous.kind is Kind.TEXT and block.kind is Kind.TEXT and block.gap
    )
    scene_gap = 0 if indented else (gaps.most_common(1)[0][0] if gaps else 1)
    return Layout(indented, base, wrapped, scene_gap)


_HYPHEN_BREAK: Final = re.compile(r"(?<=\w-)\n(?=\w)")


def _joined(lines: list[str]) -> str:
    """Wrapped lines as one line again; a word broken after its hyphen stays joined."""
    text = "\n".join(lines)
    if "-\n" in text:
        text = _HYPHEN_BREAK.sub("", text)
    return text.replace("\n", " ")


def _paragraphs(block: Block, layout: Layout) -> list[str]:
    """The block's paragraphs as HTML."""
    groups: list[list[str]] = []
    for line in block.lines:
        if (
            not groups
            or (layout.indented and _indent(line) >= layout.base_indent + 2)
            or (not layout.wrapped and len(groups[-1][-1]) > _WRAPPED_WIDTH)
        ):
            groups.append([])
        groups[-1].append(line.strip())
    return [html for group in groups if (html := _group_html(group, layout.wrapped))]


def _group_html(lines: list[str], wrapped: bool) -> str:
    """One paragraph; lines not broken at a fixed width keep their breaks (verse)."""
    if wrapped or len(lines) == 1:
        return paragraph_html(_joined(lines))
    inner = [html for line in lines if (html := inline_html(line).strip())]
    return "<p>" + "<br />\n".join(inner) + "</p>" if inner else ""


# ---------------------------------------------------------------- chapters

# An epigraph ends in an attribution: "…ending.” ~ Spike" on its last line, or a line
# of its own starting with a dash or tilde.
_INLINE_ATTRIBUTION: Final = re.compile(r"[”\"’']\s*(?:[~—–]|--)\s*\S.{0,80}$")
_ATTRIBUTION_LINE: Final = re.compile(r"^(?:[~—–]|--?)\s*\S.{0,80}$")
_EPIGRAPH_WORDS = 80
_DATELINE_WORDS = 8


@dataclass(slots=True)
class ChapterText:
    title: str = ""
    parts: list[str] = field(default_factory=list)
    """HTML pieces in order; "<hr />" marks a scene break."""

    def html(self) -> str:
        end = len(self.parts)
        while end and self.parts[end - 1] == "<hr />":
            end -= 1
        return "\n".join(self.parts[:end])

    def add_break(self) -> None:
        if self.parts and self.parts[-1] != "<hr />":
            self.parts.append("<hr />")


def _epigraph(blocks: list[Block]) -> int:
    """How many blocks at the start of a story are an epigraph (0, 1 or 2)."""
    first = blocks[0] if len(blocks) > 2 else None
    if first is None or first.kind is not Kind.TEXT or first.words > _EPIGRAPH_WORDS:
        return 0
    last = first.lines[-1].strip()
    if _INLINE_ATTRIBUTION.search(last) or (len(first.lines) > 1 and _ATTRIBUTION_LINE.match(last)):
        return 1
    second = blocks[1]
    if (
        len(blocks) > 3
        and second.kind is Kind.TEXT
        and len(second.lines) == 1
        and _ATTRIBUTION_LINE.match(second.text)
    ):
        return 2
    return 0


def chapters_of(blocks: list[Block], *, wrapped: bool) -> list[ChapterText]:
    """Chapter HTML for a story's blocks: paragraphs, scene breaks, chapter splits."""
    layout = layout_of(blocks, wrapped=wrapped)
    levels = Counter(block.level for block in blocks if block.level)
    # Markdown headings are chapters at the highest level used more than once.
    chapter_level = min((level for level, count in levels.items() if count > 1), default=0)
    chapters = [ChapterText()]
    skip = _epigraph(blocks)
    if skip:
        quoted = [part for block in blocks[:skip] for part in _paragraphs(block, layout)]
        chapters[0].parts.append("<blockquote>" + "\n".join(quoted) + "</blockquote>")
    previous: Block | None = None
    # Whether the last block was a short line opening a scene (a date, a place): it is
    # set apart by a blank line without that starting a scene of its own.
    dateline = False
    for block in blocks[skip:]:
        current = chapters[-1]
        if block.kind is Kind.HEADING and block.level == chapter_level:
            if current.parts:
                current = ChapterText()
                chapters.append(current)
            current.title = block.title
        elif block.kind is Kind.HEADING:
            current.parts.append(f"<p><strong>{inline_html(block.title)}</strong></p>")
        elif block.kind is Kind.BREAK:
            current.add_break()
        elif block.kind is Kind.TEXT:
            if (
                previous is not None
                and previous.kind is Kind.TEXT
                and block.gap > layout.scene_gap
                and not dateline
            ):
                current.add_break()
            opening = not current.parts or current.parts[-1] == "<hr />"
            current.parts += _paragraphs(block, layout)
            dateline = opening and len(block.lines) == 1 and block.words <= _DATELINE_WORDS
        previous = block
    return [chapter for chapter in chapters if chapter.parts]


def blocks_html(blocks: list[Block], *, wrapped: bool) -> str:
    """Notes or a summary: the blocks' paragraphs, headings as plain paragraphs."""
    layout = layout_of(blocks, wrapped=wrapped)
    return "\n".join(
        part
        for block in blocks
        if block.kind is not Kind.BREAK
        for part in (
            _paragraphs(block, layout) if block.kind is Kind.TEXT else [paragraph_html(block.text)]
        )
    )


def text_html(text: str) -> str:
    """A field's value (summary, notes) as HTML paragraphs, its lines joined."""
    return blocks_html(blocks_of(text.splitlines()), wrapped=True)


# ---------------------------------------------------------------- YAML front matter

# PyYAML is not a dependency; front matter on fic sites uses a small part of YAML:
# "key: value" at the top level, "- item" lists, quoted strings, "|" and ">" blocks.
FieldValue = str | list[str]

_YAML_KEY: Final = re.compile(r"^([A-Za-z_][\w .-]{0,60}?)\s*:(?:\s+(.*))?$")
_YAML_ITEM: Final = re.compile(r"^\s*-(?:\s+(.*))?$")
_YAML_ESCAPE: Final = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)")
_YAML_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "", "0": "", "\\": "\\", '"': '"', "/": "/"}
_BLOCK_SCALAR: Final = re.compile(r"^([|>])[-+]?\d?$")


def _unescape(match: re.Match[str]) -> str:
    code = match[1]
    if len(code) > 1:
        point = int(code[1:], 16)
        return "\ufffd" if 0xD800 <= point <= 0xDFFF else chr(point)
    return _YAML_ESCAPES.get(code, code)


def _scalar(text: str) -> str:
    """A one-line YAML scalar: quoted or plain (with any trailing comment removed)."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _YAML_ESCAPE.sub(_unescape, text[1:-1])
    return re.sub(r"\s+#.*$", "", text)


def _folded(lines: list[str], *, literal: bool) -> str:
    """A block scalar's lines without their indentation, folded unless literal."""
    indent = min((_indent(line) for line in lines if line.strip()), default=0)
    body = [line[indent:] for line in lines]
    if literal:
        return "\n".join(body).strip("\n")
    paragraphs = re.split(r"\n\s*\n", "\n".join(body))
    return "\n\n".join(" ".join(part.split("\n")).strip() for part in paragraphs).strip()


def parse_yaml_subset(lines: list[str]) -> dict[str, FieldValue]:
    """Top-level keys of simple YAML; nested mappings are skipped."""
    result: dict[str, FieldValue] = {}
    index = 0
    while index < len(lines):
        match = _YAML_KEY.match(lines[index])
        index += 1
        if match is None:
            continue
        key, raw = match[1].strip().lower(), (match[2] or "").strip()
        start = index
        while index < len(lines) and (
            not lines[index].strip() or lines[index][:1].isspace() or lines[index][:1] == "-"
        ):
            index += 1
        nested = lines[start:index]
        block = _BLOCK_SCALAR.match(raw)
        if block:
            result[key] = _folded(nested, literal=block[1] == "|")
        elif raw.startswith("[") and raw.endswith("]"):
            result[key] = [_scalar(item.strip()) for item in raw[1:-1].split(",") if item.strip()]
        elif raw:  # a flow scalar may go on over indented lines
            result[key] = _scalar(_folded([raw, *map(str.strip, nested)], literal=False))
        else:
            items = [_YAML_ITEM.match(line) for line in nested if line.strip()]
            if items and all(items):
                result[key] = [_scalar((item[1] or "").strip()) for item in items if item]
    return result


def split_front_matter(text: str) -> tuple[dict[str, FieldValue], str] | None:
    """YAML front matter between "---" lines at the top, and the body after it."""
    if not text.startswith("---"):
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    for end, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return parse_yaml_subset(lines[1:end]), "\n".join(lines[end + 1 :])
    return None


# ---------------------------------------------------------------- Usenet and e-mail


@dataclass(slots=True)
class Message:
    """One posted message: its headers (lower-case names) and its body's lines."""

    headers: dict[str, str]
    lines: list[str]


_HEADER_START: Final = re.compile(r"^(?:>?From \S|[A-Za-z][\w-]*:(?:\s|$))")
_HEADER: Final = re.compile(r"^([A-Za-z][\w-]{0,60}):(.*)$")
_NNTP: Final = frozenset({"from", "subject", "newsgroups", "message-id", "path", "date"})
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SIGNATURE_LINES = 4
_SIGNATURE_SEARCH = 15


def _headers_at(lines: list[str], start: int) -> tuple[dict[str, str], int] | None:
    """The message headers starting at `start` and the index of the body, if they are."""
    headers: dict[str, str] = {}
    last = ""
    index = start
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        header = _HEADER.match(line)
        if line[0] in " \t" and last:
            headers[last] += " " + line.strip()
        elif header:
            last = header[1].lower()
            headers.setdefault(last, header[2].strip())
        elif line.startswith(("From ", ">From ")):  # an mbox separator line
            last = ""
        else:
            return None
        index += 1
    known = _NNTP & headers.keys()
    if len(known) < 3 or not known & {"subject", "newsgroups"}:
        return None
    return headers, index


def split_messages(lines: list[str]) -> list[Message]:
    """The messages in a saved newsgroup thread or mailbox; one headerless one otherwise."""
    first = next((index for index, line in enumerate(lines) if line.strip()), 0)
    found = _headers_at(lines, first)
    if found is None:
        return [Message({}, lines)]
    messages = [Message(found[0], [])]
    index = found[1]
    while index < len(lines):
        line = lines[index]
        if _HEADER_START.match(line) and not lines[index - 1].strip():
            found = _headers_at(lines, index)
            if found is not None:
                messages.append(Message(found[0], []))
                index = found[1]
                continue
        messages[-1].lines.append(line)
        index += 1
    return messages


def without_signature(lines: list[str], *, posted: bool) -> list[str]:
    """Lines without a trailing signature: after a "-- " line, or (in a posted
    message) a last short paragraph holding an e-mail address."""
    for index in range(len(lines) - 1, max(len(lines) - _SIGNATURE_SEARCH, 0) - 1, -1):
        if lines[index].rstrip() == "--":
            return lines[:index]
    if not posted:
        return lines
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip():
        start -= 1
    last = lines[start:end]
    if 0 < len(last) <= _SIGNATURE_LINES and start and any(map(_EMAIL.search, last)):
        return lines[:start]
    return lines


@dataclass(frozen=True, slots=True)
class Subject:
    """What a Usenet Subject line says: "X-Files fic: "Clouds" (1/8?) [PG-13]"."""

    title: str
    part: tuple[int, int | None] | None = None
    rating: str = ""
    """The rating as written ("PG-13"), when the Subject carries one in brackets."""
    fandom: str = ""


_SUBJECT_PREFIX: Final = re.compile(
    r"^(?:\s*(?:re|fwd?|new|repost|fic|story)\s*:|\s*\[(?:new|repost|fic)\])+\s*", re.I
)
_SUBJECT_FANDOM: Final = re.compile(
    r"^(?P<fandom>[^:()\[\]\"“]{2,40}?)\s+(?:fan\s*)?fic(?:tion)?\s*:\s*", re.I
)
_SUBJECT_PART: Final = re.compile(
    r"[,:\s-]*(?:\b(?:part|pt\.?)\s*)?[(\[]\s*(?P<n>\d+)\s*(?:/|of)\s*(?P<m>\d+)?(?P<unsure>\?)?\s*[)\]]"
    r"|[,:\s-]*\b(?:part|pt\.?)\s+(?P<n2>\d+)(?:\s*(?:/|of)\s*(?P<m2>\d+)?(?P<unsure2>\?)?)?",
    re.I,
)
_SUBJECT_BRACKET: Final = re.compile(
    r"\s*[(\[]\s*(?:rated\s*:?\s*)?(?P<inside>[^()\[\]]{1,20}?)\s*[)\]]", re.I
)
_TITLE_TRIM = " \t\"“”'‘’,;:-–—"


def parse_subject(subject: str, is_rating: Callable[[str], bool]) -> Subject:
    """Split a Subject into title, part, rating and fandom; `is_rating` knows ratings."""
    text = _SUBJECT_PREFIX.sub("", subject[:SHORT_FIELD])
    fandom = _SUBJECT_FANDOM.match(text)
    if fandom:
        text = text[fandom.end() :]
    part = None
    match = _SUBJECT_PART.search(text)
    if match:
        number, total = match["n"] or match["n2"], match["m"] or match["m2"]
        unsure = match["unsure"] or match["unsure2"]
        part = int(number), int(total) if total and not unsure else None
        text = text[: match.start()] + text[match.end() :]
    rating = ""
    for bracket in _SUBJECT_BRACKET.finditer(text):
        if is_rating(bracket["inside"]):
            rating = bracket["inside"]
            text = text[: bracket.start()] + text[bracket.end() :]
            break
    return Subject(
        title=" ".join(text.split()).strip(_TITLE_TRIM),
        part=part,
        rating=rating,
        fandom=fandom["fandom"].strip() if fandom else "",
    )


_NAMED_ADDRESS: Final = re.compile(
    r"^\s*(?P<address>\S+@\S+)\s*\((?P<name>[^)]*)\)|^\s*\"?(?P<display>[^\"<]*?)\"?\s*<(?P<inside>[^>]*)>"
)


def poster_name(value: str) -> str:
    """The name in a From header: "x@y (Name)", "Name <x@y>", else the address's local part."""
    value = value[:SHORT_FIELD]
    match = _NAMED_ADDRESS.match(value)
    if match and (match["name"] or match["display"] or "").strip():
        return (match["name"] or match["display"]).strip()
    address = (match["address"] or match["inside"]) if match else value.strip()
    return address.split("@")[0].strip()
