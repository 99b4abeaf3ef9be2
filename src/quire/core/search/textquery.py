"""The full-text query language readers type into the search box, parsed to a small AST.

Every backend (tantivy, PostgreSQL) translates the same AST, so a query means the same
thing whichever backend answers it, and the language's quirks live in one place.

The language:

* ``rain umbrella``: words; all must match (AND is the default).
* ``"bad end"``: a phrase (straight or typographic double quotes). An unclosed quote runs
  to the end of the query. A quoted single word is just that word.
* ``umbrel*``: a prefix; at least 2 characters must come before the ``*`` or the star is
  ignored. Stars inside phrases are ignored.
* ``-angst``, ``-"bad end"``, ``-(a OR b)``, and uppercase ``NOT`` as a synonym of ``-``:
  exclusion. A query of only exclusions means "everything except".
* ``AND``, ``OR`` (uppercase only; ``or`` is a word) and parentheses. ``OR`` binds
  tighter than AND, as in web search boxes: ``buffy spike OR angel`` is
  ``buffy (spike OR angel)``. Unbalanced parentheses are forgiven; parentheses nested
  deeper than ``MAX_DEPTH`` are ignored (their contents stay).
* ``title:``, ``summary:``, ``notes:``, ``tag:``, ``text:``, ``creator:`` before a word,
  a phrase or a parenthesised group restrict it to that field (``tag:"Buffy Summers"``,
  ``title:(rain OR snow)``). Any other ``foo:bar`` is the plain words ``foo`` ``bar``.

Words follow AO3's word count (quire.core.wordcount): a run of letters, marks, digits
and connector punctuation, where single apostrophes and hyphens inside a word join it
(``don't``, ``arm-rest``) and every Han, Hiragana, Katakana and Thai character is a word
of its own. All other punctuation only separates words. Words are NFC-normalised and
casefolded and typographic apostrophes become ``'``; a backend should index documents
with ``split_words`` so its tokens equal the query's.

At most ``MAX_TERMS`` words (phrase words included) are kept, in reading order; later
words are dropped and a phrase that does not fit whole is cut short. Parsing never
raises: any input gives an AST or None (nothing searchable).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, NamedTuple, TypeAlias

import regex

__all__ = [
    "MAX_DEPTH",
    "MAX_TERMS",
    "AllDocs",
    "And",
    "Field",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Term",
    "normalise",
    "parse_text_query",
    "split_words",
    "terms_for_highlighting",
    "to_text",
    "word_spans",
]

MAX_TERMS: Final = 50
"""Words kept per query; a bound on the work one search box entry can ask of a backend."""

MAX_DEPTH: Final = 20
"""Parenthesis nesting honoured; deeper parentheses are ignored so parsing stays shallow."""


class Field(StrEnum):
    """The fields a word can be restricted to, by the name readers type before ``:``."""

    TITLE = "title"
    SUMMARY = "summary"
    NOTES = "notes"
    TAG = "tag"
    TEXT = "text"
    CREATOR = "creator"


@dataclass(frozen=True, slots=True)
class Term:
    """One word; with ``prefix`` it matches every word that starts with ``text``."""

    text: str
    field: Field | None = None
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Two or more words that must appear next to each other, in order."""

    words: tuple[str, ...]
    field: Field | None = None


@dataclass(frozen=True, slots=True)
class And:
    """Every item matches. The only place a Not may appear."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one item matches."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Excludes what its item matches; always an item of an And."""

    item: Node


@dataclass(frozen=True, slots=True)
class AllDocs:
    """Every document: the first item of an And that has only Not items."""


Node: TypeAlias = Term | Phrase | And | Or | Not | AllDocs


# Words: the same rule as quire.core.wordcount, after normalisation (so the only joiners
# left are ' and -). A joiner must sit between word characters; two in a row separate.
_SCRIPTS: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}"
_WORD_CHAR: Final = rf"[[\p{{L}}\p{{M}}\p{{Nd}}\p{{Pc}}]--[{_SCRIPTS}]]"
_WORD_PATTERN: Final = rf"[{_SCRIPTS}]|{_WORD_CHAR}+(?:['\-]{_WORD_CHAR}+)*"
_WORD: Final = regex.compile(_WORD_PATTERN, regex.VERSION1)
_WORD_OR_PREFIX: Final = regex.compile(rf"({_WORD_PATTERN})(\*?)", regex.VERSION1)

_QUOTES: Final = '"“”„'
_QUOTE: Final = re.compile(f"[{_QUOTES}]")
_CHUNK: Final = re.compile(rf"[^\s(){_QUOTES}]+")
_FIELD: Final = re.compile(r"([A-Za-z]+):")
_FIELDS: Final = {field.value: field for field in Field}
_OPERATORS: Final = frozenset({"AND", "OR", "NOT"})
_MIN_PREFIX: Final = 2


def parse_text_query(text: str) -> Node | None:
    """Parse what a reader typed; None when nothing in it can be searched for."""
    return _Parser(_lex(text)).parse()


