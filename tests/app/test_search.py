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
