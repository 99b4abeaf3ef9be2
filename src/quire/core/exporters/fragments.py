"""Sanitized HTML made into valid XHTML5 elements, for EPUB, HTML and PDF alike.

Work text follows AO3's allowlist, which still carries HTML 4 (``center``, ``align``,
``border``, ``tt``) and markup an HTML parser accepts but a validator does not
(``<i><p>…</p></i>``, ``<dd>`` with no ``<dl>``). EPUBCheck reports each as an error
and strict reading systems may refuse the file, so every such construction becomes a
valid equivalent: an element HTML5 has, with a class the stylesheet gives the old look.

The tree is built by XML-parsing nh3's own serialization (which escapes everything XML
needs but ``&nbsp;`` and the void tags) instead of libxml2's HTML parser, which does
not build HTML5 trees: it moves ``<p>`` out of ``<i>`` and loses the italics. The
repairs are XPath queries, so a clean chapter costs a few passes in C, not a Python
loop over its paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, cast
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from quire.core.sanitize import CONTROL_CHARACTERS, sanitize_html

__all__ = [
    "Fragment",
    "IdRegistry",
    "clean_fragment",
    "clean_url",
    "language_tag",
    "link_fragments",
    "local_links",
    "xml_text",
]

Element = etree._Element

_NOT_XML: Final = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
"""Code points XML 1.0 forbids that CONTROL_CHARACTERS leaves: surrogates, U+FFFE/U+FFFF."""


def xml_text(text: str) -> str:
    """`text` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", CONTROL_CHARACTERS.sub("", text))


_LANGUAGE_TAG: Final = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def language_tag(value: str) -> str:
    """`value` when it is shaped like a BCP 47 tag, else ``und`` (undetermined)."""
    value = value.strip().replace("_", "-")
    return value if _LANGUAGE_TAG.fullmatch(value) else "und"


# --- parsing nh3's output as XML -------------------------------------------------------

_VOID_TAG: Final = re.compile(r'<(br|col|hr|img)((?:\s(?:[^">]|"[^"]*")*)?)>')
_PARSER: Final = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
)


def _parse(html: str) -> Element:
    """The fragment as children of a ``div``, parsed exactly as nh3 serialized it."""
    markup = _VOID_TAG.sub(r"<\1\2/>", html.replace("&nbsp;", "&#160;"))
    try:
        return etree.fromstring(f"<div>{markup}</div>", _PARSER)
    except etree.XMLSyntaxError:
        # Not nh3's serialization after all (a future nh3 may escape differently):
        # libxml2's HTML parser never fails, at the cost of HTML5's tree rules.
        return cast(Element, lxml_html.fragment_fromstring(html, create_parent="div"))


# --- element and attribute vocabulary -------------------------------------------------

_RENAMED: Final = {
    "center": ("div", "center"),
    "big": ("span", "big"),
    "tt": ("span", "tt"),
    "strike": ("s", ""),
    "acronym": ("abbr", ""),
}

_HEADINGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")
_PHRASING_ONLY: Final = (
    "p", *_HEADINGS, "pre", "abbr", "b", "cite", "code", "dfn", "em", "i", "kbd", "q",
    "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var",
)  # fmt: skip
"""Elements whose content may only be phrasing content (text and inline elements)."""

_TRANSPARENT: Final = frozenset({"a", "ins", "del"})
_BLOCKS: Final = (
    "address", "blockquote", "details", "div", "dl", "figure", *_HEADINGS, "hr", "ol", "p",
    "pre", "table", "ul",
)  # fmt: skip
"""Flow content that is not phrasing: invalid inside any of _PHRASING_ONLY."""


def _any_of(names: Iterable[str], node: str = ".") -> str:
    """An XPath test that `node` is one of the elements `names`.

    One string search instead of a ``self::x or self::y …`` chain: six times faster
    over a novel-length chapter, where every element is tested.
    """
    return f"contains(' {' '.join(names)} ', concat(' ', local-name({node}), ' '))"


class _Query:
    """A compiled XPath that selects elements (lxml types its results as anything at all)."""

    def __init__(self, expression: str) -> None:
        self._xpath = etree.XPath(expression)

    def __call__(self, root: Element) -> list[Element]:
        return cast("list[Element]", self._xpath(root))


