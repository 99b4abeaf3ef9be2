"""Importer for fic posted as plain text or Markdown, read as it was posted.

A text fic says what it is in a few loose conventions: a header block of
"Rating: PG-13" lines, YAML front matter, Usenet headers whose Subject carries
"(1/8?)" and "[R]", a "Title / by Author" block, notes before and after, "THE
END". This module reads those conventions into a ParsedWork; textparts.py
turns the story's layout (blank lines, indentation, asterisks) into HTML.
"""

from __future__ import annotations

import re
from codecs import BOM_UTF8, BOM_UTF16_BE, BOM_UTF16_LE, BOM_UTF32_BE, BOM_UTF32_LE
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, auto
from pathlib import Path
from typing import Final

from quire.core import tags as fixed
from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.importers import ImportProblem, SourceFile
from quire.core.importers.decoding import decode_text
from quire.core.importers.textparts import (
    Block,
    ChapterText,
    FieldValue,
    Kind,
    Message,
    Subject,
    blocks_html,
    blocks_of,
    chapters_of,
    inline_html,
    is_wrapped,
    parse_subject,
    poster_name,
    split_front_matter,
    split_messages,
    text_html,
    without_signature,
)
from quire.core.importers.vocabulary import RATING_SPELLINGS, parse_date, spellings
from quire.core.sanitize import sanitize_html
from quire.core.tags import TagType
from quire.core.wordcount import count_words

# ---------------------------------------------------------------- header labels


class Field(Enum):
    """What a header label or front-matter key is about; spellings map to these."""

    TITLE = auto()
    AUTHOR = auto()
    FANDOM = auto()
    RELATIONSHIP = auto()
    CHARACTER = auto()
    RATING = auto()
    WARNING = auto()
    WORDS = auto()
    SUMMARY = auto()
    NOTES = auto()
    LABELLED = auto()
    """Kept in the notes under its own label: Disclaimer, Spoilers, Timing, Beta…"""
    SERIES = auto()
    PART = auto()
    CATEGORY = auto()
    STATUS = auto()
    TAGS = auto()
    PUBLISHED = auto()
    UPDATED = auto()
    URL = auto()
    IGNORED = auto()
    """Site plumbing in front matter (ids, banners, layouts)."""


def _labels(kind: Field, names: str) -> dict[str, Field]:
    return dict.fromkeys(names.split(), kind)


# Labels as written, lower-cased with everything but letters and digits removed.
_LABELS: Final = {
    **_labels(Field.TITLE, "title fictitle storytitle"),
    **_labels(Field.AUTHOR, "author authors by writtenby writer creator creators penname"),
    **_labels(Field.FANDOM, "fandom fandoms canon"),
    **_labels(Field.RELATIONSHIP, "pairing pairings relationship relationships ship ships"),
    **_labels(Field.CHARACTER, "character characters"),
    **_labels(Field.RATING, "rating rated"),
    **_labels(Field.WARNING, "warning warnings archivewarning archivewarnings"),
    **_labels(Field.WARNING, "contentwarning contentwarnings"),
    **_labels(Field.WORDS, "words wordcount length"),
    **_labels(Field.SUMMARY, "summary description"),
    **_labels(Field.NOTES, "notes note an authorsnote authorsnotes authornote authornotes"),
    **_labels(
        Field.LABELLED,
        "disclaimer disclaimers spoilers spoiler spoilerwarning timing setting timeline "
        "timeframe beta betas betareader betaedby betadby feedback archive archiving "
        "dedication for writtenfor prompt request thanks",
    ),
    **_labels(Field.SERIES, "series"),
    **_labels(Field.PART, "part chapter"),
    **_labels(Field.CATEGORY, "category categories genre genres"),
    **_labels(Field.STATUS, "status"),
    **_labels(Field.TAGS, "tags additionaltags freeforms"),
    **_labels(Field.PUBLISHED, "date posted published"),
    **_labels(Field.UPDATED, "updated"),
    **_labels(Field.URL, "url link altlink originalurl source sourceurl"),
    **_labels(Field.IGNORED, "idtag id banner image layout permalink slug template draft"),
}
# A block of one labelled line marks a header only with a label story prose rarely
# starts a paragraph with.
_WEAK_LABELS: Final = frozenset(
    {"note", "for", "date", "posted", "status", "part", "chapter", "setting", "source", "link",
     "url", "length", "request", "prompt", "thanks", "id", "image"}
)  # fmt: skip
_LABEL_LINE: Final = re.compile(
    r"^\s*(?:\*\*|__|<(?:b|strong)>)?\s*(?P<label>[A-Za-z][\w'’ /.&-]{0,30}?)\s*"
    r"(?:(?:\*\*|__|</(?:b|strong)>)\s*[:：]|[:：]\s*(?:\*\*|__|</(?:b|strong)>)?)"
    r"(?:\s+(?P<value>.*))?$"
)
_PART_LINE: Final = re.compile(r"^\s*(?:part|chapter)\s+\d+\s*(?:/|of)\s*(?:\d+|\?)\s*$", re.I)
_PART_VALUE: Final = re.compile(r"(\d+)\s*(?:/|of)\s*(\d+|\?)", re.I)


