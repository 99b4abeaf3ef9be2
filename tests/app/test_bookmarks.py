"""Bookmarks: the form on the work page, privacy, counts, listings and bookmark search."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html

from quire.community.actions import Refused, do_delete_bookmark, do_save_bookmark
from quire.community.models import Bookmark, stats_of
from quire.community.queries import visible_bookmarks
from quire.core.tags import TagType
from quire.core.visibility import GUEST, can_view_bookmark, can_view_work
from quire.people.actions import do_create_pseud
from quire.people.models import User
from quire.permissions import viewer_for
from quire.search.documents import indexed_works
from quire.tags.actions import do_make_canonical, do_merge_tag, find_or_create_tags
from quire.works.actions import do_add_to_series, do_create_series, do_set_hidden
from quire.works.models import Work

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def bookmarked_titles(tree: html.HtmlElement) -> list[str]:
    return [
        " ".join(title.text_content().split())
        for title in tree.xpath("//li[contains(@class,'bookmark')]//h3[@class='blurb__title']")
    ]


def public_bookmarks(work: Work) -> int:
    return stats_of(Work.objects.select_related("stats").get(pk=work.pk)).bookmarks


def bookmark(user: User, work: Work, **fields) -> Bookmark:
    return do_save_bookmark(user, pseud=user.default_pseud, work=work, **fields)


def test_the_work_page_offers_the_bookmark_form(signed_in: Client, make_work, reader) -> None:
    work = make_work()
    tree = page(signed_in, work.get_absolute_url())
    form = tree.xpath("//div[@id='bookmark-form']//form")[0]
    assert form.get("action") == reverse("community:bookmark_work", args=[work.pk])
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    labels = [" ".join(label.text_content().split()) for label in form.xpath(".//label")]
    assert labels == [
        "Notes",
        "Your tags",
        "Rec (recommend it to others)",
        "Private bookmark (only you see it)",
    ]
    assert tree.xpath("//a[@href='#bookmark-form']/text()") == ["Bookmark"]


def test_bookmark_with_notes_and_tags_from_the_work_page(
    signed_in: Client, make_work, reader
) -> None:
    work = make_work()
    response = signed_in.post(
        reverse("community:bookmark_work", args=[work.pk]),
        {
            "pseud": reader.default_pseud.pk,
            "notes": "<p>Lovely <em>slow</em> burn.</p><script>alert(1)</script>",
            "tags": "Slow Burn, to reread, Slow Burn",
            "rec": "on",
            "next": work.get_absolute_url() + "#feedback",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == work.get_absolute_url() + "#feedback"
    saved = Bookmark.objects.get()
    assert saved.notes == "<p>Lovely <em>slow</em> burn.</p>"
    assert [tag.name for tag in saved.bookmarker_tags] == ["Slow Burn", "to reread"]
    assert saved.rec and not saved.private
    assert public_bookmarks(work) == 1
    tree = page(signed_in, reverse("community:work_bookmarks", args=[work.pk]))
    assert bookmarked_titles(tree) == ["A Work"]
    assert tree.xpath("//blockquote[contains(@class,'bookmark__notes')]/p/em/text()") == ["slow"]
    assert tree.xpath("//span[contains(@class,'pill--rec')]/text()") == ["Rec"]
    # The work page now offers to edit it, with the form filled in.
    work_page = page(signed_in, work.get_absolute_url())
    assert work_page.xpath("//a[@href='#bookmark-form']/text()") == ["Edit bookmark"]
    assert work_page.xpath("//input[@name='tags']/@value") == ["Slow Burn, to reread"]


def test_editing_keeps_one_bookmark_and_deleting_removes_it(
    signed_in: Client, make_work, reader
) -> None:
    work = make_work()
    url = reverse("community:bookmark_work", args=[work.pk])
    signed_in.post(url, {"pseud": reader.default_pseud.pk, "notes": "first"})
    signed_in.post(url, {"pseud": reader.default_pseud.pk, "notes": "second", "private": "on"})
    saved = Bookmark.objects.get()
    assert (saved.notes, saved.private) == ("second", True)
    assert public_bookmarks(work) == 0
    signed_in.post(reverse("community:delete_bookmark", args=[saved.pk]))
    assert not Bookmark.objects.exists()


def test_a_bookmark_page_of_its_own_shows_errors(signed_in: Client, make_work, reader) -> None:
    work = make_work()
    url = reverse("community:bookmark_work", args=[work.pk])
    tree = page(signed_in, url)
    assert tree.xpath("//h1")[0].text_content().split() == ["Bookmark", "A", "Work"]
    response = signed_in.post(url, {"pseud": reader.default_pseud.pk, "notes": "x" * 5001})
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode().replace(",", "")
    assert not Bookmark.objects.exists()


def test_only_own_pseuds_and_visible_works_can_be_bookmarked(make_work, make_user, reader) -> None:
    other = make_user("other")
    with pytest.raises(Refused, match="your own pseuds"):
        do_save_bookmark(reader, pseud=other.default_pseud, work=make_work())
    draft = make_work("Draft", posted=False)
    with pytest.raises(Refused, match="can't see"):
        bookmark(reader, draft)
    with pytest.raises(Refused):
        do_delete_bookmark(other, bookmark(reader, make_work("Mine")))


def test_guests_are_asked_to_sign_in_to_bookmark(client: Client, make_work) -> None:
    work = make_work()
    tree = page(client, work.get_absolute_url())
    assert tree.xpath("//div[@id='bookmark-form']") == []
    assert "Sign in to bookmark or subscribe." in tree.xpath("//section[@id='feedback']")[
        0
    ].text_content().replace("\n", " ")
    response = client.get(reverse("community:bookmark_work", args=[work.pk]))
    assert response.status_code == 302


def test_private_bookmarks_are_not_shown_to_others_nor_counted(
    client: Client, make_work, make_user, reader
) -> None:
    work = make_work()
    bookmark(reader, work, notes="only mine", private=True)
    bookmark(make_user("fan"), work, notes="for everyone")
    assert public_bookmarks(work) == 1
    user_page = reverse("community:user_bookmarks", args=["reader"])
    work_page = reverse("community:work_bookmarks", args=[work.pk])
    assert bookmarked_titles(page(client, user_page)) == []
    assert len(bookmarked_titles(page(client, work_page))) == 1
    other = Client()
    other.force_login(make_user("other"))
    assert bookmarked_titles(page(other, user_page)) == []
    client.force_login(reader)
    own = page(client, user_page)
    assert bookmarked_titles(own) == ["A Work"]
    assert own.xpath("//span[contains(@class,'pill--private')]/text()") == ["Private"]
    assert len(bookmarked_titles(page(client, work_page))) == 2
    # A work's bookmark count in search is the public ones too.
    assert next(indexed_works([work.pk])).bookmarks == 1


def test_bookmarks_of_works_the_viewer_may_not_see_are_not_shown(
    client: Client, make_work, reader
) -> None:
    bookmark(reader, make_work("Open"))
    bookmark(reader, make_work("Members", restricted=True))
    hidden = make_work("Hidden")
    bookmark(reader, hidden)
    do_set_hidden(hidden, hidden=True)
    url = reverse("community:user_bookmarks", args=["reader"])
    assert bookmarked_titles(page(client, url)) == ["Open"]
    client.force_login(reader)
    assert sorted(bookmarked_titles(page(client, url))) == ["Members", "Open"]
    assert client.get(reverse("community:work_bookmarks", args=[hidden.pk])).status_code == 404


def test_the_filter_agrees_with_the_core_rule(make_work, make_user, author, reader) -> None:
    """quire.permissions.bookmark_filter against can_view_bookmark, for every case."""
    member, admin = make_user("member"), make_user("admin")
    admin.is_staff = True
    admin.save()
    made = []
    for number, (posted, hidden, restricted, private) in enumerate(
        itertools.product([True, False], repeat=4)
    ):
        work = make_work(f"W{number}", restricted=restricted)
        Bookmark.objects.create(user=reader, pseud=reader.default_pseud, work=work, private=private)
        Work.objects.filter(pk=work.pk).update(posted=posted, hidden=hidden)
        made.append(Work.objects.get(pk=work.pk))
    for viewer in (GUEST, viewer_for(member), viewer_for(admin), viewer_for(reader)):
        shown = set(visible_bookmarks(viewer).values_list("pk", flat=True))
        for saved in Bookmark.objects.select_related("work"):
            work = made[[w.pk for w in made].index(saved.work_id)]
            expected = can_view_bookmark(
                viewer,
                owner_id=reader.pk,
                private=saved.private,
                item_visible=can_view_work(viewer, work.access()),
            )
            assert (saved.pk in shown) is expected, (viewer, work.title, saved.private)


def test_bookmark_search_by_tags_recs_and_notes(client: Client, make_work, make_user) -> None:
    ann, bo = make_user("ann"), make_user("bo")
    vampires = make_work("Vampires", tags={TagType.FREEFORM: ["Vampires"]})
    ghosts = make_work("Ghosts", tags={TagType.FANDOM: ["Ghost Stories"]})
    bookmark(ann, vampires, tags=["Comfort Read"], rec=True, notes="<p>Made me cry</p>")
    bookmark(bo, vampires, tags=["fluff"])
    bookmark(bo, ghosts, tags=["Comfort Read"], notes="spooky and sweet")
    url = reverse("community:bookmarks")

    def search(**params: str) -> list[tuple[str, str]]:
        tree = page(client, url + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
        return [
            (
                " ".join(item.xpath(".//h3[@class='blurb__title']")[0].text_content().split()),
                item.xpath(".//p[@class='bookmark__by']/a/text()")[0],
            )
            for item in tree.xpath("//li[contains(@class,'bookmark')]")
        ]

    assert len(search()) == 3
    assert sorted(search(bookmark_tags="comfort read")) == [("Ghosts", "bo"), ("Vampires", "ann")]
    assert search(bookmark_tags="Comfort Read,fluff") == []
    assert search(work_tags="Ghost Stories") == [("Ghosts", "bo")]
    assert search(rec="on") == [("Vampires", "ann")]
    assert search(notes="cry") == [("Vampires", "ann")]
    assert search(notes="sweet spooky") == [("Ghosts", "bo")]
    assert search(bookmark_tags="No Such Tag") == []
    # A canonical tag finds the bookmarks tagged with its synonyms too.
    fluff, canonical = find_or_create_tags(TagType.FREEFORM, ["fluff", "Fluff (Canonical)"])
    do_make_canonical(canonical)
    do_merge_tag(fluff, canonical)
    assert search(bookmark_tags="Fluff (Canonical)") == [("Vampires", "bo")]
    tree = page(client, url + "?rec=on")
    assert "1 bookmark found" in " ".join(tree.xpath("//p[@class='listing-count']")[0].itertext())


def test_series_bookmarks(client: Client, make_work, author, reader) -> None:
    series = do_create_series(creators=[author.default_pseud], title="Small Hours")
    do_add_to_series(series, make_work("Part One"))
    client.force_login(reader)
    series_page = page(client, series.get_absolute_url())
    assert series_page.xpath("//div[@class='item-actions']//button/text()") == ["Subscribe"]
    url = reverse("community:bookmark_series", args=[series.pk])
    assert series_page.xpath(f"//a[@href='{url}']/text()") == ["Bookmark"]
    client.post(url, {"pseud": reader.default_pseud.pk, "notes": "The whole run", "rec": "on"})
    saved = Bookmark.objects.get()
    assert saved.series == series and saved.work is None
    tree = page(client, reverse("community:series_bookmarks", args=[series.pk]))
    assert tree.xpath("//div[contains(@class,'blurb--series')]//h3/a/text()") == ["Small Hours"]


def test_bookmark_under_another_pseud(signed_in: Client, make_work, reader) -> None:
    other = do_create_pseud(reader, "Night Reader")
    work = make_work()
    tree = page(signed_in, work.get_absolute_url())
    options = tree.xpath(
        "//form[contains(@class,'bookmark-form')]//select[@name='pseud']/option/text()"
    )
    assert options == ["reader", "Night Reader (reader)"]
    signed_in.post(
        reverse("community:bookmark_work", args=[work.pk]), {"pseud": other.pk, "notes": ""}
    )
    assert Bookmark.objects.get().pseud == other


def test_bookmark_listings_do_not_grow_queries_with_the_page(
    client: Client, make_work, make_user, django_assert_max_num_queries
) -> None:
    fan = make_user("fan")
    for number in range(12):
        bookmark(
            fan,
            make_work(f"Work {number}", tags={TagType.FREEFORM: [f"T{number}"]}),
            tags=[f"mine {number}"],
        )
    # 10: one of them looks for the collections keeping any of the works anonymous.
    with django_assert_max_num_queries(10):
        client.get(reverse("community:user_bookmarks", args=["fan"]))
