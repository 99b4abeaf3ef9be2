"""Anonymous and unrevealed works on the surfaces the permission matrix does not cover:
series, comments, gifts, inspirations, subscriptions and the inbox, history, counts,
downloads, the catalog's creators and the `quire search` command.

A collection keeps its works' creators ("anonymous") or its works themselves
("unrevealed") a secret until its reveal; only the works' creators, the collection's
owners and moderators and the archive's admins are in the secret. The creator here has
a name found nowhere else, so "the page does not name them" is a plain substring test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html

from quire.collections.actions import (
    CollectionDetails,
    do_add_work,
    do_create_collection,
    do_reveal_creators,
    do_reveal_works,
    do_set_role,
)
from quire.collections.models import Collection, Role
from quire.comments.actions import do_post_comment
from quire.comments.models import Comment
from quire.community.actions import (
    do_mark_for_later,
    do_mute,
    do_save_bookmark,
    do_subscribe,
)
from quire.community.digest import send_digests
from quire.community.models import InboxEntry
from quire.community.queries import subscribed_works_for
from quire.core.documents import ParsedChapter
from quire.people.actions import do_create_user
from quire.people.models import User
from quire.search.cli import run_search
from quire.works.actions import do_add_chapter, do_add_to_series, do_create_series, do_post_work
from quire.works.models import Gift, Inspiration, Work

pytestmark = pytest.mark.django_db

SECRET = "Marlowequill"
"""The creator's username and pseud: on a page, it names them."""


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


@pytest.fixture
def writer(make_user) -> User:
    return make_user(SECRET)


@pytest.fixture
def owner(make_user) -> User:
    return make_user("owner")


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator")


@pytest.fixture
def reader(make_user) -> User:
    return make_user("reader", email="reader@example.org")


def _fest(owner: User, moderator: User, name: str, **secret: bool) -> Collection:
    fest = do_create_collection(owner, name, CollectionDetails(title=name.title(), **secret))
    do_set_role(fest, owner, moderator, Role.MODERATOR)
    return fest


@pytest.fixture
def masquerade(owner: User, moderator: User) -> Collection:
    """An anonymous collection."""
    return _fest(owner, moderator, "masquerade", anonymous=True)


@pytest.fixture
def mystery(owner: User, moderator: User) -> Collection:
    """An unrevealed collection."""
    return _fest(owner, moderator, "mystery", unrevealed=True)


@pytest.fixture
def write(make_work, writer: User) -> Callable[..., Work]:
    """A work by the writer, put in the collections named (as its creator puts it there)."""

    def make(title: str, *collections: Collection, **fields: object) -> Work:
        work = make_work(title, creators=[writer], **fields)
        for collection in collections:
            do_add_work(collection, work, writer)
        return Work.objects.get(pk=work.pk)

    return make


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user: User | None, url: str) -> str:
    response = signed_in(user).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def texts(page: str, xpath: str) -> list[str]:
    tree = html.fromstring(page)
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


# The work page and the listings


def test_readers_see_anonymous_and_those_in_the_secret_see_the_names_and_why(
    write, masquerade, writer, moderator, owner, reader, make_user
) -> None:
    work = write("The Veiled Work", masquerade)
    assert work.anonymous and not work.unrevealed
    for outsider in (None, reader):
        page = get(outsider, work.get_absolute_url())
        assert texts(page, "//p[@class='work-byline']") == ["by Anonymous"]
        assert SECRET not in page
        assert "banner--secret" not in page
        listing = get(outsider, "/works/")
        assert texts(listing, "//p[@class='blurb__byline']") == ["by Anonymous"]
        assert SECRET not in listing
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    for insider in (writer, moderator, owner, admin):
        page = get(insider, work.get_absolute_url())
        assert texts(page, "//p[@class='work-byline']") == [f"by Anonymous [{SECRET}]"]
        [notice] = texts(page, "//p[contains(@class,'banner--secret')]")
        assert notice.startswith("Anonymous in Masquerade: readers see “Anonymous”")
        assert page.count(masquerade.get_absolute_url()) >= 1