_FIND_RENAMED: Final = _Query("|".join(f"//{name}" for name in _RENAMED))
_FIND_ALIGNED: Final = _Query("//*[@align]")
_FIND_SIZED: Final = _Query(
    "//img|//table|//td|//th|//col|//colgroup|//ol[@start or @type]|//ul[@type]"
)
_FIND_LANGUAGE_OR_DIRECTION: Final = _Query("//*[@lang or @dir]")
_FIND_URLS: Final = _Query("//a|//blockquote[@cite]|//q[@cite]")
_FIND_IMAGES: Final = _Query("//img")
_FIND_BAD_LISTS: Final = _Query(
    "//ul[*[not(self::li)] or text()[normalize-space()]]"
    "|//ol[*[not(self::li)] or text()[normalize-space()]]"
)
_FIND_STRAY_ITEMS: Final = _Query(
    "//li[not(parent::ul or parent::ol)]"
    "|//dt[not(parent::dl)]|//dd[not(parent::dl)]"
    "|//rt[not(parent::ruby)]|//rp[not(parent::ruby)]"
    "|//figcaption[not(parent::figure)"
    " or (preceding-sibling::* and following-sibling::*)"
    " or preceding-sibling::figcaption or following-sibling::*[1][self::figcaption]]"
    "|//summary[not(parent::details) or preceding-sibling::*]"
)
_FIND_BAD_DEFINITION_LISTS: Final = _Query(
    "//dl[not(*) or *[not(self::dt or self::dd)] or text()[normalize-space()]"
    " or *[1][self::dd] or *[last()][self::dt]]"
)
_FIND_BAD_TABLES: Final = _Query(
    "//table[count(caption) > 1 or count(thead) > 1 or count(tfoot) > 1"
    " or caption[preceding-sibling::*]"
    " or colgroup[preceding-sibling::*[not(self::caption or self::colgroup)]]"
    " or thead[preceding-sibling::*[not(self::caption or self::colgroup)]]"
    " or tfoot[following-sibling::*]]"
)
_FIND_BLOCKS_IN_PHRASING: Final = _Query(
    f"//*[{_any_of(_BLOCKS)}][{_any_of((*_PHRASING_ONLY, *_TRANSPARENT), '..')}]"
)
"""Blocks right inside an inline element: looking at parents is enough, because any other
block under an inline element sits in a block (table, list, div) that is itself found."""
_FIND_FORBIDDEN_DESCENDANTS: Final = _Query(
    f"//dt//*[{_any_of(_HEADINGS)}]|//th//*[{_any_of(_HEADINGS)}]"
    f"|//address//*[{_any_of(_HEADINGS)} or self::address]"
    "|//a//details|//dfn//dfn"
)
_FIND_CAPTIONS_WITH_TABLES: Final = _Query("//caption[.//table]")
_FIND_BAD_SUMMARIES: Final = _Query(
    f"//summary[.//*[{_any_of(b for b in _BLOCKS if b not in _HEADINGS)}]"
    f" or count(.//*[{_any_of(_HEADINGS)}]) > 1]"
)
_FIND_DETAILS_WITHOUT_SUMMARY: Final = _Query("//details[not(*[1][self::summary])]")
_FIND_PRE_NEWLINES: Final = _Query("//pre[starts-with(text(), '\n')]")
_FIND_NAMED: Final = _Query("//a[@name]")
_FIND_LOCAL_LINKS: Final = _Query("//a[starts-with(@href, '#')]")


def _take(element: Element, name: str) -> str | None:
    """Remove attribute `name` from `element`, returning its value (None when absent)."""
    value = element.get(name)
    if value is not None:
        del element.attrib[name]
    return value


def _add_class(element: Element, name: str) -> None:
    present = element.get("class")
    element.set("class", f"{present} {name}" if present else name)


def _become(element: Element, tag: str, class_name: str) -> None:
    """Turn `element` into `tag`, keeping its old look through `class_name`."""
    element.tag = tag
    if class_name:
        _add_class(element, class_name)


