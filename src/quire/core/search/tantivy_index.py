"""The embedded search backend: a Tantivy index in a folder of the archive's data directory.

One index holds two kinds of document, told apart by the ``kind`` field:

* a **work** document per work, carrying everything a search filters, sorts or
  facets on, and the work's text in six fields (title, summary, notes, tags,
  creators, body). ``body`` holds every chapter (each chapter a separate value,
  so a phrase never runs from one chapter into the next). Queries match, count
  and facet work documents only, so a work matches a query when its words are
  anywhere in the work, even in different chapters.
* a **chapter** document per chapter (work_id, chapter_id, position, the
  chapter's words and its stored plain text). Chapter documents are only read
  for the works on the current page, already filtered for visibility, to pick
  the chapters where the words occur and cut a snippet from each.

Work and chapter documents of one work are written in the same commit, so the
index never holds half a work. Adding a work first deletes every document with
its work_id, then adds the new ones; a batch is committed once.

Text is indexed with ``textquery.split_words`` (pre-tokenized), so the index's
words are exactly the query language's words (casefolded, NFC, ``don't`` and
``arm-rest`` one word, each Han/Kana/Thai character a word).

Facets use Tantivy's terms aggregation over one multi-valued u64 fast field per
tag type (``facet_fandom`` …), run on the same query as the hits, so the counts
are exact over the whole matching set: with ``segment_size`` unbounded every
segment reports all its tags (``doc_count_error_upper_bound`` is 0); only the
final list per type is cut to ``facet_limit`` tags (most works first), because
Tantivy refuses to return more than 65,000 buckets in one request. The cost is
one more pass over the matching documents, reading their tag columns in Rust:
linear in (matching works × tags per work), no Python per document.

Sorting uses one u64 (or string) fast field per sort, each a composite key so
ties are broken inside Tantivy: counts by the count, then the updated date;
date posted by published then updated date; date updated by date, then work id;
title and creator by the text (casefolded, leading punctuation and English
article dropped, numbers by value), then updated date and work id. The whole
key follows ``descending``. Remaining ties keep Tantivy's order (by document
address: stable while the index is unchanged).

Best match orders by BM25 score, ties by updated date (newest first). Tantivy's
score collector breaks ties by document address, so the page is fetched by
score, widened until it holds every document tied with the page's last score,
and ordered in Python by (score, updated key). A query with no
scored words (only exclusions or prefixes) is ordered by updated date.

Tantivy ships type hints (``py.typed``), so mypy checks the calls. The untyped
values crossing the boundary are few and checked where read: the aggregation
result (a plain ``dict``), hits' scores, fast field values and stored values
(``Any``), and ``SearchResult.count``, which the stubs omit.

Visibility is one term per work document: ``audience`` holds ``admins`` for a
posted work, ``members`` when it is not hidden as well, ``guests`` when it is not
restricted either, so a reader's visibility is one posting list (or that list and
their own works' creator ids) instead of a conjunction of flags over every work. An
unrevealed work (in a collection that hides its works until a reveal) holds
``admins`` and, unless hidden, ``maintainers``: the maintainers of its collections
see it, as the conjunction of that term and their collection ids.

Chapter documents carry no visibility of their own: they are only ever read
for works already on a page of visible hits. The caller indexes only what the
work's readers may read (no draft chapters: IndexedChapter has no posted flag).
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import regex
import tantivy

from quire.core.search.model import (
    Crossovers,
    DateRange,
    Hit,
    IndexedChapter,
    IndexedWork,
    Range,
    SearchQuery,
    SearchResults,
    Snippet,
    Sort,
    Visibility,
)
from quire.core.search.textquery import (
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    normalise,
    parse_text_query,
    split_words,
    terms_for_highlighting,
    word_spans,
)
from quire.core.tags import TagType

__all__ = [
    "SCHEMA_VERSION",
    "IndexIncompatibleError",
    "TantivyIndex",
    "highlight_passage",
    "sort_text",
]

SCHEMA_VERSION: Final = 3
"""Bumped whenever the schema or the way documents are written changes; an index
written by another version is refused (or recreated) rather than misread."""

_VERSION_FILE: Final = "quire-index.json"
_WORK: Final = "work"
_CHAPTER: Final = "chapter"
_ADMINS: Final = "admins"
_MEMBERS: Final = "members"
_GUESTS: Final = "guests"
_MAINTAINERS: Final = "maintainers"

_MAX_WORD_CHARS: Final = 100
"""Longer "words" (base64 blobs, keyboard mashing) are not indexed; no query can want them."""

_COMMON_WORD_TEXT: Final = """
    a about after again all an and are as at back be because been before but by can
    could did do down even for from had have he her here him his how i if in into is it
    its just know like me more much my no not now of on one only or our out over said
    she so some than that the their them then there they this to too up very was we
    were what when where who will with would you your
