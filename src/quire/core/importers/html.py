"""Importer for any other HTML document, and the HTML reading the AO3 importer shares.

Fic saved from the web arrives as whole pages: a personal site's story page, a
FanFiction.net chapter saved from the browser, an old Geocities file with
``<br><br>`` for paragraphs and a "Title: / Author: / Rating:" header. This
importer keeps what a reader would recognise as the story (title, author, the
header's metadata, chapters, text), drops the page's chrome, and leaves the
styling to the sanitizer, which reduces the markup to AO3's allowlist.
"""

from __future__ import annotations

import html as _html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Final

import lxml.html
from lxml import etree

from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.importers import ImportProblem, SourceFile
from quire.core.importers.decoding import decode_text
from quire.core.importers.vocabulary import (
    AO3_NAMES,
    RATING_SPELLINGS,
    WARNING_SPELLINGS,
    parse_date,
)
from quire.core.sanitize import sanitize_html, text_to_html
from quire.core.tags import GENERAL_AUDIENCES, NO_WARNINGS_APPLY, NOT_RATED, TagType
from quire.core.wordcount import count_words

__all__ = [
    "element_text",
    "importer",
    "inner_html",
    "looks_like_html",
    "note_word_count",
    "parse_document",
]

# The text is decoded by us (decoding.py), so the parser is told UTF-8 and no <meta
# charset> or XML declaration in the document can make it read the bytes differently.
# Comments are dropped: they are never prose, and the sanitizer would drop them anyway.
# libxml2 stops reading (silently) at 256 levels of nesting unless told the tree may
# be huge; hand-written pages that never close a <b> get there (the limit is then 2048).
_PARSER: Final = lxml.html.HTMLParser(
    encoding="utf-8",
    recover=True,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)


def parse_document(source_name: str, text: str) -> lxml.html.HtmlElement:
    """Parse decoded HTML (or XHTML) leniently into its <html> element."""
    # Lone surrogates cannot be encoded; "?" stands in for them as a browser's "�" would.
    data = text.encode("utf-8", "replace")
    try:
        return lxml.html.document_fromstring(data, parser=_PARSER)
    except (etree.LxmlError, ValueError) as error:
        raise ImportProblem(source_name, f"not readable as HTML ({error})") from error


def inner_html(element: etree._Element) -> str:
    """The markup inside `element`, without the element's own tags.

    One serialization of the whole element is much faster than one per child. The
    opening tag ends at the first ">": lxml writes ">" inside attribute values as "&gt;".
    """
    markup: str = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    start = markup.find(">") + 1
    closing = f"</{element.tag}>"
    return markup[start : -len(closing)] if markup.endswith(closing) else markup[start:]


def element_text(element: etree._Element) -> str:
    """The element's text with runs of whitespace made single spaces."""
    text: str = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return " ".join(text.split())


def note_word_count(work: ParsedWork) -> None:
    """Report a declared word count the chapters' text does not add up to."""
    declared = work.declared_word_count
    if declared is None:
        return
    counted = sum(count_words(chapter.content) for chapter in work.chapters)
    if counted != declared:
        work.problems.append(f"declared {declared:,} words but the text has {counted:,}")


_DOCUMENT_MARKERS: Final = re.compile(r"<!doctype\s+html|<(?:html|head|body)[\s>]", re.IGNORECASE)
_ANY_TAG: Final = re.compile(r"<[^>]*>")
_WORD_CHARACTER: Final = re.compile(r"\w")


def _strip_tags(html: str) -> str:
    """The text of sanitized HTML, roughly: enough to tell whether it holds any words."""
    return _ANY_TAG.sub(" ", html)