# --- attributes --------------------------------------------------------------------------

_IMAGE_ALIGN: Final = {
    "left": "float-left",
    "right": "float-right",
    "middle": "align-middle",
    "absmiddle": "align-middle",
    "top": "align-top",
    "texttop": "align-top",
    "bottom": "align-bottom",
    "baseline": "align-bottom",
}
_TABLE_ALIGN: Final = {"left": "float-left", "right": "float-right", "center": "centered"}
_TEXT_ALIGN: Final = {name: f"align-{name}" for name in ("left", "right", "center", "justify")}


def _convert_align(root: Element) -> None:
    for element in _FIND_ALIGNED(root):
        value = (_take(element, "align") or "").strip().lower()
        table = {"img": _IMAGE_ALIGN, "table": _TABLE_ALIGN}.get(element.tag, _TEXT_ALIGN)
        if value in table:
            _add_class(element, table[value])


_INTEGER: Final = re.compile(r"\s*\+?(\d{1,6})\s*(?:px)?\s*", re.IGNORECASE)
_PERCENT: Final = re.compile(r"\s*(\d{1,3}(?:\.\d{1,2})?)\s*%\s*")


def _length(value: str | None) -> str | None:
    """A CSS length for an HTML 4 ``width``/``height`` value, None when it is not one."""
    if value is None:
        return None
    if pixels := _INTEGER.fullmatch(value):
        return f"{int(pixels.group(1))}px"
    if percent := _PERCENT.fullmatch(value):
        return f"{percent.group(1)}%"
    return None


def _move_sizes_to_style(element: Element) -> None:
    """Obsolete ``width``/``height`` become a style built only from the parsed numbers."""
    declarations = []
    for name in ("width", "height"):
        length = _length(_take(element, name))
        if length:
            declarations.append(f"{name}: {length}")
    if declarations:
        element.set("style", "; ".join(declarations))


def _bounded_integer(element: Element, name: str, low: int, high: int) -> None:
    value = element.get(name)
    if value is None:
        return
    number = _INTEGER.fullmatch(value)
    if number and low <= int(number.group(1)) <= high:
        element.set(name, str(int(number.group(1))))
    else:
        del element.attrib[name]


_LIST_TYPES: Final = frozenset({"1", "a", "A", "i", "I"})
_BULLETS: Final = frozenset({"disc", "circle", "square"})
_START: Final = re.compile(r"\s*([+-]?\d{1,9})\s*")


def _convert_sizes(root: Element) -> None:
    for element in _FIND_SIZED(root):
        tag = element.tag
        if tag == "img":
            _convert_image_size(element)
        elif tag == "table":
            border = _take(element, "border")
            if border is not None and border.strip() not in {"0", "0px"}:
                _add_class(element, "bordered")
            for obsolete in ("cellpadding", "cellspacing", "summary"):
                _take(element, obsolete)
            _move_sizes_to_style(element)
        elif tag in {"td", "th"}:
            for obsolete in ("axis", "abbr"):  # EPUBCheck's schema refuses abbr on th too
                _take(element, obsolete)
            _bounded_integer(element, "colspan", 1, 1000)
            _bounded_integer(element, "rowspan", 0, 65534)
            _move_sizes_to_style(element)
        elif tag in {"col", "colgroup"}:
            if tag == "colgroup" and len(element):
                _take(element, "span")
            _bounded_integer(element, "span", 1, 1000)
            _move_sizes_to_style(element)
        elif tag == "ol":
            start = element.get("start")
            if start is not None:
                number = _START.fullmatch(start)
                if number:
                    element.set("start", str(int(number.group(1))))
                else:
                    del element.attrib["start"]
            if element.get("type", "1") not in _LIST_TYPES:
                del element.attrib["type"]
        else:  # ul
            bullet = (_take(element, "type") or "").strip().lower()
            if bullet in _BULLETS:
                _add_class(element, f"list-{bullet}")