def _label_of(line: str) -> tuple[Field, str, str] | None:
    """(field, label as written, value) for a header line such as "Rating: PG"."""
    if _PART_LINE.match(line):
        return Field.PART, "Part", line.strip()
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    kind = _LABELS.get(_key(match["label"]))
    return (kind, match["label"].strip(), (match["value"] or "").strip()) if kind else None


def _key(label: str) -> str:
    return re.sub(r"[^a-z0-9]", "", label.lower())


# ---------------------------------------------------------------- AO3's fixed tags

# Ratings as written, lower-cased with everything but letters and digits removed: the
# shared spellings, and the age ratings text headers add (French FR…, "R18").
_RATINGS: Final = {_key(name): rating for name, rating in RATING_SPELLINGS.items()} | spellings(
    {
        fixed.GENERAL_AUDIENCES: "allages frc fr7",
        fixed.TEEN_AND_UP: "pg15 fr13 fr15",
        fixed.MATURE: "r16 fr18",
        fixed.EXPLICIT: "nc18 r18 fr21",
    }
)
_RATING_TOKEN: Final = re.compile(
    r"^(?:rated\s*:?\s*)?(not\s+rated|teen and up(?: audiences)?|general(?: audiences)?|nc-?1[78]"
    r"|pg-?1[35]|r-?1[68]|fr ?(?:c|7|1[358]|21)|k\+|[a-z]+)",
    re.I,
)
_WARNINGS: Final = (
    (re.compile(r"^(?:none|no(?:\s+archive)?\s+warnings?(?:\s+apply)?|n/?a|nothing)$"),
     fixed.NO_WARNINGS_APPLY),
    (re.compile(r"cho(?:o)?se not to (?:use|warn)|cntw|creator chose"), fixed.CHOOSE_NOT_TO_WARN),
    (re.compile(r"character death|\bmcd\b|death ?fic"), fixed.MAJOR_CHARACTER_DEATH),
    (re.compile(r"^(?!.*\b(?:mild|no)\b).*(?:violence|gore)"), fixed.GRAPHIC_VIOLENCE),
    (re.compile(r"\brape\b|non-?con"), fixed.NON_CON),
    (re.compile(r"underage"), fixed.UNDERAGE),
)  # fmt: skip


def rating_tag(value: str) -> str | None:
    """AO3's rating for "PG-13", "Rated R", "NC-17 for sex", "mature"; None if unknown."""
    token = _RATING_TOKEN.match(value.strip())
    return _RATINGS.get(_key(token[1])) if token else None


def warning_tag(value: str) -> str | None:
    lowered = value.strip().lower()
    return next((tag for pattern, tag in _WARNINGS if pattern.search(lowered)), None)


# ---------------------------------------------------------------- what a work says


_LIST_SPLIT: Final = re.compile(r"\s*[,;]\s*")
_AUTHOR_SPLIT: Final = re.compile(r"\s*(?:,|&|\band\b)\s*")
_SERIES_PART: Final = re.compile(
    r"^(?:part\s+(?P<first>\d+)\s+of\s+(?:the\s+)?(?P<name_after>.+?)(?:\s+series)?"
    r"|(?P<name>.+?)[\s,;:(\[-]*(?:part|#|no\.?|book)\s*(?P<number>\d+)[)\]]?)\s*$",
    re.I,
)
_SERIES_LENGTH = 200
_COMPLETE: Final = re.compile(r"^(?:complete[d]?|finished|done|one-?shot)\b", re.I)
_IN_PROGRESS: Final = re.compile(r"^(?:wip|in progress|incomplete|ongoing|unfinished)\b", re.I)
_NUMBER: Final = re.compile(r"\d[\d,.]*")
_AO3_WORK: Final = re.compile(r"archiveofourown\.org/(?:collections/[^/]+/)?works/(\d+)")
_SLUG_WORD: Final = re.compile(r"[^\s/&!()]+")
_VOWEL: Final = re.compile(r"[aeiouy]", re.I)


