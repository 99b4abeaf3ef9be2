"""Rules about accounts that need neither a database nor a request.

Usernames appear in URLs and bylines, pseud names in URLs and bylines too, and
invitation codes are read aloud and typed from emails: each rule here keeps one
of those working. The reading choices mirror the ones the reading-settings
script and the stylesheet understand (``static/quire/reading-prefs.js``), so an
account's saved choices can be put on ``<html>`` before any script runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

import regex

USERNAME_MIN: Final = 3
USERNAME_MAX: Final = 40
PSEUD_NAME_MAX: Final = 40
ORPHAN_USERNAME: Final = "orphan_account"
"""The account orphaned works move to (AO3's name); nobody may sign up under it."""

# Letters and digits of any script, with single underscores or hyphens between
# them: no "@" (it would read as an email address at login), no dots or spaces.
_USERNAME: Final = regex.compile(r"[\p{L}\p{N}]+(?:[_-][\p{L}\p{N}]+)*")
# Pseuds are display names: spaces and dots are fine, slashes (a path) are not.
_PSEUD_NAME: Final = regex.compile(r"[\p{L}\p{N}\p{M} ._-]+")
_HAS_LETTER_OR_DIGIT: Final = regex.compile(r"[\p{L}\p{N}]")


def username_problem(username: str) -> str | None:
    """Why `username` cannot be a new account's name, or None when it can."""
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        return f"Use {USERNAME_MIN} to {USERNAME_MAX} characters."
    if not _USERNAME.fullmatch(username):
        return (
            "Use letters and numbers, with single underscores or hyphens between them (no spaces)."
        )
    if username.lower() == ORPHAN_USERNAME:
        return "That name belongs to the archive's orphaned works."
    return None


def clean_pseud_name(name: str) -> str:
    """The name with runs of white space made one space, as it will be stored."""
    return " ".join(name.split())


def pseud_name_problem(name: str) -> str | None:
    """Why `name` (already cleaned) cannot be a pseud's name, or None when it can."""
    if not name:
        return "A pseud needs a name."
    if len(name) > PSEUD_NAME_MAX:
        return f"Use at most {PSEUD_NAME_MAX} characters."
    if not _PSEUD_NAME.fullmatch(name):
        return "Use letters, numbers, spaces, dots, underscores and hyphens."
    if not _HAS_LETTER_OR_DIGIT.search(name):
        return "Include at least one letter or number."
    return None


# Capitals and digits without the look-alikes (0/O, 1/I/L): easy to read out and
# type, and 16 of them are 80 bits, far beyond guessing.
INVITATION_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITATION_CODE_LENGTH: Final = 16


def new_invitation_code() -> str:
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_CODE_LENGTH))


def normalize_invitation_code(text: str) -> str:
    """The code as stored, from what a person typed: case, spaces and dashes forgiven."""
    return "".join(character for character in text.upper() if character.isalnum())


@dataclass(frozen=True, slots=True)
class ReadingSetting:
    """One reading setting: its name, the attribute on <html>, its choices (with the
    words a form shows for them) and its default."""

    name: str
    attribute: str
    choices: tuple[str, ...]
    labels: tuple[str, ...]
    default: str


READING_SETTINGS: Final = (
    ReadingSetting(
        "theme",
        "data-theme",
        ("auto", "light", "dark", "sepia"),
        ("Auto", "Light", "Dark", "Sepia"),
        "auto",
    ),
    ReadingSetting(
        "size",
        "data-text-size",
        ("1", "2", "3", "4", "5", "6"),
        ("Small", "Normal", "Large", "Larger", "Very large", "Largest"),
        "2",
    ),
    ReadingSetting("font", "data-text-font", ("serif", "sans"), ("Serif", "Sans-serif"), "serif"),
    ReadingSetting(
        "width",
        "data-text-width",
        ("narrow", "medium", "wide"),
        ("Narrow", "Medium", "Wide"),
        "medium",
    ),
)


def reading_setting(name: str) -> ReadingSetting:
    return next(setting for setting in READING_SETTINGS if setting.name == name)


def reading_attributes(chosen: dict[str, str]) -> dict[str, str]:
    """The <html> attributes for these reading choices; a default or unknown choice
    sets none, exactly as the reading-settings script does."""
    attributes = {}
    for setting in READING_SETTINGS:
        value = chosen.get(setting.name, setting.default)
        if value in setting.choices and value != setting.default:
            attributes[setting.attribute] = value
    return attributes
