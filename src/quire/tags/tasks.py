"""Background work after wrangling: re-derive the filter tags of every affected work."""

from __future__ import annotations

from django_tasks import task

from quire.search.indexing import reindex_after_commit
from quire.tags.filters import derive_filter_taggings, tags_below, works_with_tags


@task()
def rederive_filter_tags(tag_ids: list[int]) -> int:
    """Re-derive the works under these tags (and their synonyms and sub tags); returns how many."""
    work_ids = list(works_with_tags(tags_below(tag_ids)))
    derive_filter_taggings(work_ids)
    reindex_after_commit(work_ids)
    return len(work_ids)
