"""What the eFiction fixtures cannot show: detection, the SQL reader, Open Doors' chapters, errors.

The fixture runner checks every field of every fixture dump; these tests pin the
reader's handling of MySQL's syntax one construct at a time, compare the chapters
read from the corpus dump with the chapter rows Open Doors' own tool expects, and
check that no input, however broken, ends in anything but works or ImportProblem.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quire.core.importers import ImportProblem, SourceFile, default_registry
from quire.core.importers.efiction import SCHEMA, importer, mapping_report
from quire.core.importers.sqldump import read_dump
from tests.core.import_expectations import CORPUS, OWN

FIXTURES = OWN / "efiction"
CORPUS_DIR = CORPUS / "efiction"
CORPUS_DUMPS = [
    CORPUS_DIR / "open-doors-eFiction__efiction.sql",
    CORPUS_DIR / "open-doors-eFiction__efiction_no_defs.sql",
]
OPEN_DOORS_CHAPTERS = CORPUS_DIR / "open-doors-eFiction__efiction_chapters.json"


def _source(path: Path) -> SourceFile:
    return SourceFile(name=path.name, data=path.read_bytes(), path=path)


def _dump(sql: str) -> SourceFile:
    return SourceFile(name="dump.sql", data=sql.encode())


def _rows(sql: str, table: str) -> list[dict[str, str | None]]:
    dump = read_dump(sql.encode())
    rows, problems = dump.records(table)
    assert problems == []
    return rows


def _text(html: str) -> str:
    """What a reader sees of some HTML, whitespace collapsed."""
    if not html.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


# Detection


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.sql")), ids=lambda path: path.name)
def test_every_fixture_dump_is_detected_as_efiction(path: Path) -> None:
    assert default_registry().detect(_source(path)) is importer


def test_corpus_dumps_are_detected_as_efiction() -> None:
    if not CORPUS_DUMPS[0].exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    for path in CORPUS_DUMPS:
        assert importer.recognizes(_source(path))


@pytest.mark.parametrize(
    "document",
    [
        # another application's dump
        "-- MySQL dump\nCREATE TABLE `wp_posts` (`ID` int);\nINSERT INTO `wp_posts` VALUES (1);",
        # a generic stories table without eFiction's columns
        "-- MySQL dump 10.13\nINSERT INTO `stories` (`id`, `body`) VALUES (1,'x');",
        # eFiction table names in prose, not in a dump
        "My old archive kept everything in fanfiction_stories and fanfiction_chapters.",
        "<html><body><p>INSERT INTO fanfiction_stories is how it worked.</p></body></html>",
        "",
    ],
)
def test_other_documents_are_not_recognized(document: str) -> None:
    assert not importer.recognizes(_dump(document))


def test_a_custom_prefix_with_efiction_columns_is_recognized() -> None:
    sql = "INSERT INTO `arch_stories` (`sid`, `title`) VALUES (1,'T');"
    assert importer.recognizes(_dump(sql))


# The SQL reader


def test_strings_with_every_mysql_escape() -> None:
    sql = (
        "INSERT INTO t (a, b) VALUES "
        r"('it\'s \"q\" \\ \n\r\t\b\0\Z \% \_ \x', 'it''s and \"\"'),"
        '("dq \\" and "" and \'\'", NULL);'
    )
    rows = _rows(sql, "t")
    assert rows[0]["a"] == 'it\'s "q" \\ \n\n\t\b\x00\x1a \\% \\_ x'
    assert rows[0]["b"] == 'it\'s and ""'
    assert rows[1] == {"a": "dq \" and \" and ''", "b": None}


def test_literals_introducers_hex_and_expressions() -> None:
    sql = (
        "INSERT INTO t VALUES (-1.5e3, TRUE, FALSE, DEFAULT, _utf8mb4'intro', N'national',"
        " 0x4869, X'4869', 0x486, _binary 0x4869, NOW(), CONCAT('a', ('b')), 'ad' \"ja\" 'cent');"
    )
    rows = read_dump(sql.encode()).records("t", [f"c{n}" for n in range(13)])[0]
    # 0x486 is 0x0486: not UTF-8, so read as Windows-1252 (and the control character dropped)
    assert list(rows[0].values()) == [
        "-1.5e3", "1", "0", None, "intro", "national", "Hi", "Hi", "†",
        "Hi", "NOW()", "CONCAT('a', ('b'))", "adjacent",
    ]  # fmt: skip


def test_comments_conditional_comments_and_statement_forms() -> None:
    sql = """
    # a hash comment with an apostrophe: don't
    -- a line comment; with a semicolon
    /* a block comment; INSERT INTO t VALUES (99); */
    /*!40000 ALTER TABLE `t` DISABLE KEYS */;
    SET @x = 'INSERT INTO t VALUES (98);';
    INSERT LOW_PRIORITY IGNORE INTO `db`.`T` (`A`) VALUES (1) /* c */ , -- c
    (2);
    REPLACE INTO t (a) VALUES (3);
    INSERT INTO t (a) VALUES (4) ON DUPLICATE KEY UPDATE a = VALUES(a);
    /*!40000 INSERT INTO t (a) VALUES (5) */;
    INSERT INTO t (a) SELECT 6;
    INSERT INTO t (a) VALUE (7)
    """
    dump = read_dump(sql.encode())
    rows, _ = dump.records("t")
    assert [row["a"] for row in rows] == ["1", "2", "3", "4", "5", "7"]
    assert dump.problems == [
        "rows for `t` not given as VALUES were skipped",
        "the dump ends in the middle of the rows for `t` (truncated?): complete rows kept: 1",
    ]


def test_create_table_gives_the_column_order() -> None:
    sql = """
    CREATE TABLE IF NOT EXISTS `t` (
      `b` enum('x','y') NOT NULL DEFAULT 'x' COMMENT 'a, (b)',
      a int(11) NOT NULL,
      `c``d` decimal(10,2),
      PRIMARY KEY (`a`),
      UNIQUE KEY `ab` (`a`,`b`),
      KEY `k` (`b`(10)),
      CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `u` (`id`)
    ) ENGINE=MyISAM COMMENT='t; (x)';
    INSERT INTO `t` VALUES ('y', 1, 2.50);
    """
    assert _rows(sql, "t") == [{"b": "y", "a": "1", "c`d": "2.50"}]


def _mysql_string(text: str) -> str:
    """`text` as mysqldump writes a string literal."""
    escapes = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\x00": "\\0"}
    return "'" + "".join(escapes.get(character, character) for character in text) + "'"


@settings(max_examples=300, deadline=1000)
@given(
    st.lists(
        st.text(st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from("\n\t")),
        min_size=1,
        max_size=5,
    )
)
def test_strings_read_back_as_written(texts: list[str]) -> None:
    values = ", ".join(_mysql_string(text) for text in texts).encode()
    columns = [f"c{n}" for n in range(len(texts))]
    rows, _ = read_dump(b"INSERT INTO t VALUES (" + values + b");").records("t", columns)
    assert rows == [dict(zip(columns, texts, strict=True))]


def test_rows_without_known_columns_or_of_the_wrong_width_are_reported() -> None:
    dump = read_dump(b"INSERT INTO t VALUES (1,2),(3);")
    assert dump.records("t") == (
        [],
        ["`t`: skipped 2 rows without column names (and no CREATE TABLE in the dump)"],
    )
    rows, problems = dump.records("t", ["a", "b"])
    assert rows == [{"a": "1", "b": "2"}]
    assert problems == ["`t`: skipped 1 row without the 2 columns (a, b…) the table was read with"]


def test_each_value_is_decoded_on_its_own() -> None:
    data = "INSERT INTO t (a, b) VALUES ('naïve', 'X');".encode().replace(
        b"X", "café".encode("cp1252")
    )
    rows, _ = read_dump(data).records("t")
    assert rows == [{"a": "naïve", "b": "café"}]


def test_tables_not_kept_are_skipped() -> None:
    dump = read_dump(
        b"INSERT INTO a VALUES (1); INSERT INTO b VALUES (2);", keep=lambda t: t == "b"
    )
    assert dump.table_names() == ["b"]


def test_the_efiction_schema_matches_the_corpus_create_tables() -> None:
    if not CORPUS_DUMPS[0].exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    dump = read_dump(CORPUS_DUMPS[0].read_bytes())
    for table, columns in SCHEMA.items():
        assert dump.created["fanfiction_" + table] == columns


# The corpus against Open Doors' expected chapters


def test_corpus_chapters_match_open_doors() -> None:
    if not OPEN_DOORS_CHAPTERS.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    expected: dict[str, list[dict[str, object]]] = {}
    for row in json.loads(OPEN_DOORS_CHAPTERS.read_text(encoding="utf-8")):
        expected.setdefault(f"efiction:{row['sid']}", []).append(row)
    for dump in CORPUS_DUMPS:
        works = {work.source_id: work for work in importer.parse(_source(dump))}
        assert set(expected) <= set(works)
        for source_id, work in works.items():
            rows = sorted(
                expected.get(source_id, []), key=lambda row: (row["inorder"], row["chapid"])
            )
            assert len(work.chapters) == len(rows), source_id
            for position, (chapter, row) in enumerate(zip(work.chapters, rows, strict=True), 1):
                title = str(row["title"]).strip()
                if chapter.title:
                    assert chapter.title == title
                else:  # "Chapter One" at position 1 has no title of its own
                    assert title.casefold() in (f"chapter {position}", "chapter one", "chapter two")
                assert _text(chapter.notes) == " ".join(str(row["notes"] or "").split())
                assert _text(chapter.end_notes) == " ".join(str(row["endnotes"] or "").split())
                text = str(row["storytext"]).removeprefix("\ufeff")  # Open Doors keeps a BOM
                if "<" not in text:
                    assert _text(chapter.content) == " ".join(text.split())


def test_both_corpus_dumps_give_the_same_works() -> None:
    if not CORPUS_DUMPS[0].exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    full, no_definitions = (importer.parse(_source(path)) for path in CORPUS_DUMPS)
    assert full == no_definitions
    assert len(full) == 15


# Problems and errors


def test_mapping_report_lists_each_problem_once_with_its_stories() -> None:
    works = importer.parse(_source(FIXTURES / "ratings_and_warnings.sql"))
    report = mapping_report(works)
    assert "no fandom: the story has no category (stories 1, 2, 3, 4, 5, 6)" in report
    assert "unknown rating id 9 (story 5)" in report
    works = importer.parse(_source(FIXTURES / "series.sql"))
    assert mapping_report(works)[:2] == [
        "series 'Deep Water: Extras' is part of series 'Deep Water': series in series are not kept",
        "series 10 lists story 99, not in the dump",
    ]


def test_chapter_files_are_not_found_without_a_folder() -> None:
    path = FIXTURES / "create_table.sql"
    works = importer.parse(SourceFile(name=path.name, data=path.read_bytes()))
    assert works[0].chapters == []
    assert (
        "chapter 1 text not found at create_table/1/10.txt: the chapter was skipped"
        in works[0].problems
    )


def test_a_second_archive_in_the_same_dump_is_reported() -> None:
    sql = (
        "INSERT INTO a_stories (sid, title, uid) VALUES (1,'One',1);"
        "INSERT INTO a_authors (uid, penname) VALUES (1,'A');"
        "INSERT INTO b_stories (sid, title) VALUES (2,'Two');"
        "INSERT INTO b_authors (uid, penname) VALUES (1,'B');"
        "INSERT INTO b_chapters (chapid, sid) VALUES (1,2);"
    )
    [work] = importer.parse(_dump(sql))
    assert work.title == "Two"
    assert (
        "archive: tables with the prefix 'a_' were not imported (one archive per dump)"
        in work.problems
    )


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        (
            "INSERT INTO fanfiction_authors VALUES (1,'A');",
            "no eFiction stories table in this SQL dump",
        ),
        (
            "INSERT INTO fanfiction_stories VALUES (1,'too few columns');",
            "no story could be read: `fanfiction_stories`: skipped 1 row without the 21 columns "
            "(sid, title, summary…) the table was read with",
        ),
    ],
)
def test_dumps_without_stories_say_why(sql: str, reason: str) -> None:
    with pytest.raises(ImportProblem) as raised:
        importer.parse(_dump(sql))
    assert raised.value.reason == reason


# Never anything but works or ImportProblem


def _parses_or_explains(data: bytes) -> None:
    with contextlib.suppress(ImportProblem):
        importer.parse(SourceFile(name="fuzz.sql", data=data))


@settings(max_examples=200, deadline=2000)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parses_or_explains(data)


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(sorted(FIXTURES.glob("*.sql"))), cut=st.floats(0, 1))
def test_truncated_dumps(path: Path, cut: float) -> None:
    data = path.read_bytes()
    _parses_or_explains(data[: int(len(data) * cut)])


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(sorted(FIXTURES.glob("*.sql"))),
    at=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=40)
    | st.sampled_from([b"'", b'"', b"`", b"/*", b"\\", b"(", b")", b",", b";", b"--", b"#"]),
)
def test_dumps_with_junk_spliced_in(path: Path, at: float, junk: bytes) -> None:
    data = path.read_bytes()
    position = int(len(data) * at)
    _parses_or_explains(data[:position] + junk + data[position:])


@pytest.mark.parametrize(
    "tail",
    [
        b"(" * 100_000,
        b"'" * 100_001,
        b"\\" * 100_001,
        b"/*" * 50_000,
        b"('" + b"\\'" * 50_000,
        b"(1," * 50_000,
    ],
    ids=["parens", "quotes", "backslashes", "comments", "escapes", "values"],
)
def test_pathological_input_finishes(tail: bytes) -> None:
    _parses_or_explains(b"INSERT INTO fanfiction_stories (sid, title) VALUES " + tail)


def test_huge_names_and_titles_finish() -> None:
    categories = f"(1, -1, '{'Pairing ' * 100_000}'), (2, 1, '{'a/' * 100_000}')"
    chapters = f"(1, 1, 1, 'Chapter {'9' * 5000}', 'x'), (2, 1, 2, 'Chapter {'²' * 3}', 'y')"
    sql = (
        b"INSERT INTO fanfiction_categories (catid, parentcatid, category) VALUES "
        + categories.encode()
        + b"; INSERT INTO fanfiction_stories (sid, title, catid) VALUES (1, 'T', '1,2');"
        + b"INSERT INTO fanfiction_chapters (chapid, sid, inorder, title, storytext) VALUES "
        + chapters.encode()
    )
    [work] = importer.parse(SourceFile(name="huge.sql", data=sql))
    assert [chapter.title for chapter in work.chapters] == [f"Chapter {'9' * 5000}", "Chapter ²²²"]
