"""Keeping the search index in step: every write that changes what search sees asks for it."""

from __future__ import annotations

from collections.abc import Iterable

from quire.after_commit import CommitBatch


def _enqueue_indexing(work_ids: list[int]) -> None:
    from quire.search.tasks import index_works

    index_works.enqueue(work_ids)


_indexing = CommitBatch(_enqueue_indexing)


def reindex_after_commit(work_ids: Iterable[int]) -> None:
    """Index these works in the background once the current transaction commits."""
    _indexing.add(work_ids)
