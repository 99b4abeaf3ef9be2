"""Background indexing: what the index holds is always rebuilt from the database."""

from __future__ import annotations

from django_tasks import task

from quire.search.indexing import index_pending


@task()
def index_pending_works() -> int:
    """Index every work waiting in PendingIndexing (see quire.search.indexing)."""
    return index_pending()
