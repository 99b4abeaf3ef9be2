"""Muting and blocking: what each hides or stops, for whom, their limits and privacy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from lxml import etree, html

from quire.community.actions import (
    Refused,
    do_block,
    do_leave_kudos,
    do_mute,
    do_save_bookmark,
    do_unblock,
    do_unmute,
)
from quire.community.models import Block, Kudos, Mute
from quire.community.queries import (
    blocked_by_a_creator,
    blockers_among,
    is_blocked,
    muted_user_ids,
)
from quire.core.tags import TagType
from quire.core.visibility import GUEST
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.models import Work

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def tree_of(response) -> html.HtmlElement:
    assert response.status_code == 200
    return html.fromstring(response.content)


def said(response) -> str:
    """The page's text, as a reader reads it (quotes unescaped, spaces squeezed)."""
    return " ".join(tree_of(response).text_content().split())


def titles(client: Client, url: str) -> list[str]:
    tree = tree_of(client.get(url))
    return [" ".join(h.text_content().split()) for h in tree.xpath("//h3[@class='blurb__title']")]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(make_user, author: User) -> dict[str, User]:
    """`muter` mutes or blocks `author`; `other` reads the same archive untouched."""
    staff = make_user("keeper")
    staff.is_staff = True
    staff.save()
    return {
        "author": author,
        "muter": make_user("muter"),
        "other": make_user("other"),
        "staff": staff,
    }


@pytest.fixture
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


@pytest.fixture
def works(make_work, people, own_index, django_capture_on_commit_callbacks) -> dict[str, Work]:
    """A work by the author alone, one co-created with `other`, one by `other` alone, all
    under one tag and indexed the way the archive does it."""
    tag = {TagType.FREEFORM: ["Storms"]}
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "Muted": make_work("Muted", chapters=["A storm."], tags=tag),
            "Together": make_work(
                "Together",
                chapters=["A shared storm."],
                tags=tag,
                creators=[people["author"], people["other"]],
            ),
            "Kept": make_work(
                "Kept", chapters=["A calm storm."], tags=tag, creators=[people["other"]]
            ),
        }


EVERYTHING = ["Kept", "Muted", "Together"]


# Mute


def test_muting_hides_works_from_the_muters_listings_only(people, works) -> None:
    do_mute(people["muter"], people["author"])
    muter, other = signed_in(people["muter"]), signed_in(people["other"])
    tag_page = reverse("tags:works", args=["Storms"])
    for url in ("/works/", "/", tag_page):
        assert titles(muter, url) == ["Kept"], url
        assert sorted(titles(other, url)) == EVERYTHING, url
        assert sorted(titles(Client(), url)) == EVERYTHING, url
    # Muting hides; it forbids nothing: the work still opens, and the creator's own page
    # still lists what they wrote, with the Unmute button.
    assert muter.get(works["Muted"].get_absolute_url()).status_code == 200
    creator_page = muter.get(people["author"].get_absolute_url())
    assert sorted(titles(muter, people["author"].get_absolute_url())) == ["Muted", "Together"]
    assert "Unmute author" in said(creator_page)

    do_unmute(people["muter"], people["author"])
    assert sorted(titles(muter, "/works/")) == EVERYTHING


def test_muting_hides_works_from_search_and_the_catalog(people, works) -> None:
    do_mute(people["muter"], people["author"])
    muter, other = signed_in(people["muter"]), signed_in(people["other"])
    search = "/search/?q=storm"
    assert titles(muter, search) == ["Kept"]
    assert sorted(titles(other, search)) == EVERYTHING

    def catalog(client: Client, url: str) -> list[str]:
        feed = etree.fromstring(client.get(url).content)
        return sorted(
            title.text
            for title in feed.iter(f"{ATOM}entry")
            for title in [title.find(f"{ATOM}title")]
        )

    recent = reverse("feeds:opds:recent")
    tagged = reverse("feeds:opds:tag", args=["Storms"])
    for url in (recent, tagged):
        assert catalog(muter, url) == ["Kept"], url
        assert catalog(other, url) == EVERYTHING, url


