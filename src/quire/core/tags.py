"""AO3's tag vocabulary: the seven filterable tag types and the fixed tags.

The fixed ratings, warnings and categories carry AO3's exact names because
imported AO3 downloads, search filters and URLs all refer to them by name.
"""

from __future__ import annotations

import re
from enum import StrEnum


class TagType(StrEnum):
    """The tag types AO3 lets readers filter on, in AO3's display order."""

    RATING = "rating"
    WARNING = "warning"
    CATEGORY = "category"
    FANDOM = "fandom"
    RELATIONSHIP = "relationship"
    CHARACTER = "character"
    FREEFORM = "freeform"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]

    @property
    def plural_label(self) -> str:
        return _TYPE_PLURAL_LABELS[self]


_TYPE_LABELS = {
    TagType.RATING: "Rating",
    TagType.WARNING: "Archive Warning",
    TagType.CATEGORY: "Category",
    TagType.FANDOM: "Fandom",
    TagType.RELATIONSHIP: "Relationship",
    TagType.CHARACTER: "Character",
    TagType.FREEFORM: "Additional Tags",
}

_TYPE_PLURAL_LABELS = {
    TagType.RATING: "Ratings",
    TagType.WARNING: "Archive Warnings",
    TagType.CATEGORY: "Categories",
    TagType.FANDOM: "Fandoms",
    TagType.RELATIONSHIP: "Relationships",
    TagType.CHARACTER: "Characters",
    TagType.FREEFORM: "Additional Tags",
}

NOT_RATED = "Not Rated"
GENERAL_AUDIENCES = "General Audiences"
TEEN_AND_UP = "Teen And Up Audiences"
MATURE = "Mature"
EXPLICIT = "Explicit"

RATINGS = (NOT_RATED, GENERAL_AUDIENCES, TEEN_AND_UP, MATURE, EXPLICIT)
"""AO3's ratings, least to most restrictive apart from Not Rated."""

ADULT_RATINGS = frozenset({NOT_RATED, MATURE, EXPLICIT})
"""Ratings whose works open behind the adult-content notice."""

CHOOSE_NOT_TO_WARN = "Choose Not To Use Archive Warnings"
NO_WARNINGS_APPLY = "No Archive Warnings Apply"
GRAPHIC_VIOLENCE = "Graphic Depictions Of Violence"
MAJOR_CHARACTER_DEATH = "Major Character Death"
NON_CON = "Rape/Non-Con"
UNDERAGE = "Underage Sex"

WARNINGS = (
    CHOOSE_NOT_TO_WARN,
    NO_WARNINGS_APPLY,
    GRAPHIC_VIOLENCE,
    MAJOR_CHARACTER_DEATH,
    NON_CON,
    UNDERAGE,
)

WARNING_DISPLAY_NAMES = {CHOOSE_NOT_TO_WARN: "Creator Chose Not To Use Archive Warnings"}
"""Where AO3 shows a warning under another name than the tag's own."""

CATEGORIES = ("Gen", "F/M", "M/M", "F/F", "Multi", "Other")

FIXED_TAGS: dict[TagType, tuple[str, ...]] = {
    TagType.RATING: RATINGS,
    TagType.WARNING: WARNINGS,
    TagType.CATEGORY: CATEGORIES,
}
"""Tags that exist in every archive from the first migration on."""


def display_name(name: str) -> str:
    """The name AO3 shows for a tag (differs only for one warning)."""
    return WARNING_DISPLAY_NAMES.get(name, name)


def is_adult_rating(rating_names: frozenset[str] | set[str]) -> bool:
    """Whether a work with these rating tags needs the adult-content notice.

    A work with no rating at all is treated as Not Rated, as AO3 does.
    """
    return not rating_names or bool(ADULT_RATINGS & rating_names)


_URL_CODES = {"*": "x", "/": "s", "&": "a", ".": "d", "?": "q", "#": "h"}
_ENCODE_TABLE = str.maketrans({plain: f"*{code}*" for plain, code in _URL_CODES.items()})
_DECODE_PATTERN = re.compile(r"\*([xsadqh])\*")
_DECODE_MAP = {code: plain for plain, code in _URL_CODES.items()}


def tag_to_url_part(name: str) -> str:
    """Encode a tag name the way AO3 does in /tags/NAME/works URLs.

    AO3 replaces characters that routers and browsers treat specially with
    starred codes, so "Buffy Summers/Spike" becomes "Buffy Summers*s*Spike";
    keeping the scheme lets links copied from AO3 work here. A literal "*" is
    coded too, so that decoding is never ambiguous.
    """
    return name.translate(_ENCODE_TABLE)


def tag_from_url_part(part: str) -> str:
    """Decode tag_to_url_part in one left-to-right pass."""
    return _DECODE_PATTERN.sub(lambda match: _DECODE_MAP[match.group(1)], part)
