"""Keeping the search index in step with the database, losing nothing to a crash.

Every write that changes what search sees calls ``reindex_after_commit`` inside its
transaction: that records the works in PendingIndexing (committed or rolled back
with the change itself) and, once the transaction commits, queues one background
task to index what is pending. ``index_pending`` does the indexing: it reads pending
rows, indexes their works from the database, and deletes those rows only after the
index has committed. So a crash anywhere (before the task is queued, while a
worker indexes, in the middle of an index commit) leaves the rows behind, and the
next pass indexes them: the next write's task, or the sweep ``quire worker`` runs
when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from quire.after_commit import CommitBatch
from quire.search.backends import SearchBackend, search_backend
from quire.search.documents import indexed_works
from quire.search.models import PendingIndexing

log = logging.getLogger(__name__)

PASS_SIZE = 1_000
"""Pending rows read, indexed and cleared at a time."""


def _enqueue_indexing(_work_ids: list[int]) -> None:
    from quire.search.tasks import index_pending_works

    index_pending_works.enqueue()


_indexing = CommitBatch(_enqueue_indexing)


def reindex_after_commit(work_ids: Iterable[int]) -> None:
    """Mark these works for indexing in the current transaction; index them in the
    background once it commits."""
    wanted = sorted(set(work_ids))
    if not wanted:
        return
    PendingIndexing.objects.bulk_create([PendingIndexing(work_id=work_id) for work_id in wanted])
    _indexing.add(wanted)


def index_pending(pass_size: int = PASS_SIZE) -> int:
    """Index every pending work, a pass of rows at a time; returns how many were indexed.

    A pass that fails is retried work by work, so one work that cannot be indexed
    keeps its row (for a later attempt, and logged) without holding back the rest.
    """
    backend = search_backend()
    indexed = 0
    failed: set[int] = set()
    while True:
        rows = list(
            PendingIndexing.objects.exclude(pk__in=failed)
            .order_by("pk")
            .values_list("pk", "work_id")[:pass_size]
        )
        if not rows:
            return indexed
        by_work: dict[int, list[int]] = {}
        for pk, work_id in rows:
            by_work.setdefault(work_id, []).append(pk)
        try:
            _index(backend, sorted(by_work))
            done = list(by_work)
        except Exception:
            done = []
            for work_id in sorted(by_work):
                try:
                    _index(backend, [work_id])
                    done.append(work_id)
                except Exception:
                    log.exception("Could not index work %s; it stays queued", work_id)
                    failed.update(by_work[work_id])
        PendingIndexing.objects.filter(
            pk__in=[pk for work_id in done for pk in by_work[work_id]]
        ).delete()
        indexed += len(done)


def _index(backend: SearchBackend, work_ids: list[int]) -> None:
    documents = list(indexed_works(work_ids))
    backend.add(documents)
    gone = set(work_ids) - {document.work_id for document in documents}
    if gone:
        backend.delete(gone)


def sweep_leftovers() -> bool:
    """Queue a pass over works a crash left pending (a worker calls this as it starts)."""
    if not PendingIndexing.objects.exists():
        return False
    _enqueue_indexing([])
    return True