def readable_tag(name: str) -> str:
    """ "clara-oswald" → "Clara Oswald", "btvs" → "BTVS"; names with capitals stay."""
    name = " ".join(name.replace("_", " ").split())
    if any(character.isupper() for character in name):
        return name
    name = name.replace("-", " ")
    return _SLUG_WORD.sub(
        lambda word: word[0].upper() if not _VOWEL.search(word[0]) else word[0].capitalize(),
        name,
    )


@dataclass(slots=True)
class _Work:
    """What the document has said about the work so far, from every source."""

    titles: dict[str, str] = field(default_factory=dict)
    """Candidate titles by where they came from; see `title()` for the order."""
    authors: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    posters: list[str] = field(default_factory=list)
    tags: dict[TagType, list[str]] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    end_notes: list[str] = field(default_factory=list)
    series: list[SeriesMembership] = field(default_factory=list)
    unplaced_series: list[str] = field(default_factory=list)
    part: tuple[int, int | None] | None = None
    status: bool | None = None
    published: date | None = None
    updated: date | None = None
    source_url: str = ""
    declared_words: int | None = None
    problems: list[str] = field(default_factory=list)

    def tag(self, tag_type: TagType, name: str) -> None:
        name = name.strip().strip(".")
        if not name:
            return
        names = self.tags.setdefault(tag_type, [])
        if name.casefold() not in (known.casefold() for known in names):
            names.append(name)

    def tag_list(self, tag_type: TagType, value: FieldValue) -> None:
        for name in _items(value):
            self.tag(tag_type, readable_tag(name))

    def labelled(self, label: str, value: FieldValue) -> None:
        text = " ".join(_text(value).split())
        self.notes.append(f"<p><strong>{inline_html(label)}:</strong> {inline_html(text)}</p>")

    def apply(self, kind: Field, label: str, value: FieldValue) -> None:
        """Take in one header field or front-matter key."""
        if _text(value):
            _HANDLERS[kind](self, label, value)

    def prefixed_tags(self, label: str, value: FieldValue) -> None:
        """Front-matter tags: "c:buffy" a character, "f:btvs" a fandom, "p:a/b" a pairing."""
        for item in _items(value):
            prefix, _, name = item.rpartition(":") if ":" in item else ("", "", item)
            tag_type = _TAG_PREFIXES.get(prefix.lower())
            if tag_type is not None:
                self.tag(tag_type, readable_tag(name))
            elif prefix.lower() in ("s", "series"):
                self.series_name(readable_tag(name))
            elif prefix and prefix.lower() not in _PLAIN_PREFIXES:
                self.tag(TagType.FREEFORM, f"{readable_tag(prefix)} {readable_tag(name)}")
            else:
                self.tag(TagType.FREEFORM, readable_tag(name))

    def series_name(self, text: str) -> None:
        match = _SERIES_PART.match(text[:_SERIES_LENGTH])
        if match is None:
            self.unplaced_series.append(text)
        else:
            name = match["name"] or match["name_after"]
            self.in_series(name.strip(" ,;:-"), int(match["number"] or match["first"]))

    def in_series(self, name: str, position: int) -> None:
        if all(known.title.casefold() != name.casefold() for known in self.series):
            self.series.append(SeriesMembership(title=name, position=position))

    def place_series(self, title: str) -> None:
        """Series named without a part number: "Owned 4: …" is part 4 of "Owned"."""
        for name in self.unplaced_series:
            number = re.match(rf"{re.escape(name)}\s*(?:#|part\s+|book\s+)?(\d+)\b", title, re.I)
            if number is not None:
                self.in_series(name, int(number[1]))
            elif all(known.title.casefold() != name.casefold() for known in self.series):
                self.problems.append(f"series “{name}” has no part number, so it was not recorded")

    def title(self, fallback: str) -> str:
        for source in ("header", "subject", "block"):
            if self.titles.get(source):
                return self.titles[source]
        self.problems.append("no title in the document; the file name was used")
        return fallback


def _text(value: FieldValue) -> str:
    return ", ".join(value) if isinstance(value, list) else value.strip()


def _items(value: FieldValue) -> list[str]:
    items = value if isinstance(value, list) else _LIST_SPLIT.split(value)
    return [item.strip() for item in items if item.strip()]


