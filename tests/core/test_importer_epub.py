"""What the EPUB fixtures cannot show: detection, errors and their reasons, hostile input.

The fixture runner checks every field of each EPUB in fixtures/import/epub; these tests
build small broken EPUBs with the same helpers that build those fixtures
(make_fixtures.py) and check that every failure is an ImportProblem that names the file
inside the EPUB and what is wrong with it, and that zip bombs, deep nesting, entity
bombs and random damage never get further than that.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quire.core.documents import ParsedWork
from quire.core.importers import ImportProblem, SourceFile, default_registry
from quire.core.importers import epub as epub_module
from quire.core.importers.epub import importer
from quire.core.wordcount import count_words
from tests.core.import_expectations import CORPUS, OWN

FIXTURES = OWN / "epub"
FIXTURE_FILES = sorted(FIXTURES.glob("*.epub"))
CORPUS_EPUB = CORPUS / "ao3" / "ao3downloader__23009290__epubTest.epub"


def _load_builder() -> ModuleType:
    """make_fixtures.py lives under a folder named "import", which no import statement can name."""
    path = FIXTURES / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("epub_fixture_builder", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_builder()

CHAPTER = build.xhtml("One", "<h1>One</h1><p>A short chapter about a kettle.</p>")
PACKAGE = build.opf(
    "2.0",
    "    <dc:title>Kettle</dc:title><dc:creator>Pim</dc:creator>",
    build.item("c1", "c1.xhtml"),
    '<spine><itemref idref="c1"/></spine>',
)


def _source(data: bytes, name: str = "book.epub") -> SourceFile:
    return SourceFile(name=name, data=data)


def _epub(*members: tuple[str, str | bytes], **options: bool) -> SourceFile:
    return _source(build.epub_bytes(list(members), **options))


def _minimal(replace: dict[str, str | bytes | None] | None = None) -> SourceFile:
    """A one-chapter EPUB; `replace` swaps (or with None drops) members by name."""
    members: dict[str, str | bytes] = dict(
        [build.container("content.opf"), ("content.opf", PACKAGE), ("c1.xhtml", CHAPTER)]
    )
    for name, content in (replace or {}).items():
        if content is None:
            members.pop(name, None)
        else:
            members[name] = content
    return _epub(*members.items())


def _parse(source: SourceFile) -> ParsedWork:
    [work] = importer.parse(source)
    return work


def _reason(source: SourceFile) -> str:
    with pytest.raises(ImportProblem) as caught:
        importer.parse(source)
    assert caught.value.source_name == source.name
    return caught.value.reason


# --- detection --------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_is_detected_as_epub(path: Path) -> None:
    source = SourceFile(name=path.name, data=path.read_bytes(), path=path)
    assert default_registry().detect(source) is importer


def test_the_fixtures_are_what_make_fixtures_builds() -> None:
    for name, make in build.FIXTURES.items():
        assert (FIXTURES / name).read_bytes() == make(), f"run make_fixtures.py for {name}"


def test_mimetype_need_not_come_first() -> None:
    members = [build.container("content.opf"), ("content.opf", PACKAGE), ("c1.xhtml", CHAPTER)]
    source = _epub(*members, mimetype_first=False, compress_mimetype=True)
    assert importer.recognizes(source)
    assert _parse(source).title == "Kettle"


def test_a_zip_with_container_xml_and_no_mimetype_is_recognized() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("META-INF/container.xml", build.container("content.opf")[1])
    assert importer.recognizes(_source(out.getvalue()))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>Not an EPUB</body></html>",
        b"PK\x03\x04 but nothing more",
        b"%PDF-1.4",
    ],
)
def test_other_files_are_not_recognized(data: bytes) -> None:
    assert not importer.recognizes(_source(data))


def test_a_zip_of_other_files_is_not_recognized() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("story.html", "<p>Hello</p>")
    assert not importer.recognizes(_source(out.getvalue()))


def test_a_truncated_epub_is_still_recognized_so_its_problem_is_reported() -> None:
    data = (FIXTURES / "epub2-calibre.epub").read_bytes()
    source = _source(data[: len(data) // 2])
    assert importer.recognizes(source)
    assert "not a readable zip archive" in _reason(source)


# --- errors, each naming the file inside the EPUB and what is wrong --------------------


def test_not_a_zip() -> None:
    assert _reason(_source(b"plain text, not a zip")).startswith("not a readable zip archive")


def test_missing_container() -> None:
    reason = _reason(_minimal({"META-INF/container.xml": None}))
    assert reason == "META-INF/container.xml is missing, so the EPUB's package file is unknown"


def test_container_that_is_not_xml() -> None:
    reason = _reason(_minimal({"META-INF/container.xml": "this is not XML"}))
    assert reason.startswith("META-INF/container.xml is not well-formed XML (")


def test_container_without_rootfile() -> None:
    reason = _reason(_minimal({"META-INF/container.xml": "<container><rootfiles/></container>"}))
    assert "META-INF/container.xml names no package file" in reason


def test_missing_package_file() -> None:
    reason = _reason(_minimal({"content.opf": None}))
    assert reason == "the package file content.opf named in META-INF/container.xml is missing"


def test_package_without_spine() -> None:
    reason = _reason(_minimal({"content.opf": "<package><metadata><dc:title>X</dc:title>"}))
    assert reason.startswith("content.opf has no spine")


def test_package_with_empty_spine() -> None:
    package = build.opf("2.0", "", build.item("c1", "c1.xhtml"), "<spine/>")
    reason = _reason(_minimal({"content.opf": package}))
    assert reason == "content.opf lists nothing to read (its spine is empty)"


def test_damaged_package_is_read_as_far_as_it_goes() -> None:
    package = PACKAGE.replace("<dc:creator>Pim</dc:creator>", "<dc:creator>Pim</dc:creatr>")
    work = _parse(_minimal({"content.opf": package}))
    assert work.title == "Kettle"
    assert work.chapters[0].content == "<p>A short chapter about a kettle.</p>"
    assert work.problems[0].startswith("content.opf is not well-formed XML (")
    assert work.problems[0].endswith("; read what could be recovered")


def test_spine_whose_files_are_all_missing() -> None:
    reason = _reason(_minimal({"c1.xhtml": None}))
    assert reason == (
        "no chapter text was found in the EPUB "
        "(c1.xhtml is missing from the EPUB; that part of the book was skipped)"
    )


def test_a_refusal_lists_the_first_problems_only() -> None:
    names = [f"c{number}" for number in range(6)]
    package = build.opf(
        "2.0",
        "<dc:title>Gone</dc:title>",
        "\n".join(build.item(name, f"{name}.xhtml") for name in names),
        "<spine>" + "".join(f'<itemref idref="{name}"/>' for name in names) + "</spine>",
    )
    reason = _reason(_minimal({"content.opf": package, "c1.xhtml": None}))
    assert reason == (
        "no chapter text was found in the EPUB (c0.xhtml is missing from the EPUB; that part "
        "of the book was skipped; c1.xhtml is missing from the EPUB; that part of the book was "
        "skipped; c2.xhtml is missing from the EPUB; that part of the book was skipped; "
        "and 3 more)"
    )


def test_hrefs_find_members_whatever_their_case_or_slashes() -> None:
    package = PACKAGE.replace('href="c1.xhtml"', 'href="Text/C1.XHTML"')
    source = _epub(
        build.container("content.opf"),
        ("content.opf", package),
        ("Text\\c1.xhtml", CHAPTER),  # as some Windows tools write member names
    )
    assert _parse(source).chapters[0].content == "<p>A short chapter about a kettle.</p>"


def test_corrupt_chapter_is_a_problem_line_and_the_rest_imports() -> None:
    data = build.epub_bytes(
        [
            build.container("content.opf"),
            (
                "content.opf",
                build.opf(
                    "2.0",
                    "<dc:title>Two</dc:title>",
                    build.item("a", "a.xhtml") + build.item("b", "b.xhtml"),
                    '<spine><itemref idref="a"/><itemref idref="b"/></spine>',
                ),
            ),
            ("a.xhtml", build.xhtml("A", "<p>" + "first part " * 50 + "</p>")),
            ("b.xhtml", build.xhtml("B", "<p>second part</p>")),
        ]
    )
    # Flip bytes in the middle of a.xhtml's compressed data: its CRC no longer matches.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("a.xhtml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    damaged = data[:start] + bytes(b ^ 0xFF for b in data[start : start + 4]) + data[start + 4 :]
    work = _parse(_source(damaged))
    assert [chapter.content for chapter in work.chapters] == ["<p>second part</p>"]
    assert len(work.problems) == 1
    assert work.problems[0].startswith("a.xhtml cannot be unpacked (")


def test_member_larger_than_the_limit_is_refused_unread() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr(*build.container("content.opf"))
        archive.writestr("content.opf", PACKAGE)
        archive.writestr("c1.xhtml", b" " * (epub_module.MAX_MEMBER_BYTES + 1))
    reason = _reason(_source(out.getvalue()))
    assert reason.startswith("no chapter text was found in the EPUB (c1.xhtml unpacks to ")
    assert "more than the 64 MB allowed for one file" in reason


def test_all_members_together_stay_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    container = build.container("content.opf")[1]
    monkeypatch.setattr(epub_module, "MAX_TOTAL_BYTES", len(container) + len(PACKAGE) + 10)
    reason = _reason(_minimal())
    assert "unpacking c1.xhtml would take the EPUB past" in reason
    assert "(a zip bomb?)" in reason


def test_entities_in_the_package_are_never_expanded() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY a "lol">'
        + "".join(
            f'<!ENTITY {name} "{("&" + previous + ";") * 10}">'
            for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]>"
    )
    package = laughs + PACKAGE.split("\n", 1)[1].replace("Kettle", "&i;")
    # libxml2 refuses the document outright ("Maximum entity amplification factor exceeded").
    reason = _reason(_minimal({"content.opf": package}))
    assert reason.startswith("content.opf has no spine")
    assert "it is not well-formed XML (Maximum entity amplification" in reason


def test_deeply_nested_package_is_refused_or_read_without_recursion() -> None:
    deep = "<x>" * 100_000 + "</x>" * 100_000
    package = PACKAGE.replace("<dc:title>", deep + "<dc:title>")
    try:
        _parse(_minimal({"content.opf": package}))
    except ImportProblem as problem:
        assert problem.reason.startswith("content.opf")


def test_deeply_nested_chapter_is_read_as_far_as_the_parser_goes() -> None:
    # libxml2 stops at a nesting depth of 256 and keeps what it read before.
    deep = "<p>Before the pit.</p>" + "<div>" * 200_000 + "deep" + "</div>" * 200_000
    work = _parse(_minimal({"c1.xhtml": build.xhtml("Deep", deep)}))
    assert work.chapters[0].content.startswith("<p>Before the pit.</p>")
    assert count_words(work.chapters[0].content) in (3, 4)


def test_control_characters_next_to_a_dropped_heading() -> None:
    chapter = build.xhtml("One", "<h1>One</h1>\x02<p>Kettle\x03.</p>")
    work = _parse(_minimal({"c1.xhtml": chapter}))
    assert work.chapters[0].title == "One"
    assert "Kettle" in work.chapters[0].content


# --- AO3's EPUBs --------------------------------------------------------------------------


def test_corpus_ao3_epub_has_exactly_the_words_its_preface_declares() -> None:
    if not CORPUS_EPUB.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    with zipfile.ZipFile(CORPUS_EPUB) as archive:
        preface = archive.read("My_Aim_Is_Steady_And_split_000.xhtml").decode()
    printed = re.search(r"Words:\s*([\d,]+)", preface)
    assert printed is not None
    work = _parse(SourceFile(name=CORPUS_EPUB.name, data=CORPUS_EPUB.read_bytes()))
    declared = int(printed.group(1).replace(",", ""))
    assert work.source_format == "ao3-epub"
    assert work.declared_word_count == declared
    assert sum(count_words(chapter.content) for chapter in work.chapters) == declared
    assert work.problems == []


# --- never anything but ImportProblem, and quickly ---------------------------------------

FIXTURE_BYTES = [path.read_bytes() for path in FIXTURE_FILES]
FAST = settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


def _survives(data: bytes) -> None:
    """Parsing either gives works or raises ImportProblem; nothing else escapes."""
    try:
        works = importer.parse(_source(data))
    except ImportProblem as problem:
        assert problem.reason
    else:
        assert works and all(work.chapters for work in works)


@FAST
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    _survives(data)


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_after_an_epub_signature(tail: bytes) -> None:
    header = b"PK\x03\x04\x14\x00" + b"\x00" * 20 + b"\x08\x00\x00\x00mimetype"
    _survives(header + tail)


@FAST
@given(st.sampled_from(FIXTURE_BYTES), st.floats(min_value=0, max_value=1, exclude_max=True))
def test_truncated_fixtures(data: bytes, fraction: float) -> None:
    _survives(data[: int(len(data) * fraction)])


@FAST
@given(
    st.sampled_from(FIXTURE_BYTES),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=8),
)
def test_fixtures_with_flipped_bytes(data: bytes, flips: list[tuple[float, int]]) -> None:
    damaged = bytearray(data)
    for where, mask in flips:
        damaged[int(where * len(damaged))] ^= mask
    _survives(bytes(damaged))


@FAST
@given(st.sampled_from(FIXTURE_BYTES), st.data())
def test_fixtures_with_a_member_replaced(data: bytes, draw: st.DataObject) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(name, archive.read(name)) for name in archive.namelist() if name != "mimetype"]
    index = draw.draw(st.integers(0, len(members) - 1))
    replacement = draw.draw(
        st.one_of(
            st.binary(max_size=512),
            st.text(max_size=512).map(str.encode),
            st.just(members[index][1][: len(members[index][1]) // 2]),
        )
    )
    members[index] = (members[index][0], replacement)
    _survives(build.epub_bytes(members))
