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
from datetime import date
from pathlib import Path

import pytest

from quire.core.search.model import (
    IndexedChapter,
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
    _normalise,
    highlight_passage,
)
from quire.core.search.textquery import (
    split_words,
)
from quire.core.tags import TagType
from tests.core.search.oracles import facet_counts

# --- The archive -------------------------------------------------------------------------

R, W, C, F = TagType.RATING, TagType.WARNING, TagType.CATEGORY, TagType.FANDOM
REL, CH, FF = TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM

TAGS: dict[int, tuple[TagType, str]] = {
    1: (R, "General Audiences"),
    2: (R, "Teen And Up Audiences"),
    3: (R, "Mature"),
    4: (R, "Explicit"),
    10: (W, "No Archive Warnings Apply"),
    11: (W, "Major Character Death"),
    20: (C, "Gen"),
    21: (C, "F/M"),
    22: (C, "M/M"),
    30: (F, "Buffy the Vampire Slayer"),
    31: (F, "Angel: the Series"),
    32: (F, "Firefly"),
    40: (REL, "Buffy Summers/Spike"),
    41: (REL, "Malcolm Reynolds/Inara Serra"),
    50: (CH, "Buffy Summers"),
    51: (CH, "Spike"),
    52: (CH, "Malcolm Reynolds"),
    60: (FF, "Angst"),
    61: (FF, "Fluff"),
    62: (FF, "Hurt/Comfort"),
    63: (FF, "Only On The Draft"),
    64: (FF, "Only On Hidden Works"),
    65: (FF, "Only On Restricted Works"),
    66: (FF, "Sorting Practice"),
}
FANDOMS = {tag_id for tag_id, (tag_type, _) in TAGS.items() if tag_type is F}


def make(
    work_id: int,
    title: str,
    chapters: Sequence[str],
    *,
    tags: set[int],
    creators: tuple[str, ...] = ("Ada Quill",),
    creator_ids: tuple[int, ...] = (11,),
    creator_user_ids: tuple[int, ...] = (111,),
    published: date | None = date(2020, 1, 1),
    updated: date | None = date(2020, 1, 1),
    **fields: object,
) -> IndexedWork:
    values: dict[str, object] = {
        "summary": "",
        "notes": "",
        "language": "en",
        "complete": True,
        "word_count": sum(len(split_words(text)) for text in chapters),
        "crossover": len(tags & FANDOMS) > 1,
    }
    values.update(fields)
    return IndexedWork(
        work_id=work_id,
        title=title,
        creators=creators,
        creator_ids=creator_ids,
        filter_tag_ids=frozenset(tags),
        tag_types={tag_id: TAGS[tag_id][0] for tag_id in tags},
        tag_names=tuple(TAGS[tag_id][1] for tag_id in sorted(tags)),
        chapter_count=len(chapters),
        published=published,
        updated=updated,
        creator_user_ids=creator_user_ids,
        chapters=tuple(
            IndexedChapter(
                position=position,
                chapter_id=work_id * 100 + position,
                title="",
                text=text,
            )
            for position, text in enumerate(chapters, start=1)
        ),
        **values,  # type: ignore[arg-type]
    )


LONG_CHAPTER = (
    "Waves. " * 1200
    + "At last they saw the lighthouse on the cliff, <tall> & white."
    + " Waves." * 60
)

