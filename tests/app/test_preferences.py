"""Preferences change what pages do: the adult notice, entire-work mode, spoiler tags
behind a disclosure, and the reading settings on <html> for every device."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from lxml import html

from quire.core.tags import TagType
from quire.people.actions import do_update_preferences
from quire.people.models import Preferences, User
from quire.works.models import Work
from tests.app.conftest import MakeWork

pytestmark = pytest.mark.django_db

WARNING = "Major Character Death"
FREEFORM = "Everyone Lives Except Not"


def page(client: Client, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def texts(tree: html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


@pytest.fixture
def reader(client: Client, make_user: Callable[..., User]) -> User:
    user = make_user("reader")
    client.force_login(user)
    return user


@pytest.fixture
def spoilery(make_work: MakeWork) -> Work:
    return make_work(
        "Spoilers Ahead",
        tags={TagType.WARNING: [WARNING], TagType.FREEFORM: [FREEFORM, "Fluff"]},
    )


def test_preferences_are_made_when_first_saved(client: Client, reader: User) -> None:
    assert not Preferences.objects.exists()
    form = page(client, "/account/preferences/")
    assert form.xpath("//input[@name='reading_size'][@checked]/@value") == ["2"]
    response = client.post(
        "/account/preferences/",
        {
            "view_full_work": "on",
            "hide_warnings": "on",
            "reading_theme": "sepia",
            "reading_size": "5",
            "reading_font": "sans",
            "reading_width": "narrow",
        },
    )
    assert response["Location"] == "/account/preferences/"
    saved = Preferences.objects.get(user=reader)
    assert (saved.view_adult, saved.view_full_work, saved.hide_warnings) == (False, True, True)
    assert (saved.reading_theme, saved.reading_size) == ("sepia", "5")
    again = page(client, "/account/preferences/")
    assert again.xpath("//input[@name='reading_theme'][@checked]/@value") == ["sepia"]
    assert again.xpath("//input[@name='view_full_work']/@checked")


def test_reading_settings_follow_the_account_onto_every_page(
    client: Client, reader: User, spoilery: Work
) -> None:
    guest = Client()
    assert dict(page(guest, "/").getroottree().getroot().attrib) == {"lang": "en"}
    assert dict(page(client, "/").getroottree().getroot().attrib) == {"lang": "en"}
    do_update_preferences(
        reader, reading_theme="dark", reading_size="4", reading_font="serif", reading_width="wide"
    )
    for url in ["/", "/works/", spoilery.get_absolute_url(), "/account/"]:
        root = page(client, url).getroottree().getroot()
        assert dict(root.attrib) == {
            "lang": "en",
            "data-theme": "dark",
            "data-text-size": "4",
            "data-text-width": "wide",
        }, url
    assert dict(page(guest, "/").getroottree().getroot().attrib) == {"lang": "en"}


def test_the_adult_notice_is_skipped_for_readers_who_chose_so(
    client: Client, reader: User, make_work: MakeWork
) -> None:
    work = make_work("Grown Up", rating="Explicit")
    notice = page(client, work.get_absolute_url())
    assert notice.xpath("//section[contains(@class,'notice--adult')]")
    do_update_preferences(reader, view_adult=True)
    reading = page(Client(), work.get_absolute_url())  # a guest still gets it
    assert reading.xpath("//section[contains(@class,'notice--adult')]")
    mine = page(client, work.get_absolute_url())
    assert not mine.xpath("//section[contains(@class,'notice--adult')]")
    assert texts(mine, "//div[contains(@class,'chapter-text')]") == ["Once upon a time."]


def test_works_open_whole_for_readers_who_chose_so(
    client: Client, reader: User, make_work: MakeWork
) -> None:
    work = make_work("Long", chapters=["first", "second", "third"])
    one = page(client, work.get_absolute_url())
    assert texts(one, "//div[contains(@class,'chapter-text')]") == ["first"]
    do_update_preferences(reader, view_full_work=True)
    whole = page(client, work.get_absolute_url())
    assert texts(whole, "//div[contains(@class,'chapter-text')]") == ["first", "second", "third"]
    nav = whole.xpath("//nav[@aria-label='Chapters']")[0]
    assert "Chapter by Chapter" in texts(nav, ".//a")
    by_chapter = page(client, work.get_absolute_url() + "?view_full_work=false")
    assert texts(by_chapter, "//div[contains(@class,'chapter-text')]") == ["first"]
    second = work.chapters.order_by("position")[1]
    chapter = page(client, second.get_absolute_url())
    assert texts(chapter, "//div[contains(@class,'chapter-text')]") == ["second"]


def _shown_tags(tree: html.HtmlElement, kind: str) -> list[str]:
    return texts(tree, f"//li[contains(@class,'tag-list__item--{kind}')]")


def test_spoiler_tags_are_behind_a_disclosure_in_blurbs(
    client: Client, reader: User, spoilery: Work
) -> None:
    plain = page(client, "/works/")
    assert not plain.xpath("//details[@class='spoiler']")
    assert _shown_tags(plain, "warning") == [WARNING]
    assert plain.xpath("//span[contains(@class,'warning-yes')]/@title") == [WARNING]

    do_update_preferences(reader, hide_warnings=True, hide_freeforms=True)
    hidden = page(client, "/works/")
    (warnings, freeforms) = hidden.xpath(
        "//li[contains(@class,'blurb')]//details[@class='spoiler']"
    )
    assert texts(warnings, "./summary") == ["Show warnings"]
    assert texts(warnings, ".//li") == [WARNING]
    assert texts(freeforms, "./summary") == ["Show additional tags"]
    assert texts(freeforms, ".//li") == [FREEFORM, "Fluff"]
    assert not hidden.xpath("//details[@open]")
    # The warning square no longer names the warnings either.
    assert WARNING not in " ".join(hidden.xpath("//ul[@class='required-tags']//@title"))
    assert hidden.xpath("//span[contains(@class,'warning-hidden')]")


def test_spoiler_tags_are_behind_a_disclosure_on_the_work_page(
    client: Client, reader: User, spoilery: Work
) -> None:
    do_update_preferences(reader, hide_freeforms=True)
    tree = page(client, spoilery.get_absolute_url())
    meta = tree.xpath("//dl[@class='work-meta']")[0]
    assert texts(meta, ".//dd[a[.='Major Character Death']]") == [WARNING]  # shown
    (freeforms,) = meta.xpath(".//details[@class='spoiler']")
    assert texts(freeforms, "./summary") == ["Show additional tags"]
    assert texts(freeforms, "./a") == [FREEFORM, "Fluff"]

    do_update_preferences(reader, hide_warnings=True, hide_freeforms=False)
    tree = page(client, spoilery.get_absolute_url())
    (warnings,) = tree.xpath("//dl[@class='work-meta']//details[@class='spoiler']")
    assert texts(warnings, "./summary") == ["Show warnings"]
    assert texts(warnings, "./a") == [WARNING]


def test_a_guest_sees_every_tag(client: Client, spoilery: Work) -> None:
    assert not page(client, "/works/").xpath("//details[@class='spoiler']")
    assert not page(client, spoilery.get_absolute_url()).xpath("//details[@class='spoiler']")


def test_the_dashboard_shows_works_pseuds_preferences_and_invitations(
    client: Client, author: User, make_work: MakeWork
) -> None:
    make_work("Posted One")
    make_work("Draft One", posted=False)
    client.force_login(author)
    do_update_preferences(author, hide_warnings=True)
    tree = page(client, "/account/")
    assert texts(tree, "//h1") == ["author"]
    headings = texts(tree, "//section/h2")
    assert headings[0] == "Your works 2"
    wanted = {"Writing 1 draft", "Account", "Pseuds 1", "Preferences", "Invitations"}
    assert wanted <= set(headings)
    works = texts(tree, "//section[@aria-labelledby='works-heading']//li/a")
    assert sorted(works) == ["Draft One", "Posted One"]
    facts = dict(
        zip(
            texts(tree, "//section[@aria-labelledby='preferences-heading']//dt"),
            texts(tree, "//section[@aria-labelledby='preferences-heading']//dd"),
            strict=True,
        )
    )
    assert facts["Archive warnings"] == "Hidden until asked"
    assert not tree.xpath("//a[@href='/staff/archive-settings/']")  # not an admin
