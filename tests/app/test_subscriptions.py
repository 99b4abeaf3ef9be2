"""Subscriptions: buttons, inbox entries made in the background when works and chapters are
posted (only about works the subscriber may see), the inbox, the digest and the OPDS feeds."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from lxml import etree, html

from quire.community import tasks
from quire.community.actions import Refused, do_save_bookmark, do_subscribe
from quire.community.cli import run_digest
from quire.community.digest import send_digests
from quire.community.models import InboxEntry, Subscription, Update
from quire.community.queries import bookmarked_works_for, subscribed_works_for, unread_count
from quire.core.documents import ParsedChapter
from quire.core.feeds.opds import ACQUISITION
from quire.feeds.actions import do_create_feed_token
from quire.people.actions import do_get_placeholder_pseud
from quire.people.models import User
from quire.works.actions import (
    do_add_chapter,
    do_add_to_series,
    do_create_series,
    do_post_work,
    do_set_hidden,
)
from quire.works.models import Work
from tests.app import feed_schemas

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def reader(make_user) -> User:
    return make_user("reader", email="reader@example.org")


def updates(user: User) -> list[tuple[str, str, str]]:
    """(kind, work title, chapter heading) of the user's inbox, oldest first."""
    return [
        (entry.kind, entry.work.title, entry.chapter.heading if entry.chapter else "")
        for entry in InboxEntry.objects.filter(user=user).order_by("pk")
    ]


def new_chapter(work: Work, text: str = "More.", *, posted: bool = True):
    return do_add_chapter(work, ParsedChapter(content=f"<p>{text}</p>"), posted=posted)


# Buttons


def test_subscribe_and_unsubscribe_from_the_work_page(
    client: Client, make_work, reader, author
) -> None:
    work = make_work()
    client.force_login(reader)
    tree = html.fromstring(client.get(work.get_absolute_url()).content)
    form = tree.xpath("//section[@id='feedback']//form[.//button[text()='Subscribe']]")[0]
    assert form.get("action") == reverse("community:subscriptions")
    assert form.xpath(".//input[@name='work']/@value") == [str(work.pk)]
    response = client.post(
        reverse("community:subscriptions"), {"work": work.pk, "next": work.get_absolute_url()}
    )
    assert response["Location"] == work.get_absolute_url()
    subscription = Subscription.objects.get(user=reader)
    assert subscription.work == work
    tree = html.fromstring(client.get(work.get_absolute_url()).content)
    assert tree.xpath("//section[@id='feedback']//button[contains(@class,'subscribe')]/text()") == [
        "Unsubscribe"
    ]
    client.post(reverse("community:unsubscribe", args=[subscription.pk]))
    assert not Subscription.objects.exists()
    # Authors get no Subscribe button on their own work.
    client.force_login(author)
    tree = html.fromstring(client.get(work.get_absolute_url()).content)
    assert tree.xpath("//button[contains(@class,'subscribe')]") == []


def test_subscribe_to_a_creator_from_their_page(client: Client, author, reader) -> None:
    client.force_login(reader)
    tree = html.fromstring(client.get(author.get_absolute_url()).content)
    assert tree.xpath("//header//button[contains(@class,'subscribe')]/text()") == ["Subscribe"]
    client.post(reverse("community:subscriptions"), {"creator": "author"})
    assert Subscription.objects.get().creator == author
    own = Client()
    own.force_login(author)
    tree = html.fromstring(own.get(author.get_absolute_url()).content)
    assert tree.xpath("//header//button[contains(@class,'subscribe')]") == []
    listing = html.fromstring(client.get(reverse("community:subscriptions")).content)
    assert listing.xpath("//ul[contains(@class,'subscription-list')]//a/text()") == ["author"]


def test_what_cannot_be_subscribed_to(client: Client, make_work, author, reader) -> None:
    with pytest.raises(Refused, match="yourself"):
        do_subscribe(author, creator=author)
    with pytest.raises(Refused, match="your own work"):
        do_subscribe(author, work=make_work())
    with pytest.raises(Refused, match="can't see"):
        do_subscribe(reader, work=make_work("Draft", posted=False))
    anonymous = do_get_placeholder_pseud("Anonymous").user
    with pytest.raises(Refused, match="this creator"):
        do_subscribe(reader, creator=anonymous)
    client.force_login(reader)
    draft = Work.objects.get(title="Draft")
    assert client.post(reverse("community:subscriptions"), {"work": draft.pk}).status_code == 404
    assert client.post(reverse("community:subscriptions"), {"creator": "nobody"}).status_code == 404
    guest = Client()
    assert guest.post(reverse("community:subscriptions"), {"work": 1}).status_code == 302
    assert not Subscription.objects.exists()