TEXT_WORKS = [
    make(
        1,
        "Rain on the Hellmouth",
        [
            "It was raining in Sunnydale. Buffy carried an umbrella.",
            "The umbrella broke, and Spike laughed at the bad end of the night."
            " <b>Bold</b> & brave.",
        ],
        tags={2, 10, 21, 30, 40, 50, 51, 60},
        published=date(2020, 1, 1),
        updated=date(2020, 3, 1),
        kudos=50,
        hits=900,
        comments=10,
        bookmarks=5,
        complete=False,
    ),
    make(
        2,
        "Snow on Serenity",
        ["Mal Reynolds walked through the snow while Serenity waited."],
        tags={1, 10, 20, 32, 52, 61},
        summary="A winter story aboard the ship.",
        creators=("Bea Lark",),
        creator_ids=(12,),
        creator_user_ids=(112,),
        published=date(2019, 5, 5),
        updated=date(2019, 5, 5),
        kudos=12,
        hits=300,
    ),
    make(
        3,
        "The Dragon's Hoard",
        ["A dragon guarded gold. Dragons everywhere! Don’t touch the arm-rest."],
        tags={1, 10, 20, 30, 61},
        published=date(2018, 2, 2),
        updated=date(2021, 2, 2),
        kudos=80,
        hits=2000,
        comments=30,
        bookmarks=20,
    ),
    make(
        4,
        "An Umbrella Affair",
        ["They talked about the weather."],
        tags={2, 10, 21, 30, 40, 60},
        summary="Nobody brings an umbrella.",
        creators=("Cy Moss",),
        creator_ids=(13,),
        creator_user_ids=(113,),
        published=date(2020, 6, 6),
        updated=date(2020, 6, 6),
        kudos=7,
    ),
    make(
        5,
        "Lantern Song",
        ["The night was quiet."],
        tags={1, 10, 20, 32},
        notes="Inspired by a song about lanterns and moths.",
        published=date(2017, 7, 7),
        updated=date(2017, 7, 8),
    ),
    make(
        6,
        "Quiet Harbour",
        ["Boats rocked gently."],
        tags={1, 20, 32},
        creators=("Zoë Writer",),
        creator_ids=(14,),
        creator_user_ids=(114,),
        published=date(2022, 1, 1),
        updated=date(2022, 1, 1),
    ),
    make(
        7,
        "The Long Voyage",
        ["Departure day came.", "Open sea for weeks.", LONG_CHAPTER],
        tags={2, 10, 20, 32, 62},
        word_count=9000,
        published=date(2016, 1, 1),
        updated=date(2023, 5, 1),
        kudos=300,
        hits=10000,
        comments=50,
        bookmarks=60,
        complete=False,
    ),
    make(
        8,
        "Straße nach Tokio",
        ["Die Straße in 東京 war naß."],
        tags={1, 20, 30},
        language="de",
        published=date(2021, 8, 8),
        updated=date(2021, 8, 8),
    ),
    make(
        9,
        "The End Was Bad",
        ["In the end, it was bad for everyone."],
        tags={3, 11, 22, 30, 31, 60},
        published=date(2019, 9, 9),
        updated=date(2019, 10, 1),
        kudos=3,
    ),
    make(
        10,
        "Angel's Return",
        ["Angel returned to Los Angeles in the rain."],
        tags={2, 10, 22, 31, 60},
        published=date(2020, 10, 10),
        updated=date(2020, 10, 10),
        kudos=12,
    ),
    make(
        11,
        "Spike Alone",
        ["Spike smoked alone."],
        tags={4, 11, 22, 30, 31, 51, 62},
        creators=("Ada Quill", "Cy Moss"),
        creator_ids=(11, 13),
        creator_user_ids=(111, 113),
        published=date(2021, 11, 11),
        updated=date(2021, 11, 11),
        kudos=12,
    ),
    make(
        12,
        "Anonymous Gift",
        ["A gift left on the doorstep."],
        tags={1, 20, 30},
        creators=(),
        creator_ids=(),
        creator_user_ids=(120,),
        published=date(2022, 12, 12),
        updated=date(2022, 12, 12),
    ),
]

# Works only some viewers may see; each says "zephyr" and carries Hurt/Comfort.
DRAFT, HIDDEN, RESTRICTED, HIDDEN_RESTRICTED, PUBLIC, DRAFT_HIDDEN = 13, 14, 15, 16, 17, 18
VISIBILITY_WORKS = [
    make(DRAFT, "Zephyr Draft", ["A zephyr in the draft."], tags={62, 63}, posted=False),
    make(HIDDEN, "Zephyr Hidden", ["A zephyr, hidden."], tags={62, 64}, hidden=True),
    make(
        RESTRICTED, "Zephyr Restricted", ["A zephyr for members."], tags={62, 65}, restricted=True
    ),
    make(
        HIDDEN_RESTRICTED,
        "Zephyr Hidden Restricted",
        ["A zephyr hidden from members."],
        tags={62, 64, 65},
        hidden=True,
        restricted=True,
    ),
    make(PUBLIC, "Zephyr Public", ["A zephyr for everyone."], tags={62}),
    make(
        DRAFT_HIDDEN,
        "Zephyr Draft Hidden",
        ["A zephyr drafted and hidden."],
        tags={62, 63, 64},
        posted=False,
        hidden=True,
    ),
]
VISIBILITY_WORKS = [
    replace(work, creator_user_ids=(200 + work.work_id,)) for work in VISIBILITY_WORKS
]

# Identical works but for their dates: equal relevance, told apart by update date.
QUOKKAS = [
    make(
        work_id,
        "Quokka",
        ["The quokka smiled."],
        tags={1, 20, 32, 66},
        published=date(2021, 1, 1),
        updated=date(2021, 1, work_id - 18),
    )
    for work_id in (19, 20, 21, 22)
]

