"""Keeping works' filter tags in step with their tags and the wrangling.

The rules are quire.core.tagging's; this module loads the part of the tag graph
they need and writes the difference, in batches, so a change to a tag with a
million works never holds a million rows in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.db import transaction

from quire.core.tagging import TagGraph, TagNode
from quire.core.tags import TagType
from quire.tags.models import MetaTagging, Tag, TagParent
from quire.works.models import FilterTagging, Tagging

BATCH_SIZE = 500


def load_graph(tag_ids: Iterable[int]) -> TagGraph:
    """These tags with everything above them: mergers and meta tags, transitively."""
    nodes: dict[int, TagNode] = {}
    frontier = set(tag_ids)
    while frontier:
        metas: defaultdict[int, set[int]] = defaultdict(set)
        for sub_id, meta_id in MetaTagging.objects.filter(sub_tag_id__in=frontier).values_list(
            "sub_tag_id", "meta_tag_id"
        ):
            metas[sub_id].add(meta_id)
        parents: defaultdict[int, set[int]] = defaultdict(set)
        for child_id, parent_id in TagParent.objects.filter(child_id__in=frontier).values_list(
            "child_id", "parent_id"
        ):
            parents[child_id].add(parent_id)
        for row in Tag.objects.filter(pk__in=frontier).values(
            "id", "name", "type", "canonical", "merger_id"
        ):
            nodes[row["id"]] = TagNode(
                id=row["id"],
                name=row["name"],
                type=TagType(row["type"]),
                canonical=row["canonical"],
                merger_id=row["merger_id"],
                meta_ids=frozenset(metas[row["id"]]),
                parent_ids=frozenset(parents[row["id"]]),
            )
        reached = {node.merger_id for node in nodes.values() if node.merger_id is not None}
        reached |= {meta for node in nodes.values() for meta in node.meta_ids}
        frontier = reached - nodes.keys()
    return TagGraph(nodes.values())


def tags_below(tag_ids: Iterable[int]) -> set[int]:
    """These tags, their synonyms and sub tags, transitively: whose filters a change moves."""
    found = set(tag_ids)
    frontier = set(found)
    while frontier:
        synonyms = set(Tag.objects.filter(merger_id__in=frontier).values_list("id", flat=True))
        subs = set(
            MetaTagging.objects.filter(meta_tag_id__in=frontier).values_list(
                "sub_tag_id", flat=True
            )
        )
        frontier = (synonyms | subs) - found
        found |= frontier
    return found


def derive_filter_taggings(work_ids: Sequence[int]) -> None:
    """Make these works' filter taggings match their taggings and the current wrangling."""
    for start in range(0, len(work_ids), BATCH_SIZE):
        _derive_batch(work_ids[start : start + BATCH_SIZE])


@transaction.atomic
def _derive_batch(work_ids: Sequence[int]) -> None:
    tags_by_work: defaultdict[int, set[int]] = defaultdict(set)
    for work_id, tag_id in Tagging.objects.filter(work_id__in=work_ids).values_list(
        "work_id", "tag_id"
    ):
        tags_by_work[work_id].add(tag_id)
    graph = load_graph({tag for tags in tags_by_work.values() for tag in tags})
    wanted = {
        (work_id, filter_id)
        for work_id in work_ids
        for filter_id in graph.filter_ids(tags_by_work.get(work_id, ()))
    }
    existing = set(
        FilterTagging.objects.filter(work_id__in=work_ids).values_list("work_id", "tag_id")
    )
    stale: defaultdict[int, list[int]] = defaultdict(list)
    for work_id, tag_id in existing - wanted:
        stale[work_id].append(tag_id)
    for work_id, tag_ids in stale.items():
        FilterTagging.objects.filter(work_id=work_id, tag_id__in=tag_ids).delete()
    FilterTagging.objects.bulk_create(
        FilterTagging(work_id=work_id, tag_id=tag_id) for work_id, tag_id in wanted - existing
    )


def works_with_tags(tag_ids: Iterable[int]) -> Iterator[int]:
    """Ids of works tagged with, or filed under, any of these tags (each once)."""
    ids = list(tag_ids)
    tagged = Tagging.objects.filter(tag_id__in=ids).values_list("work_id", flat=True)
    filed = FilterTagging.objects.filter(tag_id__in=ids).values_list("work_id", flat=True)
    yield from sorted(set(tagged) | set(filed))
