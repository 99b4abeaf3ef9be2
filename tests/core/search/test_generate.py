"""Generated benchmark archives: deterministic, streamed, and shaped like the AO3 listing.

Shape checks use a few thousand works and generous tolerances: they catch a generator
that drifts from the listing (a wrong column, a lost tag type), not sampling noise.
"""

from __future__ import annotations

import csv
import itertools
import os
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from quire.core.search.generate import (
    LISTING_STATS,
    Profile,
    builtin_profile,
    find_corpus_files,
    generate_works,
    load_profile,
    universe_count,
)
from quire.core.search.model import IndexedWork
from quire.core.search.textquery import split_words
from quire.core.tags import RATINGS, TagType

CORPUS = Path(
    os.environ.get("QUIRE_CORPUS", Path(__file__).resolve().parents[3].parent / "shared" / "corpus")
)
SAMPLE = 3_000


@pytest.fixture(scope="module")
def corpus_files() -> tuple[Path, Path | None]:
    files = find_corpus_files(CORPUS)
    if files is None:
        pytest.skip(f"the AO3 listing is not in {CORPUS}")
    return files


@pytest.fixture(scope="module")
def profile(corpus_files: tuple[Path, Path | None]) -> Profile:
    return load_profile(*corpus_files)


@pytest.fixture(scope="module")
def works(profile: Profile) -> list[IndexedWork]:
    return list(generate_works(SAMPLE, profile, seed=3))


def _per_work(works: Sequence[IndexedWork], tag_type: TagType) -> float:
    return sum(list(work.tag_types.values()).count(tag_type) for work in works) / len(works)


def _near(value: float, expected: float, tolerance: float) -> bool:
    return abs(value - expected) <= tolerance * expected


# --- Streaming and determinism ---------------------------------------------------------


def test_works_are_streamed_not_built_up_front(profile: Profile) -> None:
    stream = generate_works(10**9, profile)
    assert isinstance(stream, Iterator)
    first = list(itertools.islice(stream, 5))  # a billion works would never fit in a list
    assert [work.work_id for work in first] == [1, 2, 3, 4, 5]


def test_same_seed_same_works_other_seed_other_works(profile: Profile) -> None:
    once = list(generate_works(50, profile, seed=11))
    again = list(generate_works(50, profile, seed=11))
    other = list(generate_works(50, profile, seed=12))
    assert once == again
    assert once != other


def test_ids_start_where_asked(profile: Profile) -> None:
    ids = [work.work_id for work in generate_works(3, profile, first_id=1_000)]
    assert ids == [1_000, 1_001, 1_002]


# --- Shape: the listing's distributions -------------------------------------------------


def test_listing_stats_match_the_listing(corpus_files: tuple[Path, Path | None]) -> None:
    """The figures the built-in profile and these tests use are the CSV's own."""
    with corpus_files[0].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    words = [int(row["words"].replace(",", "") or 0) for row in rows]
    assert len(rows) == LISTING_STATS["works"]
    assert statistics.median(words) == LISTING_STATS["median_words"]
    characters = sum(len([t for t in row["characters"].split("; ") if t]) for row in rows)
    assert round(characters / len(rows), 3) == LISTING_STATS["characters_per_work"]


def test_median_words_near_the_listing(works: list[IndexedWork]) -> None:
    words = [work.word_count for work in works]
    assert _near(statistics.median(words), LISTING_STATS["median_words"], 0.15)
    assert _near(statistics.mean(words), LISTING_STATS["mean_words"], 0.35)  # long tail


def test_tags_per_work_by_type_near_the_listing(works: list[IndexedWork]) -> None:
    expected = {
        TagType.FANDOM: LISTING_STATS["fandoms_per_work"],
        TagType.RELATIONSHIP: LISTING_STATS["relationships_per_work"],
        TagType.CHARACTER: LISTING_STATS["characters_per_work"],
        TagType.FREEFORM: LISTING_STATS["canonical_freeforms_per_work"],
    }
    for tag_type, per_work in expected.items():
        assert _near(_per_work(works, tag_type), per_work, 0.15), tag_type
    assert all(_per_work(works, tag_type) > 0.99 for tag_type in (TagType.RATING,))


def test_tag_type_proportions(works: list[IndexedWork]) -> None:
    counts = Counter(tag_type for work in works for tag_type in work.tag_types.values())
    total = sum(counts.values())
    shares = {tag_type: counts[tag_type] / total for tag_type in TagType}
    # Characters and freeforms are the biggest groups, fandoms and relationships next.
    assert shares[TagType.CHARACTER] > shares[TagType.FANDOM]
    assert shares[TagType.FREEFORM] > shares[TagType.RELATIONSHIP]
    assert 0.2 < shares[TagType.CHARACTER] < 0.35
    assert 0.2 < shares[TagType.FREEFORM] < 0.35
    assert 0.07 < shares[TagType.RATING] < 0.1