FILLER_TITLES = [
    "9 Lives",
    "10 Things",
    "The Apple",
    "banana",
    "...Cherry",
    "Apple Pie",
    "zebra",
    "Mango",
    "kiwi",
    "Date Night",
]
FILLERS = [
    make(
        23 + k,
        title,
        ["Plain filler prose."] * (k % 3 + 1),
        tags={[1, 2, 3][k % 3], 20 + k % 3, [30, 32][k % 2], 61 if k % 2 else 62, 66},
        creators=(["Bea Lark", "Cy Moss", "ada quill"][k % 3],),
        creator_ids=((12, 13, 11)[k % 3],),
        word_count=[500, 1500, 3000, 12000, 250, 800, 45000, 1000, 1000, 7000][k],
        kudos=[0, 5, 5, 100, 3, 3, 7, 5, 40, 2][k],
        hits=[10, 50, 50, 5000, 30, 30, 70, 50, 400, 20][k],
        comments=[0, 1, 1, 9, 0, 0, 2, 1, 4, 0][k],
        bookmarks=[0, 0, 2, 8, 1, 1, 0, 2, 3, 0][k],
        language="fr" if k in (2, 5) else "en",
        complete=k % 2 == 0,
        published=None if k == 4 else date(2015 + k, 1 + k, 1),
        updated=None if k == 4 else date(2015 + k, 1 + k, 1 + 2 * (k % 3)),
    )
    for k, title in enumerate(FILLER_TITLES)
]

CORPUS = TEXT_WORKS + VISIBILITY_WORKS + QUOKKAS + FILLERS
BY_ID = {work.work_id: work for work in CORPUS}
assert len(BY_ID) == len(CORPUS) == 32

MEMBER = Visibility(signed_in=True, user_id=999)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    built = TantivyIndex(tmp_path_factory.mktemp("search") / "index")
    assert built.add(CORPUS) == len(CORPUS)
    return built


# --- Oracles (shared with the backend contract: tests/core/search/oracles.py) -----------


def expected_facets(work_ids: set[int]) -> dict[TagType, list[tuple[int, int]]]:
    return facet_counts(BY_ID[work_id] for work_id in work_ids)


def run(index: TantivyIndex, **fields: object) -> SearchResults:
    fields.setdefault("per_page", 100)
    return index.search(SearchQuery(**fields))  # type: ignore[arg-type]


def ids(results: SearchResults) -> list[int]:
    return [hit.work_id for hit in results.hits]


def check(results: SearchResults, expected: set[int]) -> None:
    assert set(ids(results)) == expected
    assert len(results.hits) == len(expected)
    assert results.total == len(expected)
    assert results.facets == expected_facets(expected)


# --- Visibility -------------------------------------------------------------------------


# --- Filters ----------------------------------------------------------------------------


# --- Full text --------------------------------------------------------------------------


# --- Sorting and paging -----------------------------------------------------------------


# --- Facets ------------------------------------------------------------------------------


# --- Snippets ----------------------------------------------------------------------------


def snippets(
    index: TantivyIndex, text: str, work_id: int, **fields: object
) -> list[tuple[int, int, str]]:
    results = run(index, text=text, **fields)
    hit = next(hit for hit in results.hits if hit.work_id == work_id)
    return [(s.chapter_id, s.chapter_position, s.html) for s in hit.snippets]


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
    normalised = _normalise(text)
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
    words = ["alpha", "bravo", "charlie", "delta", "echo"]

    def generated() -> Iterator[IndexedWork]:
        for n in range(1, 10_001):
            tags = {1 + n % 4, 30 + n % 3, 100 + n % 50, 1000 + n}
            yield IndexedWork(
                work_id=n,
                title=f"Work {n}",
                creators=(f"writer{n % 100}",),
                creator_ids=(n % 100,),
                summary="",
                notes="",
                language="en",
                filter_tag_ids=frozenset(tags),
                tag_types={
                    tag_id: R if tag_id < 10 else F if tag_id < 100 else FF for tag_id in tags
                },
                tag_names=(),
                crossover=False,
                complete=n % 2 == 0,
                chapter_count=1,
                word_count=n,
                published=date(2020, 1, 1),
                updated=date.fromordinal(date(2020, 1, 1).toordinal() + n % 1000),
                kudos=n % 97,
                restricted=n % 10 == 0,
                chapters=(IndexedChapter(1, n, "", f"{words[n % 5]} common text {n}"),),
            )

    store = TantivyIndex(tmp_path / "index")
    assert store.add(generated()) == 10_000
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
