"""Turn the paths a person names (files, folders, zips) into documents to import.

A batch must go on past one bad item, so this yields an ImportProblem in the
place of anything unreadable instead of raising.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from quire.core.importers import ImportProblem, SourceFile

MAX_MEMBER_BYTES = 512 * 1024 * 1024
"""Largest single document read from a zip; guards against zip bombs."""

EPUB_MIMETYPE = b"application/epub+zip"
EFICTION_STORY_FOLDERS = ("storiesef", "stories")
"""Chapter stores that belong to an eFiction dump beside them, not separate fics."""

IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def is_epub(data: bytes) -> bool:
    return data.startswith(b"PK") and EPUB_MIMETYPE in data[:100]


def iter_sources(paths: Iterable[Path]) -> Iterator[SourceFile | ImportProblem]:
    """Every document under `paths`, in a stable order; zips (not EPUBs) are opened."""
    for path in paths:
        if path.is_dir():
            yield from _folder(path)
        else:
            yield from _file(path)


def _folder(folder: Path) -> Iterator[SourceFile | ImportProblem]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    dumps = [path for path in files if path.suffix.lower() == ".sql"]
    chapter_stores = {dump.parent / name for dump in dumps for name in EFICTION_STORY_FOLDERS}
    for path in files:
        if path.name in IGNORED_NAMES or path.name.startswith("."):
            continue
        if any(store in path.parents for store in chapter_stores):
            continue
        yield from _file(path)


def _file(path: Path) -> Iterator[SourceFile | ImportProblem]:
    """A file on disk, read later by whoever parses it; a zip (not an EPUB) is opened here."""
    try:
        with path.open("rb") as opened:
            head = opened.read(100)
    except OSError as error:
        yield ImportProblem(str(path), f"cannot read the file ({error.strerror})")
        return
    if head.startswith(b"PK") and not is_epub(head) and path.suffix.lower() != ".epub":
        yield from _zip(path)
        return
    yield SourceFile(name=str(path), path=path)


def _zip(path: Path) -> Iterator[SourceFile | ImportProblem]:
    try:
        archive = zipfile.ZipFile(path)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield ImportProblem(str(path), f"not a readable zip file ({error})")
        return
    with archive:
        for info in sorted(members, key=lambda member: member.filename):
            name = f"{path}!{info.filename}"
            if Path(info.filename).name in IGNORED_NAMES or "__MACOSX" in info.filename:
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                yield ImportProblem(name, f"too large to import ({info.file_size:,} bytes)")
                continue
            try:
                member = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                yield ImportProblem(name, f"cannot be read from the zip ({error})")
                continue
            yield SourceFile(name=name, data=member)
