"""EPUB, HTML and PDF are registered download formats, found through their entry points."""

from __future__ import annotations

import pytest

from quire.core.exporters import Exporter, default_registry, epub, html, pdf


@pytest.mark.parametrize(
    ("module", "extension", "media_type", "label"),
    [
        (epub, "epub", "application/epub+zip", "EPUB"),
        (html, "html", "text/html; charset=utf-8", "HTML"),
        (pdf, "pdf", "application/pdf", "PDF"),
    ],
    ids=["epub", "html", "pdf"],
)
def test_registered(module: object, extension: str, media_type: str, label: str) -> None:
    exporter = module.exporter
    assert isinstance(exporter, Exporter)
    assert default_registry().get(extension) is exporter
    assert (exporter.extension, exporter.media_type, exporter.label) == (
        extension,
        media_type,
        label,
    )
