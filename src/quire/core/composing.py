"""What a member types when posting, turned into what the archive stores.

The rules AO3 applies to a posting form live here, free of Django, so the form,
the upload review and any later API share them: the length limits, what a tag
name may hold, "?" as an expected chapter count, and the two ways to write a
chapter (HTML with blank lines as paragraph breaks, or Markdown). Every HTML
result goes through quire.core.sanitize.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from markdown_it import MarkdownIt

from quire.core.sanitize import sanitize_html
from quire.core.tags import TagType

__all__ = [
    "CHAPTER_MAX",
    "NOTES_MAX",
    "SUMMARY_MAX",
    "TAG_NAME_MAX",
    "TITLE_MAX",
    "USER_TAGS_MAX",
    "TextFormat",
    "chapter_html",
    "editable_text",
    "is_blank_html",
    "missing_required_tags",
    "parse_expected_chapters",
    "render_markdown",
    "tag_name_problem",
    "typed_html",
    "user_tag_problems",
]

TITLE_MAX: Final = 255
SUMMARY_MAX: Final = 1_250
NOTES_MAX: Final = 5_000
CHAPTER_MAX: Final = 510_000
TAG_NAME_MAX: Final = 150
USER_TAGS_MAX: Final = 75
"""AO3's limits: fandom, relationship, character and additional tags together count
against USER_TAGS_MAX; ratings, warnings and categories are chosen, not typed."""

FORBIDDEN_TAG_CHARACTERS: Final = frozenset(",^*<>{}=`\\%，、")
"""Characters AO3 refuses in a tag name: the comma separates tags (the full-width
and ideographic commas too), the rest have meanings in its URLs and searches."""


class TextFormat(StrEnum):
    """How a chapter was written; Markdown is kept as typed so it can be edited again."""

    HTML = "html"
    MARKDOWN = "markdown"

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {
    TextFormat.HTML: "Rich text (HTML)",
    TextFormat.MARKDOWN: "Markdown",
}

# CommonMark plus the two extensions fic writers reach for; raw HTML inside the
# Markdown is allowed through to the sanitizer, which keeps what AO3 keeps.
_MARKDOWN: Final = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_BLOCK_TAG: Final = re.compile(
    r"<(?:p|div|blockquote|h[1-6]|ul|ol|dl|table|pre|hr|center|details|figure|address)\b",
    re.IGNORECASE,
)
_NEWLINES: Final = re.compile(r"\r\n?")
_PARAGRAPH_BREAK: Final = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+")


def _add_paragraphs(html: str) -> str:
    """Blank lines become paragraphs and single newlines line breaks, unless the text
    already has its own block structure (then its newlines are just source layout)."""
    text = _NEWLINES.sub("\n", html).strip()
    if not text or _BLOCK_TAG.search(text):
        return text
    blocks = (block.strip() for block in _PARAGRAPH_BREAK.split(text))
    return "\n".join(
        "<p>" + "<br />\n".join(line.strip() for line in block.split("\n")) + "</p>"
        for block in blocks
        if block
    )


def typed_html(text: str, *, keep_classes: bool = False) -> str:
    """HTML from a text box that accepts HTML: as AO3 does, plain text typed there gets
    paragraphs from its blank lines. `keep_classes` is for work text only."""
    return sanitize_html(_add_paragraphs(text), keep_classes=keep_classes)


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML (classes kept, as in any work text)."""
    return sanitize_html(_MARKDOWN.render(_NEWLINES.sub("\n", text)), keep_classes=True)


def chapter_html(text: str, text_format: TextFormat) -> str:
    """A chapter's stored HTML from what its writer typed, in the format they chose."""
    if text_format is TextFormat.MARKDOWN:
        return render_markdown(text)
    return typed_html(text, keep_classes=True)


_ONLY_PARAGRAPHS: Final = re.compile(r"(?:<p>(?:[^<]|<br>)*</p>\s*)+")
_LONE_AMPERSAND: Final = re.compile(r"&amp;(?![a-zA-Z][a-zA-Z0-9]*;|#[0-9]+;|#x[0-9a-fA-F]+;)")


def editable_text(html: str) -> str:
    """Stored HTML as the writer would type it again: paragraphs and line breaks alone
    become blank lines and newlines (typed_html turns them back into the same HTML);
    anything with other markup is shown as HTML."""
    if not _ONLY_PARAGRAPHS.fullmatch(html.strip() + "\n"):
        return html
    paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.DOTALL)
    text = "\n\n".join(
        "\n".join(line.strip() for line in paragraph.split("<br>")) for paragraph in paragraphs
    )
    # A bare "&" was escaped only because HTML must; "&lt;" stays, or it would become a tag.
    return _LONE_AMPERSAND.sub("&", text)


_TAG_OTHER_THAN_IMAGE: Final = re.compile(r"<(?!img\b)[^>]*>", re.IGNORECASE)


def is_blank_html(html: str) -> bool:
    """Whether sanitized HTML shows nothing: no text and no image, only empty elements
    (what is left of a chapter that was nothing but a script)."""
    visible = _html.unescape(_TAG_OTHER_THAN_IMAGE.sub("", html))
    return not visible.replace("\u00a0", " ").strip()


def parse_expected_chapters(value: str) -> int | None:
    """A work's planned length as typed: a number, or "?" (or nothing) when unknown.

    Raises ValueError with a sentence for the person typing.
    """
    value = value.strip()
    if value in {"", "?"}:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError('Give the number of chapters you plan, or "?" if you do not know yet.')
    return int(value)


def tag_name_problem(name: str) -> str | None:
    """Why AO3 would refuse this tag name, or None when it is fine."""
    if len(name) > TAG_NAME_MAX:
        return f'"{name[:40]}…" is longer than {TAG_NAME_MAX} characters.'
    forbidden = sorted({char for char in name if char in FORBIDDEN_TAG_CHARACTERS})
    if forbidden:
        return f'"{name}" contains {" ".join(forbidden)}, which tag names cannot hold.'
    return None


def user_tag_problems(names_by_field: Iterable[list[str]]) -> list[str]:
    """The limit on typed tags, over all the fields that hold them."""
    total = sum(len(names) for names in names_by_field)
    if total > USER_TAGS_MAX:
        return [
            f"A work can have at most {USER_TAGS_MAX} fandom, relationship, character and "
            f"additional tags together; this one has {total}."
        ]
    return []


REQUIRED_TAG_TYPES: Final = (
    (TagType.RATING, "a rating"),
    (TagType.WARNING, "an archive warning"),
    (TagType.FANDOM, "a fandom"),
)


def missing_required_tags(present: Iterable[TagType]) -> str | None:
    """What a work still needs before it can be posted, as AO3 requires: a rating, at
    least one archive warning and at least one fandom. None when nothing is missing."""
    have = set(present)
    missing = [label for tag_type, label in REQUIRED_TAG_TYPES if tag_type not in have]
    if not missing:
        return None
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    return f"Before it can be posted, the work needs {listed}."
