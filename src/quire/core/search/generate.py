"""Generated archives for search benchmarks: IndexedWork documents shaped like real AO3 works.

A *profile* holds what the generator imitates. ``load_profile`` reads it from AO3
work listings (the corpus's ``metadata/ao3_ds9_listing_works_20220601.csv``: 10,324
real works of one fandom) and, if given, AO3's canonical freeform tags with their
work counts; ``builtin_profile`` is the fallback when those files are not at hand: the
same shape drawn from parametric distributions fitted to that listing.

How a work is made (``generate_works``), one at a time from a seeded generator:

* **Metadata from one real listing row.** Rating, warnings, categories, tags,
  completion, chapters, language and creators are copied from a row chosen at random,
  so everything that co-occurs in real works co-occurs here (a long work with many
  chapters and many kudos, a relationship with its two characters). Words and the
  counts (kudos, hits, comments, bookmarks) are the row's multiplied by a small
  lognormal jitter (medians unchanged), the updated date moves a few weeks, and the
  published date lies before it for a work with several chapters.
* **Fandoms as universes.** One listing is one fandom; a big archive has many. Each
  work is placed in one of ``ceil(count / works_per_universe)`` universes, chosen with
  Zipf weights (1/rank, so the biggest universe of 100 holds about a fifth of the
  works), and its fandom, relationship and character tags (and creators) are renamed
  into that universe: the same tag shapes, distinct tags. The number of distinct tags
  therefore grows with the archive, and popular, mid and rare tags all exist at every
  size.
* **Freeforms.** A row's freeforms that are canonical on AO3 are filter tags, shared
  by every universe (Fluff is Fluff everywhere); with probability ``freeform_redraw``
  each is replaced by one drawn from AO3's canonical freeform counts, so the freeform
  distribution is a blend of the fandom's and AO3's. Non-canonical freeforms are kept as
  tag text only (AO3 does not filter on unwrangled tags).
* **Text.** Titles, summaries (as long as the row's summary) and bodies are words drawn
  independently from a vocabulary with the corpus's word frequencies (the listing's
  titles and summaries: ~26,000 words, Zipf-shaped as text is). The body holds
  ``min(word_count, body_words)`` words, split into at most ``chapter_count`` chapters of
  about 100 words or more: the indexed text is **capped** (default
  ``DEFAULT_BODY_WORDS`` = 300 words per work), because a million works at AO3's mean
  of ~6,200 words would be six billion words. ``word_count`` itself keeps the real
  value, so filters and sorts on words see the real distribution.

Nothing is kept per work: the iterator holds the profile (a few MB) and yields works one
by one, so a million documents stream through in flat memory. The same profile, count,
seed and settings always give the same works.
"""

from __future__ import annotations

import bisect
import csv
import html
import itertools
import json
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

from quire.core.search.model import IndexedChapter, IndexedWork
from quire.core.search.textquery import split_words
from quire.core.tags import (
    CATEGORIES,
    CHOOSE_NOT_TO_WARN,
    RATINGS,
    UNDERAGE,
    WARNINGS,
    TagType,
)

__all__ = [
    "BUILTIN_SOURCE",
    "DEFAULT_BODY_WORDS",
    "FREEFORM_JSON",
    "LISTING_CSV",
    "LISTING_STATS",
    "Profile",
    "Template",
    "builtin_profile",
    "find_corpus_files",
    "generate_works",
    "load_profile",
    "universe_count",
]

LISTING_CSV: Final = "ao3_ds9_listing_works_20220601.csv"
FREEFORM_JSON: Final = "ao3_canonical_freeform_tags_2015-08.json"

DEFAULT_BODY_WORDS: Final = 300
"""Words of text indexed per work unless told otherwise (the real word count is kept)."""

DEFAULT_WORKS_PER_UNIVERSE: Final = 10_000
"""About the size of the one-fandom listing the profile comes from."""

DEFAULT_FREEFORM_REDRAW: Final = 0.5

LISTING_STATS: Final[dict[str, float]] = {
    "works": 10_324,
    "median_words": 1_913.5,
    "mean_words": 6_176.6,
    "fandoms_per_work": 1.461,
    "relationships_per_work": 1.442,
    "characters_per_work": 3.825,
    "canonical_freeforms_per_work": 3.772,
    "freeforms_per_work": 6.177,
    "single_chapter": 0.755,
    "complete": 0.900,
    "median_kudos": 45,
    "median_hits": 493,
    "median_comments": 7,
    "median_bookmarks": 3,
}
"""Figures measured on the listing CSV (2022-06-01): the built-in profile is fitted to
them, and tests compare generated archives with them."""

