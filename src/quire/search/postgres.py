"""The PostgreSQL search backend: the index in the archive's own database.

Chosen with QUIRE_SEARCH_BACKEND=postgres when the archive runs on PostgreSQL, so
every application server sharing the database shares one index with nothing else
to run. It keeps the contract of quire.core.search.model exactly as the embedded
tantivy index does (tests/app/search_contract.py checks both against the same
expected answers); the tables are described in quire.search.models.

Words are the query language's own: documents are split with
``textquery.split_words`` in Python and stored as stripped tsvectors built with
``array_to_tsvector`` (no PostgreSQL parser, dictionary or stemming), and query
words become tsquery lexemes the same way. Each row also keeps its words in order
(``words``: ``" w1 w2 | w3 "``), which makes every check exact where tsvector
positions are not (PostgreSQL keeps at most 256 positions per word and none past
16,383): a word is ``vector @@ 'w'``, a prefix ``vector @@ 'w':*`` (every
completion, as tantivy's regex), a phrase ``vector @@ 'a' & 'b'`` (the GIN index
narrows) and ``strpos(words, ' a b ') > 0`` (the exact check). ``|`` stands
between values (tags, creators, chapter titles) and for words over 100 characters
(not indexed), so a phrase never runs from one value into the next. Each chapter
is its own row, so a phrase never runs from one chapter into the next, and a work
matches a query when its words are anywhere in it, even in different chapters. A
value too big for one tsvector is split into parts that overlap by MAX_TERMS - 1
words, so every phrase the language can express lies whole inside one part.

One search is one SQL statement (one snapshot): every distinct word or phrase of
the query is a subquery giving the works it occurs in (and, when ranking, in
which fields, as a bit mask); the matching works are the documents that pass
visibility and every filter, left-joined to those subqueries and kept by the
query's boolean formula over them (a Not is ``NOT``, an And ``AND``...); from that
set come the exact total, the page (ORDER BY with the same keys and tie-breaks as
tantivy, then work id), and exact facets: the filter tags of every matching work
counted with GROUP BY over ``unnest(filter_tag_ids)``, joined to their types
(search_tag) and cut to ``facet_limit`` tags per type, most works first. A
second statement reads the chapters of the page's works that hold the words, and
their stored text is cut into snippets by tantivy_index.highlight_passage, the
highlighter both backends share.

Where the backends legitimately differ:

* Relevance is simpler than tantivy's BM25: each word or phrase scores the weight
  of the best field it occurs in (title 3, creators and tags 2, summary 1.5, notes
  and text 1) plus a tenth of the other fields' weights, without term frequency;
  ties go to the most recently updated work, then the newest work.
* Inside one work, snippets come from the chapters with the most of the words
  (then the first), where tantivy takes its best-scoring chapters; the two agree
  whenever no more chapters match than the snippet limit.
* A tag's facet type is the one the latest indexed work gave it (tantivy files
  each work's tag under that work's type); they differ only while works disagree.
* Ties left after every sort key go by work id (tantivy: by index address).

Cost: a word is one GIN lookup plus a pass over the rows it points to, so a query
of many very common words reads most of the passages once per word; exact
facets count every tag of every matching work (about 5 µs a work). Both grow with
the matching set, not the page.

Writes are one transaction per call. Adding a work upserts its document row
first (which locks it, so concurrent writers of one work take turns), then
replaces its passages; works are written in id order so concurrent batches
cannot deadlock. Tag types are inserted when new and updated only when changed,
so writers sharing popular tags do not queue behind each other.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.utils import CursorWrapper

from quire.core.search.model import (
    Crossovers,
    DateRange,
    Hit,
    IndexedWork,
    Range,
    SearchQuery,
    SearchResults,
    Snippet,
    Sort,
    Visibility,
)
from quire.core.search.tantivy_index import (
    highlight_passage,
    sort_text,
)
from quire.core.search.textquery import (
    MAX_TERMS,
    AllDocs,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    parse_text_query,
    split_words,
    terms_for_highlighting,
)
from quire.core.tags import TagType
from quire.search.models import (
    GinIndexOnPostgres,
    PassageField,
    SearchDocument,
    SearchPassage,
    SearchTag,
)

__all__ = ["PostgresSearchBackend"]

_DOCUMENTS: Final = SearchDocument._meta.db_table
_PASSAGES: Final = SearchPassage._meta.db_table
_TAGS: Final = SearchTag._meta.db_table

_MAX_WORD_CHARS: Final = 100
"""Longer "words" are not indexed (as in tantivy): no query can want them."""
_GAP: Final = "|"
"""In ``words``: between values, and in place of an unindexed word. Never a word."""
_OVERLAP: Final = MAX_TERMS - 1
"""Words a part repeats from before it, so a phrase (at most MAX_TERMS words) that
crosses into a part lies whole inside it."""
_PART_BYTES: Final = 500_000
"""Distinct-word bytes per passage row; PostgreSQL refuses tsvectors over 1 MB."""
_BIGINT: Final = 2**63 - 1
_WRITE_BATCH: Final = 100
_INDEX_BUILD_MEMORY: Final = "512MB"
"""maintenance_work_mem while GIN indexes are built after a bulk load: the more the
build may sort in memory, the fewer passes over the rows it makes."""


def _gin_indexes() -> list[tuple[type[models.Model], models.Index]]:
    """The search tables' GIN indexes: what a bulk load drops and builds again."""
    return [
        (model, index)
        for model in (SearchDocument, SearchPassage)
        for index in model._meta.indexes
        if isinstance(index, GinIndexOnPostgres)
    ]


