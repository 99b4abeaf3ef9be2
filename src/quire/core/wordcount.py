"""Word counts that agree with AO3's, so imported works keep the numbers readers know.

The rule is the one in otwarchive's ``WordCounter`` (``lib/word_counter.rb`` and its spec):

1. Parse the chapter as HTML and take the text nodes inside ``<body>``, one at a time.
   Every tag is therefore a word boundary: ``<i>un</i>believable`` is 2 words.
   Text in ``<script>``/``<style>`` and in comments is not prose and counts nothing
   (AO3 never sees those because it sanitizes first; we may be handed raw HTML).
2. In each node replace ``--`` with an em dash, so ``one--two`` stays 2 words.
3. Delete ``'``, ``’``, ``‘`` and ``-``, so ``don't`` and ``arm-rest`` are 1 word each.
4. Count regex matches of: one Han, Hiragana, Katakana or Thai character (languages
   written without spaces are counted per character), or a run of other word
   characters: Ruby's Unicode ``[[:word:]]``, i.e. letters, marks, decimal digits and
   connector punctuation.

Everything else (spaces, punctuation, symbols, dashes, emoji) only separates words. An em
dash is such a separator, never a word of its own: AO3's spec asserts ``one—two—three``
is 3 words (and so ``one—two`` is 2, ``one — two — three`` is 3). Numbers split at their
punctuation, so ``1,000`` and ``3.14`` are 2 words each, as on AO3.

Known divergence: one otwarchive version (``Otw::WordCounter``) builds its one-character
branch as ``[\\p{Han}|\\p{Hiragana}|…]``, a bracket expression that also holds a literal
``|``, so a stray pipe counts as a word there. That is an accident of string joining, not
a rule, and we do not copy it.
"""

from __future__ import annotations

import re
from typing import Final

import lxml.html
import regex
from lxml import etree

__all__ = ["count_words"]

_SCRIPTS: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}"

# One character of a space-less script, or a run of word characters outside those
# scripts. `\p{Han}` etc. are Unicode *scripts* (as in Ruby's Onigmo), so the prolonged
# sound mark ー (script Common) is an ordinary word character, not a kana.
_WORD: Final = regex.compile(
    rf"[{_SCRIPTS}]|[[\p{{L}}\p{{M}}\p{{Nd}}\p{{Pc}}]--[{_SCRIPTS}]]+",
    regex.VERSION1,
)

# A fast path for most prose. In Latin text with typographic punctuation (ASCII,
# Latin-1, Latin Extended-A, General Punctuation) no spaceless script occurs, and the
# stdlib's `\w` agrees with the rule above on every character except the superscript
# digits and vulgar fractions (numbers but not decimal digits) and the connector
# punctuation ‿ ⁀ ⁔, so those are left out; text with anything else takes `_WORD`.
# tests/core/test_wordcount.py checks the agreement character by character.
FAST_PATH_CHARACTERS: Final = (
    "\x00-\xb1\xb4-\xb8\xba-\xbb\xbf-\u017f\u2000-\u203e\u2041-\u2053\u2055-\u206f"
)
_OUTSIDE_FAST_PATH: Final = re.compile(f"[^{FAST_PATH_CHARACTERS}]")
_FAST_WORD: Final = re.compile(r"\w+")

# Deleting these joins contractions and hyphenated compounds into one word.
_JOINERS: Final = ("'", "’", "‘", "-")

# Not prose: never shown as text, so never counted.
_NOT_PROSE: Final = frozenset({"script", "style"})

# Comments stay in the tree (the parser is not told to drop them) because dropping them
# would glue the text on either side into one node; AO3's counter sees `a<!-- -->b` as
# two text nodes, so 2 words.
# The input is decoded by us, so the parser is told UTF-8 and any <meta charset> or XML
# declaration in the chapter cannot change how it is read. lxml locks a parser while it
# runs, so one shared parser is safe across threads.
_PARSER: Final = lxml.html.HTMLParser(
    encoding="utf-8",
    recover=True,
    no_network=True,
    huge_tree=True,
    remove_blank_text=False,
    remove_comments=False,
    remove_pis=False,
)


def count_words(html: str) -> int:
    """Return AO3's word count for a chapter's HTML (0 for empty or unparseable input)."""
    if not html or html.isspace():
        return 0
    body = _body(html)
    if body is None:
        return 0
    total = _count_text(body.text)
    for node in body.iterdescendants():
        # Comments, processing instructions and entities have a non-string tag; their own
        # text is not prose but the text after them (the tail) is.
        if isinstance(node.tag, str) and node.tag not in _NOT_PROSE:
            total += _count_text(node.text)
        total += _count_text(node.tail)
    return total


def _body(html: str) -> etree._Element | None:
    """Parse leniently and return the first <body>, as Nokogiri's `//body` would."""
    # Lone surrogates cannot be encoded; they become "?" which is not a word character.
    data = html.encode("utf-8", "replace")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.LxmlError:
        # recover=True makes this very unlikely; junk input must still never raise.
        return None
    if root is None:
        return None
    return root.find("body")


def _count_text(text: str | None) -> int:
    """Count the words in one text node."""
    if not text:
        return 0
    text = text.replace("--", "—")
    for joiner in _JOINERS:  # str.replace is several times faster than translate here
        text = text.replace(joiner, "")
    if _OUTSIDE_FAST_PATH.search(text) is None:  # the stdlib engine is several times faster
        return len(_FAST_WORD.findall(text))
    return len(_WORD.findall(text))
