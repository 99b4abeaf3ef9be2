"""Every write to works, chapters and series goes through here.

Actions sanitize user HTML, count words and keep a work's derived fields
(word count, chapter count, completeness, dates) right, inside one transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from quire.collections.actions import do_set_work_collections
from quire.collections.models import Collection
from quire.community.updates import announce_chapter, announce_series_part, announce_work
from quire.core.accounts import ORPHAN_USERNAME
from quire.core.composing import TextFormat, chapter_html, missing_required_tags, typed_html
from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.sanitize import sanitize_html
from quire.core.tags import TagType
from quire.core.wordcount import count_words
from quire.people.models import Pseud, User
from quire.permissions import barred_creator_among
from quire.search.indexing import reindex_after_commit
from quire.tags.actions import find_or_create_tag_sets
from quire.tags.filters import derive_filter_taggings
from quire.works.models import (
    Chapter,
    CreatorInvitation,
    Creatorship,
    Gift,
    Inspiration,
    Series,
    SeriesPart,
    Tagging,
    Work,
)


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
    _refuse_barred_creators(creators)
    if not parsed.chapters:
        raise ValueError(f'work "{parsed.title}" has no chapters')
    _describe(work, parsed, _as_is if html_is_clean else sanitize_html)
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
    _tag(work, parsed.tags, disambiguate=disambiguate_tags)
    reindex_after_commit([work.pk])


def _describe(work: Work, parsed: ParsedWork, clean: Callable[[str], str]) -> None:
    """Title, preface (its HTML through `clean`), language and planned length."""
    work.title = _clean_title(parsed.title)
    work.summary = clean(parsed.summary)
    work.notes = clean(parsed.notes)
    work.end_notes = clean(parsed.end_notes)
    work.language = parsed.language or "en"
    work.expected_chapters = parsed.expected_chapters


def _tag(
    work: Work,
    tags: dict[TagType, list[str]],
    *,
    disambiguate: bool = False,
    replace: bool = False,
) -> None:
    """Give a work these tags, in AO3's type order, and re-derive its filter tags;
    `replace` drops the tags it had (a new work has none to drop)."""
    ordered = {tag_type: tags.get(tag_type, []) for tag_type in TagType}
    found = find_or_create_tag_sets(ordered, disambiguate=disambiguate)
    if replace:
        work.taggings.all().delete()
    Tagging.objects.bulk_create(
        Tagging(work=work, tag=tag, position=position) for position, tag in enumerate(found)
    )
    derive_filter_taggings([work.pk])


def _clean_title(title: str) -> str:
    return " ".join(title.split())[:255] or "Untitled"


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
        # A draft has no publication date yet: posting it gives it the day it is posted.
        published=chapter.published
        or ((work.published or timezone.localdate()) if posted else None),
    )


@transaction.atomic
def do_add_chapter(work: Work, chapter: ParsedChapter, *, posted: bool = True) -> Chapter:
    """Append a chapter; posting it updates the work's counts and updated date."""
    _refuse_barred_creators(Pseud.objects.filter(creatorships__work=work))
    last = work.chapters.aggregate(last=Max("position"))["last"] or 0
    stored = _chapter_row(work, chapter, position=last + 1, posted=posted)
    stored.save()
    _refresh_stats(work)
    reindex_after_commit([work.pk])
    announce_chapter(stored)
    return stored


@transaction.atomic
def do_post_work(work: Work) -> Work:
    """Post a draft: the work and all its chapters become public. A work without AO3's
    required tags (an uploaded file may have none) is refused with a ValueError."""
    missing = missing_required_tags(
        TagType(kind) for kind in work.tags.values_list("type", flat=True)
    )
    if missing:
        raise ValueError(missing)
    _refuse_barred_creators(Pseud.objects.filter(creatorships__work=work))
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


def _refuse_barred_creators(pseuds: Sequence[Pseud] | QuerySet[Pseud]) -> None:
    """Nothing is posted under a suspended or banned account (quire.permissions)."""
    barred = barred_creator_among(pseuds)
    if barred is not None:
        raise PermissionDenied(f"{barred.username} is suspended or banned: nothing can be posted.")


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
    series = Series.objects.create(title=_clean_title(title), summary=sanitize_html(summary))
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


# Posting and editing from the archive's own forms (quire.works.posting_views).


@dataclass(frozen=True, slots=True)
class ChapterText:
    """A chapter as its creator typed it; `parsed()` is what the archive stores."""

    text: str
    text_format: TextFormat = TextFormat.HTML
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""

    def parsed(self) -> ParsedChapter:
        return ParsedChapter(
            content=chapter_html(self.text, self.text_format),
            title=self.title,
            summary=typed_html(self.summary),
            notes=typed_html(self.notes),
            end_notes=typed_html(self.end_notes),
        )

    @property
    def source(self) -> str:
        """What is kept to edit again: Markdown as typed; HTML is its own source."""
        return self.text if self.text_format is TextFormat.MARKDOWN else ""