_WEIGHTS: Final[dict[PassageField, float]] = {
    PassageField.TITLE: 3.0,
    PassageField.CREATORS: 2.0,
    PassageField.TAGS: 2.0,
    PassageField.SUMMARY: 1.5,
    PassageField.NOTES: 1.0,
    PassageField.BODY: 1.0,
}
_TIE_BREAKER: Final = 0.1
_FIELDS: Final[dict[Field, PassageField]] = {
    Field.TITLE: PassageField.TITLE,
    Field.SUMMARY: PassageField.SUMMARY,
    Field.NOTES: PassageField.NOTES,
    Field.TAG: PassageField.TAGS,
    Field.TEXT: PassageField.BODY,
    Field.CREATOR: PassageField.CREATORS,
}
_RANGES: Final[dict[str, str]] = {  # SearchQuery attribute: column
    "words": "word_count",
    "kudos": "kudos",
    "hits": "hits",
    "comments": "comments",
    "bookmarks": "bookmarks",
}
_COUNT_SORTS: Final[dict[Sort, str]] = {
    Sort.WORD_COUNT: "word_count",
    Sort.HITS: "hits",
    Sort.KUDOS: "kudos",
    Sort.COMMENTS: "comments",
    Sort.BOOKMARKS: "bookmarks",
}
_TEXT_SORTS: Final[dict[Sort, str]] = {Sort.TITLE: "sort_title", Sort.CREATOR: "sort_creator"}

# A leaf's subquery gives, per work, the fields it is in as a bit mask (bit i: the
# i-th field of _WEIGHTS); its score is the weight of the best of those fields plus
# _TIE_BREAKER times the weights of the others, looked up by mask in _SCORES_SQL.
_FIELD_BITS_SQL: Final = (
    "bit_or(CASE p.field "
    + " ".join(f"WHEN '{field.value}' THEN {1 << bit}" for bit, field in enumerate(_WEIGHTS))
    + " ELSE 0 END)"
)


def _mask_score(mask: int) -> float:
    weights = [weight for bit, weight in enumerate(_WEIGHTS.values()) if mask & (1 << bit)]
    best = max(weights, default=0.0)
    return best + _TIE_BREAKER * (sum(weights) - best)


_SCORES_SQL: Final = (
    "('{"
    + ",".join(repr(round(_mask_score(mask), 6)) for mask in range(1 << len(_WEIGHTS)))
    + "}'::float8[])"
)


# --- Documents ---------------------------------------------------------------------------


