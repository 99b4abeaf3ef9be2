"""Turn a fic file's bytes into text, whatever decade and editor produced it.

Old fic arrives as UTF-8, UTF-16 with a BOM, Windows-1252 or Latin-1, and
often as mojibake (UTF-8 read as Windows-1252 and saved again); ftfy repairs
the last without touching correct text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import ftfy

from quire.core.sanitize import CONTROL_CHARACTERS

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    repaired: bool
    """True when mojibake was found and fixed."""


# Mojibake of UTF-8 read as Windows-1252 starts with one of these lead characters
# followed by a character that a UTF-8 continuation byte becomes in cp1252. Text
# without such a pair cannot be that kind of mojibake, so ftfy (slow: a few MB/s)
# is only asked when one is present.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)


def decode_text(data: bytes) -> DecodedText:
    """Decode bytes to text with normalized line ends (\\n), repairing mojibake."""
    encoding = _detect(data)
    text = data.decode(encoding, errors="replace").replace("\ufeff", "")
    text = CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return DecodedText(text=text, encoding=encoding, repaired=False)
    fixed = ftfy.fix_text(
        text,
        unescape_html=False,
        normalization=None,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
    )
    return DecodedText(text=fixed, encoding=encoding, repaired=fixed != text)


def _detect(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"