@dataclass(frozen=True, slots=True)
class InspirationLink:
    """ "Inspired by": a work here (`parent`), or one elsewhere by address, title, author."""

    parent: Work | None = None
    url: str = ""
    title: str = ""
    author: str = ""


@dataclass(slots=True)
class WorkDetails:
    """A work's metadata as chosen on the posting form (quire.works.forms.WorkForm).

    `pseuds` are the signed-in creator's own pseuds to credit; `invite` are other
    members' pseuds, credited only once they accept. `series` or `new_series_title`
    places the work in a series; `leave_series` takes it out of others.
    """

    title: str
    pseuds: list[Pseud]
    tags: dict[TagType, list[str]]
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    language: str = "en"
    expected_chapters: int | None = None
    restricted: bool = False
    comment_permission: str = "everyone"
    moderated_comments: bool = False
    invite: list[Pseud] = dataclasses.field(default_factory=list)
    gift_to: list[User] = dataclasses.field(default_factory=list)
    collections: list[Collection] | None = None
    """The collections it is to be in (None: leave them as they are)."""
    inspiration: InspirationLink | None = None
    series: Series | None = None
    new_series_title: str = ""
    series_position: int | None = None
    leave_series: list[Series] = dataclasses.field(default_factory=list)

    def as_parsed(self, chapters: list[ParsedChapter]) -> ParsedWork:
        """The work as the actions store documents: its typed preface made HTML."""
        return ParsedWork(
            title=self.title,
            chapters=chapters,
            summary=typed_html(self.summary),
            notes=typed_html(self.notes),
            end_notes=typed_html(self.end_notes),
            language=self.language,
            tags=self.tags,
            expected_chapters=self.expected_chapters,
        )


@transaction.atomic
def do_compose_work(
    author: User, details: WorkDetails, chapter: ChapterText, *, posted: bool
) -> Work:
    """A new work from the posting form: posted at once, or kept as a draft."""
    _check_own_pseuds(author, details.pseuds)
    work = do_create_work(
        creators=details.pseuds,
        parsed=details.as_parsed([chapter.parsed()]),
        posted=posted,
        restricted=details.restricted,
    )
    work.chapters.update(text_format=chapter.text_format, source=chapter.source)
    work.comment_permission = details.comment_permission
    work.moderated_comments = details.moderated_comments
    work.save(update_fields=["comment_permission", "moderated_comments", "modified_at"])
    _associate(work, author, details)
    return work


@transaction.atomic
def do_update_work(work: Work, editor: User, details: WorkDetails, *, post: bool = False) -> Work:
    """Save a creator's edits to a work's metadata (its chapters are edited one by one);
    `post` then posts a draft."""
    _check_own_pseuds(editor, details.pseuds)
    _describe(work, details.as_parsed([]), _as_is)
    work.restricted = details.restricted
    work.comment_permission = details.comment_permission
    work.moderated_comments = details.moderated_comments
    _credit_own_pseuds(work, editor, details.pseuds)
    _tag(work, details.tags, replace=True)
    _associate(work, editor, details)
    _refresh_stats(work)
    reindex_after_commit([work.pk])
    if post and not work.posted:
        do_post_work(work)
    return work


def _check_own_pseuds(user: User, pseuds: Sequence[Pseud]) -> None:
    if not pseuds:
        raise ValueError("Credit the work to at least one of your pseuds.")
    if any(pseud.user_id != user.pk for pseud in pseuds):
        raise ValueError("Only your own pseuds can be credited directly; invite the others.")


def _credit_own_pseuds(work: Work, user: User, pseuds: Sequence[Pseud]) -> None:
    """Credit exactly these pseuds of `user`; other members' credits stay as they are."""
    wanted = {pseud.pk for pseud in pseuds}
    mine = work.creatorships.filter(pseud__user=user)
    mine.exclude(pseud__in=wanted).delete()
    present = set(mine.values_list("pseud_id", flat=True))
    start = _next_position(work.creatorships.all())
    Creatorship.objects.bulk_create(
        Creatorship(work=work, pseud=pseud, position=start + offset)
        for offset, pseud in enumerate(pseud for pseud in pseuds if pseud.pk not in present)
    )


def _next_position(rows: QuerySet[Any]) -> int:
    return int(rows.aggregate(last=Max("position"))["last"] or 0) + 1