_TAG_PREFIXES: Final = {
    "c": TagType.CHARACTER,
    "character": TagType.CHARACTER,
    "f": TagType.FANDOM,
    "fandom": TagType.FANDOM,
    "p": TagType.RELATIONSHIP,
    "pairing": TagType.RELATIONSHIP,
    "r": TagType.RELATIONSHIP,
}
_PLAIN_PREFIXES: Final = frozenset({"genre", "g", "kink", "t", "tag", "theme", "trope"})


def _title(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    work.titles.setdefault("header", " ".join(text.split()))


def _author(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    for name in _AUTHOR_SPLIT.split(text):
        if name and name not in work.authors:
            work.authors.append(name)


def _rating(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    rating = rating_tag(text)
    if rating is None:
        work.problems.append(f"rating “{text}” is not one AO3 has; no rating was set")
    elif TagType.RATING not in work.tags:
        work.tags[TagType.RATING] = [rating]


def _warnings(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    for item in _items(text):
        warning = warning_tag(item)
        if warning is not None:
            work.tag(TagType.WARNING, warning)
        else:
            work.tag(TagType.FREEFORM, readable_tag(item))
            work.problems.append(
                f"warning “{item}” is not an AO3 archive warning; kept as an additional tag"
            )


def _words(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    number = _NUMBER.search(text)
    if number is None or (_key(label) == "length" and "word" not in text.lower()):
        work.labelled(label, text)
    else:
        work.declared_words = int(re.sub(r"\D", "", number[0]))


def _series(work: _Work, label: str, value: FieldValue) -> None:
    work.series_name(readable_tag(_text(value)))


def _part(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    match = _PART_VALUE.search(text)
    if match is None:
        work.labelled(label, text)
    else:
        work.part = int(match[1]), None if match[2] == "?" else int(match[2])


def _category(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    for item in _items(text):
        if item.lower() == "gen":
            work.tag(TagType.CATEGORY, "Gen")
        else:
            work.tag(TagType.FREEFORM, readable_tag(item))


def _status(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    if _COMPLETE.match(text):
        work.status = True
    elif _IN_PROGRESS.match(text):
        work.status = False
    else:
        work.labelled(label, text)


def _dated(work: _Work, text: str) -> date | None:
    day = parse_date(text)
    if day is None:
        work.problems.append(f"date “{text}” was not understood")
    return day


def _published(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    work.published = work.published or _dated(work, text)


def _updated(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    work.updated = _dated(work, text)


def _url(work: _Work, label: str, value: FieldValue) -> None:
    text = _text(value)
    if text.startswith(("http://", "https://")) and not work.source_url:
        work.source_url = text
    else:
        work.labelled(label, text)


def _tags_of(tag_type: TagType) -> Handler:
    def handler(work: _Work, label: str, value: FieldValue) -> None:
        work.tag_list(tag_type, value)

    return handler


def _summary(work: _Work, label: str, value: FieldValue) -> None:
    work.summary.append(text_html(_text(value)))


def _notes(work: _Work, label: str, value: FieldValue) -> None:
    work.notes.append(text_html(_text(value)))


def _ignored(work: _Work, label: str, value: FieldValue) -> None:
    """Site plumbing: nothing a reader or an archive needs."""


Handler = Callable[[_Work, str, FieldValue], None]
_HANDLERS: Final[dict[Field, Handler]] = {
    Field.TITLE: _title,
    Field.AUTHOR: _author,
    Field.FANDOM: _tags_of(TagType.FANDOM),
    Field.RELATIONSHIP: _tags_of(TagType.RELATIONSHIP),
    Field.CHARACTER: _tags_of(TagType.CHARACTER),
    Field.RATING: _rating,
    Field.WARNING: _warnings,
    Field.WORDS: _words,
    Field.SUMMARY: _summary,
    Field.NOTES: _notes,
    Field.LABELLED: _Work.labelled,
    Field.SERIES: _series,
    Field.PART: _part,
    Field.CATEGORY: _category,
    Field.STATUS: _status,
    Field.TAGS: _Work.prefixed_tags,
    Field.PUBLISHED: _published,
    Field.UPDATED: _updated,
    Field.URL: _url,
    Field.IGNORED: _ignored,
}


# ---------------------------------------------------------------- a post's parts

_PREAMBLE_BLOCKS = 20
_PREAMBLE_WORDS = 800
_TAIL_WORDS = 300
_TAIL_BLOCKS = 4
_TITLE_LINES = 6
_TITLE_LINE_LENGTH = 70
_FIRST_LINE_WORDS = 8
_NAME_WORDS = 4
_INTERLUDE_WORDS = 60
_RULE_LENGTH = 10
_INTRO_WORDS = 150
_PROSE_FIELDS: Final = frozenset({Field.SUMMARY, Field.NOTES, Field.LABELLED})
_NOTE_FIELDS: Final = frozenset({Field.NOTES, Field.LABELLED})

_BYLINE: Final = re.compile(
    r"^(?:(?:written|story|fic)\s+)?by\s*[.:]?(?:\s+(?P<name>.*))?$"
    r"|^(?:copyright|©|\(c\))\s*(?:\d{4}\s*,?\s*)?(?:by\s+)?(?P<owner>.+?)(?:,?\s*\d{4})?\.?$",
    re.I,
)
_NOT_A_NAME: Final = frozenset(
    {"the", "a", "an", "now", "then", "way", "this", "that", "his", "her", "my", "their", "our",
     "your", "its", "all"}
)  # fmt: skip
_BRACKETED_EMAIL: Final = re.compile(r"[(<\[]?\s*[\w.+-]+@[\w.-]+\s*[)>\]]?")
_UNTITLED_FIRST: Final = re.compile(r"[.!?…\"”’,;:]$|^[\"“‘'(]")


@dataclass(slots=True)
class _Byline:
    """A prose title block: "Clouds / by Mary Jane", centred or not."""

    title: str
    authors: list[str]
    extra: list[str]
    """Lines of the block that are neither title nor byline (an address, a date)."""
    size: int = 1
    """Blocks it takes up: 2 when the byline stands apart from the title."""


def _names(text: str) -> list[str] | None:
    """The author names in a byline's name part, or None when it reads like prose."""
    text = _BRACKETED_EMAIL.sub(lambda found: "" if "@" in found[0] else found[0], text).strip()
    text = text.strip(" ,;:-–—")
    words = text.split()
    if not words or len(words) > _NAME_WORDS or words[0].lower() in _NOT_A_NAME:
        return None
    if re.search(r"[!?\"“”]|,\s*\w+\s+\w+\s+\w+|\w\w\.$", text):
        return None
    return [name for name in _AUTHOR_SPLIT.split(text) if name]


def _byline_at(lines: list[str], index: int) -> tuple[list[str], int] | None:
    """Authors named on line `index` (or the next, after a bare "By."), and lines used."""
    match = _BYLINE.match(lines[index])
    if match is None:
        return None
    name = match["name"] or match["owner"] or ""
    if not name.strip() and index + 1 < len(lines):
        found = _names(lines[index + 1])
        return (found, 2) if found else None
    found = _names(name)
    return (found, 1) if found else None


def _same_title(line: str, title: str) -> bool:
    return bool(title) and _key(line) == _key(title)


def _title_block(blocks: list[Block], index: int, known_title: str) -> _Byline | None:
    block = blocks[index]
    if index == 0 and block.level == 1 and sum(other.level == 1 for other in blocks) == 1:
        return _Byline(block.title, [], [])  # "# Title" opening a Markdown story
    lines = [line.strip() for line in block.lines]
    if (
        block.kind is not Kind.TEXT
        or len(lines) > _TITLE_LINES
        or any(len(line) > _TITLE_LINE_LENGTH for line in lines)
    ):
        return None
    for number in range(len(lines)):
        byline = _byline_at(lines, number)
        if byline is not None:
            authors, used = byline
            return _Byline(" ".join(lines[:number]), authors, lines[number + used :])
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if (
        following is not None
        and following.kind is Kind.TEXT
        and len(following.lines) <= 2
        and all(len(line.strip()) <= _TITLE_LINE_LENGTH for line in following.lines)
    ):
        byline = _byline_at([line.strip() for line in following.lines], 0)
        if byline is not None:
            rest = [line.strip() for line in following.lines[byline[1] :]]
            return _Byline(" ".join(lines), byline[0], rest, size=2)
    if _same_title(lines[0], known_title):
        return _Byline(lines[0], [], lines[1:])
    return None


FieldLine = tuple[Field, str, str]


def _header_fields(block: Block) -> list[FieldLine] | None:
    """The labelled fields of a header block; a line without a label continues the last."""
    if block.kind is not Kind.TEXT or _label_of(block.lines[0]) is None:
        return None
    fields: list[FieldLine] = []
    for line in block.lines:
        labelled = _label_of(line)
        if labelled is not None:
            fields.append(labelled)
        else:
            kind, label, value = fields[-1]
            fields[-1] = kind, label, f"{value}\n{line.strip()}".strip()
    if len(fields) == 1 and _key(fields[0][1]) in _WEAK_LABELS:
        return None
    return fields


Preamble = list[Block | list[FieldLine] | _Byline]


def _preamble(blocks: list[Block], known_title: str) -> tuple[Preamble, int]:
    """What comes before the story (intro, header fields, title block) and where it starts.

    The story starts after the last header or title block near the top. Before the
    first of them any text is an introduction; after it, one short paragraph may sit
    between two of them (a disclaimer), but a second one is the story already.
    """
    budget = max(_PREAMBLE_WORDS, sum(block.words for block in blocks) * 2 // 5)
    items: Preamble = []
    kept = start = index = seen = 0
    while index < min(len(blocks), _PREAMBLE_BLOCKS) and seen <= budget:
        block = blocks[index]
        byline = _title_block(blocks, index, known_title)
        fields = _header_fields(block) if byline is None else None
        if byline is not None:
            items.append(byline)
            index += byline.size
        elif fields is not None:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            kind, label, value = fields[-1]
            if not value and kind in _PROSE_FIELDS and following and not _header_fields(following):
                fields[-1] = kind, label, following.text
                index += 1
            items.append(fields)
            index += 1
        elif kept and (len(items) > kept or block.words > _INTERLUDE_WORDS):
            break
        elif block.kind is Kind.BREAK and len(block.text) >= _RULE_LENGTH and seen <= _INTRO_WORDS:
            index += 1  # a long rule under a short introduction
        else:
            items.append(block)
            seen += block.words
            index += 1
            continue
        kept, start = len(items), index
    if not kept:
        return _first_line_title(blocks, known_title)
    while start < len(blocks) and blocks[start].kind is Kind.BREAK:
        start += 1
    return items[:kept], start


def _first_line_title(blocks: list[Block], known_title: str) -> tuple[Preamble, int]:
    """A story opening with one short unpunctuated line takes it as its title."""
    first = blocks[0] if len(blocks) > 1 else None
    if (
        known_title
        or first is None
        or first.kind is not Kind.TEXT
        or len(first.lines) > 1
        or first.words > _FIRST_LINE_WORDS
        or _UNTITLED_FIRST.search(first.text)
    ):
        return [], 0
    return [_Byline(first.text, [], [])], 1


def _tail(blocks: list[Block]) -> tuple[list[Block], list[Block], bool | None]:
    """The story, what follows it (end notes), and what its end marker says.

    After the last end marker ("THE END", "TBC") comes the end notes; without one,
    a "Notes:" or "A/N:" block among the last few starts them.
    """
    limit = max(_TAIL_WORDS, sum(block.words for block in blocks) // 4)
    ends = [index for index, block in enumerate(blocks) if block.kind is Kind.END]
    if ends and sum(block.words for block in blocks[ends[-1] + 1 :]) <= limit:
        return blocks[: ends[-1]], blocks[ends[-1] + 1 :], blocks[ends[-1]].complete
    for index in range(max(len(blocks) - _TAIL_BLOCKS, 1), len(blocks)):
        labelled = _label_of(blocks[index].lines[0]) if blocks[index].kind is Kind.TEXT else None
        after = sum(block.words for block in blocks[index:])
        if labelled is not None and labelled[0] in _NOTE_FIELDS and after <= limit:
            return blocks[:index], blocks[index:], None
    return blocks, [], None


@dataclass(slots=True)
class _Post:
    chapters: list[ChapterText]
    end_notes: str
    complete: bool | None
    """What the post's end marker says: THE END (True), TBC (False), none (None)."""


def _read_post(
    lines: list[str], work: _Work, known_title: str, *, posted: bool, soft_breaks: bool
) -> _Post:
    """Read one post into `work` (title, fields, notes) and return its story."""
    blocks = blocks_of(without_signature(lines, posted=posted))
    wrapped = soft_breaks or is_wrapped([block for block in blocks if not _header_fields(block)])
    items, start = _preamble(blocks, known_title)
    intro: list[Block] = []
    for item in items:
        if isinstance(item, Block):
            intro.append(item)
            continue
        _take_intro(work, intro, wrapped)
        if isinstance(item, _Byline):
            if item.title:
                work.titles.setdefault("block", item.title)
            work.bylines += [name for name in item.authors if name not in work.bylines]
            if item.extra:
                work.notes.append(text_html("\n".join(item.extra)))
        else:
            for kind, label, value in item:
                work.apply(kind, label, value)
    _take_intro(work, intro, wrapped)
    story, tail, complete = _tail(blocks[start:])
    return _Post(chapters_of(story, wrapped=wrapped), _end_notes(tail, wrapped), complete)


def _take_intro(work: _Work, intro: list[Block], wrapped: bool) -> None:
    """Move text that came before a header or title block into the notes."""
    if intro:
        work.notes.append(blocks_html(intro, wrapped=wrapped))
        intro.clear()


def _end_notes(tail: list[Block], wrapped: bool) -> str:
    """The end notes' HTML, without a leading "A/N:" or "Notes:" label."""
    labelled = _label_of(tail[0].lines[0]) if tail and tail[0].kind is Kind.TEXT else None
    if labelled is not None and labelled[0] is Field.NOTES:
        first = tail[0]
        lines = [labelled[2], *first.lines[1:]] if labelled[2] else first.lines[1:]
        tail = [Block(first.kind, lines, first.gap), *tail[1:]] if lines else tail[1:]
    return blocks_html(tail, wrapped=wrapped)


# ---------------------------------------------------------------- whole works


def _is_rating(text: str) -> bool:
    return _key(text) in _RATINGS


def _html(parts: list[str]) -> str:
    return sanitize_html("\n".join(part for part in parts if part))


def _name_title(name: str) -> str:
    """A file name made readable, for a document that names no title."""
    stem = Path(name.rsplit("!", 1)[-1]).stem
    readable = " ".join(re.sub(r"[_-]+", " ", stem).split())
    return readable[:1].upper() + readable[1:] or "Untitled"


def _threads(messages: list[Message]) -> list[list[tuple[Message, Subject]]]:
    """Messages grouped into works: consecutive posts with the same Subject title."""
    groups: list[list[tuple[Message, Subject]]] = []
    current = ""
    for message in messages:
        subject = parse_subject(message.headers.get("subject", ""), _is_rating)
        key = _key(subject.title)
        if groups and (not key or key == current):
            groups[-1].append((message, subject))
        else:
            groups.append([(message, subject)])
            current = key or current
    return groups


def _take_subject(work: _Work, subject: Subject) -> None:
    if subject.title:
        work.titles.setdefault("subject", subject.title)
    if subject.part:
        work.part = subject.part
    if subject.rating:
        _rating(work, "Rating", subject.rating)
    if subject.fandom:
        work.tag(TagType.FANDOM, subject.fandom)


def _completion(work: _Work, chapters: int, marker: bool | None) -> tuple[bool | None, int | None]:
    """(complete, expected chapters): a Status field, then "Part N/M", then THE END or TBC."""
    if work.part is not None:
        number, total = work.part
        if work.status is not None:
            return work.status, total
        return (number == total if total else bool(marker)), total
    complete = work.status if work.status is not None else marker
    return complete, chapters if complete else None


def _build(
    group: list[tuple[Message, Subject]],
    name: str,
    front: dict[str, FieldValue],
    *,
    soft_breaks: bool,
) -> ParsedWork:
    """One work from its posts: the first post's metadata, each post's chapters."""
    work = _Work()
    for key, value in front.items():
        kind = _LABELS.get(_key(key))
        if kind is None:
            work.problems.append(f"front matter field “{key}” was not used")
        else:
            work.apply(kind, key, value)
    chapters: list[ParsedChapter] = []
    days: list[date] = []
    marker: bool | None = None
    for index, (message, subject) in enumerate(group):
        _take_subject(work, subject)
        day = parse_date(message.headers.get("date", ""))
        days += [day] if day else []
        if "from" in message.headers:
            poster = poster_name(message.headers["from"])
            work.posters += [poster] if poster and poster not in work.posters else []
        target = work if index == 0 else _Work()
        known = work.titles.get("header") or subject.title or work.titles.get("subject", "")
        post = _read_post(
            message.lines, target, known, posted=bool(message.headers), soft_breaks=soft_breaks
        )
        parsed = [
            ParsedChapter(sanitize_html(text.html(), keep_classes=True), text.title, published=day)
            for text in post.chapters
        ]
        if target is not work:
            work.problems += target.problems
            if parsed:
                parsed[0].notes = _html(target.notes)
            else:
                work.notes += target.notes
        if index < len(group) - 1 and parsed:
            parsed[-1].end_notes = _html([post.end_notes])
        else:
            work.end_notes.append(post.end_notes)
        chapters += parsed
        marker = post.complete
    if not any(chapter.content for chapter in chapters):
        raise ImportProblem(name, "no story text found")
    return _finish(work, chapters, days, marker, name)


def _finish(
    work: _Work, chapters: list[ParsedChapter], days: list[date], marker: bool | None, name: str
) -> ParsedWork:
    title = work.title(_name_title(name))
    work.place_series(title)
    creators = work.authors or work.bylines or work.posters
    if not creators:
        work.problems.append("no author named in the document")
    complete, expected = _completion(work, len(chapters), marker)
    if work.declared_words is not None:
        words = sum(count_words(chapter.content) for chapter in chapters)
        if work.declared_words != words:
            work.problems.append(
                f"declared {work.declared_words:,} words but the text has {words:,}"
            )
    published = work.published or (days[0] if days else None)
    updated = work.updated or (days[-1] if len(days) > 1 and days[-1] != published else None)
    ao3_work = _AO3_WORK.search(work.source_url)
    return ParsedWork(
        title=title,
        chapters=chapters,
        creators=creators,
        summary=_html(work.summary),
        notes=_html(work.notes),
        end_notes=_html(work.end_notes),
        tags=work.tags,
        expected_chapters=expected,
        complete=complete,
        published=published,
        updated=updated,
        series=work.series,
        source_format=importer.format_name,
        source_url=work.source_url,
        source_id=ao3_work[1] if ao3_work else "",
        declared_word_count=work.declared_words,
        problems=work.problems,
    )


# ---------------------------------------------------------------- the importer

_BINARY_MAGIC: Final = (
    b"PK\x03\x04", b"%PDF", b"\x1f\x8b", b"GIF8", b"\x89PNG", b"\xff\xd8\xff", b"{\\rtf",
    b"BZh", b"7z\xbc\xaf", b"Rar!", b"\xd0\xcf\x11\xe0",
)  # fmt: skip
_WIDE_BOMS: Final = (
    (BOM_UTF32_LE, "utf-32"), (BOM_UTF32_BE, "utf-32"), (BOM_UTF16_LE, "utf-16"),
    (BOM_UTF16_BE, "utf-16"),
)  # fmt: skip
# As sanitize.CONTROL_CHARACTERS, but a form feed counts as text: old text files
# break their pages with it.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Documents that are text but not prose: markup, JSON, SQL dumps, a CSV header row,
# an INI section.
_NOT_PROSE_START: Final = re.compile(
    r"""\s*(?:<!doctype|<html|<\?xml|<head|<body|<!--|[\[{]\s*["{\[]
    |--\ (?:mysql|phpmyadmin)|create\ table|insert\ into|/\*!
    |[^\s,]+(?:,[^\s,]*){4,}\r?\n
    |\[[^\]\n]{1,60}\]\n\s*[\w.-]+\s*=)""",
    re.I | re.X,
)
_HTML_TAG: Final = re.compile(r"</?[a-z][a-z0-9]*\b[^<>]*>", re.I)
_TAG_DENSITY_MIN = 8
_MARKDOWN_SUFFIXES: Final = frozenset({".md", ".markdown", ".mdown", ".mkd"})


def _head_text(head: bytes) -> str | None:
    """The first bytes as text for sniffing, or None when they hold binary data.

    Wide encodings are told by their byte order mark; anything else is read byte
    for byte (as Latin-1), enough to see markup and control characters.
    """
    wide = next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)
    text = (
        head.decode(wide, errors="replace")
        if wide
        else head.removeprefix(BOM_UTF8).decode("latin-1")
    )
    text = text.removeprefix("\ufeff")
    if "\x00" in text or len(_CONTROL.findall(text)) > len(text) // 50:
        return None
    return text


class TextImporter:
    """Plain text and Markdown: whatever is text and not HTML, XML or data."""

    format_name = "text"
    priority = 10

    def recognizes(self, source: SourceFile) -> bool:
        head = source.head()
        if head.startswith(_BINARY_MAGIC):
            return False
        text = _head_text(head)
        if text is None or _NOT_PROSE_START.match(text):
            return False
        if text.startswith("---"):  # front matter: the body may well be HTML
            return True
        lines = sum(1 for line in text.splitlines() if line.strip())
        tags = len(_HTML_TAG.findall(text))
        return not (tags >= _TAG_DENSITY_MIN and tags >= lines)

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        text = decode_text(source.data).text
        if not text.strip():
            raise ImportProblem(source.name, "the file holds no text")
        front = split_front_matter(text)
        if front is not None:
            fields, body = front
            message = Message({}, body.split("\n"))
            return [_build([(message, Subject(""))], source.name, fields, soft_breaks=True)]
        soft_breaks = source.suffix in _MARKDOWN_SUFFIXES
        return [
            _build(group, source.name, {}, soft_breaks=soft_breaks)
            for group in _threads(split_messages(text.split("\n")))
        ]


importer = TextImporter()
