"""calibre reads an exported EPUB's metadata back (its ``ebook-meta`` command)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from quire.core.exporters.epub import write_epub
from tests.core.exporters.samples import SAMPLE_TAGS, sample_export

EBOOK_META = shutil.which("ebook-meta")


@pytest.fixture(scope="module")
def calibre_says(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if EBOOK_META is None:
        pytest.skip(
            "calibre's ebook-meta is not installed (apt-get install calibre; ./dev test does)"
        )
    book = tmp_path_factory.mktemp("calibre") / "book.epub"
    book.write_bytes(write_epub(sample_export()))
    # With no cover image calibre renders the first page as one, which needs a display;
    # it reports that failure on stderr and prints the metadata all the same.
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    finished = subprocess.run(
        [EBOOK_META, str(book)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=environment,
    )
    fields = re.findall(r"^(\S[^:]*?)\s*: (.*)$", finished.stdout, re.M)
    return dict(fields)


def test_calibre_reads_the_metadata(calibre_says: dict[str, str]) -> None:
    assert calibre_says["Title"] == "The Keeper's Daughter"
    assert calibre_says["Author(s)"] == "wren & Marlowe"
    assert calibre_says["Tags"].split(", ") == SAMPLE_TAGS
    assert calibre_says["Series"] == "Harbour Lights #2"
    assert calibre_says["Languages"] == "eng"
    assert calibre_says["Publisher"] == "Harbour Archive"
    assert calibre_says["Identifiers"] == "url:https://archive.example/works/42"
    assert calibre_says["Published"].startswith("2021-03-04")
    assert calibre_says["Comments"] == "Two keepers, one storm."