def test_muting_hides_bookmarks_by_and_of_the_muted(people, works) -> None:
    author, muter, other = people["author"], people["muter"], people["other"]
    do_save_bookmark(author, pseud=author.default_pseud, work=works["Kept"])
    do_save_bookmark(other, pseud=other.default_pseud, work=works["Muted"])
    do_save_bookmark(other, pseud=other.default_pseud, work=works["Kept"])
    do_mute(muter, author)
    bookmarks = reverse("community:bookmarks")
    assert titles(signed_in(muter), bookmarks) == ["Kept"]
    assert len(titles(signed_in(other), bookmarks)) == 3


def test_muted_user_ids_is_what_the_comments_hide(people) -> None:
    muter, author, other = people["muter"], people["author"], people["other"]
    assert muted_user_ids(muter) == set()
    do_mute(muter, author)
    do_mute(muter, other)
    do_mute(other, author)
    expected = {author.pk, other.pk}
    assert muted_user_ids(muter) == expected
    assert muted_user_ids(viewer_for(muter)) == expected
    assert muted_user_ids(GUEST) == set()
    assert muted_user_ids(author) == set()


# Block


def test_a_blocked_reader_cannot_leave_kudos(people, works) -> None:
    author, muter, other = people["author"], people["muter"], people["other"]
    do_block(author, muter)
    with pytest.raises(Refused, match="can't leave kudos"):
        do_leave_kudos(works["Muted"], user=muter)
    # One creator blocking is enough on a co-created work.
    with pytest.raises(Refused):
        do_leave_kudos(works["Together"], user=muter)
    do_leave_kudos(works["Kept"], user=muter)
    do_leave_kudos(works["Muted"], user=other)

    blocked = signed_in(muter)
    page = tree_of(blocked.get(works["Muted"].get_absolute_url()))
    assert page.xpath("//button[contains(@class,'kudos-button')]") == []
    response = blocked.post(reverse("community:kudos", args=[works["Muted"].pk]), follow=True)
    told = " ".join(html.fromstring(response.content).xpath("//ul[@class='messages']//text()"))
    assert told.strip() == "Sorry, you can't leave kudos on this work."
    assert set(Kudos.objects.values_list("work__title", "user__username")) == {
        ("Kept", "muter"),
        ("Muted", "other"),
    }
    do_unblock(author, muter)
    do_leave_kudos(works["Muted"], user=muter)


def test_is_blocked_answers_for_the_comments(people, works) -> None:
    author, muter = people["author"], people["muter"]
    do_block(author, muter)
    assert is_blocked(by_user=author, user=muter)
    assert not is_blocked(by_user=muter, user=author)
    assert is_blocked(by_user=author.pk, user=viewer_for(muter))
    assert not is_blocked(by_user=author, user=None)
    assert blocked_by_a_creator(works["Together"], muter)
    assert not blocked_by_a_creator(works["Kept"], muter)
    # For the gift and co-creator fields: whom of these may the muter not name?
    everyone = [author.pk, people["other"].pk, people["staff"].pk]
    assert blockers_among(muter, everyone) == {author.pk}
    assert blockers_among(author, everyone) == set()


# Limits


@pytest.mark.parametrize("act", [do_mute, do_block])
def test_nobody_mutes_or_blocks_themselves_or_the_staff(people, act) -> None:
    muter = people["muter"]
    with pytest.raises(Refused, match="yourself"):
        act(muter, muter)
    with pytest.raises(Refused, match="staff"):
        act(muter, people["staff"])
    assert not Mute.objects.exists() and not Block.objects.exists()