def _convert_image_size(image: Element) -> None:
    border = _take(image, "border")
    if border is not None and border.strip() not in {"", "0", "0px"}:
        _add_class(image, "bordered")
    style = []
    for name in ("width", "height"):
        value = _take(image, name)
        length = _length(value)
        if length and length.endswith("px"):
            image.set(name, length.removesuffix("px"))  # valid as it is in HTML5
        elif length:
            style.append(f"{name}: {length}")
    if style:
        image.set("style", "; ".join(style))


_DIRECTIONS: Final = frozenset({"ltr", "rtl", "auto"})


def _check_language_and_direction(root: Element) -> None:
    for element in _FIND_LANGUAGE_OR_DIRECTION(root):
        language = element.get("lang")
        if language is not None and language and not _LANGUAGE_TAG.fullmatch(language):
            del element.attrib["lang"]
        direction = element.get("dir")
        if direction is not None:
            if direction.strip().lower() in _DIRECTIONS:
                element.set("dir", direction.strip().lower())
            else:
                del element.attrib["dir"]


# --- URLs --------------------------------------------------------------------------------

_HOST: Final = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?"
)
_IPV6: Final = re.compile(r"[0-9a-f:.]+")
_URL_IGNORED: Final = re.compile(r"[\t\n\r]")
_LONE_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE: Final = "/!$&'()*+,;=:@-._~%"
_QUERY_SAFE: Final = _PATH_SAFE + "?"


