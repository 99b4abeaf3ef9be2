"""`quire reindex` and `quire search`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

from tqdm import tqdm

from quire.core.search.model import IndexedWork, SearchQuery, Visibility
from quire.core.visibility import GUEST
from quire.search import queries
from quire.search.backends import search_backend
from quire.search.documents import BATCH_SIZE, indexed_works
from quire.search.models import PendingIndexing
from quire.works.bylines import public_byline
from quire.works.models import Work


def run_reindex(*, quiet: bool = False) -> int:
    """Rebuild the index from the database: it can always be made again from there."""
    backend = search_backend()
    # Whatever was pending before the rebuild reads the works is covered by it.
    covered = list(PendingIndexing.objects.values_list("pk", flat=True))
    work_ids = list(Work.objects.order_by("pk").values_list("pk", flat=True))
    progress = tqdm(
        total=len(work_ids), unit="work", disable=quiet or not sys.stderr.isatty(), file=sys.stderr
    )

    def batches() -> Iterator[list[IndexedWork]]:
        for start in range(0, len(work_ids), BATCH_SIZE):
            batch = work_ids[start : start + BATCH_SIZE]
            yield list(indexed_works(batch))
            progress.update(len(batch))

    backend.rebuild(batches())
    progress.close()
    for start in range(0, len(covered), BATCH_SIZE):
        PendingIndexing.objects.filter(pk__in=covered[start : start + BATCH_SIZE]).delete()
    print(f"Indexed {backend.count():,} works.")
    return 0


def run_search(text: str, *, as_json: bool, limit: int) -> int:
    """Search as a signed-out reader would (the CLI has no account)."""
    query = SearchQuery(text=text, per_page=limit, visibility=Visibility(), facets=False)
    found, results = queries.search(GUEST, query)
    if as_json:
        print(
            json.dumps(
                {
                    "total": results.total,
                    "works": [
                        {
                            "id": item.work.pk,
                            "title": item.work.title,
                            "creators": public_byline(item.work).credits,
                            "words": item.work.word_count,
                            "snippets": [
                                {"chapter": snippet.chapter_position, "html": snippet.html}
                                for snippet in item.hit.snippets
                            ],
                        }
                        for item in found
                    ],
                },
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{results.total:,} work{'s' if results.total != 1 else ''} found")
    for item in found:
        creators = public_byline(item.work).text
        words = f"{item.work.word_count:,} words"
        print(f"\n{item.work.title} by {creators} ({words}) /works/{item.work.pk}/")
        for snippet in item.hit.snippets:
            print(f"  chapter {snippet.chapter_position}: {snippet.html}")
    return 0
