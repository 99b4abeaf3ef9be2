"""The search backend the archive uses, chosen by a setting (QUIRE_SEARCH_BACKEND).

Every backend keeps the contract in quire.core.search.model (tests/app/search_contract.py
checks each against the same expected answers):

* ``tantivy`` (the default): the embedded index in a folder of the data directory,
  quire.core.search.tantivy_index. Nothing to run; one application server.
* ``postgres``: tables in the archive's own PostgreSQL database,
  quire.search.postgres, so every application server sharing the database shares
  the index. Only for an archive whose database is PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

from quire.core.search.model import IndexedWork, SearchQuery, SearchResults
from quire.core.search.tantivy_index import TantivyIndex

BACKENDS = ("tantivy", "postgres")


class SearchBackend(Protocol):
    """What the archive asks of a search backend."""

    def add(self, works: Iterable[IndexedWork]) -> int:
        """Index the works (replacing any with the same work_id); how many were written."""
        ...

    def delete(self, work_ids: Iterable[int]) -> None: ...

    def clear(self) -> None: ...

    def rebuild(self, batches: Iterable[Sequence[IndexedWork]]) -> int:
        """Replace the whole index with these works, as fast as the backend can load;
        how many were written."""
        ...

    def count(self) -> int:
        """Works in the index, visible or not."""
        ...

    def search(self, query: SearchQuery) -> SearchResults: ...


_lock = threading.Lock()
_open: dict[Path, TantivyIndex] = {}
_postgres: dict[str, SearchBackend] = {}


def search_backend() -> SearchBackend:
    """The configured backend, opened once per process (and index folder or database)."""
    name = settings.SEARCH_BACKEND
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"QUIRE_SEARCH_BACKEND={name!r} is not a search backend Quire has "
            f"(choose from {', '.join(BACKENDS)})"
        )
    if name == "postgres":
        return _postgres_backend(DEFAULT_DB_ALIAS)
    path = Path(settings.SEARCH_INDEX_DIR)
    with _lock:
        if path not in _open:
            path.mkdir(parents=True, exist_ok=True)
            _open[path] = TantivyIndex(path, recreate_if_incompatible=True)
        return _open[path]


def _postgres_backend(using: str) -> SearchBackend:
    vendor = connections[using].vendor
    if vendor != "postgresql":
        raise ImproperlyConfigured(
            "QUIRE_SEARCH_BACKEND=postgres keeps the search index in the archive's "
            f"PostgreSQL database, but this archive's database is {vendor}: set "
            "QUIRE_DATABASE_URL=postgresql://… or leave QUIRE_SEARCH_BACKEND unset (tantivy)"
        )
    from quire.search.postgres import PostgresSearchBackend

    with _lock:
        if using not in _postgres:
            _postgres[using] = PostgresSearchBackend(using=using)
        return _postgres[using]
