"""The EPUB's files, metadata, navigation and text; EPUBCheck runs in test_epubcheck."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from quire.core.exporters import ExportWork
from quire.core.exporters.epub import write_epub
from tests.core.exporters.samples import (
    SAMPLE_TAGS,
    bare_export,
    export_works,
    old_markup_export,
    sample_export,
)

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "epub": "http://www.idpf.org/2007/ops",
}


def flat(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


class Book:
    """An EPUB opened for reading in tests."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def lines(self, name: str) -> list[str]:
        """The text of each heading, paragraph and list row, spaces collapsed."""
        blocks = self.xml(name).xpath("//x:h1|//x:h2|//x:h3|//x:p|//x:dt|//x:dd", namespaces=NS)
        return [flat(block) for block in blocks]

    @property
    def package(self) -> etree._Element:
        return self.xml("OEBPS/content.opf")

    def metadata(self, path: str) -> list[str]:
        return [node.text or "" for node in self.package.xpath(path, namespaces=NS)]

    @property
    def spine(self) -> list[str]:
        hrefs = {
            item.get("id"): item.get("href")
            for item in self.package.xpath("//opf:item", namespaces=NS)
        }
        return [hrefs[ref] for ref in self.package.xpath("//opf:itemref/@idref", namespaces=NS)]


@pytest.fixture(scope="module")
def book() -> Book:
    return Book(write_epub(sample_export()))


def test_zip_layout(book: Book) -> None:
    first = book.zip.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert book.zip.read("mimetype") == b"application/epub+zip"
    container = book.xml("META-INF/container.xml")
    assert container.xpath("//@full-path") == ["OEBPS/content.opf"]
    # Entries carry the work's last change, never the time of the download.
    assert {info.date_time for info in book.zip.infolist()} == {(2022, 5, 6, 0, 0, 0)}


def test_package_metadata(book: Book) -> None:
    package = book.package
    assert package.get("version") == "3.0"
    uid = package.get("unique-identifier")
    assert book.metadata(f"//dc:identifier[@id='{uid}']") == ["https://archive.example/works/42"]
    assert book.metadata("//dc:identifier[@id='url']") == ["url:https://archive.example/works/42"]
    assert book.metadata("//dc:title") == ["The Keeper's Daughter"]
    assert book.metadata("//dc:creator") == ["wren", "Marlowe"]
    assert book.metadata("//opf:meta[@property='role']") == ["aut", "aut"]
    assert book.metadata("//dc:language") == ["en"]
    assert book.metadata("//dc:subject") == SAMPLE_TAGS
    assert book.metadata("//dc:description") == ["Two keepers, one storm.\n\nA second paragraph."]
    assert book.metadata("//dc:source") == ["https://archive.example/works/42"]
    assert book.metadata("//dc:publisher") == ["Harbour Archive"]
    assert book.metadata("//dc:date") == ["2021-03-04"]
    assert book.metadata("//opf:meta[@property='dcterms:modified']") == ["2022-05-06T00:00:00Z"]


def test_series_metadata_for_epub3_and_calibre(book: Book) -> None:
    package = book.package
    (collection,) = package.xpath("//opf:meta[@property='belongs-to-collection']", namespaces=NS)
    assert collection.text == "Harbour Lights"
    refines = {
        meta.get("property"): meta.text
        for meta in package.xpath(f"//opf:meta[@refines='#{collection.get('id')}']", namespaces=NS)
    }
    assert refines == {"collection-type": "series", "group-position": "2"}
    calibre = {
        meta.get("name"): meta.get("content")
        for meta in package.xpath("//opf:meta[@name]", namespaces=NS)
    }
    assert calibre == {"calibre:series": "Harbour Lights", "calibre:series_index": "2"}


