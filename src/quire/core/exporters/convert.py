"""``quire convert``: any file Quire reads becomes a download, with no archive and no database.

A document is read exactly as ``quire import`` reads it (same walk over folders and
zips, same parsing, sanitizing and word counting), then each of its works is
written by one exporter. What the preface shows comes from the document itself:
its declared dates, chapters and source URL; kudos and hits are unknown, so left out.

Conversion is pure (``convert_document`` never raises, so a batch goes on past a
bad file and can run in worker processes); ``Conversion`` decides where files go.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from quire.core.documents import ParsedWork
from quire.core.exporters import (
    Exporter,
    ExportProblem,
    ExportWork,
    SeriesLink,
    WorkStats,
    default_registry,
)
from quire.core.importers import ImportProblem, SourceFile
from quire.core.importers.pipeline import map_in_order, read_document
from quire.core.importers.sources import is_epub, iter_sources
from quire.core.wordcount import count_words

__all__ = [
    "Conversion",
    "ConvertedDocument",
    "ConvertedWork",
    "OutputFolder",
    "Report",
    "convert_document",
    "export_work",
    "safe_file_stem",
    "work_stats",
]

_IDENTIFIER_NAMESPACE: Final = uuid.UUID("d767d407-f944-40ec-8f9c-09b0ca39fa6f")
"""Fixed, so converting the same file again gives the same identifiers: readers and
calibre then see a re-converted book as the same book."""


def export_work(
    work: ParsedWork, *, sha256: str, position: int, language_name: str = ""
) -> ExportWork:
    """The ExportWork for the ``position``-th work of the file whose bytes hash to ``sha256``."""
    identifier = uuid.uuid5(_IDENTIFIER_NAMESPACE, f"{sha256}:{position}")
    return ExportWork(
        work=work,
        stats=work_stats(work),
        identifier=identifier.urn,
        url=work.source_url,
        archive_name=_site_name(work.source_url),
        language_name=language_name,
        series=tuple(SeriesLink(part.title, part.position) for part in work.series),
        collections=tuple(work.collections),
        modified=work.updated or work.published,
    )


def work_stats(work: ParsedWork) -> WorkStats:
    """Stats from what the document declares; words counted from its chapters, as AO3 does."""
    words = sum(
        count_words(chapter.content) if chapter.word_count is None else chapter.word_count
        for chapter in work.chapters
    )
    posted = len(work.chapters)
    expected = work.expected_chapters
    if expected is None and work.complete:
        expected = posted
    # Only a work of several chapters is "updated" or "completed" after it is published.
    chaptered = max(posted, expected or 0) > 1
    last = work.updated or work.published
    return WorkStats(
        words=words,
        chapters_posted=posted,
        chapters_expected=expected,
        published=work.published,
        updated=work.updated if chaptered else None,
        completed=last if chaptered and work.complete else None,
    )


def _site_name(url: str) -> str:
    """Where a work was posted, as its address names it ("archiveofourown.org")."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # not a URL after all ("http://[broken")
        return ""
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class ConvertedWork:
    """One work of a document, written in the chosen format."""

    title: str
    data: bytes


@dataclass(slots=True)
class ConvertedDocument:
    """A document's converted works, and why any of them (or the whole file) failed."""

    name: str
    works: list[ConvertedWork] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """One line each: the file's name (and the work's title when the file holds several)
    and the reason."""


def convert_document(
    source: SourceFile | ImportProblem,
    format_name: str,
    language_names: Mapping[str, str] | None = None,
) -> ConvertedDocument:
    """Read one document and write each of its works; never raises.

    ``language_names`` maps language codes to their own names ("fr" to "français");
    core knows none itself, so the caller passes them or the preface shows the code.
    """
    document = read_document(source)
    converted = ConvertedDocument(name=document.name)
    if document.failure:
        converted.failures.append(f"{document.name}: {document.failure}")
        return converted
    exporter = default_registry().get(format_name)
    several = len(document.works) > 1
    for position, work in enumerate(document.works):
        export = export_work(
            work,
            sha256=document.sha256,
            position=position,
            language_name=_language_name(work.language, language_names or {}),
        )
        try:
            converted.works.append(ConvertedWork(work.title, exporter.export(export)))
        except ExportProblem as problem:
            converted.failures.append(_failure(document.name, work, several, problem.reason))
        except Exception as error:  # a bug in one exporter must not stop a batch
            reason = (
                f"the {format_name} exporter failed unexpectedly ({type(error).__name__}: {error})"
            )
            converted.failures.append(_failure(document.name, work, several, reason))
    return converted