# Tag ids: the fixed tags first, then AO3's canonical freeforms, then one block of
# fandom, relationship and character tags per universe.
_FIXED_NAMES: Final[tuple[tuple[str, TagType], ...]] = (
    *((name, TagType.RATING) for name in RATINGS),
    *((name, TagType.WARNING) for name in WARNINGS),
    *((name, TagType.CATEGORY) for name in CATEGORIES),
)
_FIXED_IDS: Final[dict[tuple[str, TagType], int]] = {
    key: index + 1 for index, key in enumerate(_FIXED_NAMES)
}
_FREEFORM_BASE: Final = 1_000
_UNIVERSE_BASE: Final = 10_000_000

_WARNING_ALIASES: Final = {
    "Creator Chose Not To Use Archive Warnings": CHOOSE_NOT_TO_WARN,
    "Underage": UNDERAGE,
}
_LANGUAGES: Final = {
    "English": "en",
    "Русский": "ru",
    "Deutsch": "de",
    "中文-普通话 國語": "zh",
    "Italiano": "it",
    "Português brasileiro": "pt-BR",
    "한국어": "ko",
    "Français": "fr",
    "Español": "es",
    "日本語": "ja",
    "Polski": "pl",
}
_JITTER_WORDS: Final = 0.2
_JITTER_STATS: Final = 0.3
_DATE_JITTER_DAYS: Final = 45
_MIN_CHAPTER_WORDS: Final = 100
_MAX_INDEXED_CHAPTERS: Final = 100
_SUMMARY_WORDS_CAP: Final = 250
_EARLIEST: Final = date(1994, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class Template:
    """One listing row, its tags as ids: fixed and canonical freeform ids are global,
    fandom/relationship/character ids and authors are indexes into the profile's
    universe tables."""

    rating: int | None
    warnings: tuple[int, ...]
    categories: tuple[int, ...]
    local_tags: tuple[int, ...]
    freeforms: tuple[int, ...]
    other_freeforms: tuple[str, ...]
    authors: tuple[int, ...]
    complete: bool
    chapters: int
    words: int
    comments: int
    kudos: int
    bookmarks: int
    hits: int
    updated: int
    """Date ordinal."""
    language: str
    summary_words: int


@dataclass(frozen=True, slots=True)
class Profile:
    """What generated works imitate."""

    source: str
    """Where the figures come from: the listing's path, or "built-in parameters"."""
    templates: tuple[Template, ...]
    local_tags: tuple[tuple[str, TagType], ...]
    """Fandom, relationship and character tags of one universe, by local index."""
    freeform_names: tuple[str, ...]
    """AO3's canonical freeforms, by index (tag id = _FREEFORM_BASE + index)."""
    freeform_cumulative: tuple[float, ...]
    """Cumulative work counts of the canonical freeforms, for drawing one."""
    authors: tuple[str, ...]
    vocabulary: tuple[str, ...]
    """Words, most frequent first."""
    vocabulary_cumulative: tuple[float, ...]
    latest: int
    """Date ordinal of the newest update in the listing."""

    @property
    def from_corpus(self) -> bool:
        return self.source != BUILTIN_SOURCE

    def tag(self, tag_id: int) -> tuple[str, TagType]:
        """Name and type of any tag id a generated work can carry."""
        if tag_id < _FREEFORM_BASE:
            return _FIXED_NAMES[tag_id - 1]
        if tag_id < _UNIVERSE_BASE:
            return self.freeform_names[tag_id - _FREEFORM_BASE], TagType.FREEFORM
        universe, local = divmod(tag_id - _UNIVERSE_BASE, len(self.local_tags))
        name, tag_type = self.local_tags[local]
        return _in_universe(name, universe), tag_type

    def universe(self, tag_id: int) -> int | None:
        """The universe (0 the biggest) of a fandom, relationship or character tag id;
        None for tags every universe shares."""
        if tag_id < _UNIVERSE_BASE:
            return None
        return (tag_id - _UNIVERSE_BASE) // len(self.local_tags)


BUILTIN_SOURCE: Final = "built-in parameters"


def universe_count(works: int, works_per_universe: int = DEFAULT_WORKS_PER_UNIVERSE) -> int:
    return max(1, math.ceil(works / max(1, works_per_universe)))


def _in_universe(name: str, universe: int) -> str:
    return name if universe == 0 else f"{name} ({universe + 1})"


# --- Reading the corpus ------------------------------------------------------------------


def find_corpus_files(path: Path) -> tuple[Path, Path | None] | None:
    """The listing CSV and freeform JSON under ``path`` (the CSV itself, its folder, or a
    corpus root with a ``metadata`` folder); None when there is no listing."""
    if path.is_file():
        freeforms = path.with_name(FREEFORM_JSON)
        return path, freeforms if freeforms.is_file() else None
    for folder in (path, path / "metadata"):
        listing = folder / LISTING_CSV
        if listing.is_file():
            freeforms = folder / FREEFORM_JSON
            return listing, freeforms if freeforms.is_file() else None
    return None


def _count(text: str) -> int:
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isdigit() else 0


def _split(text: str, separator: str = "; ") -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def _read_freeforms(path: Path | None) -> dict[str, int]:
    if path is None:
        return {}
    data: object = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of tag names and counts")
    counts: dict[str, int] = {}
    for name, value in data.items():
        if isinstance(name, str) and isinstance(value, int):
            counts[html.unescape(name)] = max(counts.get(html.unescape(name), 0), value)
    return counts


def load_profile(listing_csv: Path, freeform_json: Path | None = None) -> Profile:
    """A profile from AO3 listing rows (and AO3's canonical freeform counts, without
    which every freeform of the listing is taken as canonical)."""
    canonical = _read_freeforms(freeform_json)
    freeform_index: dict[str, int] = {}
    freeform_counts: list[int] = []

    def freeform_id(name: str) -> int:
        if name not in freeform_index:
            freeform_index[name] = len(freeform_counts)
            freeform_counts.append(max(canonical.get(name, 0), 0))
        return _FREEFORM_BASE + freeform_index[name]

    for name in sorted(canonical):
        freeform_id(name)
    local_index: dict[tuple[str, TagType], int] = {}
    author_index: dict[str, int] = {}
    words: Counter[str] = Counter()
    templates: list[Template] = []

    def local(name: str, tag_type: TagType) -> int:
        return local_index.setdefault((name, tag_type), len(local_index))

    with listing_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            summary_words = split_words(row.get("summary", ""))
            words.update(summary_words)
            words.update(split_words(row.get("title", "")))
            rating = _FIXED_IDS.get((row.get("rating", "").strip(), TagType.RATING))
            warnings = [
                _FIXED_IDS.get((_WARNING_ALIASES.get(name, name), TagType.WARNING))
                for name in _split(row.get("warnings", ""))
            ]
            categories = [
                _FIXED_IDS.get((name, TagType.CATEGORY))
                for name in _split(row.get("category", ""), ", ")
            ]
            local_tags: list[int] = []
            for column, tag_type in (
                ("fandoms", TagType.FANDOM),
                ("relationships", TagType.RELATIONSHIP),
                ("characters", TagType.CHARACTER),
            ):
                local_tags.extend(local(name, tag_type) for name in _split(row.get(column, "")))
            freeforms: list[int] = []
            others: list[str] = []
            for name in _split(row.get("freeforms", "")):
                if not canonical or name in canonical:
                    freeforms.append(freeform_id(name))
                else:
                    others.append(name)
            posted = row.get("chapters", "1").split("/")[0]
            try:
                updated = datetime.strptime(row.get("updated", "").strip(), "%d %b %Y").date()
            except ValueError:
                continue
            language = row.get("language", "").strip()
            templates.append(
                Template(
                    rating=rating,
                    warnings=tuple(sorted({tag for tag in warnings if tag is not None})),
                    categories=tuple(sorted({tag for tag in categories if tag is not None})),
                    local_tags=tuple(dict.fromkeys(local_tags)),
                    freeforms=tuple(dict.fromkeys(freeforms)),
                    other_freeforms=tuple(others),
                    authors=tuple(
                        author_index.setdefault(name, len(author_index))
                        for name in _split(row.get("authors", ""))
                    ),
                    complete=row.get("complete", "").strip() == "Complete Work",
                    chapters=max(1, _count(posted)),
                    words=_count(row.get("words", "")),
                    comments=_count(row.get("comments", "")),
                    kudos=_count(row.get("kudos", "")),
                    bookmarks=_count(row.get("bookmarks", "")),
                    hits=_count(row.get("hits", "")),
                    updated=updated.toordinal(),
                    language=_LANGUAGES.get(language, language.casefold() or "en"),
                    summary_words=min(len(summary_words), _SUMMARY_WORDS_CAP),
                )
            )
    if not templates:
        raise ValueError(f"{listing_csv}: no work listings found")
    if not any(freeform_counts):  # no counts at hand: draw the listing's own freeforms evenly
        freeform_counts = [1] * len(freeform_counts)
    vocabulary = [word for word, _ in words.most_common()]
    return Profile(
        source=str(listing_csv),
        templates=tuple(templates),
        local_tags=tuple(local_index),
        freeform_names=tuple(freeform_index),
        freeform_cumulative=tuple(itertools.accumulate(float(n) for n in freeform_counts)),
        authors=tuple(author_index),
        vocabulary=tuple(vocabulary),
        vocabulary_cumulative=tuple(
            itertools.accumulate(float(words[word]) for word in vocabulary)
        ),
        latest=max(template.updated for template in templates),
    )


# --- The built-in profile ---------------------------------------------------------------

# Shares measured on the listing (2022-06-01).
_RATING_SHARES: Final = {
    "General Audiences": 0.342,
    "Teen And Up Audiences": 0.319,
    "Explicit": 0.158,
    "Mature": 0.136,
    "Not Rated": 0.045,
}
_WARNING_SHARES: Final = {
    "No Archive Warnings Apply": 0.752,
    CHOOSE_NOT_TO_WARN: 0.195,
    "Graphic Depictions Of Violence": 0.036,
    "Major Character Death": 0.023,
    "Rape/Non-Con": 0.019,
    UNDERAGE: 0.002,
}
_CATEGORY_SHARES: Final = {
    "M/M": 0.541,
    "Gen": 0.268,
    "F/M": 0.155,
    "F/F": 0.093,
    "Multi": 0.052,
    "Other": 0.037,
}
_COMMON_FREEFORMS: Final = (
    "Fluff",
    "Angst",
    "Romance",
    "Alternate Universe",
    "Hurt/Comfort",
    "Humor",
    "Smut",
    "Established Relationship",
    "Friendship",
    "Drabble",
    "Alternate Universe - Canon Divergence",
    "Missing Scene",
    "Episode Related",
    "First Kiss",
    "Slow Burn",
    "Pining",
    "Angst with a Happy Ending",
    "Post-Canon",
    "Canon Compliant",
    "Friends to Lovers",
)
_SYLLABLE_TEXT: Final = (
    "ka ri to na mi sa lo ve an el or in ar en da th re st ne la ma ro si "
    "de mo ha ki ta be ga li ra so te wa yu zo qu ph sh ch ol us im ex pre con"
)
_SYLLABLES: Final = tuple(_SYLLABLE_TEXT.split())
_FUNCTION_WORD_TEXT: Final = (
    "the and to a of he she his her was in it that with you i for on as had at "
    "but they not him be what is from so there all were then this would have"
)
_FUNCTION_WORDS: Final = tuple(_FUNCTION_WORD_TEXT.split())
"""Built-in vocabulary: English function words first (the most frequent), then
pseudo-words made of syllables."""


def builtin_profile(templates: int = 5_000) -> Profile:
    """A profile without the corpus: rows drawn from distributions fitted to the listing
    (shares of ratings, warnings and categories; lognormal words and counts with the
    listing's medians; Zipf-popular tags with its tags-per-work), synthetic names."""
    rng = random.Random(20220601)  # noqa: S311 (reproducible test data, not secrets)
    latest = date(2022, 6, 1).toordinal()
    earliest = date(2009, 1, 1).toordinal()
    fandoms = [f"Fandom {n}" for n in range(1, 901)]
    characters = [f"Character {n}" for n in range(1, 3601)]
    local_tags = (
        [(name, TagType.FANDOM) for name in fandoms]
        + [
            (f"{characters[2 * n]}/{characters[2 * n + 1]}", TagType.RELATIONSHIP)
            for n in range(1500)
        ]
        + [
            (f"{characters[2 * n]} & {characters[2 * n + 1]}", TagType.RELATIONSHIP)
            for n in range(1500)
        ]
        + [(name, TagType.CHARACTER) for name in characters]
    )
    by_type: dict[TagType, list[int]] = {}
    for index, (_, tag_type) in enumerate(local_tags):
        by_type.setdefault(tag_type, []).append(index)
    freeform_names = list(_COMMON_FREEFORMS) + [f"Additional Tag {n}" for n in range(1, 5001)]
    freeform_cumulative = list(
        itertools.accumulate(1.0 / (rank + 1) for rank in range(len(freeform_names)))
    )

    zipf = {
        tag_type: list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(pool))))
        for tag_type, pool in by_type.items()
    }

    def zipf_pick(tag_type: TagType, count: int) -> list[int]:
        picks = rng.choices(by_type[tag_type], cum_weights=zipf[tag_type], k=count)
        return list(dict.fromkeys(picks))

    def draw(shares: dict[str, float], tag_type: TagType, count: int) -> tuple[int, ...]:
        names = rng.choices(list(shares), weights=list(shares.values()), k=count)
        return tuple(sorted({_FIXED_IDS[(name, tag_type)] for name in names}))

    rows: list[Template] = []
    for _ in range(templates):
        single = rng.random() < LISTING_STATS["single_chapter"]
        chapters = 1 if single else 2 + int(rng.lognormvariate(1.2, 1.0))
        popularity = rng.gauss(0.0, 1.0)
        fandom_count = 1 + (rng.random() < 0.36) + (rng.random() < 0.12)
        rows.append(
            Template(
                rating=draw(_RATING_SHARES, TagType.RATING, 1)[0],
                warnings=draw(_WARNING_SHARES, TagType.WARNING, 1 + (rng.random() < 0.05)),
                categories=draw(_CATEGORY_SHARES, TagType.CATEGORY, 1 + (rng.random() < 0.15)),
                local_tags=tuple(
                    zipf_pick(TagType.FANDOM, fandom_count)
                    + zipf_pick(TagType.RELATIONSHIP, int(rng.expovariate(1 / 1.5) + 0.5))
                    + zipf_pick(TagType.CHARACTER, 1 + int(rng.expovariate(1 / 3.6)))
                ),
                freeforms=tuple(
                    _FREEFORM_BASE + index
                    for index in dict.fromkeys(
                        rng.choices(
                            range(len(freeform_names)),
                            cum_weights=freeform_cumulative,
                            k=int(rng.expovariate(1 / 4.7)),
                        )
                    )
                ),
                other_freeforms=tuple(
                    " ".join(_pseudo_word(rng) for _ in range(rng.randint(2, 6)))
                    for _ in range(int(rng.expovariate(1 / 2.4)))
                ),
                authors=(rng.randrange(5_000),),
                complete=single or rng.random() < 0.6,
                chapters=chapters,
                words=int(rng.lognormvariate(7.556, 1.531)),
                comments=int(7 * math.exp(1.0 * popularity + 0.5 * rng.gauss(0, 1))),
                kudos=int(45 * math.exp(1.1 * popularity + 0.3 * rng.gauss(0, 1))),
                bookmarks=int(3 * math.exp(1.1 * popularity + 0.6 * rng.gauss(0, 1))),
                hits=int(493 * math.exp(1.0 * popularity + 0.3 * rng.gauss(0, 1))),
                updated=int(rng.triangular(earliest, latest, latest)),
                language="en" if rng.random() < 0.96 else rng.choice(("ru", "de", "zh", "it")),
                summary_words=min(_SUMMARY_WORDS_CAP, int(rng.lognormvariate(3.1, 0.7))),
            )
        )
    vocabulary = list(dict.fromkeys(_FUNCTION_WORDS))
    seen = set(vocabulary)
    while len(vocabulary) < 25_000:
        word = _pseudo_word(rng)
        if word not in seen:
            seen.add(word)
            vocabulary.append(word)
    return Profile(
        source=BUILTIN_SOURCE,
        templates=tuple(rows),
        local_tags=tuple(local_tags),
        freeform_names=tuple(freeform_names),
        freeform_cumulative=tuple(freeform_cumulative),
        authors=tuple(f"writer{n}" for n in range(5_000)),
        vocabulary=tuple(vocabulary),
        vocabulary_cumulative=tuple(
            itertools.accumulate(1.0 / (rank + 2.7) for rank in range(len(vocabulary)))
        ),
        latest=latest,
    )


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))