def test_metadata_of_a_bare_work() -> None:
    book = Book(write_epub(bare_export()))
    assert book.metadata("//dc:title") == ["Untitled"]
    assert book.metadata("//dc:creator") == []
    assert book.metadata("//dc:language") == ["und"]
    assert book.metadata("//dc:date") == []
    assert book.metadata("//opf:meta[@property='dcterms:modified']") == ["1980-01-01T00:00:00Z"]
    (identifier,) = book.metadata("//dc:identifier")
    assert identifier.startswith("urn:uuid:")


EXPECTED_CONTENTS = [
    ("preface.xhtml", "Preface"),
    ("chapter-1.xhtml", "Chapter 1: Landfall"),
    ("chapter-2.xhtml", "Chapter 2"),
    ("chapter-3.xhtml", "Chapter 3"),
    ("afterword.xhtml", "End Notes"),
]


def test_spine_and_navigation_list_every_part(book: Book) -> None:
    assert book.spine == [href for href, _ in EXPECTED_CONTENTS]
    nav = book.xml("OEBPS/nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    assert [(a.get("href"), a.text) for a in toc] == EXPECTED_CONTENTS
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    assert [(a.get(f"{{{NS['epub']}}}type"), a.get("href")) for a in landmarks] == [
        ("titlepage", "preface.xhtml"),
        ("bodymatter", "chapter-1.xhtml"),
    ]
    assert book.package.xpath("//opf:item[@properties='nav']/@href", namespaces=NS) == ["nav.xhtml"]


def test_ncx_matches_the_navigation(book: Book) -> None:
    ncx = book.xml("OEBPS/toc.ncx")
    points = ncx.xpath("//ncx:navPoint", namespaces=NS)
    entries = [
        (
            point.xpath("ncx:content/@src", namespaces=NS)[0],
            point.xpath("ncx:navLabel/ncx:text/text()", namespaces=NS)[0],
        )
        for point in points
    ]
    assert entries == EXPECTED_CONTENTS
    assert [point.get("playOrder") for point in points] == ["1", "2", "3", "4", "5"]
    assert ncx.xpath("//ncx:meta[@name='dtb:uid']/@content", namespaces=NS) == [
        "https://archive.example/works/42"
    ]
    assert book.package.xpath("//opf:spine/@toc", namespaces=NS) == ["ncx"]


def test_title_page_carries_the_preface(book: Book) -> None:
    page = book.xml("OEBPS/preface.xhtml")
    (byline,) = page.xpath("//x:p[@class='byline']", namespaces=NS)
    assert byline.xpath("x:a/@href", namespaces=NS) == ["https://archive.example/users/wren"]
    (to_end,) = page.xpath("//x:p[@class='endnote-link']/x:a/@href", namespaces=NS)
    assert to_end == "afterword.xhtml#endnotes"
    assert book.lines("OEBPS/preface.xhtml") == [
        "The Keeper's Daughter",
        "by wren, Marlowe",
        "Posted originally on Harbour Archive at https://archive.example/works/42.",
        "Rating:",
        "Teen And Up Audiences",
        "Archive Warning:",
        "Creator Chose Not To Use Archive Warnings",
        "Category:",
        "F/F",
        "Fandom:",
        "Original Work",
        "Relationship:",
        "Nell/The Keeper",
        "Character:",
        "Nell, The Keeper",
        "Additional Tags:",
        "Lighthouses, Slow Burn",
        "Language:",
        "English",
        "Series:",
        "Part 2 of Harbour Lights",
        "Collections:",
        "Winter Exchange 2021",
        "Stats:",
        "Published: 2021-03-04 Updated: 2022-05-06 Words: 1,234 Chapters: 3/5 Kudos: 10 Hits: 200",
        "Summary",
        "Two keepers, one storm.",
        "A second paragraph.",
        "Notes",
        "Written for the winter prompt.",
        "(More notes at the end of the work.)",
    ]


def test_chapter_files_hold_the_chapters(book: Book) -> None:
    assert book.lines("OEBPS/chapter-1.xhtml") == [
        "Chapter 1: Landfall",
        "Summary",
        "The boat comes in.",
        "Notes",
        "Set before the first story.",
        "(More notes at the end of the chapter.)",
        "The tide turned at six, and Nell counted the gulls.",
        "She had counted thirty-one when the boat came round the point.",
        "End Notes",
        "Back to the start.",
    ]
    assert book.lines("OEBPS/chapter-2.xhtml") == [
        "Chapter 2",
        "The lamp needed oil. The keeper's log said so, twice.",
    ]
    assert book.lines("OEBPS/afterword.xhtml") == ["End Notes", "Thanks to my beta."]
    (title,) = book.xml("OEBPS/chapter-1.xhtml").xpath("//x:title/text()", namespaces=NS)
    assert title == "Chapter 1: Landfall"


def test_links_between_chapters_name_the_file(book: Book) -> None:
    third = book.xml("OEBPS/chapter-3.xhtml")
    assert third.xpath("//x:a[.='the first night']/@href", namespaces=NS) == [
        "chapter-1.xhtml#n-start"
    ]
    first = book.xml("OEBPS/chapter-1.xhtml")
    assert first.xpath("//x:a[.='the start']/@href", namespaces=NS) == ["#n-start"]


def test_web_images_become_links(book: Book) -> None:
    third = book.xml("OEBPS/chapter-3.xhtml")
    assert third.xpath("//x:img", namespaces=NS) == []
    assert third.xpath("//x:a[@class='image-link']/@href", namespaces=NS) == [
        "https://images.example/harbour.jpg"
    ]


def test_same_work_same_bytes() -> None:
    assert write_epub(sample_export()) == write_epub(sample_export())
    assert write_epub(sample_export()) != write_epub(sample_export(modified=date(2023, 1, 1)))


def content_documents(book: Book) -> list[str]:
    return [name for name in book.zip.namelist() if name.endswith(".xhtml")]


def test_old_markup_is_rewritten() -> None:
    book = Book(write_epub(old_markup_export()))
    chapter = book.xml("OEBPS/chapter-1.xhtml")
    obsolete = (
        "//x:center|//x:big|//x:tt|//x:strike|//x:acronym|//@align|//@border|//@cellpadding"
        "|//@cellspacing|//@summary|//@axis|//@name|//x:table/@width|//x:td/@width"
        "|//x:ul/@type|//x:img"
    )
    assert chapter.xpath(obsolete, namespaces=NS) == []
    classes = " ".join(chapter.xpath("//@class", namespaces=NS)).split()
    for expected in ("center", "big", "tt", "align-center", "bordered", "centered", "as-i"):
        assert expected in classes
    second = book.xml("OEBPS/chapter-2.xhtml")
    assert second.xpath("//x:a/@href", namespaces=NS) == ["chapter-1.xhtml#n-top"]


def check_well_formed(book: Book) -> None:
    """Every content document parses as XML, and no id repeats within one."""
    for name in content_documents(book):
        document = book.xml(name)
        ids = document.xpath("//@id")
        assert len(ids) == len(set(ids)), name
        for link in document.xpath("//x:a[starts-with(@href, '#')]/@href", namespaces=NS):
            assert link[1:] in ids, (name, link)
    book.xml("OEBPS/content.opf")
    book.xml("OEBPS/toc.ncx")


@pytest.mark.parametrize("export", [sample_export(), bare_export(), old_markup_export()])
def test_documents_are_well_formed(export: ExportWork) -> None:
    check_well_formed(Book(write_epub(export)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_works())
def test_any_work_gives_a_well_formed_book(export: ExportWork) -> None:
    check_well_formed(Book(write_epub(export)))


def test_sample_chapters_are_not_shared_between_exports() -> None:
    """The sample builder copies its chapters, so tests cannot leak edits into each other."""
    one, two = sample_export(), sample_export()
    assert one.work.chapters[0] is not two.work.chapters[0]
    assert dataclasses.asdict(one.work) == dataclasses.asdict(two.work)