def test_an_unrevealed_work_is_nowhere_for_readers_until_the_reveal(
    write, mystery, writer, moderator, owner, reader
) -> None:
    work = write("The Mystery Work", mystery)
    assert signed_in(reader).get(work.get_absolute_url()).status_code == 404
    assert "The Mystery Work" not in get(reader, "/works/")
    page = get(moderator, work.get_absolute_url())
    [notice] = texts(page, "//p[contains(@class,'banner--secret')]")
    assert notice.startswith("Unrevealed in Mystery: only its creators")
    assert texts(page, "//p[@class='work-byline']") == [f"by {SECRET}"]
    do_reveal_works(mystery, owner)
    assert "banner--secret" not in get(writer, work.get_absolute_url())
    assert texts(get(reader, work.get_absolute_url()), "//p[@class='work-byline']") == [
        f"by {SECRET}"
    ]


def test_the_creators_pages_and_counts_leave_anonymous_works_out_for_readers(
    write, masquerade, writer, moderator, reader
) -> None:
    write("Known Work")
    write("Masked Work", masquerade)
    profile = reverse("people:profile", args=[SECRET])
    pseuds = reverse("people:pseuds", args=[SECRET])
    for viewer, titles in [
        (reader, ["Known Work"]),
        (writer, ["Masked Work", "Known Work"]),
        (moderator, ["Masked Work", "Known Work"]),
    ]:
        works = get(viewer, writer.get_absolute_url())
        assert texts(works, "//h3[@class='blurb__title']") == titles
        assert texts(works, "//h2[@id='creator-works-heading']") == [f"Works ({len(titles)})"]
        count = f"{len(titles)} work{'s' if len(titles) > 1 else ''}"
        assert count in texts(get(viewer, profile), "//dl[@class='panel__facts']//dd")
        assert texts(get(viewer, pseuds), "//p[@class='pseud__count']") == [count]
        pseud_page = get(viewer, writer.default_pseud.get_absolute_url())
        assert texts(pseud_page, "//h3[@class='blurb__title']") == titles


def test_muting_a_creator_keeps_their_anonymous_works_in_listings(
    write, masquerade, writer, reader
) -> None:
    write("Known Work")
    write("Masked Work", masquerade)
    do_mute(reader, writer)
    assert texts(get(reader, "/works/"), "//h3[@class='blurb__title']") == ["Masked Work"]


# Series


def test_a_series_holding_an_anonymous_work_does_not_name_its_creators(
    write, masquerade, writer, moderator, reader
) -> None:
    series = do_create_series(creators=[writer.default_pseud], title="The Saga")
    do_add_to_series(series, write("Part One"))
    do_add_to_series(series, write("Part Two", masquerade))
    do_save_bookmark(reader, pseud=reader.default_pseud, series=series)
    for outsider in (None, reader):
        page = get(outsider, series.get_absolute_url())
        assert texts(page, "//dl[@class='series-meta']/dd[1]") == ["Anonymous"]
        assert texts(page, "//p[@class='blurb__byline']") == [f"by {SECRET}", "by Anonymous"]
        assert "The Saga by Anonymous" in texts(get(outsider, "/series/"), "//li")
    bookmarks = get(reader, reverse("community:user_bookmarks", args=["reader"]))
    assert texts(bookmarks, "//p[@class='blurb__byline']") == ["by Anonymous"]
    for insider in (writer, moderator):
        page = get(insider, series.get_absolute_url())
        assert texts(page, "//dl[@class='series-meta']/dd[1]") == [SECRET]


# Comments