# --- Generating --------------------------------------------------------------------------


def generate_works(
    count: int,
    profile: Profile,
    *,
    seed: int = 7,
    body_words: int = DEFAULT_BODY_WORDS,
    works_per_universe: int = DEFAULT_WORKS_PER_UNIVERSE,
    freeform_redraw: float = DEFAULT_FREEFORM_REDRAW,
    first_id: int = 1,
) -> Iterator[IndexedWork]:
    """``count`` works with ids from ``first_id``, one at a time (see the module's
    docstring for how each is made). ``body_words`` caps the indexed text per work."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    universes = universe_count(count, works_per_universe)
    universe_cumulative = list(itertools.accumulate(1.0 / (n + 1) for n in range(universes)))
    local_stride = len(profile.local_tags)
    author_stride = len(profile.authors)
    templates = profile.templates
    vocabulary = profile.vocabulary
    vocabulary_cumulative = profile.vocabulary_cumulative
    freeform_cumulative = profile.freeform_cumulative
    freeform_total = freeform_cumulative[-1] if freeform_cumulative else 0.0
    for work_id in range(first_id, first_id + count):
        template = templates[rng.randrange(len(templates))]
        universe = bisect.bisect_right(universe_cumulative, rng.random() * universe_cumulative[-1])
        universe = min(universe, universes - 1)

        tag_types: dict[int, TagType] = {}
        names: list[str] = []
        for tag_id in (
            *((template.rating,) if template.rating is not None else ()),
            *template.warnings,
            *template.categories,
        ):
            name, tag_type = _FIXED_NAMES[tag_id - 1]
            tag_types[tag_id] = tag_type
            names.append(name)
        fandoms = 0
        for local in template.local_tags:
            name, tag_type = profile.local_tags[local]
            tag_types[_UNIVERSE_BASE + universe * local_stride + local] = tag_type
            names.append(_in_universe(name, universe))
            fandoms += tag_type is TagType.FANDOM
        for tag_id in template.freeforms:
            if freeform_total and rng.random() < freeform_redraw:
                index = bisect.bisect_right(freeform_cumulative, rng.random() * freeform_total)
                tag_id = _FREEFORM_BASE + min(index, len(freeform_cumulative) - 1)
            if tag_id not in tag_types:
                tag_types[tag_id] = TagType.FREEFORM
                names.append(profile.freeform_names[tag_id - _FREEFORM_BASE])
        names.extend(template.other_freeforms)

        words = template.words
        if words:
            words = max(1, round(words * math.exp(rng.gauss(0.0, _JITTER_WORDS))))
        updated = template.updated + rng.randint(-_DATE_JITTER_DAYS, _DATE_JITTER_DAYS)
        if updated > profile.latest:
            updated = 2 * profile.latest - updated
        published = updated
        if template.chapters > 1:
            span = int(rng.expovariate(1.0 / (30 * template.chapters)))
            published = max(_EARLIEST, updated - span)

        title_words = rng.randint(1, 6)
        body = min(words, max(0, body_words))
        text = rng.choices(
            vocabulary,
            cum_weights=vocabulary_cumulative,
            k=title_words + template.summary_words + body,
        )
        title = " ".join(text[:title_words]).capitalize()
        summary = " ".join(text[title_words : title_words + template.summary_words])
        chapters = _chapters(work_id, text[title_words + template.summary_words :], template)
        creator_ids = tuple(1 + universe * author_stride + author for author in template.authors)
        yield IndexedWork(
            work_id=work_id,
            title=title,
            creators=tuple(
                _in_universe(profile.authors[author], universe) for author in template.authors
            ),
            creator_ids=creator_ids,
            creator_user_ids=creator_ids,
            summary=summary.capitalize() + "." if summary else "",
            notes="",
            language=template.language,
            filter_tag_ids=frozenset(tag_types),
            tag_types=tag_types,
            tag_names=tuple(names),
            crossover=fandoms > 1,
            complete=template.complete,
            chapter_count=template.chapters,
            word_count=words,
            published=date.fromordinal(published),
            updated=date.fromordinal(updated),
            kudos=_jitter(rng, template.kudos),
            hits=_jitter(rng, template.hits),
            comments=_jitter(rng, template.comments),
            bookmarks=_jitter(rng, template.bookmarks),
            chapters=chapters,
        )


def _jitter(rng: random.Random, value: int) -> int:
    return round(value * math.exp(rng.gauss(0.0, _JITTER_STATS))) if value else 0


def _chapters(work_id: int, words: Sequence[str], template: Template) -> tuple[IndexedChapter, ...]:
    count = max(1, min(template.chapters, _MAX_INDEXED_CHAPTERS, len(words) // _MIN_CHAPTER_WORDS))
    size = math.ceil(len(words) / count) if words else 0
    return tuple(
        IndexedChapter(
            position=position + 1,
            chapter_id=work_id * 1_000 + position + 1,
            title="",
            text=" ".join(words[position * size : (position + 1) * size]),
        )
        for position in range(count)
    )
