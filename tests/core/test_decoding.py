from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quire.core.importers.decoding import decode_text


@pytest.mark.parametrize(
    ("data", "text", "encoding", "repaired"),
    [
        (b"plain\r\nwindows\rmac\n", "plain\nwindows\nmac\n", "utf-8", False),
        (b"end of file\x1a bell\x07\ttab", "end of file bell\ttab", "utf-8", False),
        ("café “quoted”".encode(), "café “quoted”", "utf-8", False),
        (codecs.BOM_UTF8 + b"bom", "bom", "utf-8-sig", False),
        ("utf-16 text".encode("utf-16"), "utf-16 text", "utf-16", False),
        ("naïve “curly” — dash".encode("cp1252"), "naïve “curly” — dash", "cp1252", False),
        (b"\x81\x8d latin", "\x81\x8d latin", "latin-1", False),
        ("cafÃ© naÃ¯ve â€œhiâ€\x9d".encode(), "café naïve “hi”", "utf-8", True),
        ("café &lt;b&gt; stays escaped".encode(), "café &lt;b&gt; stays escaped", "utf-8", False),
    ],
)
def test_decoding(data: bytes, text: str, encoding: str, repaired: bool) -> None:
    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding, decoded.repaired) == (text, encoding, repaired)


@given(st.text())
def test_correct_utf8_comes_back_unchanged_but_for_line_ends_and_controls(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", expected)
    decoded = decode_text(text.encode("utf-8"))
    if not decoded.repaired:
        assert decoded.text == expected


@given(st.binary())
def test_any_bytes_decode(data: bytes) -> None:
    assert isinstance(decode_text(data).text, str)
