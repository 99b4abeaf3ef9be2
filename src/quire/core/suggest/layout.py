"""A story's text cut into word tokens, sentences and paragraphs, once per suggestion run.

Everything downstream works on token indexes and character offsets into this one
layout, so the text is scanned by regular expressions only here, a fixed number of
times whatever the size of the lexicon.

Tokens are runs of letters and digits: apostrophes and hyphens split words, so
"Buffy's" is ``Buffy`` + ``s`` and "O'Brien" is ``O`` + ``Brien``. Names and cue
phrases are cut the same way, and the characters between tokens (the "gap") are
checked when a phrase is longer than one token.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise
from typing import Final

import lxml.html
from lxml import etree

__all__ = ["TextLayout", "gap_key", "phrase_gaps", "text_of_html", "tokenize"]

# Curly quotes become straight ones one character for one, so offsets into the
# normalised text are offsets into the caller's text.
_STRAIGHTEN: Final = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"'})

WORD: Final = re.compile(r"[^\W_]+")

# A full stop after one of these (or after a single capital, an initial) does not
# end a sentence: "Mr. Spock", "James T. Kirk".
ABBREVIATIONS: Final = frozenset(
    {
        "mr", "mrs", "ms", "dr", "st", "lt", "capt", "cmdr", "col", "gen", "sgt", "prof",
        "jr", "sr", "mt", "fr", "rev", "hon", "ens", "cdr", "vs",
    }
)  # fmt: skip

_SENTENCE_END: Final = re.compile(r"[.!?…]+[\"')\]]*(?=\s|$)")
_WORD_BEFORE: Final = re.compile(r"[^\W_]+$")
_BLANK_LINE: Final = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_BREAK: Final = re.compile(r"\n\s*")


def tokenize(text: str) -> list[str]:
    """The word tokens of a short string (a name or a cue phrase), as the layout cuts them."""
    return WORD.findall(text.translate(_STRAIGHTEN))


def phrase_gaps(phrase: str, *, strict: bool) -> tuple[list[str], tuple[str, ...]] | None:
    """A phrase's tokens and the gap keys between them; None if it cannot be matched."""
    text = phrase.translate(_STRAIGHTEN)
    spans = [match.span() for match in WORD.finditer(text)]
    if not spans:
        return None
    gaps: list[str] = []
    for (start, end), (following, _) in pairwise(spans):
        key = gap_key(text[end:following], text[start:end], strict=strict)
        if key is None:
            return None
        gaps.append(key)
    return [text[start:end] for start, end in spans], tuple(gaps)


def _is_abbreviation(word: str) -> bool:
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def gap_key(gap: str, previous: str, *, strict: bool) -> str | None:
    """What must lie between two tokens of a phrase, or None if they cannot be joined.

    A paragraph break never joins. For names (``strict``) the key is the gap without
    spaces, and a full stop is only allowed after an initial or an abbreviation, so
    "Mrs. Hudson" and "Mrs Hudson" agree but "Buffy. Summers" is not a name. For cue
    phrases hyphens count as spaces ("blood-soaked" = "blood soaked").
    """
    if gap.count("\n") > 1:
        return None
    key = "".join(gap.split())
    if strict:
        if "." in key:
            if not _is_abbreviation(previous):
                return None
            key = key.replace(".", "")
        return key
    return key.replace("-", "")


