"""Make user HTML safe to show, allowing what AO3 allows so imported works look the same.

Both cleaners are built once at import: nh3 compiles its allowlist into a Rust
``Cleaner``, and doing that per call would cost more than the cleaning itself.
"""

from __future__ import annotations

import html as _html
import re
from typing import Final

import nh3

__all__ = ["CONTROL_CHARACTERS", "sanitize_html", "text_to_html"]

ALLOWED_TAGS: Final = frozenset(
    {
        "a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption",
        "center", "cite", "code", "col", "colgroup", "details", "figcaption", "figure",
        "dd", "del", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "rp", "rt", "ruby",
        "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
    }
)  # fmt: skip

# Removed together with everything inside them: their content is code, markup for
# another renderer, or fallback text that would otherwise appear doubled.
REMOVED_WITH_CONTENT: Final = frozenset(
    {
        "script", "style", "iframe", "svg", "math", "noscript", "noembed", "noframes",
        "plaintext", "xmp",
    }
)  # fmt: skip

_TABLE_CELL: Final = frozenset({"abbr", "axis", "colspan", "rowspan", "width", "height"})
_COLUMN: Final = frozenset({"span", "width"})

ALLOWED_ATTRIBUTES: Final[dict[str, frozenset[str]]] = {
    "*": frozenset({"align", "dir", "lang", "title"}),
    "a": frozenset({"href", "name"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "img": frozenset({"align", "alt", "border", "height", "src", "width"}),
    "ol": frozenset({"start", "type"}),
    "ul": frozenset({"type"}),
    "table": frozenset({"border", "cellpadding", "cellspacing", "summary", "width"}),
    "td": _TABLE_CELL,
    "th": _TABLE_CELL,
    "col": _COLUMN,
    "colgroup": _COLUMN,
}

# Relative URLs are always let through (nh3's default); these are the absolute ones.
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES: Final = frozenset({"http", "https"})

# AO3's rule for a class name a work's own stylesheet may target. ASCII, as Ruby's \w is.
_CLASS_TOKEN: Final = re.compile(r"[a-zA-Z][\w-]+", re.ASCII)

# What a URL parser ignores before deciding on a scheme: leading C0 controls and spaces,
# and tabs or newlines anywhere (WHATWG URL).
_URL_IGNORED: Final = re.compile(r"^[\x00-\x20]+|[\t\n\r]")
_SCHEME: Final = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def _scheme_allowed(value: str, schemes: frozenset[str]) -> bool:
    """True for a relative URL or one whose scheme is in `schemes`."""
    scheme = _SCHEME.match(_URL_IGNORED.sub("", value))
    return scheme is None or scheme.group(1).lower() in schemes


def _filter_plain(tag: str, attribute: str, value: str) -> str | None:
    """Check URL schemes per tag and attribute, which nh3 cannot do.

    nh3 applies one scheme list to every href and src and ignores `cite`, which
    would let `<img src="mailto:…">` and `<q cite="javascript:…">` through.
    """
    if attribute == "src":  # only <img> may carry one
        return value if _scheme_allowed(value, _IMAGE_SCHEMES) else None
    if attribute in {"href", "cite"}:
        return value if _scheme_allowed(value, URL_SCHEMES) else None
    return value


def _filter_with_classes(tag: str, attribute: str, value: str) -> str | None:
    """As `_filter_plain`, and keep only well-formed class names."""
    if attribute == "class":
        tokens = [token for token in value.split() if _CLASS_TOKEN.fullmatch(token)]
        return " ".join(tokens) if tokens else None
    return _filter_plain(tag, attribute, value)


def _cleaner(*, keep_classes: bool) -> nh3.Cleaner:
    attributes = dict(ALLOWED_ATTRIBUTES)
    if keep_classes:
        attributes["*"] = attributes["*"] | {"class"}
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=attributes,
        attribute_filter=_filter_with_classes if keep_classes else _filter_plain,
        strip_comments=True,
        link_rel="nofollow",
        url_schemes=URL_SCHEMES,
    )


_PLAIN: Final = _cleaner(keep_classes=False)
_WITH_CLASSES: Final = _cleaner(keep_classes=True)


CONTROL_CHARACTERS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 controls other than tab, newline and carriage return, and DEL: they mean nothing in
prose; old files carry them (^Z end-of-file marks, ^G bells) and XML writers reject them."""


def sanitize_html(html: str, *, keep_classes: bool = False) -> str:
    """Return `html` reduced to AO3's allowlist.

    `keep_classes` is for work text, whose classes a work skin may style; everywhere
    else (summaries, notes, comments) classes could only imitate the site's own chrome.
    """
    if not html:
        return ""
    cleaner = _WITH_CLASSES if keep_classes else _PLAIN
    html = CONTROL_CHARACTERS.sub("", html)
    once = _keep_pre_newline(cleaner.clean(html))
    if once == html:
        return once
    # The HTML parser can build trees that no markup reproduces: <div> or <p> inside <p>,
    # <a> inside <a>, once an element we remove (button, marquee, object…) no longer
    # stands between them, or foster-parented table content. A browser would re-parse
    # such output into a different tree, and the next save would change it again. A
    # second pass settles it (fuzzing found no input needing a third), and clean input,
    # the usual case when a chapter is re-saved, never gets here.
    return _keep_pre_newline(cleaner.clean(once))


# Any tag in nh3's output: text there has every "<" and ">" escaped, and attribute values
# are double-quoted with any '"' escaped, so this cannot start inside text or a value.
_TAG: Final = re.compile(r'<[^">]*(?:"[^"]*"[^">]*)*>')


def _restore_pre_newline(match: re.Match[str]) -> str:
    tag = match.group()
    if tag.startswith(("<pre>", "<pre ")) and match.string.startswith("\n", match.end()):
        return tag + "\n"
    return tag


def _keep_pre_newline(html: str) -> str:
    """Double a newline right after <pre>, which nh3's serializer does not.

    An HTML parser drops one newline directly after ``<pre>``, so markup for a <pre>
    whose text starts with a newline must carry two; html5ever writes one, and every
    round trip would lose a line.
    """
    if "<pre" not in html:
        return html
    return _TAG.sub(_restore_pre_newline, html)


# A paragraph break is a line holding nothing but whitespace.
_NEWLINES: Final = re.compile(r"\r\n?")
_BLANK_LINES: Final = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+")


def text_to_html(text: str) -> str:
    """Turn plain text (a summary typed without HTML) into escaped HTML paragraphs.

    Blank lines separate paragraphs and single newlines become ``<br />``, which is how
    the writer saw the text in a plain textarea.
    """
    # Line ends are made \n first, so no carriage return is left for the controls to keep.
    text = CONTROL_CHARACTERS.sub("", _NEWLINES.sub("\n", text))
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [line.strip() for line in block.split("\n")]
        lines = [_html.escape(line, quote=False) for line in lines if line]
        if lines:
            paragraphs.append("<p>" + "<br />\n".join(lines) + "</p>")
    return "\n".join(paragraphs)