def _associate(work: Work, author: User, details: WorkDetails) -> None:
    """Gifts, collections, inspiration, series and co-creator invitations, as the form
    chose them."""
    _give(work, details.gift_to)
    if details.collections is not None:
        do_set_work_collections(work, author, details.collections)
    _link_inspiration(work, details.inspiration)
    _place(work, details)
    do_invite_co_creators(work, details.invite, invited_by=author)


def _link_inspiration(work: Work, link: InspirationLink | None) -> None:
    work.inspirations.all().delete()
    if link is None:
        return
    if link.parent is not None:
        Inspiration.objects.create(work=work, parent=link.parent)
        return
    Inspiration.objects.create(
        work=work,
        url=link.url,
        title=" ".join(link.title.split())[:255],
        author=" ".join(link.author.split())[:255],
    )


def _place(work: Work, details: WorkDetails) -> None:
    """Series: leave the ones unticked, join the chosen (or a new) one. A work already
    in the chosen series keeps its place unless a position is given."""
    for leaving in details.leave_series:
        do_remove_from_series(leaving, work)
    series = details.series
    if series is None and details.new_series_title.strip():
        series = do_create_series(creators=details.pseuds[:1], title=details.new_series_title)
    if series is None:
        return
    if details.series_position is not None or not work.series_parts.filter(series=series).exists():
        do_add_to_series(series, work, position=details.series_position)


def _give(work: Work, recipients: Sequence[User]) -> None:
    """Gift the work to exactly these members; a refusal stands even if they are named again."""
    wanted = {user.pk for user in recipients}
    work.gifts.filter(refused=False).exclude(recipient__in=wanted).delete()
    present = set(work.gifts.values_list("recipient_id", flat=True))
    Gift.objects.bulk_create(
        Gift(work=work, recipient=user) for user in recipients if user.pk not in present
    )


@transaction.atomic
def do_remove_from_series(series: Series, work: Work) -> None:
    """Take a work out of a series; a series left with no works goes too, as on AO3."""
    SeriesPart.objects.filter(series=series, work=work).delete()
    if not series.parts.exists():
        series.delete()


@transaction.atomic
def do_invite_co_creators(
    work: Work, pseuds: Sequence[Pseud], *, invited_by: User
) -> list[CreatorInvitation]:
    """Ask other members to co-create: nobody is credited without saying yes."""
    credited = set(work.creatorships.values_list("pseud_id", flat=True))
    asked = set(work.creator_invitations.values_list("pseud_id", flat=True))
    return CreatorInvitation.objects.bulk_create(
        CreatorInvitation(work=work, pseud=pseud, invited_by=invited_by)
        for pseud in dict.fromkeys(pseuds)
        if pseud.pk not in credited | asked
    )


@transaction.atomic
def do_answer_creator_invitation(invitation: CreatorInvitation, *, accept: bool) -> Work:
    """Accepting credits the invited pseud at the end of the byline; either way the
    invitation is spent."""
    work = invitation.work
    if accept:
        Creatorship.objects.get_or_create(
            work=work,
            pseud=invitation.pseud,
            defaults={"position": _next_position(work.creatorships.all())},
        )
        reindex_after_commit([work.pk])
    invitation.delete()
    return work


@transaction.atomic
def do_refuse_gift(gift: Gift) -> Gift:
    """The recipient says no: the work no longer shows "For" them."""
    gift.refused = True
    gift.save(update_fields=["refused"])
    return gift


@transaction.atomic
def do_write_chapter(
    work: Work, chapter: ChapterText, *, posted: bool, expected_chapters: int | None
) -> Chapter:
    """Add a chapter from the form. A planned length the new chapter passes grows with it."""
    count = work.chapters.count() + 1
    work.expected_chapters = None if expected_chapters is None else max(expected_chapters, count)
    parsed = chapter.parsed()
    parsed.published = timezone.localdate() if posted else None
    stored = do_add_chapter(work, parsed, posted=posted)
    stored.text_format = chapter.text_format
    stored.source = chapter.source
    stored.save(update_fields=["text_format", "source"])
    return stored


@transaction.atomic
def do_update_chapter(
    work: Work,
    chapter: Chapter,
    text: ChapterText,
    *,
    expected_chapters: int | None,
    post: bool = False,
) -> Chapter:
    """Save a creator's edits to one chapter (and the work's planned length); `post`
    then posts a draft chapter of a posted work."""
    parsed = text.parsed()
    chapter.title = " ".join(parsed.title.split())[:255]
    chapter.content = parsed.content
    chapter.summary = parsed.summary
    chapter.notes = parsed.notes
    chapter.end_notes = parsed.end_notes
    chapter.text_format = text.text_format
    chapter.source = text.source
    work.expected_chapters = expected_chapters
    chapter.work = work
    do_save_chapter(chapter)
    if post and work.posted and not chapter.posted:
        do_post_chapter(chapter)
    return chapter