def split_words(text: str) -> list[str]:
    """Normalised words of a document, exactly as the query language forms words."""
    return _WORD.findall(normalise(text))


def word_spans(normalised: str) -> Iterator[tuple[int, int, str]]:
    """Start, end and word of each word of text already normalised (``normalise``):
    the words split_words gives, with where they are."""
    for match in _WORD.finditer(normalised):
        yield match.start(), match.end(), match.group()


def terms_for_highlighting(node: Node | None) -> list[str]:
    """Words to mark in chapter snippets: positive terms and phrase words, first seen first.

    Excluded words are left out (they cannot be in a matching passage), and so are words
    restricted to a field other than ``text`` (they matched elsewhere, not in the prose).
    A prefix term is given with its star (``umbrel*``) so a highlighter can mark every
    word that starts with it.
    """
    found: dict[str, None] = {}
    if node is not None:
        _collect_positive(node, found)
    return list(found)


def to_text(node: Node | None) -> str:
    """The canonical query text for an AST: ``parse_text_query(to_text(n)) == n``.

    That holds for every AST the parser returns. A lone AllDocs (or None) is ``""``,
    which parses to None: an empty query already means every document.
    """
    return "" if node is None else _text(node)


# Lexing: the query becomes a flat token list; negation and fields are attached here
# because they are glued to what follows them (`-word`, `title:"a b"`).


class _Token(NamedTuple):
    kind: str  # ( ) AND OR NOT (also from a leading -) words phrase
    text: str = ""
    field: Field | None = None


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    depth = 0
    skipped = 0  # "(" ignored for being too deep; as many ")" are ignored with them
    pending: Field | None = None  # a `field:` glued to the quote or "(" that follows
    position, end = 0, len(query)
    while position < end:
        char = query[position]
        if char.isspace():
            pending = None
            position += 1
        elif char == "(":
            if depth < MAX_DEPTH:
                depth += 1
                tokens.append(_Token("(", field=pending))
            else:
                skipped += 1
            pending = None
            position += 1
        elif char == ")":
            if skipped:
                skipped -= 1
            elif depth:  # a ")" with nothing open is dropped
                depth -= 1
                tokens.append(_Token(")"))
            pending = None
            position += 1
        elif char in _QUOTES:
            closing = _QUOTE.search(query, position + 1)
            stop = closing.start() if closing else end
            tokens.append(_Token("phrase", query[position + 1 : stop], pending))
            pending = None
            position = stop + 1
        else:
            match = _CHUNK.match(query, position)
            assert match is not None  # every other character starts a chunk
            position = match.end()
            glued = position < end and (query[position] in _QUOTES or query[position] == "(")
            pending = _lex_chunk(match.group(), glued, tokens)
    return tokens


def _lex_chunk(chunk: str, glued: bool, tokens: list[_Token]) -> Field | None:
    """Add one space-delimited chunk's tokens; return a field left for what is glued on."""
    if chunk in _OPERATORS:
        tokens.append(_Token(chunk))
        return None
    rest = chunk.lstrip("-")
    negated = len(rest) < len(chunk)
    field: Field | None = None
    match = _FIELD.match(rest)
    if match is not None and match.group(1).casefold() in _FIELDS:
        field = _FIELDS[match.group(1).casefold()]
        rest = rest[match.end() :]
    if rest:
        if negated:
            tokens.append(_Token("NOT"))
        tokens.append(_Token("words", rest, field))
        return None
    if not glued:  # a lone "-" or "title:" applies to nothing
        return None
    if negated:
        tokens.append(_Token("NOT"))
    return field


def normalise(text: str) -> str:
    """NFC, casefolded, with typographic apostrophes made plain; repeated until stable."""
    for _ in range(4):  # casefolding can un-normalise; a couple of rounds settle it
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
        folded = folded.replace("’", "'").replace("‘", "'")
        if folded == text:
            break
        text = folded
    return text


def _scan(text: str) -> list[tuple[str, bool]]:
    """The normalised words of a chunk, each with whether a valid prefix star follows it."""
    return [
        (match.group(1), bool(match.group(2)) and len(match.group(1)) >= _MIN_PREFIX)
        for match in _WORD_OR_PREFIX.finditer(normalise(text))
    ]