def test_the_buttons_are_only_where_they_may_be_used(people) -> None:
    muter = signed_in(people["muter"])
    buttons = "//div[@class='person-controls']//*[self::a or self::button]"

    def labels(client: Client, user: User, view: str = "people:profile") -> list[str]:
        tree = tree_of(client.get(reverse(view, args=[user.username])))
        return [" ".join(e.text_content().split()) for e in tree.xpath(buttons)]

    assert labels(muter, people["author"]) == ["Mute author", "Block author"]
    assert labels(muter, people["author"], "people:user") == ["Mute author", "Block author"]
    assert labels(muter, people["muter"]) == []
    assert labels(muter, people["staff"]) == []
    assert labels(Client(), people["author"]) == []
    for kind in ("mute", "block"):
        url = reverse(f"community:{kind}", args=["keeper"])
        assert f"You can't {kind} the archive's staff." in said(muter.get(url))
        response = muter.post(url, follow=True)
        assert f"You can't {kind} the archive's staff." in said(response)
    assert not Mute.objects.exists() and not Block.objects.exists()


# The pages


@pytest.mark.parametrize(("kind", "done"), [("mute", "muted"), ("block", "blocked")])
def test_confirm_list_and_undo(people, kind: str, done: str) -> None:
    client = signed_in(people["muter"])
    profile = reverse("people:profile", args=["author"])
    confirm = tree_of(
        client.get(reverse(f"community:{kind}", args=["author"]) + f"?next={profile}")
    )
    assert "They won't be told." in confirm.text_content()
    form = confirm.xpath("//section[contains(@class,'confirm')]//form")[0]
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert form.xpath(".//input[@name='next']/@value") == [profile]

    response = client.post(reverse(f"community:{kind}", args=["author"]), {"next": profile})
    assert response.status_code == 302 and response["Location"] == profile
    listing = tree_of(client.get(reverse(f"community:{done}")))
    assert [a.text for a in listing.xpath("//a[@class='person-list__name']")] == ["author"]
    assert f"Un{kind} author" in " ".join(listing.text_content().split())
    labels = tree_of(client.get(profile)).xpath("//div[@class='person-controls']//button")
    assert f"Un{kind} author" in [" ".join(b.text_content().split()) for b in labels]

    client.post(reverse(f"community:un{kind}", args=["author"]))
    assert not Mute.objects.exists() and not Block.objects.exists()
    empty = tree_of(client.get(reverse(f"community:{done}")))
    assert f"You haven't {done} anyone." in empty.text_content()

    # The list page's own form, by username; an unknown name is said so.
    client.post(reverse(f"community:{done}"), {"username": "Other"})
    assert (Mute if kind == "mute" else Block).objects.get().user == people["muter"]
    response = client.post(reverse(f"community:{done}"), {"username": "nobody"}, follow=True)
    assert "There is no member named “nobody”." in said(response)


def test_the_pages_need_a_member_and_the_csrf_token(people) -> None:
    for url in (reverse("community:muted"), reverse("community:mute", args=["author"])):
        assert Client().get(url).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["muter"])
    assert strict.post(reverse("community:mute", args=["author"])).status_code == 403
    assert strict.post(reverse("community:block", args=["author"])).status_code == 403
    assert (
        signed_in(people["muter"]).get(reverse("community:unblock", args=["author"])).status_code
        == 405
    )
    assert not Mute.objects.exists() and not Block.objects.exists()


# Privacy


def test_nobody_is_told(people, works) -> None:
    """Every page the muted and blocked member sees reads the same before and after."""
    author, muter = people["author"], people["muter"]
    seen_by_author = signed_in(author)
    pages = (
        reverse("people:dashboard"),
        reverse("people:profile", args=["muter"]),
        reverse("people:user", args=["muter"]),
        reverse("community:inbox"),
        reverse("community:muted"),
        reverse("community:blocked"),
        works["Kept"].get_absolute_url(),
    )

    def read() -> list[str]:
        return [" ".join(tree_of(seen_by_author.get(url)).text_content().split()) for url in pages]

    read()  # the first visit counts a hit, which the next page shows
    before = read()
    do_mute(muter, author)
    do_block(muter, author)
    assert read() == before
    assert mail.outbox == []
    # The muter's own view of the author's page says so, to them alone.
    own = signed_in(muter).get(author.get_absolute_url())
    assert "You muted and blocked author. Only you can see this." in " ".join(
        tree_of(own).text_content().split()
    )