# Inbox entries


def test_a_new_chapter_reaches_the_works_subscribers(make_work, reader, on_commit) -> None:
    work = make_work(chapters=["One."])
    do_subscribe(reader, work=work)
    with on_commit():
        new_chapter(work)
        new_chapter(work, posted=False)
    assert updates(reader) == [("chapter", "A Work", "Chapter 2")]
    assert unread_count(reader) == 1


def test_a_creators_new_work_reaches_their_subscribers_once(
    make_work, author, reader, on_commit
) -> None:
    do_subscribe(reader, creator=author)
    with on_commit():
        make_work("Posted at once")
        draft = make_work("Draft first", posted=False)
    assert updates(reader) == [("work", "Posted at once", "")]
    with on_commit():
        do_post_work(draft)
    with on_commit():
        do_post_work(draft)
    assert updates(reader) == [("work", "Posted at once", ""), ("work", "Draft first", "")]


def test_a_work_added_to_a_series_reaches_its_subscribers(
    make_work, author, reader, on_commit
) -> None:
    series = do_create_series(creators=[author.default_pseud], title="Small Hours")
    do_add_to_series(series, make_work("Part One"))
    do_subscribe(reader, series=series)
    with on_commit():
        two = make_work("Part Two")
        do_add_to_series(series, two)
    with on_commit():
        do_add_to_series(series, two, position=5)
    assert updates(reader) == [("series", "Part Two", "")]
    entry = InboxEntry.objects.get()
    assert entry.series == series


def test_a_draft_in_a_series_is_announced_when_posted(make_work, author, reader, on_commit) -> None:
    series = do_create_series(creators=[author.default_pseud], title="Small Hours")
    do_add_to_series(series, make_work("Part One"))
    do_subscribe(reader, series=series)
    do_subscribe(reader, creator=author)
    with on_commit():
        draft = make_work("Part Two", posted=False)
        do_add_to_series(series, draft)
    assert updates(reader) == []
    with on_commit():
        do_post_work(draft)
    # Followed twice over (creator and series): told once.
    assert updates(reader) == [("work", "Part Two", "")]


def test_only_subscribers_who_may_see_the_work_are_told(
    make_work, make_user, author, reader, on_commit
) -> None:
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    partner = make_user("partner")
    for user in (reader, admin, partner):
        do_subscribe(user, creator=author)
    with on_commit():
        make_work("Members only", restricted=True)
        make_work("Together", creators=[author, partner])
    assert updates(reader) == [("work", "Members only", ""), ("work", "Together", "")]
    # A co-creator is never told about their own work.
    assert updates(partner) == [("work", "Members only", "")]
    hidden = make_work("Soon hidden")
    do_subscribe(reader, work=hidden)
    with on_commit():
        do_set_hidden(hidden, hidden=True)
        new_chapter(hidden)
    assert ("chapter", "Soon hidden", "Chapter 2") not in updates(reader)
    assert ("chapter", "Soon hidden", "Chapter 2") not in updates(admin)


def test_nothing_is_queued_when_nobody_follows(
    make_work, reader, on_commit, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[object, ...]] = []

    class Recorder:
        def enqueue(self, *args: object) -> None:
            queued.append(args)

    monkeypatch.setattr(tasks, "deliver_update", Recorder())
    with on_commit():
        work = make_work()
        new_chapter(work)
    assert queued == []
    do_subscribe(reader, work=work)
    with on_commit():
        chapter = new_chapter(work)
    assert queued == [("chapter", work.pk, chapter.pk, None)]


def test_anonymous_works_never_reach_creator_subscribers(
    make_work, reader, on_commit, make_user
) -> None:
    anonymous = do_get_placeholder_pseud("Anonymous").user
    Subscription.objects.create(user=reader, creator=anonymous)
    with on_commit():
        make_work("No name", creators=[anonymous])
    assert updates(reader) == []


def test_updates_the_reader_may_no_longer_see_leave_the_inbox(
    client: Client, make_work, reader, on_commit
) -> None:
    work = make_work()
    do_subscribe(reader, work=work)
    with on_commit():
        new_chapter(work)
    assert unread_count(reader) == 1
    do_set_hidden(work, hidden=True)
    assert unread_count(reader) == 0
    client.force_login(reader)
    tree = html.fromstring(client.get(reverse("community:inbox")).content)
    assert tree.xpath("//li[contains(@class,'inbox-entry')]") == []


