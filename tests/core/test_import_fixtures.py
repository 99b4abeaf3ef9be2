"""Every importer fixture parses to the JSON written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.import_expectations import (
    CORPUS,
    CORPUS_EXPECTED,
    EXPECTED_SUFFIX,
    OWN,
    check,
    corpus_fixtures,
    own_fixtures,
    parse_to_json,
    without_prose,
)


@pytest.mark.parametrize("path", own_fixtures(), ids=lambda path: str(path.relative_to(OWN)))
def test_own_fixture(path: Path) -> None:
    check(parse_to_json(path), path.with_name(path.name + EXPECTED_SUFFIX))


@pytest.mark.parametrize("relative", corpus_fixtures(), ids=str)
def test_corpus_document(relative: Path) -> None:
    document = CORPUS / relative
    if not document.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    expected = CORPUS_EXPECTED / relative.with_name(relative.name + EXPECTED_SUFFIX)
    check(without_prose(parse_to_json(document)), expected)