def _failure(name: str, work: ParsedWork, several: bool, reason: str) -> str:
    return f"{name} ({work.title}): {reason}" if several else f"{name}: {reason}"


def _language_name(code: str, names: Mapping[str, str]) -> str:
    code = code.strip().lower().replace("_", "-")
    return names.get(code) or names.get(code.split("-")[0], "")


def convert_documents(
    sources: Iterable[SourceFile | ImportProblem],
    format_name: str,
    language_names: Mapping[str, str] | None = None,
    executor: Executor | None = None,
) -> Iterator[ConvertedDocument]:
    """convert_document over ``sources`` in order, in ``executor``'s workers when given."""
    if executor is None:
        for source in sources:
            yield convert_document(source, format_name, language_names)
    else:
        convert = partial(
            convert_document, format_name=format_name, language_names=dict(language_names or {})
        )
        yield from map_in_order(convert, sources, executor)


_UNSAFE_IN_NAMES: Final = re.compile(r'[<>:"/\\|?*]')
"""Characters some file system refuses or gives a meaning (Windows is the strictest)."""

_RESERVED_ON_WINDOWS: Final = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)

MAX_STEM_BYTES: Final = 150
"""Well under the 255 bytes most file systems allow, leaving room for " (12).epub"."""


def safe_file_stem(title: str) -> str:
    """A file name (without extension) from a title, usable on every common file system.

    Letters of every script are kept (a Chinese title stays Chinese); separators,
    control and formatting characters (which can disguise an extension) are not.
    """
    text = unicodedata.normalize("NFC", title)
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in text
    )
    stem = " ".join(_UNSAFE_IN_NAMES.sub(" ", text).split()).strip(". ")
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        stem = encoded[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(". ")
    if _RESERVED_ON_WINDOWS.fullmatch(stem):
        stem = f"{stem}_"
    return stem or "Untitled"


class OutputFolder:
    """A folder of downloads named from titles: unique names, and no file overwritten.

    Names are unique ignoring case (some file systems ignore it). A file already in
    the folder is never replaced, whether an earlier download or one of the inputs.
    """

    def __init__(self, folder: Path, extension: str) -> None:
        self.folder = folder
        self.extension = extension
        self.written: set[Path] = set()
        self._taken = (
            {path.name.casefold() for path in folder.iterdir()} if folder.is_dir() else set()
        )

    def write(self, title: str, data: bytes) -> Path:
        path = self._free_path(safe_file_stem(title))
        self.folder.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as file:  # "x": fails rather than replace a file
            file.write(data)
        self.written.add(path.resolve())
        return path

    def _free_path(self, stem: str) -> Path:
        number = 1
        while True:
            name = (
                f"{stem}.{self.extension}" if number == 1 else f"{stem} ({number}).{self.extension}"
            )
            path = self.folder / name
            if name.casefold() not in self._taken and not path.exists():
                self._taken.add(name.casefold())
                return path
            number += 1


@dataclass(slots=True)
class Report:
    """What one input document became: files written, and failure lines."""

    name: str
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Conversion:
    """One ``quire convert`` run: where each download goes.

    One file in: OUT is the download (default: beside the input, with the format's
    extension, never the input itself). Several files, a folder or a zip, or one
    file holding several works: OUT is a folder (default: the current folder) of
    downloads named from the titles.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        exporter: Exporter,
        out: Path | None = None,
        language_names: Mapping[str, str] | None = None,
    ) -> None:
        self.paths = list(paths)
        self.exporter = exporter
        self.out = out
        self.language_names = dict(language_names or {})
        self.works_written = 0
        self.failed = 0
        self.folder: OutputFolder | None = None
        self._last_written: Path | None = None

    def _is_single(self, paths: list[Path]) -> bool:
        """One input file that is a document, not a folder or a zip of them."""
        if len(paths) != 1 or not paths[0].is_file():
            return False
        try:
            with paths[0].open("rb") as file:
                head = file.read(100)
        except OSError:
            return True  # reading it again reports why it cannot be read
        return not head.startswith(b"PK") or is_epub(head) or paths[0].suffix.lower() == ".epub"

    def run(self, executor: Executor | None = None) -> Iterator[Report]:
        """Convert everything, one Report per input document (failures included)."""
        for path in self.paths:
            if not path.exists():
                yield self._count(Report(str(path), failures=[f"{path}: no such file or folder"]))
        existing = [path for path in self.paths if path.exists()]
        if not existing:
            return
        if self._is_single(existing):
            yield self._count(self._single(existing[0]))
            return
        if self.out is not None and self.out.exists() and not self.out.is_dir():
            yield self._count(Report(str(self.out), failures=[f"{self.out}: not a folder"]))
            return
        self.folder = OutputFolder(self.out or Path.cwd(), self.exporter.extension)
        documents = convert_documents(
            self._sources(existing), self.exporter.format_name, self.language_names, executor
        )
        for document in documents:
            yield self._count(self._write_each(document, self.folder))

    def _sources(self, paths: list[Path]) -> Iterator[SourceFile | ImportProblem]:
        """Every document under ``paths``, leaving out downloads this run has just written."""
        assert self.folder is not None
        for source in iter_sources(paths):
            path = source.path if isinstance(source, SourceFile) else None
            if path is None or path.resolve() not in self.folder.written:
                yield source

    def _single(self, path: Path) -> Report:
        source = SourceFile(name=str(path), path=path)
        document = convert_document(source, self.exporter.format_name, self.language_names)
        if len(document.works) > 1:
            if self.out is not None and self._names_a_file(self.out):
                reason = f"holds {len(document.works)} works: give -o a folder for them"
                return Report(document.name, failures=[f"{document.name}: {reason}"])
            default = path.with_name(f"{path.stem}-{self.exporter.extension}")
            self.folder = OutputFolder(self.out or default, self.exporter.extension)
            return self._write_each(document, self.folder)
        report = Report(document.name, failures=list(document.failures))
        for work in document.works:
            target = self._single_target(path)
            if target.resolve() == path.resolve():
                report.failures.append(f"{path}: the download would replace the input")
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(work.data)
            except OSError as error:
                report.failures.append(f"{target}: cannot write the download ({error.strerror})")
                continue
            report.written.append(target)
        return report

    def _names_a_file(self, out: Path) -> bool:
        return out.suffix.lower() == f".{self.exporter.extension}" and not out.is_dir()

    def _single_target(self, path: Path) -> Path:
        """OUT itself, or a name beside the input (or in OUT, a folder) that is not the input."""
        if self.out is not None and not self.out.is_dir():
            return self.out
        folder = self.out if self.out is not None else path.parent
        target = folder / f"{path.stem}.{self.exporter.extension}"
        if target.resolve() == path.resolve():  # a .txt converted to txt
            target = folder / f"{path.stem}-converted.{self.exporter.extension}"
        return target

    def _write_each(self, document: ConvertedDocument, folder: OutputFolder) -> Report:
        report = Report(document.name, failures=list(document.failures))
        for work in document.works:
            try:
                report.written.append(folder.write(work.title, work.data))
            except OSError as error:
                reason = f"cannot write the download ({error.strerror})"
                report.failures.append(f"{document.name}: {reason}")
        return report

    def _count(self, report: Report) -> Report:
        self.works_written += len(report.written)
        self._last_written = report.written[-1] if report.written else self._last_written
        self.failed += bool(report.failures)
        return report

    def summary(self) -> str:
        """One line for the end of the run."""
        written = f"{self.works_written} {'work' if self.works_written == 1 else 'works'}"
        if self.folder is not None:
            where = f" in {self.folder.folder}"
        else:
            where = f": {self._last_written}" if self._last_written else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"Converted {written} to {self.exporter.label}{where}{failed}."
