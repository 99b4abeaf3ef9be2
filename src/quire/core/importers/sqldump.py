"""Read the rows of a MySQL dump's INSERT statements without a MySQL server.

Archives that die leave a dump behind (mysqldump, phpMyAdmin, Sequel Pro or a
home-made script), and whoever rescues one rarely has a server to load it into.
This reader understands what those tools write: CREATE TABLE (for the column
order), INSERT with one or many rows, quoted strings with MySQL's escapes,
NULL, numbers, hex literals, backticked names, ``#``/``--``/``/* */`` comments
and ``/*!40101 … */`` conditional comments (whose content is code). Everything
else (SET, LOCK TABLES, DROP TABLE…) is skipped statement by statement.

It works on bytes and decodes each value on its own: old databases hold rows
typed in different decades, some UTF-8 and some Windows-1252, and one bad byte
must not decide how every other row is read. Regexes that never backtrack read
it a token at a time (a string, however long, is one token), a plain row value
or a run of skipped bytes in one step, so reading is linear in the dump's size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from quire.core.importers.decoding import decode_text

__all__ = ["SqlDump", "SqlValue", "read_dump"]

SqlValue = str | None
"""A value as the dump wrote it: text (numbers keep their spelling) or NULL."""

_SINGLE_QUOTED: Final = rb"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*"
_DOUBLE_QUOTED: Final = rb'"[^"\\]*(?:(?:\\.|"")[^"\\]*)*'
_NUMBER: Final = rb"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
# Strings use the "unrolled loop" form, which never backtracks.

_TOKEN: Final = re.compile(
    rb"""\s*(?:
      (?P<comment>\#[^\n]*|--(?=\s|\Z)[^\n]*|/\*(?!M?!)(?:.*?\*/|.*))
    | (?P<code>/\*M?!\d*|\*/)
    | (?P<string>"""
    + _SINGLE_QUOTED
    + rb"""(?:'|\\?\Z)|"""
    + _DOUBLE_QUOTED
    + rb"""(?:"|\\?\Z))
    | (?P<name>`[^`]*(?:``[^`]*)*`?)
    | (?P<hex>0x[0-9a-fA-F]+\b|[xX]'[0-9a-fA-F]*')
    | (?P<number>"""
    + _NUMBER
    + rb""")
    | (?P<word>[A-Za-z0-9_$]+)
    | (?P<symbol>.)
    )""",
    re.VERBOSE | re.DOTALL,
)
"""One token after optional whitespace. An unterminated string, name or comment runs
to the end of the dump. ``code`` is the opening or closing mark of a conditional
comment: dropped, so that its content reads as ordinary statements."""

_SIMPLE_VALUE: Final = re.compile(
    rb"""\s*(?:(?P<string>"""
    + _SINGLE_QUOTED
    + rb"'|"
    + _DOUBLE_QUOTED
    + rb'")|(?P<number>'
    + _NUMBER
    + rb""")|(?P<null>NULL))\s*(?P<end>[,)])""",
    re.DOTALL,
)
"""A row value as dump tools write nearly all of them, with the "," or ")" after it:
matched in one step instead of token by token."""

_PLAIN_RUN: Final = re.compile(rb"""[^;'"`#/-]+""")
"""Bytes that cannot start a string, name or comment, nor end a statement."""

_SKIPPED: Final = frozenset({"comment", "code"})
_INTRODUCED: Final = frozenset({"string", "hex"})

_UNESCAPE_SINGLE: Final = re.compile(rb"\\(.)|''", re.DOTALL)
_UNESCAPE_DOUBLE: Final = re.compile(rb'\\(.)|""', re.DOTALL)
_ESCAPES: Final = {
    b"0": b"\x00",
    b"b": b"\b",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"Z": b"\x1a",
    b"%": b"\\%",  # MySQL keeps the backslash of \% and \_ (they are LIKE escapes)
    b"_": b"\\_",
}
_LITERAL_WORDS: Final[dict[bytes, SqlValue]] = {
    b"NULL": None,
    b"DEFAULT": None,
    b"TRUE": "1",
    b"FALSE": "0",
}
_INSERT_MODIFIERS: Final = frozenset({b"LOW_PRIORITY", b"DELAYED", b"HIGH_PRIORITY", b"IGNORE"})
_NOT_COLUMNS: Final = frozenset(
    {
        b"PRIMARY", b"KEY", b"INDEX", b"UNIQUE", b"CONSTRAINT", b"FULLTEXT", b"SPATIAL",
        b"FOREIGN", b"CHECK", b"PERIOD",
    }
)  # fmt: skip
"""Words that start a CREATE TABLE clause which is not a column definition."""


@dataclass(slots=True)
class _Batch:
    """The rows of one INSERT, with the column names it was written for (when known)."""

    columns: tuple[str, ...] | None
    rows: list[tuple[SqlValue, ...]]


@dataclass(slots=True)
class SqlDump:
    """What a dump holds for the tables that were kept, by lower-case table name."""

    created: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Column names (lower case) from each table's CREATE TABLE."""
    inserts: dict[str, list[_Batch]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """What could not be read: truncation, statements not understood."""

    def table_names(self) -> list[str]:
        """Every kept table the dump creates or fills, in order of appearance."""
        return list(dict.fromkeys([*self.created, *self.inserts]))

    def records(
        self, table: str, known_columns: Sequence[str] = ()
    ) -> tuple[list[dict[str, SqlValue]], list[str]]:
        """The table's rows as {column: value}, and why any row was left out.

        An INSERT without a column list, in a dump without CREATE TABLE, is read
        with `known_columns` (the schema the caller expects); rows whose length
        does not match their columns are left out rather than misread.
        """
        records: list[dict[str, SqlValue]] = []
        unnamed = misfits = 0
        misfit_columns: tuple[str, ...] = ()
        for batch in self.inserts.get(table, []):
            columns = batch.columns or tuple(known_columns)
            if not columns:
                unnamed += len(batch.rows)
                continue
            width = len(columns)
            for row in batch.rows:
                if len(row) == width:
                    records.append(dict(zip(columns, row, strict=True)))
                else:
                    misfits += 1
                    misfit_columns = columns
        problems = []
        if unnamed:
            problems.append(
                f"`{table}`: skipped {_rows(unnamed)} without column names "
                "(and no CREATE TABLE in the dump)"
            )
        if misfits:
            problems.append(
                f"`{table}`: skipped {_rows(misfits)} without the {len(misfit_columns)} "
                f"columns ({', '.join(misfit_columns[:3])}…) the table was read with"
            )
        return records, problems


def read_dump(data: bytes, keep: Callable[[str], bool] = lambda table: True) -> SqlDump:
    """Read every CREATE TABLE and INSERT of the tables `keep` accepts (by lower-case name)."""
    dump = SqlDump()
    tokens = _Tokens(data)
    while (token := tokens.next()) is not None:
        keyword = _keyword(token)
        if keyword in (b"INSERT", b"REPLACE"):
            _read_insert(tokens, dump, keep)
        elif keyword == b"CREATE":
            _read_create(tokens, dump, keep)
        elif keyword != b";":
            tokens.skip_statement()
    return dump


class _Tokens:
    """The dump's significant tokens (comments dropped), with one token of look-ahead."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self._peeked: re.Match[bytes] | None = None

    def next(self) -> re.Match[bytes] | None:
        if self._peeked is not None:
            peeked, self._peeked = self._peeked, None
            return peeked
        while (token := _TOKEN.match(self.data, self.pos)) is not None:
            self.pos = token.end()
            if token.lastgroup not in _SKIPPED:
                return token
        return None  # nothing but whitespace is left

    def peek(self) -> re.Match[bytes] | None:
        if self._peeked is None:
            self._peeked = self.next()
        return self._peeked

    def simple_value(self) -> re.Match[bytes] | None:
        """The next row value and its separator when it is a plain literal."""
        if self._peeked is not None:
            return None
        value = _SIMPLE_VALUE.match(self.data, self.pos)
        if value is not None:
            self.pos = value.end()
        return value

    def skip_statement(self) -> bool:
        """Skip to just past the next ";"; False when the dump ends first."""
        while True:
            if self._peeked is None and (run := _PLAIN_RUN.match(self.data, self.pos)):
                self.pos = run.end()
            token = self.next()
            if token is None:
                return False
            if token.lastgroup == "symbol" and _text(token) == b";":
                return True


def _text(token: re.Match[bytes]) -> bytes:
    return token.group(token.lastgroup or 0)


def _keyword(token: re.Match[bytes] | None) -> bytes:
    """The token upper-cased when it is a word or a symbol, else b"" (names never are)."""
    if token is None or token.lastgroup not in ("word", "symbol"):
        return b""
    return _text(token).upper()


def _identifier(token: re.Match[bytes] | None) -> str | None:
    """A table or column name from a backticked, double-quoted or bare name token."""
    if token is None:
        return None
    kind, text = token.lastgroup, _text(token)
    if kind == "name":
        return text[1:-1].replace(b"``", b"`").decode("utf-8", "replace").lower()
    if kind == "string" and text.startswith(b'"'):  # ANSI_QUOTES dumps quote names so
        return _unescape(text).lower()
    if kind == "word":
        return text.decode("ascii").lower()
    return None


def _table_name(tokens: _Tokens) -> str | None:
    """A possibly database-qualified name: `db`.`table` names `table`."""
    name = _identifier(tokens.next())
    while name is not None and _keyword(tokens.peek()) == b".":
        tokens.next()
        name = _identifier(tokens.next())
    return name


def _read_create(tokens: _Tokens, dump: SqlDump, keep: Callable[[str], bool]) -> None:
    """CREATE [OR REPLACE] [TEMPORARY] TABLE [IF NOT EXISTS] name (definitions) …;"""
    while (keyword := _keyword(tokens.peek())) in (b"OR", b"REPLACE", b"TEMPORARY"):
        tokens.next()
    if keyword != b"TABLE":
        tokens.skip_statement()
        return
    tokens.next()
    if _keyword(tokens.peek()) == b"IF":
        for _ in range(3):  # IF NOT EXISTS
            tokens.next()
    table = _table_name(tokens)
    if table is None or _keyword(tokens.next()) != b"(":
        tokens.skip_statement()  # CREATE TABLE … LIKE / AS SELECT: no columns to learn
        return
    columns: list[str] = []
    depth = 1
    at_definition_start = True
    while depth and (token := tokens.next()) is not None:
        keyword = _keyword(token)
        if at_definition_start and keyword not in _NOT_COLUMNS:
            column = _identifier(token)
            if column is not None:
                columns.append(column)
        at_definition_start = False
        if keyword == b"(":
            depth += 1
        elif keyword == b")":
            depth -= 1
        elif keyword == b"," and depth == 1:
            at_definition_start = True
    if depth:
        dump.problems.append(f"the dump ends inside CREATE TABLE `{table}` (truncated?)")
        return
    if keep(table):
        dump.created[table] = tuple(columns)
    tokens.skip_statement()


def _read_insert(tokens: _Tokens, dump: SqlDump, keep: Callable[[str], bool]) -> None:
    """INSERT [modifiers] [INTO] name [(columns)] VALUES (row), (row)… [ON DUPLICATE …];"""
    while _keyword(tokens.peek()) in _INSERT_MODIFIERS:
        tokens.next()
    if _keyword(tokens.peek()) == b"INTO":
        tokens.next()
    table = _table_name(tokens)
    if table is None:
        dump.problems.append("an INSERT statement without a table name was skipped")
        tokens.skip_statement()
        return
    if not keep(table):
        tokens.skip_statement()
        return
    columns: tuple[str, ...] | None = dump.created.get(table)
    if _keyword(tokens.peek()) == b"(":
        tokens.next()
        names = []
        while (token := tokens.next()) is not None and _keyword(token) != b")":
            if _keyword(token) != b",":
                names.append(_identifier(token) or _text(token).decode("utf-8", "replace"))
        columns = tuple(names)
    batch = _Batch(columns=columns, rows=[])
    keyword = _keyword(tokens.peek())
    if keyword not in (b"VALUES", b"VALUE"):
        if tokens.peek() is None:
            dump.problems.append(
                f"the dump ends in the middle of the rows for `{table}` (truncated?)"
            )
        else:
            dump.problems.append(f"rows for `{table}` not given as VALUES were skipped")
            tokens.skip_statement()
        return
    tokens.next()
    dump.inserts.setdefault(table, []).append(batch)
    _read_rows(tokens, table, batch, dump.problems)


def _read_rows(tokens: _Tokens, table: str, batch: _Batch, problems: list[str]) -> None:
    """(value, …), (value, …) up to the statement's end, keeping every complete row."""
    while True:
        opening = tokens.next()
        if opening is None:
            break
        if _keyword(opening) != b"(":
            problems.append(
                f"the rows for `{table}` could not be read from byte {opening.start()} on: "
                "the rest of that statement was skipped"
            )
            tokens.skip_statement()
            return
        row = _read_row(tokens)
        if row is None:
            break
        batch.rows.append(row)
        separator = _keyword(tokens.next())
        if separator == b",":
            continue
        if separator != b";" and not tokens.skip_statement():  # ON DUPLICATE KEY UPDATE …
            break
        return
    problems.append(
        f"the dump ends in the middle of the rows for `{table}` (truncated?): "
        f"complete rows kept: {len(batch.rows)}"
    )


def _read_row(tokens: _Tokens) -> tuple[SqlValue, ...] | None:
    """The values after "(" up to the matching ")"; None when the dump ends first."""
    values: list[SqlValue] = []
    while True:
        simple = tokens.simple_value()
        if simple is not None:
            if simple.group("string") is not None:
                values.append(_unescape(simple.group("string")))
            elif simple.group("number") is not None:
                values.append(simple.group("number").decode("ascii"))
            else:
                values.append(None)
            if simple.group("end") == b")":
                return tuple(values)
            continue
        parts: list[re.Match[bytes]] = []
        depth = 0
        while True:
            token = tokens.next()
            if token is None:
                return None
            keyword = _keyword(token)
            if depth == 0 and keyword in (b",", b")"):
                values.append(_value(parts, tokens.data))
                if keyword == b")":
                    return tuple(values)
                break
            if keyword == b"(":
                depth += 1
            elif keyword == b")":
                depth -= 1
            parts.append(token)


def _value(parts: list[re.Match[bytes]], data: bytes) -> SqlValue:
    """One value from its tokens: a literal, an introduced string (_utf8mb4'…', N'…'),
    adjacent strings ('a' 'b', which MySQL joins), or, for anything else (a function
    call), the source text as written."""
    if len(parts) == 2 and parts[0].lastgroup == "word" and parts[1].lastgroup in _INTRODUCED:
        parts = parts[1:]
    if len(parts) > 1 and all(part.lastgroup == "string" for part in parts):
        return "".join(_unescape(_text(part)) for part in parts)
    if len(parts) == 1:
        token = parts[0]
        kind, text = token.lastgroup, _text(token)
        if kind == "string":
            return _unescape(text)
        if kind == "hex":
            digits = text[2:] if text[:2] in (b"0x", b"0X") else text[2:-1]
            return _decode(
                bytes.fromhex(digits.rjust(len(digits) + len(digits) % 2, b"0").decode())
            )
        if kind == "word" and text.upper() in _LITERAL_WORDS:
            return _LITERAL_WORDS[text.upper()]
        return _decode(text)
    if not parts:
        return ""
    return _decode(data[parts[0].start(parts[0].lastgroup or 0) : parts[-1].end()])


def _unescape(token: bytes) -> str:
    """A quoted string's text: MySQL's backslash escapes and doubled quotes undone."""
    body = token[1:-1]
    if b"\\" in body or token[:1] * 2 in body:
        pattern = _UNESCAPE_SINGLE if token.startswith(b"'") else _UNESCAPE_DOUBLE
        quote = token[:1]
        body = pattern.sub(
            lambda match: (
                quote if match.group(1) is None else _ESCAPES.get(match.group(1), match.group(1))
            ),
            body,
        )
    return _decode(body)


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _decode(raw: bytes) -> str:
    """Bytes of one value as text; ASCII cannot be misread, anything else is detected."""
    if raw.isascii():
        text = raw.decode("ascii")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    return decode_text(raw).text