@transaction.atomic
def do_post_chapter(chapter: Chapter) -> Chapter:
    """A draft chapter of a posted work goes up, dated today, and subscribers hear of it."""
    _refuse_barred_creators(Pseud.objects.filter(creatorships__work_id=chapter.work_id))
    chapter.posted = True
    chapter.published = chapter.published or timezone.localdate()
    chapter.save(update_fields=["posted", "published", "modified_at"])
    _refresh_stats(chapter.work)
    reindex_after_commit([chapter.work_id])
    announce_chapter(chapter)
    return chapter


@transaction.atomic
def do_reorder_chapters(work: Work, chapter_ids: Sequence[int]) -> None:
    """Put the work's chapters in this order (every chapter named once)."""
    present = sorted(work.chapters.values_list("pk", flat=True))
    if sorted(chapter_ids) != present:
        raise ValueError("Give every chapter of the work a place, each once.")
    _renumber(work, chapter_ids)
    work.save(update_fields=["modified_at"])
    reindex_after_commit([work.pk])


def _renumber(work: Work, chapter_ids: Sequence[int]) -> None:
    """Number the chapters 1, 2, … in this order. They are first moved past every
    current number, so no step ever puts two chapters at one position."""
    chapters = work.chapters.all()
    past = _next_position(chapters) + len(chapter_ids)
    chapters.update(position=F("position") + past)
    for position, chapter_id in enumerate(chapter_ids, start=1):
        Chapter.objects.filter(pk=chapter_id).update(position=position)


@transaction.atomic
def do_delete_chapter(chapter: Chapter) -> Work:
    """Delete a chapter and number the rest again; a work keeps at least one."""
    work = chapter.work
    if work.chapters.count() <= 1:
        raise ValueError("This is the work's only chapter: delete the work instead.")
    chapter.delete()
    _renumber(work, list(work.chapters.order_by("position").values_list("pk", flat=True)))
    _refresh_stats(work)
    reindex_after_commit([work.pk])
    return work


@transaction.atomic
def do_delete_work(work: Work) -> None:
    """Delete a work for good: the index forgets it, its downloads are removed, and a
    series it leaves empty goes too."""
    work_id = work.pk
    series_ids = list(work.series_parts.values_list("series_id", flat=True))
    work.delete()
    Series.objects.filter(pk__in=series_ids, parts__isnull=True).delete()
    reindex_after_commit([work_id])
    _forget_downloads(work_id)


@transaction.atomic
def do_orphan_work(work: Work, user: User, *, keep_pseud_name: bool) -> Work:
    """Give up a work for good: `user`'s credits move to the orphan account, under the
    pseud's name when `keep_pseud_name`, and `user` can no longer edit or delete it."""
    if not work.posted:
        raise ValueError("A draft cannot be orphaned: post it first, or delete it.")
    mine = list(work.creatorships.filter(pseud__user=user).select_related("pseud"))
    if not mine:
        raise ValueError("You are not a creator of this work.")
    orphan = _orphan_pseud(mine[0].pseud.name if keep_pseud_name else None)
    work.creatorships.filter(pk__in=[credit.pk for credit in mine]).delete()
    Creatorship.objects.get_or_create(
        work=work, pseud=orphan, defaults={"position": mine[0].position}
    )
    work.save(update_fields=["modified_at"])
    reindex_after_commit([work.pk])
    _forget_downloads(work.pk)
    return work


def _orphan_pseud(name: str | None) -> Pseud:
    """The orphan account's pseud with this name (made when missing), or its default."""
    account = User.objects.filter(username=ORPHAN_USERNAME).first()
    if account is None:
        account = User.objects.create_user(username=ORPHAN_USERNAME, password=None)
    elif account.has_usable_password() or account.is_placeholder:
        raise ValueError(
            f"The account {ORPHAN_USERNAME} belongs to a member, so works cannot be orphaned "
            "to it; an admin has to rename that account first."
        )
    if name is None:
        return account.default_pseud
    pseud = account.pseuds.filter(name__iexact=name).first()
    return pseud or Pseud.objects.create(user=account, name=name)


def _forget_downloads(work_id: int) -> None:
    """Remove the work's downloads once the change is committed: a deleted work's files
    must not outlive it, nor an orphaned work's files the old byline."""
    from quire.works.downloads import download_cache

    transaction.on_commit(lambda: download_cache().forget(work_id))
