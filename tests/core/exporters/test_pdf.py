"""The PDF download: the preface on the title page, each chapter starting a page."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from pypdf import PdfReader

from quire.core.exporters import ExportWork
from quire.core.exporters.pdf import PdfExporter, write_pdf
from tests.core.exporters.samples import (
    bare_export,
    document_exports,
    export_works,
    sample_export,
)
from tests.core.import_expectations import OWN

RUNNING_HEAD = "The Keeper's Daughter"


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return write_pdf(sample_export())


@pytest.fixture(scope="module")
def pages(sample_pdf: bytes) -> list[list[str]]:
    """Each page's lines, without the running head and the page number."""
    result = []
    for number, page in enumerate(PdfReader(io.BytesIO(sample_pdf)).pages, start=1):
        lines = page.extract_text().splitlines()
        if number > 1:
            assert lines[-2:] == [RUNNING_HEAD, str(number)]
            lines = lines[:-2]
        result.append(lines)
    return result


def test_title_page_has_the_preface(pages: list[list[str]]) -> None:
    first = pages[0]
    assert first[:3] == [
        "The Keeper's Daughter",
        "by wren, Marlowe",
        "Posted originally on Harbour Archive at https://archive.example/works/42.",
    ]
    text = "\n".join(first)
    for expected in (
        "Rating: Teen And Up Audiences",
        "Series: Part 2 of Harbour Lights",
        "Words: 1,234 Chapters: 3/5",
        "Two keepers, one storm.",
        "Written for the winter prompt.",
    ):
        assert expected in text


def test_each_chapter_starts_a_page(pages: list[list[str]]) -> None:
    openings = [lines[0] for lines in pages[1:]]
    assert openings == ["Chapter 1: Landfall", "Chapter 2", "Chapter 3", "End Notes"]
    assert "She had counted thirty-one when the boat came round the point." in pages[1]
    assert "The lamp needed oil. The keeper's log said so, twice." in pages[2]
    assert "A photograph: [Image: the harbour]" in pages[3]


def test_metadata_and_bookmarks(sample_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf))
    metadata = reader.metadata
    assert metadata is not None
    assert (metadata.title, metadata.author) == (
        "The Keeper's Daughter - wren, Marlowe",
        "wren, Marlowe",
    )
    bookmarks = [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]
    assert bookmarks == [
        ("The Keeper's Daughter", 0),
        ("Chapter 1: Landfall", 1),
        ("Chapter 2", 2),
        ("Chapter 3", 3),
    ]


def test_same_work_same_bytes(sample_pdf: bytes) -> None:
    assert write_pdf(sample_export()) == sample_pdf


def test_page_size() -> None:
    def width_mm(pdf: bytes) -> float:
        return round(float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width) * 25.4 / 72)

    assert width_mm(write_pdf(bare_export())) == 148
    assert width_mm(PdfExporter("A4").export(bare_export())) == 210
    with pytest.raises(ValueError, match="page size"):
        write_pdf(bare_export(), page_size="huge; } body { display: none")


def test_an_imported_document() -> None:
    (export,) = document_exports(OWN / "ao3" / "template_2024_multichapter.html")
    reader = PdfReader(io.BytesIO(write_pdf(export)))
    openings = [page.extract_text().splitlines()[0] for page in reader.pages]
    for number, chapter in enumerate(export.work.chapters, start=1):
        heading = f"Chapter {number}: {chapter.title}" if chapter.title else f"Chapter {number}"
        assert openings.count(heading) == 1


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_works())
def test_any_work_gives_a_pdf(export: ExportWork) -> None:
    """Few examples: each is laid out in pages (about 0.1 s); the EPUB test covers the markup."""
    assert write_pdf(export).startswith(b"%PDF-")