class TextLayout:
    """Tokens with their offsets, and the paragraph and sentence each offset falls in."""

    __slots__ = (
        "_paragraph_starts",
        "_sentence_starts",
        "ends",
        "lower",
        "starts",
        "text",
        "tokens",
    )

    def __init__(self, text: str) -> None:
        self.text: str = text.translate(_STRAIGHTEN)
        self.tokens: list[str] = WORD.findall(self.text)
        self.starts: list[int] = [match.start() for match in WORD.finditer(self.text)]
        self.ends: list[int] = [
            start + len(token) for start, token in zip(self.starts, self.tokens, strict=True)
        ]
        self.lower: list[str] = [token.lower() for token in self.tokens]
        self._paragraph_starts = self._find_paragraphs()
        self._sentence_starts = self._find_sentences()

    @property
    def word_count(self) -> int:
        return len(self.tokens)

    @property
    def paragraph_count(self) -> int:
        return len(self._paragraph_starts)

    def _find_paragraphs(self) -> list[int]:
        text = self.text
        separator = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE_BREAK
        starts = [0]
        for match in separator.finditer(text):
            if match.start() == 0:
                starts[0] = match.end()
            elif match.end() < len(text):
                starts.append(match.end())
        return starts

    def _find_sentences(self) -> list[int]:
        text = self.text
        starts = set(self._paragraph_starts)
        for match in _SENTENCE_END.finditer(text):
            start = match.start()
            if text[start] == "." and match.group().rstrip("\"')]") == ".":
                before = _WORD_BEFORE.search(text, max(0, start - 8), start)
                if before is not None and _is_abbreviation(before.group()):
                    continue
            starts.add(match.end())
        return sorted(starts)

    def paragraph_of(self, offset: int) -> int:
        """1-based paragraph number of a character offset."""
        return bisect_right(self._paragraph_starts, offset) or 1

    def sentence_of(self, offset: int) -> int:
        """0-based sentence number of a character offset."""
        number = bisect_right(self._sentence_starts, offset) - 1
        return number if number > 0 else 0

    def starts_sentence(self, index: int) -> bool:
        """Whether token ``index`` is the first word of its sentence."""
        if index == 0:
            return True
        return self.sentence_of(self.starts[index]) != self.sentence_of(self.starts[index - 1])

    def gap(self, index: int) -> str:
        """The characters between token ``index`` and the next one."""
        return self.text[self.ends[index] : self.starts[index + 1]]

    def where(self, offsets: list[int]) -> str:
        """Say where some offsets are: paragraph numbers, or the first character position."""
        if not offsets:
            return "nowhere"
        if self.paragraph_count > 1:
            starts = self._paragraph_starts
            numbers = sorted({bisect_right(starts, offset) or 1 for offset in offsets})
            shown = ", ".join(str(number) for number in numbers[:8])
            more = f" and {len(numbers) - 8} more" if len(numbers) > 8 else ""
            noun = "paragraph" if len(numbers) == 1 else "paragraphs"
            return f"{noun} {shown}{more}"
        return f"first at character {min(offsets) + 1:,}"


# Elements whose content starts and ends a paragraph of text.
_BLOCKS: Final = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "table", "tr", "td", "th", "caption", "hr", "section",
        "article", "header", "footer", "aside", "nav", "figure", "figcaption", "details",
        "summary", "center", "address", "main", "body",
    }
)  # fmt: skip
_NOT_TEXT: Final = frozenset({"script", "style", "head", "title", "template", "noscript"})
_SPACES: Final = re.compile(r"[ \t\r\n\f\v]+")
_AROUND_BREAKS: Final = re.compile(r" *\n *")
_MANY_BREAKS: Final = re.compile(r"\n{3,}")
_PARSER: Final = lxml.html.HTMLParser(
    encoding="utf-8", recover=True, no_network=True, huge_tree=True
)


def text_of_html(html: str) -> str:
    """The readable text of a chapter's HTML: paragraphs separated by blank lines.

    Block elements end paragraphs, ``<br>`` ends a line, scripts, styles and comments
    are dropped, and other whitespace is collapsed as a browser would.
    """
    if not html.strip():
        return ""
    try:
        root = etree.fromstring(html.encode("utf-8", "replace"), _PARSER)
    except etree.LxmlError:
        return ""
    if root is None:
        return ""
    pieces: list[str] = []
    # An explicit stack rather than recursion: chapters can nest deeper than Python's
    # recursion limit allows.
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if closing:
            if tag in _BLOCKS:
                pieces.append("\n\n")
        elif tag and tag not in _NOT_TEXT:
            if tag in _BLOCKS:
                pieces.append("\n\n")
            elif tag == "br":
                pieces.append("\n")
            if element.text:
                pieces.append(_SPACES.sub(" ", element.text))
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
            continue
        if element.tail and element is not root:
            pieces.append(_SPACES.sub(" ", element.tail))
    text = _AROUND_BREAKS.sub("\n", "".join(pieces))
    return _MANY_BREAKS.sub("\n\n", text).strip()
