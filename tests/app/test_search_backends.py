"""Every search backend against the one contract (tests/app/search_contract.py), and
how the archive chooses its backend.

The tantivy index always runs. The PostgreSQL backend runs only when the tests'
database is PostgreSQL (QUIRE_DATABASE_URL=postgresql://…), because its index is
tables in that database; on SQLite its tests are skipped, saying so.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, override_settings
from lxml import html

from quire.core.search.model import IndexedWork, SearchQuery
from quire.core.search.tantivy_index import TantivyIndex
from quire.core.search.textquery import split_words
from quire.core.tags import TagType
from quire.search.backends import SearchBackend, search_backend
from tests.app.conftest import MakeWork
from tests.app.search_contract import ADMIN, CORPUS, MakeBackend, SearchContract, make
from tests.core.search.oracles import text_matches
from tests.core.search.sample_archive import BY_ID

ON_POSTGRES = connection.vendor == "postgresql"
NEEDS_POSTGRES = pytest.mark.skipif(
    not ON_POSTGRES,
    reason=(
        "the postgres search backend keeps its index in a PostgreSQL database; these tests "
        f"run on {connection.vendor}: set QUIRE_DATABASE_URL=postgresql://… to run them"
    ),
)


@pytest.fixture(scope="module")
def tantivy_corpus(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    index = TantivyIndex(tmp_path_factory.mktemp("contract") / "index")
    assert index.add(CORPUS) == len(CORPUS)
    return index


@pytest.fixture(scope="module")
def postgres_corpus(django_db_setup: None, django_db_blocker: Any) -> Iterator[SearchBackend]:
    """The corpus, committed once for the module; each test runs in a transaction that
    is rolled back, so tests that write (even clear) leave it as it was."""
    from quire.search.postgres import PostgresSearchBackend

    with django_db_blocker.unblock():
        backend = PostgresSearchBackend()
        backend.clear()
        assert backend.add(CORPUS) == len(CORPUS)
    yield backend
    with django_db_blocker.unblock():
        backend.clear()


class TestTantivyIndex(SearchContract):
    @pytest.fixture
    def backend(self, tantivy_corpus: TantivyIndex) -> SearchBackend:
        return tantivy_corpus

    @pytest.fixture
    def make_backend(self, tmp_path: Path) -> MakeBackend:
        made: list[TantivyIndex] = []

        def new(**options: Any) -> TantivyIndex:
            made.append(TantivyIndex(tmp_path / f"index-{len(made)}", **options))
            return made[-1]

        return new


@NEEDS_POSTGRES
class TestPostgresSearchBackend(SearchContract):
    @pytest.fixture
    def backend(self, postgres_corpus: SearchBackend, db: None) -> SearchBackend:
        return postgres_corpus

    @pytest.fixture
    def make_backend(self, db: None) -> MakeBackend:
        from quire.search.postgres import PostgresSearchBackend

        def new(**options: Any) -> SearchBackend:
            backend = PostgresSearchBackend(**options)
            backend.clear()  # the shared tables: rolled back with the test
            return backend

        return new


@pytest.mark.skipif(not ON_POSTGRES, reason="the GIN indexes are PostgreSQL's")
@pytest.mark.django_db
def test_a_postgres_rebuild_builds_its_indexes_again_even_when_it_fails() -> None:
    from django.db import connection

    from quire.search.models import SearchDocument, SearchPassage
    from quire.search.postgres import PostgresSearchBackend

    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_gin'")
            return {name for (name,) in cursor.fetchall()}

    backend = PostgresSearchBackend()
    before = index_names()
    assert before == {
        index.name
        for model in (SearchDocument, SearchPassage)
        for index in model._meta.indexes
        if index.name.endswith("_gin")
    }

    def failing() -> Iterator[list[IndexedWork]]:
        assert index_names() == set()  # dropped while the rows go in
        yield [BY_ID[5]]
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        backend.rebuild(failing())
    assert index_names() == before
    assert backend.rebuild(iter([[BY_ID[1]]])) == 1
    assert index_names() == before


# --- Choosing the backend ----------------------------------------------------------------


def test_an_unknown_backend_is_refused() -> None:
    with override_settings(SEARCH_BACKEND="elastic"), pytest.raises(ImproperlyConfigured):
        search_backend()


@pytest.mark.skipif(ON_POSTGRES, reason="checks the refusal on a database that is not PostgreSQL")
def test_postgres_backend_is_refused_without_postgresql() -> None:
    from quire.search.postgres import PostgresSearchBackend

    with (
        override_settings(SEARCH_BACKEND="postgres"),
        pytest.raises(ImproperlyConfigured, match="PostgreSQL"),
    ):
        search_backend()
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        PostgresSearchBackend()


@NEEDS_POSTGRES
def test_postgres_backend_is_chosen_by_the_setting() -> None:
    from quire.search.postgres import PostgresSearchBackend

    with override_settings(SEARCH_BACKEND="postgres"):
        chosen = search_backend()
        assert isinstance(chosen, PostgresSearchBackend)
        assert search_backend() is chosen


# --- PostgreSQL specifics ----------------------------------------------------------------


@NEEDS_POSTGRES
@pytest.mark.django_db
def test_every_instance_shares_the_tables() -> None:
    from quire.search.postgres import PostgresSearchBackend

    first, second = PostgresSearchBackend(), PostgresSearchBackend()
    first.clear()
    first.add(CORPUS[:5])
    assert second.count() == 5
    second.delete([1])
    assert first.count() == 4


@NEEDS_POSTGRES
@pytest.mark.django_db
def test_values_split_into_parts_keep_every_word_and_phrase() -> None:
    """With a tiny size budget every chapter is cut into many overlapping parts: every
    word, prefix and phrase of up to 50 words is still found exactly where it is."""
    from quire.search.postgres import PostgresSearchBackend

    backend = PostgresSearchBackend(part_bytes=40)
    backend.clear()
    words = [f"v{n % 37}x{n % 11}" for n in range(400)]
    text = " ".join(words)
    work = make(800, "Parts", [text, "a short one"], tags={1}, summary="summary words here")
    backend.add([work])
    from quire.search.models import SearchPassage

    parts = SearchPassage.objects.filter(document_id=800, chapter_id=80001)
    assert parts.count() > 100
    assert parts.filter(part=0).get().text == text  # the text once, for snippets
    tokens = split_words(text)
    for start, size in [(0, 2), (17, 5), (100, 50), (199, 2), (350, 50), (398, 2), (250, 1)]:
        phrase = " ".join(tokens[start : start + size])
        query = f'"{phrase}"' if size > 1 else phrase
        assert backend.search(SearchQuery(text=query)).total == 1, query
    for query in ['"v1x1 v1x1"', '"x v0x0"', '"v36x4 a short"', '"summary words here"']:
        expected = 1 if text_matches(work, query) else 0
        assert backend.search(SearchQuery(text=query)).total == expected, query
    [hit] = backend.search(SearchQuery(text="v5x5", within_work_id=800)).hits
    assert [snippet.chapter_position for snippet in hit.snippets] == [1]
    assert backend.search(SearchQuery(text="v3*")).total == 1


@NEEDS_POSTGRES
@pytest.mark.django_db
def test_nul_characters_are_dropped_not_refused() -> None:
    from quire.search.postgres import PostgresSearchBackend

    backend = PostgresSearchBackend()
    backend.clear()
    work = make(900, "Nul\x00Title", ["before\x00after and more"], tags={1}, language="e\x00n")
    backend.add([work])
    [hit] = backend.search(SearchQuery(text="more")).hits
    assert hit.snippets[0].html == "beforeafter and <mark>more</mark>"
    assert backend.search(SearchQuery(text="title:nul title:title")).total == 1


# --- The archive on the postgres backend -------------------------------------------------


@pytest.fixture
def on_postgres(db: None) -> Iterator[None]:
    with override_settings(SEARCH_BACKEND="postgres"):
        search_backend().clear()
        yield


def titles(response: Any) -> list[str]:
    headings = html.fromstring(response.content).xpath("//h3[@class='blurb__title']")
    assert isinstance(headings, list)
    return [
        " ".join(heading.text_content().split())
        for heading in headings
        if isinstance(heading, html.HtmlElement)
    ]


@NEEDS_POSTGRES
def test_the_archive_searches_through_postgres(
    on_postgres: None,
    client: Client,
    make_work: MakeWork,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Works written through the archive's actions are indexed by the task on commit,
    and the search page finds them, with snippets, facets and visibility."""
    with django_capture_on_commit_callbacks(execute=True):
        make_work(
            "Lantern",
            chapters=["The lantern swung in the storm.", "Morning came grey and quiet."],
            tags={TagType.FREEFORM: ["Storms"]},
            published=date(2026, 1, 2),
        )
        make_work("Harbour", chapters=["A quiet harbour, and a storm at sea."])
        make_work("Members", chapters=["A secret storm for members."], restricted=True)
        make_work("Draft", chapters=["An unfinished storm."], posted=False)
    assert search_backend().count() == 4
    response = client.get("/search/", {"q": "lantern"})
    assert titles(response) == ["Lantern"]
    assert "<mark>lantern</mark>" in response.content.decode().lower()
    assert sorted(titles(client.get("/search/", {"q": "storm*"}))) == ["Harbour", "Lantern"]
    assert "Storms" in client.get("/search/", {"q": "quiet"}).content.decode()
    client.force_login(make_user("reader"))
    assert sorted(titles(client.get("/search/", {"q": "storm*"}))) == [
        "Harbour",
        "Lantern",
        "Members",
    ]