# The inbox page


@pytest.fixture
def three_updates(make_work, author, reader, on_commit) -> list[InboxEntry]:
    do_subscribe(reader, creator=author)
    with on_commit():
        for title in ("First", "Second", "Third"):
            make_work(title)
    return list(InboxEntry.objects.filter(user=reader).order_by("pk"))


def test_the_inbox_lists_updates_newest_first_and_counts_unread_in_the_header(
    client: Client, reader, three_updates
) -> None:
    client.force_login(reader)
    tree = html.fromstring(client.get(reverse("community:inbox")).content)
    texts = [
        " ".join(p.text_content().split()) for p in tree.xpath("//p[@class='inbox-entry__text']")
    ]
    assert texts == [
        "Third, a new work by author",
        "Second, a new work by author",
        "First, a new work by author",
    ]
    nav = tree.xpath("//nav[@aria-label='Site']//a[starts-with(@href,'/inbox/')]")[0]
    assert " ".join(nav.text_content().split()) == "Inbox 3 unread"
    assert len(tree.xpath("//li[contains(@class,'inbox-entry--unread')]")) == 3


def test_mark_read_unread_delete_and_open(client: Client, reader, three_updates) -> None:
    first, second, third = three_updates
    client.force_login(reader)
    inbox = reverse("community:inbox")
    client.post(inbox, {"action": "read", "entry": [first.pk, second.pk]})
    assert unread_count(reader) == 1
    client.post(inbox, {"action": f"unread:{first.pk}"})
    assert unread_count(reader) == 2
    client.post(inbox, {"action": f"delete:{second.pk}"})
    assert InboxEntry.objects.filter(user=reader).count() == 2
    unread = html.fromstring(client.get(inbox + "?show=unread").content)
    assert len(unread.xpath("//li[contains(@class,'inbox-entry')]")) == 2
    response = client.get(reverse("community:open_entry", args=[third.pk]))
    assert response["Location"] == third.work.get_absolute_url()
    assert unread_count(reader) == 1
    client.post(inbox, {"action": "all_read"})
    assert unread_count(reader) == 0
    tree = html.fromstring(client.get(inbox).content)
    nav = tree.xpath("//nav[@aria-label='Site']//a[starts-with(@href,'/inbox/')]")[0]
    assert nav.text_content().strip() == "Inbox"


def test_nobody_else_touches_a_readers_inbox(
    client: Client, make_user, reader, three_updates
) -> None:
    client.force_login(make_user("someone"))
    entry = three_updates[0]
    client.post(reverse("community:inbox"), {"action": "delete", "entry": [entry.pk]})
    assert client.get(reverse("community:open_entry", args=[entry.pk])).status_code == 404
    assert InboxEntry.objects.filter(user=reader).count() == 3
    guest = Client()
    assert guest.get(reverse("community:inbox")).status_code == 302


def test_a_chapter_update_opens_the_chapter(client: Client, make_work, reader, on_commit) -> None:
    work = make_work()
    do_subscribe(reader, work=work)
    with on_commit():
        chapter = new_chapter(work)
    client.force_login(reader)
    tree = html.fromstring(client.get(reverse("community:inbox")).content)
    text = " ".join(tree.xpath("//p[@class='inbox-entry__text']")[0].text_content().split())
    assert text == "Chapter 2 of A Work by author"
    entry = InboxEntry.objects.get()
    assert client.get(reverse("community:open_entry", args=[entry.pk]))["Location"] == (
        chapter.get_absolute_url()
    )


# The digest


def test_the_digest_emails_unread_updates_once(
    make_user, make_work, author, reader, three_updates, on_commit
) -> None:
    nomail = make_user("nomail")
    do_subscribe(nomail, creator=author)
    three_updates[0].read_at = three_updates[0].created_at
    three_updates[0].save()
    report = send_digests(site_url="https://archive.example/")
    assert (report.emails, report.updates) == (1, 2)
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject == "[Quire] 2 new updates for you"
    assert '"Third", a new work by author' in message.body
    assert f"https://archive.example/works/{three_updates[2].work_id}/" in message.body
    assert "https://archive.example/inbox/" in message.body
    html_body, media_type = message.alternatives[0]
    assert media_type == "text/html"
    assert "<cite>" not in html_body and "Third</a>, a new work by author" in html_body
    # The next digest carries only what is new since.
    assert send_digests(site_url="https://archive.example").emails == 0
    with on_commit():
        make_work("Fourth")
    assert run_digest("https://archive.example") == 0
    assert len(mail.outbox) == 2
    assert "Fourth" in mail.outbox[1].body and "Third" not in mail.outbox[1].body