def test_completion_chapters_and_counts_near_the_listing(works: list[IndexedWork]) -> None:
    complete = sum(work.complete for work in works) / len(works)
    single = sum(work.chapter_count == 1 for work in works) / len(works)
    assert abs(complete - LISTING_STATS["complete"]) < 0.03
    assert abs(single - LISTING_STATS["single_chapter"]) < 0.04
    assert _near(statistics.median(w.kudos for w in works), LISTING_STATS["median_kudos"], 0.2)
    assert _near(statistics.median(w.hits for w in works), LISTING_STATS["median_hits"], 0.2)


def test_dates_are_ordered_and_inside_the_listing(works: list[IndexedWork]) -> None:
    for work in works:
        assert work.published is not None and work.updated is not None
        assert work.published <= work.updated
        assert work.updated.year <= 2022


def test_every_filter_tag_has_a_type_and_a_name(profile: Profile, works: list[IndexedWork]) -> None:
    for work in works[:200]:
        assert set(work.tag_types) == work.filter_tag_ids
        ratings = [t for t, kind in work.tag_types.items() if kind is TagType.RATING]
        assert len(ratings) == 1 and profile.tag(ratings[0])[0] in RATINGS
        for tag_id, tag_type in work.tag_types.items():
            name, kind = profile.tag(tag_id)
            assert kind is tag_type
            assert name in work.tag_names


# --- Text -------------------------------------------------------------------------------


def test_body_is_capped_and_word_count_kept(profile: Profile) -> None:
    for cap in (50, 300):
        for work in generate_works(300, profile, body_words=cap):
            body = sum(len(split_words(chapter.text)) for chapter in work.chapters)
            assert body == min(work.word_count, cap)
            assert 1 <= len(work.chapters) <= work.chapter_count


def test_words_come_from_the_vocabulary(profile: Profile, works: list[IndexedWork]) -> None:
    vocabulary = set(profile.vocabulary)
    text = " ".join(chapter.text for work in works[:50] for chapter in work.chapters)
    assert set(split_words(text)) <= vocabulary


# --- Universes --------------------------------------------------------------------------


def test_a_bigger_archive_has_more_universes_of_tags(profile: Profile) -> None:
    assert universe_count(100_000) == 10
    assert universe_count(1) == 1
    works = list(generate_works(1_000, profile, works_per_universe=100))
    universes = Counter(
        profile.universe(tag_id)
        for work in works
        for tag_id, tag_type in work.tag_types.items()
        if tag_type is TagType.FANDOM
    )
    assert None not in universes
    assert len(universes) > 5
    assert universes.most_common(1)[0][0] == 0  # Zipf weights: the first is the biggest
    shared = {profile.universe(tag_id) for work in works for tag_id in work.filter_tag_ids}
    assert None in shared  # ratings, warnings, categories and freeforms are everyone's
    renamed = [name for work in works for name in work.tag_names if name.endswith(" (3)")]
    assert renamed  # universe 2's tags carry its number


# --- Without the corpus -----------------------------------------------------------------


def test_builtin_profile_has_the_listing_shape() -> None:
    profile = builtin_profile()
    assert not profile.from_corpus
    works = list(generate_works(SAMPLE, profile, seed=5))
    assert _near(statistics.median(w.word_count for w in works), LISTING_STATS["median_words"], 0.2)
    for tag_type, key in (
        (TagType.FANDOM, "fandoms_per_work"),
        (TagType.RELATIONSHIP, "relationships_per_work"),
        (TagType.CHARACTER, "characters_per_work"),
        (TagType.FREEFORM, "canonical_freeforms_per_work"),
    ):
        assert _near(_per_work(works, tag_type), LISTING_STATS[key], 0.25), tag_type


def test_without_freeform_counts_every_listed_freeform_is_canonical(
    corpus_files: tuple[Path, Path | None], tmp_path: Path
) -> None:
    listing = tmp_path / corpus_files[0].name
    with (
        corpus_files[0].open(encoding="utf-8", newline="") as source,
        listing.open("w", encoding="utf-8", newline="") as copy,
    ):
        csv.writer(copy).writerows(itertools.islice(csv.reader(source), 200))
    assert find_corpus_files(tmp_path) == (listing, None)
    profile = load_profile(listing)
    assert profile.from_corpus
    assert all(not template.other_freeforms for template in profile.templates)
    assert sum(len(template.freeforms) for template in profile.templates) > 0


def test_no_listing_is_found_in_an_empty_folder(tmp_path: Path) -> None:
    assert find_corpus_files(tmp_path) is None
