"""What a member types, turned into what the archive stores (quire.core.composing)."""

from __future__ import annotations

import pytest

from quire.core.composing import (
    TextFormat,
    chapter_html,
    editable_text,
    is_blank_html,
    missing_required_tags,
    parse_expected_chapters,
    render_markdown,
    tag_name_problem,
    typed_html,
    user_tag_problems,
)
from quire.core.tags import TagType


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("One line.", "<p>One line.</p>"),
        ("First.\n\nSecond,\nstill second.", "<p>First.</p>\n<p>Second,<br>\nstill second.</p>"),
        ("Windows\r\n\r\nline ends", "<p>Windows</p>\n<p>line ends</p>"),
        ("<i>un</i>believable\n\nnext", "<p><i>un</i>believable</p>\n<p>next</p>"),
        ("<p>Own</p>\n<p>paragraphs</p>", "<p>Own</p>\n<p>paragraphs</p>"),
        ("  ", ""),
    ],
)
def test_typed_html_gets_paragraphs_unless_it_has_its_own(typed: str, stored: str) -> None:
    assert typed_html(typed) == stored


def test_typed_html_is_sanitized() -> None:
    stored = typed_html('Hi <script>alert(1)</script><a href="javascript:x()" onclick="y()">z</a>')
    assert "script" not in stored and "javascript" not in stored and "onclick" not in stored


def test_work_text_keeps_classes_other_fields_do_not() -> None:
    assert 'class="note"' in chapter_html('<p class="note">x</p>', TextFormat.HTML)
    assert "class" not in typed_html('<p class="note">x</p>')


def test_markdown_is_commonmark_with_tables_and_strikethrough() -> None:
    stored = render_markdown("*a* **b** ~~c~~\n\n| x |\n|---|\n| 1 |\n\n> quoted")
    assert "<em>a</em> <strong>b</strong> <s>c</s>" in stored
    assert "<table>" in stored and "<td>1</td>" in stored
    assert "<blockquote>" in stored


def test_markdown_html_and_links_are_sanitized() -> None:
    stored = render_markdown(
        '<script>x()</script>\n\n<span style="color:red">red</span> [a](javascript:x()) '
        "[b](https://example.org)"
    )
    assert "<script" not in stored and "style=" not in stored
    assert 'href="javascript' not in stored
    assert '<a href="https://example.org" rel="nofollow">b</a>' in stored


@pytest.mark.parametrize(
    ("html", "blank"),
    [
        ("<p></p>", True),
        ("<p>&nbsp;</p>", True),
        ("", True),
        ("<p>x</p>", False),
        ('<p><img src="https://example.org/a.png"></p>', False),
    ],
)
def test_blank_html(html: str, blank: bool) -> None:
    assert is_blank_html(html) is blank


@pytest.mark.parametrize(("typed", "expected"), [("", None), ("?", None), (" 3 ", 3), ("12", 12)])
def test_expected_chapters(typed: str, expected: int | None) -> None:
    assert parse_expected_chapters(typed) == expected


@pytest.mark.parametrize("typed", ["0", "-1", "two", "3.5"])
def test_expected_chapters_refused(typed: str) -> None:
    with pytest.raises(ValueError, match='"\\?"'):
        parse_expected_chapters(typed)


def test_tag_names() -> None:
    assert tag_name_problem("Found Family") is None
    assert tag_name_problem("A/B & C") is None
    assert tag_name_problem("x" * 150) is None
    assert "longer than 150" in (tag_name_problem("x" * 151) or "")
    for name in ("a,b", "a*b", "a^b", "<b>", "a{b}", "a=b", "a`b", "a\\b", "a%b", "a，b", "a、b"):
        assert tag_name_problem(name), name


def test_user_tag_limit() -> None:
    assert user_tag_problems([["f"] * 25, ["c"] * 50]) == []
    assert "at most 75" in user_tag_problems([["f"] * 26, ["c"] * 50])[0]


def test_required_tags() -> None:
    assert missing_required_tags([TagType.RATING, TagType.WARNING, TagType.FANDOM]) is None
    assert missing_required_tags([TagType.RATING, TagType.WARNING]) == (
        "Before it can be posted, the work needs a fandom."
    )
    assert missing_required_tags([]) == (
        "Before it can be posted, the work needs a rating, an archive warning and a fandom."
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Tom & Jerry\n\nline one\nline two", "Tom & Jerry\n\nline one\nline two"),
        ("Kept &lt;b&gt; as typed", "Kept &lt;b&gt; as typed"),
        ("With <em>markup</em>", "<p>With <em>markup</em></p>"),
        ("", ""),
    ],
)
def test_stored_html_is_edited_as_it_was_typed(typed: str, shown: str) -> None:
    stored = typed_html(typed)
    assert editable_text(stored) == shown
    assert typed_html(editable_text(stored)) == stored, "saving again changes nothing"