def test_the_digest_leaves_out_what_the_reader_may_no_longer_see(reader, three_updates) -> None:
    do_set_hidden(three_updates[1].work, hidden=True)
    send_digests(site_url="http://localhost:8000")
    assert "Second" not in mail.outbox[0].body
    assert "First" in mail.outbox[0].body


# OPDS


def basic(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:a-long-test-password".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def titles(document: bytes) -> list[str]:
    tree = feed_schemas.opds().check(document)
    return [entry.findtext(f"{ATOM}title") for entry in tree.iter(f"{ATOM}entry")]


@pytest.fixture
def followed(make_work, make_user, author, reader) -> Iterator[dict[str, Work]]:
    other = make_user("other")
    works = {
        "Kept": make_work("Kept"),
        "Kept privately": make_work("Kept privately"),
        "Members": make_work("Members", restricted=True),
        "Hidden": make_work("Hidden"),
        "Followed": make_work("Followed"),
        "By other": make_work("By other", creators=[other]),
    }
    for title in ("Kept", "Members", "Hidden"):
        do_save_bookmark(reader, pseud=reader.default_pseud, work=works[title])
    do_save_bookmark(reader, pseud=reader.default_pseud, work=works["Kept privately"], private=True)
    do_set_hidden(works["Hidden"], hidden=True)
    do_subscribe(reader, work=works["Followed"])
    do_subscribe(reader, creator=other)
    yield works


def test_bookmarked_and_subscribed_works_queries(followed, reader) -> None:
    assert [work.title for work in bookmarked_works_for(reader)] == [
        "Kept privately",
        "Members",
        "Kept",
    ]
    assert sorted(work.title for work in subscribed_works_for(reader)) == ["By other", "Followed"]


def test_opds_feeds_of_bookmarks_and_subscriptions_are_valid_and_private(
    client: Client, followed, reader, make_user
) -> None:
    root = client.get("/opds/", **basic(reader))
    entries = feed_schemas.opds().check(root.content).iter(f"{ATOM}entry")
    links = {entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}link").attrib for entry in entries}
    assert links["Your bookmarks"]["rel"] == "http://opds-spec.org/shelf"
    assert links["Your bookmarks"]["type"] == ACQUISITION
    assert links["Your subscriptions"]["rel"] == "http://opds-spec.org/subscriptions"
    response = client.get("/opds/bookmarks/", **basic(reader))
    assert response["Content-Type"] == ACQUISITION
    assert "private" in response["Cache-Control"]
    assert titles(response.content) == ["Kept privately", "Members", "Kept"]
    assert sorted(titles(client.get("/opds/subscriptions/", **basic(reader)).content)) == [
        "By other",
        "Followed",
    ]
    # Someone else reads their own (empty) shelves, never the reader's.
    stranger = make_user("stranger")
    assert titles(client.get("/opds/bookmarks/", **basic(stranger)).content) == []
    assert titles(client.get("/opds/subscriptions/", **basic(stranger)).content) == []
    # A guest is asked to sign in, and the root does not offer the sections.
    assert Client().get("/opds/bookmarks/").status_code == 401
    assert Client().get("/opds/subscriptions/").status_code == 401
    guest_root = etree.fromstring(Client().get("/opds/").content)
    assert "Your bookmarks" not in [
        e.findtext(f"{ATOM}title") for e in guest_root.iter(f"{ATOM}entry")
    ]


def test_opds_bookmarks_through_a_token_address(followed, reader) -> None:
    key = do_create_feed_token(reader).key
    response = Client().get(f"/opds/t/{key}/bookmarks/")
    assert response.status_code == 200
    tree = feed_schemas.opds().check(response.content)
    hrefs = [link.get("href") for link in tree.iter(f"{ATOM}link")]
    assert all(f"/opds/t/{key}/" in href for href in hrefs if "/opds/" in href)
    assert len(list(tree.iter(f"{ATOM}entry"))) == 3


def test_update_kinds_read_well() -> None:
    assert [kind.label for kind in Update] == [
        "New chapter",
        "New work",
        "New work in a series",
        "New comment",
        "Reply to your comment",
    ]
