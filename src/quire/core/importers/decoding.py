"""Turn a fic file's bytes into text, whatever decade and editor produced it.

Old fic arrives as UTF-8, UTF-16 with a BOM, Windows-1252 or Latin-1, and
often as mojibake (UTF-8 read as Windows-1252 and saved again); ftfy repairs
the last without touching correct text.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import ftfy

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


def decode_text(data: bytes) -> DecodedText:
    """Decode bytes to text with normalized line ends (\\n), repairing mojibake."""
    encoding = _detect(data)
    text = data.decode(encoding, errors="replace").replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed = ftfy.fix_text(
        text,
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