"""
_COMMON_WORDS: Final = frozenset(_COMMON_WORD_TEXT.split())
"""The most frequent English words. A phrase of two of them ("they said", "i love")
must otherwise check word positions in nearly every work; so the index also keeps,
for each work, which pairs of them stand side by side in its text (``body_pairs``,
no positions), and a phrase query looks at positions only in the works that have its
pairs (the "common grams" of search engines)."""

_DAY_BITS: Final = 22  # date.max.toordinal() == 3_652_059 < 2**22
_ID_BITS: Final = 32
_MAX_PRIMARY: Final = (1 << (64 - _DAY_BITS)) - 1
_MAX_ID: Final = (1 << _ID_BITS) - 1
_MAX_DAY: Final = date.max.toordinal()
_SORT_TEXT_CHARS: Final = 200

_MAX_BUCKETS: Final = 65_000  # Tantivy's default aggregation bucket limit per request
_UNBOUNDED: Final = 2**32 - 1
_U64: Final = 2**64 - 1

# Field weights for words not restricted to a field; the best field counts fully,
# the others a little (a disjunction-max query).
_TEXT_FIELDS: Final[dict[str, float]] = {
    "title": 3.0,
    "creators": 2.0,
    "tags": 2.0,
    "summary": 1.5,
    "notes": 1.0,
    "body": 1.0,
}
_FIELD_NAMES: Final[dict[Field, str]] = {
    Field.TITLE: "title",
    Field.SUMMARY: "summary",
    Field.NOTES: "notes",
    Field.TAG: "tags",
    Field.TEXT: "body",
    Field.CREATOR: "creators",
}
_TIE_BREAKER: Final = 0.1
_TIE_WINDOW: Final = 4

_RANGES: Final[dict[str, str]] = {  # SearchQuery attribute: field
    "words": "word_count",
    "kudos": "kudos",
    "hits": "hits",
    "comments": "comments",
    "bookmarks": "bookmarks",
}
_SORT_FIELDS: Final[dict[Sort, str]] = {
    Sort.CREATOR: "sort_creator",
    Sort.TITLE: "sort_title",
    Sort.DATE_POSTED: "sort_posted",
    Sort.DATE_UPDATED: "sort_updated",
    Sort.WORD_COUNT: "sort_words",
    Sort.HITS: "sort_hits",
    Sort.KUDOS: "sort_kudos",
    Sort.COMMENTS: "sort_comments",
    Sort.BOOKMARKS: "sort_bookmarks",
}


class IndexIncompatibleError(Exception):
    """The folder holds an index written by another schema version: rebuild it."""


def _facet_field(tag_type: TagType) -> str:
    return f"facet_{tag_type.value}"


def _build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("work_id", stored=True, indexed=True, fast=True)
    for name in _TEXT_FIELDS:
        builder.add_text_field(name)
    # Chapter documents.
    builder.add_unsigned_field("chapter_id", stored=True)
    builder.add_unsigned_field("chapter_position", stored=True)
    builder.add_text_field("chapter_text")
    builder.add_bytes_field("chapter_store", stored=True)
    # Work documents: filters.
    for name in ("word_count", "chapter_count", "kudos", "hits", "comments", "bookmarks"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_unsigned_field("published_day", indexed=True, fast=True)
    builder.add_unsigned_field("updated_day", indexed=True, fast=True)
    for name in ("complete", "crossover"):
        builder.add_boolean_field(name, indexed=True, fast=True)
    builder.add_text_field("body_pairs", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("audience", tokenizer_name="raw", index_option="basic")
    for name in ("creator_user_ids", "creator_ids", "filter_tag_ids"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_unsigned_field("collection_ids", indexed=True)
    builder.add_text_field("language", tokenizer_name="raw", index_option="basic", fast=True)
    # Facets and sorts: columns only.
    for tag_type in TagType:
        builder.add_unsigned_field(_facet_field(tag_type), fast=True)
    builder.add_text_field("sort_title", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("sort_creator", tokenizer_name="raw", index_option="basic", fast=True)
    for sort, name in _SORT_FIELDS.items():
        if sort not in (Sort.TITLE, Sort.CREATOR):
            builder.add_unsigned_field(name, fast=True)
    return builder.build()


# --- Documents ---------------------------------------------------------------------------


def _u64(value: int) -> int:
    return max(0, value)


def _day(value: date | None) -> int:
    return 0 if value is None else value.toordinal()


def _tokens(text: str) -> tantivy.PreTokenizedString:
    """The text as the query language splits it; positions count every word."""
    tokens = [
        tantivy.Token(word, position, 0, 0)
        for position, word in enumerate(split_words(text))
        if len(word) <= _MAX_WORD_CHARS
    ]
    return tantivy.PreTokenizedString(text, tokens)


def _common_pairs(words: Iterable[tuple[int, str]]) -> set[str]:
    """The pairs of common words side by side (at consecutive positions) among
    `words`, as body_pairs terms."""
    return {
        f"{first} {second}"
        for (at, first), (next_at, second) in itertools.pairwise(words)
        if next_at == at + 1 and first in _COMMON_WORDS and second in _COMMON_WORDS
    }


def _token_words(tokens: tantivy.PreTokenizedString) -> Iterator[tuple[int, str]]:
    return ((token.position, token.text) for token in tokens.tokens)


_ARTICLE: Final = re.compile(r"^(?:the|an?)\s+")
_LEADING_JUNK: Final = regex.compile(r"^[^\p{L}\p{N}]+")
_DIGITS: Final = re.compile(r"\d+")


def sort_text(text: str) -> str:
    """A title or name as AO3 sorts it: casefolded, without leading punctuation or
    English article, numbers compared by value. Every backend sorts by this key."""
    key = unicodedata.normalize("NFC", text).casefold().strip()
    key = _LEADING_JUNK.sub("", key)
    key = _ARTICLE.sub("", key)
    key = _LEADING_JUNK.sub("", key)
    key = _DIGITS.sub(lambda match: match.group().lstrip("0").rjust(12, "0"), key)
    return key[:_SORT_TEXT_CHARS]


def _text_key(text: str, work: IndexedWork) -> str:
    # Ascending by text, then newest update first, then newest work.
    return (
        f"{sort_text(text)}\x1f{_MAX_DAY - _day(work.updated):07d}"
        f"\x1f{_MAX_ID - min(_u64(work.work_id), _MAX_ID):010d}"
    )


def _number_key(value: int, work: IndexedWork) -> int:
    # Descending by value (capped at 2**42 - 1), then newest update; equal keys keep
    # Tantivy's order (by document address, stable while the index is unchanged).
    primary = min(_u64(value), _MAX_PRIMARY)
    return (primary << _DAY_BITS) | _day(work.updated)


def _updated_key(work: IndexedWork) -> int:
    return (_day(work.updated) << _ID_BITS) | min(_u64(work.work_id), _MAX_ID)


def _work_document(
    work: IndexedWork, chapter_tokens: Sequence[tantivy.PreTokenizedString]
) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", _WORK)
    doc.add_unsigned("work_id", _u64(work.work_id))
    doc.add_pre_tokenized_text("title", _tokens(work.title))
    doc.add_pre_tokenized_text("summary", _tokens(work.summary))
    doc.add_pre_tokenized_text("notes", _tokens(work.notes))
    for name in work.tag_names:
        doc.add_pre_tokenized_text("tags", _tokens(name))
    for name in work.creators:
        doc.add_pre_tokenized_text("creators", _tokens(name))
    pairs: set[str] = set()
    for chapter in work.chapters:
        if chapter.title:
            title = _tokens(chapter.title)
            doc.add_pre_tokenized_text("body", title)
            pairs.update(_common_pairs(_token_words(title)))
    for tokens in chapter_tokens:
        doc.add_pre_tokenized_text("body", tokens)
        pairs.update(_common_pairs(_token_words(tokens)))
    for pair in sorted(pairs):
        doc.add_text("body_pairs", pair)

    doc.add_unsigned("word_count", _u64(work.word_count))
    doc.add_unsigned("chapter_count", _u64(work.chapter_count))
    doc.add_unsigned("kudos", _u64(work.kudos))
    doc.add_unsigned("hits", _u64(work.hits))
    doc.add_unsigned("comments", _u64(work.comments))
    doc.add_unsigned("bookmarks", _u64(work.bookmarks))
    doc.add_unsigned("published_day", _day(work.published))
    doc.add_unsigned("updated_day", _day(work.updated))
    doc.add_boolean("complete", work.complete)
    doc.add_boolean("crossover", work.crossover)
    for audience in _audiences(work):
        doc.add_text("audience", audience)
    for user_id in sorted(set(work.creator_user_ids)):
        doc.add_unsigned("creator_user_ids", _u64(user_id))
    for creator_id in sorted(set(work.creator_ids)):
        doc.add_unsigned("creator_ids", _u64(creator_id))
    for collection_id in sorted(work.collection_ids):
        doc.add_unsigned("collection_ids", _u64(collection_id))
    for tag_id in sorted(work.filter_tag_ids):
        doc.add_unsigned("filter_tag_ids", _u64(tag_id))
        tag_type = work.tag_types.get(tag_id)
        if tag_type is not None:
            doc.add_unsigned(_facet_field(tag_type), _u64(tag_id))
    doc.add_text("language", work.language)

    doc.add_text("sort_title", _text_key(work.title, work))
    doc.add_text("sort_creator", _text_key(", ".join(work.creators), work))
    doc.add_unsigned("sort_updated", _updated_key(work))
    posted_key = (_day(work.published) << _DAY_BITS) | _day(work.updated)
    doc.add_unsigned("sort_posted", posted_key)
    doc.add_unsigned("sort_words", _number_key(work.word_count, work))
    doc.add_unsigned("sort_hits", _number_key(work.hits, work))
    doc.add_unsigned("sort_kudos", _number_key(work.kudos, work))
    doc.add_unsigned("sort_comments", _number_key(work.comments, work))
    doc.add_unsigned("sort_bookmarks", _number_key(work.bookmarks, work))
    return doc


def _chapter_document(
    work_id: int, chapter: IndexedChapter, tokens: tantivy.PreTokenizedString
) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", _CHAPTER)
    doc.add_unsigned("work_id", _u64(work_id))
    doc.add_unsigned("chapter_id", _u64(chapter.chapter_id))
    doc.add_unsigned("chapter_position", _u64(chapter.position))
    doc.add_pre_tokenized_text("chapter_text", tokens)
    doc.add_bytes("chapter_store", chapter.text.encode("utf-8"))
    return doc


# --- Queries ----------------------------------------------------------------------------


_Occur = tantivy.Occur
_Query = tantivy.Query


def _all_of(
    queries: Sequence[tantivy.Query], excluded: Sequence[tantivy.Query] = ()
) -> tantivy.Query:
    clauses = [(_Occur.Must, query) for query in queries]
    if not clauses:
        clauses.append((_Occur.Must, _Query.all_query()))
    clauses.extend((_Occur.MustNot, query) for query in excluded)
    if len(clauses) == 1:
        return clauses[0][1]
    return _Query.boolean_query(clauses)


def _any_of(queries: Sequence[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return _Query.boolean_query([(_Occur.Should, query) for query in queries])


class _Translator:
    """The query language's AST as Tantivy queries over one schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def text_query(self, node: Node) -> tantivy.Query:
        """Work documents matching the AST (every field, or the one a node names)."""
        if isinstance(node, Term | Phrase):
            if node.field is not None:
                return self.leaf(node, _FIELD_NAMES[node.field])
            return _Query.disjunction_max_query(
                [
                    _Query.boost_query(self.leaf(node, name), weight)
                    for name, weight in _TEXT_FIELDS.items()
                ],
                tie_breaker=_TIE_BREAKER,
            )
        if isinstance(node, And):
            included = [self.text_query(item) for item in node.items if not isinstance(item, Not)]
            excluded = [self.text_query(item.item) for item in node.items if isinstance(item, Not)]
            return _all_of(included, excluded)
        if isinstance(node, Or):
            return _any_of([self.text_query(item) for item in node.items])
        if isinstance(node, Not):  # the parser only puts Not in an And; be safe anyway
            return _all_of([], [self.text_query(node.item)])
        return _Query.all_query()

    def leaf(self, node: Term | Phrase, field_name: str) -> tantivy.Query:
        if isinstance(node, Phrase):
            if len(node.words) == 1:  # Tantivy's phrase query needs two words
                return _Query.term_query(self.schema, field_name, node.words[0])
            phrase = _Query.phrase_query(self.schema, field_name, list(node.words))
            if field_name != "body":
                return phrase
            pairs = [
                _Query.const_score_query(_Query.term_query(self.schema, "body_pairs", pair), 0.0)
                for pair in sorted(_common_pairs(enumerate(node.words)))
            ]
            return _all_of([*pairs, phrase]) if pairs else phrase
        if node.prefix:
            # Not phrase_prefix_query: it stops at 50 expansions. A regex over the term
            # dictionary finds every word with the prefix.
            return _Query.regex_query(self.schema, field_name, _regex_prefix(node.text))
        return _Query.term_query(self.schema, field_name, node.text)

    def chapter_query(self, node: Node) -> tantivy.Query | None:
        """Chapters holding any of the words or phrases that can match chapter text."""
        leaves = [
            self.leaf(leaf, "chapter_text")
            for leaf in _positive_leaves(node)
            if leaf.field in (None, Field.TEXT)
        ]
        return _any_of(leaves) if leaves else None


