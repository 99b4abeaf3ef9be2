"""The search backend contract, written once and run against every backend.

``SearchContract`` holds the tests; tests/app/test_search_backends.py runs them for
each backend by subclassing it and providing two fixtures:

* ``backend``: a backend holding ``CORPUS``, shared by the tests that only read;
* ``make_backend(**options)``: a new, empty backend of the same kind, for tests
  that write (options: ``facet_limit``, ``max_window``, ``snippets_per_work``,
  ``snippets_within_work``, ``snippet_chars``).

The documents are IndexedWork values built here, not works in the database, so
every case is set up exactly. Expected answers come from the plain-Python oracles
in tests/core/search/oracles.py (visibility rules, the query AST evaluated over
each work's words, facets counted work by work). Where backends legitimately
differ, the checks compare sets rather than order: relevance scores (tantivy's
BM25, PostgreSQL's field weights), which ties at the very end of a sort are
broken how, and which chapters get snippets when more match than the limit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date

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
from quire.core.search.textquery import split_words
from quire.core.tags import TagType
from quire.search.backends import SearchBackend
from tests.core.search.oracles import facet_counts, text_matches, visible
from tests.core.search.sample_archive import (
    BY_ID,
    CORPUS,
    DRAFT,
    DRAFT_HIDDEN,
    FF,
    HIDDEN,
    HIDDEN_RESTRICTED,
    PUBLIC,
    RESTRICTED,
    TEXT_WORKS,
    UNTYPED_TAG,
    VISIBILITY_WORKS,
    R,
    generated_works,
    make,
)

MakeBackend = Callable[..., SearchBackend]


GUEST = Visibility()
MEMBER = Visibility(signed_in=True, user_id=999)
ADMIN = Visibility(signed_in=True, user_id=900, admin=True)


COLLECTION_WORKS = [
    make(40, "Quince in Seven", ["A quince tree."], tags={30}, collection_ids=frozenset({7})),
    make(
        41,
        "Unrevealed Quince",
        ["A secret quince."],
        tags={30, 63},
        collection_ids=frozenset({7}),
        unrevealed=True,
        creators=(),
        creator_ids=(),
        creator_user_ids=(141,),
    ),
    make(42, "Pear in Eight", ["A pear."], tags={30}, collection_ids=frozenset({8})),
    make(43, "Quince Alone", ["A quince, alone."], tags={30}),
    make(
        44,
        "Hidden Unrevealed",
        ["A quince nobody may see."],
        tags={30, 63},
        collection_ids=frozenset({8}),
        unrevealed=True,
        hidden=True,
    ),
]
"""Works in collections 7 and 8; 41 and 44 are unrevealed (44 hidden as well)."""

COLLECTION_VIEWERS = {
    "guest": GUEST,
    "member": MEMBER,
    "creator": Visibility(signed_in=True, user_id=141),
    "maintainer of 7": Visibility(signed_in=True, user_id=150, collection_ids=frozenset({7})),
    "maintainer of 8": Visibility(signed_in=True, user_id=151, collection_ids=frozenset({8})),
    "admin": ADMIN,
}


# --- Expected answers --------------------------------------------------------------------


def expected_ids(
    predicate: Callable[[IndexedWork], bool] = lambda work: True,
    visibility: Visibility = GUEST,
    text: str = "",
    works: Sequence[IndexedWork] = CORPUS,
) -> set[int]:
    return {
        work.work_id
        for work in works
        if visible(work, visibility) and predicate(work) and text_matches(work, text)
    }


def expected_facets(work_ids: set[int]) -> dict[TagType, list[tuple[int, int]]]:
    return facet_counts(BY_ID[work_id] for work_id in work_ids)


def run(backend: SearchBackend, **fields: object) -> SearchResults:
    fields.setdefault("per_page", 100)
    return backend.search(SearchQuery(**fields))  # type: ignore[arg-type]


def ids(results: SearchResults) -> list[int]:
    return [hit.work_id for hit in results.hits]


def check(results: SearchResults, expected: set[int]) -> None:
    """The hits are exactly the expected works (any order), with an exact total and facets."""
    assert set(ids(results)) == expected
    assert len(results.hits) == len(expected)
    assert results.total == len(expected)
    assert results.facets == expected_facets(expected)


def snippets(
    backend: SearchBackend, text: str, work_id: int, **fields: object
) -> list[tuple[int, int, str]]:
    results = run(backend, text=text, **fields)
    hit = next(hit for hit in results.hits if hit.work_id == work_id)
    return [(s.chapter_id, s.chapter_position, s.html) for s in hit.snippets]


def _in(value: date | None, start: date | None, end: date | None) -> bool:
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


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

VISIBILITY_QUERIES: list[tuple[str, dict[str, object]]] = [
    ("all", {}),
    ("text", {"text": "zephyr"}),
    ("text by kudos", {"text": "zephyr", "sort": Sort.KUDOS}),
    ("tag", {"include_tag_ids": frozenset({62})}),
    ("exclusion", {"text": "-umbrella"}),
    ("prefix", {"text": "zeph*"}),
    ("title", {"title": "zephyr", "sort": Sort.TITLE}),
]

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
    (
        "untyped tag",
        {"include_tag_ids": frozenset({UNTYPED_TAG})},
        lambda w: UNTYPED_TAG in w.filter_tag_ids,
    ),
    ("unknown tag", {"include_tag_ids": frozenset({12345})}, lambda w: False),
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
    (
        "dates the wrong way round",
        {"updated": DateRange(date(2021, 1, 1), date(2020, 1, 1))},
        lambda w: False,
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
    (
        "a creator but not another",
        {"creator_ids": frozenset({11}), "exclude_creator_ids": frozenset({13})},
        lambda w: 11 in w.creator_ids and 13 not in w.creator_ids,
    ),
    ("title word", {"title": "umbrella"}, lambda w: "umbrella" in split_words(w.title)),
    (
        "title words",
        {"title": "the, END!"},
        lambda w: {"the", "end"} <= set(split_words(w.title)),
    ),
    ("title word is whole", {"title": "umbrel"}, lambda w: False),
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
NOTHING_EXPECTED = {
    "unknown tag",
    "words impossible",
    "words negative",
    "kudos impossible",
    "dates the wrong way round",
    "title word is whole",
}

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
    ("arm", set()),  # arm-rest is one word
    ("umbrella -spike", set()),
    ("umbrella -text:spike", {4}),
    ("-umbrella", None),
    ("-umbrella -zephyr -quokka", None),
    ("spike OR serenity", None),
    ("buffy (spike OR angel) -angst", None),
    ("(rain OR -angst) quiet", None),
    ("title:umbrella", {4}),
    ("summary:umbrella", {4}),
    ("text:umbrella", {1}),
    ("notes:lanterns", {5}),
    ("summary:lanterns", set()),
    ("lanterns", {5}),
    ("file_name_here", {5}),
    ("file_na*", {5}),
    ("tag:angst", None),
    ('tag:"buffy summers"', None),
    ('tag:"spike angst"', set()),  # two tags side by side are not a phrase
    ("tag:buffy -tag:angst", None),
    ("creator:zoë", {6}),
    ("creator:ZOË", {6}),
    ("creator:quill", None),
    ("creator:(moss OR lark)", None),
    ("straße", {8}),
    ("STRASSE", {8}),
    ("東", {8}),
    ("東京", {8}),
    ("lighthouse", {7}),
    ('"the lighthouse on the cliff"', {7}),
    ('"shore at last"', {7}),
    ('"the shore waves crash on the shore"', {7}),
    ('"cliff the"', set()),
    ("text:storm", {1}),  # a chapter title is text
    ('text:"storm breaks"', {1}),
    ('"breaks it"', set()),  # a chapter title and a chapter are not a phrase
    ('"umbrella the umbrella"', set()),  # nor are two chapters
    ("title:(rain OR snow)", {1, 2}),
    ("quokka -title:quokka", set()),
    ("nothingmatchesthis", set()),
    ("x" * 150, set()),  # too long to be a word anyone indexes
    ("x" * 150 + "*", set()),
    ("-" + "x" * 150, None),
]

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
    ("beyond the last page", {"page": 50, "per_page": 10}, lambda w: True, MEMBER),
]


# --- The tests ---------------------------------------------------------------------------


class SearchContract:
    """Every test a search backend must pass; see the module docstring for the fixtures."""

    # Visibility

    @pytest.mark.parametrize("viewer", VIEWERS.values(), ids=VIEWERS.keys())
    @pytest.mark.parametrize(
        "fields", [q[1] for q in VISIBILITY_QUERIES], ids=[q[0] for q in VISIBILITY_QUERIES]
    )
    def test_visibility_matrix(
        self, backend: SearchBackend, viewer: Visibility, fields: dict[str, object]
    ) -> None:
        """No invisible work in hits, totals, facets or snippets, for every kind of viewer."""
        results = run(backend, visibility=viewer, **fields)
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

    def test_each_viewer_sees_exactly_what_the_rules_allow(self, backend: SearchBackend) -> None:
        seen = {
            name: {i for i in ids(run(backend, visibility=viewer)) if i in range(13, 19)}
            for name, viewer in VIEWERS.items()
        }
        assert seen["guest"] == {PUBLIC}
        assert seen["member"] == {PUBLIC, RESTRICTED}
        assert seen["admin"] == {PUBLIC, RESTRICTED, HIDDEN, HIDDEN_RESTRICTED}
        assert seen[f"creator of {DRAFT}"] == {PUBLIC, RESTRICTED, DRAFT}
        assert seen[f"creator of {DRAFT_HIDDEN}"] == {PUBLIC, RESTRICTED, DRAFT_HIDDEN}
        assert seen[f"creator of {HIDDEN}"] == {PUBLIC, RESTRICTED, HIDDEN}
        assert seen["admin creator of draft"] == {
            PUBLIC,
            RESTRICTED,
            HIDDEN,
            HIDDEN_RESTRICTED,
            DRAFT,
        }

    @pytest.mark.parametrize(
        "work_id", [DRAFT, HIDDEN, RESTRICTED, HIDDEN_RESTRICTED, DRAFT_HIDDEN]
    )
    def test_searching_inside_an_invisible_work_finds_nothing(
        self, backend: SearchBackend, work_id: int
    ) -> None:
        results = run(backend, text="zephyr", within_work_id=work_id)
        assert results.hits == []
        assert results.total == 0
        assert results.facets == {}
        creator = Visibility(signed_in=True, user_id=200 + work_id)
        own = run(backend, text="zephyr", within_work_id=work_id, visibility=creator)
        assert ids(own) == [work_id]
        assert own.hits[0].snippets[0].chapter_id == work_id * 100 + 1

    def test_tags_only_on_invisible_works_never_appear_in_facets(
        self, backend: SearchBackend
    ) -> None:
        facets = run(backend).facets[TagType.FREEFORM]
        assert {tag_id for tag_id, _ in facets}.isdisjoint({63, 64, 65})
        member = dict(run(backend, visibility=MEMBER).facets[TagType.FREEFORM])
        assert member[65] == 1
        assert 63 not in member
        assert 64 not in member

    # Filters

    @pytest.mark.parametrize(("name", "fields", "predicate"), FILTERS, ids=[f[0] for f in FILTERS])
    @pytest.mark.parametrize("viewer", [GUEST, MEMBER], ids=["guest", "member"])
    def test_filters(
        self,
        backend: SearchBackend,
        name: str,
        fields: dict[str, object],
        predicate: Callable[[IndexedWork], bool],
        viewer: Visibility,
    ) -> None:
        expected = expected_ids(predicate, viewer)
        check(run(backend, visibility=viewer, **fields), expected)
        assert bool(expected) is (name not in NOTHING_EXPECTED)

    def test_filters_combine_with_text(self, backend: SearchBackend) -> None:
        fields: dict[str, object] = {"include_tag_ids": frozenset({30}), "kudos": Range(low=10)}
        expected = expected_ids(lambda w: 30 in w.filter_tag_ids and w.kudos >= 10, text="umbrella")
        assert expected == {1}
        check(run(backend, text="umbrella", **fields), expected)

    def test_untyped_tags_filter_but_are_in_no_facet(self, backend: SearchBackend) -> None:
        results = run(backend, include_tag_ids=frozenset({UNTYPED_TAG}))
        assert ids(results) == [12]
        listed = {tag_id for counts in results.facets.values() for tag_id, _ in counts}
        assert listed == {1, 20, 30}

    # Full text

    @pytest.mark.parametrize(("text", "known"), TEXT_QUERIES, ids=[t[:40] for t, _ in TEXT_QUERIES])
    def test_full_text(self, backend: SearchBackend, text: str, known: set[int] | None) -> None:
        expected = expected_ids(text=text)
        if known is not None:
            assert expected == known  # the oracle agrees with a reader's reading
        check(run(backend, text=text), expected)

    @pytest.mark.parametrize("text", ["zephyr", "-umbrella", "zeph* OR quokka", "tag:hurt"])
    def test_full_text_for_an_admin(self, backend: SearchBackend, text: str) -> None:
        check(run(backend, text=text, visibility=ADMIN), expected_ids(text=text, visibility=ADMIN))

    def test_text_matches_across_chapters_and_fields(self, backend: SearchBackend) -> None:
        # "raining" is in chapter 1, "laughed" in chapter 2, "hellmouth" in the title.
        assert ids(run(backend, text="raining laughed hellmouth")) == [1]
        assert ids(run(backend, text="raining storm creator:quill tag:angst")) == [1]

    def test_empty_or_unsearchable_text_is_no_constraint(self, backend: SearchBackend) -> None:
        everything = expected_ids()
        for text in ("", "   ", "*", '""', "()", "- AND OR"):
            check(run(backend, text=text), everything)

    # Sorting and paging

    @pytest.mark.parametrize("descending", [True, False], ids=["descending", "ascending"])
    @pytest.mark.parametrize("sort", list(SORT_KEYS), ids=[s.value for s in SORT_KEYS])
    def test_sorts(self, backend: SearchBackend, sort: Sort, descending: bool) -> None:
        key = SORT_KEYS[sort]
        results = run(backend, sort=sort, descending=descending, visibility=MEMBER)
        expected = sorted(
            (BY_ID[i] for i in expected_ids(visibility=MEMBER)), key=key, reverse=descending
        )
        assert [key(BY_ID[i]) for i in ids(results)] == [key(work) for work in expected]
        assert results.total == len(expected)

    def test_sorts_apply_to_text_searches_too(self, backend: SearchBackend) -> None:
        results = run(backend, text="zephyr OR quokka OR umbrella", sort=Sort.KUDOS)
        kudos = [BY_ID[i].kudos for i in ids(results)]
        assert kudos == sorted(kudos, reverse=True)
        assert set(ids(results)) == expected_ids(text="zephyr OR quokka OR umbrella")
        assert all(hit.score == 0.0 for hit in results.hits)

    def test_title_sort_ignores_case_articles_and_punctuation_and_reads_numbers(
        self, backend: SearchBackend
    ) -> None:
        results = run(backend, include_tag_ids=frozenset({66}), sort=Sort.TITLE, descending=False)
        assert [BY_ID[i].title for i in ids(results)] == [
            "9 Lives",
            "10 Things",
            "The Apple",
            "Apple Pie",
            "banana",
            "...Cherry",
            "Quokka",
            "Quokka",
            "Quokka",
        ]
        # Equal titles: most recently updated first, and the reverse when descending.
        assert [i for i in ids(results) if BY_ID[i].title == "Quokka"] == [21, 20, 19]
        backwards = run(backend, include_tag_ids=frozenset({66}), sort=Sort.TITLE, descending=True)
        assert ids(backwards) == ids(results)[::-1]

    @pytest.mark.parametrize("sort", list(Sort), ids=[s.value for s in Sort])
    def test_pages_partition_the_results(self, backend: SearchBackend, sort: Sort) -> None:
        text = "quokka OR filler OR zephyr OR umbrella" if sort is Sort.BEST_MATCH else ""
        everything = run(backend, sort=sort, text=text, visibility=ADMIN)
        pages = [
            run(backend, sort=sort, text=text, visibility=ADMIN, page=page, per_page=4)
            for page in range(1, 9)
        ]
        assert list(itertools.chain.from_iterable(ids(page) for page in pages)) == ids(everything)
        assert {page.total for page in pages} == {everything.total}
        assert len(ids(everything)) == everything.total >= 15

    @pytest.mark.parametrize("text", ["umbrella", "spike OR zephyr", '"bad end" OR quokka'])
    def test_best_match_puts_better_matches_first(self, backend: SearchBackend, text: str) -> None:
        """Scores are each backend's own (tantivy's BM25 and PostgreSQL's field weights
        rank differently), but hits always come best first, and words score."""
        results = run(backend, text=text)
        scores = [hit.score for hit in results.hits]
        assert scores == sorted(scores, reverse=True)
        assert scores[-1] > 0
        assert set(ids(results)) == expected_ids(text=text)

    def test_best_match_ties_go_to_the_most_recently_updated(self, backend: SearchBackend) -> None:
        results = run(backend, text="quokka")
        assert ids(results) == [21, 20, 19]
        assert len({hit.score for hit in results.hits}) == 1
        paged = [ids(run(backend, text="quokka", per_page=1, page=page)) for page in range(1, 5)]
        assert paged == [[21], [20], [19], []]
        assert ids(run(backend, text="quokka", per_page=2, page=2)) == [19]

    def test_best_match_ignores_descending(self, backend: SearchBackend) -> None:
        assert ids(run(backend, text="quokka", descending=False)) == [21, 20, 19]

    def test_best_match_without_ranking_words_is_newest_first(self, backend: SearchBackend) -> None:
        for text in ("quok*", "-umbrella"):
            results = run(backend, text=text)
            updated = [BY_ID[i].updated or date.min for i in ids(results)]
            assert updated == sorted(updated, reverse=True)
            assert results.total == len(expected_ids(text=text))
            assert all(hit.score == 0.0 for hit in results.hits)

    def test_pages_out_of_reach_keep_the_total(self, make_backend: MakeBackend) -> None:
        small = make_backend(max_window=10)
        small.add(CORPUS)
        deep = small.search(SearchQuery(page=4, per_page=5))
        assert deep.hits == []
        assert deep.total == len(expected_ids())
        assert deep.facets == expected_facets(expected_ids())
        assert ids(small.search(SearchQuery(page=2, per_page=5)))
        none = small.search(SearchQuery(per_page=0, text="quokka"))
        assert none.hits == []
        assert none.total == 3
        assert small.search(SearchQuery(page=10**9, per_page=10**9)).hits == []
        assert small.search(SearchQuery(page=-3, per_page=-3)).hits == []

    # Facets

    @pytest.mark.parametrize(
        ("fields", "predicate", "viewer"),
        [case[1:] for case in FACET_CASES],
        ids=[case[0] for case in FACET_CASES],
    )
    def test_facets_count_the_whole_matching_set(
        self,
        backend: SearchBackend,
        fields: dict[str, object],
        predicate: Callable[[IndexedWork], bool],
        viewer: Visibility,
    ) -> None:
        results = run(backend, visibility=viewer, **fields)
        expected = expected_ids(predicate, viewer, str(fields.get("text", "")))
        assert results.total == len(expected)
        assert results.facets == expected_facets(expected)

    def test_facets_can_be_skipped_and_are_empty_without_matches(
        self, backend: SearchBackend
    ) -> None:
        skipped = run(backend, facets=False)
        assert skipped.facets == {}
        assert skipped.total == len(expected_ids())
        assert run(backend, text="nothingmatchesthis").facets == {}

    def test_facet_limit_keeps_the_most_used_tags(self, make_backend: MakeBackend) -> None:
        small = make_backend(facet_limit=2)
        small.add(CORPUS)
        facets = small.search(SearchQuery()).facets
        full = expected_facets(expected_ids())
        assert facets.keys() == full.keys()
        for tag_type, counts in facets.items():
            assert len(counts) == min(2, len(full[tag_type]))
            assert set(counts) <= set(full[tag_type])  # exact counts
            assert [n for _, n in counts] == [n for _, n in full[tag_type][:2]]

    # Snippets

    def test_snippet_marks_the_word_in_its_chapter_and_escapes_the_rest(
        self, backend: SearchBackend
    ) -> None:
        [(chapter_id, position, html)] = snippets(backend, "spike", 1)
        assert (chapter_id, position) == (102, 2)
        assert "<mark>Spike</mark> laughed" in html
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; brave." in html
        assert "<b>" not in html

    def test_snippets_come_from_every_matching_chapter_in_order(
        self, backend: SearchBackend
    ) -> None:
        found = snippets(backend, "umbrella", 1)
        assert [(c, p) for c, p, _ in found] == [(101, 1), (102, 2)]
        assert all("<mark>umbrella</mark>" in html for _, _, html in found)

    def test_snippets_for_prefixes_phrases_and_folded_words(self, backend: SearchBackend) -> None:
        [(_, _, first), (_, _, second)] = snippets(backend, "umbrel* spike", 1)
        assert "<mark>umbrella</mark>" in first
        assert "The <mark>umbrella</mark> broke, and <mark>Spike</mark>" in second
        [(_, _, html)] = snippets(backend, '"bad end"', 1)
        assert "<mark>bad end</mark>" in html
        [(_, _, html)] = snippets(backend, "strasse", 8)
        assert html == "Die <mark>Straße</mark> in 東京 war naß."
        [(_, _, html)] = snippets(backend, "東", 8)
        assert "<mark>東</mark>京" in html
        [(_, _, html)] = snippets(backend, "don't", 3)
        assert "<mark>Don’t</mark>" in html

    def test_snippet_deep_in_a_long_chapter(self, backend: SearchBackend) -> None:
        [(chapter_id, position, html)] = snippets(backend, "lighthouse", 7, within_work_id=7)
        assert (chapter_id, position) == (703, 3)
        assert "<mark>lighthouse</mark> on the cliff, &lt;tall&gt; &amp; white." in html
        assert html.startswith("…")
        assert html.endswith("…")
        assert len(html) < 400

    def test_no_snippets_for_words_that_matched_elsewhere(self, backend: SearchBackend) -> None:
        assert snippets(backend, "title:umbrella", 4) == []
        assert snippets(backend, "umbrella", 4) == []  # title and summary only
        assert snippets(backend, "buffy -umbrella", 11) == []  # only in tags
        assert snippets(backend, "storm", 1) == []  # only in a chapter title
        assert all(not hit.snippets for hit in run(backend, text="-umbrella").hits)

    def test_snippets_only_from_chapters_holding_a_phrase(self, backend: SearchBackend) -> None:
        # The phrase is in chapter 2 only; the word is in both.
        found = snippets(backend, '"bad end" umbrella', 1)
        assert [p for _, p, _ in found] == [1, 2]
        [(_, position, _)] = snippets(backend, 'text:"the bad end"', 1)
        assert position == 2

    def test_searching_inside_one_work(self, backend: SearchBackend) -> None:
        results = run(backend, text="umbrella OR spike", within_work_id=1)
        assert ids(results) == [1]
        assert [s.chapter_position for s in results.hits[0].snippets] == [1, 2]
        assert run(backend, text="umbrella", within_work_id=2).hits == []

    def test_snippets_per_work_are_limited(self, make_backend: MakeBackend) -> None:
        store = make_backend(snippets_per_work=1, snippets_within_work=2)
        chapters = [f"Chapter {n} of the saga, with a kestrel." for n in range(1, 6)]
        store.add([make(500, "Saga", chapters, tags={1})])
        [hit] = store.search(SearchQuery(text="kestrel")).hits
        assert len(hit.snippets) == 1
        [inside] = store.search(SearchQuery(text="kestrel", within_work_id=500)).hits
        positions = [snippet.chapter_position for snippet in inside.snippets]
        assert len(positions) == 2
        assert positions == sorted(positions)
        assert set(positions) <= {1, 2, 3, 4, 5}

    # Collections: the collection filter, and unrevealed works seen only by their
    # creators, admins and the maintainers of their collections.

    def test_the_collection_filter_keeps_works_in_any_of_the_collections(
        self, make_backend: MakeBackend
    ) -> None:
        store = make_backend()
        store.add(COLLECTION_WORKS)
        assert set(ids(run(store, collection_ids=frozenset({7})))) == {40}
        assert set(ids(run(store, collection_ids=frozenset({7, 8})))) == {40, 42}
        assert ids(run(store, collection_ids=frozenset({9}))) == []
        in_seven = run(store, collection_ids=frozenset({7}), text="quince")
        assert ids(in_seven) == [40]
        assert in_seven.total == 1

    @pytest.mark.parametrize("viewer", COLLECTION_VIEWERS.values(), ids=COLLECTION_VIEWERS.keys())
    @pytest.mark.parametrize(
        "fields",
        [{}, {"text": "quince"}, {"collection_ids": frozenset({7, 8})}, {"sort": Sort.TITLE}],
        ids=["all", "text", "collections", "title sort"],
    )
    def test_unrevealed_works_are_never_returned_counted_or_faceted_to_others(
        self, make_backend: MakeBackend, viewer: Visibility, fields: dict[str, object]
    ) -> None:
        store = make_backend()
        store.add(COLLECTION_WORKS)
        results = run(store, visibility=viewer, **fields)
        wanted = frozenset(fields.get("collection_ids", frozenset()))  # type: ignore[arg-type]
        expected = expected_ids(
            lambda work: not wanted or bool(work.collection_ids & wanted),
            viewer,
            str(fields.get("text", "")),
            works=COLLECTION_WORKS,
        )
        assert set(ids(results)) == expected
        assert results.total == len(expected)
        assert results.facets == facet_counts(w for w in COLLECTION_WORKS if w.work_id in expected)

    def test_who_sees_an_unrevealed_work(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add(COLLECTION_WORKS)
        seen = {
            name: set(ids(run(store, visibility=viewer))) & {41, 44}
            for name, viewer in COLLECTION_VIEWERS.items()
        }
        assert seen == {
            "guest": set(),
            "member": set(),
            "creator": {41},
            "maintainer of 7": {41},
            "maintainer of 8": set(),
            "admin": {41, 44},
        }
        facets = run(store).facets.get(TagType.FREEFORM, [])
        assert 63 not in {tag_id for tag_id, _ in facets}

    # Writing

    def test_count_counts_works_not_chapters(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        assert store.count() == 0
        assert store.add(TEXT_WORKS) == len(TEXT_WORKS)
        assert store.count() == len(TEXT_WORKS)
        assert store.add([]) == 0

    def test_adding_a_work_again_replaces_it(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add(TEXT_WORKS)
        changed = replace(
            BY_ID[1],
            title="Sunshine Instead",
            chapters=(IndexedChapter(1, 901, "", "Bright sunshine and no rain gear."),),
            chapter_count=1,
            filter_tag_ids=frozenset({1}),
            tag_types={1: R},
            tag_names=("General Audiences",),
            kudos=1,
        )
        assert store.add([changed]) == 1
        assert store.count() == len(TEXT_WORKS)
        assert 1 not in ids(store.search(SearchQuery(text="umbrella")))
        assert 1 not in ids(store.search(SearchQuery(text="hellmouth")))
        assert 1 not in ids(store.search(SearchQuery(text="storm")))
        assert 1 not in ids(store.search(SearchQuery(include_tag_ids=frozenset({30}))))
        assert 1 not in ids(store.search(SearchQuery(kudos=Range(low=50))))
        found = store.search(SearchQuery(text="sunshine", within_work_id=1))
        assert [(s.chapter_id, s.chapter_position) for s in found.hits[0].snippets] == [(901, 1)]
        assert store.search(SearchQuery(text="spike", within_work_id=1)).hits == []
        assert store.search(SearchQuery(include_tag_ids=frozenset({1}))).facets[R] == [(1, 7)]

    def test_the_same_work_twice_in_a_batch_keeps_the_last(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add([BY_ID[2], replace(BY_ID[2], title="Second Version")])
        assert store.count() == 1
        assert ids(store.search(SearchQuery(text="second"))) == [2]
        assert store.search(SearchQuery(text="title:snow")).hits == []

    def test_delete(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add(TEXT_WORKS)
        store.delete([1, 4, 12345])
        assert store.count() == len(TEXT_WORKS) - 2
        assert store.search(SearchQuery(text="umbrella")).total == 0
        store.delete([])
        assert store.count() == len(TEXT_WORKS) - 2
        store.add([BY_ID[1]])
        assert ids(store.search(SearchQuery(text="umbrella"))) == [1]

    def test_clear(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add(TEXT_WORKS)
        store.clear()
        assert store.count() == 0
        assert store.search(SearchQuery()).total == 0
        assert store.search(SearchQuery(text="umbrella")).total == 0
        store.add([BY_ID[5]])
        assert ids(store.search(SearchQuery())) == [5]
        assert ids(store.search(SearchQuery(text="lanterns"))) == [5]

    def test_rebuild_replaces_everything(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add(TEXT_WORKS)
        kept = [work for work in TEXT_WORKS if work.work_id not in (1, 4)]
        renamed = replace(BY_ID[5], title="Rebuilt Lanterns")
        batches = [kept[:2], [*kept[2:], renamed]]
        assert store.rebuild(iter(batches)) == len(kept) + 1
        assert store.count() == len(kept)
        assert store.search(SearchQuery(text="umbrella")).total == 0
        assert ids(store.search(SearchQuery(text="rebuilt"))) == [5]
        assert store.search(SearchQuery(text="hellmouth")).total == 0
        assert ids(store.search(SearchQuery(text="lanterns"))) == [5]

    def test_a_failed_rebuild_keeps_the_batches_before_the_failure(
        self, make_backend: MakeBackend
    ) -> None:
        store = make_backend()
        store.add(TEXT_WORKS)

        def batches() -> Iterator[list[IndexedWork]]:
            yield [BY_ID[5]]
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError):
            store.rebuild(batches())
        assert ids(store.search(SearchQuery(text="lanterns"))) == [5]
        assert store.count() == 1
        store.add([BY_ID[1]])
        assert ids(store.search(SearchQuery(text="umbrella"))) == [1]

    def test_a_failed_batch_leaves_what_was_there(self, make_backend: MakeBackend) -> None:
        store = make_backend()
        store.add(TEXT_WORKS)

        def works() -> Iterator[IndexedWork]:
            yield replace(BY_ID[1], title="Half Written")
            yield BY_ID[12]
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError):
            store.add(works())
        assert store.count() == len(TEXT_WORKS)
        assert store.search(SearchQuery(text="half")).total == 0
        assert ids(store.search(SearchQuery(text="hellmouth"))) == [1]
        store.add([BY_ID[5]])  # and the backend still takes writes

    def test_odd_documents(self, make_backend: MakeBackend) -> None:
        """Empty fields, no chapters, huge numbers, negative ids and counts are stored
        without complaint and searched as the contract says."""
        store = make_backend()
        empty = IndexedWork(
            work_id=600,
            title="",
            creators=(),
            creator_ids=(),
            summary="",
            notes="",
            language="",
            filter_tag_ids=frozenset(),
            tag_types={},
            tag_names=(),
            crossover=False,
            complete=False,
            chapter_count=0,
            word_count=0,
            published=None,
            updated=None,
        )
        huge = replace(empty, work_id=601, title="Huge", kudos=2**40, hits=-5)
        store.add([empty, huge])
        assert store.count() == 2
        assert set(ids(store.search(SearchQuery()))) == {600, 601}
        assert ids(store.search(SearchQuery(sort=Sort.KUDOS))) == [601, 600]
        assert ids(store.search(SearchQuery(kudos=Range(low=10**12)))) == [601]
        assert ids(store.search(SearchQuery(hits=Range(high=0), text="huge"))) == [601]
        assert store.search(SearchQuery(text="anything")).total == 0
        assert store.search(SearchQuery(language="en")).total == 0

    def test_long_chapters_are_searched_exactly(self, make_backend: MakeBackend) -> None:
        """Every word and phrase of a long chapter, however often its words repeat and
        however many different words it has."""
        store = make_backend()

        def word(n: int) -> str:
            return f"w{n}zzzzzzzzzz"  # 80,000 of them: 1.2 MB of different words

        distinct = " ".join(word(n) for n in range(80_000))
        text = "the end " * 3000 + distinct + " the final end of the tale"
        work = make(700, "A Very Long Tale", [text, "Another chapter, the end."], tags={1})
        store.add([work])
        for query, found in [
            (word(0), True),
            (word(79_999), True),
            (f"{word(30_000)} {word(65_000)}", True),
            (f'"{word(39_999)} {word(40_000)} {word(40_001)}"', True),
            (f'"{word(40_001)} {word(40_000)}"', False),
            ('"end the final end"', False),
            (f'"{word(79_999)} the final end of the tale"', True),
            (f'"the end the end {word(0)}"', True),
            ("w7999*", True),
            ("w800000*", False),
        ]:
            assert store.search(SearchQuery(text=query)).total == found, query
            assert expected_ids(text=query, works=[work]) == ({700} if found else set()), query
        [hit] = store.search(SearchQuery(text=word(79_999))).hits
        [snippet] = hit.snippets
        assert f"<mark>{word(79_999)}</mark> the final end" in snippet.html

    def test_many_works(self, make_backend: MakeBackend) -> None:
        """A sanity check that nothing is capped: totals, facets and prefixes over 2,000
        works (no timing is asserted)."""

        store = make_backend()
        assert store.add(generated_works(2_000)) == 2_000
        assert store.count() == 2_000
        everything = store.search(SearchQuery(text="common", per_page=50, page=3))
        assert everything.total == 1_800  # every tenth is restricted
        assert len(everything.hits) == 50
        assert all(hit.snippets for hit in everything.hits)
        assert sum(count for _, count in everything.facets[R]) == 1_800
        freeforms = dict(everything.facets[FF])
        assert len(freeforms) == 1000  # the default facet limit
        assert freeforms[101] == 40  # n % 50 == 1, none restricted
        assert store.search(SearchQuery(text="alpha", visibility=MEMBER)).total == 400
        tens = store.search(SearchQuery(text="10*"))
        assert tens.total == sum(1 for n in range(1, 2_001) if str(n).startswith("10") and n % 10)
        by_kudos = store.search(SearchQuery(sort=Sort.KUDOS, per_page=100, page=10))
        kudos = [hit.work_id % 97 for hit in by_kudos.hits]
        assert kudos == sorted(kudos, reverse=True)
        store.delete(range(1, 101))
        assert store.count() == 1_900
