"""AO3's wrangling semantics: filter tags, tag listings, crossovers, relationship names.

The examples are small AO3-shaped graphs; the properties run random graphs with
dangling ids, merger chains and meta cycles against a naive reference.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quire.core.tagging import (
    Relationship,
    TagGraph,
    TagNode,
    parse_relationship,
    relationship_name,
)
from quire.core.tags import TagType

FIXTURES = Path(__file__).parent / "fixtures" / "tagging"

FANDOM = TagType.FANDOM
RELATIONSHIP = TagType.RELATIONSHIP
CHARACTER = TagType.CHARACTER
FREEFORM = TagType.FREEFORM

# An AO3-shaped archive. Names are AO3's; the relationship meta tag is illustrative.
BUFFYVERSE = 1
BTVS = 2
BTVS_SYNONYM = 3
ANGEL = 4
SHERLOCK = 5
DOCTOR_WHO = 6
MCU = 7
AVENGERS = 8
MARVEL = 9
UNWRANGLED_FANDOM = 10
OTHER_UNWRANGLED_FANDOM = 11
BUFFY = 20
SPIKE = 21
BUFFY_SPIKE = 30
SPUFFY = 31
SPIKE_BUFFY = 32
BUFFY_SPIKE_ALL_MEDIA = 33
ALTERNATE_UNIVERSE = 40
MODERN_AU = 41
COFFEE_SHOP_AU = 42
COFFEE_SHOP_SYNONYM = 43
UNWRANGLED_FREEFORM = 44
MISSING = 999


def archive_tags() -> list[TagNode]:
    return [
        TagNode(BUFFYVERSE, "Buffyverse", FANDOM, canonical=True),
        TagNode(
            BTVS,
            "Buffy the Vampire Slayer (TV)",
            FANDOM,
            canonical=True,
            meta_ids=frozenset({BUFFYVERSE}),
        ),
        TagNode(BTVS_SYNONYM, "BtVS", FANDOM, canonical=False, merger_id=BTVS),
        TagNode(ANGEL, "Angel (TV)", FANDOM, canonical=True, meta_ids=frozenset({BUFFYVERSE})),
        TagNode(SHERLOCK, "Sherlock (TV)", FANDOM, canonical=True),
        TagNode(DOCTOR_WHO, "Doctor Who", FANDOM, canonical=True),
        TagNode(MARVEL, "Marvel", FANDOM, canonical=True),
        TagNode(
            MCU, "Marvel Cinematic Universe", FANDOM, canonical=True, meta_ids=frozenset({MARVEL})
        ),
        TagNode(AVENGERS, "The Avengers (2012)", FANDOM, canonical=True, meta_ids=frozenset({MCU})),
        TagNode(UNWRANGLED_FANDOM, "my cool show", FANDOM, canonical=False),
        TagNode(OTHER_UNWRANGLED_FANDOM, "another show", FANDOM, canonical=False),
        TagNode(BUFFY, "Buffy Summers", CHARACTER, canonical=True, parent_ids=frozenset({BTVS})),
        TagNode(SPIKE, "Spike", CHARACTER, canonical=True, parent_ids=frozenset({BTVS, ANGEL})),
        TagNode(BUFFY_SPIKE_ALL_MEDIA, "Buffy Summers/Spike (All Media)", RELATIONSHIP, True),
        TagNode(
            BUFFY_SPIKE,
            "Buffy Summers/Spike",
            RELATIONSHIP,
            canonical=True,
            meta_ids=frozenset({BUFFY_SPIKE_ALL_MEDIA}),
            parent_ids=frozenset({BTVS}),
        ),
        TagNode(SPUFFY, "Spuffy", RELATIONSHIP, canonical=False, merger_id=BUFFY_SPIKE),
        TagNode(SPIKE_BUFFY, "Spike/Buffy", RELATIONSHIP, canonical=False, merger_id=BUFFY_SPIKE),
        TagNode(ALTERNATE_UNIVERSE, "Alternate Universe", FREEFORM, canonical=True),
        TagNode(
            MODERN_AU,
            "Alternate Universe - Modern Setting",
            FREEFORM,
            canonical=True,
            meta_ids=frozenset({ALTERNATE_UNIVERSE}),
        ),
        TagNode(
            COFFEE_SHOP_AU,
            "Alternate Universe - Coffee Shops & Cafés",
            FREEFORM,
            canonical=True,
            meta_ids=frozenset({MODERN_AU}),
        ),
        TagNode(
            COFFEE_SHOP_SYNONYM,
            "coffee shop au",
            FREEFORM,
            canonical=False,
            merger_id=COFFEE_SHOP_AU,
        ),
        TagNode(UNWRANGLED_FREEFORM, "i can't tag", FREEFORM, canonical=False),
    ]


@pytest.fixture
def archive() -> TagGraph:
    return TagGraph(archive_tags())


# Filter tags


def test_synonym_is_found_under_its_canonical_and_its_meta_tags(archive: TagGraph) -> None:
    assert archive.filter_ids([SPUFFY]) == {BUFFY_SPIKE, BUFFY_SPIKE_ALL_MEDIA}
    assert SPUFFY in archive.sub_tree(BUFFY_SPIKE)
    assert SPUFFY in archive.sub_tree(BUFFY_SPIKE_ALL_MEDIA)


def test_meta_tags_are_inherited_transitively(archive: TagGraph) -> None:
    assert archive.filter_ids([COFFEE_SHOP_SYNONYM]) == {
        COFFEE_SHOP_AU,
        MODERN_AU,
        ALTERNATE_UNIVERSE,
    }
    assert archive.filter_ids([AVENGERS]) == {AVENGERS, MCU, MARVEL}


def test_a_works_filter_tags_are_the_union_over_its_tags(archive: TagGraph) -> None:
    assert archive.filter_ids([BTVS_SYNONYM, SPUFFY, BUFFY, COFFEE_SHOP_AU]) == {
        BTVS,
        BUFFYVERSE,
        BUFFY_SPIKE,
        BUFFY_SPIKE_ALL_MEDIA,
        BUFFY,
        COFFEE_SHOP_AU,
        MODERN_AU,
        ALTERNATE_UNIVERSE,
    }
    assert archive.filter_ids([]) == frozenset()


def test_filtering_does_not_go_through_parent_fandoms(archive: TagGraph) -> None:
    assert archive.filter_ids([SPIKE]) == {SPIKE}


def test_an_unwrangled_tag_is_its_own_filter_tag_and_nothing_more(archive: TagGraph) -> None:
    # AO3 would not make it filterable at all; Quire keeps its works findable by it.
    assert archive.canonical_id(UNWRANGLED_FREEFORM) is None
    assert archive.filter_ids([UNWRANGLED_FREEFORM]) == {UNWRANGLED_FREEFORM}
    assert archive.sub_tree(UNWRANGLED_FREEFORM) == {UNWRANGLED_FREEFORM}


def test_unknown_ids_are_ignored(archive: TagGraph) -> None:
    assert archive.canonical_id(MISSING) is None
    assert archive.filter_ids([MISSING, SPUFFY]) == {BUFFY_SPIKE, BUFFY_SPIKE_ALL_MEDIA}
    assert archive.sub_tree(MISSING) == frozenset()
    graph = TagGraph(
        [
            TagNode(1, "dangling synonym", FREEFORM, canonical=False, merger_id=MISSING),
            TagNode(2, "dangling meta", FREEFORM, canonical=True, meta_ids=frozenset({MISSING})),
        ]
    )
    assert graph.canonical_id(1) is None
    assert graph.filter_ids([1, 2]) == {1, 2}


def test_canonical_id(archive: TagGraph) -> None:
    assert archive.canonical_id(BUFFY_SPIKE) == BUFFY_SPIKE
    assert archive.canonical_id(SPUFFY) == BUFFY_SPIKE
    assert archive.canonical_id(UNWRANGLED_FANDOM) is None


def test_merger_chains_are_followed_and_loops_leave_tags_unwrangled() -> None:
    graph = TagGraph(
        [
            TagNode(1, "canonical", FREEFORM, canonical=True, meta_ids=frozenset({5})),
            TagNode(2, "synonym", FREEFORM, canonical=False, merger_id=1),
            TagNode(3, "synonym of a synonym", FREEFORM, canonical=False, merger_id=2),
            TagNode(4, "loop a", FREEFORM, canonical=False, merger_id=6),
            TagNode(5, "meta", FREEFORM, canonical=True),
            TagNode(6, "loop b", FREEFORM, canonical=False, merger_id=4),
            TagNode(7, "into the loop", FREEFORM, canonical=False, merger_id=4),
            TagNode(8, "self", FREEFORM, canonical=False, merger_id=8),
        ]
    )
    assert graph.canonical_id(3) == 1
    assert graph.filter_ids([3]) == {1, 5}
    for looping in (4, 6, 7, 8):
        assert graph.canonical_id(looping) is None
        assert graph.filter_ids([looping]) == {looping}


def test_a_canonical_tags_merger_is_ignored() -> None:
    graph = TagGraph(
        [
            TagNode(1, "a", FREEFORM, canonical=True, merger_id=2),
            TagNode(2, "b", FREEFORM, canonical=True),
        ]
    )
    assert graph.canonical_id(1) == 1
    assert graph.filter_ids([1]) == {1}


def test_a_meta_id_that_is_a_synonym_stands_for_its_canonical() -> None:
    graph = TagGraph(
        [
            TagNode(1, "sub", FREEFORM, canonical=True, meta_ids=frozenset({2, 4})),
            TagNode(2, "meta synonym", FREEFORM, canonical=False, merger_id=3),
            TagNode(3, "meta", FREEFORM, canonical=True),
            TagNode(4, "unwrangled meta", FREEFORM, canonical=False),
        ]
    )
    assert graph.filter_ids([1]) == {1, 3}
    assert graph.sub_tree(3) == {1, 2, 3}


def test_meta_tags_of_non_canonical_tags_count_for_nothing() -> None:
    graph = TagGraph(
        [
            TagNode(1, "canonical", FREEFORM, canonical=True),
            TagNode(2, "synonym", FREEFORM, canonical=False, merger_id=1, meta_ids=frozenset({3})),
            TagNode(3, "meta", FREEFORM, canonical=True),
            TagNode(4, "unwrangled", FREEFORM, canonical=False, meta_ids=frozenset({3})),
        ]
    )
    assert graph.filter_ids([2]) == {1}
    assert graph.filter_ids([4]) == {4}


def test_meta_cycles_end_and_every_member_inherits_the_others() -> None:
    graph = TagGraph(
        [
            TagNode(1, "a", FREEFORM, canonical=True, meta_ids=frozenset({2})),
            TagNode(2, "b", FREEFORM, canonical=True, meta_ids=frozenset({3})),
            TagNode(3, "c", FREEFORM, canonical=True, meta_ids=frozenset({1, 4})),
            TagNode(4, "top", FREEFORM, canonical=True),
            TagNode(5, "below the cycle", FREEFORM, canonical=True, meta_ids=frozenset({1})),
            TagNode(6, "self meta", FREEFORM, canonical=True, meta_ids=frozenset({6})),
        ]
    )
    assert graph.filter_ids([5]) == {1, 2, 3, 4, 5}
    for member in (1, 2, 3):
        assert graph.filter_ids([member]) == {1, 2, 3, 4}
        assert graph.sub_tree(member) == {1, 2, 3, 5}
    assert graph.filter_ids([6]) == {6}


def test_later_nodes_replace_earlier_ones_with_the_same_id() -> None:
    graph = TagGraph(
        [
            TagNode(1, "old", FREEFORM, canonical=False),
            TagNode(1, "new", FREEFORM, canonical=True),
        ]
    )
    node = graph.get(1)
    assert node is not None
    assert node.name == "new"
    assert len(graph) == 1
    assert 1 in graph


def test_long_chains_do_not_exhaust_the_stack() -> None:
    length = 50_000
    metas = [
        TagNode(i, f"meta {i}", FREEFORM, canonical=True, meta_ids=frozenset({i + 1}))
        for i in range(length)
    ]
    synonyms = [
        TagNode(length + i, f"syn {i}", FREEFORM, canonical=False, merger_id=length + i + 1)
        for i in range(length)
    ]
    graph = TagGraph([*metas, *synonyms, TagNode(2 * length, "end", FREEFORM, canonical=True)])
    assert len(graph.filter_ids([0])) == length + 1
    assert graph.canonical_id(length) == 2 * length
    assert len(graph.sub_tree(length - 1)) == length
    # The last meta tag is a synonym at the start of the merger chain: all lead to the end.
    assert len(graph.affected_by(2 * length)) == 2 * length + 1


# Listings and re-derivation


def test_sub_tree_is_the_tag_its_synonyms_and_its_sub_tags_with_theirs(archive: TagGraph) -> None:
    assert archive.sub_tree(BUFFY_SPIKE_ALL_MEDIA) == {
        BUFFY_SPIKE_ALL_MEDIA,
        BUFFY_SPIKE,
        SPUFFY,
        SPIKE_BUFFY,
    }
    assert archive.sub_tree(BUFFYVERSE) == {BUFFYVERSE, BTVS, BTVS_SYNONYM, ANGEL}
    assert archive.sub_tree(ALTERNATE_UNIVERSE) == {
        ALTERNATE_UNIVERSE,
        MODERN_AU,
        COFFEE_SHOP_AU,
        COFFEE_SHOP_SYNONYM,
    }


def test_a_synonym_lists_its_canonical_tags_works(archive: TagGraph) -> None:
    assert archive.sub_tree(SPUFFY) == archive.sub_tree(BUFFY_SPIKE)


def test_affected_by_covers_what_a_wrangling_change_can_reach(archive: TagGraph) -> None:
    assert archive.affected_by(MODERN_AU) == {MODERN_AU, COFFEE_SHOP_AU, COFFEE_SHOP_SYNONYM}
    assert archive.affected_by(SPUFFY) == {SPUFFY}
    graph = TagGraph(
        [
            TagNode(1, "waits for a meta not yet made", FREEFORM, True, meta_ids=frozenset({9})),
            TagNode(2, "its synonym", FREEFORM, canonical=False, merger_id=1),
            TagNode(3, "merged into an unwrangled tag", FREEFORM, canonical=False, merger_id=4),
            TagNode(4, "unwrangled", FREEFORM, canonical=False),
        ]
    )
    # Creating tag 9 as a canonical tag changes the filter tags of 1 and 2.
    assert graph.affected_by(9) == {9, 1, 2}
    # Making 4 canonical would give 3 a canonical tag.
    assert graph.affected_by(4) == {4, 3}
    assert graph.sub_tree(4) == {4}


# Crossovers


def test_fandoms_sharing_a_meta_tag_are_not_a_crossover(archive: TagGraph) -> None:
    assert not archive.is_crossover([BTVS, ANGEL])


def test_a_fandom_with_its_own_meta_tag_is_not_a_crossover(archive: TagGraph) -> None:
    assert not archive.is_crossover([MCU, AVENGERS])
    assert not archive.is_crossover([MARVEL, AVENGERS])


def test_unrelated_fandoms_are_a_crossover(archive: TagGraph) -> None:
    assert archive.is_crossover([SHERLOCK, DOCTOR_WHO])
    assert archive.is_crossover([BTVS, ANGEL, SHERLOCK])
    assert archive.is_crossover([UNWRANGLED_FANDOM, OTHER_UNWRANGLED_FANDOM])
    assert archive.is_crossover([BTVS_SYNONYM, UNWRANGLED_FANDOM])


def test_one_fandom_and_its_synonyms_are_not_a_crossover(archive: TagGraph) -> None:
    assert not archive.is_crossover([])
    assert not archive.is_crossover([SHERLOCK])
    assert not archive.is_crossover([BTVS, BTVS_SYNONYM])
    assert not archive.is_crossover([UNWRANGLED_FANDOM, UNWRANGLED_FANDOM])


def test_tags_that_are_not_fandoms_do_not_make_a_crossover(archive: TagGraph) -> None:
    assert not archive.is_crossover([SHERLOCK, BUFFY_SPIKE, COFFEE_SHOP_AU, MISSING])


def test_one_fandom_related_to_all_the_others_is_enough() -> None:
    # Relatedness is not transitive: a and c share nothing, but b is related to
    # both, and AO3 asks for a single such fandom, not for every pair.
    graph = TagGraph(
        [
            TagNode(1, "meta one", FANDOM, canonical=True),
            TagNode(2, "meta two", FANDOM, canonical=True),
            TagNode(3, "a", FANDOM, canonical=True, meta_ids=frozenset({1})),
            TagNode(4, "b", FANDOM, canonical=True, meta_ids=frozenset({1, 2})),
            TagNode(5, "c", FANDOM, canonical=True, meta_ids=frozenset({2})),
        ]
    )
    assert not graph.is_crossover([3, 4, 5])
    assert graph.is_crossover([3, 5])


# Relationship names

RELATIONSHIP_CASES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "relationships.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", RELATIONSHIP_CASES, ids=[c["name"] for c in RELATIONSHIP_CASES])
def test_parse_relationship(case: dict[str, Any]) -> None:
    expected = case["expected"]
    parsed = parse_relationship(case["name"])
    if expected is None:
        assert parsed is None, case["why"]
    else:
        assert parsed == Relationship(tuple(expected["characters"]), expected["romantic"]), case[
            "why"
        ]


def test_relationship_name_follows_ao3s_convention() -> None:
    assert relationship_name(["Buffy Summers", "Spike"], romantic=True) == "Buffy Summers/Spike"
    assert (
        relationship_name(("Buffy Summers", "Willow Rosenberg"), romantic=False)
        == "Buffy Summers & Willow Rosenberg"
    )
    assert Relationship(("A", "B", "C"), romantic=True).name == "A/B/C"
    assert relationship_name([" Spike  (BtVS) ", "Xander"], romantic=True) == "Spike (BtVS)/Xander"


@pytest.mark.parametrize(
    "characters",
    [[], ["Spike"], ["Spike", ""], ["Spike", "  "], ["A/B", "C"], ["A & B", "C"], ["A (b", "C"]],
)
def test_relationship_name_refuses_what_would_not_read_back(characters: list[str]) -> None:
    with pytest.raises(ValueError):
        relationship_name(characters, romantic=True)


# Properties over random graphs

IDS = st.integers(min_value=0, max_value=14)
ALL_IDS = range(-1, 16)
"""Every id the graphs can use, and some they never do."""

T = TypeVar("T")


def finishes(action: Callable[[], T], seconds: float = 30) -> T:
    """Run `action` in a thread; fail if it is still running after `seconds`."""
    outcome: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    if errors:
        raise errors[0]
    return outcome[0]


def tag_node(tag_id: int) -> st.SearchStrategy[TagNode]:
    return st.builds(
        TagNode,
        id=st.just(tag_id),
        name=st.just(f"tag {tag_id}"),
        type=st.sampled_from([FANDOM, FANDOM, FREEFORM]),
        canonical=st.booleans(),
        merger_id=st.none() | IDS,
        meta_ids=st.frozensets(IDS, max_size=3),
        parent_ids=st.frozensets(IDS, max_size=2),
    )


@st.composite
def tag_graphs(draw: st.DrawFn) -> list[TagNode]:
    ids = draw(st.lists(IDS, max_size=14, unique=True))
    return [draw(tag_node(tag_id)) for tag_id in ids]


TAG_SETS = st.lists(st.integers(min_value=-1, max_value=15), max_size=6)


def naive_canonical(nodes: dict[int, TagNode], tag_id: int) -> int | None:
    seen: set[int] = set()
    current: int | None = tag_id
    while current is not None and current in nodes and current not in seen:
        node = nodes[current]
        if node.canonical:
            return current
        seen.add(current)
        current = node.merger_id
    return None


def naive_inherited(nodes: dict[int, TagNode], tag_id: int) -> frozenset[int]:
    if tag_id not in nodes:
        return frozenset()
    canonical = naive_canonical(nodes, tag_id)
    if canonical is None:
        return frozenset({tag_id})
    found = {canonical}
    todo = [canonical]
    while todo:
        for meta_id in nodes[todo.pop()].meta_ids:
            meta = naive_canonical(nodes, meta_id)
            if meta is not None and meta not in found:
                found.add(meta)
                todo.append(meta)
    return frozenset(found)


def every_answer(graph: TagGraph, tag_sets: Iterable[list[int]]) -> None:
    for tag_id in ALL_IDS:
        graph.canonical_id(tag_id)
        graph.inherited(tag_id)
        graph.sub_tree(tag_id)
        graph.affected_by(tag_id)
    for tags in tag_sets:
        graph.filter_ids(tags)
        graph.is_crossover(tags)


@settings(max_examples=300, deadline=None)
@given(tag_graphs(), st.lists(TAG_SETS, max_size=5))
def test_any_graph_answers_everything_without_crashing_or_hanging(
    nodes: list[TagNode], tag_sets: list[list[int]]
) -> None:
    finishes(lambda: every_answer(TagGraph(nodes), tag_sets))


@settings(max_examples=200)
@given(tag_graphs())
def test_filter_tags_match_a_naive_walk(nodes: list[TagNode]) -> None:
    graph = TagGraph(nodes)
    by_id = {node.id: node for node in nodes}
    for tag_id in ALL_IDS:
        assert graph.canonical_id(tag_id) == naive_canonical(by_id, tag_id)
        assert graph.filter_ids([tag_id]) == naive_inherited(by_id, tag_id)


@settings(max_examples=200)
@given(tag_graphs(), TAG_SETS)
def test_filter_ids_is_idempotent(nodes: list[TagNode], tags: list[int]) -> None:
    graph = TagGraph(nodes)
    once = graph.filter_ids(tags)
    assert graph.filter_ids(once) == once
    canonical_only = [tag for tag in tags if graph.canonical_id(tag) == tag]
    assert set(canonical_only) <= graph.filter_ids(canonical_only)


@settings(max_examples=200)
@given(tag_graphs(), TAG_SETS)
def test_a_work_is_listed_under_exactly_its_filter_tags(
    nodes: list[TagNode], tags: list[int]
) -> None:
    graph = TagGraph(nodes)
    filters = graph.filter_ids(tags)
    for tag_id in ALL_IDS:
        canonical = graph.canonical_id(tag_id)
        if canonical is None or canonical == tag_id:
            assert (tag_id in filters) == bool(graph.sub_tree(tag_id).intersection(tags))
        else:
            # A synonym is never a filter tag; its page lists its canonical's works.
            assert tag_id not in filters
            assert graph.sub_tree(tag_id) == graph.sub_tree(canonical)


@settings(max_examples=200)
@given(tag_graphs())
def test_a_canonical_tag_affects_exactly_its_sub_tree(nodes: list[TagNode]) -> None:
    graph = TagGraph(nodes)
    for tag_id in ALL_IDS:
        assert tag_id in graph.affected_by(tag_id)
        if graph.canonical_id(tag_id) == tag_id:
            assert graph.sub_tree(tag_id) == graph.affected_by(tag_id)


@settings(max_examples=300)
@given(tag_graphs(), IDS, st.data())
def test_a_wrangling_change_touches_only_affected_tags(
    nodes: list[TagNode], changed_id: int, data: st.DataObject
) -> None:
    before = TagGraph(nodes)
    replacement = data.draw(st.none() | tag_node(changed_id))
    kept = [node for node in nodes if node.id != changed_id]
    after = TagGraph(kept if replacement is None else [*kept, replacement])
    changed = {tag for tag in ALL_IDS if before.inherited(tag) != after.inherited(tag)}
    assert changed <= before.affected_by(changed_id)


def resolved(graph: TagGraph, tag_id: int) -> int:
    canonical = graph.canonical_id(tag_id)
    return tag_id if canonical is None else canonical


@settings(max_examples=200)
@given(tag_graphs(), TAG_SETS)
def test_crossover_is_about_distinct_resolved_fandoms(
    nodes: list[TagNode], tags: list[int]
) -> None:
    graph = TagGraph(nodes)
    answer = graph.is_crossover(tags)
    assert graph.is_crossover([*reversed(tags), *tags]) == answer
    fandoms = [tag for tag in tags if (node := graph.get(tag)) and node.type is FANDOM]
    families = {resolved(graph, tag): graph.inherited(tag) for tag in fandoms}
    if len(families) < 2:
        assert not answer
    groups = list(families.values())
    if all(a & b for a in groups for b in groups):
        assert not answer
    if len(groups) >= 2 and not any(a & b for a in groups for b in groups if a is not b):
        assert answer


# Properties of relationship names

PLAIN_NAME = st.text(st.characters(exclude_characters="/&()"), max_size=12)
DISAMBIGUATOR = st.text(st.characters(exclude_characters="()"), max_size=12)


def squish(text: str) -> str:
    return " ".join(text.split())


CHARACTER_NAMES = (
    st.builds(
        lambda base, note: base if note is None else f"{base} ({note})",
        PLAIN_NAME,
        st.none() | DISAMBIGUATOR,
    )
    .map(squish)
    .filter(bool)
)


@settings(max_examples=500)
@given(st.lists(CHARACTER_NAMES, min_size=2, max_size=5), st.booleans())
def test_relationship_names_read_back(characters: list[str], romantic: bool) -> None:
    name = relationship_name(characters, romantic)
    assert parse_relationship(name) == Relationship(tuple(characters), romantic)


@settings(max_examples=500)
@given(st.text(st.sampled_from("ab /&()") | st.characters()))
def test_any_parsed_relationship_reads_back(name: str) -> None:
    parsed = parse_relationship(name)
    if parsed is not None:
        assert len(parsed.characters) >= 2
        assert all(parsed.characters)
        assert parse_relationship(parsed.name) == parsed
