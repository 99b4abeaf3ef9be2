"""Download files: what they are called, which version they are, and where they are kept.

Exporters can take seconds for a long work (a PDF most of all), so each finished file
is kept in a cache folder and handed out again until the work changes. The version of
a file is a digest of everything it is written from (the ExportWork), so any edit of
chapters, tags, series or metadata gives a new name and the old files are removed. None
of this needs the database or a request, so it is tested without either.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from quire.core.exporters.model import ExportWork

_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9]+")
_UNDECOMPOSABLE = str.maketrans(
    {"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l"}
    | {"Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th"}
)
"""Latin letters Unicode does not split into a base letter and an accent."""
_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
"""Control characters and the characters Windows refuses in file names."""
_LONGEST_STEM = 100
_STALE_PARTIAL_SECONDS = 3600
"""A half-written file this old was left by a crashed writer and may be removed."""


def ascii_stem(title: str, fallback: str) -> str:
    """The title as a plain ASCII file name stem, for URLs and old clients:
    "Café Noir!" becomes "Cafe_Noir"; a title with no Latin letters gives `fallback`."""
    decomposed = unicodedata.normalize("NFKD", title.translate(_UNDECOMPOSABLE))
    plain = decomposed.encode("ascii", "ignore").decode("ascii")
    stem = _NOT_ASCII_WORD.sub("_", plain).strip("_")[:_LONGEST_STEM].rstrip("_")
    return stem or fallback


def unicode_file_name(title: str, extension: str, fallback: str) -> str:
    """The title as a file name in its own script, with what file systems refuse removed."""
    cleaned = " ".join(_NOT_IN_FILE_NAMES.sub(" ", title).split())
    stem = cleaned.strip(". ")[:_LONGEST_STEM].rstrip(". ")
    return f"{stem or fallback}.{extension}"


def content_disposition(title: str, extension: str, fallback: str) -> str:
    """An attachment header every browser and e-reader understands: a quoted ASCII name
    for old clients, and the real title as RFC 5987 ``filename*`` for all the others."""
    ascii_name = f"{ascii_stem(title, fallback)}.{extension}"
    full_name = quote(unicode_file_name(title, extension, fallback), safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{full_name}"


def version_of(export: ExportWork, salt: str) -> str:
    """A digest of everything a download is written from, plus `salt` (the software's
    version, so an upgrade that writes files differently never serves old ones)."""
    described = json.dumps(
        asdict(export), sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":")
    )
    digest = hashlib.sha256(salt.encode("utf-8"))
    digest.update(described.encode("utf-8"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CacheKey:
    """Names one file: a work's version in one format, as linked from one site address.

    The address is apart from the version so that an archive reached under two names
    (localhost and a LAN address for an e-reader) keeps a file for each instead of
    replacing one with the other at every request.
    """

    work_id: int
    version: str
    format_name: str
    extension: str
    origin: str = ""

    @property
    def file_name(self) -> str:
        place = hashlib.sha256(self.origin.encode("utf-8")).hexdigest()[:8]
        return f"{self.version}-{place}-{self.format_name}.{self.extension}"


@dataclass(slots=True)
class CachedFile:
    """An open download, and whether this request had to write it."""

    file: BinaryIO
    created: bool


class DownloadCache:
    """Finished downloads under one folder, one subfolder per work.

    Files are written to a temporary name and renamed into place, so a reader never
    sees half a file; writing a new version removes the work's files of every other
    version (all formats, all site addresses).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: CacheKey) -> Path:
        return self.root / str(key.work_id) / key.file_name

    def written_at(self, key: CacheKey) -> float | None:
        """When the file for `key` was written (a POSIX timestamp), None when it is not kept."""
        try:
            return self.path(key).stat().st_mtime
        except FileNotFoundError:
            return None

    def fetch(self, key: CacheKey, make: Callable[[], bytes]) -> CachedFile:
        """The file for `key`, written with `make()` when it is not kept yet."""
        path = self.path(key)
        try:
            kept = path.open("rb")
        except FileNotFoundError:
            pass
        else:
            return CachedFile(kept, created=False)
        data = make()
        self._store(path, data)
        self._remove_other_versions(path.parent, key.version)
        return CachedFile(io.BytesIO(data), created=True)

    def forget(self, work_id: int) -> None:
        """Remove every file kept for a work (it was deleted, or its byline changed)."""
        shutil.rmtree(self.root / str(work_id), ignore_errors=True)

    def _store(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(partial).replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(partial).unlink()
            raise

    def _remove_other_versions(self, folder: Path, version: str) -> None:
        """Old versions go as soon as a new one is written; a file another request
        still has open stays readable (POSIX) or is left for next time (Windows)."""
        for entry in folder.iterdir():
            if entry.name.startswith(f"{version}-") or _being_written(entry):
                continue
            with contextlib.suppress(OSError):
                entry.unlink()


def _being_written(entry: Path) -> bool:
    """A partial file another request may still be writing (not one a crash left)."""
    if not entry.name.endswith(".partial"):
        return False
    try:
        return time.time() - entry.stat().st_mtime < _STALE_PARTIAL_SECONDS
    except OSError:
        return False
