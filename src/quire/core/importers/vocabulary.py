"""Words importers read in every format: AO3's fixed tags as people name them, and dates.

The tables are written as the names are spelled ("teen and up", "pg-13"). An importer
that compares names with their punctuation (html.py) uses them as they are; one that
compares letters and digits only (plaintext.py, efiction.py) keys them its own way.
Where a format reads a name differently, or knows more names, its importer adds to the
shared table, so that what every format agrees on is written once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from quire.core.tags import (
    EXPLICIT,
    FIXED_TAGS,
    GENERAL_AUDIENCES,
    MATURE,
    NO_WARNINGS_APPLY,
    NOT_RATED,
    TEEN_AND_UP,
    TagType,
)

__all__ = [
    "AO3_NAMES",
    "MONTHS",
    "RATING_SPELLINGS",
    "SHORT_FIELD",
    "WARNING_SPELLINGS",
    "parse_date",
    "spellings",
]


def spellings(table: Mapping[str, str]) -> dict[str, str]:
    """{tag: "spelling spelling …"} → {spelling: tag}, for spellings without spaces."""
    return {spelling: tag for tag, names in table.items() for spelling in names.split()}


# ---------------------------------------------------------------- AO3's fixed tags

AO3_NAMES: Final[dict[TagType, dict[str, str]]] = {
    tag_type: {name.casefold(): name for name in names} for tag_type, names in FIXED_TAGS.items()
}
"""AO3's ratings, warnings and categories by their casefolded names."""

RATING_SPELLINGS: Final[dict[str, str]] = AO3_NAMES[TagType.RATING] | {
    "g": GENERAL_AUDIENCES, "k": GENERAL_AUDIENCES, "gen": GENERAL_AUDIENCES,
    "general": GENERAL_AUDIENCES, "pg": TEEN_AND_UP, "pg-13": TEEN_AND_UP, "pg13": TEEN_AND_UP,
    "t": TEEN_AND_UP, "teen": TEEN_AND_UP, "teen and up": TEEN_AND_UP, "r": MATURE, "m": MATURE,
    "nc-17": EXPLICIT, "nc17": EXPLICIT, "ma": EXPLICIT, "x": EXPLICIT, "xxx": EXPLICIT,
    "adult": EXPLICIT, "unrated": NOT_RATED,
}  # fmt: skip
"""Ratings people write (AO3's names, MPAA letters, FanFiction.net's K…MA) → AO3's rating.

A name between two AO3 ratings (MPAA's PG) gets the more restrictive one.
"""

WARNING_SPELLINGS: Final[dict[str, str]] = AO3_NAMES[TagType.WARNING] | dict.fromkeys(
    ("none", "no warnings"), NO_WARNINGS_APPLY
)
"""Archive warnings people write → AO3's warning."""


# ---------------------------------------------------------------- dates

MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
"""English month names and their abbreviations, lower-case → 1…12."""

SHORT_FIELD: Final = 300
"""How far a header value is read: a name or a date is short, and the patterns for them
are not made for pages of text."""

_ISO: Final = re.compile(r"(?P<year>\d{4})-(?P<number>\d{1,2})-(?P<day>\d{1,2})")
_NUMERIC: Final = re.compile(r"(?P<number>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}|\d{2})\b")


def _named(month: str, flags: int = 0) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for "12 March 2004" and "March 12, 2004", `month` matching the month's name."""
    return (
        re.compile(
            rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{month})\.?,?\s+(?P<year>\d{{4}})",
            flags,
        ),
        re.compile(
            rf"(?P<month>{month})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
            flags,
        ),
    )


_DAY_MONTH, _MONTH_DAY = _named("[A-Za-z]{3,9}")
_FORMS: Final = ((_ISO,), (_DAY_MONTH,), (_MONTH_DAY,), (_NUMERIC,))
_STRICT_FORMS: Final = ((_ISO,), _named("[a-z]+", re.IGNORECASE))
"""The forms a date is looked for in, in order; in a form of several patterns the one
found first in the text counts."""


def parse_date(text: str, *, strict: bool = False) -> date | None:
    """The first date written in `text`: ISO, "11 Sep 1994", "May 1, 2004", "10/26/94".

    A numeric date is month first unless its month is over 12 (26/10/94, and an ISO
    date written 2004-26-10); a year under 100 is 1970–2069. Only the first SHORT_FIELD
    characters are read, and a date that does not exist makes way for the next form.

    `strict` is for a web page's header field: numeric dates are ambiguous there (3/4:
    March or April?), so only ISO dates and dates with a month name (any word) are read,
    as written, in the whole field; the first one found is the answer, whether or not
    such a day exists.
    """
    if not strict:
        text = text[:SHORT_FIELD]
    for patterns in _STRICT_FORMS if strict else _FORMS:
        matches = [match for pattern in patterns if (match := pattern.search(text))]
        if not matches:
            continue
        day = _date_of(min(matches, key=lambda match: match.start()), lenient=not strict)
        if day is not None or strict:
            return day
    return None


def _date_of(match: re.Match[str], *, lenient: bool) -> date | None:
    """The day a match names; `lenient` reads years under 100 and months over 12 as
    `parse_date` says, and `strict` takes them as written."""
    parts = match.groupdict()
    name, number = parts.get("month"), parts.get("number")
    month = MONTHS.get(name.casefold(), 0) if name else int(number or 0)
    day, year = int(parts["day"]), int(parts["year"])
    if lenient and year < 100:  # two-digit years in fic are the 1990s or later
        year += 1900 if year >= 70 else 2000
    if lenient and number and month > 12 >= day:
        month, day = day, month
    try:
        return date(year, month, day)
    except ValueError:  # 2023-02-30, or a word that is no month
        return None
