"""Searching the archive through the embedded index: indexing on write, the page, visibility."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings
from lxml import html

from quire.core.tags import TagType
from quire.search.backends import search_backend
from quire.tags.models import Tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


@pytest.fixture
def archive(make_work, make_user, django_capture_on_commit_callbacks):
    """Works written and indexed the way the archive does it (indexing runs on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        make_work(
            "Lantern",
            chapters=["The lantern swung in the storm.", "Morning came grey and quiet."],
            tags={TagType.CHARACTER: ["Mara Quill"], TagType.FREEFORM: ["Storms"]},
        )
        make_work("Harbour", chapters=["A quiet harbour, and a storm at sea."])
        make_work("Members", chapters=["A secret storm for members."], restricted=True)
        make_work("Draft", chapters=["An unfinished storm."], posted=False)


def titles(response) -> list[str]:
    tree = html.fromstring(response.content)
    return [" ".join(h.text_content().split()) for h in tree.xpath("//h3[@class='blurb__title']")]


def test_writes_are_indexed(archive) -> None:
    assert search_backend().count() == 4


def test_words_inside_the_stories_are_found_with_snippets(client: Client, archive) -> None:
    response = client.get("/search/", {"q": "lantern"})
    assert titles(response) == ["Lantern"]
    page = response.content.decode()
    assert "<mark>lantern</mark>" in page.lower()
    assert "/chapters/" in page


def test_guests_never_see_restricted_or_draft_works(client: Client, archive, make_user) -> None:
    assert sorted(titles(client.get("/search/", {"q": "storm*"}))) == ["Harbour", "Lantern"]
    client.force_login(make_user("reader"))
    assert sorted(titles(client.get("/search/", {"q": "storm*"}))) == [
        "Harbour",
        "Lantern",
        "Members",
    ]


def test_facets_count_and_filter(client: Client, archive) -> None:
    response = client.get("/search/", {"q": "quiet"})
    assert sorted(titles(response)) == ["Harbour", "Lantern"]
    page = response.content.decode()
    mara = Tag.objects.get(name="Mara Quill")
    assert f'value="{mara.pk}"' in page
    assert 'Mara Quill <span class="muted">(1)</span>' in page
    narrowed = client.get("/search/", {"q": "quiet", "include": [mara.pk]})
    assert titles(narrowed) == ["Lantern"]
    excluded = client.get("/search/", {"q": "quiet", "exclude": [mara.pk]})
    assert titles(excluded) == ["Harbour"]


def test_filters_and_sorts(client: Client, archive) -> None:
    assert titles(client.get("/search/", {"q": "", "sort": "title", "words_to": 8})) == ["Harbour"]
    assert titles(client.get("/search/", {"single_chapter": "on", "sort": "title"})) == ["Harbour"]
    assert client.get("/search/").status_code == 200


def test_a_reader_saves_a_search_and_finds_it_again(client: Client, archive, make_user) -> None:
    client.force_login(make_user("reader"))
    page = client.get("/search/", {"q": "lantern"}).content.decode()
    assert "Save this search as" in page
    response = client.post("/search/save/", {"name": "Lanterns", "params": "q=lantern"})
    assert response["Location"] == "/search/?q=lantern"
    saved = client.get("/search/saved/").content.decode()
    assert '<a href="/search/?q=lantern">Lanterns</a>' in saved


def test_the_exclusion_list_applies_to_every_search(
    client: Client, archive, make_user, author
) -> None:
    client.force_login(make_user("reader"))
    client.post("/search/saved/", {"action": "exclude_tag", "name": "storms"})
    assert sorted(titles(client.get("/search/", {"q": "storm*"}))) == ["Harbour", "Members"]
    client.post("/search/saved/", {"action": "exclude_creator", "name": author.username})
    assert titles(client.get("/search/", {"q": "storm*"})) == []
    bad = client.post("/search/saved/", {"action": "exclude_tag", "name": "Nope"}, follow=True)
    assert "There is no tag named" in bad.content.decode()
    assert sorted(titles(Client().get("/search/", {"q": "storm*"}))) == ["Harbour", "Lantern"]


def test_search_inside_one_work(client: Client, archive) -> None:
    from quire.works.models import Work

    lantern = Work.objects.get(title="Lantern")
    page = client.get(f"/works/{lantern.pk}/search/", {"q": "grey"}).content.decode()
    assert "1 chapter with a match" in page
    assert "Chapter 2" in page
    assert "<mark>grey</mark>" in page
    draft = Work.objects.get(title="Draft")
    assert client.get(f"/works/{draft.pk}/search/", {"q": "storm"}).status_code == 404


def test_typed_tags_and_creators_filter(client: Client, archive, author) -> None:
    assert titles(client.get("/search/", {"other_tags": "storms"})) == ["Lantern"]
    assert titles(client.get("/search/", {"excluded_tags": "Storms", "q": "quiet"})) == ["Harbour"]
    assert sorted(titles(client.get("/search/", {"creators": author.username}))) == [
        "Harbour",
        "Lantern",
    ]
    unknown = client.get("/search/", {"other_tags": "Nowhere"}).content.decode()
    assert "No tag named nowhere." in unknown


def test_stat_ranges_are_filters(client: Client, archive) -> None:
    assert sorted(titles(client.get("/search/", {"kudos_to": 0}))) == ["Harbour", "Lantern"]
    assert titles(client.get("/search/", {"kudos_from": 1})) == []
    assert 'name="bookmarks_from"' in client.get("/search/").content.decode()
