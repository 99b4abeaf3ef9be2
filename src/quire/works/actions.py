"""Every write to works, chapters and series goes through here.

Actions sanitize user HTML, count words and keep a work's derived fields
(word count, chapter count, completeness, dates) right, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from quire.community.updates import announce_chapter, announce_series_part, announce_work
from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.sanitize import sanitize_html
from quire.core.tags import TagType
from quire.core.wordcount import count_words
from quire.people.models import Pseud
from quire.search.indexing import reindex_after_commit
from quire.tags.actions import find_or_create_tag_sets
from quire.tags.filters import derive_filter_taggings
from quire.works.models import Chapter, Creatorship, Series, SeriesPart, Tagging, Work


@transaction.atomic
def do_create_work(
    *,
    creators: Sequence[Pseud],
    parsed: ParsedWork,
    posted: bool = True,
    restricted: bool = False,
    disambiguate_tags: bool = False,
    html_is_clean: bool = False,
) -> Work:
    """Store a parsed work with its chapters and tags; `posted=False` keeps it a draft.

    `disambiguate_tags` (for imports) turns a tag name already used with another
    type into "Name (Type)" instead of refusing the work. `html_is_clean` is only
    for works that went through quire.core.importers.pipeline.clean_work, which
    sanitized every HTML field and counted every chapter in a worker process.
    """
    work = Work(restricted=restricted, posted=posted)
    _fill(work, creators, parsed, disambiguate_tags=disambiguate_tags, html_is_clean=html_is_clean)
    announce_work(work)
    return work


@transaction.atomic
def do_replace_work(
    work: Work,
    *,
    creators: Sequence[Pseud],
    parsed: ParsedWork,
    disambiguate_tags: bool = False,
    html_is_clean: bool = False,
) -> Work:
    """Replace a work's text and metadata with a newer copy of the same document (re-import)."""
    work.chapters.all().delete()
    work.taggings.all().delete()
    work.creatorships.all().delete()
    _fill(work, creators, parsed, disambiguate_tags=disambiguate_tags, html_is_clean=html_is_clean)
    return work


def _fill(
    work: Work,
    creators: Sequence[Pseud],
    parsed: ParsedWork,
    *,
    disambiguate_tags: bool,
    html_is_clean: bool,
) -> None:
    if not creators:
        raise ValueError(f'work "{parsed.title}" needs at least one creator')
    if not parsed.chapters:
        raise ValueError(f'work "{parsed.title}" has no chapters')
    work.title = " ".join(parsed.title.split())[:255] or "Untitled"
    clean = _as_is if html_is_clean else sanitize_html
    work.summary = clean(parsed.summary)
    work.notes = clean(parsed.notes)
    work.end_notes = clean(parsed.end_notes)
    work.language = parsed.language or "en"
    work.expected_chapters = parsed.expected_chapters
    work.published = parsed.published
    chapters = [
        _chapter_row(work, chapter, position=position, posted=work.posted, clean=html_is_clean)
        for position, chapter in enumerate(parsed.chapters, start=1)
    ]
    _apply_stats(
        work,
        [chapter for chapter in chapters if chapter.posted],
        complete=parsed.complete,
        updated=parsed.updated,
    )
    work.save()
    Chapter.objects.bulk_create(chapters)
    Creatorship.objects.bulk_create(
        Creatorship(work=work, pseud=pseud, position=index) for index, pseud in enumerate(creators)
    )
    ordered = {tag_type: parsed.tags.get(tag_type, []) for tag_type in TagType}
    tags = find_or_create_tag_sets(ordered, disambiguate=disambiguate_tags)
    Tagging.objects.bulk_create(
        Tagging(work=work, tag=tag, position=position) for position, tag in enumerate(tags)
    )
    derive_filter_taggings([work.pk])
    reindex_after_commit([work.pk])


def _as_is(html: str) -> str:
    return html


def _chapter_row(
    work: Work, chapter: ParsedChapter, *, position: int, posted: bool, clean: bool = False
) -> Chapter:
    """An unsaved chapter with sanitized HTML and its AO3 word count.

    With `clean`, the chapter comes from quire.core.importers.pipeline.clean_work:
    sanitized and counted already.
    """
    content = chapter.content if clean else sanitize_html(chapter.content, keep_classes=True)
    words = chapter.word_count if clean and chapter.word_count is not None else None
    sanitize = _as_is if clean else sanitize_html
    return Chapter(
        work=work,
        position=position,
        title=" ".join(chapter.title.split())[:255],
        summary=sanitize(chapter.summary),
        notes=sanitize(chapter.notes),
        end_notes=sanitize(chapter.end_notes),
        content=content,
        word_count=words if words is not None else count_words(content),
        posted=posted,
        published=chapter.published or work.published or timezone.localdate(),
    )


