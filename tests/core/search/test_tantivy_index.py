"""What only the tantivy index does: its folder on disk, writers, schema versions, highlighting.

Everything a search backend must do (filters, sorts, facets, visibility, text
queries, snippets, writes) is checked once for every backend, tantivy included,
in tests/app/search_contract.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from quire.core.search.model import (
    IndexedWork,
    SearchQuery,
    SearchResults,
    Sort,
    Visibility,
)
from quire.core.search.tantivy_index import (
    SCHEMA_VERSION,
    IndexIncompatibleError,
    TantivyIndex,
    highlight_passage,
)
from quire.core.search.textquery import (
    normalise,
    split_words,
)
from tests.core.search.sample_archive import BY_ID, CORPUS, FF, TEXT_WORKS, R, generated_works

MEMBER = Visibility(signed_in=True, user_id=999)


def ids(results: SearchResults) -> list[int]:
    return [hit.work_id for hit in results.hits]


def test_highlight_passage() -> None:
    assert highlight_passage("Nothing here.", ["umbrella"]) is None
    assert highlight_passage("Nothing here.", []) is None
    assert highlight_passage("a <b> & c", ["c"]) == "a &lt;b&gt; &amp; <mark>c</mark>"
    assert highlight_passage("Umbrellas, umbrellas!", ["umbrel*"]) == (
        "<mark>Umbrellas</mark>, <mark>umbrellas</mark>!"
    )
    text = "filler " * 500 + "the rain fell" + " filler" * 500
    passage = highlight_passage(text, ["rain", "fell"], width=60)
    assert passage is not None
    assert "the <mark>rain fell</mark>" in passage
    assert passage.startswith("… ") or passage.startswith("…")
    assert len(passage) < 120
    # A word longer than the passage is still shown; many matches stay cheap.
    assert highlight_passage("a supercalifragilistic word", ["supercalifragilistic"], width=5)
    many = highlight_passage("a " * 5000, ["a"], width=20)
    assert many is not None
    assert many.startswith("<mark>a a a")
    # The passage with more of the words wins over the first match.
    text = "rain once. " + "filler " * 700 + "rain and snow together." + " filler" * 10
    passage = highlight_passage(text, ["rain", "snow"], width=80)
    assert passage is not None
    assert "<mark>rain</mark> and <mark>snow</mark>" in passage


@pytest.mark.parametrize(
    "text",
    [
        "Straße ǅungla İstanbul ﬁne café",
        "e\u0301clair cafe\u0301 Ａｂｃ ΣΑΣ",
        "Don’t ‘quote’ — arm-rest 東京 ไทย",
    ],
)
def test_highlighting_finds_every_indexed_word(text: str) -> None:
    normalised = normalise(text)
    cursor = 0
    for word in split_words(text):
        found = normalised.find(word, cursor)
        assert found >= 0, word
        cursor = found + len(word)
    for word in split_words(text):
        assert highlight_passage(text, [word]) is not None, word


# --- Writing ----------------------------------------------------------------------------


def fresh(tmp_path: Path, works: Sequence[IndexedWork] = TEXT_WORKS) -> TantivyIndex:
    new = TantivyIndex(tmp_path / "index")
    new.add(works)
    return new


def test_reopening_keeps_committed_data(tmp_path: Path) -> None:
    first = fresh(tmp_path)
    again = TantivyIndex(tmp_path / "index")
    assert again.count() == len(TEXT_WORKS)
    assert ids(again.search(SearchQuery(text="lighthouse"))) == [7]
    # The first instance holds no writer lock between writes: the second can write.
    again.delete([7])
    # Another instance's commit reaches a reader when Tantivy's watcher sees it.
    deadline = time.monotonic() + 10
    while first.search(SearchQuery(text="lighthouse")).total and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.search(SearchQuery(text="lighthouse")).total == 0
    assert TantivyIndex(tmp_path / "index").count() == len(TEXT_WORKS) - 1


def test_a_failed_batch_leaves_the_last_commit(tmp_path: Path) -> None:
    store = fresh(tmp_path)

    def works() -> Iterator[IndexedWork]:
        yield replace(BY_ID[1], title="Half Written")
        yield BY_ID[12]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        store.add(works())
    for reader in (store, TantivyIndex(tmp_path / "index")):
        assert reader.count() == len(TEXT_WORKS)
        assert reader.search(SearchQuery(text="half")).total == 0
        assert ids(reader.search(SearchQuery(text="hellmouth"))) == [1]
    store.add([BY_ID[5]])  # and the index still takes writes


def test_an_index_of_another_version_is_refused_or_recreated(tmp_path: Path) -> None:
    fresh(tmp_path)
    version_file = tmp_path / "index" / "quire-index.json"
    assert json.loads(version_file.read_text()) == {"version": SCHEMA_VERSION}
    version_file.write_text(json.dumps({"version": SCHEMA_VERSION + 1}))
    with pytest.raises(IndexIncompatibleError):
        TantivyIndex(tmp_path / "index")
    (tmp_path / "index" / "keep-me.txt").write_text("not the index's")
    rebuilt = TantivyIndex(tmp_path / "index", recreate_if_incompatible=True)
    assert rebuilt.count() == 0
    assert (tmp_path / "index" / "keep-me.txt").read_text() == "not the index's"
    rebuilt.add([BY_ID[2]])
    assert TantivyIndex(tmp_path / "index").count() == 1


def test_writers_in_two_instances_take_turns(tmp_path: Path) -> None:
    """Each write holds Tantivy's folder lock only while it runs; others wait for it."""
    stores = [TantivyIndex(tmp_path / "index"), TantivyIndex(tmp_path / "index")]
    errors: list[BaseException] = []

    def write(store: TantivyIndex, works: list[IndexedWork]) -> None:
        try:
            for work in works:
                store.add([work])
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=write, args=(store, CORPUS[n::2])) for n, store in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert TantivyIndex(tmp_path / "index").count() == len(CORPUS)


# --- Scale -------------------------------------------------------------------------------


def test_ten_thousand_works(tmp_path: Path) -> None:
    """A sanity check that nothing is quadratic or capped; no timing is asserted."""

    store = TantivyIndex(tmp_path / "index")
    assert store.add(generated_works(10_000)) == 10_000
    assert store.count() == 10_000

    everything = store.search(SearchQuery(text="common", per_page=50, page=3))
    assert everything.total == 9_000  # every tenth is restricted
    assert len(everything.hits) == 50
    assert all(hit.snippets for hit in everything.hits)
    assert sum(count for _, count in everything.facets[R]) == 9_000
    freeforms = dict(everything.facets[FF])
    assert len(freeforms) == 1000  # the default facet_limit: 45 shared tags, then single ones
    assert freeforms[101] == 200  # n % 50 == 1, none restricted
    assert sorted(freeforms.values(), reverse=True)[44:46] == [200, 1]  # 5 all restricted
    assert store.search(SearchQuery(text="alpha", visibility=MEMBER)).total == 2_000
    # A prefix with over a hundred completions finds every one of them.
    tens = store.search(SearchQuery(text="10*"))
    assert tens.total == sum(1 for n in range(1, 10_001) if str(n).startswith("10") and n % 10)
    by_kudos = store.search(SearchQuery(sort=Sort.KUDOS, per_page=100, page=10))
    kudos = [hit.work_id % 97 for hit in by_kudos.hits]
    assert kudos == sorted(kudos, reverse=True)
    store.delete(range(1, 101))
    assert store.count() == 9_900
