"""Asking the search backend, then loading what it found through the permission layer."""

from __future__ import annotations

from dataclasses import dataclass, replace

from quire.collections.queries import maintained_collection_ids
from quire.community.queries import muted_pseud_ids
from quire.core.search.model import Hit, SearchQuery, SearchResults, Visibility
from quire.core.tags import TagType
from quire.core.visibility import Viewer
from quire.people.queries import excluded_ids
from quire.search.backends import search_backend
from quire.tags.models import Tag
from quire.works.models import Work
from quire.works.queries import visible_works


def visibility_of(viewer: Viewer) -> Visibility:
    """The viewer as search must know them, with the collections they maintain (whose
    unrevealed works they see)."""
    return Visibility(
        signed_in=viewer.is_authenticated,
        user_id=viewer.user_id,
        admin=viewer.is_admin,
        collection_ids=maintained_collection_ids(viewer),
    )


def download_visibility(viewer: Viewer) -> Visibility:
    """Search as quire.permissions.download_filter sees works (for the OPDS catalog): no
    drafts and no hidden works, even for their creators and admins."""
    return Visibility(signed_in=viewer.is_authenticated)


@dataclass(slots=True)
class Found:
    """One result: the work (loaded with what a blurb shows) and where the words matched."""

    work: Work
    hit: Hit


@dataclass(slots=True)
class FacetTag:
    tag: Tag
    count: int
    included: bool
    excluded: bool


def search(viewer: Viewer, query: SearchQuery) -> tuple[list[Found], SearchResults]:
    """Results in the backend's order; any work the database says the viewer may not
    see is dropped again, so the index can never show more than the permission layer.
    A signed-in reader's exclusion list (tags and creators) and the creators they muted
    apply to every search."""
    tags, pseuds = excluded_ids(viewer.user_id)
    pseuds |= muted_pseud_ids(viewer)
    if tags or pseuds:
        query = replace(
            query,
            exclude_tag_ids=query.exclude_tag_ids | tags,
            exclude_creator_ids=query.exclude_creator_ids | pseuds,
        )
    results = search_backend().search(query)
    works = visible_works(viewer).in_bulk([hit.work_id for hit in results.hits])
    found = [Found(works[hit.work_id], hit) for hit in results.hits if hit.work_id in works]
    return found, results


def facet_tags(
    results: SearchResults, query: SearchQuery, limit: int = 10
) -> dict[TagType, list[FacetTag]]:
    """The sidebar: per tag type, the tags of the matching works with their counts."""
    wanted = {tag_id for counts in results.facets.values() for tag_id, _ in counts[:limit]}
    wanted |= query.include_tag_ids | query.exclude_tag_ids
    tags = Tag.objects.in_bulk(wanted)
    sidebar: dict[TagType, list[FacetTag]] = {}
    for tag_type in TagType:
        counts = dict(results.facets.get(tag_type, [])[:limit])
        chosen = [
            tag_id
            for tag_id in sorted(query.include_tag_ids | query.exclude_tag_ids)
            if tag_id in tags and tags[tag_id].type == tag_type and tag_id not in counts
        ]
        entries = [(tag_id, counts[tag_id]) for tag_id in counts] + [
            (tag_id, 0) for tag_id in chosen
        ]
        sidebar[tag_type] = [
            FacetTag(
                tags[tag_id],
                count,
                tag_id in query.include_tag_ids,
                tag_id in query.exclude_tag_ids,
            )
            for tag_id, count in entries
            if tag_id in tags
        ]
    return sidebar
