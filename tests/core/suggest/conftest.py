"""Shared helpers for the tag suggestion tests."""

from __future__ import annotations

import pytest

from quire.core.suggest import Lexicon, starter_lexicon


@pytest.fixture(scope="session")
def starters() -> Lexicon:
    return starter_lexicon()
