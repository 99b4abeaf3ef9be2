"""Turn the paths a person names (files, folders, zips) into documents to import.

A batch must go on past one bad item, so this yields an ImportProblem in the
place of anything unreadable instead of raising.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

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
    return _zip_members(str(path), path, max_member_bytes=MAX_MEMBER_BYTES)


def upload_sources(
    name: str, data: bytes, *, max_member_bytes: int, max_total_bytes: int, max_members: int
) -> Iterator[SourceFile | ImportProblem]:
    """A file someone uploaded: the document itself, or each document in it when it is a
    zip (not an EPUB). The limits keep a small zip from unpacking into gigabytes."""
    if data.startswith(b"PK") and not is_epub(data[:100]) and not name.lower().endswith(".epub"):
        yield from _zip_members(
            name,
            io.BytesIO(data),
            max_member_bytes=max_member_bytes,
            max_total_bytes=max_total_bytes,
            max_members=max_members,
        )
        return
    yield SourceFile(name=name, data=data)


def _zip_members(
    name: str,
    opened: Path | IO[bytes],
    *,
    max_member_bytes: int,
    max_total_bytes: int | None = None,
    max_members: int | None = None,
) -> Iterator[SourceFile | ImportProblem]:
    try:
        archive = zipfile.ZipFile(opened)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield ImportProblem(name, f"not a readable zip file ({error})")
        return
    if max_members is not None and len(members) > max_members:
        yield ImportProblem(
            name, f"holds {len(members):,} files; at most {max_members:,} can be read"
        )
        return
    declared = sum(info.file_size for info in members)
    if max_total_bytes is not None and declared > max_total_bytes:
        yield ImportProblem(name, f"unpacks to {declared:,} bytes, more than {max_total_bytes:,}")
        return
    with archive:
        for info in sorted(members, key=lambda member: member.filename):
            member_name = f"{name}!{info.filename}"
            if Path(info.filename).name in IGNORED_NAMES or "__MACOSX" in info.filename:
                continue
            if info.file_size > max_member_bytes:
                yield ImportProblem(member_name, f"too large to import ({info.file_size:,} bytes)")
                continue
            try:
                member = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                yield ImportProblem(member_name, f"cannot be read from the zip ({error})")
                continue
            yield SourceFile(name=member_name, data=member)
