"""The plain-text importer: what the fixture files cannot show.

Detection against other formats, refusals with their reasons, the small
parsers (ratings, Subject lines, YAML, dates) one case at a time, and that
no input whatever makes it fail other than with an ImportProblem.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quire.core.importers import ImportProblem, SourceFile, default_registry
from quire.core.importers.plaintext import importer, rating_tag, readable_tag, warning_tag
from quire.core.importers.textparts import (
    parse_subject,
    parse_yaml_subset,
    poster_name,
    split_front_matter,
)
from quire.core.importers.vocabulary import parse_date
from quire.core.tags import TagType

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "text"
DOCUMENTS = sorted(path for path in FIXTURES.iterdir() if not path.name.endswith(".json"))


def source(data: bytes | str, name: str = "story.txt") -> SourceFile:
    return SourceFile(name=name, data=data.encode() if isinstance(data, str) else data)


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "data",
    [
        b"Title: A\nAuthor: B\n\nOnce upon a time.\n",
        b"# Heading\n\nSome *markdown* text.\n",
        b"---\ntitle: x\n---\n<p>one</p>\n<p>two</p>\n<p>three</p>\n<p>four</p>\n<p>five</p>\n"
        b"<p>six</p>\n<p>seven</p>\n<p>eight</p>\n<p>nine</p>\n",
        b"\xef\xbb\xbfA UTF-8 story with a byte order mark.\n",
        "A UTF-16 story.\n".encode("utf-16"),
        b"He grinned <g> and <grin> and went.\n",
        b"Page one.\x0cPage two.\n",
        b"",
    ],
)
def test_recognizes_text(data: bytes) -> None:
    assert importer.recognizes(source(data))


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><p>x</p></body></html>",
        b"  <html><p>x</p></html>",
        b'<?xml version="1.0"?><package/>',
        b"PK\x03\x04\x14\x00\x00\x00",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"\x00\x01\x02binary\x00\x00\x03",
        b'{"chapters": [1, 2, 3]}',
        b"-- MySQL dump 10.13\n",
        b"work_id,title,authors,rating,words\n1,A,B,G,100\n",
        b"[Processing]\nworking_dir = out\n",
        b"<p>a</p><p>b</p><p>c</p><p>d</p>\n<p>e</p><p>f</p><p>g</p><p>h</p>\n",
    ],
)
def test_does_not_recognize_other_formats(data: bytes) -> None:
    assert not importer.recognizes(source(data))


def test_registry_hands_plain_text_to_this_importer() -> None:
    detected = default_registry().detect(source(b"Title: A\n\nSome story text.\n"))
    assert detected.format_name == "text"


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file holds no text"),
        (b" \n\t\n\n", "the file holds no text"),
        (b"Title: Only a header\nAuthor: Nobody\nRating: G\n", "no story text found"),
    ],
)
def test_refuses_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImportProblem) as raised:
        importer.parse(source(data, "empty.txt"))
    assert raised.value.reason == reason
    assert raised.value.source_name == "empty.txt"


# ---------------------------------------------------------------- header vocabulary


@pytest.mark.parametrize(
    ("written", "rating"),
    [
        ("G", "General Audiences"),
        ("K+", "General Audiences"),
        ("PG", "Teen And Up Audiences"),
        ("PG-13", "Teen And Up Audiences"),
        ("T", "Teen And Up Audiences"),
        ("R", "Mature"),
        ("M", "Mature"),
        ("mature", "Mature"),
        ("NC-17", "Explicit"),
        ("NC17 for sex", "Explicit"),
        ("MA", "Explicit"),
        ("X", "Explicit"),
        ("Rated R for language", "Mature"),
        ("Teen And Up Audiences", "Teen And Up Audiences"),
        ("Not Rated", "Not Rated"),
        ("Sparkly", None),
        ("", None),
    ],
)
def test_rating_names(written: str, rating: str | None) -> None:
    assert rating_tag(written) == rating


@pytest.mark.parametrize(
    ("written", "warning"),
    [
        ("none", "No Archive Warnings Apply"),
        ("No warnings apply", "No Archive Warnings Apply"),
        ("Major character death", "Major Character Death"),
        ("violence", "Graphic Depictions Of Violence"),
        ("graphic violence", "Graphic Depictions Of Violence"),
        ("mild violence", None),
        ("non-con", "Rape/Non-Con"),
        ("underage", "Underage Sex"),
        ("creator chose not to use archive warnings", "Choose Not To Use Archive Warnings"),
        ("angst", None),
    ],
)
def test_warning_names(written: str, warning: str | None) -> None:
    assert warning_tag(written) == warning


@pytest.mark.parametrize(
    ("slug", "tag"),
    [
        ("clara-oswald", "Clara Oswald"),
        ("btvs", "BTVS"),
        ("buffy/giles", "Buffy/Giles"),
        ("hurt!buffy", "Hurt!Buffy"),
        ("core_four", "Core Four"),
        ("Malcolm/Clara", "Malcolm/Clara"),
        ("the X-Files", "the X-Files"),
    ],
)
def test_readable_tag(slug: str, tag: str) -> None:
    assert readable_tag(slug) == tag


def _known_rating(text: str) -> bool:
    return text.upper().replace("-", "") in {"G", "PG", "PG13", "R", "NC17"}


@pytest.mark.parametrize(
    ("subject", "title", "part", "rating", "fandom"),
    [
        ("Clouds", "Clouds", None, "", ""),
        ('"Bad Dreams" (Rated PG)', "Bad Dreams", None, "PG", ""),
        ("Aftershock, part (1/8?)", "Aftershock", (1, None), "", ""),
        ("Aftershock, part (6/8)", "Aftershock", (6, 8), "", ""),
        ("NEW: X-Files fic: Rain [1/7] (PG-13)", "Rain", (1, 7), "PG-13", "X-Files"),
        ("Re: Lighthouse part 3 of 5 [R]", "Lighthouse", (3, 5), "R", ""),
        ("Fog (M/S)", "Fog (M/S)", None, "", ""),
    ],
)
def test_subject_lines(
    subject: str, title: str, part: tuple[int, int | None] | None, rating: str, fandom: str
) -> None:
    parsed = parse_subject(subject, _known_rating)
    assert (parsed.title, parsed.part, parsed.rating, parsed.fandom) == (
        title,
        part,
        rating,
        fandom,
    )


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("tara@example.edu (Tara O'Shea)", "Tara O'Shea"),
        ('"Marsh Harrier" <harrier@example.org>', "Marsh Harrier"),
        ("Marsh Harrier <harrier@example.org>", "Marsh Harrier"),
        ("<harrier@example.org>", "harrier"),
        ("harrier@example.org", "harrier"),
    ],
)
def test_poster_names(header: str, name: str) -> None:
    assert poster_name(header) == name


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2006-07-21T18:00:00-07:00", date(2006, 7, 21)),
        ("11 Sep 1994 22:05:30 -0600", date(1994, 9, 11)),
        ("Thu, 01 Sep 1994 19:10:25 MDT", date(1994, 9, 1)),
        ("March 3, 2004", date(2004, 3, 3)),
        ("3rd March 2004", date(2004, 3, 3)),
        ("10/26/94", date(1994, 10, 26)),
        ("26/10/1994", date(1994, 10, 26)),
        ("2004-02-30", None),
        ("someday", None),
    ],
)
def test_dates(text: str, day: date | None) -> None:
    assert parse_date(text) == day


def test_yaml_subset() -> None:
    lines = """title: 'It''s here'
