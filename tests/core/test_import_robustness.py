"""No input crashes or hangs the importers: every failure is an ImportProblem with a reason.

These run the whole registry, so detection is exercised too: a document may be
claimed by any importer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quire.core.documents import ParsedWork
from quire.core.importers import ImportProblem, SourceFile, default_registry
from tests.zips import zip_of

SECONDS_ALLOWED = 120
"""A generous bound that only a hang (not a slow machine) exceeds."""


def parse_or_problem(data: bytes, name: str = "input") -> list[ParsedWork] | ImportProblem:
    try:
        return default_registry().parse(SourceFile(name=name, data=data))
    except ImportProblem as problem:
        assert problem.reason
        assert problem.source_name == name
        return problem


def finishes(action: Callable[[], object]) -> object:
    """Run `action` in a thread; fail if it is still running after SECONDS_ALLOWED."""
    outcome: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(SECONDS_ALLOWED)
    assert not worker.is_alive(), f"still running after {SECONDS_ALLOWED} s"
    if errors:
        raise errors[0]
    return outcome[0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    parse_or_problem(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_arbitrary_text(text: str) -> None:
    parse_or_problem(text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div>",
                "</div>",
                "<i>",
                "<b>",
                "</i>",
                "<table>",
                "<tr>",
                "<td>",
                "<!--",
                "-->",
                "<![CDATA[",
                "<h2>Chapter 1</h2>",
                "words here ",
                "<br>",
                "&amp;",
                "&#x0;",
                "<script>",
                "</html>",
                "<body>",
            ]
        ),
        max_size=300,
    )
)
def test_tag_soup(parts: list[str]) -> None:
    parse_or_problem(("<html><body>" + "".join(parts)).encode())


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("blank.txt", b"\n\n   \r\n\t\n"),
        ("nul.txt", b"\x00" * 1000),
        ("empty.html", b"<!DOCTYPE html><html><body></body></html>"),
        ("empty.epub", b"PK\x03\x04mimetypeapplication/epub+zip"),
        ("utf16-no-bom.txt", "Title: Rain\n\nIt rained.".encode("utf-16-le")),
        ("latin1.txt", "Title: Café\n\nNaïve déjà vu.".encode("latin-1")),
        ("mixed.txt", b"Title: Mixed\n\n" + "café ".encode() + "naïve".encode("cp1252")),
    ],
)
def test_awkward_small_documents(name: str, data: bytes) -> None:
    parse_or_problem(data, name)


def test_empty_file_is_a_clear_problem() -> None:
    problem = parse_or_problem(b"", "empty.txt")
    assert isinstance(problem, ImportProblem)


EPUB = zip_of(
    {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": b'<?xml version="1.0"?><container version="1.0" '
        b'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
        b'full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
        b"</container>",
        "content.opf": b"<package",
    }
)


@pytest.mark.parametrize("cut", [10, 40, 100, len(EPUB) // 2, len(EPUB) - 10])
def test_truncated_epubs(cut: int) -> None:
    assert isinstance(parse_or_problem(EPUB[:cut], "cut.epub"), ImportProblem)


def test_a_50_megabyte_single_line() -> None:
    line = b"word " * (10 * 1024 * 1024)
    finishes(lambda: parse_or_problem(line, "line.txt"))


def test_deeply_nested_html() -> None:
    depth = 100_000
    page = (
        b"<html><body>" + b"<div>" * depth + b"deep words" + b"</div>" * depth + b"</body></html>"
    )
    finishes(lambda: parse_or_problem(page, "deep.html"))


def test_deeply_nested_inline_tags() -> None:
    depth = 50_000
    page = b"<!DOCTYPE html><p>" + b"<i><b>" * depth + b"x"
    finishes(lambda: parse_or_problem(page, "inline.html"))
