"""Importers: one module per document format, all registered in one registry.

Each importer says whether it recognizes a document (by its content, not only
its name) and parses it into ParsedWorks. Built-in importers are registered
exactly as a third-party one would be: through the `quire.importers` entry
point group in a package's metadata (see pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable

from quire.core.documents import ParsedWork

ENTRY_POINT_GROUP = "quire.importers"


class ImportProblem(Exception):
    """A document could not be imported: says which one and why, in one line."""

    def __init__(self, source_name: str, reason: str) -> None:
        super().__init__(f"{source_name}: {reason}")
        self.source_name = source_name
        self.reason = reason


class SourceFile:
    """A document's bytes and where they came from.

    `name` is what people are shown (a path, or "bundle.zip!story.html");
    `path` is set when the document is a file on disk, so that formats that
    span files (an eFiction dump and its chapter folder) can find the rest.
    A file on disk is read on first use of `data`, so a worker process that
    receives a SourceFile reads it itself instead of having it piped over.
    """

    __slots__ = ("_data", "name", "path")

    def __init__(self, name: str, data: bytes | None = None, path: Path | None = None) -> None:
        if data is None and path is None:
            raise ValueError(f"{name}: a source needs its bytes or a path to read them from")
        self.name = name
        self.path = path
        self._data = data

    def __repr__(self) -> str:
        return f"SourceFile({self.name!r})"

    def __getstate__(self) -> tuple[str, bytes | None, Path | None]:
        # A file on disk travels as its path and is read where it is parsed.
        return (self.name, None if self.path is not None else self._data, self.path)

    def __setstate__(self, state: tuple[str, bytes | None, Path | None]) -> None:
        self.name, self._data, self.path = state

    @property
    def data(self) -> bytes:
        """The document's bytes; raises ImportProblem when the file cannot be read."""
        if self._data is None and self.path is not None:
            try:
                self._data = self.path.read_bytes()
            except OSError as error:
                raise ImportProblem(
                    self.name, f"cannot read the file ({error.strerror})"
                ) from error
        return self._data if self._data is not None else b""

    @property
    def suffix(self) -> str:
        return Path(self.name.rsplit("!", 1)[-1]).suffix.lower()

    def head(self, size: int = 4096) -> bytes:
        """The first bytes, for cheap content sniffing."""
        return self.data[:size]


@runtime_checkable
class Importer(Protocol):
    """What a format module provides (as a module-level object named in its entry point)."""

    format_name: str
    """Short stable name, shown in reports and stored with each import: "ao3-html"."""

    priority: int
    """Specific formats (AO3 HTML) are asked before generic ones (any HTML)."""

    def recognizes(self, source: SourceFile) -> bool:
        """Whether this importer reads the document, judged by its content."""
        ...

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        """The works in the document; raises ImportProblem when it cannot."""
        ...


class ImporterRegistry:
    """The importers Quire knows, asked most specific first."""

    def __init__(self, importers: Iterable[Importer] = ()) -> None:
        self._importers: list[Importer] = []
        for importer in importers:
            self.register(importer)

    def register(self, importer: Importer) -> None:
        if not isinstance(importer, Importer):
            raise TypeError(
                f"{importer!r} does not provide format_name, priority, recognizes, parse"
            )
        if any(known.format_name == importer.format_name for known in self._importers):
            raise ValueError(f"an importer for {importer.format_name!r} is already registered")
        self._importers.append(importer)
        self._importers.sort(key=lambda known: -known.priority)

    @property
    def importers(self) -> list[Importer]:
        return list(self._importers)

    def detect(self, source: SourceFile) -> Importer:
        for importer in self._importers:
            if importer.recognizes(source):
                return importer
        if not source.head(1):
            raise ImportProblem(source.name, "the file is empty")
        if source.head(2) == b"PK" or source.suffix == ".epub":
            raise ImportProblem(source.name, "a damaged zip or EPUB, or a zip that is not an EPUB")
        raise ImportProblem(source.name, "not a document format Quire can read")

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        """Parse with the first importer that recognizes the document."""
        importer = self.detect(source)
        works = importer.parse(source)
        if not works:
            raise ImportProblem(source.name, f"no work found in this {importer.format_name} file")
        for work in works:
            work.source_format = work.source_format or importer.format_name
        return works


@cache
def default_registry() -> ImporterRegistry:
    """Every importer installed: Quire's own and any plugin package's."""
    registry = ImporterRegistry()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        registry.register(entry_point.load())
    return registry