@NEEDS_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_copy_of_each_work() -> None:
    """Application servers index at the same time: every work ends with one document
    and one set of passages, and no writer deadlocks or fails."""
    from django.db import connections

    from quire.search.postgres import PostgresSearchBackend

    backend = PostgresSearchBackend()
    backend.clear()
    errors: list[BaseException] = []

    def write(version: int) -> None:
        try:
            for round_ in range(4):
                backend.add(
                    replace(work, title=f"{work.title} {version} {round_}") for work in CORPUS
                )
                backend.delete([1, 2])
                backend.add(CORPUS[version::3])
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(version,)) for version in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Works 1 and 2 are there or not, depending on who wrote last; everything else is.
    assert len(CORPUS) - 2 <= backend.count() <= len(CORPUS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_passage p LEFT JOIN search_document d "
            "ON d.work_id = p.work_id WHERE d.work_id IS NULL"
        )
        assert cursor.fetchone() == (0,)  # no passages left without their work
        cursor.execute(
            "SELECT count(*), count(DISTINCT work_id) FROM search_passage WHERE field = 'title'"
        )
        assert cursor.fetchone() == (backend.count(), backend.count())  # one copy each
    found = backend.search(SearchQuery(per_page=100, visibility=ADMIN, text="zephyr"))
    assert {hit.work_id for hit in found.hits} == {13, 14, 15, 16, 17, 18} - {13, 18}