def _regex_prefix(prefix: str) -> str:
    escaped = "".join(f"\\{c}" if c.isascii() and not c.isalnum() else c for c in prefix)
    return f"{escaped}.*"


def _positive_leaves(node: Node) -> Iterator[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        yield node
    elif isinstance(node, And | Or):
        for item in node.items:
            yield from _positive_leaves(item)


def _is_scored(node: Node) -> bool:
    """Whether the query ranks documents: a plain word or a phrase outside any Not
    (prefixes and "everything except" give every match the same score)."""
    return any(isinstance(leaf, Phrase) or not leaf.prefix for leaf in _positive_leaves(node))


def _audiences(work: IndexedWork) -> list[str]:
    """Who may see the work (besides its creators), as the terms of the audience field."""
    if not work.posted:
        return []
    if work.hidden:
        return [_ADMINS]
    if work.unrevealed:
        return [_ADMINS, _MAINTAINERS]
    if work.restricted:
        return [_ADMINS, _MEMBERS]
    return [_ADMINS, _MEMBERS, _GUESTS]


def _visibility_query(schema: tantivy.Schema, visibility: Visibility) -> tantivy.Query:
    """quire.core.visibility.can_view_work as a query: creators see their own works;
    others see posted works, not hidden ones unless admin, restricted ones only
    when signed in, unrevealed ones only as admins or maintainers of one of the work's
    collections. Matches work documents only (chapters have no audience)."""
    signed_in = visibility.signed_in or visibility.user_id is not None
    audience = _ADMINS if visibility.admin else _MEMBERS if signed_in else _GUESTS
    allowed = [_Query.term_query(schema, "audience", audience)]
    if visibility.user_id is not None:
        allowed.append(_Query.term_query(schema, "creator_user_ids", _u64(visibility.user_id)))
    if visibility.collection_ids and not visibility.admin:
        ids = sorted({_u64(collection_id) for collection_id in visibility.collection_ids})
        maintained = _Query.term_set_query(schema, "collection_ids", ids)
        allowed.append(_all_of([_Query.term_query(schema, "audience", _MAINTAINERS), maintained]))
    return _any_of(allowed)


def _range_query(
    schema: tantivy.Schema, field_name: str, low: int | None, high: int | None
) -> tantivy.Query | None:
    if low is None and high is None:
        return None
    if (high is not None and high < 0) or (low is not None and high is not None and low > high):
        return _Query.empty_query()
    lower = None if low is None or low <= 0 else min(low, _U64)
    upper = None if high is None or high >= _U64 else high
    if lower is None and upper is None:
        return None
    return _Query.range_query(schema, field_name, tantivy.FieldType.Unsigned, lower, upper)


def _date_range_query(
    schema: tantivy.Schema, field_name: str, dates: DateRange
) -> tantivy.Query | None:
    if dates.start is None and dates.end is None:
        return None
    # Day 0 is "no date": a work without one is never inside a date range.
    low = 1 if dates.start is None else dates.start.toordinal()
    high = None if dates.end is None else dates.end.toordinal()
    return _range_query(schema, field_name, low, high)


# --- Snippets ---------------------------------------------------------------------------


_CHUNK_CHARS: Final = 4000
_EXTRA_CHUNKS: Final = 2
_WHITESPACE: Final = re.compile(r"\s+")


_GRAPHEME: Final = regex.compile(r"\X")


def _offset_map(text: str, normalised: str) -> list[int] | None:
    """Original offset of each normalised character (plus the end), or None when the
    normalised text has the same length and is taken to line up character by character."""
    if len(normalised) == len(text):
        return None
    offsets: list[int] = []
    pieces: list[str] = []
    for match in _GRAPHEME.finditer(text):
        piece = normalise(match.group())
        pieces.append(piece)
        offsets.extend([match.start()] * len(piece))
    if "".join(pieces) != normalised:
        return None  # normalisation joined graphemes; mark approximately
    offsets.append(len(text))
    return offsets


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    term: int


def _find_matches(text: str, base: int, terms: Sequence[str]) -> list[_Match]:
    """Where the words (``word`` or prefix ``word*``) occur in text, as original offsets.

    Text holding none of the words as a substring costs one normalisation and a
    substring search per word; otherwise the text is split into words once and each
    compared (looking around every substring find instead costs a split per find,
    thousands for a word like "i").
    """
    normalised = normalise(text)
    cores = [term.removesuffix("*") for term in terms]
    if not any(core and core in normalised for core in cores):
        return []
    exact: dict[str, int] = {}
    prefixes: list[tuple[str, int]] = []
    for index, (term, core) in enumerate(zip(terms, cores, strict=True)):
        if not core:
            continue
        if term.endswith("*"):
            prefixes.append((core, index))
        else:
            exact.setdefault(core, index)
    found: list[tuple[int, int, int]] = []
    for start, end, word in word_spans(normalised):
        matched = [index for core, index in prefixes if word.startswith(core)]
        if word in exact:
            matched.append(exact[word])
        if matched:
            found.append((start, end, min(matched)))  # the first term, as terms are ranked
    offsets = _offset_map(text, normalised)
    matches: list[_Match] = []
    for start, end, index in found:
        if offsets is not None:
            start, end = offsets[start], offsets[end]
            if end <= start:
                continue
        matches.append(_Match(base + start, base + end, index))
    return matches


_SPACES: Final = " \n\t\r"


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """The text in pieces of about _CHUNK_CHARS, cut at whitespace where there is some."""
    start = 0
    while start < len(text):
        end = start + _CHUNK_CHARS
        if end < len(text):
            space = max(text.rfind(c, start + _CHUNK_CHARS // 2, end) for c in _SPACES)
            if space > start:
                end = space
        else:
            end = len(text)
        yield start, text[start:end]
        start = end


def _best_window(matches: Sequence[_Match], width: int) -> tuple[tuple[int, int], list[_Match]]:
    """The passage of at most ``width`` characters (or one longer match) with the most
    different words, then the most matches, then the shortest span; earliest first.
    ``matches`` are in text order."""
    best: tuple[int, int, int] = (-1, -1, 0)
    chosen: list[_Match] = []
    for i, first in enumerate(matches):
        inside = [first]
        for match in matches[i + 1 :]:
            if match.start - first.start > width:
                break
            if match.end - first.start <= width:
                inside.append(match)
        span = max(match.end for match in inside) - first.start
        score = (len({match.term for match in inside}), len(inside), -span)
        if score > best:
            best, chosen = score, inside
    return (best[0], best[1]), chosen


def highlight_passage(text: str, terms: Sequence[str], width: int = 240) -> str | None:
    """A passage of ``text`` around the given words (``terms_for_highlighting``), escaped,
    each occurrence in ``<mark>``; None when none of the words occurs.

    The text is read in pieces and reading stops once a passage holds every word, or a
    few pieces after the first match, so a long chapter costs little when its words
    appear early.
    """
    if not terms:
        return None
    best: tuple[int, int] = (0, 0)
    chosen: list[_Match] = []
    after_first = 0
    for base, chunk in _chunks(text):
        matches = _find_matches(chunk, base, terms)
        if matches:
            score, inside = _best_window(matches, width)
            if score > best:
                best, chosen = score, inside
        if chosen:
            if best[0] == len(set(terms)):
                break
            after_first += 1
            if after_first > _EXTRA_CHUNKS:
                break
    if not chosen:
        return None
    return _render(text, chosen, width)


def _render(text: str, marks: Sequence[_Match], width: int) -> str:
    first, last = marks[0].start, max(match.end for match in marks)
    room = max(0, width - (last - first))
    start = max(0, first - room // 3)
    end = min(len(text), max(last, start + width))
    if start > 0:  # begin and end at word boundaries
        space = _WHITESPACE.search(text, start, first)
        if space is not None:
            start = space.end()
    if end < len(text):
        spaces = [space.start() for space in _WHITESPACE.finditer(text, last, end)]
        if spaces:
            end = spaces[-1]
    spans: list[list[int]] = []
    for match in marks:  # overlapping marks, and marks only a space apart, become one
        if spans and (match.start <= spans[-1][1] or text[spans[-1][1] : match.start].isspace()):
            spans[-1][1] = max(spans[-1][1], match.end)
        else:
            spans.append([match.start, match.end])
    parts: list[str] = ["…"] if start > 0 else []
    position = start
    for mark_start, mark_end in spans:
        parts.append(_escape(text[position:mark_start]))
        parts.append(f"<mark>{_escape(text[mark_start:mark_end])}</mark>")
        position = mark_end
    parts.append(_escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


def _escape(text: str) -> str:
    return html.escape(_WHITESPACE.sub(" ", text), quote=False)


# --- The index --------------------------------------------------------------------------


class TantivyIndex:
    """A search index in a folder: opened (or created) on construction, safe to share
    between threads. Every write is one commit, durable once the call returns."""

    def __init__(
        self,
        path: Path,
        *,
        recreate_if_incompatible: bool = False,
        writer_heap_bytes: int = 64_000_000,
        facet_limit: int = 1000,
        snippets_per_work: int = 3,
        snippets_within_work: int = 200,
        snippet_chars: int = 240,
        max_window: int = 100_000,
        lock_timeout: float = 30.0,
    ) -> None:
        """``facet_limit``: tags listed per tag type (at most 9,000, Tantivy's bucket
        limit shared by seven types); ``snippets_per_work`` / ``snippets_within_work``:
        chapters with a snippet per hit, in a general search or inside one work;
        ``max_window``: results reachable by paging (deeper pages are empty, the total
        stays exact); ``lock_timeout``: seconds to wait for another process's writer."""
        self.path = path
        self._schema = _build_schema()
        self._translator = _Translator(self._schema)
        self._writer_heap_bytes = writer_heap_bytes
        self._facet_limit = max(1, min(facet_limit, _MAX_BUCKETS // len(TagType) - 1))
        self._snippets_per_work = snippets_per_work
        self._snippets_within_work = snippets_within_work
        self._snippet_chars = snippet_chars
        self._max_window = max_window
        self._lock_timeout = lock_timeout
        self._write_lock = threading.Lock()
        self._index = self._open(recreate_if_incompatible)

    def _open(self, recreate: bool) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        version_file = self.path / _VERSION_FILE
        if not tantivy.Index.exists(str(self.path)):
            version_file.write_text(json.dumps({"version": SCHEMA_VERSION}) + "\n")
            return tantivy.Index(self._schema, path=str(self.path), reuse=True)
        version = _read_version(version_file)
        if version == SCHEMA_VERSION:
            try:
                return tantivy.Index(self._schema, path=str(self.path), reuse=True)
            except ValueError as error:
                problem = str(error)
        else:
            problem = f"format {version}, expected {SCHEMA_VERSION}"
        if not recreate:
            raise IndexIncompatibleError(
                f"{self.path} holds an incompatible search index ({problem}); rebuild it"
            )
        _remove_index_files(self.path)
        return self._open(recreate=False)

    # Writing

    @contextlib.contextmanager
    def _writer(self) -> Iterator[tantivy.IndexWriter]:
        with self._write_lock:
            writer = self._acquire_writer()
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # also releases the folder's writer lock
            self._index.reload()

    def _acquire_writer(self) -> tantivy.IndexWriter:
        deadline = time.monotonic() + self._lock_timeout
        while True:
            try:
                return self._index.writer(heap_size=self._writer_heap_bytes, num_threads=1)
            except ValueError as error:
                if "LockBusy" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def add(self, works: Iterable[IndexedWork]) -> int:
        """Index the works, replacing any already indexed with the same work_id; one
        commit for the whole batch. Returns how many works were written."""
        iterator = iter(works)
        first = next(iterator, None)
        if first is None:
            return 0
        written = 0
        with self._writer() as writer:
            for work in _chain(first, iterator):
                writer.delete_documents_by_query(self._work_id_query(work.work_id))
                chapter_tokens = [_tokens(chapter.text) for chapter in work.chapters]
                writer.add_document(_work_document(work, chapter_tokens))
                for chapter, tokens in zip(work.chapters, chapter_tokens, strict=True):
                    writer.add_document(_chapter_document(work.work_id, chapter, tokens))
                written += 1
        return written

    def delete(self, work_ids: Iterable[int]) -> None:
        """Remove the works (and their chapters); unknown ids are ignored."""
        ids = sorted({_u64(work_id) for work_id in work_ids})
        if not ids:
            return
        with self._writer() as writer:
            writer.delete_documents_by_query(_Query.term_set_query(self._schema, "work_id", ids))

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def rebuild(self, batches: Iterable[Sequence[IndexedWork]]) -> int:
        """Replace the whole index with these works: a commit per batch, so an
        interrupted rebuild keeps what it wrote and a rerun starts clean."""
        self.clear()
        return sum(self.add(batch) for batch in batches)

    def _work_id_query(self, work_id: int) -> tantivy.Query:
        return _Query.term_query(self._schema, "work_id", _u64(work_id))

    # Reading

    def count(self) -> int:
        """Works in the index, visible or not."""
        result = self._index.searcher().search(self._kind(_WORK), 1, count=True)
        return _count(result)

    def _kind(self, kind: str) -> tantivy.Query:
        return _Query.term_query(self._schema, "kind", kind)

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of the works the viewer may see that match, the exact total, and
        facets over all of them, read from one snapshot of the index.

        ``Hit.score`` is the relevance score when results are ordered by it (best
        match with words to rank by) and 0.0 otherwise; best match by relevance is
        always most relevant first (``descending`` applies to every other order).
        """
        searcher = self._index.searcher()
        node = parse_text_query(query.text) if query.text.strip() else None
        filters = _Query.const_score_query(self._filters(query), 0.0)
        scored = node is not None and _is_scored(node)
        if node is None:
            matching = filters
        else:
            matching = _all_of([self._translator.text_query(node), filters])

        per_page = max(0, min(query.per_page, self._max_window))
        offset = (max(1, query.page) - 1) * per_page
        if offset + per_page > self._max_window:
            offset = per_page = 0  # beyond reach: no hits, but an exact total
        if query.sort is Sort.BEST_MATCH and scored:
            ranked, total = self._by_score(searcher, matching, offset, per_page)
        else:
            ranked, total = self._by_field(searcher, matching, query, offset, per_page)

        hits = [Hit(work_id, score) for work_id, score in ranked]
        if node is not None and hits:
            hits = self._with_snippets(searcher, node, hits, query.within_work_id is not None)
        facets = self._facets(searcher, matching) if query.facets and total else {}
        return SearchResults(hits=hits, total=total, facets=facets)

    def _filters(self, query: SearchQuery) -> tantivy.Query:
        schema = self._schema
        # The visibility query matches work documents only: no need to ask for the kind.
        included: list[tantivy.Query] = [_visibility_query(schema, query.visibility)]
        excluded: list[tantivy.Query] = []
        for tag_id in sorted(query.include_tag_ids):
            included.append(_Query.term_query(schema, "filter_tag_ids", _u64(tag_id)))
        if query.exclude_tag_ids:
            ids = sorted({_u64(tag_id) for tag_id in query.exclude_tag_ids})
            excluded.append(_Query.term_set_query(schema, "filter_tag_ids", ids))
        if query.crossovers is not Crossovers.INCLUDE:
            only = query.crossovers is Crossovers.ONLY
            included.append(_Query.term_query(schema, "crossover", only))
        if query.complete is not None:
            included.append(_Query.term_query(schema, "complete", query.complete))
        if query.single_chapter:
            included.append(_Query.term_query(schema, "chapter_count", 1))
        for name, field_name in _RANGES.items():
            bounds: Range = getattr(query, name)
            ranged = _range_query(schema, field_name, bounds.low, bounds.high)
            if ranged is not None:
                included.append(ranged)
        for name, dates in (("updated_day", query.updated), ("published_day", query.published)):
            dated = _date_range_query(schema, name, dates)
            if dated is not None:
                included.append(dated)
        if query.language:
            included.append(_Query.term_query(schema, "language", query.language))
        if query.creator_ids:
            ids = sorted({_u64(creator_id) for creator_id in query.creator_ids})
            included.append(_Query.term_set_query(schema, "creator_ids", ids))
        if query.exclude_creator_ids:
            ids = sorted({_u64(creator_id) for creator_id in query.exclude_creator_ids})
            excluded.append(_Query.term_set_query(schema, "creator_ids", ids))
        for word in split_words(query.title):
            included.append(_Query.term_query(schema, "title", word))
        if query.collection_ids:
            ids = sorted({_u64(collection_id) for collection_id in query.collection_ids})
            included.append(_Query.term_set_query(schema, "collection_ids", ids))
        if query.within_work_id is not None:
            included.append(self._work_id_query(query.within_work_id))
        return _all_of(included, excluded)

    def _by_field(
        self,
        searcher: tantivy.Searcher,
        matching: tantivy.Query,
        query: SearchQuery,
        offset: int,
        per_page: int,
    ) -> tuple[list[tuple[int, float]], int]:
        field = _SORT_FIELDS.get(query.sort, "sort_updated")
        order = tantivy.Order.Desc if query.descending else tantivy.Order.Asc
        result = searcher.search(
            matching,
            max(per_page, 1),
            count=True,
            order_by_field=field,
            offset=offset,
            order=order,
        )
        addresses = [address for _, address in result.hits][:per_page]
        ranked = [(work_id, 0.0) for work_id in self._work_ids(searcher, addresses)]
        return ranked, _count(result)

    def _by_score(
        self,
        searcher: tantivy.Searcher,
        matching: tantivy.Query,
        offset: int,
        per_page: int,
    ) -> tuple[list[tuple[int, float]], int]:
        need = offset + per_page
        # A page's last score is often tied (short texts, one occurrence): asking for
        # four pages at once spares most queries a second pass to find the ties.
        limit = max(need * _TIE_WINDOW, 1)
        total = -1
        while True:
            result = searcher.search(matching, limit, count=total < 0)
            if total < 0:
                total = _count(result)
            hits = [(_score(value), address) for value, address in result.hits]
            if len(hits) < limit or len(hits) >= total or need == 0:
                break
            if hits[-1][0] < hits[need - 1][0]:
                break  # every document tied with the page's last one is here
            limit = min(limit * 4, total)
        if need == 0:
            return [], total
        if len(hits) >= need:
            boundary = hits[need - 1][0]
            hits = [hit for hit in hits if hit[0] >= boundary]
        addresses = [address for _, address in hits]
        updated = searcher.fast_field_values("sort_updated", addresses)
        work_ids = self._work_ids(searcher, addresses)
        order = sorted(
            range(len(hits)),
            key=lambda i: (-hits[i][0], -_int(updated[i])),
        )
        return [(work_ids[i], hits[i][0]) for i in order[offset:need]], total

    @staticmethod
    def _work_ids(searcher: tantivy.Searcher, addresses: list[tantivy.DocAddress]) -> list[int]:
        if not addresses:
            return []
        return [_int(value) for value in searcher.fast_field_values("work_id", addresses)]

    def _facets(
        self, searcher: tantivy.Searcher, matching: tantivy.Query
    ) -> dict[TagType, list[tuple[int, int]]]:
        request = {
            tag_type.value: {
                "terms": {
                    "field": _facet_field(tag_type),
                    "size": self._facet_limit,
                    "segment_size": _UNBOUNDED,
                }
            }
            for tag_type in TagType
        }
        answer: dict[str, Any] = searcher.aggregate(matching, request)
        facets: dict[TagType, list[tuple[int, int]]] = {}
        for tag_type in TagType:
            buckets = answer.get(tag_type.value, {}).get("buckets", [])
            counts = [(_int(bucket["key"]), _int(bucket["doc_count"])) for bucket in buckets]
            counts = [(tag_id, works) for tag_id, works in counts if works > 0]
            if counts:
                facets[tag_type] = sorted(counts, key=lambda item: (-item[1], item[0]))
        return facets

    def _with_snippets(
        self, searcher: tantivy.Searcher, node: Node, hits: list[Hit], within_work: bool
    ) -> list[Hit]:
        terms = terms_for_highlighting(node)
        chapters = self._translator.chapter_query(node)
        if not terms or chapters is None:
            return hits
        limit = self._snippets_within_work if within_work else self._snippets_per_work
        if limit <= 0:
            return hits
        found: list[Hit] = []
        for hit in hits:
            query = _all_of([self._kind(_CHAPTER), self._work_id_query(hit.work_id), chapters])
            snippets: list[Snippet] = []
            for _, address in searcher.search(query, limit, count=False).hits:
                doc = searcher.doc(address)
                stored = doc.get_first("chapter_store")
                text = bytes(stored).decode("utf-8") if stored is not None else ""
                passage = highlight_passage(text, terms, self._snippet_chars)
                if passage is not None:
                    snippets.append(
                        Snippet(
                            chapter_id=_int(doc.get_first("chapter_id")),
                            chapter_position=_int(doc.get_first("chapter_position")),
                            html=passage,
                        )
                    )
            snippets.sort(key=lambda snippet: snippet.chapter_position)
            found.append(Hit(hit.work_id, hit.score, tuple(snippets)))
        return found


def _chain(first: IndexedWork, rest: Iterator[IndexedWork]) -> Iterator[IndexedWork]:
    yield first
    yield from rest


def _remove_index_files(path: Path) -> None:
    """Delete an index's files, and only those: Tantivy lists them in .managed.json."""
    try:
        managed = json.loads((path / ".managed.json").read_text())
    except (OSError, ValueError):
        managed = []
    names = {name for name in managed if isinstance(name, str) and Path(name).name == name}
    names |= {"meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock"}
    names.add(_VERSION_FILE)
    for name in names:
        (path / name).unlink(missing_ok=True)


def _read_version(path: Path) -> int | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, int) else None


def _count(result: tantivy.SearchResult) -> int:
    # SearchResult.count exists (searches ask for it) but is missing from tantivy's stubs.
    count: object = getattr(result, "count", None)
    return _int(count)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number from the index, got {value!r}")
    return int(value)


def _score(value: object) -> float:
    if not isinstance(value, int | float):
        raise TypeError(f"expected a score from the index, got {value!r}")
    return float(value)
