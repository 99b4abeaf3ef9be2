"""Word counts must equal AO3's, so the cases live in a data file anyone can extend."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quire.core.wordcount import count_words

FIXTURES = Path(__file__).parent / "fixtures" / "wordcount.json"
CASES: list[dict[str, Any]] = json.loads(FIXTURES.read_text(encoding="utf-8"))


def test_fixture_file_is_substantial() -> None:
    assert len(CASES) >= 40
    assert len({case["html"] for case in CASES}) == len(CASES), "duplicate inputs"


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i:02d}-{case['why'][:40]}" for i, case in enumerate(CASES)]
)
def test_matches_ao3(case: dict[str, Any]) -> None:
    assert count_words(case["html"]) == case["words"], case["why"]


# Letters that are neither in a character-count script nor apostrophes or hyphens, so a
# string of them is exactly one word.
_LETTER = st.characters(categories=("Lu", "Ll"))
_WORDS = st.lists(st.text(_LETTER, min_size=1, max_size=12), max_size=30)


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert count_words(text) >= 0


@given(st.text(alphabet=st.sampled_from("<>/!-'\"=&;#pbi x\n")))
def test_never_raises_on_tag_soup(text: str) -> None:
    assert count_words(text) >= 0


@given(_WORDS)
def test_space_separated_words_count_once_each(words: list[str]) -> None:
    assert count_words(" ".join(words)) == len(words)


@given(_WORDS)
def test_each_paragraph_is_a_boundary(words: list[str]) -> None:
    assert count_words("".join(f"<p>{word}</p>" for word in words)) == len(words)


@given(st.text(), st.text())
def test_paragraph_counts_add_up(first: str, second: str) -> None:
    one = f"<p>{html.escape(first)}</p>"
    two = f"<p>{html.escape(second)}</p>"
    assert count_words(one + two) == count_words(one) + count_words(two)


def test_the_fast_path_agrees_with_ao3s_rule_on_every_character_it_takes() -> None:
    import re as stdlib_re

    from quire.core import wordcount

    fast_path = stdlib_re.compile(f"[{wordcount.FAST_PATH_CHARACTERS}]")
    taken = [chr(code) for code in range(0x10000) if fast_path.fullmatch(chr(code))]
    assert len(taken) > 400
    disagreeing = [
        character
        for character in taken
        if bool(stdlib_re.fullmatch(r"\w", character))
        is not bool(wordcount._WORD.fullmatch(character))
    ]
    assert disagreeing == []


@given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=200))
def test_fast_and_full_rules_count_alike(text: str) -> None:
    from quire.core import wordcount

    assert wordcount._count_text(text) == len(wordcount._WORD.findall(_joined(text)))


def _joined(text: str) -> str:
    text = text.replace("--", "—")
    for joiner in ("'", "’", "‘", "-"):
        text = text.replace(joiner, "")
    return text
