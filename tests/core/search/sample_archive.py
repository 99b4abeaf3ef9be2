"""The sample archive every search test indexes: IndexedWork values built exactly.

Shared by the backend contract (tests/app/search_contract.py) and the tantivy
index's own tests, so both read the same works and tags.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

from quire.core.search.model import IndexedChapter, IndexedWork
from quire.core.search.textquery import split_words
from quire.core.tags import TagType

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
UNTYPED_TAG = 99
"""A filter tag the documents give no type: it filters but is in no facet."""
FANDOMS = {tag_id for tag_id, (tag_type, _) in TAGS.items() if tag_type is F}


def make(
    work_id: int,
    title: str,
    chapters: Sequence[str | tuple[str, str]],
    *,
    tags: set[int],
    creators: tuple[str, ...] = ("Ada Quill",),
    creator_ids: tuple[int, ...] = (11,),
    creator_user_ids: tuple[int, ...] = (111,),
    published: date | None = date(2020, 1, 1),
    updated: date | None = date(2020, 1, 1),
    **fields: object,
) -> IndexedWork:
    """A work; a chapter is its text, or (title, text)."""
    titled = [chapter if isinstance(chapter, tuple) else ("", chapter) for chapter in chapters]
    values: dict[str, object] = {
        "summary": "",
        "notes": "",
        "language": "en",
        "complete": True,
        "word_count": sum(len(split_words(text)) for _, text in titled),
        "crossover": len(tags & FANDOMS) > 1,
    }
    values.update(fields)
    return IndexedWork(
        work_id=work_id,
        title=title,
        creators=creators,
        creator_ids=creator_ids,
        filter_tag_ids=frozenset(tags),
        tag_types={tag_id: TAGS[tag_id][0] for tag_id in tags if tag_id in TAGS},
        tag_names=tuple(TAGS[tag_id][1] for tag_id in sorted(tags) if tag_id in TAGS),
        chapter_count=len(chapters),
        published=published,
        updated=updated,
        creator_user_ids=creator_user_ids,
        chapters=tuple(
            IndexedChapter(
                position=position,
                chapter_id=work_id * 100 + position,
                title=chapter_title,
                text=text,
            )
            for position, (chapter_title, text) in enumerate(titled, start=1)
        ),
        **values,  # type: ignore[arg-type]
    )


# Past PostgreSQL's tsvector position limits: "the" 4,000 times, 20,000 words before
# the lighthouse.
LONG_CHAPTER = (
    "Waves crash on the shore. " * 4000
    + "At last they saw the lighthouse on the cliff, <tall> & white."
    + " Waves." * 60
)

TEXT_WORKS = [
    make(
        1,
        "Rain on the Hellmouth",
        [
            "It was raining in Sunnydale. Buffy carried an umbrella.",
            (
                "Storm Breaks",
                "The umbrella broke, and Spike laughed at the bad end of the night."
                " <b>Bold</b> & brave.",
            ),
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
        notes="Inspired by a song about lanterns and moths; see file_name_here.",
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
        tags={1, 20, 30, UNTYPED_TAG},
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
    replace(work, creator_user_ids=(200 + work.work_id,))
    for work in [
        make(DRAFT, "Zephyr Draft", ["A zephyr in the draft."], tags={62, 63}, posted=False),
        make(HIDDEN, "Zephyr Hidden", ["A zephyr, hidden."], tags={62, 64}, hidden=True),
        make(
            RESTRICTED,
            "Zephyr Restricted",
            ["A zephyr for members."],
            tags={62, 65},
            restricted=True,
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
]

# Identical works but for their update dates: equal relevance, told apart by date.
QUOKKAS = [
    make(
        work_id,
        "Quokka",
        ["The quokka smiled."],
        tags={1, 20, 32, 66},
        published=date(2021, 1, 1),
        updated=date(2021, 1, work_id - 18),
    )
    for work_id in (19, 20, 21)
]

FILLER_TITLES = ["9 Lives", "10 Things", "The Apple", "banana", "...Cherry", "Apple Pie"]
FILLERS = [
    make(
        22 + k,
        title,
        ["Plain filler prose."] * (k % 3 + 1),
        tags={[1, 2, 3][k % 3], 20 + k % 3, [30, 32][k % 2], 61 if k % 2 else 62, 66},
        creators=(["Bea Lark", "Cy Moss", "ada quill"][k % 3],),
        creator_ids=((12, 13, 11)[k % 3],),
        word_count=[500, 1500, 3000, 12000, 250, 800][k],
        kudos=[0, 5, 5, 100, 3, 3][k],
        hits=[10, 50, 50, 5000, 30, 30][k],
        comments=[0, 1, 1, 9, 0, 0][k],
        bookmarks=[0, 0, 2, 8, 1, 1][k],
        language="fr" if k in (2, 5) else "en",
        complete=k % 2 == 0,
        published=None if k == 4 else date(2015 + k, 1 + k, 1),
        updated=None if k == 4 else date(2015 + k, 1 + k, 1 + 2 * (k % 3)),
    )
    for k, title in enumerate(FILLER_TITLES)
]

CORPUS = TEXT_WORKS + VISIBILITY_WORKS + QUOKKAS + FILLERS
BY_ID = {work.work_id: work for work in CORPUS}
assert len(BY_ID) == len(CORPUS) == 27


GENERATED_WORDS = ["alpha", "bravo", "charlie", "delta", "echo"]


def generated_works(count: int) -> Iterator[IndexedWork]:
    """``count`` plain works for scale checks: every tenth restricted, ratings, fandoms
    and 50 freeforms in turn, one unique freeform each, a word of GENERATED_WORDS in turn."""
    for n in range(1, count + 1):
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
            tag_types={tag_id: R if tag_id < 10 else F if tag_id < 100 else FF for tag_id in tags},
            tag_names=(),
            crossover=False,
            complete=n % 2 == 0,
            chapter_count=1,
            word_count=n,
            published=date(2020, 1, 1),
            updated=date.fromordinal(date(2020, 1, 1).toordinal() + n % 1000),
            kudos=n % 97,
            restricted=n % 10 == 0,
            chapters=(IndexedChapter(1, n, "", f"{GENERATED_WORDS[n % 5]} common text {n}"),),
        )
