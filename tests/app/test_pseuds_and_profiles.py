"""Pseuds (list, create, edit, delete, default) and profiles (sanitized about text)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from lxml import html

from quire.people.models import Pseud, User
from quire.search.models import PendingIndexing
from quire.works.actions import do_create_series
from quire.works.models import Creatorship
from tests.app.conftest import MakeWork

pytestmark = pytest.mark.django_db


def tree_of(response: HttpResponse) -> html.HtmlElement:
    return html.fromstring(response.content)


def texts(tree: html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


@pytest.fixture
def signed_in(client: Client, author: User) -> Client:
    client.force_login(author)
    return client


def test_a_member_adds_a_pseud(signed_in: Client, author: User) -> None:
    response = signed_in.post(
        "/account/pseuds/new/",
        {"name": "  Night   Owl ", "description": "<p>Late <b>hours</b></p>"},
    )
    assert response["Location"] == "/users/author/pseuds/"
    pseud = author.pseuds.get(name="Night Owl")
    assert pseud.description == "<p>Late <b>hours</b></p>"
    assert not pseud.is_default
    page = tree_of(signed_in.get("/users/author/pseuds/"))
    assert texts(page, "//h2[@class='pseud__name']") == ["author Default", "Night Owl"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("AUTHOR", "You already have a pseud called AUTHOR."),
        ("a/b", "Use letters, numbers, spaces"),
        ("x" * 41, "at most 40 characters"),
        ("...", "at least one letter or number"),
    ],
)
def test_pseud_names_follow_the_rules(
    signed_in: Client, author: User, name: str, problem: str
) -> None:
    tree = tree_of(signed_in.post("/account/pseuds/new/", {"name": name}))
    assert problem in " ".join(texts(tree, "//ul[@id='id_name_error']"))
    assert author.pseuds.count() == 1


def test_renaming_a_pseud_reindexes_its_works(
    signed_in: Client, author: User, make_work: MakeWork
) -> None:
    pseud = author.pseuds.create(name="Old Name")
    work = make_work("Credited", creators=[author])
    Creatorship.objects.filter(work=work).update(pseud=pseud)
    PendingIndexing.objects.all().delete()
    response = signed_in.post(
        f"/account/pseuds/{pseud.pk}/edit/", {"name": "New Name", "description": ""}
    )
    assert response.status_code == 302
    pseud.refresh_from_db()
    assert pseud.name == "New Name"
    assert list(PendingIndexing.objects.values_list("work_id", flat=True)) == [work.pk]
    taken = tree_of(
        signed_in.post(f"/account/pseuds/{pseud.pk}/edit/", {"name": "author", "description": ""})
    )
    assert texts(taken, "//ul[@id='id_name_error']") == ["You already have a pseud called author."]


def test_deleting_a_pseud_moves_its_works_to_the_default(
    signed_in: Client, author: User, make_work: MakeWork
) -> None:
    default = author.default_pseud
    pseud = author.pseuds.create(name="Side Name")
    alone = make_work("Only the side name")
    both = make_work("Both names")
    Creatorship.objects.filter(work=alone).update(pseud=pseud)
    Creatorship.objects.create(work=both, pseud=pseud, position=1)
    series = do_create_series(title="A Series", creators=[pseud])

    confirm = tree_of(signed_in.get(f"/account/pseuds/{pseud.pk}/delete/"))
    assert texts(confirm, "//h1") == ["Delete Side Name?"]
    response = signed_in.post(f"/account/pseuds/{pseud.pk}/delete/")
    assert response["Location"] == "/users/author/pseuds/"
    assert not Pseud.objects.filter(pk=pseud.pk).exists()
    assert list(alone.creatorships.values_list("pseud", flat=True)) == [default.pk]
    assert list(both.creatorships.values_list("pseud", flat=True)) == [default.pk]
    assert list(series.creators.all()) == [default]
    pending = set(PendingIndexing.objects.values_list("work_id", flat=True))
    assert {alone.pk, both.pk} <= pending


def test_the_default_pseud_cannot_be_deleted(signed_in: Client, author: User) -> None:
    default = author.default_pseud
    page = tree_of(signed_in.get("/users/author/pseuds/"))
    assert not page.xpath(f"//a[@href='/account/pseuds/{default.pk}/delete/']")
    response = signed_in.post(f"/account/pseuds/{default.pk}/delete/", follow=True)
    assert b"The default pseud cannot be deleted" in response.content
    assert Pseud.objects.filter(pk=default.pk).exists()


def test_making_another_pseud_the_default(signed_in: Client, author: User) -> None:
    old = author.default_pseud
    new = author.pseuds.create(name="New Default")
    assert signed_in.get(f"/account/pseuds/{new.pk}/default/").status_code == 405
    assert signed_in.post(f"/account/pseuds/{new.pk}/default/").status_code == 302
    assert author.default_pseud == new
    old.refresh_from_db()
    assert not old.is_default
    assert signed_in.post(f"/account/pseuds/{old.pk}/delete/").status_code == 302
    assert list(author.pseuds.all()) == [new]


def test_nobody_manages_anothers_pseuds(signed_in: Client, make_user: Callable[..., User]) -> None:
    other = make_user("other")
    theirs = other.pseuds.create(name="Theirs")
    for url in [
        f"/account/pseuds/{theirs.pk}/edit/",
        f"/account/pseuds/{theirs.pk}/delete/",
        f"/account/pseuds/{theirs.pk}/default/",
    ]:
        assert signed_in.post(url, {"name": "Mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    page = tree_of(signed_in.get("/users/other/pseuds/"))
    assert texts(page, "//h1") == ["Pseuds of other"]
    assert not page.xpath("//div[@class='pseud__actions']")


def test_the_pseud_list_counts_only_works_the_reader_may_see(
    client: Client, author: User, make_work: MakeWork
) -> None:
    make_work("Posted")
    make_work("Draft", posted=False)
    make_work("Members only", restricted=True)
    guest = tree_of(client.get("/users/author/pseuds/"))
    assert texts(guest, "//p[@class='pseud__count']") == ["1 work"]
    client.force_login(author)
    own = tree_of(client.get("/users/author/pseuds/"))
    assert texts(own, "//p[@class='pseud__count']") == ["3 works"]


def test_pseud_pages_need_a_login(client: Client) -> None:
    for url in ["/account/pseuds/new/", "/account/profile/", "/account/", "/account/preferences/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


def test_the_profile_shows_about_joined_pseuds_and_works(
    client: Client, author: User, make_work: MakeWork
) -> None:
    make_work("One")
    author.pseuds.create(name="Second Name")
    tree = tree_of(client.get("/users/author/profile/"))
    assert texts(tree, "//h1") == ["author"]
    facts = dict(zip(texts(tree, "//aside//dt"), texts(tree, "//aside//dd"), strict=True))
    assert facts["Joined"] == author.date_joined.strftime("%-d %B %Y")
    assert facts["Works"] == "1 work"
    assert facts["Pseuds"] == "author, Second Name"
    assert tree.xpath("//aside//a[.='1 work']/@href") == ["/users/author/works/"]


def test_profile_text_is_sanitized(signed_in: Client, author: User) -> None:
    about = (
        '<p onclick="steal()">Hello <em>there</em></p><script>alert("x")</script>'
        '<a href="javascript:alert(1)">link</a><p style="color:red">styled</p>'
    )
    response = signed_in.post("/account/profile/", {"about": about})
    assert response["Location"] == "/users/author/profile/"
    author.refresh_from_db()
    assert "script" not in author.about
    assert "alert" not in author.about
    assert "onclick" not in author.about
    assert "color:red" not in author.about
    assert "<em>there</em>" in author.about
    page = signed_in.get("/users/author/profile/").content.decode()
    assert "<script>alert" not in page
    assert "Hello <em>there</em>" in page
    edit = tree_of(signed_in.get("/account/profile/"))
    assert "Hello <em>there</em>" in edit.xpath("//textarea[@name='about']")[0].text


def test_deleting_a_pseud_keeps_what_other_apps_hung_on_it(
    signed_in: Client, author: User, make_work: MakeWork
) -> None:
    """Rows of any app that point at a pseud (bookmarks here) move to the default."""
    from django.apps import apps

    if not apps.is_installed("quire.community"):
        pytest.skip("no app points at pseuds yet")
    bookmark_model = apps.get_model("community", "Bookmark")
    pseud = author.pseuds.create(name="Reader Name")
    bookmark = bookmark_model.objects.create(user=author, pseud=pseud, work=make_work("Kept"))
    assert signed_in.post(f"/account/pseuds/{pseud.pk}/delete/").status_code == 302
    bookmark.refresh_from_db()
    assert bookmark.pseud_id == author.default_pseud.pk
