"""The reading pages, through Django's test client."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html

from quire.core.tags import TagType
from quire.tags.actions import do_make_canonical, do_merge_tag, find_or_create_tags
from quire.works.actions import do_add_to_series, do_create_series

pytestmark = pytest.mark.django_db


def page(client: Client, url: str, status: int = 200) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, url
    return html.fromstring(response.content)


def texts(tree: html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def test_home_lists_recent_works_newest_first(client, make_work) -> None:
    from datetime import date

    make_work("Older", published=date(2025, 1, 1))
    make_work("Newer", published=date(2026, 5, 1))
    tree = page(client, "/")
    assert texts(tree, "//h3[@class='blurb__title']") == ["Newer", "Older"]


def test_blurb_shows_what_ao3_shows(client, make_work) -> None:
    make_work(
        "The Blurb",
        chapters=["one two", "three"],
        expected_chapters=5,
        rating="Teen And Up Audiences",
        tags={
            TagType.WARNING: ["Choose Not To Use Archive Warnings"],
            TagType.RELATIONSHIP: ["A/B"],
            TagType.CHARACTER: ["A"],
            TagType.FREEFORM: ["Fluff"],
        },
        summary="<p>Short and sweet.</p>",
        language="fr",
    )
    tree = page(client, "/works/")
    blurb = tree.xpath("//li[contains(@class, 'blurb')]")[0]
    assert texts(blurb, ".//p[@class='blurb__byline']") == ["by author"]
    assert texts(blurb, ".//p[@class='blurb__fandoms']") == ["Fandoms: Test Fandom"]
    symbols = blurb.xpath(".//ul[@class='required-tags']//span[contains(@class,'symbol')]/@class")
    assert symbols == [
        "symbol rating-teen",
        "symbol warning-choosenotto",
        "symbol category-gen",
        "symbol complete-no",
    ]
    assert texts(blurb, ".//ul[@class='tag-list']/li") == [
        "Creator Chose Not To Use Archive Warnings",
        "A/B",
        "A",
        "Fluff",
    ]
    assert texts(blurb, ".//blockquote") == ["Short and sweet."]
    stats = dict(zip(texts(blurb, ".//dl/dt"), texts(blurb, ".//dl/dd"), strict=True))
    assert stats == {"Language:": "français", "Words:": "3", "Chapters:": "2/5"}


def test_works_index_paginates(client, make_work) -> None:
    for number in range(25):
        make_work(f"Work {number:02}")
    first = page(client, "/works/")
    assert len(first.xpath("//li[contains(@class,'blurb')]")) == 20
    assert texts(first, "//p[@class='listing-count']") == ["1 – 20 of 25 works"]
    assert texts(first, "//nav[@class='pagination']//*[@aria-current='page']") == ["1"]
    second = page(client, "/works/?page=2")
    assert len(second.xpath("//li[contains(@class,'blurb')]")) == 5


def test_listing_queries_do_not_grow_with_the_page(
    client, make_work, django_assert_max_num_queries
) -> None:
    for number in range(20):
        make_work(f"Work {number}", tags={TagType.FREEFORM: [f"Tag {number}", "Shared"]})
    with django_assert_max_num_queries(8):
        client.get("/works/")


def test_multi_chapter_work_reads_chapter_by_chapter(client, make_work) -> None:
    work = make_work("Long", chapters=["first text", "second text", "third text"])
    chapters = list(work.chapters.order_by("position"))
    tree = page(client, work.get_absolute_url())
    assert texts(tree, "//div[contains(@class,'chapter-text')]") == ["first text"]
    nav = tree.xpath("//nav[@aria-label='Chapters']")[0]
    assert texts(nav, ".//a") == ["Entire Work", "Next Chapter →", "Chapter Index"]
    assert nav.xpath(".//a[@rel='next']/@href") == [chapters[1].get_absolute_url()]

    middle = page(client, chapters[1].get_absolute_url())
    assert texts(middle, "//div[contains(@class,'chapter-text')]") == ["second text"]
    assert middle.xpath("//nav[@aria-label='Chapters']//a[@rel='prev']/@href") == [
        chapters[0].get_absolute_url()
    ]

    whole = page(client, work.get_absolute_url() + "?view_full_work=true")
    assert texts(whole, "//div[contains(@class,'chapter-text')]") == [
        "first text",
        "second text",
        "third text",
    ]
    index = page(client, reverse("works:navigate", args=[work.pk]))
    assert texts(index, "//ol[@class='chapter-index']/li/a") == [
        "Chapter 1",
        "Chapter 2",
        "Chapter 3",
    ]


def test_notes_and_end_notes_appear_where_ao3_puts_them(client, make_work) -> None:
    work = make_work(chapters=["one", "two"], notes="<p>Before.</p>", end_notes="<p>After.</p>")
    first, last = work.chapters.order_by("position")
    opening = page(client, first.get_absolute_url())
    assert texts(opening, "//section[contains(@class,'notes')]/blockquote") == ["Before."]
    assert not opening.xpath("//*[@id='work-endnotes']")
    ending = page(client, last.get_absolute_url())
    assert texts(ending, "//*[@id='work-endnotes']/blockquote") == ["After."]


def test_chapter_of_another_work_is_not_found(client, make_work) -> None:
    one = make_work("One")
    other = make_work("Other")
    chapter = other.chapters.get()
    page(client, reverse("works:chapter", args=[one.pk, chapter.pk]), status=404)


def test_adult_notice_is_shown_until_the_reader_proceeds(client, make_work) -> None:
    work = make_work("Grown-up", rating="Explicit", chapters=["secret text"])
    notice = page(client, work.get_absolute_url())
    assert texts(notice, "//h1") == ["This work could have adult content"]
    assert not notice.xpath("//div[contains(@class,'chapter-text')]")
    proceed = notice.xpath("//a[normalize-space()='Yes, Continue']/@href")[0]
    assert proceed == "?view_adult=true"
    accepted = page(client, work.get_absolute_url() + proceed)
    assert texts(accepted, "//div[contains(@class,'chapter-text')]") == ["secret text"]
    other = make_work("Also Grown-up", rating="Mature")
    assert page(client, other.get_absolute_url()).xpath("//div[contains(@class,'chapter-text')]")


@pytest.mark.parametrize(
    ("rating", "asks"),
    [
        ("General Audiences", False),
        ("Teen And Up Audiences", False),
        ("Mature", True),
        ("Explicit", True),
        ("Not Rated", True),
    ],
)
def test_adult_notice_follows_the_rating(client, make_work, rating, asks) -> None:
    tree = page(client, make_work(rating=rating).get_absolute_url())
    assert bool(tree.xpath("//section[contains(@class,'notice--adult')]")) is asks


def test_restricted_and_draft_works_are_not_found_by_guests(client, make_work, author) -> None:
    restricted = make_work("Members Only", restricted=True)
    draft = make_work("Draft", posted=False)
    page(client, restricted.get_absolute_url(), status=404)
    page(client, draft.get_absolute_url(), status=404)
    assert texts(page(client, "/works/"), "//h3") == []
    client.force_login(author)
    assert texts(page(client, draft.get_absolute_url()), "//p[contains(@class,'banner')]") == [
        "This work is a draft: only you can see it."
    ]
    assert sorted(texts(page(client, "/works/"), "//h3")) == ["Draft", "Members Only"]


def test_restricted_works_are_shown_to_signed_in_readers(client, make_work, make_user) -> None:
    restricted = make_work("Members Only", restricted=True)
    client.force_login(make_user("reader"))
    page(client, restricted.get_absolute_url())


def test_tag_page_lists_works_of_the_tag_and_its_synonyms(
    client, make_work, django_capture_on_commit_callbacks
) -> None:
    make_work("Canon", tags={TagType.CHARACTER: ["Sherlock Holmes"]})
    make_work("Nickname", tags={TagType.CHARACTER: ["Holmes"]})
    make_work("Unrelated")
    holmes, sherlock = find_or_create_tags(TagType.CHARACTER, ["Holmes", "Sherlock Holmes"])
    with django_capture_on_commit_callbacks(execute=True):
        do_make_canonical(sherlock)
        do_merge_tag(holmes, sherlock)
    tree = page(client, sherlock.get_works_url())
    assert sorted(texts(tree, "//h3")) == ["Canon", "Nickname"]
    assert texts(tree, "//section[h2='Synonyms']//li") == ["Holmes"]
    response = client.get(holmes.get_works_url())
    assert response.status_code == 302
    assert response["Location"] == sherlock.get_works_url()


def test_tag_urls_use_ao3s_escapes(client, make_work) -> None:
    make_work("Pairing", tags={TagType.RELATIONSHIP: ["Buffy Summers/Spike"]})
    tree = page(client, "/tags/Buffy%20Summers*s*Spike/works/")
    assert texts(tree, "//h1") == ["Buffy Summers/Spike"]
    assert texts(tree, "//h3") == ["Pairing"]
    page(client, "/tags/No%20Such%20Tag/", status=404)


def test_creator_and_pseud_pages(client, make_user, make_work) -> None:
    from quire.people.actions import do_create_pseud

    writer = make_user("writer", extra_pseuds=["Quill"])
    make_work("Under Name", creators=[writer])
    quill = writer.pseuds.get(name="Quill")
    from quire.core.documents import ParsedChapter, ParsedWork
    from quire.works.actions import do_create_work

    do_create_work(
        creators=[quill],
        parsed=ParsedWork(title="Under Pseud", chapters=[ParsedChapter("<p>x</p>")]),
    )
    assert sorted(texts(page(client, "/users/writer/"), "//h3")) == ["Under Name", "Under Pseud"]
    pseud_page = page(client, quill.get_absolute_url())
    assert texts(pseud_page, "//h3") == ["Under Pseud"]
    assert texts(pseud_page, "//h1") == ["Quill (writer)"]
    page(client, "/users/nobody/", status=404)
    assert do_create_pseud(writer, "  Quill ") == quill


def test_series_page_lists_parts_in_order(client, make_work, author) -> None:
    series = do_create_series(
        creators=[author.default_pseud], title="Lamplight", summary="<p>Three lights.</p>"
    )
    do_add_to_series(series, make_work("Second", chapters=["a b"]), position=2)
    do_add_to_series(series, make_work("First", chapters=["c"]), position=1)
    tree = page(client, series.get_absolute_url())
    assert texts(tree, "//h1") == ["Lamplight"]
    assert texts(tree, "//h3") == ["First", "Second"]
    assert "Words: 3" in texts(tree, "//dl[@class='series-meta']/dd")[-1]
    work_page = page(client, "/works/")
    assert "Part 1 of Lamplight" in texts(work_page, "//p[@class='blurb__series']")


def test_pages_have_a_skip_link_and_one_main_landmark(client, make_work) -> None:
    work = make_work()
    for url in ["/", "/works/", work.get_absolute_url(), "/series/"]:
        tree = page(client, url)
        assert tree.xpath("//a[@class='skip-link']/@href") == ["#main"]
        assert len(tree.xpath("//main[@id='main']")) == 1
        assert tree.xpath("//html/@lang") == ["en"]


def test_admin_is_at_admin(client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