summary: "A \\"quoted\\" line\\u00e9"
plain: words # and a comment
folded: >
  one
  two

  three
literal: |
  first
  second
tags:
  - c:one
  - 'two'
flow: [a, "b c", d]
nested:
  key: value
multi: a plain
  scalar going on
""".splitlines()
    assert parse_yaml_subset(lines) == {
        "title": "It's here",
        "summary": 'A "quoted" lineé',
        "plain": "words",
        "folded": "one two\n\nthree",
        "literal": "first\nsecond",
        "tags": ["c:one", "two"],
        "flow": ["a", "b c", "d"],
        "multi": "a plain scalar going on",
    }


def test_front_matter_needs_its_closing_line() -> None:
    assert split_front_matter("---\ntitle: x\n\nno end") is None
    assert split_front_matter("--- not front matter\n---\n") is None
    assert split_front_matter("---\ntitle: x\n---\nbody") == ({"title": "x"}, "body")


# ---------------------------------------------------------------- behaviour


def test_front_matter_reports_fields_it_does_not_use() -> None:
    work = importer.parse(source("---\ntitle: T\nmood: sunny\n---\nText here.\n", "a.md"))[0]
    assert work.title == "T"
    assert work.problems[0] == "front matter field “mood” was not used"


def test_messages_with_different_subjects_are_different_works() -> None:
    message = "From: a@b.c (A)\nNewsgroups: x.y\nSubject: {}\nDate: 1 May 1995\n\n{}\n\n"
    text = message.format("First Story", "One story.") + message.format(
        "Second Story", "Another story."
    )
    works = importer.parse(source(text))
    assert [work.title for work in works] == ["First Story", "Second Story"]
    assert [work.creators for work in works] == [["A"], ["A"]]


def test_markdown_name_joins_short_lines() -> None:
    text = "Title: T\n\nA short line\nand another.\n"
    assert "<br>" in importer.parse(source(text, "a.txt"))[0].chapters[0].content
    assert "<br>" not in importer.parse(source(text, "a.md"))[0].chapters[0].content


def test_tags_are_not_doubled() -> None:
    work = importer.parse(
        source("---\ntitle: T\npairing: a/b\ntags: [p:a/b, P:A/B]\n---\nText.\n", "a.md")
    )[0]
    assert work.tags[TagType.RELATIONSHIP] == ["A/B"]


# ---------------------------------------------------------------- never crashes


def _parse_or_refuse(data: bytes, name: str = "x.txt") -> None:
    try:
        works = importer.parse(SourceFile(name=name, data=data))
    except ImportProblem:
        return
    assert works
    for work in works:
        assert work.title
        assert all(chapter.content for chapter in work.chapters)


_PIECES = [
    *"abc XYZ\n\n\t*_~#-=<>/:()[]?!.\"'&;0123456789",
    "Title: ", "Author: ", "Rating: R", "Summary:", "A/N:", "Chapter 1", "Part Two", "THE END",
    "TBC", "by ", "---\n", "<p>", "</p>", "<lj-cut>", "From: a@b (c)\n", "Subject: x (1/2)\n",
    "Newsgroups: a\n", "* * *", "    ", "-- \n", "# ", "tags:\n  - c:x\n",
]  # fmt: skip
_TEXTISH = st.lists(st.sampled_from(_PIECES), max_size=200).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_refuse(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTISH, st.sampled_from(["x.txt", "x.md"]))
def test_arbitrary_fic_shaped_text(text: str, name: str) -> None:
    _parse_or_refuse(text.encode(), name)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DOCUMENTS), st.floats(0, 1))
def test_truncated_fixtures(path: Path, fraction: float) -> None:
    data = path.read_bytes()
    _parse_or_refuse(data[: int(len(data) * fraction)], path.name)


@pytest.mark.parametrize(
    "data",
    [
        b"<blockquote>" * 5000 + b"deep" + b"</blockquote>" * 5000,
        b"---\ntitle: x\n---\n" + b"<div>" * 5000 + b"deep",
        b"*" * 20000,
        b"*a " * 20000,
        b"_" * 20000 + b"x",
        b"[" * 5000 + b"](" * 5000,
        b"Title: " + b" " * 50000 + b"x\n\nstory",
        b"Chapter 1\n" * 5000,
        b"\n" * 50000 + b"x",
        b"From: " + b"a" * 50000 + b"\nSubject: " + b" " * 50000 + b"\nNewsgroups: x\n\nbody",
        b"x\n-- \n" * 2000,
    ],
)
def test_pathological_input_finishes(data: bytes) -> None:
    _parse_or_refuse(data)


def test_a_csv_with_windows_line_ends_is_not_a_story() -> None:
    from quire.core.importers import SourceFile
    from quire.core.importers.plaintext import importer

    data = b"work_id,title,authors,rating,words\r\n1,Rain,Ann,Mature,100\r\n"
    assert not importer.recognizes(SourceFile(name="listing.csv", data=data))
