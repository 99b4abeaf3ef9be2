"""Exporters: one module per download format, all registered in one registry.

Each exporter writes an ExportWork as one file (EPUB, HTML, plain text, PDF).
Built-in exporters are registered exactly as a third-party one would be: through
the ``quire.exporters`` entry point group in a package's metadata (pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from quire.core.exporters.model import ExportWork, SeriesLink, WorkStats

__all__ = [
    "ENTRY_POINT_GROUP",
    "ExportProblem",
    "ExportWork",
    "Exporter",
    "ExporterRegistry",
    "SeriesLink",
    "WorkStats",
    "default_registry",
]

ENTRY_POINT_GROUP = "quire.exporters"


class ExportProblem(Exception):
    """A work could not be written in a format: says which work and why, in one line."""

    def __init__(self, title: str, reason: str) -> None:
        super().__init__(f"{title}: {reason}")
        self.title = title
        self.reason = reason


@runtime_checkable
class Exporter(Protocol):
    """What a format module provides (a module-level object named in its entry point)."""

    format_name: str
    """Short stable name used in URLs and on the command line: "epub"."""

    extension: str
    """File name extension without the dot: "epub"."""

    media_type: str
    """The Content-Type of the file: "application/epub+zip"."""

    label: str
    """What a download button says: "EPUB"."""

    def export(self, work: ExportWork) -> bytes:
        """The whole file; raises ExportProblem when the work cannot be written."""
        ...


class ExporterRegistry:
    """The download formats Quire knows, in the order they are offered."""

    def __init__(self, exporters: Iterable[Exporter] = ()) -> None:
        self._exporters: dict[str, Exporter] = {}
        for exporter in exporters:
            self.register(exporter)

    def register(self, exporter: Exporter) -> None:
        if not isinstance(exporter, Exporter):
            raise TypeError(
                f"{exporter!r} does not provide format_name, extension, media_type, label, export"
            )
        if exporter.format_name in self._exporters:
            raise ValueError(f"an exporter for {exporter.format_name!r} is already registered")
        self._exporters[exporter.format_name] = exporter

    @property
    def exporters(self) -> list[Exporter]:
        """Every format, in the order downloads are offered (AO3's: EPUB first)."""
        return sorted(self._exporters.values(), key=_offer_order)

    @property
    def format_names(self) -> list[str]:
        return [exporter.format_name for exporter in self.exporters]

    def get(self, format_name: str) -> Exporter:
        """The exporter for a format name; KeyError names the formats there are."""
        try:
            return self._exporters[format_name.lower()]
        except KeyError:
            known = ", ".join(self.format_names) or "none"
            raise KeyError(f"no download format {format_name!r} (known: {known})") from None


_OFFER_ORDER = ("epub", "pdf", "html", "txt")


def _offer_order(exporter: Exporter) -> tuple[int, str]:
    name = exporter.format_name
    return (_OFFER_ORDER.index(name) if name in _OFFER_ORDER else len(_OFFER_ORDER), name)


@cache
def default_registry() -> ExporterRegistry:
    """Every exporter installed: Quire's own and any plugin package's."""
    registry = ExporterRegistry()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        registry.register(entry_point.load())
    return registry