@transaction.atomic
def do_add_chapter(work: Work, chapter: ParsedChapter, *, posted: bool = True) -> Chapter:
    """Append a chapter; posting it updates the work's counts and updated date."""
    last = work.chapters.aggregate(last=Max("position"))["last"] or 0
    stored = _chapter_row(work, chapter, position=last + 1, posted=posted)
    stored.save()
    _refresh_stats(work)
    reindex_after_commit([work.pk])
    announce_chapter(stored)
    return stored


@transaction.atomic
def do_post_work(work: Work) -> Work:
    """Post a draft: the work and all its chapters become public."""
    today = timezone.localdate()
    work.chapters.filter(posted=False).update(posted=True)
    work.chapters.filter(published__isnull=True).update(published=today)
    work.posted = True
    work.published = work.published or today
    work.save(update_fields=["posted", "published", "modified_at"])
    _refresh_stats(work)
    reindex_after_commit([work.pk])
    announce_work(work)
    return work


@transaction.atomic
def do_set_hidden(work: Work, *, hidden: bool) -> Work:
    """Hide a work from everyone but its creators and admins, or show it again."""
    work.hidden = hidden
    work.save(update_fields=["hidden", "modified_at"])
    reindex_after_commit([work.pk])
    return work


def _refresh_stats(
    work: Work, *, complete: bool | None = None, updated: date | None = None
) -> None:
    """Re-derive the work's figures from its posted chapters in the database, and save."""
    _apply_stats(work, list(work.chapters.filter(posted=True)), complete=complete, updated=updated)
    work.save()


def _apply_stats(
    work: Work, posted: list[Chapter], *, complete: bool | None, updated: date | None
) -> None:
    """Word count, chapter count, dates and completeness from the posted chapters.

    AO3 calls a work complete when its posted chapters reach the expected
    number; a document that says so explicitly (`complete`) is believed.
    """
    work.word_count = sum(chapter.word_count for chapter in posted)
    work.chapter_count = len(posted)
    days = [chapter.published for chapter in posted if chapter.published is not None]
    first = min(days, default=None)
    work.published = work.published or first
    latest = [day for day in (max(days, default=None), updated) if day is not None]
    work.updated = max(latest) if latest else work.published
    if complete is None:
        complete = work.expected_chapters is not None and (
            work.chapter_count >= work.expected_chapters
        )
    work.complete = complete
    if complete and work.expected_chapters is None:
        work.expected_chapters = work.chapter_count


@transaction.atomic
def do_create_series(*, creators: Sequence[Pseud], title: str, summary: str = "") -> Series:
    series = Series.objects.create(
        title=" ".join(title.split())[:255], summary=sanitize_html(summary)
    )
    series.creators.set(creators)
    return series


@transaction.atomic
def do_add_to_series(series: Series, work: Work, *, position: int | None = None) -> SeriesPart:
    """Place a work in a series, at the end unless a position is given."""
    if position is None:
        position = (series.parts.aggregate(last=Max("position"))["last"] or 0) + 1
    part, _ = SeriesPart.objects.update_or_create(
        series=series, work=work, defaults={"position": position}
    )
    announce_series_part(part)
    return part


@transaction.atomic
def do_save_chapter(chapter: Chapter) -> Chapter:
    """Save a chapter edited elsewhere (e.g. in the admin): sanitize, recount, refresh the work."""
    chapter.content = sanitize_html(chapter.content, keep_classes=True)
    for field in ("summary", "notes", "end_notes"):
        setattr(chapter, field, sanitize_html(getattr(chapter, field)))
    chapter.word_count = count_words(chapter.content)
    chapter.save()
    _refresh_stats(chapter.work)
    reindex_after_commit([chapter.work_id])
    return chapter


@transaction.atomic
def do_save_work(work: Work) -> Work:
    """Save a work edited elsewhere (e.g. in the admin): sanitize and refresh derived fields."""
    for field in ("summary", "notes", "end_notes"):
        setattr(work, field, sanitize_html(getattr(work, field)))
    work.save()
    _refresh_stats(work, complete=work.complete if work.expected_chapters is None else None)
    reindex_after_commit([work.pk])
    return work


@transaction.atomic
def do_add_tags(work: Work, tags: dict[TagType, list[str]]) -> list[str]:
    """Add tags to a work (e.g. accepted suggestions); returns the names newly added."""
    found = find_or_create_tag_sets(tags, disambiguate=True)
    present = set(work.taggings.values_list("tag_id", flat=True))
    start = work.taggings.count()
    new = [tag for tag in found if tag.pk not in present]
    Tagging.objects.bulk_create(
        Tagging(work=work, tag=tag, position=start + offset) for offset, tag in enumerate(new)
    )
    derive_filter_taggings([work.pk])
    reindex_after_commit([work.pk])
    return [tag.name for tag in new]