_FONT_TAG: Final = re.compile(r"</?font\b[^>]*>", re.IGNORECASE)
_COMMON_TAG: Final = re.compile(
    r"</?(?:p|br|div|span|i|b|em|strong|u|a|h[1-6]|hr|center|font|blockquote|table|li)\b[^<>]*>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """A document's start is HTML: a doctype or <html>/<head>/<body>, or mostly tags.

    A fragment (no <html>) counts only when it starts with a tag, so plain text that
    quotes a tag or two, or Markdown whose front matter holds some, is left alone.
    """
    if _DOCUMENT_MARKERS.search(text):
        return True
    return text.lstrip().startswith("<") and len(_COMMON_TAG.findall(text)) >= 3


# --- reading a page ------------------------------------------------------------------

_CHROME: Final = (
    "script", "style", "noscript", "template", "nav", "menu", "form", "select", "button",
    "iframe", "aside", "footer",
)  # fmt: skip
"""Page furniture that is never the story; removed with everything inside."""

_CHROME_NAMES: Final = frozenset(
    {
        "breadcrumbs", "comment-respond", "comments", "nav-links", "post-navigation",
        "related-posts", "share-buttons", "sharedaddy", "sidebar", "social", "widget",
    }
)  # fmt: skip
"""Ids and classes blogs give their furniture (share buttons, comments, widgets)."""

_STORY_CONTAINERS: Final = ("storytext", "story", "chapter-content", "entry-content", "content")
"""Ids and classes sites give the element that holds the story, best first."""

_BLOCKS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl",
        "dt", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "ol", "p", "pre", "section", "table", "ul",
    }
)  # fmt: skip
_HEADINGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")

_NUMBER: Final = (
    r"\d+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
)
_CHAPTER_WORD: Final = r"chapter|ch\.|part|chapitre|kapitel|cap[ií]tulo|capitolo|hoofdstuk"
_CHAPTER_HEADING: Final = re.compile(
    rf"(?:{_CHAPTER_WORD})\s+(?:{_NUMBER})\b\s*(?:[:.\-–—]+\s*(?P<title>.*))?",
    re.IGNORECASE | re.DOTALL,
)
_SPECIAL_HEADING: Final = re.compile(r"(?:prologue|epilogue|interlude)\b.*", re.IGNORECASE)
_BYLINE: Final = re.compile(r"(?:by|written by|author:)\s+(?P<name>.{1,80})", re.IGNORECASE)
_LABEL_LINE: Final = re.compile(r"(?P<label>[A-Za-z][A-Za-z'’/ ]{0,24}?)\s*:\s*(?P<value>.*)")
_DIGITS: Final = re.compile(r"\d[\d,. ]*")
_BCP47: Final = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")

_RATING_NAMES: Final = RATING_SPELLINGS | {
    "pg": GENERAL_AUDIENCES,  # as Open Doors maps MPAA ratings when it moves archives to AO3
    "k+": GENERAL_AUDIENCES,
    "nr": NOT_RATED,
}
"""Ratings people write (MPAA letters, FanFiction.net's K…MA) → AO3's rating."""

_LANGUAGE_NAMES: Final = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de", "italian": "it",
    "portuguese": "pt", "russian": "ru", "polish": "pl", "dutch": "nl", "swedish": "sv",
    "indonesian": "id", "tagalog": "tl", "vietnamese": "vi", "chinese": "zh",
    "japanese": "ja", "korean": "ko", "turkish": "tr", "czech": "cs", "finnish": "fi",
    "danish": "da", "norwegian": "no", "hungarian": "hu", "greek": "el", "hebrew": "he",
}  # fmt: skip
"""Language names in English, as FanFiction.net and personal sites write them."""

_GENRES: Final = frozenset(
    {
        "adventure", "angst", "crime", "drama", "family", "fantasy", "friendship", "general",
        "horror", "humor", "hurt-comfort", "mystery", "parody", "poetry", "romance", "sci-fi",
        "spiritual", "supernatural", "suspense", "tragedy", "western",
    }
)  # fmt: skip
"""FanFiction.net's genres, which its metadata line joins with "/"."""


class _Page:
    """The work being read from one page, with what the reading needs to remember."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self.root = root
        self.work = ParsedWork(title="", chapters=[], language=_page_language(root))
        self.notes: list[str] = []
        self.title_from_heading = False

    def tag(self, tag_type: TagType, names: Iterable[str]) -> None:
        known = self.work.tags.setdefault(tag_type, [])
        known.extend(name for name in names if name and name not in known)


def _page_language(root: lxml.html.HtmlElement) -> str:
    declared = (root.get("lang") or root.get("xml:lang") or "").strip()
    return declared if _BCP47.fullmatch(declared) else "en"


def _meta(root: lxml.html.HtmlElement, *names: str) -> str:
    """The first non-empty <meta name|property=…> content among `names`."""
    for name in names:
        for content in root.xpath(".//meta[@name=$name or @property=$name]/@content", name=name):
            if content.strip():
                return " ".join(content.split())
    return ""


def _read_page(name: str, root: lxml.html.HtmlElement) -> ParsedWork:
    """Any other page: find the story in it, then its title, header, and chapters."""
    page = _Page(root)
    work = page.work
    for link in root.iterfind(".//link[@rel='canonical']"):
        work.source_url = link.get("href", "")
    work.source_url = work.source_url or _meta(root, "og:url")
    body = root.find("body")
    if body is None:
        body = root
    _drop_chrome(body)
    story = _story_element(body)
    _make_paragraphs(story)
    _read_title(page, body, story)
    author = _meta(root, "author", "dc.creator", "DC.creator")
    if author:
        work.creators = [author]
    _read_header(page, story)
    _drop_link_lines(story)
    _split_chapters(page, story)
    if not work.title:
        work.title = PurePosixPath(name.rsplit("!", 1)[-1]).stem or "Untitled"
        work.problems.append("no title found; the file name was used")
    work.notes = _joined_notes(page.notes, work.notes)
    note_word_count(work)
    return work


def _drop_chrome(body: lxml.html.HtmlElement) -> None:
    furniture = [
        element
        for element in body.iter()
        if element.tag in _CHROME
        or not _CHROME_NAMES.isdisjoint(
            (element.get("class", "") + " " + element.get("id", "")).split()
        )
    ]
    for element in furniture:
        if element.getparent() is not None:
            element.drop_tree()


def _story_element(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element that holds the story: the only <article> or <main>, a known id, or body."""
    for tag in ("article", "main"):
        found = body.findall(f".//{tag}")
        if len(found) == 1:
            return found[0]
    best, best_rank = body, len(_STORY_CONTAINERS)
    for element in body.xpath(".//*[@id or @class]"):
        names = {element.get("id", ""), *element.get("class", "").split()}
        rank = next((rank for rank, key in enumerate(_STORY_CONTAINERS) if key in names), best_rank)
        if rank < best_rank:
            best, best_rank = element, rank
    return best


def _read_title(page: _Page, body: lxml.html.HtmlElement, story: lxml.html.HtmlElement) -> None:
    """The title is the first <h1> that is not a chapter heading, else the page's metadata."""
    for heading in (*story.iter("h1"), *body.iter("h1")):
        text = element_text(heading)
        if text and not _is_chapter_heading(text):
            page.work.title = text
            page.title_from_heading = True
            heading.drop_tree()
            return
    page.work.title = _meta(page.root, "og:title", "title", "dc.title", "DC.title")
    if not page.work.title:
        title = page.root.find(".//title")
        page.work.title = element_text(title) if title is not None else ""


def _read_header(page: _Page, story: lxml.html.HtmlElement) -> None:
    """Read and remove the blocks that open the story with its title, byline and "Label: value"s."""
    for block in _leading_blocks(story):
        if block.tag == "hr" or _chapter_title(block) is not None:
            break
        if not element_text(block):
            continue
        if not _read_header_lines(page, _lines(block)):
            break
        block.drop_tree()


_WRAPPERS: Final = frozenset({"div", "section", "header", "center", "span"})


def _leading_blocks(story: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The first dozen blocks of the story, looking inside wrappers that only hold blocks."""
    pending = list(story)
    for _ in range(12):
        if not pending:
            return
        block = pending.pop(0)
        inner = [child for child in block if child.tag in _BLOCKS]
        if block.tag in _WRAPPERS and inner and not (block.text or "").strip():
            pending[:0] = list(block)
            continue
        yield block


def _lines(block: lxml.html.HtmlElement) -> list[str]:
    """The block's text split where a reader sees line breaks (<br>, nested blocks)."""
    pieces: list[str] = []
    for event, element in etree.iterwalk(block, events=("start", "end")):
        breaks = element is not block and (element.tag == "br" or element.tag in _BLOCKS)
        if event == "start":
            pieces.extend(("\n" if breaks else "", element.text or ""))
        else:
            pieces.extend(
                ("\n" if breaks else "", (element.tail or "") if element is not block else "")
            )
    return [" ".join(line.split()) for line in "".join(pieces).split("\n") if line.strip()]


def _drop_link_lines(story: lxml.html.HtmlElement) -> None:
    """Remove the "Back to the index · Next part" lines that end a page: links, nothing else."""
    while len(story) and _only_links(story[-1]):
        story[-1].drop_tree()


def _only_links(block: lxml.html.HtmlElement) -> bool:
    links = [element_text(link) for link in block.iter("a")]
    if not links or block.tag not in _BLOCKS:
        return False
    rest = element_text(block)
    for text in links:
        rest = rest.replace(text, "", 1)
    return not re.search(r"\w", rest)


def _read_header_lines(page: _Page, lines: list[str]) -> bool:
    """Read one header block; False, reading nothing, if some line is not header material.

    Header material is the title again, a byline, or a "Label: value" line; a block of
    labels no one knows ("Mother: Come here.") is story text, not a header.
    """
    title = page.work.title.casefold()
    bylines: list[str] = []
    fields: list[re.Match[str]] = []
    for line in lines:
        byline = _BYLINE.fullmatch(line) if len(line) < 100 else None
        field = _LABEL_LINE.fullmatch(line)
        if byline:
            bylines.append(byline.group("name").strip())
        elif field:
            fields.append(field)
        elif line.casefold() != title:
            return False
    known = any(_is_known_label(field.group("label")) for field in fields)
    if fields and not known:
        return False
    page.work.creators = page.work.creators or bylines
    for field in fields:
        _read_label(page, field.group("label"), field.group("value").strip())
    return True


_LABELS: Final = {
    "title": "title", "author": "author", "authors": "author", "written by": "author",
    "fandom": "fandom", "fandoms": "fandom", "rating": "rating", "rated": "rating",
    "pairing": "relationship", "pairings": "relationship", "relationship": "relationship",
    "relationships": "relationship", "ship": "relationship", "ships": "relationship",
    "character": "character", "characters": "character", "warning": "warning",
    "warnings": "warning", "archive warning": "warning", "archive warnings": "warning",
    "category": "category", "categories": "category", "genre": "freeform",
    "genres": "freeform", "tags": "freeform", "additional tags": "freeform",
    "keywords": "freeform", "summary": "summary", "description": "summary",
    "words": "words", "word count": "words", "wordcount": "words", "length": "words",
    "status": "status", "language": "language", "published": "published",
    "posted": "published", "date": "published", "updated": "updated",
}  # fmt: skip
"""Header labels → what they fill. Any other label ("Beta: …") is kept in the notes."""


def _is_known_label(label: str) -> bool:
    return " ".join(label.casefold().split()) in _LABELS


def _read_label(page: _Page, label: str, value: str) -> None:
    work = page.work
    kind = _LABELS.get(" ".join(label.casefold().split()))
    names = [name.strip() for name in re.split(r"[,;]", value) if name.strip()]
    if kind == "title":
        work.title = work.title if page.title_from_heading else value
    elif kind == "author":
        work.creators = work.creators or names
    elif kind == "fandom":
        page.tag(TagType.FANDOM, names)
    elif kind == "relationship":
        page.tag(TagType.RELATIONSHIP, names)
    elif kind == "character":
        page.tag(TagType.CHARACTER, names)
    elif kind == "freeform":
        page.tag(TagType.FREEFORM, names)
    elif kind == "rating":
        _read_rating(page, value)
    elif kind == "warning":
        _read_fixed_tags(page, TagType.WARNING, _WARNING_NAMES, names)
    elif kind == "category":
        _read_fixed_tags(page, TagType.CATEGORY, _CATEGORY_NAMES, names)
    elif kind == "summary":
        work.summary = text_to_html(value)
    elif kind == "words":
        digits = _DIGITS.search(value)
        if digits:
            work.declared_word_count = int(re.sub(r"\D", "", digits.group()))
    elif kind == "status":
        status = value.casefold()
        if status.startswith(("complete", "finished", "done")):
            work.complete = True
        elif status.startswith(("wip", "in progress", "incomplete", "ongoing", "unfinished")):
            work.complete = False
    elif kind == "language":
        code = _LANGUAGE_NAMES.get(value.casefold()) or (value if _BCP47.fullmatch(value) else "")
        if code:
            work.language = code
        else:
            work.problems.append(f"language {value!r} was not understood")
    elif kind in {"published", "updated"}:
        day = parse_date(value, strict=True)
        if day is None:
            work.problems.append(f"{label} date {value!r} was not understood")
        elif kind == "published":
            work.published = day
        else:
            work.updated = day
    else:
        page.notes.append(f"{label}: {value}")


_WARNING_NAMES: Final = WARNING_SPELLINGS | dict.fromkeys(
    ("n/a", "no archive warnings"), NO_WARNINGS_APPLY
)
_CATEGORY_NAMES: Final = AO3_NAMES[TagType.CATEGORY]


def _read_fixed_tags(
    page: _Page, tag_type: TagType, fixed: dict[str, str], names: list[str]
) -> None:
    """AO3's fixed warnings or categories by name; anything else ("Angst") is a freeform tag."""
    page.tag(tag_type, [fixed[name.casefold()] for name in names if name.casefold() in fixed])
    page.tag(TagType.FREEFORM, [name for name in names if name.casefold() not in fixed])


def _read_rating(page: _Page, value: str) -> None:
    rating = _RATING_NAMES.get(value.casefold().removeprefix("fiction ").strip())
    if rating:
        page.work.tags[TagType.RATING] = [rating]
    else:
        page.work.problems.append(f"rating {value!r} has no AO3 equivalent; left unrated")


# --- chapters --------------------------------------------------------------------------


def _heading_title(text: str) -> str | None:
    """ "Chapter 3: Ice" → "Ice", "Part Two" → "", "Epilogue" → "Epilogue", other text → None."""
    numbered = _CHAPTER_HEADING.fullmatch(text)
    if numbered:
        return (numbered.group("title") or "").strip()
    return text if _SPECIAL_HEADING.fullmatch(text) else None


def _is_chapter_heading(text: str) -> bool:
    return _heading_title(text) is not None


def _chapter_title(element: lxml.html.HtmlElement) -> str | None:
    """The chapter title a heading-like element gives ("" for "Chapter 3"), None if it is not one.

    Headings (h1–h6) count, and so does a short centred or bold paragraph, which is how
    pages written before CSS mark their chapters.
    """
    if element.tag not in _HEADINGS:
        if element.tag not in {"p", "div", "center"} or len(element) > 2:
            return None
        emphasised = element.tag == "center" or element.get("align", "").lower() == "center"
        if not emphasised and not (
            len(element) == 1 and element[0].tag in {"b", "strong", "u"}
            and not (element.text or "").strip() and not (element[0].tail or "").strip()
        ):  # fmt: skip
            return None
    text = element_text(element)
    return _heading_title(text) if len(text) <= 150 else None


def _split_chapters(page: _Page, story: lxml.html.HtmlElement) -> None:
    """Cut the story at its chapter headings (all of one kind of element) or keep it whole.

    The ancestors of the headings are unwrapped, so a page that puts each chapter in its
    own <div> splits as well as one whose headings sit between paragraphs.
    """
    found = [
        (element, title)
        for element in story.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "center")
        if (title := _chapter_title(element)) is not None
    ]
    if found:
        kind = Counter(element.tag for element, _ in found).most_common(1)[0][0]
        found = [(element, title) for element, title in found if element.tag == kind]
    titles = dict(found)
    wrappers = {ancestor for element in titles for ancestor in element.iterancestors()}
    parts: list[tuple[str, list[str]]] = [("", [])]
    _collect(story, titles, wrappers, parts)
    before, *chapters = parts if titles else [("", []), *parts]
    opening = sanitize_html("".join(before[1])).strip()
    if count_words(opening):
        page.work.notes = opening
    page.work.chapters = [
        ParsedChapter(
            title=title, content=sanitize_html("".join(markup), keep_classes=True).strip()
        )
        for title, markup in chapters
    ]


def _collect(
    story: lxml.html.HtmlElement,
    titles: dict[lxml.html.HtmlElement, str],
    wrappers: set[lxml.html.HtmlElement],
    parts: list[tuple[str, list[str]]],
) -> None:
    """Serialize the story into `parts`, starting a new part at each heading.

    Walks with an explicit stack: the headings may sit deeper than Python recurses.
    """
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(story, False)]
    while stack:
        element, done = stack.pop()
        markup = parts[-1][1]
        if done:  # a wrapper is finished: its tail follows
            markup.append("\n")
            if element is not story and element.tail:
                markup.append(_html.escape(element.tail, quote=False))
        elif element in titles:
            parts.append((titles[element], []))
            if element.tail:
                parts[-1][1].append(_html.escape(element.tail, quote=False))
        elif element is story or element in wrappers:
            markup.append("\n" + _html.escape(element.text or "", quote=False))
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
        else:
            markup.append(lxml.html.tostring(element, encoding="unicode", with_tail=True))


def _joined_notes(lines: list[str], html: str) -> str:
    """Header lines nobody has a field for ("Beta: …"), then any opening text."""
    return "\n".join(part for part in (text_to_html("\n".join(lines)), html) if part)


# --- <br><br> paragraphs ------------------------------------------------------------


def _is_break_run(element: lxml.html.HtmlElement) -> bool:
    """Whether `element` is a <br> followed (across whitespace) by another <br>."""
    following = element.getnext()
    return (
        element.tag == "br"
        and following is not None
        and following.tag == "br"
        and not (element.tail or "").replace("\xa0", " ").strip()
    )


def _make_paragraphs(story: lxml.html.HtmlElement) -> None:
    """Turn text separated by blank lines (<br><br>) into <p> paragraphs.

    Only elements that use <br><br> this way are rebuilt; everything else is left as
    written. Blocks inside stay blocks; a single <br> stays a line break.
    """
    containers = [
        element
        for element in story.iter()
        if element.tag not in {"pre", "br"} and any(_is_break_run(child) for child in element)
    ]
    for container in containers:
        if container.tag == "p":
            _split_paragraph(container)
        else:
            _rebuild(container)


def _paragraph_groups(element: lxml.html.HtmlElement) -> list[list[lxml.html.HtmlElement | str]]:
    """Empty `element`, returning its text and children in groups split at <br><br> and blocks."""
    children = list(element)
    run_starts = {child for child in children if _is_break_run(child)}
    groups: list[list[lxml.html.HtmlElement | str]] = [[element.text] if element.text else []]
    element.text = None
    in_run = False
    for child in children:
        tail, child.tail = child.tail, None
        element.remove(child)
        if child.tag == "br" and (in_run or child in run_starts):
            in_run = True
            groups.append([])
        elif child.tag in _BLOCKS:
            in_run = False
            groups.extend(([child], []))
        else:
            in_run = False
            groups[-1].append(child)
        if tail:
            in_run = in_run and not tail.replace("\xa0", " ").strip()
            groups[-1].append(tail)
    return [group for group in groups if group and not _blank(group)]


def _edge(item: lxml.html.HtmlElement | str) -> bool:
    """A <br> or blank text, which means nothing at the edge of a paragraph."""
    if isinstance(item, str):
        return not item.replace("\xa0", " ").strip()
    return bool(item.tag == "br")


def _blank(group: list[lxml.html.HtmlElement | str]) -> bool:
    return all(isinstance(item, str) and _edge(item) for item in group)


def _rebuild(container: lxml.html.HtmlElement) -> None:
    """Refill a container: each group becomes a <p>, blocks stay as they are."""
    for group in _paragraph_groups(container):
        first = group[0]
        if len(group) == 1 and not isinstance(first, str) and first.tag in _BLOCKS:
            container.append(first)
        else:
            paragraph = container.makeelement("p", {})
            _fill(paragraph, group)
            container.append(paragraph)


def _split_paragraph(paragraph: lxml.html.HtmlElement) -> None:
    """Split one <p> at its <br><br>s into several, each keeping the original's attributes."""
    tail, paragraph.tail = paragraph.tail, None
    attributes = dict(paragraph.attrib)
    last = paragraph
    for index, group in enumerate(_paragraph_groups(paragraph)):
        target = paragraph if index == 0 else paragraph.makeelement("p", attributes)
        _fill(target, group)
        if target is not paragraph:
            last.addnext(target)
            last = target
    last.tail = tail


def _fill(paragraph: lxml.html.HtmlElement, group: list[lxml.html.HtmlElement | str]) -> None:
    """Put a group into a paragraph, without the line breaks and spaces at its edges."""
    while group and _edge(group[0]):
        group = group[1:]
    while group and _edge(group[-1]):
        group = group[:-1]
    if group and isinstance(group[0], str):
        group = [group[0].lstrip(), *group[1:]]
    if group and isinstance(group[-1], str):
        group = [*group[:-1], group[-1].rstrip()]
    for item in group:
        if isinstance(item, str):
            if len(paragraph):
                paragraph[-1].tail = (paragraph[-1].tail or "") + item
            else:
                paragraph.text = (paragraph.text or "") + item
        else:
            paragraph.append(item)


# --- FanFiction.net ---------------------------------------------------------------------

_FFN_ID: Final = re.compile(r"\bid:\s*(\d+)")
_FFN_FIELD: Final = re.compile(r"(Chapters|Words|Status):\s*([^-]+?)\s*(?:-|$)")
_FFN_OPTION: Final = re.compile(r"\d+\.\s*(.*)", re.DOTALL)


def _fanfiction_net(root: lxml.html.HtmlElement) -> ParsedWork | None:
    """A chapter page saved from FanFiction.net (or FictionPress), or None if it is not one.

    Such a page holds one chapter, and its metadata line describes the whole story:
    "Rated: Fiction T - English - Romance/Drama - [A, B] C - Chapters: 3 - Words: …".
    """
    profile = root.find(".//*[@id='profile_top']")
    text_element = root.find(".//*[@id='storytext']")
    if profile is None or text_element is None:
        return None
    page = _Page(root)
    work = page.work
    title = profile.find("b")
    work.title = element_text(title) if title is not None else ""
    authors = profile.xpath(".//a[contains(@href, '/u/')]")
    work.creators = [element_text(authors[0])] if authors else []
    summary = profile.find("div[@style='margin-top:2px']")
    if summary is not None:
        work.summary = text_to_html(element_text(summary))
    categories = root.xpath(".//*[@id='pre_story_links']//a")
    if categories:
        fandom = element_text(categories[-1])
        page.tag(TagType.FANDOM, fandom.removesuffix(" Crossover").split(" + "))
    metadata = profile.xpath(".//span[contains(concat(' ', @class, ' '), ' xgray ')]")
    if metadata:
        _ffn_metadata(page, metadata[0])
    _make_paragraphs(text_element)
    option = root.xpath(".//select[@id='chap_select']/option[@selected]")
    heading = _FFN_OPTION.fullmatch(element_text(option[0])) if option else None
    listed = heading.group(1) if heading else ""
    chapter_title = _heading_title(listed)
    work.chapters = [
        ParsedChapter(
            title=listed if chapter_title is None else chapter_title,
            content=sanitize_html(inner_html(text_element), keep_classes=True).strip(),
        )
    ]
    if work.expected_chapters and work.expected_chapters > 1:
        work.problems.append(
            f"this page holds one chapter of {work.expected_chapters}; import each chapter's page"
        )
    else:
        note_word_count(work)
    return work


def _ffn_metadata(page: _Page, line: lxml.html.HtmlElement) -> None:
    work = page.work
    rating = line.xpath(".//a[contains(@href, 'fictionratings')]")
    if rating:
        _read_rating(page, element_text(rating[0]))
    for stamp in line.xpath(".//span[@data-xutime]"):
        label = (stamp.getprevious().tail if stamp.getprevious() is not None else line.text) or ""
        day = datetime.fromtimestamp(int(stamp.get("data-xutime", "0")), tz=UTC).date()
        if "Published" in label[-12:]:
            work.published = day
        elif "Updated" in label[-12:]:
            work.updated = day
    text = element_text(line)
    story_id = _FFN_ID.search(text)
    if story_id:
        work.source_id = story_id.group(1)
        address = _meta(page.root, "og:url") + " ".join(page.root.xpath(".//link/@href"))
        host = "www.fictionpress.com" if "fictionpress.com" in address else "www.fanfiction.net"
        work.source_url = f"https://{host}/s/{work.source_id}/"
    fields = dict(_FFN_FIELD.findall(text))
    work.expected_chapters = int(re.sub(r"\D", "", fields.get("Chapters", "")) or 1)
    if "Words" in fields:
        work.declared_word_count = int(re.sub(r"\D", "", fields["Words"]) or 0)
    work.complete = fields.get("Status", "").strip() == "Complete"
    _, language, *parts = [part.strip() for part in re.split(r"\s+-\s+", text)] + ["", ""]
    work.language = _LANGUAGE_NAMES.get(language.casefold(), "und")
    if work.language == "und":
        work.problems.append(f"language {language!r} was not understood")
    for part in parts:
        genres = part.replace("Hurt/Comfort", "Hurt-Comfort").split("/")
        if not part or ":" in part:
            continue
        if all(genre.casefold() in _GENRES for genre in genres):
            page.tag(TagType.FREEFORM, (genre.replace("-", "/") for genre in genres))
        else:
            _ffn_characters(page, part)


def _ffn_characters(page: _Page, part: str) -> None:
    """ "[Harry P., Draco M.] Ron W." → a relationship Harry P./Draco M. and three characters."""
    for pairing in re.findall(r"\[([^\]]*)\]", part):
        page.tag(TagType.RELATIONSHIP, ["/".join(name.strip() for name in pairing.split(","))])
    page.tag(TagType.CHARACTER, (name.strip() for name in re.split(r"[\[\],]", part)))


class _Importer:
    """Any HTML page that no more specific importer claimed."""

    format_name = "html"
    priority = 20

    def recognizes(self, source: SourceFile) -> bool:
        head = source.head()
        decoded = decode_text(head)
        # NUL bytes mean binary (a zip, an image), unless the text is UTF-16 or UTF-32.
        binary = b"\x00" in head and decoded.encoding not in {"utf-16", "utf-32"}
        return not binary and looks_like_html(decoded.text)

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        # <font> never survives the sanitizer, and pages that open one per paragraph
        # without closing it nest deeper than any parser will follow.
        text = _FONT_TAG.sub("", decode_text(source.data).text)
        root = parse_document(source.name, text)
        work = _fanfiction_net(root) or _read_page(source.name, root)
        if not any(
            _WORD_CHARACTER.search(_strip_tags(chapter.content)) for chapter in work.chapters
        ):
            raise ImportProblem(source.name, "this HTML page holds no story text")
        work.source_format = self.format_name
        return [work]


importer = _Importer()