def test_a_creators_comments_on_their_anonymous_work_are_signed_anonymous_creator(
    write, masquerade, writer, moderator, reader, on_commit
) -> None:
    work = write("Masked Work", masquerade)
    with on_commit():
        question = do_post_comment(work, text="Who wrote this?", user=reader)
        answer = do_post_comment(work, text="Someone who loves you.", user=writer, parent=question)
    do_mute(reader, writer)
    page = get(reader, work.get_absolute_url())
    assert texts(page, "//h3[@class='comment__byline']") == ["reader", "Anonymous Creator"]
    assert "Someone who loves you." in page
    assert SECRET not in page
    reply = get(reader, reverse("comments:reply", args=[answer.pk]))
    assert texts(reply, "//title")[0].startswith("Reply to Anonymous Creator")
    report = get(reader, reverse("moderation:report", args=["comment", answer.pk]))
    assert texts(report, "//h1") == ["Report Comment by Anonymous Creator on Masked Work"]
    inbox = get(reader, reverse("community:inbox"))
    assert texts(inbox, "//p[@class='inbox-entry__text']") == [
        "A reply by Anonymous Creator to your comment on Masked Work"
    ]
    assert SECRET not in inbox
    send_digests(site_url="https://archive.example")
    [digest] = mail.outbox
    assert "A reply by Anonymous Creator to your comment" in digest.body
    assert SECRET not in digest.body
    moderated = get(moderator, work.get_absolute_url())
    assert texts(moderated, "//h3[@class='comment__byline']") == ["reader", f"{SECRET} Creator"]
    assert Comment.objects.get(pk=answer.pk).author_name == SECRET


# Gifts and inspirations


def test_a_gift_names_no_giver_while_anonymous_and_waits_while_unrevealed(
    write, masquerade, mystery, owner, reader
) -> None:
    Gift.objects.create(work=write("A Masked Gift", masquerade), recipient=reader)
    Gift.objects.create(work=write("A Mystery Gift", mystery), recipient=reader)
    gifts = get(reader, reverse("works:gifts"))
    assert texts(gifts, "//li[@class='draft-list__item']//span[@class='draft-list__title']") == [
        "A Masked Gift by Anonymous"
    ]
    assert "Mystery" not in gifts
    dashboard = get(reader, reverse("people:dashboard"))
    assert "Mystery" not in dashboard
    do_reveal_works(mystery, owner)
    gifts = get(reader, reverse("works:gifts"))
    assert "A Mystery Gift" in gifts


def test_works_inspired_by_another_keep_their_secrets_on_its_page(
    write, masquerade, mystery, reader
) -> None:
    parent = write("The Original")
    for title, collection in [("Masked Answer", masquerade), ("Mystery Answer", mystery)]:
        Inspiration.objects.create(work=write(title, collection), parent=parent)
    page = get(reader, parent.get_absolute_url())
    assert texts(page, "//div[contains(@class,'work-association--inspired')]//li") == [
        "Masked Answer by Anonymous"
    ]


# Subscriptions, the inbox and history


def test_creator_subscribers_hear_of_an_anonymous_work_only_at_the_reveal(
    make_work, writer, masquerade, owner, reader, on_commit
) -> None:
    do_subscribe(reader, creator=writer)
    series = do_create_series(creators=[writer.default_pseud], title="The Saga")
    part_one = make_work("Part One", creators=[writer])
    do_add_to_series(series, part_one)
    do_subscribe(make_user_named("series_fan"), series=series)
    draft = make_work("Masked Work", creators=[writer], posted=False)
    do_add_to_series(series, draft)
    do_add_work(masquerade, draft, writer)
    masked = Work.objects.get(pk=draft.pk)
    with on_commit():
        do_post_work(masked)
    assert not InboxEntry.objects.exists()
    assert list(subscribed_works_for(reader)) == [part_one]
    do_subscribe(reader, work=masked)
    with on_commit():
        do_add_chapter(masked, ParsedChapter(content="<p>More.</p>"), posted=True)
    assert list(InboxEntry.objects.values_list("user__username", "kind")) == [("reader", "chapter")]
    with on_commit():
        do_reveal_creators(masquerade, owner)
    assert sorted(InboxEntry.objects.values_list("user__username", "kind")) == [
        ("reader", "chapter"),
        ("reader", "work"),
        ("series_fan", "series"),
    ]
    assert set(subscribed_works_for(reader)) == {part_one, masked}