def _int(value: int) -> int:
    """A count or id as stored: never negative (as tantivy's u64), at most a bigint."""
    return min(max(0, value), _BIGINT)


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL characters."""
    return text.replace("\x00", "")


def _tokens(values: Iterable[str]) -> list[str]:
    """The words of the values in order, _GAP between values and for unindexed words."""
    tokens: list[str] = []
    for value in values:
        words = split_words(value)
        if not words:
            continue
        if tokens:
            tokens.append(_GAP)
        tokens.extend(word if len(word) <= _MAX_WORD_CHARS else _GAP for word in words)
    return tokens


def _split(tokens: Sequence[str], budget: int) -> list[Sequence[str]]:
    """The tokens as parts whose distinct words stay within ``budget`` bytes; each part
    after the first starts with the _OVERLAP tokens before it."""
    parts: list[Sequence[str]] = []
    begin = 0
    seen: set[str] = set()
    size = 0
    for index, token in enumerate(tokens):
        if token == _GAP or token in seen:
            continue
        cost = len(token.encode("utf-8"))
        if size + cost > budget and index > begin:
            parts.append(tokens[max(0, begin - _OVERLAP) : index])
            begin = index
            seen = {word for word in tokens[max(0, begin - _OVERLAP) : begin] if word != _GAP}
            size = sum(len(word.encode("utf-8")) for word in seen)
            if token in seen:
                continue
        seen.add(token)
        size += cost
    parts.append(tokens[max(0, begin - _OVERLAP) :])
    return parts


@dataclass(frozen=True, slots=True)
class _Passage:
    field: PassageField
    chapter_id: int | None
    position: int | None
    part: int
    text: str
    words: str
    lexemes: list[str]


def _passages(
    field: PassageField,
    values: Iterable[str],
    budget: int,
    *,
    chapter_id: int | None = None,
    position: int | None = None,
    text: str = "",
) -> Iterator[_Passage]:
    tokens = _tokens(values)
    if not tokens:
        return
    for part, piece in enumerate(_split(tokens, budget)):
        yield _Passage(
            field=field,
            chapter_id=chapter_id,
            position=position,
            part=part,
            text=text if part == 0 else "",
            words=f" {' '.join(piece)} ",
            lexemes=sorted({word for word in piece if word != _GAP}),
        )


def _work_passages(work: IndexedWork, budget: int) -> Iterator[_Passage]:
    yield from _passages(PassageField.TITLE, [work.title], budget)
    yield from _passages(PassageField.SUMMARY, [work.summary], budget)
    yield from _passages(PassageField.NOTES, [work.notes], budget)
    yield from _passages(PassageField.TAGS, work.tag_names, budget)
    yield from _passages(PassageField.CREATORS, work.creators, budget)
    titles = [chapter.title for chapter in work.chapters if chapter.title]
    yield from _passages(PassageField.BODY, titles, budget)
    for chapter in work.chapters:
        yield from _passages(
            PassageField.BODY,
            [chapter.text],
            budget,
            chapter_id=_int(chapter.chapter_id),
            position=chapter.position,
            text=_clean(chapter.text),
        )


_DOCUMENT_COLUMNS: Final = (
    "work_id",
    "posted",
    "hidden",
    "restricted",
    "unrevealed",
    "creator_user_ids",
    "creator_ids",
    "filter_tag_ids",
    "collection_ids",
    "language",
    "crossover",
    "complete",
    "chapter_count",
    "word_count",
    "kudos",
    "hits",
    "comments",
    "bookmarks",
    "published",
    "updated",
    "sort_title",
    "sort_creator",
)
_CASTS: Final = {
    "creator_user_ids": "::bigint[]",
    "creator_ids": "::bigint[]",
    "filter_tag_ids": "::bigint[]",
    "collection_ids": "::bigint[]",
}
_UPSERT_DOCUMENT: Final = (
    f"INSERT INTO {_DOCUMENTS} ({', '.join(_DOCUMENT_COLUMNS)}) "  # noqa: S608 (our names)
    f"VALUES ({', '.join('%s' + _CASTS.get(column, '') for column in _DOCUMENT_COLUMNS)}) "
    "ON CONFLICT (work_id) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in _DOCUMENT_COLUMNS[1:])
)
_INSERT_PASSAGE: Final = (
    f"INSERT INTO {_PASSAGES} "  # noqa: S608 (a table name of ours; values are parameters)
    "(work_id, field, chapter_id, position, part, text, words, vector) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, array_to_tsvector(%s::text[]))"
)


def _write_tag_types(cursor: CursorWrapper, works: Sequence[IndexedWork]) -> None:
    """Record the type of each typed filter tag (the last work's word wins). Tags
    already known with the same type are left alone, unlocked, so writers indexing
    works with the same popular tags do not wait for each other."""
    types = {
        _int(tag_id): tag_type.value
        for work in works
        for tag_id, tag_type in work.tag_types.items()
        if tag_id in work.filter_tag_ids
    }
    if not types:
        return
    ids = sorted(types)
    cursor.execute(
        f"SELECT tag_id, tag_type FROM {_TAGS} WHERE tag_id = ANY(%s::bigint[])",  # noqa: S608
        [ids],
    )
    known = dict(cursor.fetchall())
    changed = [tag_id for tag_id in ids if tag_id in known and known[tag_id] != types[tag_id]]
    if changed:
        cursor.executemany(  # one by one, in id order, so writers cannot deadlock
            f"UPDATE {_TAGS} SET tag_type = %s WHERE tag_id = %s",  # noqa: S608
            [(types[tag_id], tag_id) for tag_id in changed],
        )
    new = [tag_id for tag_id in ids if tag_id not in known]
    if new:
        cursor.execute(
            f"INSERT INTO {_TAGS} (tag_id, tag_type) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::text[]) ON CONFLICT (tag_id) DO NOTHING",
            [new, [types[tag_id] for tag_id in new]],
        )


def _document_row(work: IndexedWork) -> tuple[Any, ...]:
    return (
        _int(work.work_id),
        work.posted,
        work.hidden,
        work.restricted,
        work.unrevealed,
        sorted({_int(user_id) for user_id in work.creator_user_ids}),
        sorted({_int(creator_id) for creator_id in work.creator_ids}),
        sorted({_int(tag_id) for tag_id in work.filter_tag_ids}),
        _ids(work.collection_ids),
        _clean(work.language),
        work.crossover,
        work.complete,
        _int(work.chapter_count),
        _int(work.word_count),
        _int(work.kudos),
        _int(work.hits),
        _int(work.comments),
        _int(work.bookmarks),
        work.published,
        work.updated,
        _clean(sort_text(work.title)),
        _clean(sort_text(", ".join(work.creators))),
    )


# --- Queries ----------------------------------------------------------------------------


def _lexeme(word: str) -> str:
    """A word as a quoted tsquery lexeme (taken as it is: no parsing, no dictionary)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class _Leaf:
    """A word, prefix or phrase of the query, maybe restricted to one field."""

    words: tuple[str, ...]
    prefix: bool
    field: PassageField | None

    @staticmethod
    def of(node: Term | Phrase, *, any_field: bool = False) -> _Leaf | None:
        """None when it cannot match (a word too long to be indexed)."""
        words = (node.text,) if isinstance(node, Term) else node.words
        if not words or any(len(word) > _MAX_WORD_CHARS for word in words):
            return None
        prefix = isinstance(node, Term) and node.prefix
        field = None if any_field or node.field is None else _FIELDS[node.field]
        return _Leaf(words, prefix, field)

    def condition(self, alias: str) -> tuple[str, list[Any]]:
        """SQL true for a passage row (``alias``) holding the leaf, with its parameters."""
        sql = f"{alias}.vector @@ %s::tsquery"
        if self.prefix:
            params: list[Any] = [_lexeme(self.words[0]) + ":*"]
        else:
            params = [" & ".join(_lexeme(word) for word in dict.fromkeys(self.words))]
        if self.field is not None:
            sql += f" AND {alias}.field = '{self.field.value}'"
        if len(self.words) > 1:
            sql += f" AND strpos({alias}.words, %s) > 0"
            params.append(f" {' '.join(self.words)} ")
        return sql, params


def _positive_leaves(node: Node) -> Iterator[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        yield node
    elif isinstance(node, And | Or):
        for item in node.items:
            yield from _positive_leaves(item)


def _is_scored(node: Node) -> bool:
    """Whether the query ranks works: a word or phrase outside any exclusion (prefixes
    and "everything except" rank nothing), as in tantivy."""
    return any(isinstance(leaf, Phrase) or not leaf.prefix for leaf in _positive_leaves(node))


class _TextQuery:
    """The query AST as SQL over search_document ``d`` joined to one subquery per leaf."""

    def __init__(self, node: Node, ranked: bool) -> None:
        """``ranked``: whether hits are ordered by relevance (and leaves are scored)."""
        self.leaves: dict[_Leaf, str] = {}
        self.formula = self._formula(node)
        positive = {
            leaf
            for node_leaf in _positive_leaves(node)
            if (leaf := _Leaf.of(node_leaf)) is not None
        }
        self.scored = [alias for leaf, alias in self.leaves.items() if ranked and leaf in positive]

    def _formula(self, node: Node) -> str:
        if isinstance(node, Term | Phrase):
            leaf = _Leaf.of(node)
            if leaf is None:
                return "FALSE"
            alias = self.leaves.setdefault(leaf, f"l{len(self.leaves)}")
            return f"{alias}.work_id IS NOT NULL"
        if isinstance(node, And):
            return "(" + " AND ".join(self._formula(item) for item in node.items) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self._formula(item) for item in node.items) + ")"
        if isinstance(node, Not):
            return f"NOT {self._formula(node.item)}"
        assert isinstance(node, AllDocs)
        return "TRUE"

    def ctes(self) -> tuple[list[str], list[Any]]:
        """One CTE per leaf: the works it matches in (scored by the fields it is in)."""
        ctes: list[str] = []
        params: list[Any] = []
        for leaf, alias in self.leaves.items():
            condition, leaf_params = leaf.condition("p")
            fields = f", {_FIELD_BITS_SQL} AS fields" if alias in self.scored else ""
            ctes.append(
                f"{alias} AS (SELECT p.work_id{fields} FROM {_PASSAGES} p "  # noqa: S608
                f"WHERE {condition} GROUP BY p.work_id)"
            )
            params.extend(leaf_params)
        return ctes, params

    def joins(self) -> str:
        return " ".join(
            f"LEFT JOIN {alias} ON {alias}.work_id = d.work_id" for alias in self.leaves.values()
        )

    def score(self) -> str:
        if not self.scored:
            return "0.0::float8"
        total = " + ".join(
            f"COALESCE({_SCORES_SQL}[{alias}.fields + 1], 0.0)" for alias in self.scored
        )
        return f"({total})::float8"


def _visibility(visibility: Visibility) -> tuple[str, list[Any]]:
    """quire.core.visibility.can_view_work as SQL: creators see their own works; others
    see posted works, not hidden ones unless admin, restricted ones only signed in,
    unrevealed ones only as admins or maintainers of one of the work's collections."""
    signed_in = visibility.signed_in or visibility.user_id is not None
    public = ["d.posted"]
    if not visibility.admin:
        public += ["NOT d.hidden", "NOT d.unrevealed"]
    if not signed_in:
        public.append("NOT d.restricted")
    allowed = [f"({' AND '.join(public)})"]
    params: list[Any] = []
    if visibility.user_id is not None:
        allowed.append("d.creator_user_ids @> ARRAY[%s]::bigint[]")
        params.append(_int(visibility.user_id))
    if visibility.collection_ids and not visibility.admin:
        allowed.append("(d.posted AND NOT d.hidden AND d.collection_ids && %s::bigint[])")
        params.append(_ids(visibility.collection_ids))
    return f"({' OR '.join(allowed)})", params


def _range(column: str, bounds: Range) -> tuple[str, list[Any]] | None:
    low, high = bounds.low, bounds.high
    if low is None and high is None:
        return None
    if (high is not None and high < 0) or (low is not None and high is not None and low > high):
        return "FALSE", []
    if low is not None and low > _BIGINT:
        return "FALSE", []
    conditions: list[str] = []
    params: list[Any] = []
    if low is not None and low > 0:
        conditions.append(f"d.{column} >= %s")
        params.append(low)
    if high is not None and high < _BIGINT:
        conditions.append(f"d.{column} <= %s")
        params.append(high)
    if not conditions:
        return None
    return " AND ".join(conditions), params


def _date_range(column: str, dates: DateRange) -> tuple[str, list[Any]] | None:
    if dates.start is None and dates.end is None:
        return None
    # A work without the date is never inside a date range.
    conditions = [f"d.{column} IS NOT NULL"]
    params: list[Any] = []
    if dates.start is not None:
        conditions.append(f"d.{column} >= %s")
        params.append(dates.start)
    if dates.end is not None:
        conditions.append(f"d.{column} <= %s")
        params.append(dates.end)
    return " AND ".join(conditions), params


def _ids(values: Iterable[int]) -> list[int]:
    return sorted({_int(value) for value in values})


def _filters(query: SearchQuery) -> tuple[list[str], list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []

    def add(condition: str, *values: object) -> None:
        conditions.append(condition)
        params.extend(values)

    visibility, visibility_params = _visibility(query.visibility)
    add(visibility, *visibility_params)
    if query.include_tag_ids:
        add("d.filter_tag_ids @> %s::bigint[]", _ids(query.include_tag_ids))
    if query.exclude_tag_ids:
        add("NOT (d.filter_tag_ids && %s::bigint[])", _ids(query.exclude_tag_ids))
    if query.crossovers is not Crossovers.INCLUDE:
        add("d.crossover = %s", query.crossovers is Crossovers.ONLY)
    if query.complete is not None:
        add("d.complete = %s", query.complete)
    if query.single_chapter:
        add("d.chapter_count = 1")
    for name, column in _RANGES.items():
        ranged = _range(column, getattr(query, name))
        if ranged is not None:
            add(ranged[0], *ranged[1])
    for column, dates in (("updated", query.updated), ("published", query.published)):
        dated = _date_range(column, dates)
        if dated is not None:
            add(dated[0], *dated[1])
    if query.language:
        add("d.language = %s", _clean(query.language))
    if query.creator_ids:
        add("d.creator_ids && %s::bigint[]", _ids(query.creator_ids))
    if query.exclude_creator_ids:
        add("NOT (d.creator_ids && %s::bigint[])", _ids(query.exclude_creator_ids))
    title_words = list(dict.fromkeys(split_words(query.title)))
    if any(len(word) > _MAX_WORD_CHARS for word in title_words):
        add("FALSE")
    elif title_words:
        add(
            f"d.work_id IN (SELECT p.work_id FROM {_PASSAGES} p "  # noqa: S608 (our table name)
            f"WHERE p.field = '{PassageField.TITLE.value}' AND p.vector @@ %s::tsquery)",
            " & ".join(_lexeme(word) for word in title_words),
        )
    if query.collection_ids:
        add("d.collection_ids && %s::bigint[]", _ids(query.collection_ids))
    if query.within_work_id is not None:
        add("d.work_id = %s", _int(query.within_work_id))
    return conditions, params


def _key(column: str, descending: bool) -> str:
    return f"{column} DESC NULLS LAST" if descending else f"{column} ASC NULLS FIRST"


def _order(query: SearchQuery, ranked: bool) -> tuple[list[str], str]:
    """The columns a sort needs besides work_id and updated, and its ORDER BY over ``m``.

    The same keys and tie-breaks as tantivy: counts by the count, then updated date;
    date posted by published then updated date; date updated by date; title and
    creator by the sort text (bytewise), then newest update, then newest work; every
    order ends with the work id. Best match by relevance: best first, ties to the most
    recently updated; best match without ranking words: by updated date.
    """
    descending = query.descending
    if ranked:
        return [], "m.score DESC, m.updated DESC NULLS LAST, m.work_id DESC"
    if query.sort in _COUNT_SORTS:
        column = _COUNT_SORTS[query.sort]
        keys = [f"m.{column}", "m.updated", "m.work_id"]
        return [column], ", ".join(_key(key, descending) for key in keys)
    if query.sort is Sort.DATE_POSTED:
        keys = ["m.published", "m.updated", "m.work_id"]
        return ["published"], ", ".join(_key(key, descending) for key in keys)
    if query.sort in _TEXT_SORTS:
        column = _TEXT_SORTS[query.sort]
        return [column], ", ".join(
            [
                _key(f'm.{column} COLLATE "C"', descending),
                _key("m.updated", not descending),
                _key("m.work_id", not descending),
            ]
        )
    return [], ", ".join(_key(key, descending) for key in ("m.updated", "m.work_id"))


def _loaded(value: object) -> object:
    """A json column as Python values, whether or not the driver already decoded it."""
    if isinstance(value, str | bytes | bytearray):
        return json.loads(value)
    return value


# --- The backend ------------------------------------------------------------------------


class PostgresSearchBackend:
    """Search over tables in the archive's PostgreSQL database (quire.search.models).

    Holds no state but its options: every instance, in every process, reads and
    writes the same tables. Each write is one transaction (a savepoint inside an
    outer transaction), durable once it commits.
    """

    def __init__(
        self,
        *,
        using: str = DEFAULT_DB_ALIAS,
        facet_limit: int = 1000,
        snippets_per_work: int = 3,
        snippets_within_work: int = 200,
        snippet_chars: int = 240,
        max_window: int = 100_000,
        part_bytes: int = _PART_BYTES,
    ) -> None:
        """``facet_limit``: tags listed per tag type; ``snippets_per_work`` /
        ``snippets_within_work``: chapters with a snippet per hit, in a general search
        or inside one work; ``max_window``: results reachable by paging (deeper pages
        are empty, the total stays exact); ``part_bytes``: distinct-word bytes per
        passage row before a value is split (tests make it small)."""
        vendor = connections[using].vendor
        if vendor != "postgresql":
            raise ImproperlyConfigured(
                "The postgres search backend (QUIRE_SEARCH_BACKEND=postgres) keeps the index "
                f"in a PostgreSQL database, but the {using!r} database is {vendor}; set "
                "QUIRE_DATABASE_URL=postgresql://… or use QUIRE_SEARCH_BACKEND=tantivy"
            )
        self.using = using
        self._facet_limit = max(1, facet_limit)
        self._snippets_per_work = snippets_per_work
        self._snippets_within_work = snippets_within_work
        self._snippet_chars = snippet_chars
        self._max_window = max(0, max_window)
        self._part_bytes = max(1, part_bytes)

    def _cursor(self) -> CursorWrapper:
        return connections[self.using].cursor()

    # Writing

    def add(self, works: Iterable[IndexedWork]) -> int:
        """Index the works, replacing any already indexed with the same work_id; one
        transaction for the whole batch. Returns how many works were written."""
        written = 0
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            batch: list[IndexedWork] = []
            for work in works:
                batch.append(work)
                written += 1
                if len(batch) >= _WRITE_BATCH:
                    self._write(cursor, batch)
                    batch = []
            if batch:
                self._write(cursor, batch)
        return written

    def _write(self, cursor: CursorWrapper, works: list[IndexedWork]) -> None:
        latest = {_int(work.work_id): work for work in works}  # the last of a work wins
        ordered = [latest[work_id] for work_id in sorted(latest)]
        cursor.executemany(_UPSERT_DOCUMENT, [_document_row(work) for work in ordered])
        _write_tag_types(cursor, ordered)
        cursor.execute(
            f"DELETE FROM {_PASSAGES} WHERE work_id = ANY(%s::bigint[])",  # noqa: S608
            [sorted(latest)],
        )
        rows = [
            (
                work_id,
                passage.field.value,
                passage.chapter_id,
                passage.position,
                passage.part,
                passage.text,
                passage.words,
                passage.lexemes,
            )
            for work_id, work in zip(sorted(latest), ordered, strict=True)
            for passage in _work_passages(work, self._part_bytes)
        ]
        if rows:
            cursor.executemany(_INSERT_PASSAGE, rows)

    def delete(self, work_ids: Iterable[int]) -> None:
        """Remove the works (and their passages); unknown ids are ignored."""
        ids = _ids(work_ids)
        if not ids:
            return
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            # Lock the documents in work id order, the order add() writes them in, so
            # a delete and a concurrent add never wait on each other in a circle.
            cursor.execute(
                f"SELECT work_id FROM {_DOCUMENTS} WHERE work_id = ANY(%s::bigint[])"  # noqa: S608
                " ORDER BY work_id FOR UPDATE",
                [ids],
            )
            # The documents first: a concurrent add of one of them finishes before
            # its passages are deleted, so none are left behind.
            for table in (_DOCUMENTS, _PASSAGES):
                cursor.execute(
                    f"DELETE FROM {table} WHERE work_id = ANY(%s::bigint[])",  # noqa: S608
                    [ids],
                )

    def clear(self) -> None:
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            cursor.execute(f"TRUNCATE {_PASSAGES}, {_DOCUMENTS}, {_TAGS}")

    def rebuild(self, batches: Iterable[Sequence[IndexedWork]]) -> int:
        """Replace the whole index with these works (a full ``quire reindex``).

        Keeping GIN indexes up to date row by row makes a big load slower with every
        batch (300,000 works took over 17 minutes, and rising); so the tables are
        emptied, the GIN indexes dropped, the batches written (each its own
        transaction) and the indexes built once at the end, PostgreSQL's own advice
        for bulk loads. Searches meanwhile answer correctly for what is loaded, only
        slower. The indexes come back even when the load fails; if the process dies,
        the next rebuild or ``create_search_indexes`` brings them back.
        """
        self.clear()
        self.drop_search_indexes()
        written = 0
        try:
            for batch in batches:
                written += self.add(batch)
        finally:
            self.create_search_indexes()
        return written

    def drop_search_indexes(self) -> None:
        """Drop the GIN indexes before a bulk load (rebuild; the benchmark)."""
        with self._cursor() as cursor:
            for _model, index in _gin_indexes():
                cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')

    def create_search_indexes(self) -> None:
        """Build the GIN indexes that are missing, then refresh the planner's statistics."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            present = {name for (name,) in cursor.fetchall()}
            cursor.execute(f"SET maintenance_work_mem = '{_INDEX_BUILD_MEMORY}'")
            try:
                with connection.schema_editor() as editor:
                    for model, index in _gin_indexes():
                        if index.name not in present:
                            editor.add_index(model, index)
            finally:
                cursor.execute("RESET maintenance_work_mem")
            cursor.execute(f"ANALYZE {_DOCUMENTS}, {_PASSAGES}, {_TAGS}")

    # Reading

    def count(self) -> int:
        """Works in the index, visible or not."""
        with self._cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {_DOCUMENTS}")  # noqa: S608
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of the works the viewer may see that match, the exact total, and
        facets over all of them, read in one statement (one snapshot).

        ``Hit.score`` is the relevance score when results are ordered by it (best
        match with words to rank by) and 0.0 otherwise; best match by relevance is
        always most relevant first (``descending`` applies to every other order).
        """
        node = parse_text_query(query.text) if query.text.strip() else None
        ranked = query.sort is Sort.BEST_MATCH and node is not None and _is_scored(node)
        text = _TextQuery(node, ranked) if node is not None else None

        per_page = max(0, min(query.per_page, self._max_window))
        offset = (max(1, query.page) - 1) * per_page
        if offset + per_page > self._max_window:
            offset = per_page = 0  # beyond reach: no hits, but an exact total

        ctes, params = text.ctes() if text is not None else ([], [])
        conditions, filter_params = _filters(query)
        if text is not None:
            conditions.append(text.formula)
        columns, order = _order(query, ranked)
        selected = ["d.work_id", "d.updated", *(f"d.{column}" for column in columns)]
        selected.append(f"{text.score() if text is not None else '0.0::float8'} AS score")
        if query.facets:
            selected.append("d.filter_tag_ids")
        ctes.append(
            f"matching AS MATERIALIZED (SELECT {', '.join(selected)} FROM {_DOCUMENTS} d "  # noqa: S608
            f"{text.joins() if text is not None else ''} WHERE {' AND '.join(conditions)})"
        )
        ctes.append(
            f"page AS (SELECT * FROM matching m ORDER BY {order} "  # noqa: S608 (no values)
            "LIMIT %s OFFSET %s)"
        )
        params += [*filter_params, per_page, offset]
        facets_sql = "NULL"
        if query.facets:
            facets_sql = (
                "(SELECT json_agg(json_build_array(f.tag_type, f.tag_id, f.works)) FROM ("  # noqa: S608
                "SELECT t.tag_type, g.tag_id, g.works, row_number() OVER (PARTITION BY "
                't.tag_type COLLATE "C" ORDER BY g.works DESC, g.tag_id) AS rank FROM ('
                "SELECT u.tag_id, count(*) AS works FROM ("
                "SELECT unnest(m.filter_tag_ids) AS tag_id FROM matching m) u GROUP BY u.tag_id) g "
                f"JOIN {_TAGS} t ON t.tag_id = g.tag_id) f WHERE f.rank <= %s)"
            )
            params.append(self._facet_limit)
        sql = (
            f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM matching), "  # noqa: S608
            f"(SELECT json_agg(json_build_array(m.work_id, m.score) ORDER BY {order}) "
            f"FROM page m), {facets_sql}"
        )
        with self._cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            assert row is not None  # an aggregate-only SELECT returns one row
            total = int(row[0])
            page = _loaded(row[1]) or []
            assert isinstance(page, list)
            hits = [Hit(int(work_id), float(score)) for work_id, score in page]
            if node is not None and hits:
                hits = self._with_snippets(cursor, node, hits, query.within_work_id is not None)
        facets = _facets(_loaded(row[2])) if query.facets and total else {}
        return SearchResults(hits=hits, total=total, facets=facets)

    def _with_snippets(
        self, cursor: CursorWrapper, node: Node, hits: list[Hit], within_work: bool
    ) -> list[Hit]:
        """Snippets from the chapters of the hits that hold the words: every positive
        word or phrase not restricted to a field other than the text."""
        terms = terms_for_highlighting(node)
        limit = self._snippets_within_work if within_work else self._snippets_per_work
        leaves = list(
            dict.fromkeys(
                leaf
                for node_leaf in _positive_leaves(node)
                if node_leaf.field in (None, Field.TEXT)
                and (leaf := _Leaf.of(node_leaf, any_field=True)) is not None
            )
        )
        if not terms or not leaves or limit <= 0:
            return hits
        found_sql: list[str] = []
        found_params: list[Any] = []
        for leaf in leaves:
            condition, leaf_params = leaf.condition("p")
            found_sql.append(f"({condition})")
            found_params.extend(leaf_params)
        found = " + ".join(f"bool_or{condition}::int" for condition in found_sql)
        sql = (
            f"WITH matched AS (SELECT p.work_id, p.chapter_id, p.position, {found} "  # noqa: S608
            f"AS found FROM {_PASSAGES} p WHERE p.work_id = ANY(%s::bigint[]) "
            f"AND p.field = '{PassageField.BODY.value}' AND p.chapter_id IS NOT NULL "
            f"AND ({' OR '.join(found_sql)}) GROUP BY p.work_id, p.chapter_id, p.position), "
            "ranked AS (SELECT m.*, row_number() OVER (PARTITION BY m.work_id "
            "ORDER BY m.found DESC, m.position, m.chapter_id) AS n FROM matched m) "
            f"SELECT r.work_id, r.chapter_id, r.position, t.text FROM ranked r "
            f"JOIN {_PASSAGES} t ON t.work_id = r.work_id AND t.chapter_id = r.chapter_id "
            f"AND t.field = '{PassageField.BODY.value}' AND t.part = 0 WHERE r.n <= %s"
        )
        work_ids = sorted({hit.work_id for hit in hits})
        cursor.execute(sql, [*found_params, work_ids, *found_params, limit])
        snippets: defaultdict[int, list[Snippet]] = defaultdict(list)
        for work_id, chapter_id, position, text in cursor.fetchall():
            passage = highlight_passage(text, terms, self._snippet_chars)
            if passage is not None:
                snippets[work_id].append(
                    Snippet(chapter_id=chapter_id, chapter_position=position, html=passage)
                )
        return [
            Hit(
                hit.work_id,
                hit.score,
                tuple(sorted(snippets[hit.work_id], key=lambda s: s.chapter_position)),
            )
            for hit in hits
        ]


def _facets(value: object) -> dict[TagType, list[tuple[int, int]]]:
    rows = value if isinstance(value, list) else []
    facets: dict[TagType, list[tuple[int, int]]] = {}
    known = {tag_type.value: tag_type for tag_type in TagType}
    for tag_type, tag_id, works in rows:
        if tag_type in known and works > 0:
            facets.setdefault(known[tag_type], []).append((int(tag_id), int(works)))
    return {
        tag_type: sorted(counts, key=lambda item: (-item[1], item[0]))
        for tag_type, counts in facets.items()
    }
