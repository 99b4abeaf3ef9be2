"""The embedded Tantivy backend against a small hand-made archive.

Expected answers come from plain-Python oracles over the same works (the
visibility rules of quire.core.visibility, a direct evaluation of the query
AST over each work's words, counted facets), so each check says what the
contract means rather than what the index happens to do.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from quire.core.search.model import (
    Crossovers,
    DateRange,
    IndexedChapter,
    IndexedWork,
    Range,
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
    parse_text_query,
    split_words,
)
from quire.core.tags import TagType
from tests.core.search.oracles import ast_matches, facet_counts, field_words, visible

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

GUEST = Visibility()
MEMBER = Visibility(signed_in=True, user_id=999)
ADMIN = Visibility(signed_in=True, user_id=900, admin=True)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    built = TantivyIndex(tmp_path_factory.mktemp("search") / "index")
    assert built.add(CORPUS) == len(CORPUS)
    return built


# --- Oracles (shared with the backend contract: tests/core/search/oracles.py) -----------


def expected_ids(
    predicate: Callable[[IndexedWork], bool] = lambda work: True,
    visibility: Visibility = GUEST,
    text: str = "",
) -> set[int]:
    node = parse_text_query(text)
    return {
        work.work_id
        for work in CORPUS
        if visible(work, visibility)
        and predicate(work)
        and (node is None or ast_matches(node, field_words(work)))
    }


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

VIEWERS = {
    "guest": GUEST,
    "member": MEMBER,
    "admin": ADMIN,
    **{
        f"creator of {work.work_id}": Visibility(signed_in=True, user_id=work.creator_user_ids[0])
        for work in VISIBILITY_WORKS
    },
    "admin creator of draft": Visibility(signed_in=True, user_id=200 + DRAFT, admin=True),
}


@pytest.mark.parametrize("viewer", VIEWERS.values(), ids=VIEWERS.keys())
@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"text": "zephyr"},
        {"text": "zephyr", "sort": Sort.KUDOS},
        {"include_tag_ids": frozenset({62})},
        {"text": "-umbrella"},
        {"text": "zeph*"},
        {"title": "zephyr", "sort": Sort.TITLE},
    ],
    ids=["all", "text", "text by kudos", "tag", "exclusion", "prefix", "title"],
)
def test_visibility_matrix(
    index: TantivyIndex, viewer: Visibility, fields: dict[str, object]
) -> None:
    """No invisible work in hits, totals, facets or snippets, for every kind of viewer."""
    results = run(index, visibility=viewer, **fields)
    text = str(fields.get("text", ""))
    title_words = set(split_words(str(fields.get("title", ""))))
    expected = expected_ids(
        lambda work: 62 in work.filter_tag_ids if "include_tag_ids" in fields else True,
        viewer,
        text,
    )
    if title_words:
        expected = {i for i in expected if title_words <= set(split_words(BY_ID[i].title))}
    check(results, expected)
    for hit in results.hits:
        assert all(snippet.chapter_id // 100 == hit.work_id for snippet in hit.snippets)
    if text == "zephyr":
        assert {hit.work_id for hit in results.hits if hit.snippets} == expected


def test_each_viewer_sees_exactly_what_the_rules_allow(index: TantivyIndex) -> None:
    seen = {
        name: {i for i in ids(run(index, visibility=viewer)) if i in range(13, 19)}
        for name, viewer in VIEWERS.items()
    }
    assert seen["guest"] == {PUBLIC}
    assert seen["member"] == {PUBLIC, RESTRICTED}
    assert seen["admin"] == {PUBLIC, RESTRICTED, HIDDEN, HIDDEN_RESTRICTED}
    assert seen[f"creator of {DRAFT}"] == {PUBLIC, RESTRICTED, DRAFT}
    assert seen[f"creator of {DRAFT_HIDDEN}"] == {PUBLIC, RESTRICTED, DRAFT_HIDDEN}
    assert seen[f"creator of {HIDDEN}"] == {PUBLIC, RESTRICTED, HIDDEN}
    assert seen["admin creator of draft"] == {PUBLIC, RESTRICTED, HIDDEN, HIDDEN_RESTRICTED, DRAFT}


@pytest.mark.parametrize("work_id", [DRAFT, HIDDEN, RESTRICTED, HIDDEN_RESTRICTED, DRAFT_HIDDEN])
def test_searching_inside_an_invisible_work_finds_nothing(
    index: TantivyIndex, work_id: int
) -> None:
    results = run(index, text="zephyr", within_work_id=work_id)
    assert results.hits == []
    assert results.total == 0
    assert results.facets == {}
    creator = Visibility(signed_in=True, user_id=200 + work_id)
    own = run(index, text="zephyr", within_work_id=work_id, visibility=creator)
    assert ids(own) == [work_id]
    assert own.hits[0].snippets[0].chapter_id == work_id * 100 + 1


def test_tags_only_on_invisible_works_never_appear_in_facets(index: TantivyIndex) -> None:
    facets = run(index).facets[TagType.FREEFORM]
    assert {tag_id for tag_id, _ in facets}.isdisjoint({63, 64, 65})
    member = dict(run(index, visibility=MEMBER).facets[TagType.FREEFORM])
    assert member[65] == 1
    assert 63 not in member
    assert 64 not in member


# --- Filters ----------------------------------------------------------------------------


def _in(value: date | None, start: date | None, end: date | None) -> bool:
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


FILTERS: list[tuple[str, dict[str, object], Callable[[IndexedWork], bool]]] = [
    ("one tag", {"include_tag_ids": frozenset({30})}, lambda w: 30 in w.filter_tag_ids),
    (
        "every included tag",
        {"include_tag_ids": frozenset({30, 60})},
        lambda w: {30, 60} <= w.filter_tag_ids,
    ),
    ("excluded tag", {"exclude_tag_ids": frozenset({60})}, lambda w: 60 not in w.filter_tag_ids),
    (
        "no excluded tag",
        {"exclude_tag_ids": frozenset({60, 61})},
        lambda w: not {60, 61} & w.filter_tag_ids,
    ),
    (
        "included and excluded",
        {"include_tag_ids": frozenset({30}), "exclude_tag_ids": frozenset({31})},
        lambda w: 30 in w.filter_tag_ids and 31 not in w.filter_tag_ids,
    ),
    ("no crossovers", {"crossovers": Crossovers.EXCLUDE}, lambda w: not w.crossover),
    ("only crossovers", {"crossovers": Crossovers.ONLY}, lambda w: w.crossover),
    ("complete", {"complete": True}, lambda w: w.complete),
    ("in progress", {"complete": False}, lambda w: not w.complete),
    ("single chapter", {"single_chapter": True}, lambda w: w.chapter_count == 1),
    ("words between", {"words": Range(1000, 5000)}, lambda w: 1000 <= w.word_count <= 5000),
    ("words at least", {"words": Range(low=10000)}, lambda w: w.word_count >= 10000),
    ("words at most", {"words": Range(high=6)}, lambda w: w.word_count <= 6),
    ("words impossible", {"words": Range(10, 5)}, lambda w: False),
    ("words negative", {"words": Range(high=-1)}, lambda w: False),
    ("kudos", {"kudos": Range(5, 50)}, lambda w: 5 <= w.kudos <= 50),
    ("no kudos", {"kudos": Range(0, 0)}, lambda w: w.kudos == 0),
    ("kudos beyond u64", {"kudos": Range(high=10**30)}, lambda w: True),
    ("kudos impossible", {"kudos": Range(low=10**30)}, lambda w: False),
    ("hits", {"hits": Range(low=1000)}, lambda w: w.hits >= 1000),
    ("comments", {"comments": Range(1, 9)}, lambda w: 1 <= w.comments <= 9),
    ("bookmarks", {"bookmarks": Range(high=1)}, lambda w: w.bookmarks <= 1),
    (
        "updated between",
        {"updated": DateRange(date(2020, 1, 1), date(2021, 12, 31))},
        lambda w: _in(w.updated, date(2020, 1, 1), date(2021, 12, 31)),
    ),
    (
        "updated before",
        {"updated": DateRange(end=date(2019, 12, 31))},
        lambda w: _in(w.updated, None, date(2019, 12, 31)),
    ),
    (
        "published since",
        {"published": DateRange(start=date(2021, 1, 1))},
        lambda w: _in(w.published, date(2021, 1, 1), None),
    ),
    (
        "published on a day",
        {"published": DateRange(date(2020, 1, 1), date(2020, 1, 1))},
        lambda w: w.published == date(2020, 1, 1),
    ),
    ("language", {"language": "de"}, lambda w: w.language == "de"),
    ("another language", {"language": "fr"}, lambda w: w.language == "fr"),
    ("one creator", {"creator_ids": frozenset({13})}, lambda w: 13 in w.creator_ids),
    (
        "any of two creators",
        {"creator_ids": frozenset({12, 14})},
        lambda w: bool({12, 14} & set(w.creator_ids)),
    ),
    (
        "excluded creators",
        {"exclude_creator_ids": frozenset({12, 14})},
        lambda w: not {12, 14} & set(w.creator_ids),
    ),
    ("title word", {"title": "umbrella"}, lambda w: "umbrella" in split_words(w.title)),
    (
        "title words",
        {"title": "the, END!"},
        lambda w: {"the", "end"} <= set(split_words(w.title)),
    ),
    ("title punctuation only", {"title": "!!"}, lambda w: True),
    ("within a work", {"within_work_id": 7}, lambda w: w.work_id == 7),
    (
        "everything at once",
        {
            "include_tag_ids": frozenset({10}),
            "exclude_tag_ids": frozenset({62}),
            "crossovers": Crossovers.EXCLUDE,
            "complete": True,
            "words": Range(low=5),
            "kudos": Range(high=20),
            "updated": DateRange(start=date(2019, 1, 1)),
            "language": "en",
        },
        lambda w: (
            10 in w.filter_tag_ids
            and 62 not in w.filter_tag_ids
            and not w.crossover
            and w.complete
            and w.word_count >= 5
            and w.kudos <= 20
            and _in(w.updated, date(2019, 1, 1), None)
            and w.language == "en"
        ),
    ),
]


@pytest.mark.parametrize(
    ("fields", "predicate"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS]
)
@pytest.mark.parametrize("viewer", [GUEST, MEMBER], ids=["guest", "member"])
def test_filters(
    index: TantivyIndex,
    fields: dict[str, object],
    predicate: Callable[[IndexedWork], bool],
    viewer: Visibility,
) -> None:
    expected = expected_ids(predicate, viewer)
    check(run(index, visibility=viewer, **fields), expected)
    assert expected or any(
        r in fields.values() for r in (Range(10, 5), Range(high=-1), Range(low=10**30))
    )


def test_filters_combine_with_text(index: TantivyIndex) -> None:
    fields: dict[str, object] = {"include_tag_ids": frozenset({30}), "kudos": Range(low=10)}
    expected = expected_ids(lambda w: 30 in w.filter_tag_ids and w.kudos >= 10, text="umbrella")
    assert expected == {1}
    check(run(index, text="umbrella", **fields), expected)


# --- Full text --------------------------------------------------------------------------

TEXT_QUERIES: list[tuple[str, set[int] | None]] = [
    ("umbrella", {1, 4}),
    ("UMBRELLA spike", {1, 4}),  # 4 has the tag Buffy Summers/Spike
    ("umbrella text:spike", {1}),
    ('"bad end"', {1}),
    ("bad end", {1, 9}),
    ("umbrel*", {1, 4}),
    ("dragon", {3}),
    ("dragon*", {3}),
    ("dragon's", {3}),
    ("don't arm-rest", {3}),
    ("umbrella -spike", set()),
    ("umbrella -text:spike", {4}),
    ("-umbrella", None),
    ("spike OR serenity", None),
    ("buffy (spike OR angel) -angst", None),
    ("title:umbrella", {4}),
    ("summary:umbrella", {4}),
    ("text:umbrella", {1}),
    ("notes:lanterns", {5}),
    ("lanterns", {5}),
    ("tag:angst", None),
    ('tag:"buffy summers"', None),
    ("creator:zoë", {6}),
    ("creator:ZOË", {6}),
    ("straße", {8}),
    ("STRASSE", {8}),
    ("東", {8}),
    ("lighthouse", {7}),
    ('"the lighthouse on the cliff"', {7}),
    ('"cliff the"', set()),
    ("title:(rain OR snow)", {1, 2}),
    ("quokka -title:quokka", set()),
    ("nothingmatchesthis", set()),
]


@pytest.mark.parametrize(("text", "known"), TEXT_QUERIES, ids=[t for t, _ in TEXT_QUERIES])
def test_full_text(index: TantivyIndex, text: str, known: set[int] | None) -> None:
    expected = expected_ids(text=text)
    if known is not None:
        assert expected == known  # the oracle agrees with a reader's reading
    check(run(index, text=text), expected)


def test_text_matches_across_chapters_and_fields(index: TantivyIndex) -> None:
    # "raining" is in chapter 1, "laughed" in chapter 2, "hellmouth" in the title.
    assert ids(run(index, text="raining laughed hellmouth")) == [1]
    # A phrase does not run from one chapter into the next.
    assert ids(run(index, text='"umbrella the umbrella"')) == []


def test_empty_or_unsearchable_text_is_no_constraint(index: TantivyIndex) -> None:
    everything = expected_ids()
    for text in ("", "   ", "*", '""', "()"):
        check(run(index, text=text), everything)


# --- Sorting and paging -----------------------------------------------------------------

SORT_KEYS: dict[Sort, Callable[[IndexedWork], tuple[object, ...]]] = {
    Sort.WORD_COUNT: lambda w: (w.word_count, w.updated or date.min),
    Sort.HITS: lambda w: (w.hits, w.updated or date.min),
    Sort.KUDOS: lambda w: (w.kudos, w.updated or date.min),
    Sort.COMMENTS: lambda w: (w.comments, w.updated or date.min),
    Sort.BOOKMARKS: lambda w: (w.bookmarks, w.updated or date.min),
    Sort.DATE_POSTED: lambda w: (w.published or date.min, w.updated or date.min),
    Sort.DATE_UPDATED: lambda w: (w.updated or date.min, w.work_id),
    Sort.BEST_MATCH: lambda w: (w.updated or date.min, w.work_id),  # no text: newest first
    Sort.CREATOR: lambda w: (
        ", ".join(w.creators).casefold(),
        -(w.updated or date.min).toordinal(),
        -w.work_id,
    ),
}


@pytest.mark.parametrize("descending", [True, False], ids=["descending", "ascending"])
@pytest.mark.parametrize("sort", list(SORT_KEYS), ids=[s.value for s in SORT_KEYS])
def test_sorts(index: TantivyIndex, sort: Sort, descending: bool) -> None:
    key = SORT_KEYS[sort]
    results = run(index, sort=sort, descending=descending, visibility=MEMBER)
    expected = sorted(
        (BY_ID[i] for i in expected_ids(visibility=MEMBER)), key=key, reverse=descending
    )
    assert [key(BY_ID[i]) for i in ids(results)] == [key(work) for work in expected]
    assert results.total == len(expected)


def test_title_sort_ignores_case_articles_and_punctuation_and_reads_numbers(
    index: TantivyIndex,
) -> None:
    results = run(index, include_tag_ids=frozenset({66}), sort=Sort.TITLE, descending=False)
    assert [BY_ID[i].title for i in ids(results)] == [
        "9 Lives",
        "10 Things",
        "The Apple",
        "Apple Pie",
        "banana",
        "...Cherry",
        "Date Night",
        "kiwi",
        "Mango",
        "Quokka",
        "Quokka",
        "Quokka",
        "Quokka",
        "zebra",
    ]
    # Equal titles: most recently updated first, and the reverse when descending.
    assert [i for i in ids(results) if BY_ID[i].title == "Quokka"] == [22, 21, 20, 19]
    backwards = run(index, include_tag_ids=frozenset({66}), sort=Sort.TITLE, descending=True)
    assert ids(backwards) == ids(results)[::-1]


@pytest.mark.parametrize("sort", list(Sort), ids=[s.value for s in Sort])
def test_pages_partition_the_results(index: TantivyIndex, sort: Sort) -> None:
    text = "quokka OR filler OR zephyr OR umbrella" if sort is Sort.BEST_MATCH else ""
    everything = run(index, sort=sort, text=text, visibility=ADMIN)
    pages = [
        run(index, sort=sort, text=text, visibility=ADMIN, page=page, per_page=4)
        for page in range(1, 10)
    ]
    assert list(itertools.chain.from_iterable(ids(page) for page in pages)) == ids(everything)
    assert {page.total for page in pages} == {everything.total}
    assert len(ids(everything)) == everything.total >= 20


def test_best_match_puts_better_matches_first(index: TantivyIndex) -> None:
    results = run(index, text="umbrella")
    assert ids(results)[0] == 4  # in the title and the summary beats twice in the text
    assert results.hits[0].score >= results.hits[1].score > 0


def test_best_match_ties_go_to_the_most_recently_updated(index: TantivyIndex) -> None:
    results = run(index, text="quokka")
    assert ids(results) == [22, 21, 20, 19]
    assert len({hit.score for hit in results.hits}) == 1
    paged = [ids(run(index, text="quokka", per_page=1, page=page)) for page in range(1, 6)]
    assert paged == [[22], [21], [20], [19], []]
    assert ids(run(index, text="quokka", per_page=3, page=2)) == [19]


def test_best_match_without_ranking_words_is_newest_first(index: TantivyIndex) -> None:
    for text in ("quok*", "-umbrella"):
        results = run(index, text=text)
        updated = [BY_ID[i].updated or date.min for i in ids(results)]
        assert updated == sorted(updated, reverse=True)
        assert results.total == len(expected_ids(text=text))


def test_pages_out_of_reach_keep_the_total(tmp_path: Path) -> None:
    small = TantivyIndex(tmp_path / "index", max_window=10)
    small.add(CORPUS)
    deep = small.search(SearchQuery(page=4, per_page=5))
    assert deep.hits == []
    assert deep.total == len(expected_ids())
    assert ids(small.search(SearchQuery(page=2, per_page=5)))
    none = small.search(SearchQuery(per_page=0, text="quokka"))
    assert none.hits == []
    assert none.total == 4
    assert small.search(SearchQuery(page=10**9, per_page=10**9)).hits == []


# --- Facets ------------------------------------------------------------------------------


FACET_CASES: list[tuple[str, dict[str, object], Callable[[IndexedWork], bool], Visibility]] = [
    ("all", {}, lambda w: True, GUEST),
    ("tag", {"include_tag_ids": frozenset({30})}, lambda w: 30 in w.filter_tag_ids, GUEST),
    (
        "excluded tag as admin",
        {"exclude_tag_ids": frozenset({60})},
        lambda w: 60 not in w.filter_tag_ids,
        ADMIN,
    ),
    ("text as admin", {"text": "zephyr"}, lambda w: True, ADMIN),
    ("one per page", {"text": "buffy OR serenity", "per_page": 1}, lambda w: True, MEMBER),
]


@pytest.mark.parametrize(
    ("fields", "predicate", "viewer"),
    [case[1:] for case in FACET_CASES],
    ids=[case[0] for case in FACET_CASES],
)
def test_facets_count_the_whole_matching_set(
    index: TantivyIndex,
    fields: dict[str, object],
    predicate: Callable[[IndexedWork], bool],
    viewer: Visibility,
) -> None:
    results = run(index, visibility=viewer, **fields)
    expected = expected_ids(predicate, viewer, str(fields.get("text", "")))
    assert results.total == len(expected)
    assert results.facets == expected_facets(expected)


def test_facets_can_be_skipped_and_are_empty_without_matches(index: TantivyIndex) -> None:
    assert run(index, facets=False).facets == {}
    assert run(index, text="nothingmatchesthis").facets == {}


def test_facet_limit_keeps_the_most_used_tags(tmp_path: Path) -> None:
    small = TantivyIndex(tmp_path / "index", facet_limit=2)
    small.add(CORPUS)
    facets = small.search(SearchQuery()).facets
    full = expected_facets(expected_ids())
    assert facets.keys() == full.keys()
    for tag_type, counts in facets.items():
        assert len(counts) == min(2, len(full[tag_type]))
        assert set(counts) <= set(full[tag_type])  # exact counts
        assert [n for _, n in counts] == [n for _, n in full[tag_type][:2]]


# --- Snippets ----------------------------------------------------------------------------


def snippets(
    index: TantivyIndex, text: str, work_id: int, **fields: object
) -> list[tuple[int, int, str]]:
    results = run(index, text=text, **fields)
    hit = next(hit for hit in results.hits if hit.work_id == work_id)
    return [(s.chapter_id, s.chapter_position, s.html) for s in hit.snippets]


def test_snippet_marks_the_word_in_its_chapter_and_escapes_the_rest(index: TantivyIndex) -> None:
    [(chapter_id, position, html)] = snippets(index, "spike", 1)
    assert (chapter_id, position) == (102, 2)
    assert "<mark>Spike</mark> laughed" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; brave." in html
    assert "<b>" not in html


def test_snippets_come_from_every_matching_chapter_in_order(index: TantivyIndex) -> None:
    found = snippets(index, "umbrella", 1)
    assert [(c, p) for c, p, _ in found] == [(101, 1), (102, 2)]
    assert all("<mark>umbrella</mark>" in html for _, _, html in found)


def test_snippets_for_prefixes_phrases_and_folded_words(index: TantivyIndex) -> None:
    [(_, _, first), (_, _, second)] = snippets(index, "umbrel* spike", 1)
    assert "<mark>umbrella</mark>" in first
    assert "The <mark>umbrella</mark> broke, and <mark>Spike</mark>" in second
    [(_, _, html)] = snippets(index, '"bad end"', 1)
    assert "<mark>bad end</mark>" in html
    [(_, _, html)] = snippets(index, "strasse", 8)
    assert html == "Die <mark>Straße</mark> in 東京 war naß."
    [(_, _, html)] = snippets(index, "東", 8)
    assert "<mark>東</mark>京" in html
    [(_, _, html)] = snippets(index, "don't", 3)
    assert "<mark>Don’t</mark>" in html


def test_snippet_deep_in_a_long_chapter(index: TantivyIndex) -> None:
    [(chapter_id, position, html)] = snippets(index, "lighthouse", 7, within_work_id=7)
    assert (chapter_id, position) == (703, 3)
    assert "<mark>lighthouse</mark> on the cliff, &lt;tall&gt; &amp; white." in html
    assert html.startswith("…")
    assert html.endswith("…")
    assert len(html) < 400


def test_no_snippets_for_words_that_matched_elsewhere(index: TantivyIndex) -> None:
    assert snippets(index, "title:umbrella", 4) == []
    assert snippets(index, "umbrella", 4) == []  # title and summary only
    assert snippets(index, "buffy -umbrella", 11) == []  # only in tags
    assert all(not hit.snippets for hit in run(index, text="-umbrella").hits)


def test_searching_inside_one_work(index: TantivyIndex) -> None:
    results = run(index, text="umbrella OR spike", within_work_id=1)
    assert ids(results) == [1]
    assert [s.chapter_position for s in results.hits[0].snippets] == [1, 2]
    assert run(index, text="umbrella", within_work_id=2).hits == []


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


def test_count_counts_works_not_chapters(tmp_path: Path) -> None:
    assert fresh(tmp_path).count() == len(TEXT_WORKS)


def test_adding_a_work_again_replaces_it(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    changed = replace(
        BY_ID[1],
        title="Sunshine Instead",
        chapters=(IndexedChapter(1, 901, "", "Bright sunshine and no rain gear."),),
        chapter_count=1,
        filter_tag_ids=frozenset({1}),
        tag_types={1: R},
        tag_names=("General Audiences",),
    )
    assert store.add([changed]) == 1
    assert store.count() == len(TEXT_WORKS)
    assert 1 not in ids(store.search(SearchQuery(text="umbrella")))
    assert 1 not in ids(store.search(SearchQuery(text="hellmouth")))
    assert 1 not in ids(store.search(SearchQuery(include_tag_ids=frozenset({30}))))
    found = store.search(SearchQuery(text="sunshine", within_work_id=1))
    assert [(s.chapter_id, s.chapter_position) for s in found.hits[0].snippets] == [(901, 1)]
    assert store.search(SearchQuery(text="spike", within_work_id=1)).hits == []


def test_the_same_work_twice_in_a_batch_keeps_the_last(tmp_path: Path) -> None:
    store = fresh(tmp_path, [])
    store.add([BY_ID[2], replace(BY_ID[2], title="Second Version")])
    assert store.count() == 1
    assert ids(store.search(SearchQuery(text="second"))) == [2]
    assert store.search(SearchQuery(text="title:snow")).hits == []


def test_delete(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    store.delete([1, 4, 12345])
    assert store.count() == len(TEXT_WORKS) - 2
    assert store.search(SearchQuery(text="umbrella")).total == 0
    store.delete([])
    assert store.count() == len(TEXT_WORKS) - 2


def test_clear(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    store.clear()
    assert store.count() == 0
    assert store.search(SearchQuery()).total == 0
    store.add([BY_ID[5]])
    assert ids(store.search(SearchQuery())) == [5]


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
