"""What the AO3 download fixtures cannot show: detection, AO3's own word counts, EPUB parts, errors.

The fixture runner checks every field of every fixture; these tests pin the promises
other code relies on: a corpus download's chapters add up to exactly the "Words:" AO3
printed, and `parse_ao3_documents` reads an AO3 EPUB's XHTML files (split by calibre)
as one work.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from quire.core.importers import ImportProblem, SourceFile, default_registry
from quire.core.importers.ao3_html import importer, parse_ao3_documents
from quire.core.wordcount import count_words
from tests.core.import_expectations import CORPUS, OWN

FIXTURES = OWN / "ao3"
CORPUS_DOWNLOADS = sorted((CORPUS / "ao3").glob("*.html"))
CORPUS_EPUB = CORPUS / "ao3" / "ao3downloader__23009290__epubTest.epub"
MULTI_CHAPTER = FIXTURES / "template_2024_multichapter.html"


def _source(path: Path) -> SourceFile:
    return SourceFile(name=path.name, data=path.read_bytes(), path=path)


def _words(work_chapters: list[str]) -> int:
    return sum(count_words(content) for content in work_chapters)


def test_corpus_is_present_or_skipped() -> None:
    if not CORPUS_DOWNLOADS:
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    assert len(CORPUS_DOWNLOADS) == 8


@pytest.mark.parametrize("path", CORPUS_DOWNLOADS, ids=lambda path: path.name)
def test_corpus_download_word_count_equals_what_ao3_printed(path: Path) -> None:
    printed = re.search(r"Words:\s*([\d,]+)", path.read_text(encoding="utf-8"))
    assert printed is not None
    [work] = importer.parse(_source(path))
    assert _words([chapter.content for chapter in work.chapters]) == int(
        printed.group(1).replace(",", "")
    )
    assert work.declared_word_count == int(printed.group(1).replace(",", ""))
    assert work.problems == []


def _epub_spine_documents(path: Path) -> list[str]:
    """The XHTML files of an EPUB in reading order, read the plainest way there is."""
    with zipfile.ZipFile(path) as epub:
        container = etree.fromstring(epub.read("META-INF/container.xml"))
        rootfile = container.find(".//{*}rootfile")
        assert rootfile is not None
        package_path = rootfile.get("full-path", "")
        package = etree.fromstring(epub.read(package_path))
        hrefs = {item.get("id"): item.get("href", "") for item in package.iterfind(".//{*}item")}
        folder = posixpath.dirname(package_path)
        return [
            epub.read(posixpath.join(folder, hrefs[itemref.get("idref")])).decode("utf-8")
            for itemref in package.iterfind(".//{*}spine/{*}itemref")
        ]


def test_ao3_epub_parts_read_as_one_work() -> None:
    if not CORPUS_EPUB.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    documents = _epub_spine_documents(CORPUS_EPUB)
    assert len(documents) == 4  # calibre split the preface and the chapters apart
    work = parse_ao3_documents(CORPUS_EPUB.name, documents)
    assert work.title == "My Aim Is Steady And True"
    assert work.creators == ["nianeyna"]
    assert work.source_id == "23009290"
    assert work.declared_word_count == 4559
    assert _words([chapter.content for chapter in work.chapters]) == 4559
    assert len(work.chapters) == 1
    assert work.summary and work.notes and work.end_notes
    assert "See the end" not in work.notes
    assert "calibre" not in work.chapters[0].content  # calibre's invented classes are gone
    assert work.problems == []


def test_epub_and_html_download_of_one_work_agree() -> None:
    html = CORPUS / "ao3" / "ao3downloader__23009290__htmlTest.html"
    if not (CORPUS_EPUB.exists() and html.exists()):
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    [from_html] = importer.parse(_source(html))
    from_epub = parse_ao3_documents(CORPUS_EPUB.name, _epub_spine_documents(CORPUS_EPUB))
    assert from_epub.tags == from_html.tags
    assert from_epub.summary == from_html.summary
    assert from_epub.end_notes == from_html.end_notes
    assert (from_epub.published, from_epub.complete) == (from_html.published, from_html.complete)


def _split(text: str, marker: str) -> list[str]:
    """Split a download the way calibre does: the open ancestors are repeated in the next file."""
    before, after = text.split(marker, 1)
    reopened = '<html><body><div id="chapters" class="userstuff"><div class="userstuff">'
    return [before + "</div></div></body></html>", reopened + marker + after]


def test_chapter_text_split_across_documents_stays_one_chapter() -> None:
    text = MULTI_CHAPTER.read_text(encoding="utf-8")
    [whole] = importer.parse(_source(MULTI_CHAPTER))
    parts = _split(text, "<p>Afterwards they counted")
    split = parse_ao3_documents("split", parts)
    assert [chapter.title for chapter in split.chapters] == [
        chapter.title for chapter in whole.chapters
    ]
    assert [count_words(chapter.content) for chapter in split.chapters] == [
        count_words(chapter.content) for chapter in whole.chapters
    ]
    assert split.end_notes == whole.end_notes
    assert split.problems == []


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")), ids=lambda path: path.name)
def test_own_fixtures_are_detected_as_ao3(path: Path) -> None:
    assert default_registry().detect(_source(path)).format_name == "ao3-html"


@pytest.mark.parametrize(
    "html",
    [
        b"<html><body><p>A story I liked on archiveofourown.org</p></body></html>",
        b'<html><body><div id="preface"><p>Preface</p></div><p>Text.</p></body></html>',
        b"Posted originally on the Archive of Our Own, copied into a text file.",
        b"<html><head><title>Works in Fluff [Archive of Our Own]</title></head><body></body>",
    ],
)
def test_other_documents_are_not_ao3(html: bytes) -> None:
    assert not importer.recognizes(SourceFile(name="page.html", data=html))


def test_work_page_far_down_a_saved_page_is_recognized_without_its_landmarks() -> None:
    page = (FIXTURES / "work_page_full_work.html").read_text(encoding="utf-8")
    menus = "<ul>" + "<li><a href='/menu'>Menu</a></li>" * 2000 + "</ul>"
    source = SourceFile(
        name="saved.html", data=page.replace("<ul id=", menus + "<ul id=", 1).encode()
    )
    assert importer.recognizes(source)
    [work] = importer.parse(source)
    text = "".join(chapter.content for chapter in work.chapters)
    assert "Chapter Text" not in text
    assert "See the end" not in work.notes + "".join(chapter.notes for chapter in work.chapters)
    assert _words([chapter.content for chapter in work.chapters]) == work.declared_word_count


def test_no_preface_is_a_problem_with_a_reason() -> None:
    with pytest.raises(ImportProblem, match="no AO3 preface"):
        parse_ao3_documents("page.html", ["<html><body><p>Just a page.</p></body></html>"])


def test_preface_without_chapters_is_a_problem_with_a_reason() -> None:
    text = MULTI_CHAPTER.read_text(encoding="utf-8")
    preface_only = text.split('<div id="chapters"', 1)[0] + "</body></html>"
    with pytest.raises(ImportProblem, match="no chapter text") as raised:
        parse_ao3_documents("cut.html", [preface_only])
    assert raised.value.source_name == "cut.html"


def test_unknown_preface_field_is_reported() -> None:
    text = MULTI_CHAPTER.read_text(encoding="utf-8").replace(
        "<dt>Language:</dt>", "<dt>Mood:</dt>\n<dd>Stormy</dd>\n<dt>Language:</dt>", 1
    )
    work = parse_ao3_documents("mood.html", [text])
    assert work.problems == ["preface field 'Mood' was not understood"]


def _parse_or_problem(data: bytes) -> None:
    source = SourceFile(name="fuzz.html", data=data)
    try:
        works = importer.parse(source)
    except ImportProblem as problem:
        assert problem.source_name == "fuzz.html"
    else:
        assert works and works[0].chapters


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_import_problem(data: bytes) -> None:
    _parse_or_problem(data)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(MULTI_CHAPTER.read_bytes())))
def test_truncated_download_only_raises_import_problem(length: int) -> None:
    _parse_or_problem(MULTI_CHAPTER.read_bytes()[:length])


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=20_000), st.sampled_from(["div", "blockquote", "b"]))
def test_deeply_nested_download_only_raises_import_problem(depth: int, tag: str) -> None:
    text = MULTI_CHAPTER.read_text(encoding="utf-8")
    nested = f"<{tag}>" * depth + "deep" + f"</{tag}>" * depth
    for place in ("<p>Low tide", "<p>Three tides"):  # chapter text, then a summary
        _parse_or_problem(text.replace(place, nested + place, 1).encode())


def test_an_impossible_date_is_a_problem_not_a_crash() -> None:
    from quire.core.documents import ParsedWork
    from quire.core.importers.ao3_html import _read_stats

    work = ParsedWork(title="x", chapters=[])
    _read_stats("Published: 2020-02-31 Updated: 2020-03-01 Words: 10", work)
    assert work.problems == ["Published date 2020-02-31 is not a real date"]
    assert work.published is None
    assert str(work.updated) == "2020-03-01"


def test_a_zip_is_never_taken_for_an_ao3_page() -> None:
    from quire.core.importers import SourceFile
    from quire.core.importers.ao3_html import importer

    data = b"PK\x03\x04" + b'<div id="preface">Posted originally on the Archive of Our Own'
    assert not importer.recognizes(SourceFile(name="raw.epub", data=data))
