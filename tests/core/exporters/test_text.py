"""The plain-text download: its layout against expected files, HTML to text, and robustness."""

from __future__ import annotations

import json
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.exporters import ENTRY_POINT_GROUP, Exporter, ExportWork, SeriesLink, WorkStats
from quire.core.exporters.text import display_width, exporter, html_to_text, render_text
from quire.core.tags import TagType
from tests.core.exporters.samples import document_exports, export_works, fixture_documents

EXPECTED = Path(__file__).parents[1] / "fixtures" / "export" / "text"


def full_work() -> ExportWork:
    """A work with every part of the preface and of a chapter filled in."""
    work = ParsedWork(
        title="The Salt  Road",
        creators=["wren_ink", "Tamsin Rook"],
        summary="<p>Two couriers, one <em>very</em> long road.</p>",
        notes="<p>Written for a prompt.</p><p>Thanks to my beta!</p>",
        end_notes="<p>Come say hi on <a href='https://example.org/wren'>my site</a>.</p>",
        language="fr",
        tags={
            TagType.RATING: ["Teen And Up Audiences"],
            TagType.WARNING: ["Choose Not To Use Archive Warnings"],
            TagType.CATEGORY: ["F/F"],
            TagType.FANDOM: ["The Courier Tales"],
            TagType.RELATIONSHIP: ["Ilse/Tamsin"],
            TagType.CHARACTER: ["Ilse", "Tamsin"],
            TagType.FREEFORM: ["Road Trip", "Slow Burn"],
        },
        chapters=[
            ParsedChapter(
                title="The Gate",
                summary="<p>They set out.</p>",
                notes="<p>Short one.</p>",
                content=(
                    "<p>The gate opened at <strong>dawn</strong>.</p>"
                    "<p>Ilse counted:<br>one,<br>two.</p>"
                    "<hr>"
                    "<blockquote><p>Keep to the road.</p></blockquote>"
                    "<ul><li>bread</li><li>salt</li></ul>"
                ),
                end_notes="<p>More soon.</p>",
            ),
            ParsedChapter(content="<p>The road went on.</p>"),
        ],
    )
    return ExportWork(
        work=work,
        stats=WorkStats(
            words=1234,
            chapters_posted=2,
            chapters_expected=None,
            kudos=10,
            hits=200,
            published=date(2024, 3, 1),
            updated=date(2024, 4, 2),
        ),
        identifier="https://quire.example/works/7",
        url="https://quire.example/works/7",
        archive_name="Quire",
        language_name="Français",
        series=(SeriesLink("Courier Tales", 2, "https://quire.example/series/1"),),
        collections=("Road Fest 2024",),
    )


def oneshot() -> ExportWork:
    """The least a work can have: no url, no tags, one untitled chapter."""
    work = ParsedWork(title="", chapters=[ParsedChapter(content="<p>Just this.</p>")])
    return ExportWork(work=work, stats=WorkStats(words=2, chapters_posted=1), identifier="x")


@pytest.mark.parametrize(
    ("name", "export"), [("full_work", full_work()), ("oneshot", oneshot())], ids=str
)
def test_layout_matches_the_expected_file(name: str, export: ExportWork) -> None:
    expected = (EXPECTED / f"{name}.txt").read_text(encoding="utf-8")
    assert render_text(export) == expected


def test_the_download_is_utf8_with_lf_line_ends() -> None:
    data = exporter.export(full_work())
    text = data.decode("utf-8")
    assert "\r" not in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in text.split("\n"))


def test_registered_as_the_txt_format() -> None:
    (entry_point,) = entry_points(group=ENTRY_POINT_GROUP, name="txt")
    assert entry_point.load() is exporter
    assert isinstance(exporter, Exporter)
    assert (exporter.format_name, exporter.extension) == ("txt", "txt")
    assert exporter.media_type == "text/plain; charset=utf-8"


CASES = json.loads((EXPECTED / "html_to_text.json").read_text(encoding="utf-8"))
"""Each: what it shows (name), the HTML, the text expected."""


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_html_to_text(case: dict[str, str]) -> None:
    assert html_to_text(case["html"]) == case["text"]


def test_indent_applies_to_every_line_but_blank_ones() -> None:
    assert html_to_text("<p>a<br><br>b</p><p>c</p>", indent="  ") == "  a\n\n  b\n\n  c"


def test_deep_nesting_does_not_recurse() -> None:
    """Deeper than Python's recursion limit; libxml2's own limit is 2048 levels."""
    html = "<blockquote>" * 2000 + "deep" + "</blockquote>" * 2000
    assert html_to_text(html).strip() == "deep"


def chapters(*titles: str) -> str:
    work = ParsedWork(title="W", chapters=[ParsedChapter(title=t, content="x") for t in titles])
    export = ExportWork(work=work, stats=WorkStats(words=1, chapters_posted=1), identifier="x")
    return render_text(export)


def test_chapter_headings() -> None:
    assert "Chapter 1\n---------\n\nx\n\n\nChapter 2: Two\n" in chapters("chapter 1", "Two")
    assert "\nAlone\n-----\n\nx\n" in chapters("Alone")
    assert "---" not in chapters("")


def test_wide_characters_take_two_columns() -> None:
    assert display_width("栗子") == 4
    assert display_width("e\u0301") == 1
    title = ParsedWork(title="一个栗子", chapters=[ParsedChapter(content="<p>x</p>")])
    export = ExportWork(work=title, stats=WorkStats(words=1, chapters_posted=1), identifier="x")
    assert render_text(export).startswith("一个栗子\n========\n")


HTML_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<br>", "<hr>", "<ul>", "</ul>", "<ol start='-3' type='i'>", "</ol>",
        "<li>", "</li>", "<blockquote>", "</blockquote>", "<pre>", "</pre>", "<table>",
        "<tr>", "<td>", "</td>", "</tr>", "</table>", "<dl>", "<dt>", "<dd>", "</dl>",
        "<center>", "</center>", "<em>", "</em>", "<a href='https://x'>", "</a>", "<img>",
        "<!--", "-->", "<script>", "</script>", "&nbsp;", "&amp;", "\n", "\t", " ", "\r\n",
        "word", "一个", "e\u0301", "\x00", "\x0b", "<", ">", "&",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HTML_PIECES | st.text(max_size=20), max_size=60).map("".join))
def test_html_to_text_never_crashes(html: str) -> None:
    text = html_to_text(html)
    assert "\r" not in text
    assert not text.startswith("\n") and not text.endswith("\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_works())
def test_any_work_exports(export: ExportWork) -> None:
    text = exporter.export(export).decode("utf-8")
    assert text.endswith("\n")
    assert "\r" not in text


@pytest.mark.parametrize(
    ("name", "path"), fixture_documents(), ids=[n for n, _ in fixture_documents()]
)
def test_every_document_quire_reads_becomes_text(name: str, path: Path) -> None:
    for export in document_exports(path):
        text = render_text(export)
        assert text.startswith(_title_line(export))
        assert all(line == line.rstrip() for line in text.split("\n"))


def _title_line(export: ExportWork) -> str:
    return (" ".join(export.work.title.split()) or "Untitled") + "\n"
