"""Works for the exporter tests: one with every preface field, and the fixture documents.

The sample's words are our own. Fixture documents are the importer fixtures (and the
shared corpus when it is present), read by the importers exactly as ``quire import``
reads them, so the EPUB check covers every kind of markup Quire takes in.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.exporters import ExportWork, SeriesLink, WorkStats
from quire.core.exporters.convert import export_work
from quire.core.importers import SourceFile, default_registry
from quire.core.tags import TagType
from tests.core.import_expectations import CORPUS, OWN, corpus_fixtures, own_fixtures

FIXTURES = Path(__file__).parent / "fixtures"
OLD_MARKUP = FIXTURES / "old_markup.html"

CHAPTERS = [
    ParsedChapter(
        title="Landfall",
        summary="<p>The boat comes in.</p>",
        notes="<p>Set before the first story.</p>",
        content=(
            '<p><a name="start">The</a> tide turned at six, and Nell counted the gulls.</p>'
            "<p>She had counted <em>thirty-one</em> when the boat came round the point.</p>"
        ),
        end_notes='<p>Back to <a href="#start">the start</a>.</p>',
    ),
    ParsedChapter(
        content="<p>The lamp needed oil. The keeper's log said so, twice.</p>",
    ),
    ParsedChapter(
        title="Chapter 3",
        content=(
            '<p>A photograph: <img src="https://images.example/harbour.jpg" alt="the harbour">'
            '</p><p>She read the note from <a href="#start">the first night</a> again.</p>'
        ),
    ),
]


SAMPLE_TAGS = [
    "Teen And Up Audiences",
    "Creator Chose Not To Use Archive Warnings",
    "F/F",
    "Original Work",
    "Nell/The Keeper",
    "Nell",
    "The Keeper",
    "Lighthouses",
    "Slow Burn",
]
"""The sample's tags as readers see them, in the preface's order."""


def sample_work(**changes: Any) -> ParsedWork:
    work = ParsedWork(
        title="The Keeper's Daughter",
        creators=["wren", "Marlowe"],
        summary="<p>Two keepers, one storm.</p><p>A second <i>paragraph</i>.</p>",
        notes="<p>Written for the winter prompt.</p>",
        end_notes='<p>Thanks to <a href="https://example.org/beta">my beta</a>.</p>',
        language="en",
        tags={
            TagType.RATING: ["Teen And Up Audiences"],
            TagType.WARNING: ["Choose Not To Use Archive Warnings"],
            TagType.CATEGORY: ["F/F"],
            TagType.FANDOM: ["Original Work"],
            TagType.RELATIONSHIP: ["Nell/The Keeper"],
            TagType.CHARACTER: ["Nell", "The Keeper"],
            TagType.FREEFORM: ["Lighthouses", "Slow Burn"],
        },
        chapters=[dataclasses.replace(chapter) for chapter in CHAPTERS],
        published=date(2021, 3, 4),
        updated=date(2022, 5, 6),
        series=[SeriesMembership("Harbour Lights", 2)],
    )
    return dataclasses.replace(work, **changes)


def sample_export(**changes: Any) -> ExportWork:
    export = ExportWork(
        work=sample_work(),
        stats=WorkStats(
            words=1234,
            chapters_posted=3,
            chapters_expected=5,
            kudos=10,
            hits=200,
            published=date(2021, 3, 4),
            updated=date(2022, 5, 6),
        ),
        identifier="https://archive.example/works/42",
        url="https://archive.example/works/42",
        archive_name="Harbour Archive",
        language_name="English",
        series=(SeriesLink("Harbour Lights", 2, "https://archive.example/series/7"),),
        collections=("Winter Exchange 2021",),
        modified=date(2022, 5, 6),
        creator_urls={"wren": "https://archive.example/users/wren"},
    )
    return dataclasses.replace(export, **changes)


def bare_export() -> ExportWork:
    """A work with as little as a work can have: no title, creators, dates or text."""
    work = ParsedWork(title="", chapters=[ParsedChapter(content="")], language="not a language!")
    return ExportWork(work=work, stats=WorkStats(words=0, chapters_posted=1), identifier="")


def fixture_documents() -> list[tuple[str, Path]]:
    """(test id, path) of every importer fixture, corpus documents included (maybe absent)."""
    own = [(str(path.relative_to(OWN)), path) for path in own_fixtures()]
    corpus = [(f"corpus/{relative}", CORPUS / relative) for relative in corpus_fixtures()]
    return [*own, *corpus]


def document_exports(path: Path) -> list[ExportWork]:
    """Every work of a fixture document, as ``quire convert`` would export it."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    works = default_registry().parse(SourceFile(name=path.name, data=data, path=path))
    return [
        export_work(work, sha256=digest, position=position) for position, work in enumerate(works)
    ]


def old_markup_export() -> ExportWork:
    """AO3-allowlist HTML that no validator accepts as it is, and links across chapters."""
    work = sample_work(
        chapters=[
            ParsedChapter(
                title="Old HTML",
                content=OLD_MARKUP.read_text(encoding="utf-8"),
                end_notes='<p><a name="note">The note.</a></p>',
            ),
            ParsedChapter(content='<p>Back to <a href="#top">the top of chapter one</a>.</p>'),
        ]
    )
    return sample_export(work=work)


# --- anything at all, for the "never crashes" tests -------------------------------------

MARKUP = st.sampled_from(
    [
        "<p>", "</p>", "<i>", "</i>", "<center>", "<div>", "</div>", "<dl><dd>", "<li>",
        "<table><tr><td>", "</table>", '<a name="x">', '<a href="#x">', "</a>", "<br>",
        '<img src="http://e.example/i.png">', "<pre>\n", "<details>", "<summary>",
        "<h1>", "<ruby>", "<rt>", "&nbsp;", "&", "<", "]]>", '<p align="center">',
        "<figure><figcaption>", "<caption>", "<thead>", "<ul>", "<blockquote>",
    ]
)  # fmt: skip
HTML = st.lists(st.one_of(MARKUP, st.text(max_size=12)), max_size=25).map("".join)
TEXT = st.text(max_size=30)


@st.composite
def export_works(draw: st.DrawFn) -> ExportWork:
    chapters = [
        ParsedChapter(
            content=draw(HTML),
            title=draw(TEXT),
            summary=draw(HTML),
            notes=draw(HTML),
            end_notes=draw(HTML),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    work = ParsedWork(
        title=draw(TEXT),
        chapters=chapters,
        creators=draw(st.lists(TEXT, max_size=3)),
        summary=draw(HTML),
        notes=draw(HTML),
        end_notes=draw(HTML),
        language=draw(TEXT),
        tags={TagType.FREEFORM: draw(st.lists(TEXT, max_size=3))},
        series=[SeriesMembership(draw(TEXT), draw(st.integers(0, 99)))],
    )
    return ExportWork(
        work=work,
        stats=WorkStats(words=draw(st.integers(0, 10**6)), chapters_posted=len(chapters)),
        identifier=draw(TEXT),
        url=draw(st.sampled_from(["", "https://archive.example/works/1", "not a url"])),
        archive_name=draw(TEXT),
        series=tuple(SeriesLink(s.title, s.position, draw(TEXT)) for s in work.series),
        collections=tuple(draw(st.lists(TEXT, max_size=2))),
        creator_urls={name: draw(TEXT) for name in work.creators},
        modified=draw(st.none() | st.dates()),
    )