def make_user_named(username: str) -> User:
    return do_create_user(username, password="a-long-test-password")


def test_history_and_marked_for_later_keep_the_secrets(
    write, masquerade, mystery, writer, reader
) -> None:
    masked = write("Masked Work", masquerade)
    later = write("Read Later")
    do_mark_for_later(reader, masked)
    do_mark_for_later(reader, later)
    do_add_work(mystery, later, writer)
    page = get(reader, reverse("community:marked_for_later"))
    assert texts(page, "//h3[@class='blurb__title']") == ["Masked Work"]
    assert texts(page, "//p[@class='blurb__byline']") == ["by Anonymous"]
    assert SECRET not in page


# What leaves the archive


def test_a_file_says_anonymous_and_no_file_made_before_is_served_after(
    write, masquerade, writer, client: Client, settings, tmp_path: Path
) -> None:
    settings.DOWNLOAD_CACHE_DIR = tmp_path / "cache"
    work = write("Masked Work")
    address = f"/downloads/{work.pk}/Masked_Work.txt"
    before = b"".join(client.get(address).streaming_content).decode()
    assert SECRET in before
    do_add_work(masquerade, work, writer)
    for reader in (None, writer):
        after = b"".join(signed_in(reader).get(address).streaming_content).decode()
        assert "Anonymous" in after
        assert SECRET not in after
    html_file = b"".join(client.get(f"/downloads/{work.pk}/Masked_Work.html").streaming_content)
    assert SECRET.encode() not in html_file
    assert len(list((tmp_path / "cache" / str(work.pk)).glob("*.txt"))) == 1


def test_the_catalog_counts_and_lists_no_anonymous_work_under_its_creator(
    write, masquerade, writer
) -> None:
    write("Known Work")
    write("Masked Work", masquerade)
    basic = signed_in(writer)
    creators = basic.get(reverse("feeds:opds:creators")).content.decode()
    assert "1 work" in creators
    own = basic.get(reverse("feeds:opds:creator", args=[writer.default_pseud.pk]))
    assert "Known Work" in own.content.decode()
    assert "Masked Work" not in own.content.decode()
    recent = basic.get(reverse("feeds:opds:recent")).content.decode()
    assert "Masked Work" in recent
    assert recent.count(f"<name>{SECRET}</name>") == 1


def test_the_search_command_says_anonymous(
    write, masquerade, on_commit, capsys: pytest.CaptureFixture[str]
) -> None:
    with on_commit():
        write("Masked Work", masquerade, chapters=["A lantern in the fog."])
    assert run_search("lantern", as_json=False, limit=10) == 0
    out = capsys.readouterr().out
    assert "Masked Work by Anonymous" in out
    assert SECRET not in out
    assert run_search("lantern", as_json=True, limit=10) == 0
    [found] = json.loads(capsys.readouterr().out)["works"]
    assert found["creators"] == ["Anonymous"]


def test_listings_of_secret_works_cost_the_same_queries_whatever_the_page(
    write, masquerade, moderator
) -> None:
    """The maintainers of every anonymous work on a page come in two queries."""
    client = signed_in(moderator)

    def queries_of_the_works_page() -> tuple[int, str]:
        client.get("/works/")  # the session and caches settle first
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/works/").content.decode()
        return len(captured), page

    write("Masked 0", masquerade)
    with_one, _ = queries_of_the_works_page()
    for number in range(1, 20):
        write(f"Masked {number}", masquerade)
    with_twenty, page = queries_of_the_works_page()
    assert with_twenty == with_one
    assert page.count('Anonymous <span class="byline__secret">[') == 20
