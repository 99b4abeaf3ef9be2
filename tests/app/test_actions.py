from __future__ import annotations

from datetime import date

import pytest

from quire.core.documents import ParsedChapter
from quire.core.tags import TagType
from quire.tags.actions import TagTypeConflict, do_make_canonical, do_merge_tag, find_or_create_tags
from quire.tags.models import Tag
from quire.works.actions import (
    do_add_chapter,
    do_add_to_series,
    do_create_series,
    do_post_work,
    do_save_chapter,
)

pytestmark = pytest.mark.django_db


def test_creating_a_work_sanitizes_counts_and_tags(make_work) -> None:
    work = make_work(
        chapters=['one two <script>alert("x")</script>three', "four five"],
        tags={TagType.CHARACTER: ["Elizabeth Bennet"], TagType.FREEFORM: ["Fluff", "Rain"]},
        summary='<p onclick="steal()">A summary</p>',
    )
    first, second = work.chapters.order_by("position")
    assert "<script" not in first.content
    assert "onclick" not in work.summary
    assert first.word_count == 3
    assert second.word_count == 2
    assert work.word_count == 5
    assert work.chapter_count == 2
    assert [tag.name for tag in work.tags_of_type(TagType.FREEFORM)] == ["Fluff", "Rain"]
    assert Tag.objects.get(name="Elizabeth Bennet").type == "character"
    assert not Tag.objects.get(name="Fluff").canonical


def test_existing_tags_are_reused_ignoring_case(make_work) -> None:
    make_work(tags={TagType.FREEFORM: ["Slow Burn"]})
    make_work(tags={TagType.FREEFORM: ["slow burn"]})
    assert Tag.objects.filter(name__iexact="slow burn").count() == 1


def test_a_tag_name_cannot_change_type() -> None:
    find_or_create_tags(TagType.CHARACTER, ["Spike"])
    with pytest.raises(TagTypeConflict, match='"Spike" is already a Character tag'):
        find_or_create_tags(TagType.FREEFORM, ["spike"])


def test_completeness_follows_expected_chapters(make_work) -> None:
    wip = make_work(chapters=["one"], expected_chapters=2)
    assert not wip.complete
    assert wip.chapters_label == "1/2"
    do_add_chapter(wip, ParsedChapter(content="<p>two</p>", published=date(2026, 2, 1)))
    wip.refresh_from_db()
    assert wip.complete
    assert wip.chapters_label == "2/2"
    assert wip.updated == date(2026, 2, 1)
    assert wip.published == date(2026, 1, 1)


def test_unknown_length_shows_a_question_mark(make_work) -> None:
    work = make_work(chapters=["one"], complete=False)
    assert work.chapters_label == "1/?"
    assert not work.complete


def test_a_document_that_says_complete_fixes_the_expected_length(make_work) -> None:
    work = make_work(chapters=["one", "two"], complete=True)
    assert work.complete
    assert work.chapters_label == "2/2"


def test_posting_a_draft_posts_its_chapters(make_work) -> None:
    draft = make_work(posted=False, chapters=["alpha beta"])
    assert not draft.posted
    assert draft.word_count == 0
    do_post_work(draft)
    draft.refresh_from_db()
    assert draft.posted
    assert draft.word_count == 2
    assert draft.chapters.filter(posted=False).count() == 0


def test_saving_an_edited_chapter_recounts_and_resanitizes(make_work) -> None:
    work = make_work(chapters=["one"])
    chapter = work.chapters.get()
    chapter.content = "<p>one two three</p><iframe>four</iframe>"
    do_save_chapter(chapter)
    work.refresh_from_db()
    chapter.refresh_from_db()
    assert "iframe" not in chapter.content
    assert chapter.word_count == 3
    assert work.word_count == 3


def test_series_parts_are_ordered(make_work, author) -> None:
    series = do_create_series(creators=[author.default_pseud], title="Lamplight")
    second = make_work("Second")
    first = make_work("First")
    do_add_to_series(series, second, position=2)
    do_add_to_series(series, first, position=1)
    assert [part.work.title for part in series.parts.all()] == ["First", "Second"]
    third = make_work("Third")
    assert do_add_to_series(series, third).position == 3


def test_merging_requires_a_canonical_of_the_same_type() -> None:
    (holmes, sherlock) = find_or_create_tags(TagType.CHARACTER, ["Holmes", "Sherlock Holmes"])
    with pytest.raises(ValueError, match="not canonical"):
        do_merge_tag(holmes, sherlock)
    do_make_canonical(sherlock)
    do_merge_tag(holmes, sherlock)
    assert list(sherlock.synonyms.all()) == [holmes]
    (fandom,) = find_or_create_tags(TagType.FANDOM, ["Sherlock Holmes - Arthur Conan Doyle"])
    do_make_canonical(fandom)
    with pytest.raises(ValueError, match="is a Character tag"):
        do_merge_tag(holmes, fandom)


def test_a_canonical_relationship_is_linked_to_its_canonical_characters() -> None:
    buffy, spike = find_or_create_tags(TagType.CHARACTER, ["Buffy Summers", "Spike"])
    do_make_canonical(buffy)
    do_make_canonical(spike)
    (pairing,) = find_or_create_tags(TagType.RELATIONSHIP, ["Buffy Summers/Spike"])
    do_make_canonical(pairing)
    assert set(pairing.parents.values_list("name", flat=True)) == {"Buffy Summers", "Spike"}
    (friends,) = find_or_create_tags(TagType.RELATIONSHIP, ["Buffy Summers & Nobody Known"])
    do_make_canonical(friends)
    assert list(friends.parents.values_list("name", flat=True)) == ["Buffy Summers"]
