"""Account rules that need no database: names, invitation codes, reading attributes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from quire.core.accounts import (
    INVITATION_ALPHABET,
    INVITATION_CODE_LENGTH,
    READING_SETTINGS,
    clean_pseud_name,
    new_invitation_code,
    normalize_invitation_code,
    pseud_name_problem,
    reading_attributes,
    username_problem,
)

READING_PREFS_JS = Path(__file__).parents[2] / "src/quire/static/quire/reading-prefs.js"


@pytest.mark.parametrize("name", ["abc", "jane_doe", "Jane-Doe-2", "Zoë", "日本語の名前", "a1b"])
def test_good_usernames(name: str) -> None:
    assert username_problem(name) is None


@pytest.mark.parametrize(
    "name",
    ["ab", "x" * 41, "jane doe", "jane@example.org", "_jane", "jane_", "ja__ne", "jane.doe", ""],
)
def test_bad_usernames(name: str) -> None:
    assert username_problem(name)


@pytest.mark.parametrize("name", ["Jane", "J. R. Writer", "snake_case-name", "Zoë Ö", "42"])
def test_good_pseud_names(name: str) -> None:
    assert pseud_name_problem(name) is None


@pytest.mark.parametrize("name", ["", "a/b", "x" * 41, "...", "<b>", "Jane!"])
def test_bad_pseud_names(name: str) -> None:
    assert pseud_name_problem(name)


def test_pseud_names_lose_extra_white_space() -> None:
    assert clean_pseud_name("  Jane \t  Doe ") == "Jane Doe"


def test_invitation_codes_are_long_unambiguous_and_forgiving_to_type() -> None:
    codes = {new_invitation_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == INVITATION_CODE_LENGTH
        assert set(code) <= set(INVITATION_ALPHABET)
    assert not set("01OIL") & set(INVITATION_ALPHABET)
    code = next(iter(codes))
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
    assert normalize_invitation_code(typed) == code


def test_reading_attributes_name_only_what_differs_from_the_default() -> None:
    assert reading_attributes({}) == {}
    assert reading_attributes({"theme": "auto", "size": "2", "font": "serif"}) == {}
    assert reading_attributes({"theme": "dark", "size": "4", "width": "wide"}) == {
        "data-theme": "dark",
        "data-text-size": "4",
        "data-text-width": "wide",
    }
    assert reading_attributes({"theme": "neon", "font": "sans"}) == {"data-text-font": "sans"}


def _js_object(name: str) -> dict[str, object]:
    """A constant object literal from reading-prefs.js, read as JSON."""
    source = READING_PREFS_JS.read_text()
    match = re.search(rf"const {name} = (\{{.*?\}});", source, re.DOTALL)
    assert match, f"{name} is no longer a constant in {READING_PREFS_JS.name}"
    literal = re.sub(r"(\w+):", r'"\1":', match.group(1))
    literal = re.sub(r",(\s*[}\]])", r"\1", literal)
    return dict(json.loads(literal))


def test_reading_settings_match_the_script_that_applies_them() -> None:
    """The server puts an account's choices on <html>; the script and the stylesheet
    must understand them, so both sides name the same settings and values."""
    choices, defaults, attributes = (
        _js_object("CHOICES"),
        _js_object("DEFAULTS"),
        _js_object("ATTRIBUTES"),
    )
    for setting in READING_SETTINGS:
        assert list(setting.choices) == choices[setting.name]
        assert setting.default == defaults[setting.name]
        assert setting.attribute == attributes[setting.name]
        assert len(setting.labels) == len(setting.choices)
    assert {setting.name for setting in READING_SETTINGS} == set(choices)
