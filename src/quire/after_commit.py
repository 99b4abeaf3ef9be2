"""Gathering ids changed in a transaction into one background task, enqueued on commit.

A bulk wrangling action or an import of a whole work touches many rows; one
task per transaction keeps the queue short, and a rollback drops the ids with
the changes they belonged to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from django.db import transaction


class CommitBatch:
    """Ids to hand to `enqueue` when the current transaction commits (at once without one)."""

    def __init__(self, enqueue: Callable[[list[int]], object]) -> None:
        self._enqueue = enqueue
        self._local = threading.local()

    def add(self, ids: Iterable[int]) -> None:
        wanted = set(ids)
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            self._flush(wanted)
            return
        pending: _Pending | None = getattr(self._local, "pending", None)
        if pending is None or not any(
            callback == pending.flush for _, callback, _ in connection.run_on_commit
        ):
            pending = _Pending(self._flush)
            self._local.pending = pending
            transaction.on_commit(pending.flush)
        pending.ids.update(wanted)

    def _flush(self, ids: set[int]) -> None:
        if ids:
            self._enqueue(sorted(ids))


class _Pending:
    def __init__(self, flush: Callable[[set[int]], None]) -> None:
        self.ids: set[int] = set()
        self._flush = flush

    def flush(self) -> None:
        self._flush(self.ids)
