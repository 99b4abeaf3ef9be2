"""Download file names, versions and the file cache, without a database."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest

from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.downloads import (
    CacheKey,
    DownloadCache,
    ascii_stem,
    content_disposition,
    unicode_file_name,
    version_of,
)
from quire.core.exporters import ExportWork, WorkStats
from quire.core.tags import TagType


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("The Borrowed Umbrella", "The_Borrowed_Umbrella"),
        ("Café Noir!", "Cafe_Noir"),
        ("../../etc/passwd", "etc_passwd"),
        ("一个简单的故事", "work_7"),
        ("", "work_7"),
        ("a" * 300, "a" * 100),
    ],
)
def test_ascii_stems_are_safe_in_urls_and_file_systems(title: str, stem: str) -> None:
    assert ascii_stem(title, "work_7") == stem


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Café Noir", "Café Noir.epub"),
        ('A "Quoted" Title: Part 1/2', "A Quoted Title Part 1 2.epub"),
        ("一个简单的故事", "一个简单的故事.epub"),
        ("...", "work_7.epub"),
        ("Line\nbreak\ttab\x00nul", "Line break tab nul.epub"),
        ("C:\\Windows\\evil", "C Windows evil.epub"),
    ],
)
def test_unicode_names_keep_the_title_but_drop_what_file_systems_refuse(
    title: str, name: str
) -> None:
    assert unicode_file_name(title, "epub", "work_7") == name


def test_content_disposition_has_an_ascii_fallback_and_rfc_5987_name() -> None:
    header = content_disposition('Cœur "brisé"; rm -rf', "epub", "work_7")
    plain, encoded = header.removeprefix("attachment; ").split("; ", 1)
    assert plain == 'filename="Coeur_brise_rm_rf.epub"'
    assert encoded.startswith("filename*=UTF-8''")
    value = encoded.removeprefix("filename*=UTF-8''")
    assert all(char.isascii() and char not in ' ";\\' for char in value)
    assert unquote(value) == "Cœur brisé ; rm -rf.epub"


def _export(**changes: object) -> ExportWork:
    work = ParsedWork(
        title="Lantern",
        chapters=[ParsedChapter(content="<p>The lantern swung.</p>", title="One")],
        creators=["inkwell_otter"],
        tags={TagType.FANDOM: ["Original Work"]},
    )
    export = ExportWork(work=work, stats=WorkStats(words=3, chapters_posted=1), identifier="x")
    return replace(export, **changes)  # type: ignore[arg-type]


def test_any_change_to_what_a_file_is_written_from_changes_its_version() -> None:
    base = version_of(_export(), "quire 1")
    assert version_of(_export(), "quire 1") == base
    assert version_of(_export(), "quire 2") != base
    assert version_of(_export(archive_name="Elsewhere"), "quire 1") != base
    changed = _export()
    changed.work.tags[TagType.FANDOM] = ["Original Work", "Other"]
    assert version_of(changed, "quire 1") != base
    changed = _export()
    changed.work.chapters[0].content = "<p>The lantern swung!</p>"
    assert version_of(changed, "quire 1") != base


def _key(version: str, format_name: str = "epub", origin: str = "http://a") -> CacheKey:
    return CacheKey(7, version, format_name, format_name, origin)


def test_a_kept_file_is_handed_out_again_without_writing_it(tmp_path: Path) -> None:
    cache = DownloadCache(tmp_path)
    calls: list[str] = []

    def make() -> bytes:
        calls.append("made")
        return b"the book"

    first = cache.fetch(_key("v1"), make)
    assert first.created and first.file.read() == b"the book"
    second = cache.fetch(_key("v1"), make)
    assert not second.created and second.file.read() == b"the book"
    second.file.close()
    assert calls == ["made"]
    assert cache.written_at(_key("v1")) is not None
    assert cache.written_at(_key("v2")) is None


def test_a_new_version_removes_every_older_file_of_the_work(tmp_path: Path) -> None:
    cache = DownloadCache(tmp_path)
    cache.fetch(_key("v1"), lambda: b"old epub")
    cache.fetch(_key("v1", "pdf"), lambda: b"old pdf")
    cache.fetch(_key("v1", origin="http://b"), lambda: b"old epub, other address")
    cache.fetch(CacheKey(8, "v1", "epub", "epub"), lambda: b"another work")
    assert len(list((tmp_path / "7").iterdir())) == 3
    cache.fetch(_key("v2"), lambda: b"new epub")
    assert [path.name for path in (tmp_path / "7").iterdir()] == [_key("v2").file_name]
    assert (tmp_path / "8").exists()


def test_addresses_keep_their_own_files_of_one_version(tmp_path: Path) -> None:
    cache = DownloadCache(tmp_path)
    cache.fetch(_key("v1", origin="http://localhost:8000"), lambda: b"a")
    cache.fetch(_key("v1", origin="http://192.168.1.5:8000"), lambda: b"b")
    assert len(list((tmp_path / "7").iterdir())) == 2


def test_files_are_written_whole_or_not_at_all(tmp_path: Path) -> None:
    cache = DownloadCache(tmp_path)

    def broken() -> bytes:
        raise RuntimeError("the exporter failed")

    with pytest.raises(RuntimeError):
        cache.fetch(_key("v1"), broken)
    assert not cache.path(_key("v1")).exists()
    assert not list(tmp_path.rglob("*.partial"))


def test_a_partial_file_being_written_is_left_alone_but_a_stale_one_goes(tmp_path: Path) -> None:
    folder = tmp_path / "7"
    folder.mkdir()
    writing = folder / ".abc.partial"
    writing.write_bytes(b"half")
    stale = folder / ".old.partial"
    stale.write_bytes(b"left by a crash")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    DownloadCache(tmp_path).fetch(_key("v1"), lambda: b"whole")
    assert writing.exists()
    assert not stale.exists()
