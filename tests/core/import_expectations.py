"""Expected importer output beside each fixture, and how to compare with it.

Own fixtures (tests/core/fixtures/import/**/X with X.expected.json beside it)
are compared whole. Documents from the shared corpus (../shared/corpus) are
other people's writing, so their expectations (tests/core/fixtures/corpus/)
keep metadata and word counts but replace every piece of prose with a digest.

Set QUIRE_REGENERATE_EXPECTED=1 to rewrite the expected files from the current
output; read the diff before committing it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from quire.core.importers import SourceFile, default_registry
from quire.core.importers.report import work_to_json

FIXTURES = Path(__file__).parent / "fixtures"
OWN = FIXTURES / "import"
CORPUS_EXPECTED = FIXTURES / "corpus"
CORPUS = Path(
    os.environ.get("QUIRE_CORPUS", Path(__file__).parents[2].parent / "shared" / "corpus")
)
EXPECTED_SUFFIX = ".expected.json"
PROSE_KEYS = ("summary", "notes", "end_notes", "html")


def own_fixtures() -> list[Path]:
    return sorted(
        path.with_name(path.name.removesuffix(EXPECTED_SUFFIX))
        for path in OWN.rglob("*" + EXPECTED_SUFFIX)
    )


def corpus_fixtures() -> list[Path]:
    return sorted(
        path.relative_to(CORPUS_EXPECTED).with_name(path.name.removesuffix(EXPECTED_SUFFIX))
        for path in CORPUS_EXPECTED.rglob("*" + EXPECTED_SUFFIX)
    )


def parse_to_json(path: Path) -> list[dict[str, Any]]:
    source = SourceFile(name=path.name, data=path.read_bytes(), path=path)
    return [work_to_json(work) for work in default_registry().parse(source)]


def digest(text: str | None) -> str | None:
    if text is None:
        return None
    return f"sha256:{hashlib.sha256(text.encode()).hexdigest()[:16]} chars:{len(text)}"


def without_prose(works: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same JSON with every piece of prose replaced by its digest."""
    result = []
    for work in works:
        work = {**work, **{key: digest(work[key]) for key in PROSE_KEYS if key in work}}
        work["chapters"] = [
            {**chapter, **{key: digest(chapter[key]) for key in PROSE_KEYS}}
            for chapter in work["chapters"]
        ]
        result.append(work)
    return result


def check(actual: list[dict[str, Any]], expected_path: Path) -> None:
    if os.environ.get("QUIRE_REGENERATE_EXPECTED"):
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected
