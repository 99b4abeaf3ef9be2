"""Background indexing: what the index holds is always rebuilt from the database."""

from __future__ import annotations

from django_tasks import task

from quire.search.backends import search_backend
from quire.search.documents import indexed_works


@task()
def index_works(work_ids: list[int]) -> int:
    """(Re)index these works; ids no longer in the database leave the index."""
    backend = search_backend()
    documents = list(indexed_works(work_ids))
    backend.add(documents)
    gone = set(work_ids) - {document.work_id for document in documents}
    if gone:
        backend.delete(gone)
    return len(documents)
