"""`quire bench search`: every search backend side by side on one generated archive.

One run generates ``works`` documents (quire.core.search.generate: metadata shaped like
the corpus's 10,324 real AO3 listings, text bodies capped at ``body_words`` words per
work) and streams them, one batch at a time, to each backend in turn, so the documents
are made once and memory stays flat whatever the archive's size:

* ``tantivy``: the embedded index (TantivyIndex) in a temporary folder;
* ``postgres``: quire.search.postgres.PostgresSearchBackend in a fresh database
  created for the run and dropped after it, on the server of ``postgres_url``
  (default QUIRE_BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432);
* ``sqlite-fts5``: a baseline written here (``SqliteFts5Baseline``): a works table,
  a work_tags table and an FTS5 table over title, summary, tags, body and creators
  in a temporary SQLite file; filters in SQL, facets by GROUP BY.

It measures, per backend, ``build_s`` (time inside the backend's add calls and its
final step, not generation), ``index_mb`` (files on disk; for PostgreSQL the total
relation size of its tables, indexes and TOAST included), then runs a fixed, seeded
mix of AO3-style queries (``queries`` filter queries: a tag from the popular, mid
or rare bucket plus 0-2 tags that occur with it, sometimes a rating, an excluded
tag, complete, word and kudos ranges; sorted by kudos, updated, words or hits; and
``queries`` full-text queries: words, two words, phrases, prefix*, -exclusion, OR,
some with a tag filter), all asking for a page of 20, after ``warmup`` queries of
each kind. Filter queries ask for the facet counts, as the search page's sidebar
does; full-text queries are timed twice: as a full-text search (the page of hits
with snippets and the exact total: ``fulltext_*``) and with the sidebar's facet
counts over every match as well (``fulltext_facets_*``). Each query runs on every
backend before the next (so a noisy moment hits all of them), and each backend's
totals are compared with the first one's (a check that they answer the same
question; the SQLite baseline may differ on a phrase that spans two chapters).

Prints a table; with ``as_json``, ends with one JSON line:
{"works": N, "backends": [{"backend", "build_s", "index_mb", "filter_p50_ms",
"filter_p99_ms", "fulltext_p50_ms", "fulltext_p99_ms", "fulltext_facets_p50_ms",
"fulltext_facets_p99_ms"}, ...]}.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Protocol, TextIO

from quire.core.search.generate import (
    DEFAULT_BODY_WORDS,
    Profile,
    builtin_profile,
    find_corpus_files,
    generate_works,
    load_profile,
    universe_count,
)
from quire.core.search.model import (
    Crossovers,
    Hit,
    IndexedWork,
    Range,
    SearchQuery,
    SearchResults,
    Snippet,
    Sort,
    Visibility,
)
from quire.core.search.tantivy_index import TantivyIndex
from quire.core.search.textquery import (
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
)
from quire.core.tags import TagType

__all__ = ["BACKENDS", "SqliteFts5Baseline", "run_search_bench"]

BACKENDS: Final = ("tantivy", "postgres", "sqlite-fts5")
DEFAULT_POSTGRES_URL: Final = "postgresql://postgres@127.0.0.1:5432/postgres"
BATCH_SIZE: Final = 5_000
"""Works generated and handed to every backend at a time (one add call, one commit)."""
SAMPLE_WORKS: Final = 50_000
"""Works whose tags are counted to sort tags into popular, mid and rare buckets."""
PER_PAGE: Final = 20

_KEYS: Final = (
    "backend",
    "build_s",
    "index_mb",
    "filter_p50_ms",
    "filter_p99_ms",
    "fulltext_p50_ms",
    "fulltext_p99_ms",
    "fulltext_facets_p50_ms",
    "fulltext_facets_p99_ms",
)


class BenchBackend(Protocol):
    name: str

    def add(self, works: Sequence[IndexedWork]) -> None: ...

    def finish(self) -> None:
        """Whatever the backend does once after the last batch (indexes, statistics)."""

    def search(self, query: SearchQuery) -> SearchResults: ...

    def size_bytes(self) -> int: ...

    def close(self) -> None: ...


class BackendUnavailable(Exception):
    """A backend that cannot run here (no server, no module); the others still run."""


# --- Backends ----------------------------------------------------------------------------


def _folder_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


class _Tantivy:
    name = "tantivy"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = TantivyIndex(folder)

    def add(self, works: Sequence[IndexedWork]) -> None:
        self.index.add(works)

    def finish(self) -> None:
        return None

    def search(self, query: SearchQuery) -> SearchResults:
        return self.index.search(query)

    def size_bytes(self) -> int:
        return _folder_bytes(self.folder)

    def close(self) -> None:
        return None


class _Postgres:
    """quire.search.postgres.PostgresSearchBackend in a database made for this run.

    The database is created on the server of ``server_url`` (and dropped on close),
    given a Django connection alias of its own, and migrated with the search app's
    migrations only; the backend then reads and writes it through that alias, as it
    would the archive's database.
    """

    name = "postgres"

    def __init__(self, server_url: str) -> None:
        import psycopg
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor
        from psycopg.conninfo import conninfo_to_dict

        from quire.search.models import SearchDocument, SearchPassage
        from quire.search.postgres import PostgresSearchBackend

        self._server_url = server_url
        self._database = f"quire_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.alias = self._database
        self._tables = [SearchDocument._meta.db_table, SearchPassage._meta.db_table]
        server = conninfo_to_dict(server_url)
        try:
            with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'CREATE DATABASE "{self._database}"')
        except psycopg.Error as error:
            where = f"{server.get('host', 'localhost')}:{server.get('port', 5432)}"
            raise BackendUnavailable(f"no PostgreSQL server at {where}: {error}") from error
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self._database,
            "USER": server.get("user", ""),
            "PASSWORD": server.get("password", ""),
            "HOST": server.get("host", ""),
            "PORT": str(server.get("port", "")),
        }
        configured = connections.configure_settings(
            {"default": dict(connections.settings["default"]), self.alias: database}
        )
        connections.settings[self.alias] = configured[self.alias]
        try:
            executor = MigrationExecutor(connections[self.alias])
            targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "search"]
            executor.migrate(targets)
            self.backend = PostgresSearchBackend(using=self.alias)
            # Loaded as `quire reindex` loads (PostgresSearchBackend.rebuild): the GIN
            # indexes are built once, after the last batch.
            self.backend.drop_search_indexes()
        except BaseException:
            self.close()
            raise

    def add(self, works: Sequence[IndexedWork]) -> None:
        self.backend.add(works)

    def finish(self) -> None:
        """Build the GIN indexes, then what autovacuum would do soon after a bulk load:
        the visibility map and statistics."""
        from django.db import connections

        self.backend.create_search_indexes()
        with connections[self.alias].cursor() as cursor:
            for table in self._tables:
                cursor.execute(f"VACUUM ANALYZE {table}")

    def search(self, query: SearchQuery) -> SearchResults:
        return self.backend.search(query)

    def size_bytes(self) -> int:
        """Tables, their indexes and TOAST: pg_total_relation_size of the search tables."""
        from django.db import connections

        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(pg_total_relation_size(name::regclass)), 0) "
                "FROM unnest(%s::text[]) AS name",
                [self._tables],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        import psycopg
        from django.db import connections

        if self.alias in connections.settings:
            connections[self.alias].close()
            del connections[self.alias]
            del connections.settings[self.alias]
        with psycopg.connect(self._server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)')


_TAG_TYPES: Final = tuple(TagType)
_TYPE_CODE: Final = {tag_type: code for code, tag_type in enumerate(_TAG_TYPES)}
_FTS_COLUMNS: Final[dict[Field, str]] = {
    Field.TITLE: "title",
    Field.SUMMARY: "summary",
    Field.NOTES: "summary",
    Field.TAG: "tags",
    Field.TEXT: "body",
    Field.CREATOR: "creators",
}
_SQL_RANGES: Final = {
    "words": "word_count",
    "kudos": "kudos",
    "hits": "hits",
    "comments": "comments",
    "bookmarks": "bookmarks",
}
_SQL_SORTS: Final[dict[Sort, str]] = {
    Sort.KUDOS: "w.kudos {d}, w.updated {d}",
    Sort.HITS: "w.hits {d}, w.updated {d}",
    Sort.COMMENTS: "w.comments {d}, w.updated {d}",
    Sort.BOOKMARKS: "w.bookmarks {d}, w.updated {d}",
    Sort.WORD_COUNT: "w.word_count {d}, w.updated {d}",
    Sort.DATE_POSTED: "w.published {d}, w.updated {d}",
}
_FACET_LIMIT: Final = 1000
_SNIPPET: Final = "snippet(works_fts, 3, '<mark>', '</mark>', '…', 24)"
_INSERT_WORK: Final = "INSERT INTO works VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


class SqliteFts5Baseline:
    """The simplest thing that could work: SQLite with FTS5, in one file.

    Text is stored as ``split_words`` gives it (words joined by spaces) and FTS5's
    unicode61 tokenizer keeps ``'``, ``-`` and ``_`` inside words, so its words are the
    query language's. Full-text queries become one FTS5 MATCH expression (a query of
    only exclusions becomes NOT IN); notes are indexed with the summary. A work's
    chapters (and its tags) are one column, so unlike the tantivy backend a phrase can
    run from one chapter (or tag) into the next. Ranked by bm25 with the tantivy
    backend's field weights; facets are a GROUP BY over the matching works' tags, cut
    to the 1,000 biggest per type.
    Sorting by title or creator falls back to date updated (no sort keys stored).
    """

    name = "sqlite-fts5"

    def __init__(self, path: Path, *, cache_mb: int = 64) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
        self.db.executescript(
            """
            CREATE TABLE works (
                work_id INTEGER PRIMARY KEY, complete INTEGER NOT NULL,
                chapter_count INTEGER NOT NULL, word_count INTEGER NOT NULL,
                kudos INTEGER NOT NULL, hits INTEGER NOT NULL, comments INTEGER NOT NULL,
                bookmarks INTEGER NOT NULL, published INTEGER, updated INTEGER,
                language TEXT NOT NULL, crossover INTEGER NOT NULL, posted INTEGER NOT NULL,
                hidden INTEGER NOT NULL, restricted INTEGER NOT NULL
            );
            CREATE TABLE work_tags (
                work_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, tag_type INTEGER NOT NULL,
                PRIMARY KEY (work_id, tag_id)
            ) WITHOUT ROWID;
            CREATE VIRTUAL TABLE works_fts USING fts5(
                title, summary, tags, body, creators,
                tokenize = "unicode61 remove_diacritics 0 tokenchars '''-_'"
            );
            INSERT INTO works_fts(works_fts, rank) VALUES ('rank', 'bm25(3.0, 1.5, 2.0, 1.0, 2.0)');
            """
        )

    @staticmethod
    def _words(text: str) -> str:
        return " ".join(split_words(text))

    def add(self, works: Sequence[IndexedWork]) -> None:
        rows: list[tuple[object, ...]] = []
        tags: list[tuple[int, int, int]] = []
        texts: list[tuple[object, ...]] = []
        for work in works:
            rows.append(
                (
                    work.work_id,
                    work.complete,
                    work.chapter_count,
                    work.word_count,
                    work.kudos,
                    work.hits,
                    work.comments,
                    work.bookmarks,
                    work.published.toordinal() if work.published else None,
                    work.updated.toordinal() if work.updated else None,
                    work.language,
                    work.crossover,
                    work.posted,
                    work.hidden,
                    work.restricted,
                )
            )
            tags.extend(
                (work.work_id, tag_id, _TYPE_CODE[work.tag_types[tag_id]])
                for tag_id in sorted(work.filter_tag_ids)
            )
            texts.append(
                (
                    work.work_id,
                    self._words(work.title),
                    self._words(f"{work.summary}\n{work.notes}"),
                    self._words("\n".join(work.tag_names)),
                    self._words("\n".join(chapter.text for chapter in work.chapters)),
                    self._words("\n".join(work.creators)),
                )
            )
        self.db.execute("BEGIN")
        self.db.executemany(_INSERT_WORK, rows)
        self.db.executemany("INSERT INTO work_tags VALUES (?, ?, ?)", tags)
        self.db.executemany(
            "INSERT INTO works_fts(rowid, title, summary, tags, body, creators) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            texts,
        )
        self.db.execute("COMMIT")

    def finish(self) -> None:
        """Secondary indexes are built once after loading, then planner statistics."""
        self.db.executescript(
            """
            CREATE INDEX work_tags_by_tag ON work_tags (tag_id, work_id);
            CREATE INDEX works_by_updated ON works (updated);
            CREATE INDEX works_by_kudos ON works (kudos, updated);
            CREATE INDEX works_by_hits ON works (hits, updated);
            CREATE INDEX works_by_words ON works (word_count, updated);
            ANALYZE;
            PRAGMA wal_checkpoint(TRUNCATE);
            """
        )

    def size_bytes(self) -> int:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(
            candidate.stat().st_size
            for candidate in (self.path, self.path.with_name(self.path.name + "-wal"))
            if candidate.exists()
        )

    def close(self) -> None:
        self.db.close()

    # Searching

    def search(self, query: SearchQuery) -> SearchResults:
        conditions, params = self._filters(query)
        node = parse_text_query(query.text) if query.text.strip() else None
        source = "works w"
        match: str | None = None
        ranked = False
        if node is not None:
            positive, negative = _split_not(node)
            if positive is None:
                conditions.append(
                    "w.work_id NOT IN (SELECT rowid FROM works_fts WHERE works_fts MATCH ?)"
                )
                params.append(_fts_or(negative))
            else:
                match = _fts(node)
                source = "works_fts JOIN works w ON w.work_id = works_fts.rowid"
                conditions.insert(0, "works_fts MATCH ?")
                params.insert(0, match)
                ranked = _scored(node)
        where = " AND ".join(conditions) or "1"
        direction = "DESC" if query.descending else "ASC"
        if query.sort is Sort.BEST_MATCH and ranked:
            order = "works_fts.rank, w.updated DESC"
        else:
            order = _SQL_SORTS.get(query.sort, "w.updated {d}, w.work_id {d}").format(d=direction)
        per_page = max(0, query.per_page)
        offset = (max(1, query.page) - 1) * per_page
        page = [
            work_id
            for (work_id,) in self.db.execute(
                f"SELECT w.work_id FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608 (built from constants)
                [*params, per_page, offset],
            )
        ]
        total = self.db.execute(
            f"SELECT count(*) FROM {source} WHERE {where}",  # noqa: S608
            params,
        ).fetchone()[0]
        facets: dict[TagType, list[tuple[int, int]]] = {}
        if query.facets and total:
            rows = self.db.execute(
                f"""
                WITH matching AS MATERIALIZED (SELECT w.work_id FROM {source} WHERE {where})
                SELECT tag_type, tag_id, n FROM (
                    SELECT t.tag_type, t.tag_id, count(*) AS n, row_number() OVER (
                        PARTITION BY t.tag_type ORDER BY count(*) DESC, t.tag_id
                    ) AS place
                    FROM matching JOIN work_tags t ON t.work_id = matching.work_id
                    GROUP BY t.tag_type, t.tag_id
                ) WHERE place <= {_FACET_LIMIT}
                """,  # noqa: S608
                params,
            )
            for code, tag_id, works in rows:
                facets.setdefault(_TAG_TYPES[code], []).append((tag_id, works))
        snippets: dict[int, tuple[Snippet, ...]] = {}
        if match is not None and page:
            marks = ", ".join("?" * len(page))
            sql = f"SELECT rowid, {_SNIPPET} FROM works_fts WHERE works_fts MATCH ? AND rowid IN ({marks})"  # noqa: E501, S608 (placeholders only)
            for work_id, passage in self.db.execute(sql, [match, *page]):
                if "<mark>" in passage:
                    snippets[work_id] = (Snippet(0, 1, passage),)
        hits = [Hit(work_id, 0.0, snippets.get(work_id, ())) for work_id in page]
        return SearchResults(hits=hits, total=total, facets=facets)

    @staticmethod
    def _filters(query: SearchQuery) -> tuple[list[str], list[object]]:
        conditions: list[str] = []
        params: list[object] = []
        visibility = query.visibility
        signed_in = visibility.signed_in or visibility.user_id is not None
        public = ["w.posted = 1"]
        if not visibility.admin:
            public.append("w.hidden = 0")
        if not signed_in:
            public.append("w.restricted = 0")
        conditions.append(f"({' AND '.join(public)})")
        for tag_id in sorted(query.include_tag_ids):
            conditions.append("w.work_id IN (SELECT work_id FROM work_tags WHERE tag_id = ?)")
            params.append(tag_id)
        if query.exclude_tag_ids:
            ids = sorted(query.exclude_tag_ids)
            marks = ", ".join("?" * len(ids))
            excluded = f"w.work_id NOT IN (SELECT work_id FROM work_tags WHERE tag_id IN ({marks}))"  # noqa: S608 (placeholders only)
            conditions.append(excluded)
            params.extend(ids)
        if query.crossovers is not Crossovers.INCLUDE:
            conditions.append("w.crossover = ?")
            params.append(query.crossovers is Crossovers.ONLY)
        if query.complete is not None:
            conditions.append("w.complete = ?")
            params.append(query.complete)
        if query.single_chapter:
            conditions.append("w.chapter_count = 1")
        for name, column in _SQL_RANGES.items():
            bounds: Range = getattr(query, name)
            if bounds.low is not None:
                conditions.append(f"w.{column} >= ?")
                params.append(bounds.low)
            if bounds.high is not None:
                conditions.append(f"w.{column} <= ?")
                params.append(bounds.high)
        for column, dates in (("updated", query.updated), ("published", query.published)):
            if dates.start is not None:
                conditions.append(f"w.{column} >= ?")
                params.append(dates.start.toordinal())
            if dates.end is not None:
                conditions.append(f"w.{column} <= ?")
                params.append(dates.end.toordinal())
        if query.language:
            conditions.append("w.language = ?")
            params.append(query.language)
        if query.within_work_id is not None:
            conditions.append("w.work_id = ?")
            params.append(query.within_work_id)
        if query.creator_ids or query.exclude_creator_ids or query.title:
            raise NotImplementedError("the SQLite baseline has no creator or title filters")
        return conditions, params


def _split_not(node: Node) -> tuple[Node | None, list[Node]]:
    """A query of only exclusions as (None, excluded items); any other as (node, [])."""
    if isinstance(node, And) and node.items and isinstance(node.items[0], AllDocs):
        return None, [item.item for item in node.items[1:] if isinstance(item, Not)]
    return node, []


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _column(field: Field | None) -> str:
    column = _FTS_COLUMNS.get(field) if field is not None else None
    return f"{column} : " if column else ""


def _fts(node: Node) -> str:
    """The query AST as one FTS5 expression (NOT is binary there: ``a NOT b``)."""
    if isinstance(node, Term):
        return f"{_column(node.field)}{_quote(node.text)}{' *' if node.prefix else ''}"
    if isinstance(node, Phrase):
        return f"{_column(node.field)}{_quote(' '.join(node.words))}"
    if isinstance(node, Or):
        return "(" + " OR ".join(_fts(item) for item in node.items) + ")"
    if isinstance(node, And):
        positive = [item for item in node.items if not isinstance(item, Not | AllDocs)]
        negative = [item.item for item in node.items if isinstance(item, Not)]
        if not positive:
            raise NotImplementedError("FTS5 cannot say 'everything except' inside a query")
        expression = "(" + " AND ".join(_fts(item) for item in positive) + ")"
        for item in negative:
            expression = f"({expression} NOT {_fts(item)})"
        return expression
    raise NotImplementedError(f"no FTS5 form for {node!r}")


def _fts_or(items: Sequence[Node]) -> str:
    return " OR ".join(_fts(item) for item in items)


def _scored(node: Node) -> bool:
    if isinstance(node, Phrase):
        return True
    if isinstance(node, Term):
        return not node.prefix
    if isinstance(node, And | Or):
        return any(_scored(item) for item in node.items)
    return False


# --- The query mix -----------------------------------------------------------------------


@dataclass(slots=True)
class _TagSample:
    """The filter tags of the first works: how many works each tag is on (to sort tags
    into popular, mid and rare) and each work's tags (to pick tags that occur together,
    as a reader adds tags from the sidebar of a page of results)."""

    limit: int
    works: list[tuple[int, ...]] = field(default_factory=list)
    counts: Counter[int] = field(default_factory=Counter)
    types: dict[int, TagType] = field(default_factory=dict)

    def add(self, works: Iterable[IndexedWork]) -> None:
        for work in works:
            if len(self.works) >= self.limit:
                return
            self.works.append(tuple(sorted(work.filter_tag_ids)))
            self.counts.update(work.filter_tag_ids)
            for tag_id, tag_type in work.tag_types.items():
                self.types.setdefault(tag_id, tag_type)

    def buckets(self) -> dict[str, list[int]]:
        """Tags a reader starts from (a tag's works page): fandoms, relationships,
        characters and freeforms, by share of works: popular >= 1%, mid >= 0.05%, rare
        below (at 100,000 works: 1,000 or more, 50 to 999, under 50 works)."""
        buckets: dict[str, list[int]] = {"popular": [], "mid": [], "rare": []}
        for tag_id, works in sorted(self.counts.items()):
            if self.types.get(tag_id) not in _PAGE_TAG_TYPES:
                continue
            share = works / max(1, len(self.works))
            bucket = "popular" if share >= 0.01 else "mid" if share >= 0.0005 else "rare"
            buckets[bucket].append(tag_id)
        everything = [tag for tags in buckets.values() for tag in tags]
        for name, tags in buckets.items():
            if not tags:
                buckets[name] = everything
        return buckets

    def works_with(self) -> dict[int, list[int]]:
        """Sampled works (by position) of each tag."""
        found: dict[int, list[int]] = {}
        for position, tags in enumerate(self.works):
            for tag_id in tags:
                found.setdefault(tag_id, []).append(position)
        return found


_PAGE_TAG_TYPES: Final = frozenset(
    {TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM}
)
_BUCKET_WEIGHTS: Final = {"popular": 0.45, "mid": 0.35, "rare": 0.2}
_WORD_RANGES: Final = (
    Range(None, 1_000),
    Range(1_000, 5_000),
    Range(5_000, None),
    Range(10_000, 100_000),
)
_FILTER_SORTS: Final = (Sort.KUDOS, Sort.DATE_UPDATED, Sort.WORD_COUNT, Sort.HITS, Sort.BEST_MATCH)
_FILTER_SORT_WEIGHTS: Final = (0.3, 0.3, 0.15, 0.1, 0.15)


@dataclass(frozen=True, slots=True)
class QueryMix:
    filters: tuple[SearchQuery, ...]
    fulltext: tuple[SearchQuery, ...]


def build_query_mix(sample: _TagSample, profile: Profile, *, count: int, seed: int) -> QueryMix:
    """``count`` filter and ``count`` full-text queries, the same for the same sample,
    profile and seed."""
    rng = random.Random(seed * 7919 + 1)  # noqa: S311 (a reproducible mix, not secrets)
    buckets = sample.buckets()
    names = list(_BUCKET_WEIGHTS)
    weights = list(_BUCKET_WEIGHTS.values())
    vocabulary = profile.vocabulary
    words = {
        "common": list(vocabulary[10:100]) or list(vocabulary),
        "mid": list(vocabulary[100:2_000]) or list(vocabulary),
        "rare": list(vocabulary[2_000:20_000]) or list(vocabulary),
    }
    prefixable = [word for word in words["mid"] if len(word) >= 5 and word.isalpha()] or words[
        "mid"
    ]
    visibility = Visibility()

    def tag(bucket: str | None = None) -> int:
        chosen = bucket or rng.choices(names, weights)[0]
        return rng.choice(buckets[chosen])

    # A filter query starts from a tag of the popular, mid or rare bucket (a tag's
    # works page), adds 0-2 more tags and maybe the rating of one of its works (as
    # from the sidebar), maybe excludes a popular or mid tag, and maybe filters on
    # completion, words or kudos.
    works_with = sample.works_with()
    filters: list[SearchQuery] = []
    for _ in range(count):
        anchor = tag()
        work = sample.works[rng.choice(works_with[anchor])]
        others = [t for t in work if t != anchor and sample.types[t] in _PAGE_TAG_TYPES]
        extra = rng.choices((0, 1, 2), (0.5, 0.35, 0.15))[0]
        include = {anchor, *rng.sample(others, min(extra, len(others)))}
        if rng.random() < 0.3:
            include.update(t for t in work if sample.types[t] is TagType.RATING)
        exclude: set[int] = set()
        if rng.random() < 0.4:
            exclude = {tag(rng.choice(("popular", "mid")))} - include
        roll = rng.random()
        filters.append(
            SearchQuery(
                include_tag_ids=frozenset(include),
                exclude_tag_ids=frozenset(exclude),
                complete=True if roll < 0.25 else False if roll < 0.35 else None,
                words=rng.choice(_WORD_RANGES) if rng.random() < 0.3 else Range(),
                kudos=Range(100, None) if rng.random() < 0.1 else Range(),
                sort=rng.choices(_FILTER_SORTS, _FILTER_SORT_WEIGHTS)[0],
                descending=rng.random() < 0.9,
                per_page=PER_PAGE,
                visibility=visibility,
            )
        )

    def word(kind: str | None = None) -> str:
        chosen = kind or rng.choices(("common", "mid", "rare"), (0.3, 0.5, 0.2))[0]
        return rng.choice(words[chosen])

    shapes: dict[str, Callable[[], str]] = {
        "word": lambda: word(),
        "words": lambda: f"{word('mid')} {word()}",
        "phrase": lambda: f'"{word("common")} {word("common")}"',
        "prefix": lambda: f"{rng.choice(prefixable)[:4]}*",
        "exclusion": lambda: f"{word('mid')} -{word('common')}",
        "or": lambda: f"{word('rare')} OR {word('rare')} OR {word('mid')}",
    }
    fulltext: list[SearchQuery] = []
    for _ in range(count):
        text = rng.choice(list(shapes.values()))()
        filtered = rng.random() < 0.3
        fulltext.append(
            SearchQuery(
                text=text,
                include_tag_ids=frozenset({tag("popular")}) if filtered else frozenset(),
                sort=Sort.BEST_MATCH if rng.random() < 0.8 else Sort.KUDOS,
                per_page=PER_PAGE,
                visibility=visibility,
                facets=False,
            )
        )
    return QueryMix(tuple(filters), tuple(fulltext))


# --- Running -----------------------------------------------------------------------------


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _profile(corpus: Path | None) -> tuple[Profile, str]:
    candidates: list[Path] = []
    if corpus is not None:
        candidates.append(corpus)
    else:
        if os.environ.get("QUIRE_CORPUS"):
            candidates.append(Path(os.environ["QUIRE_CORPUS"]))
        candidates.append(Path.cwd().parent / "shared" / "corpus")
        candidates.append(Path(__file__).resolve().parents[3].parent / "shared" / "corpus")
    for candidate in candidates:
        files = find_corpus_files(candidate)
        if files is not None:
            listing, freeforms = files
            profile = load_profile(listing, freeforms)
            note = f"Profile: {len(profile.templates):,} AO3 listings from {listing}"
            if freeforms is None:
                note += " (no canonical freeform counts found: the listing's freeforms only)"
            return profile, note
    looked = ", ".join(str(path) for path in candidates)
    return builtin_profile(), (
        f"Corpus not found (looked in {looked}): using the built-in parameters "
        "(distributions fitted to the AO3 listing, synthetic names and words)"
    )


@dataclass(slots=True)
class _Measure:
    backend: BenchBackend
    build_s: float = 0.0
    index_bytes: int = 0
    filter_ms: list[float] = field(default_factory=list)
    fulltext_ms: list[float] = field(default_factory=list)
    fulltext_facets_ms: list[float] = field(default_factory=list)
    disagreements: int = 0

    def row(self) -> dict[str, object]:
        return {
            "backend": self.backend.name,
            "build_s": round(self.build_s, 2),
            "index_mb": round(self.index_bytes / 1_000_000, 1),
            "filter_p50_ms": round(_percentile(self.filter_ms, 0.5), 2),
            "filter_p99_ms": round(_percentile(self.filter_ms, 0.99), 2),
            "fulltext_p50_ms": round(_percentile(self.fulltext_ms, 0.5), 2),
            "fulltext_p99_ms": round(_percentile(self.fulltext_ms, 0.99), 2),
            "fulltext_facets_p50_ms": round(_percentile(self.fulltext_facets_ms, 0.5), 2),
            "fulltext_facets_p99_ms": round(_percentile(self.fulltext_facets_ms, 0.99), 2),
        }


def _open(name: str, folder: Path, postgres_url: str) -> BenchBackend:
    if name == "tantivy":
        return _Tantivy(folder / "tantivy")
    if name == "sqlite-fts5":
        return SqliteFts5Baseline(folder / "search.sqlite3")
    if name == "postgres":
        from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

        try:
            return _Postgres(postgres_url)
        except (AppRegistryNotReady, ImproperlyConfigured) as error:
            raise BackendUnavailable(f"Django is not set up ({error})") from error
    raise ValueError(f"unknown search backend {name!r} (choose from {', '.join(BACKENDS)})")


def _open_backends(
    names: Sequence[str], folder: Path, postgres_url: str, stack: contextlib.ExitStack, out: TextIO
) -> list[_Measure]:
    measures: list[_Measure] = []
    for name in names:
        try:
            backend = _open(name, folder, postgres_url)
        except BackendUnavailable as error:
            _say(f"{name}: skipped ({error})", out)
            continue
        stack.callback(backend.close)
        measures.append(_Measure(backend))
    return measures


def _build(
    measures: Sequence[_Measure],
    works: Iterator[IndexedWork],
    *,
    total: int,
    batch_size: int,
    progress: TextIO,
) -> tuple[_TagSample, float]:
    """Each batch of generated works to every backend in turn; returns the tag sample
    and the seconds spent generating (not counted in any backend's build_s)."""
    sample = _TagSample(SAMPLE_WORKS)
    generating = 0.0
    done = 0
    step = max(1, total // 10)
    next_report = step
    while True:
        clock = time.perf_counter()
        batch = list(itertools.islice(works, batch_size))
        generating += time.perf_counter() - clock
        if not batch:
            break
        sample.add(batch)
        for measure in measures:
            clock = time.perf_counter()
            measure.backend.add(batch)
            measure.build_s += time.perf_counter() - clock
        done += len(batch)
        if done >= next_report:
            next_report += step
            builds = ", ".join(f"{m.backend.name} {m.build_s:.1f}s" for m in measures)
            _say(f"  {done:,}/{total:,} works (generating {generating:.1f}s, {builds})", progress)
    for measure in measures:
        clock = time.perf_counter()
        measure.backend.finish()
        measure.build_s += time.perf_counter() - clock
        measure.index_bytes = measure.backend.size_bytes()
    return sample, generating


def _time_queries(
    measures: Sequence[_Measure], queries: Sequence[SearchQuery]
) -> list[list[float]]:
    """Milliseconds per query and backend, every backend answering a query before the
    next query; counts each backend's totals that differ from the first backend's."""
    times: list[list[float]] = [[] for _ in measures]
    for query in queries:
        first_total: int | None = None
        for position, measure in enumerate(measures):
            started = time.perf_counter()
            results = measure.backend.search(query)
            times[position].append((time.perf_counter() - started) * 1000)
            if first_total is None:
                first_total = results.total
            elif results.total != first_total:
                measure.disagreements += 1
    return times


def _say(message: str, stream: TextIO) -> None:
    print(message, file=stream, flush=True)


def run_search_bench(
    works: int = 1_000_000,
    *,
    as_json: bool = False,
    backends: Sequence[str] = BACKENDS,
    corpus: Path | None = None,
    seed: int = 7,
    body_words: int = DEFAULT_BODY_WORDS,
    queries: int = 200,
    warmup: int = 20,
    batch_size: int = BATCH_SIZE,
    postgres_url: str | None = None,
    out: TextIO | None = None,
    progress: TextIO | None = None,
) -> int:
    """Build every backend from the same generated archive and time the same queries on
    each; print a table (and, with ``as_json``, one JSON line). Returns 0, or 1 when no
    backend could run.

    ``body_words`` caps the words of text indexed per work; ``queries`` is the number
    of filter and of full-text queries timed, after ``warmup`` others of each kind;
    ``corpus`` is the corpus folder (or the listing CSV), by default QUIRE_CORPUS or
    ../shared/corpus; ``out`` gets the report, ``progress`` the progress lines.
    """
    unknown = [name for name in backends if name not in BACKENDS]
    if unknown:
        raise ValueError(
            f"unknown search backend {unknown[0]!r} (choose from {', '.join(BACKENDS)})"
        )
    out = out or sys.stdout
    progress = progress or sys.stderr
    postgres_url = postgres_url or os.environ.get("QUIRE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    started = time.perf_counter()
    profile, note = _profile(corpus)
    _say(note, out)
    _say(
        f"Generating {works:,} works (seed {seed}, {universe_count(works)} fandom universes, "
        f"indexed text capped at {body_words:,} words per work)",
        out,
    )
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quire-bench-")))
        measures = _open_backends(backends, folder, postgres_url, stack, out)
        if not measures:
            _say("No search backend could run.", out)
            return 1
        stream = generate_works(works, profile, seed=seed, body_words=body_words)
        sample, generating = _build(
            measures, stream, total=works, batch_size=batch_size, progress=progress
        )

        mix = build_query_mix(sample, profile, count=queries, seed=seed)
        warm = build_query_mix(sample, profile, count=warmup, seed=seed + 1)
        _say(f"Running {queries} filter and {queries} full-text queries per backend", progress)
        for query in (*warm.filters, *warm.fulltext):
            for measure in measures:
                measure.backend.search(query)
        for measure, times in zip(measures, _time_queries(measures, mix.filters), strict=True):
            measure.filter_ms = times
        for measure, times in zip(measures, _time_queries(measures, mix.fulltext), strict=True):
            measure.fulltext_ms = times
        with_facets = [replace(query, facets=True) for query in mix.fulltext]
        for measure, times in zip(measures, _time_queries(measures, with_facets), strict=True):
            measure.fulltext_facets_ms = times

        rows = [measure.row() for measure in measures]
        _print_table(rows, out)
        for measure in measures[1:]:
            agreeing = 3 * queries - measure.disagreements
            _say(
                f"{measure.backend.name}: {agreeing}/{3 * queries} totals equal to "
                f"{measures[0].backend.name}'s",
                out,
            )
        _say(
            f"Generating the works took {generating:.1f}s (not in build_s); "
            f"the whole run {time.perf_counter() - started:.1f}s",
            out,
        )
        if as_json:
            print(json.dumps({"works": works, "backends": rows}), file=out, flush=True)
    return 0


def _print_table(rows: Sequence[dict[str, object]], out: TextIO) -> None:
    widths = [max(len(key), *(len(str(row[key])) for row in rows)) for key in _KEYS]
    line = "  ".join(key.ljust(width) for key, width in zip(_KEYS, widths, strict=True))
    print(line, file=out)
    for row in rows:
        print(
            "  ".join(
                str(row[key]).ljust(width) if key == "backend" else str(row[key]).rjust(width)
                for key, width in zip(_KEYS, widths, strict=True)
            ),
            file=out,
        )
