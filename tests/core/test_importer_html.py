"""What the generic HTML fixtures cannot show: detection, paragraph and chapter rules, errors.

Every fixture in fixtures/import/html is compared whole by test_import_fixtures; these
tests pin single rules with the smallest page that shows each, and check that no input
makes the importer fail with anything but ImportProblem.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quire.core.documents import ParsedWork
from quire.core.importers import ImportProblem, SourceFile, default_registry
from quire.core.importers.html import importer, looks_like_html
from tests.core.import_expectations import OWN

FIXTURES = OWN / "html"
PERSONAL_SITE = FIXTURES / "personal_site_multichapter.html"


def _parse(html: str, name: str = "page.html") -> ParsedWork:
    [work] = importer.parse(SourceFile(name=name, data=html.encode()))
    return work


def _content(html: str) -> list[str]:
    return [chapter.content for chapter in _parse(html).chapters]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")), ids=lambda path: path.name)
def test_own_fixtures_are_detected_as_html(path: Path) -> None:
    source = SourceFile(name=path.name, data=path.read_bytes(), path=path)
    assert default_registry().detect(source).format_name == "html"


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><title>x</title>",
        "<html><body>Hello</body></html>",
        "\n  <p>One</p><p>Two</p><p><i>Three</i></p>",
    ],
)
def test_html_is_recognized(text: str) -> None:
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "A plain story. She said <i>no</i>, twice.\n\nThe end.",
        "---\ntitle: Matter\nnotes: 'a <b>bold</b> <a href=x>link</a> <br>'\n---\n<p>Body</p>",
        "From: someone@example.org\nMessage-ID: <3hm9si$k6j@news.example.org>\n\nStory text.",
    ],
)
def test_text_with_a_few_tags_is_not_html(text: str) -> None:
    assert not looks_like_html(text)


def test_binary_and_utf16_documents() -> None:
    assert not importer.recognizes(SourceFile("book.epub", b"PK\x03\x04" + b"\x00<html>" * 10))
    utf16 = "\ufeff<html><body><p>Hi</p></body></html>".encode("utf-16-le")
    assert importer.recognizes(SourceFile("page.html", utf16))


def test_ao3_downloads_go_to_the_ao3_importer() -> None:
    ao3 = OWN / "ao3" / "template_2024_multichapter.html"
    source = SourceFile(name=ao3.name, data=ao3.read_bytes())
    assert importer.recognizes(source)  # it is HTML, but the specific importer is asked first
    assert default_registry().detect(source).format_name == "ao3-html"


def test_double_breaks_become_paragraphs_and_single_breaks_stay() -> None:
    [content] = _content(
        "<html><body>One<br>still one<br><br>Two<br> &nbsp; <br><br>Three</body></html>"
    )
    assert content == "<p>One<br>still one</p><p>Two</p><p>Three</p>"


def test_blocks_between_break_paragraphs_stay_blocks() -> None:
    [content] = _content(
        "<body>Before<br><br><blockquote>Quoted</blockquote>After<br><br>End</body>"
    )
    assert content == "<p>Before</p><blockquote>Quoted</blockquote><p>After</p><p>End</p>"


def test_inline_styles_and_scripts_are_dropped_scene_breaks_kept() -> None:
    [content] = _content(
        '<body><p style="color:red" class="scene">Styled</p><script>alert(1)</script><hr>'
        '<p onclick="steal()">After</p></body>'
    )
    assert content == '<p class="scene">Styled</p><hr><p>After</p>'


@pytest.mark.parametrize(
    ("first", "second", "title"),
    [
        ("<h2>Chapter 1: Ice</h2>", "<h2>Chapter 2: The Well</h2>", "The Well"),
        ("<h3>Chapter One</h3>", "<h3>Chapter Two</h3>", ""),
        ("<h2>Part I - Autumn</h2>", "<h2>Part II - Winter</h2>", "Winter"),
        ('<p align="center"><b>Chapter 1</b></p>', '<p align="center"><b>Chapter 2</b></p>', ""),
        ("<p><b>Part One</b></p>", "<p><strong>Part Two</strong></p>", ""),
        ("<center>Chapter 1. Away</center>", "<center>Chapter 2. Home</center>", "Home"),
        ("<h2>Prologue</h2>", "<h2>Epilogue</h2>", "Epilogue"),
    ],
)
def test_chapter_headings(first: str, second: str, title: str) -> None:
    work = _parse(f"<body>{first}<p>First words.</p>{second}<p>Second words.</p></body>")
    assert [chapter.content for chapter in work.chapters] == [
        "<p>First words.</p>",
        "<p>Second words.</p>",
    ]
    assert work.chapters[1].title == title


def test_a_heading_that_is_not_a_chapter_stays_in_the_text() -> None:
    work = _parse("<body><h1>Title</h1><h2>The Letter</h2><p>Dear you.</p></body>")
    assert work.title == "Title"
    assert [chapter.content for chapter in work.chapters] == ["<h2>The Letter</h2><p>Dear you.</p>"]


def test_header_lines_need_a_known_label() -> None:
    work = _parse("<body><p>Mother: Come here.<br>Son: No.</p><p>And so on.</p></body>")
    assert work.tags == {}
    assert work.chapters[0].content.startswith("<p>Mother: Come here.")


def test_unmapped_rating_and_date_are_reported() -> None:
    work = _parse("<body><h1>T</h1><p>Rating: spicy<br>Posted: 3/4/2005</p><p>Story.</p></body>")
    assert work.problems == [
        "rating 'spicy' has no AO3 equivalent; left unrated",
        "Posted date '3/4/2005' was not understood",
    ]


@pytest.mark.parametrize(("listed", "title"), [("2. Frost", "Frost"), ("2. Chapter 2", "")])
def test_fanfiction_net_chapter_title_comes_from_the_chapter_menu(listed: str, title: str) -> None:
    page = (FIXTURES / "fanfiction_net_saved_chapter.html").read_text(encoding="utf-8")
    work = _parse(page.replace(">2. Frost<", f">{listed}<"))
    assert work.chapters[0].title == title


def test_page_without_story_text_is_a_problem_with_a_reason() -> None:
    with pytest.raises(ImportProblem, match="no story text") as raised:
        importer.parse(SourceFile("empty.html", b"<html><body><nav>Home</nav></body></html>"))
    assert raised.value.source_name == "empty.html"


def test_title_falls_back_to_the_file_name() -> None:
    work = _parse("<p>Just words here.</p><p>More words.</p><p>End.</p>", name="dir/my_story.html")
    assert work.title == "my_story"
    assert work.problems == ["no title found; the file name was used"]


def _parse_or_problem(data: bytes) -> None:
    source = SourceFile(name="fuzz.html", data=data)
    try:
        works = importer.parse(source)
    except ImportProblem as problem:
        assert problem.source_name == "fuzz.html"
    else:
        assert works and works[0].chapters


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_import_problem(data: bytes) -> None:
    _parse_or_problem(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<br>",
                "<br><br>",
                "<div>",
                "</div>",
                "<h2>Chapter 1</h2>",
                "<center><b>Part Two</b></center>",
                "Title: X",
                "<hr>",
                "words ",
                "&nbsp;",
                "<i>",
                "</i>",
                "<h1>T</h1>",
                "by Someone",
                "<blockquote>",
                "<table><td>",
            ]
        ),
        max_size=60,
    )
)
def test_arbitrary_markup_only_raises_import_problem(pieces: list[str]) -> None:
    _parse_or_problem(("<html><body>" + "".join(pieces)).encode())


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(PERSONAL_SITE.read_bytes())))
def test_truncated_page_only_raises_import_problem(length: int) -> None:
    _parse_or_problem(PERSONAL_SITE.read_bytes()[:length])


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=20_000), st.sampled_from(["div", "font", "p", "i"]))
def test_deeply_nested_page_only_raises_import_problem(depth: int, tag: str) -> None:
    nested = f"<{tag}>" * depth + "deep<br><br>text" + f"</{tag}>" * depth
    _parse_or_problem(f"<html><body><h2>Chapter 1</h2>{nested}</body></html>".encode())
