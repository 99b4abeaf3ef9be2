"""Turning works in the database into the plain documents search backends index.

An anonymous work (in a collection that hides its creators until a reveal) is indexed
with no creators, so no creator search, facet, sort or snippet can name them; its
creators' user ids stay, only to let them find their own work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from django.db.models import Prefetch

from quire.collections.models import CollectionItem
from quire.collections.queries import APPROVED
from quire.community.models import stats_of
from quire.core.search.model import IndexedChapter, IndexedWork
from quire.core.suggest import text_of_html
from quire.core.tags import TagType
from quire.tags.filters import load_graph
from quire.works.models import Chapter, Creatorship, FilterTagging, Tagging, Work

BATCH_SIZE = 200


def indexed_works(work_ids: Sequence[int]) -> Iterator[IndexedWork]:
    """The documents for these works (missing ids are skipped), a batch of queries at a time."""
    for start in range(0, len(work_ids), BATCH_SIZE):
        yield from _batch(work_ids[start : start + BATCH_SIZE])


def _batch(work_ids: Sequence[int]) -> Iterator[IndexedWork]:
    works = (
        Work.objects.filter(pk__in=work_ids)
        .select_related("stats")
        .prefetch_related(
            Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud")),
            Prefetch("taggings", queryset=Tagging.objects.select_related("tag")),
            Prefetch("chapters", queryset=Chapter.objects.filter(posted=True).order_by("position")),
        )
    )
    filters: defaultdict[int, dict[int, TagType]] = defaultdict(dict)
    for work_id, tag_id, tag_type in FilterTagging.objects.filter(work_id__in=work_ids).values_list(
        "work_id", "tag_id", "tag__type"
    ):
        filters[work_id][tag_id] = TagType(tag_type)
    fandom_ids = {
        tag_id
        for tags in filters.values()
        for tag_id, tag_type in tags.items()
        if tag_type == TagType.FANDOM
    }
    graph = load_graph(fandom_ids)
    collections: defaultdict[int, set[int]] = defaultdict(set)
    for work_id, collection_id in CollectionItem.objects.filter(
        APPROVED, work_id__in=work_ids
    ).values_list("work_id", "collection_id"):
        collections[work_id].add(collection_id)
    for work in works:
        tag_types = filters[work.pk]
        stats = stats_of(work)
        pseuds = [creatorship.pseud for creatorship in work.creatorships.all()]
        named = [] if work.anonymous else pseuds
        yield IndexedWork(
            work_id=work.pk,
            title=work.title,
            creators=tuple(pseud.name for pseud in named),
            creator_ids=tuple(pseud.pk for pseud in named),
            creator_user_ids=tuple(pseud.user_id for pseud in pseuds),
            summary=text_of_html(work.summary),
            notes=text_of_html(work.notes),
            language=work.language,
            filter_tag_ids=frozenset(tag_types),
            tag_types=dict(tag_types),
            tag_names=tuple(tagging.tag.name for tagging in work.taggings.all()),
            crossover=graph.is_crossover(
                tag_id for tag_id, tag_type in tag_types.items() if tag_type == TagType.FANDOM
            ),
            complete=work.complete,
            chapter_count=work.chapter_count,
            word_count=work.word_count,
            kudos=stats.kudos,
            hits=stats.hits,
            bookmarks=stats.bookmarks,
            comments=stats.comments,
            published=work.published,
            updated=work.updated,
            posted=work.posted,
            hidden=work.hidden,
            restricted=work.restricted,
            unrevealed=work.unrevealed,
            collection_ids=frozenset(collections[work.pk]),
            chapters=tuple(
                IndexedChapter(
                    position=chapter.position,
                    chapter_id=chapter.pk,
                    title=chapter.title,
                    text=text_of_html(chapter.content),
                )
                for chapter in work.chapters.all()
            ),
        )
