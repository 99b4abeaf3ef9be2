"""`quire convert`, run as a user would run it: no archive, every download format."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_cli import FIXTURES, quire

AO3_MULTICHAPTER = FIXTURES / "ao3" / "template_2024_multichapter.html"
FORMATS = {
    "epub": "quire.core.exporters.epub",
    "html": "quire.core.exporters.html",
    "pdf": "quire.core.exporters.pdf",
    "txt": "quire.core.exporters.text",
}


def formats_ready() -> bool:
    """Whether every exporter the registry loads exists yet (they are written separately)."""
    return all(importlib.util.find_spec(module) is not None for module in FORMATS.values())


needs_every_format = pytest.mark.skipif(not formats_ready(), reason="an exporter is missing")


@needs_every_format
def test_one_file_becomes_a_download_beside_it_without_an_archive(tmp_path: Path) -> None:
    story = tmp_path / "three-tides.html"
    story.write_bytes(AO3_MULTICHAPTER.read_bytes())
    result = quire(
        "convert", str(story), "--to", "txt", env={"QUIRE_DATA_DIR": str(tmp_path / "x")}
    )
    assert result.returncode == 0, result.stderr
    download = tmp_path / "three-tides.txt"
    assert result.stdout.strip() == f"Converted 1 work to Text: {download}."
    text = download.read_text(encoding="utf-8")
    assert text.startswith("Three Tides\n===========\n\nby saltwick\n")
    assert "Language: English" in text
    assert "\n\nChapter 3: Seven Panes\n" in text
    assert not (tmp_path / "x").exists()
    assert result.stderr == ""


@needs_every_format
@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_every_format(tmp_path: Path, format_name: str) -> None:
    out = tmp_path / f"book.{format_name}"
    result = quire("convert", str(AO3_MULTICHAPTER), "--to", format_name.upper(), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    if format_name == "epub":
        with zipfile.ZipFile(out) as book:
            assert book.namelist()[0] == "mimetype"
            assert book.read("mimetype") == b"application/epub+zip"
    elif format_name == "pdf":
        assert data.startswith(b"%PDF-")
    else:
        assert "Seven Panes" in data.decode("utf-8")


@needs_every_format
def test_a_folder_goes_on_past_bad_files(tmp_path: Path) -> None:
    fics = tmp_path / "fics"
    (fics / "older").mkdir(parents=True)
    (fics / "a.html").write_bytes(AO3_MULTICHAPTER.read_bytes())
    (fics / "older" / "b.txt").write_text("Title: Three Tides\n\nA second story, same title.\n")
    (fics / "broken.epub").write_bytes(b"PK\x03\x04 not really")
    with zipfile.ZipFile(fics / "bundle.zip", "w") as bundle:
        bundle.writestr("c.txt", "Title: In a Zip\nAuthor: wren\n\nZipped text.\n")
    out = tmp_path / "downloads"
    result = quire("convert", str(fics), "--to", "txt", "-o", str(out))
    assert result.returncode == 1
    (failure,) = result.stderr.splitlines()
    assert failure.startswith(f"failed: {fics / 'broken.epub'}: ")
    assert result.stdout.strip() == f"Converted 3 works to Text in {out}, 1 failed."
    names = sorted(path.name for path in out.iterdir())
    assert names == ["In a Zip.txt", "Three Tides (2).txt", "Three Tides.txt"]


@needs_every_format
def test_one_file_of_several_works_gives_one_download_each(tmp_path: Path) -> None:
    dump = tmp_path / "archive.sql"
    dump.write_bytes((FIXTURES / "efiction" / "series.sql").read_bytes())
    out = tmp_path / "books"
    result = quire("convert", str(dump), "--to", "epub", "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    books = sorted(out.glob("*.epub"))
    assert len(books) > 1
    assert result.stdout.strip() == f"Converted {len(books)} works to EPUB in {out}."


@needs_every_format
def test_several_files_and_a_missing_one(tmp_path: Path) -> None:
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    first.write_text("Title: One\n\nFirst.\n")
    second.write_text("Title: Two\n\nSecond.\n")
    out = tmp_path / "out"
    paths = [str(first), str(second), str(tmp_path / "nope")]
    result = quire("convert", *paths, "--to", "html", "-o", str(out))
    assert result.returncode == 1
    assert result.stderr == f"failed: {tmp_path / 'nope'}: no such file or folder\n"
    assert sorted(path.name for path in out.iterdir()) == ["One.html", "Two.html"]


@needs_every_format
def test_an_unknown_format_names_the_known_ones(tmp_path: Path) -> None:
    result = quire("convert", str(AO3_MULTICHAPTER), "--to", "mobi")
    assert result.returncode == 2
    assert "no download format 'mobi' (known: epub, pdf, html, txt)" in result.stderr


def test_the_format_is_required() -> None:
    result = quire("convert", str(AO3_MULTICHAPTER))
    assert result.returncode == 2
    assert "--to" in result.stderr