def _quote(component: str, safe: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", component), safe=safe)


def clean_url(value: str, *, base: str = "", images: bool = False) -> str | None:
    """`value` as a valid absolute http(s) or mailto URL, or None when it cannot be one.

    Relative references are resolved against `base` (the work's address) and dropped
    without one: inside an EPUB they would point at files that are not there.
    """
    value = _URL_IGNORED.sub("", value).strip()
    if not value or value.startswith("#"):
        return None
    try:
        parts = urlsplit(value)
        if not parts.scheme and base:
            parts = urlsplit(urljoin(base, value))
        scheme = parts.scheme.lower()
        if scheme == "mailto" and not images:
            address = _quote(value.split(":", 1)[1].strip(), _QUERY_SAFE)
            return f"mailto:{address}" if address else None
        if scheme not in {"http", "https"}:
            return None
        host = _host(parts.hostname or "")
        port = parts.port
    except ValueError:  # a malformed IPv6 host, port or IDN label
        return None
    if not host:
        return None
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit(
        (
            scheme,
            netloc,
            _quote(parts.path, _PATH_SAFE) or "/",
            _quote(parts.query, _QUERY_SAFE),
            _quote(parts.fragment, _QUERY_SAFE),
        )
    )


def _host(host: str) -> str:
    """The host in ASCII (IDNs as punycode), or "" when it is not a host name."""
    if ":" in host:  # an IPv6 literal, which urlsplit returns without brackets
        return f"[{host}]" if _IPV6.fullmatch(host) else ""
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    return host if _HOST.fullmatch(host) else ""


def _clean_links(root: Element, base: str) -> None:
    for element in _FIND_URLS(root):
        attribute = "href" if element.tag == "a" else "cite"
        value = element.get(attribute)
        if value is None or (attribute == "href" and value.strip().startswith("#")):
            continue  # in-document links are resolved once every fragment is known
        url = clean_url(value, base=base)
        if url and attribute == "cite" and not url.startswith("https:"):
            url = None  # EPUBCheck warns about a cite that is not HTTPS; readers never show it
        if url:
            element.set(attribute, url)
        else:
            del element.attrib[attribute]
    for link in _FIND_URLS(root):
        if link.tag == "a" and "href" not in link.attrib:
            _take(link, "rel")


def _clean_images(root: Element, base: str, *, remote_images: bool) -> None:
    """Keep linked images (HTML) or put a link in their place (EPUB and PDF).

    An EPUB may not show an image from the web, and a PDF renderer fetching work
    images would make every download depend on other people's servers.
    """
    for image in _FIND_IMAGES(root):
        source = clean_url(image.get("src", ""), base=base, images=True)
        alt = image.get("alt", "").strip()
        if source and remote_images:
            image.set("src", source)
            image.set("alt", alt)
            continue
        in_link = next(image.iterancestors("a"), None) is not None
        if source and not in_link:
            replacement = etree.Element("a", href=source, rel="nofollow")
            replacement.set("class", "image-link")
            replacement.text = f"[Image: {alt}]" if alt else "[Image]"
        else:
            replacement = etree.Element("span")
            replacement.set("class", "image-link")
            replacement.text = f"[Image: {alt}]" if alt else "[Image]"
        replacement.tail = image.tail
        parent = image.getparent()
        if parent is not None:  # always: the fragment's root is a div, never an img
            parent.replace(image, replacement)


# --- structure ---------------------------------------------------------------------------


def _wrap_stray_list_content(root: Element) -> None:
    """Put what sits directly in a ``ul``/``ol`` but outside an ``li`` into unmarked items."""
    for list_element in _FIND_BAD_LISTS(root):
        stray: Element | None = None
        if list_element.text and list_element.text.strip():
            stray = etree.Element("li")
            stray.set("class", "unmarked")
            stray.text, list_element.text = list_element.text, None
            list_element.insert(0, stray)
        for child in list(list_element):
            if child is stray:
                continue
            if child.tag == "li":
                stray = None
                if child.tail and child.tail.strip():
                    stray = etree.Element("li")
                    stray.set("class", "unmarked")
                    stray.text, child.tail = child.tail, None
                    child.addnext(stray)
                continue
            if stray is None:
                stray = etree.Element("li")
                stray.set("class", "unmarked")
                child.addprevious(stray)
            stray.append(child)  # its tail travels with it


_STRAY_REPLACEMENT: Final = {
    "li": "div",
    "dt": "div",
    "dd": "div",
    "figcaption": "div",
    "summary": "div",
    "rt": "span",
    "rp": "span",
}


def _fix_out_of_place(root: Element) -> None:
    for element in _FIND_STRAY_ITEMS(root):
        _become(element, _STRAY_REPLACEMENT[element.tag], f"as-{element.tag}")
    for definitions in _FIND_BAD_DEFINITION_LISTS(root):
        for child in definitions:
            if child.tag in {"dt", "dd"}:
                _become(child, "div", f"as-{child.tag}")
        _become(definitions, "div", "as-dl")


_TABLE_ORDER: Final = {"caption": 0, "colgroup": 1, "thead": 2, "tbody": 3, "tr": 3, "tfoot": 4}


def _order_table_sections(root: Element) -> None:
    """Caption first, then column groups, one head, the bodies, one foot (HTML5's order)."""
    for table in _FIND_BAD_TABLES(root):
        children = list(table)
        seen: set[str] = set()
        for child in children:
            if child.tag in {"caption", "thead", "tfoot"}:
                if child.tag in seen:
                    _demote_table_section(child)
                seen.add(child.tag)
        children = sorted(table, key=lambda child: _TABLE_ORDER.get(child.tag, 3))
        for child in children:
            table.append(child)


def _demote_table_section(section: Element) -> None:
    """A second caption, head or foot becomes a body (keeping its text)."""
    if section.tag == "caption":
        cell = etree.Element("td")
        cell.text, section.text = section.text, None
        cell.extend(list(section))
        row = etree.SubElement(section, "tr")
        row.append(cell)
        section.attrib.clear()
    section.tag = "tbody"


def _fix_blocks_in_phrasing(root: Element) -> None:
    """An inline element holding a block (``<i><p>``) becomes a ``div`` styled like it."""
    phrasing = frozenset(_PHRASING_ONLY)
    for block in _FIND_BLOCKS_IN_PHRASING(root):
        ancestor = block.getparent()
        while ancestor is not None and (ancestor.tag in phrasing or ancestor.tag in _TRANSPARENT):
            if ancestor.tag in phrasing:
                _become(ancestor, "div", f"as-{ancestor.tag}")
            ancestor = ancestor.getparent()


def _fix_forbidden_descendants(root: Element) -> None:
    for element in _FIND_FORBIDDEN_DESCENDANTS(root):
        _become(element, "span" if element.tag == "dfn" else "div", f"as-{element.tag}")
    for caption in _FIND_CAPTIONS_WITH_TABLES(root):
        table = caption.getparent()
        _become(caption, "div", "as-caption")
        if table is not None:
            table.addprevious(caption)
    for summary in _FIND_BAD_SUMMARIES(root):
        _become(summary, "div", "as-summary")
    for details in _FIND_DETAILS_WITHOUT_SUMMARY(root):
        _become(details, "div", "as-details")


def _fix_structure(root: Element) -> None:
    _wrap_stray_list_content(root)
    _fix_out_of_place(root)
    _order_table_sections(root)
    _fix_blocks_in_phrasing(root)
    _fix_forbidden_descendants(root)
    for pre in _FIND_PRE_NEWLINES(root):
        # nh3 doubles a leading newline for HTML parsers, which drop one; XML keeps both.
        pre.text = pre.text[1:] if pre.text else pre.text


# --- ids and in-document links ---------------------------------------------------------


@dataclass(slots=True)
class IdRegistry:
    """Element ids handed out in one document (or one EPUB), so none repeats."""

    taken: set[str] = field(default_factory=set)

    def claim(self, wanted: str) -> str:
        """`wanted` made an XML name (EPUBCheck wants one) and unique."""
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", wanted).strip("-")
        base = base if base[:1].isalpha() else f"n-{base}".rstrip("-")
        candidate, number = base, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{base}-{number}"
        self.taken.add(candidate)
        return candidate


@dataclass(slots=True)
class Fragment:
    """A cleaned piece of user HTML: its elements (children of ``root``) and its anchors."""

    root: Element
    anchors: dict[str, str] = field(default_factory=dict)
    """Each ``<a name>`` of the source to the unique id it was given."""

    def __bool__(self) -> bool:
        return bool(len(self.root) or (self.root.text and self.root.text.strip()))


def _name_anchors(root: Element, ids: IdRegistry) -> dict[str, str]:
    anchors: dict[str, str] = {}
    for anchor in _FIND_NAMED(root):
        name = _take(anchor, "name") or ""
        if "id" in anchor.attrib or not name.strip():
            continue
        anchor.set("id", ids.claim(f"n-{name}"))
        anchors.setdefault(name, anchor.get("id", ""))
    return anchors


def clean_fragment(
    html: str,
    *,
    ids: IdRegistry,
    keep_classes: bool = False,
    base_url: str = "",
    remote_images: bool = False,
) -> Fragment:
    """Sanitize `html` again (it may come from anywhere) and make it valid XHTML5.

    `keep_classes` is for work text (see sanitize_html). `remote_images` keeps web
    images as images (the HTML download); otherwise each becomes a link to it.
    """
    html = sanitize_html(_NOT_XML.sub("", html), keep_classes=keep_classes).strip()
    root = _parse(html) if html else etree.Element("div")
    if len(root):
        for element in _FIND_RENAMED(root):
            _become(element, *_RENAMED[element.tag])
        _convert_align(root)
        _convert_sizes(root)
        _check_language_and_direction(root)
        _clean_links(root, base_url)
        _clean_images(root, base_url, remote_images=remote_images)
        _fix_structure(root)
    return Fragment(root, _name_anchors(root, ids) if len(root) else {})


def link_fragments(fragments: Iterable[Fragment]) -> None:
    """Point ``href="#name"`` links at the ids their anchors were given.

    A link finds its anchor in its own fragment first, then in any other (a footnote
    mark in a chapter, its note in the end notes); a link to no anchor loses its href.
    """
    fragments = list(fragments)
    everywhere: dict[str, str] = {}
    for fragment in fragments:
        for name, anchor_id in fragment.anchors.items():
            everywhere.setdefault(name, anchor_id)
    for fragment in fragments:
        for link in _FIND_LOCAL_LINKS(fragment.root):
            name = link.get("href", "#")[1:]
            target = fragment.anchors.get(name) or everywhere.get(name)
            if target:
                link.set("href", f"#{target}")
            else:
                del link.attrib["href"]
                _take(link, "rel")


def local_links(root: Element) -> list[Element]:
    """The ``href="#…"`` links in `root`'s tree (the EPUB writer points some at other files)."""
    return _FIND_LOCAL_LINKS(root)
