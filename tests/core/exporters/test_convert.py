"""Converting documents without an archive: identifiers, stats, file names, where files go.

Only the txt format is used here (the registry is replaced), so these tests
need no other exporter; tests/cli/test_convert.py runs every format.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.exporters import ExporterRegistry, ExportProblem, ExportWork
from quire.core.exporters import convert as convert_module
from quire.core.exporters.convert import (
    Conversion,
    OutputFolder,
    convert_document,
    export_work,
    safe_file_stem,
    work_stats,
)
from quire.core.exporters.text import exporter as text_exporter
from quire.core.importers import ImportProblem, SourceFile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
AO3_MULTICHAPTER = FIXTURES / "ao3" / "template_2024_multichapter.html"
EFICTION_DUMP = FIXTURES / "efiction" / "series.sql"


class FailingExporter:
    """An exporter that refuses every work, as a format with a limit would."""

    format_name = "broken"
    extension = "bin"
    media_type = "application/octet-stream"
    label = "Broken"

    def export(self, work: ExportWork) -> bytes:
        if "Lamplight" in work.work.title:
            raise ExportProblem(work.work.title, "too long for this format")
        raise RuntimeError("a bug")


@pytest.fixture(autouse=True)
def only_text_and_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = ExporterRegistry([text_exporter, FailingExporter()])
    monkeypatch.setattr(convert_module, "default_registry", lambda: registry)


def work(**changes: Any) -> ParsedWork:
    chapters = [ParsedChapter(content="<p>one two three</p>", word_count=3)]
    return replace(ParsedWork(title="Lamplight", chapters=chapters), **changes)


def test_identifiers_depend_on_the_file_and_the_position() -> None:
    first = export_work(work(), sha256="ab" * 32, position=0)
    assert first.identifier.startswith("urn:uuid:")
    assert export_work(work(), sha256="ab" * 32, position=0).identifier == first.identifier
    assert export_work(work(), sha256="ab" * 32, position=1).identifier != first.identifier
    assert export_work(work(), sha256="cd" * 32, position=0).identifier != first.identifier


def test_the_export_carries_what_the_document_declares() -> None:
    parsed = work(
        source_url="https://www.example.org/s/12",
        series=[SeriesMembership("Lights", 2)],
        collections=["Fest"],
        published=date(2020, 1, 1),
    )
    export = export_work(parsed, sha256="0" * 64, position=0, language_name="English")
    assert export.url == "https://www.example.org/s/12"
    assert export.archive_name == "example.org"
    assert export.language_name == "English"
    assert [(link.title, link.position) for link in export.series] == [("Lights", 2)]
    assert export.collections == ("Fest",)
    assert export.modified == date(2020, 1, 1)
    assert export_work(work(source_url="http://[broken"), sha256="", position=0).archive_name == ""


def test_stats_count_words_from_the_chapters() -> None:
    chapters = [ParsedChapter(content="<p>one two</p>"), ParsedChapter(content="<p>three</p>")]
    stats = work_stats(
        work(
            chapters=chapters,
            declared_word_count=999,
            expected_chapters=None,
            complete=True,
            published=date(2021, 5, 1),
            updated=date(2021, 6, 1),
        )
    )
    assert (stats.words, stats.chapters_posted, stats.chapters_expected) == (3, 2, 2)
    assert stats.completed == date(2021, 6, 1)
    assert stats.kudos is None and stats.hits is None


def test_stats_of_a_work_in_progress_and_of_a_oneshot() -> None:
    two_chapters = [ParsedChapter(content="x")] * 2
    wip = work_stats(
        work(chapters=two_chapters, published=date(2021, 1, 1), updated=date(2021, 2, 1))
    )
    assert (wip.chapters_expected, wip.updated, wip.completed) == (None, date(2021, 2, 1), None)
    oneshot = work_stats(work(complete=True, published=date(2021, 1, 1), updated=date(2021, 2, 1)))
    assert (oneshot.chapters_expected, oneshot.updated, oneshot.completed) == (1, None, None)


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("The Salt Road", "The Salt Road"),
        ("Who? What: Why/How", "Who What Why How"),
        ("..hidden.", "hidden"),
        ("  spaced \t out\n", "spaced out"),
        ("一个栗子", "一个栗子"),
        ("evil\u202etxt.exe", "evil txt.exe"),
        ("CON", "CON_"),
        ("aux.txt", "aux.txt_"),
        ("", "Untitled"),
        ("???", "Untitled"),
        ("é" * 200, "é" * 75),
    ],
)
def test_safe_file_stem(title: str, stem: str) -> None:
    assert safe_file_stem(title) == stem


def test_output_folder_never_overwrites_and_ignores_case(tmp_path: Path) -> None:
    (tmp_path / "Lamplight.txt").write_text("someone else's file")
    folder = OutputFolder(tmp_path, "txt")
    paths = [folder.write(title, b"x") for title in ("Lamplight", "lamplight", "Lamplight")]
    names = [path.name for path in paths]
    assert names == ["Lamplight (2).txt", "lamplight (3).txt", "Lamplight (4).txt"]
    assert (tmp_path / "Lamplight.txt").read_text() == "someone else's file"
    assert folder.written == {path.resolve() for path in paths}


def test_convert_document_gives_one_download_per_work() -> None:
    source = SourceFile(str(EFICTION_DUMP), path=EFICTION_DUMP)
    document = convert_document(source, "txt", {"en": "English"})
    assert document.failures == []
    assert len(document.works) > 1
    for converted in document.works:
        assert converted.data.decode("utf-8").startswith(converted.title)
    assert b"Language: English" in document.works[0].data


def test_convert_document_reports_instead_of_raising() -> None:
    unreadable = convert_document(ImportProblem("gone.txt", "cannot read the file"), "txt")
    assert unreadable.failures == ["gone.txt: cannot read the file"]
    junk = convert_document(SourceFile("junk.bin", data=b"\x00\x01" * 50), "txt")
    assert junk.works == [] and junk.failures[0].startswith("junk.bin: ")
    refused = convert_document(SourceFile("a.txt", data=b"Title: Lamplight\n\nText."), "broken")
    assert refused.failures == ["a.txt: too long for this format"]
    buggy = convert_document(SourceFile("b.txt", data=b"Title: Other\n\nText."), "broken")
    assert buggy.failures == [
        "b.txt: the broken exporter failed unexpectedly (RuntimeError: a bug)"
    ]


def test_one_file_goes_beside_the_input(tmp_path: Path) -> None:
    story = tmp_path / "story.html"
    story.write_bytes(AO3_MULTICHAPTER.read_bytes())
    conversion = Conversion([story], text_exporter)
    (report,) = conversion.run()
    assert report.written == [tmp_path / "story.txt"]
    assert (tmp_path / "story.txt").read_text(encoding="utf-8").startswith("Three Tides\n")
    assert conversion.summary() == f"Converted 1 work to Text: {tmp_path / 'story.txt'}."


def test_one_file_never_replaces_itself(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Title: Lamplight\nAuthor: wren\n\nThe lamp was lit.\n")
    (report,) = Conversion([story], text_exporter).run()
    assert report.written == [tmp_path / "story-converted.txt"]
    assert story.read_text().startswith("Title: Lamplight")
    (refused,) = Conversion([story], text_exporter, out=story).run()
    assert refused.failures == [f"{story}: the download would replace the input"]


def test_one_file_to_a_named_file_or_folder(tmp_path: Path) -> None:
    named = tmp_path / "out" / "mine.txt"
    (report,) = Conversion([AO3_MULTICHAPTER], text_exporter, out=named).run()
    assert report.written == [named]
    folder = tmp_path / "folder"
    folder.mkdir()
    (report,) = Conversion([AO3_MULTICHAPTER], text_exporter, out=folder).run()
    assert report.written == [folder / f"{AO3_MULTICHAPTER.stem}.txt"]


def test_one_file_of_several_works_makes_a_folder(tmp_path: Path) -> None:
    dump = tmp_path / "archive.sql"
    dump.write_bytes(EFICTION_DUMP.read_bytes())
    conversion = Conversion([dump], text_exporter)
    (report,) = conversion.run()
    assert report.failures == []
    assert len(report.written) > 1
    assert {path.parent for path in report.written} == {tmp_path / "archive-txt"}
    (refused,) = Conversion([dump], text_exporter, out=tmp_path / "one.txt").run()
    assert "give -o a folder" in refused.failures[0]


def test_a_batch_goes_on_past_failures(tmp_path: Path) -> None:
    inputs = tmp_path / "fics"
    (inputs / "deeper").mkdir(parents=True)
    (inputs / "a.html").write_bytes(AO3_MULTICHAPTER.read_bytes())
    (inputs / "deeper" / "b.txt").write_text("Title: Three Tides\n\nAnother story, same title.\n")
    (inputs / "junk.bin").write_bytes(b"\x00\x01" * 50)
    with zipfile.ZipFile(inputs / "bundle.zip", "w") as bundle:
        bundle.writestr("c.txt", "Title: Zipped\n\nFrom a zip.\n")
    out = tmp_path / "out"
    conversion = Conversion([inputs, tmp_path / "missing"], text_exporter, out=out)
    reports = list(conversion.run())
    failures = [line for report in reports for line in report.failures]
    assert failures == [
        f"{tmp_path / 'missing'}: no such file or folder",
        f"{inputs / 'junk.bin'}: not a document format Quire can read",
    ]
    assert sorted(path.name for path in out.iterdir()) == [
        "Three Tides (2).txt", "Three Tides.txt", "Zipped.txt",
    ]  # fmt: skip
    assert (conversion.works_written, conversion.failed) == (3, 2)
    assert conversion.summary() == f"Converted 3 works to Text in {out}, 2 failed."


def test_a_batch_into_its_own_folder_reads_only_the_inputs(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Title: {name}\n\nStory {name}.\n")
    conversion = Conversion([tmp_path], text_exporter, out=tmp_path)
    reports = list(conversion.run())
    assert len(reports) == 2
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["a (2).txt", "a.txt", "b (2).txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "Title: a\n\nStory a.\n"


def test_a_batch_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    reports = list(Conversion([FIXTURES / "text"], text_exporter, out=blocker).run())
    assert [report.failures for report in reports] == [[f"{blocker}: not a folder"]]


def test_a_download_that_cannot_be_written_is_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    (report,) = Conversion([AO3_MULTICHAPTER], text_exporter, out=blocker / "a.txt").run()
    assert report.written == []
    assert report.failures[0].startswith(f"{blocker / 'a.txt'}: cannot write the download")