# Parsing: recursive descent over the tokens. Grammar, loosest first:
#   query := or_expr ([AND] or_expr)*      -- and_expr
#   or_expr := unary (OR unary)*
#   unary := NOT* primary
#   primary := words | phrase | "(" query ")"
# Operators with a missing operand are skipped; empty operands vanish.


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.remaining = MAX_TERMS

    def parse(self) -> Node | None:
        return self._and_expr(None)

    def _peek(self) -> str | None:
        return self.tokens[self.position].kind if self.position < len(self.tokens) else None

    def _and_expr(self, field: Field | None) -> Node | None:
        items: list[Node] = []
        while (kind := self._peek()) not in (None, ")"):
            if kind in ("AND", "OR"):  # no left operand
                self.position += 1
                continue
            node = self._or_expr(field)
            if node is not None:
                items.append(node)
        return _make_and(items)

    def _or_expr(self, field: Field | None) -> Node | None:
        items: list[Node] = []
        node = self._unary(field)
        if node is not None:
            items.append(node)
        while self._peek() == "OR":
            while self._peek() == "OR":
                self.position += 1
            if self._peek() in (None, ")", "AND"):
                break
            node = self._unary(field)
            if node is not None:
                items.append(node)
        return _make_or(items)

    def _unary(self, field: Field | None) -> Node | None:
        negated = False
        while self._peek() == "NOT":
            negated = not negated
            self.position += 1
        if self._peek() in (None, ")", "AND", "OR"):
            return None
        node = self._primary(field)
        if node is None or not negated:
            return node
        return _negate(node)

    def _primary(self, field: Field | None) -> Node | None:
        token = self.tokens[self.position]
        self.position += 1
        field = token.field or field
        if token.kind == "(":
            node = self._and_expr(field)
            if self._peek() == ")":
                self.position += 1
            return node
        if not self.remaining:  # out of words: only the structure is still read
            return None
        if token.kind == "phrase":
            words = [word for word, _ in _scan(token.text)][: self.remaining]
            self.remaining -= len(words)
            if len(words) > 1:
                return Phrase(tuple(words), field)
            return Term(words[0], field) if words else None
        terms: list[Node] = []
        for word, prefix in _scan(token.text)[: self.remaining]:
            terms.append(Term(word, field, prefix))
        self.remaining -= len(terms)
        # Several words in one chunk (`foo.bar`, `東京`) act as a group, so `-foo.bar`
        # excludes works with both rather than works with either.
        return _make_and(terms)


def _dedupe(items: list[Node]) -> list[Node]:
    return list(dict.fromkeys(items))


def _make_and(items: list[Node]) -> Node | None:
    """The normal And of items: flat, without repeats or needless AllDocs, never empty."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, And) else (item,))
    flat = _dedupe([item for item in flat if not isinstance(item, AllDocs)])
    if not flat:
        return None
    if all(isinstance(item, Not) for item in flat):
        return And((AllDocs(), *flat))
    if len(flat) == 1:
        return flat[0]
    return And(tuple(flat))


def _make_or(items: list[Node]) -> Node | None:
    """The normal Or of items: flat, without repeats, each Not made "everything except"."""
    flat: list[Node] = []
    for item in items:
        if isinstance(item, Or):
            flat.extend(item.items)
        elif isinstance(item, Not):
            flat.append(And((AllDocs(), item)))
        else:
            flat.append(item)
    flat = _dedupe(flat)
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return Or(tuple(flat))


def _negate(node: Node) -> Node:
    """Not(node), undoing double negation so `-(-a)` is `a` and `-(-a -b)` is `a OR b`."""
    if isinstance(node, Not):
        return node.item
    if (
        isinstance(node, And)
        and node.items
        and isinstance(node.items[0], AllDocs)
        and all(isinstance(item, Not) for item in node.items[1:])
    ):
        inner = _make_or([item.item for item in node.items[1:] if isinstance(item, Not)])
        if inner is not None:
            return inner
    return Not(node)


# Writing: the inverse of parsing for normal ASTs.


def _text(node: Node) -> str:
    if isinstance(node, Term):
        return f"{_field_prefix(node.field)}{node.text}{'*' if node.prefix else ''}"
    if isinstance(node, Phrase):
        return f'{_field_prefix(node.field)}"{" ".join(node.words)}"'
    if isinstance(node, Not):
        return f"-{_operand(node.item)}"
    if isinstance(node, And):
        return " ".join(
            _operand(item) if isinstance(item, And | Or) else _text(item)
            for item in node.items
            if not isinstance(item, AllDocs)
        )
    if isinstance(node, Or):
        return " OR ".join(_or_item(item) for item in node.items)
    return ""  # AllDocs


def _field_prefix(field: Field | None) -> str:
    return "" if field is None else f"{field.value}:"


def _operand(node: Node) -> str:
    """A node as one unit: words and phrases as they are, anything else in parentheses."""
    if isinstance(node, Term | Phrase):
        return _text(node)
    return f"({_text(node)})"


def _or_item(node: Node) -> str:
    # "Everything except x" inside an Or reads back from a bare `-x`.
    if (
        isinstance(node, And)
        and len(node.items) == 2
        and isinstance(node.items[0], AllDocs)
        and isinstance(node.items[1], Not)
    ):
        return _text(node.items[1])
    if isinstance(node, Not):
        return _text(node)
    return _operand(node)


def _collect_positive(node: Node, found: dict[str, None]) -> None:
    if isinstance(node, Term):
        if node.field in (None, Field.TEXT):
            found[f"{node.text}*" if node.prefix else node.text] = None
    elif isinstance(node, Phrase):
        if node.field in (None, Field.TEXT):
            found.update(dict.fromkeys(node.words))
    elif isinstance(node, And | Or):
        for item in node.items:
            _collect_positive(item, found)
