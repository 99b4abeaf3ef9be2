"""Importer for EPUB 2 and EPUB 3 files, including FanFicFare's and AO3's own.

An EPUB is a zip: META-INF/container.xml names the package (OPF) file, whose
metadata describes the work and whose spine lists the content documents in
reading order; the EPUB 3 nav document or the EPUB 2 NCX names the chapters.
FanFicFare adds a title page of "Label: value" lines and AO3 ships its
download preface; both say more than the OPF does, so those producers are
recognized by content and read from their own pages.

Everything read from the zip goes through a size budget and lxml parsers with
entity expansion, network access and huge trees switched off, because an
EPUB is untrusted input that is easy to turn into a zip or XML bomb.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from html import escape
from itertools import islice
from typing import Final
from urllib.parse import unquote

import lxml.html
from lxml import etree

from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.importers import ImportProblem, SourceFile
from quire.core.importers.ao3_html import has_ao3_preface, parse_ao3_documents
from quire.core.importers.decoding import decode_text
from quire.core.importers.html import element_text, inner_html, note_word_count, parse_document
from quire.core.importers.vocabulary import AO3_NAMES
from quire.core.sanitize import CONTROL_CHARACTERS, sanitize_html, text_to_html
from quire.core.tags import WARNING_DISPLAY_NAMES, TagType

__all__ = ["MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "importer"]

MAX_MEMBER_BYTES: Final = 64 * 1024 * 1024
"""The largest file inside an EPUB we unpack: far above any real chapter."""

MAX_TOTAL_BYTES: Final = 512 * 1024 * 1024
"""All files unpacked from one EPUB together, so a zip bomb cannot exhaust memory."""

_MIMETYPE: Final = b"application/epub+zip"
_CONTAINER: Final = "META-INF/container.xml"
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile lacks
    ValueError,
)


# Entities are never expanded and no DTD or network resource is fetched (billion
# laughs, XXE); without huge_tree libxml2 stops at a nesting depth of 256.
def _xml_parser(*, recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_XML: Final = _xml_parser(recover=False)
_XML_RECOVER: Final = _xml_parser(recover=True)
_XHTML_TYPES: Final = frozenset(
    {"application/xhtml+xml", "text/html", "application/html", "text/x-oeb1-document"}
)
_NCX_TYPE: Final = "application/x-dtbncx+xml"
_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that only group others: a chapter heading may sit inside them.
_WRAPPERS: Final = frozenset({"div", "section", "article", "header", "hgroup", "main", "span"})
# Elements that are content even when they hold no text.
_EMPTY_CONTENT: Final = frozenset({"img", "hr", "svg", "image"})
_FRONT_TYPES: Final = frozenset({"cover", "titlepage", "title-page", "toc"})
_FRONT_NAME: Final = re.compile(
    r"(?:cover(?:page)?|title[-_ ]?page|toc|nav|contents|table[-_ ]?of[-_ ]?contents"
    r"|(?:calibre_)?jacket)",
    re.IGNORECASE,
)
_FRONT_LABEL: Final = re.compile(r"cover|title page|(?:table of )?contents", re.IGNORECASE)
_LOOKS_LIKE_HTML: Final = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG: Final = re.compile(
    r"<(?:p|div|blockquote|ul|ol|dl|h[1-6]|pre|table|hr|center|address|details|figure)\b"
)
_ISO_DAY: Final = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_AO3_WORK: Final = re.compile(
    r"https?://(?:www\.)?(?:archiveofourown\.(?:org|com|net)|ao3\.org)"
    r"/(?:collections/[^/\s]+/)?works/(\d+)",
    re.IGNORECASE,
)
_AO3_REGION: Final = re.compile(r"""id\s*=\s*["']?(?:preface|chapters|afterword)\b""")
_PROBLEMS_SHOWN: Final = 3  # in the one-line reason an unreadable EPUB is refused with
_FIRST_DAY_ON_RECORD: Final = 1900  # calibre writes year 101 for "no date"

_FIXED_TAGS: Final[dict[str, tuple[TagType, str]]] = {
    key: (tag_type, name) for tag_type, names in AO3_NAMES.items() for key, name in names.items()
} | {shown.casefold(): (TagType.WARNING, name) for name, shown in WARNING_DISPLAY_NAMES.items()}
"""AO3's fixed tags by name and display name, so "M/M" in a subject list is a category."""


class _Importer:
    format_name = "epub"
    priority = 70

    def recognizes(self, source: SourceFile) -> bool:
        """A zip that starts with EPUB's mimetype member, or that holds META-INF/container.xml."""
        head = source.head()
        if not head.startswith(b"PK\x03\x04"):
            return False
        if head[30:38] == b"mimetype" and _MIMETYPE in head[38:256]:
            return True
        try:
            with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
                names = archive.namelist()
        except _ZIP_ERRORS:
            return False
        return any(_zip_path(name).casefold() == _CONTAINER.casefold() for name in names)

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        return [_Reader(source).work()]


importer = _Importer()


# --- the zip ----------------------------------------------------------------------------


def _zip_path(name: str) -> str:
    """A member name as hrefs refer to it (some Windows tools write backslashes)."""
    return name.replace("\\", "/")


class _Archive:
    """The EPUB's members, unpacked within a size budget."""

    def __init__(self, source: SourceFile) -> None:
        self.source_name = source.name
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(source.data))
            infos = self._zip.infolist()
        except _ZIP_ERRORS as error:
            raise ImportProblem(
                source.name, f"not a readable zip archive, so not an EPUB ({error})"
            ) from None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._folded: dict[str, str] = {}
        for info in infos:
            for name in _member_names(info):
                self._infos.setdefault(name, info)
                self._folded.setdefault(name.casefold(), name)
        self._budget = MAX_TOTAL_BYTES

    def problem(self, reason: str) -> ImportProblem:
        return ImportProblem(self.source_name, reason)

    def find(self, path: str) -> str | None:
        """The member at `path`, matched exactly or else ignoring case (hrefs are often sloppy)."""
        if path in self._infos:
            return path
        return self._folded.get(path.casefold())

    def read(self, path: str) -> bytes:
        name = self.find(path)
        if name is None:
            raise self.problem(f"{path} is missing from the EPUB")
        info = self._infos[name]
        if info.file_size > MAX_MEMBER_BYTES:
            raise self.problem(
                f"{name} unpacks to {info.file_size:,} bytes, more than the "
                f"{MAX_MEMBER_BYTES // 2**20} MB allowed for one file in an EPUB"
            )
        if info.file_size > self._budget:
            raise self.problem(
                f"unpacking {name} would take the EPUB past {MAX_TOTAL_BYTES // 2**20} MB "
                "in all (a zip bomb?)"
            )
        try:
            # zipfile never returns more than the declared size and checks the CRC.
            with self._zip.open(info) as member:
                data = member.read()
        except _ZIP_ERRORS as error:
            raise self.problem(f"{name} cannot be unpacked ({error})") from None
        self._budget -= len(data)
        return data


def _member_names(info: zipfile.ZipInfo) -> Iterator[str]:
    """The names a member may be looked up by.

    Zips without the UTF-8 flag store names as CP437 by the standard, but EPUB
    tools write UTF-8 there anyway; offering both lets hrefs find the file.
    """
    name = _zip_path(info.filename)
    yield name
    if not info.flag_bits & 0x800:
        with suppress(UnicodeError):
            yield name.encode("cp437").decode("utf-8")


# --- XML and HTML -----------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    """An element's name without namespace or prefix ("dc:title" and "{…}title" are "title")."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _attr(element: etree._Element, name: str) -> str:
    """An attribute by local name, whatever namespace or prefix it was written with."""
    direct = element.get(name)
    if direct is not None:
        return direct
    for key, value in element.attrib.items():
        if str(key).rpartition("}")[2].rpartition(":")[2] == name:
            return str(value)
    return ""


def _all_text(element: etree._Element) -> str:
    """All text inside the element, as written."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _resolve(base_dir: str, href: str) -> str:
    """The zip path an href (relative to the file it appears in) points at, without fragment."""
    path = unquote(href.split("#", 1)[0].strip())
    return posixpath.normpath(posixpath.join(base_dir, path)) if path else ""


@dataclass(frozen=True, slots=True)
class _XmlFile:
    path: str
    root: etree._Element
    damage: str
    """The syntax error, when the file is not well-formed and was read as far as it goes."""

    def lacks(self, archive: _Archive, what: str) -> ImportProblem:
        """The problem of a file without a part the EPUB needs, and why it may be so."""
        reason = f"{self.path} {what}"
        if self.damage:
            reason += f"; it is not well-formed XML ({self.damage})"
        return archive.problem(reason)


def _parse_xml(archive: _Archive, path: str, problems: list[str]) -> _XmlFile:
    """Parse an XML member; a damaged one is read as far as it goes, with a problem noted."""
    # Some producers put whitespace before the XML declaration, which XML forbids.
    data = archive.read(path).lstrip()
    try:
        return _XmlFile(path, etree.fromstring(data, _XML), "")
    except etree.XMLSyntaxError as error:
        damage = error.msg or str(error)
    try:
        root = etree.fromstring(data, _XML_RECOVER)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise archive.problem(f"{path} is not well-formed XML ({damage})")
    problems.append(f"{path} is not well-formed XML ({damage}); read what could be recovered")
    return _XmlFile(path, root, damage)


def _body(source_name: str, text: str) -> lxml.html.HtmlElement | None:
    """The <body> of a content document, or None when it has none.

    Content documents are read as HTML: many EPUBs carry XHTML that is not
    well-formed (a bare "&", HTML entities), and libxml2's HTML parser still
    honours "<div/>" and limits nesting depth.
    """
    try:
        root = parse_document(source_name, text)
    except ImportProblem:
        return None
    return root.find("body")


def _has_content(element: etree._Element) -> bool:
    if _all_text(element).strip():
        return True
    return any(_local(node) in _EMPTY_CONTENT for node in element.iter())


# --- the package (OPF) ------------------------------------------------------------------


@dataclass(slots=True)
class _Metadata:
    """What the OPF's <metadata> says, before it is mapped onto a work."""

    title: str = ""
    creators: list[str] = field(default_factory=list)
    language: str = ""
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    published: date | None = None
    updated: date | None = None
    series: list[SeriesMembership] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Item:
    id: str
    path: str
    media_type: str
    properties: frozenset[str]


@dataclass(slots=True)
class _Package:
    path: str
    metadata: _Metadata
    items: dict[str, _Item]
    spine: list[_Item]
    ncx_id: str
    guide: dict[str, str]
    """Path → EPUB 2 guide type ("cover", "title-page", "toc", "text"…)."""


def _rootfile(archive: _Archive, problems: list[str]) -> str:
    if archive.find(_CONTAINER) is None:
        raise archive.problem(f"{_CONTAINER} is missing, so the EPUB's package file is unknown")
    container = _parse_xml(archive, _CONTAINER, problems)
    rootfiles = [node for node in container.root.iter() if _local(node) == "rootfile"]
    paths = [
        (node.get("media-type", ""), node.get("full-path", "").strip())
        for node in rootfiles
        if node.get("full-path", "").strip()
    ]
    if not paths:
        raise container.lacks(archive, "names no package file (no rootfile full-path)")
    for media_type, path in paths:
        if media_type == "application/oebps-package+xml":
            return _resolve("", path)
    return _resolve("", paths[0][1])


def _read_package(archive: _Archive, problems: list[str]) -> _Package:
    path = _rootfile(archive, problems)
    if archive.find(path) is None:
        raise archive.problem(f"the package file {path} named in {_CONTAINER} is missing")
    package = _parse_xml(archive, path, problems)
    base = posixpath.dirname(path)
    sections: dict[str, etree._Element] = {}
    for node in package.root.iter():
        if _local(node) in _OPF_SECTIONS:
            sections.setdefault(_local(node), node)
    spine_node = sections.get("spine")
    if spine_node is None:
        raise package.lacks(archive, "has no spine (the list of the book's parts in order)")

    items: dict[str, _Item] = {}
    manifest = sections.get("manifest")
    for node in () if manifest is None else manifest:
        if _local(node) == "item" and node.get("id") and node.get("href"):
            item = _Item(
                id=node.get("id", ""),
                path=_resolve(base, node.get("href", "")),
                media_type=node.get("media-type", "").strip().lower(),
                properties=frozenset(node.get("properties", "").split()),
            )
            items.setdefault(item.id, item)

    spine: list[_Item] = []
    for node in spine_node:
        if _local(node) != "itemref":
            continue
        idref = node.get("idref", "")
        if idref in items:
            spine.append(items[idref])
        else:
            problems.append(f"{path}: the spine lists {idref!r}, which the manifest lacks")
    if not spine:
        raise package.lacks(archive, "lists nothing to read (its spine is empty)")

    guide: dict[str, str] = {}
    for node in sections.get("guide", ()):
        if _local(node) == "reference" and node.get("href"):
            guide.setdefault(_resolve(base, node.get("href", "")), node.get("type", "").lower())

    metadata = sections.get("metadata")
    return _Package(
        path=path,
        metadata=_Metadata() if metadata is None else _read_metadata(metadata, problems),
        items=items,
        spine=spine,
        ncx_id=spine_node.get("toc", ""),
        guide=guide,
    )


_OPF_SECTIONS: Final = frozenset({"metadata", "manifest", "spine", "guide"})


def _read_metadata(metadata: etree._Element, problems: list[str]) -> _Metadata:
    result = _Metadata()
    nodes = [node for node in metadata.iter() if node is not metadata and _local(node)]
    # EPUB 3 says more about an element in <meta refines="#id" property="…">.
    refines: dict[str, dict[str, str]] = {}
    for node in nodes:
        if _local(node) == "meta" and node.get("refines", "").startswith("#"):
            refined = refines.setdefault(node.get("refines", "")[1:], {})
            refined.setdefault(node.get("property", ""), element_text(node))

    titles: list[tuple[str, str]] = []
    collections: list[tuple[str, str]] = []
    calibre: dict[str, str] = {}
    for node in nodes:
        name, value = _local(node), element_text(node)
        details = refines.get(node.get("id", ""), {})
        if name == "title" and value:
            titles.append((details.get("title-type", ""), value))
        elif name == "creator" and value:
            role = _attr(node, "role") or details.get("role", "")
            if role in ("", "aut"):
                result.creators.append(value)
        elif name == "language" and value and not result.language:
            result.language = value
        elif name == "description" and not result.description:
            result.description = _all_text(node).strip()
        elif name == "subject" and value:
            result.subjects.append(value)
        elif name == "contributor" and value:
            result.contributors.append(value)
        elif name == "identifier" and value:
            result.identifiers.append(value)
        elif name == "source" and value:
            result.sources.append(value)
        elif name == "date" and value:
            _read_date(result, _attr(node, "event").lower(), value, problems)
        elif name == "meta" and node.get("name", "").startswith("calibre:series"):
            calibre.setdefault(node.get("name", ""), node.get("content", "").strip())
        elif (
            name == "meta"
            and node.get("property") == "belongs-to-collection"
            and value
            and details.get("collection-type", "series") == "series"
        ):
            collections.append((value, details.get("group-position", "")))

    main = [title for kind, title in titles if kind == "main"]
    result.title = (main or [title for _, title in titles] or [""])[0]
    if calibre.get("calibre:series"):
        collections.insert(0, (calibre["calibre:series"], calibre.get("calibre:series_index", "")))
    for name, position in collections:
        _add_series(result.series, name, position, problems)
    return result


def _read_date(result: _Metadata, event: str, value: str, problems: list[str]) -> None:
    day = _parse_day(value)
    if day is None:
        placeholder = _ISO_DAY.match(value) and int(value.strip()[:4]) < _FIRST_DAY_ON_RECORD
        if not placeholder:
            problems.append(f"the date {value!r} in the package file is not a day; not kept")
        return
    if event == "modification":
        result.updated = result.updated or day
    elif event != "creation":  # FanFicFare's "creation" is when the file was made
        result.published = result.published or day


def _parse_day(value: str) -> date | None:
    """A date from an ISO 8601 value ("2020-03-04T00:00:00+00:00"); None for partial dates."""
    match = _ISO_DAY.match(value)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year < _FIRST_DAY_ON_RECORD:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_series(
    series: list[SeriesMembership], name: str, position: str, problems: list[str]
) -> None:
    if any(known.title == name for known in series):
        return
    try:
        number = float(position)
    except ValueError:
        number = 0.0
    if not number.is_integer() or number < 1:
        problems.append(f"series {name!r}: position {position!r} is not a whole number; not kept")
        return
    series.append(SeriesMembership(title=name, position=int(number)))


# --- navigation -------------------------------------------------------------------------


@dataclass(slots=True)
class _Toc:
    titles: dict[str, str] = field(default_factory=dict)
    """Content document path → the first navigation label pointing at it."""
    front: set[str] = field(default_factory=set)
    """Paths the EPUB 3 landmarks call a cover, title page or table of contents."""
    title: str = ""
    """The NCX's docTitle."""


def _read_toc(archive: _Archive, package: _Package, problems: list[str]) -> _Toc:
    """Chapter titles from the EPUB 3 nav document, else from the EPUB 2 NCX."""
    toc = _Toc()
    nav = next((item for item in package.items.values() if "nav" in item.properties), None)
    if nav is not None:
        try:
            _read_nav(archive, nav.path, toc)
        except ImportProblem as problem:
            problems.append(f"{problem.reason}; chapter titles come from headings instead")
    if toc.titles:
        return toc
    ncx = package.items.get(package.ncx_id) or next(
        (item for item in package.items.values() if item.media_type == _NCX_TYPE), None
    )
    if ncx is not None:
        try:
            _read_ncx(archive, ncx.path, toc, problems)
        except ImportProblem as problem:
            problems.append(f"{problem.reason}; chapter titles come from headings instead")
    return toc


def _read_nav(archive: _Archive, path: str, toc: _Toc) -> None:
    body = _body(archive.source_name, decode_text(archive.read(path)).text)
    if body is None:
        return
    navs = list(body.iter("nav"))
    base = posixpath.dirname(path)
    for nav in navs:
        if "landmarks" in _attr(nav, "type").split():
            for link in nav.iter("a"):
                if _attr(link, "type") in _FRONT_TYPES:
                    toc.front.add(_resolve(base, link.get("href", "")))
    contents = [nav for nav in navs if "toc" in _attr(nav, "type").split()] or navs[:1]
    for nav in contents:
        for link in nav.iter("a"):
            if link.get("href"):
                toc.titles.setdefault(_resolve(base, link.get("href", "")), element_text(link))


def _read_ncx(archive: _Archive, path: str, toc: _Toc, problems: list[str]) -> None:
    base = posixpath.dirname(path)
    for node in _parse_xml(archive, path, problems).root.iter():
        name = _local(node)
        if name == "docTitle" and not toc.title:
            toc.title = element_text(node)
        elif name == "navPoint":
            label, source = "", ""
            for child in node:
                if _local(child) == "navLabel":
                    label = element_text(child)
                elif _local(child) == "content":
                    source = child.get("src", "")
            if source:
                toc.titles.setdefault(_resolve(base, source), label)


# --- content documents ------------------------------------------------------------------


@dataclass(slots=True)
class _Document:
    item: _Item
    text: str
    body: lxml.html.HtmlElement | None

    def classes(self) -> set[str]:
        return set() if self.body is None else set(self.body.get("class", "").split())

    def types(self) -> set[str]:
        """The epub:type of the body and of the element that wraps everything in it."""
        if self.body is None:
            return set()
        types = set(_attr(self.body, "type").split())
        children = list(islice((child for child in self.body if _local(child)), 2))
        if len(children) == 1:
            types.update(_attr(children[0], "type").split())
        return types


def _read_documents(archive: _Archive, package: _Package, problems: list[str]) -> list[_Document]:
    documents = []
    for item in package.spine:
        if not _is_html(item):
            continue  # an image or SVG cover page: nothing to import as text
        try:
            text = decode_text(archive.read(item.path)).text
        except ImportProblem as problem:
            problems.append(f"{problem.reason}; that part of the book was skipped")
            continue
        documents.append(_Document(item=item, text=text, body=_body(archive.source_name, text)))
    return documents


def _is_html(item: _Item) -> bool:
    """A content document, by its media type or, where the manifest leaves that out, its name."""
    if item.media_type:
        return item.media_type in _XHTML_TYPES
    return item.path.lower().endswith((".xhtml", ".html", ".htm"))


def _is_front_matter(document: _Document, package: _Package, toc: _Toc) -> bool:
    """Covers, title pages and tables of contents: pages about the book, not of it."""
    item = document.item
    stem = posixpath.splitext(posixpath.basename(item.path))[0]
    label = toc.titles.get(item.path, "")
    return (
        "nav" in item.properties
        or package.guide.get(item.path) in _FRONT_TYPES
        or item.path in toc.front
        or bool(_FRONT_NAME.fullmatch(stem) or _FRONT_NAME.fullmatch(item.id))
        or bool(label and _FRONT_LABEL.fullmatch(label))
        or bool(document.types() & _FRONT_TYPES)
    )


def _leading_heading(body: etree._Element) -> etree._Element | None:
    """The heading the document opens with, looking inside wrapper elements."""
    node = body
    while True:
        if (node.text or "").strip():
            return None
        first = None
        for child in node:
            if _local(child) and _has_content(child):
                first = child
                break
            if (child.tail or "").strip():
                return None
        if first is None:
            return None
        if _local(first) in _HEADINGS:
            return first
        if _local(first) not in _WRAPPERS:
            return None
        node = first


def _remove(element: etree._Element) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    # lxml refuses to set text holding C0 controls, which the HTML parser lets through.
    if previous is not None:
        previous.tail = CONTROL_CHARACTERS.sub("", (previous.tail or "") + tail)
    else:
        parent.text = CONTROL_CHARACTERS.sub("", (parent.text or "") + tail)
    parent.remove(element)


def _same_title(heading: str, title: str) -> bool:
    return heading.casefold() == " ".join(title.split()).casefold()


@dataclass(slots=True)
class _Chapter:
    title: str
    parts: list[str]


def _chapters(
    documents: list[_Document], toc: _Toc, skip: Callable[[_Document], bool]
) -> list[ParsedChapter]:
    """One chapter per navigation entry, or per document when there is no navigation.

    A document the navigation does not name continues the chapter before it
    (calibre splits long chapters into several files), unless it opens with a
    heading of its own.
    """
    chapters: list[_Chapter] = []
    for document in documents:
        body = document.body
        if body is None or skip(document) or not _has_content(body):
            continue
        label = toc.titles.get(document.item.path)
        leading = _leading_heading(body)
        if label is None and leading is None and chapters and toc.titles:
            chapters[-1].parts.append(inner_html(body))
            continue
        if not label:
            first = next((node for node in body.iter() if _local(node) in _HEADINGS), None)
            label = "" if first is None else element_text(first)
        if leading is not None and _same_title(element_text(leading), label):
            _remove(leading)
        chapters.append(_Chapter(title=label, parts=[inner_html(body)]))
    return [
        ParsedChapter(
            content=sanitize_html("\n".join(chapter.parts), keep_classes=True).strip(),
            title=chapter.title,
        )
        for chapter in chapters
    ]


# --- mapping metadata onto the work -----------------------------------------------------


def _summary_html(text: str) -> str:
    """Summary HTML from a description that may be (escaped) HTML or plain text."""
    text = text.strip()
    if not text:
        return ""
    if not _LOOKS_LIKE_HTML.search(text):
        return text_to_html(text)
    html = sanitize_html(text).strip()
    # Inline markup alone ("Bored. <b>Note:</b> …") still makes a paragraph.
    return html if not html or _BLOCK_TAG.search(html) else f"<p>{html}</p>"


def _language(code: str, problems: list[str]) -> str:
    """AO3's short language code for a BCP 47 tag ("en-US" → "en"; "pt-BR" stays)."""
    primary, _, region = code.strip().replace("_", "-").partition("-")
    if not primary:
        return "en"
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        problems.append(f"language {code!r} is not a language code; English assumed")
        return "en"
    if primary.lower() == "pt" and region.upper() in ("BR", "PT"):
        return f"pt-{region.upper()}"
    return primary.lower()


def _ao3_id(url: str) -> str:
    match = _AO3_WORK.search(url)
    return match.group(1) if match else ""


def _source_url(metadata: _Metadata) -> str:
    """dc:source, else an identifier that is a URL (FanFicFare writes "URL:https://…")."""
    for value in [*metadata.sources, *metadata.identifiers]:
        value = value.removeprefix("URL:").strip()
        if value.startswith(("http://", "https://")):
            return value
    return ""


def _add_tag(work: ParsedWork, tag_type: TagType, name: str, problems: list[str]) -> None:
    """Add a tag once; a second, different rating is reported instead of kept."""
    names = work.tags.setdefault(tag_type, [])
    if name in names:
        return
    if tag_type is TagType.RATING and names:
        problems.append(f"more than one rating ({names[0]}, {name}); kept {names[0]}")
        return
    names.append(name)


def _add_sorted_tag(work: ParsedWork, name: str, default: TagType, problems: list[str]) -> None:
    """Add a tag under its AO3 type when it is a fixed tag ("Mature", "F/M"), else as `default`."""
    tag_type, name = _FIXED_TAGS.get(name.casefold(), (default, name))
    _add_tag(work, tag_type, name, problems)


def _base_work(
    source: SourceFile, metadata: _Metadata, toc: _Toc, problems: list[str]
) -> ParsedWork:
    """The work as the package metadata describes it, chapters still to come."""
    title = metadata.title or toc.title
    if not title:
        title = posixpath.splitext(posixpath.basename(source.name.rsplit("!", 1)[-1]))[0]
        problems.append(f"the EPUB names no title; used the file name {title!r}")
    source_url = _source_url(metadata)
    return ParsedWork(
        title=title,
        chapters=[],
        creators=list(dict.fromkeys(metadata.creators)),
        summary=_summary_html(metadata.description),
        language=_language(metadata.language, problems),
        published=metadata.published,
        updated=metadata.updated,
        series=list(metadata.series),
        source_url=source_url,
        source_id=_ao3_id(source_url),
    )


# --- producers --------------------------------------------------------------------------


class _Reader:
    """One EPUB being read: the archive, what it says, and the problems found so far."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.problems: list[str] = []
        self.archive = _Archive(source)
        self.package = _read_package(self.archive, self.problems)
        self.toc = _read_toc(self.archive, self.package, self.problems)
        self.documents = _read_documents(self.archive, self.package, self.problems)

    def work(self) -> ParsedWork:
        fanficfare = self._made_by_fanficfare()
        work = self._fanficfare() if fanficfare else self._ao3() or self._generic()
        if not work.chapters:
            reason = "no chapter text was found in the EPUB"
            if self.problems:
                shown = self.problems[:_PROBLEMS_SHOWN]
                more = len(self.problems) - len(shown)
                reason += f" ({'; '.join(shown)}{f'; and {more} more' if more else ''})"
            raise self.archive.problem(reason)
        work.problems = [*self.problems, *work.problems]
        return work

    def _front_matter(self, document: _Document) -> bool:
        return _is_front_matter(document, self.package, self.toc)

    def _generic(self) -> ParsedWork:
        work = _base_work(self.source, self.package.metadata, self.toc, self.problems)
        work.source_format = "epub"
        for subject in self.package.metadata.subjects:
            _add_sorted_tag(work, subject, TagType.FREEFORM, self.problems)
        work.chapters = _chapters(self.documents, self.toc, self._front_matter)
        return work

    # AO3 --------------------------------------------------------------------------------

    def _ao3(self) -> ParsedWork | None:
        """AO3's own EPUB, read by the AO3 download reader; None for any other EPUB."""
        documents = [doc for doc in self.documents if not self._front_matter(doc)]
        if not any(has_ao3_preface(doc.text) for doc in documents):
            return None
        try:
            work = parse_ao3_documents(self.source.name, [_ao3_shaped(doc) for doc in documents])
        except ImportProblem as problem:
            self.problems.append(f"{problem.reason}; read as an EPUB without AO3's preface")
            return None
        work.source_format = "ao3-epub"
        _fill_from_package(work, self.package.metadata, self.problems)
        return work

    # FanFicFare -------------------------------------------------------------------------

    def _made_by_fanficfare(self) -> bool:
        """FanFicFare (or fanficdownloader before it) names itself in the package file.

        Its title page carries a class of its own, which older versions lacked.
        """
        metadata = self.package.metadata
        return any(
            "fanficfare" in value.casefold() or "fanficdownloader" in value.casefold()
            for value in [*metadata.contributors, *metadata.identifiers]
        ) or any("fff_titlepage" in document.classes() for document in self.documents)

    def _fanficfare(self) -> ParsedWork:
        """A FanFicFare EPUB: its title page, else its subjects, say what the OPF does not."""
        work = _base_work(self.source, self.package.metadata, self.toc, self.problems)
        work.source_format = "fanficfare-epub"
        page = _FanFicFarePage(work)
        page.read_subjects(self.package.metadata.subjects)
        title_page = next(
            (
                document.body
                for document in self.documents
                if document.body is not None
                and ("fff_titlepage" in document.classes() or document.item.id == "title_page")
            ),
            None,
        )
        if title_page is not None:
            page.read(title_page)
        work.chapters = _chapters(self.documents, self.toc, self._fanficfare_extra)
        page.finish()
        return work

    def _fanficfare_extra(self, document: _Document) -> bool:
        """FanFicFare's own pages: cover, title page, table of contents, update log."""
        return (
            document.item.id in _FFF_PAGE_IDS
            or bool(document.classes() & _FFF_PAGE_CLASSES)
            or self._front_matter(document)
        )


# --- AO3 --------------------------------------------------------------------------------


def _ao3_shaped(document: _Document) -> str:
    """The document as the AO3 reader expects it.

    AO3's EPUBs from before 2019 kept each chapter in a file of its own, without
    the ``#chapters`` element that wraps the chapters in the one-file download
    (and in the calibre-made EPUBs since); such a file gets that wrapper back.
    """
    if document.body is None or _AO3_REGION.search(document.text):
        return document.text
    return f'<html><body><div id="chapters">{inner_html(document.body)}</div></body></html>'


def _fill_from_package(work: ParsedWork, metadata: _Metadata, problems: list[str]) -> None:
    """What the preface lacked and the package file says."""
    if not work.creators:
        work.creators = list(dict.fromkeys(metadata.creators))
    if not work.source_url:
        work.source_url = _source_url(metadata)
        work.source_id = _ao3_id(work.source_url)
    if work.language == "und" and metadata.language:
        work.language = _language(metadata.language, problems)
        problems.append(f"used the package file's language code {work.language!r}")
    work.published = work.published or metadata.published
    work.updated = work.updated or metadata.updated


# --- FanFicFare -------------------------------------------------------------------------

_FFF_PAGE_IDS: Final = frozenset({"cover", "title_page", "toc_page", "log_page"})
_FFF_PAGE_CLASSES: Final = frozenset(
    {"fff_titlepage", "fff_tocpage", "fff_logpage", "fff_coverpage"}
)
_FFF_LABEL_LENGTH: Final = 40
_FFF_SERIES: Final = re.compile(r"(.*?)\s*\[(\d+)\]")
_FFF_CHAPTERS: Final = re.compile(r"(\d+)\s*(?:/\s*(\d+|\?))?")
_FFF_DONE: Final = frozenset({"completed", "complete"})
_FFF_NOT_DONE: Final = frozenset({"in progress", "incomplete", "ongoing", "wip"})
_FFF_OWN_SUBJECT: Final = re.compile(r"FanFiction|Last Update(?: Year/Month)?: .*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One "Label: value" line of a FanFicFare title page."""

    label: str
    html: str
    text: str

    def items(self) -> list[str]:
        """The value as the comma-separated list FanFicFare joins list entries into."""
        return [part.strip() for part in self.text.split(",") if part.strip()]


class _FanFicFarePage:
    """The "Label: value" lines of a FanFicFare title page, mapped onto a work.

    The labels are FanFicFare's defaults (defaults.ini) and those of its AO3
    adapter; people can rename them, and entries Quire does not know are reported.
    """

    def __init__(self, work: ParsedWork) -> None:
        self.work = work
        self.tags_seen = False
        self.status = ""
        self.chapters_posted: int | None = None
        self.chapters_total: int | None = None

    def read_subjects(self, subjects: list[str]) -> None:
        """The package's subjects: FanFicFare's tags, its status, and words of its own.

        It adds "FanFiction" (its default extra tag) and "Last Update: …" dates to
        every book; those are not the work's tags.
        """
        for subject in subjects:
            state = subject.casefold().replace("-", " ")
            if state in _FFF_DONE or state in _FFF_NOT_DONE:
                self.status = subject
            elif not _FFF_OWN_SUBJECT.fullmatch(subject):
                _add_sorted_tag(self.work, subject, TagType.FREEFORM, self.work.problems)

    def read(self, body: lxml.html.HtmlElement) -> None:
        self._byline(body)
        for entry in _fff_entries(body):
            if not entry.text:
                continue
            key = entry.label.casefold()
            handler = _FFF_FIELDS.get(key)
            if handler is not None:
                handler(self, entry)
            elif key not in _FFF_IGNORED:
                self.work.problems.append(f"title page entry {entry.label!r} was not imported")

    def finish(self) -> None:
        """Settle what depends on several entries: completion, chapter counts, word count."""
        work = self.work
        state = self.status.casefold().replace("-", " ")
        if state in _FFF_DONE:
            work.complete = True
        elif state in _FFF_NOT_DONE:
            work.complete = False
        elif state:
            work.problems.append(f"status {self.status!r} is neither Completed nor In-Progress")
        if self.chapters_total is not None:
            work.expected_chapters = self.chapters_total
        elif work.complete:
            work.expected_chapters = self.chapters_posted or len(work.chapters)
        note_word_count(work)

    def _byline(self, body: lxml.html.HtmlElement) -> None:
        """The "<h3><a>Title</a> by <a class="authorlink">Author</a></h3>" heading."""
        heading = next(body.iter("h3"), None)
        if heading is None:
            return
        links = list(heading.iter("a"))
        authors = [element_text(link) for link in links if "authorlink" in link.get("class", "")]
        if authors:
            self.work.creators = list(dict.fromkeys(authors))
        if links and not self.work.source_url:
            self._source(_Entry("Story URL", "", links[0].get("href", "")))

    def _tags(self, tag_type: TagType, names: list[str]) -> None:
        """Tags of one type; AO3's fixed tags go to their own type wherever they appear."""
        if not self.tags_seen:
            self.work.tags = {}  # the title page says more than the package's subjects
            self.tags_seen = True
        for name in names:
            if tag_type in (TagType.CHARACTER, TagType.RELATIONSHIP):
                _add_tag(self.work, tag_type, name, self.work.problems)
            else:
                _add_sorted_tag(self.work, name, tag_type, self.work.problems)

    def _fixed(self, tag_type: TagType, names: list[str]) -> None:
        """Ratings and warnings: AO3's names are kept, anything else becomes an additional tag."""
        for name in names:
            known = _FIXED_TAGS.get(name.casefold())
            if known is not None and known[0] is tag_type:
                self._tags(tag_type, [known[1]])
            else:
                self.work.problems.append(
                    f"{tag_type.label.casefold()} {name!r} is not one of AO3's; "
                    "kept as an additional tag"
                )
                self._tags(TagType.FREEFORM, [name])

    def _rating(self, entry: _Entry) -> None:
        self._fixed(TagType.RATING, [entry.text])

    def _warnings(self, entry: _Entry) -> None:
        self._fixed(TagType.WARNING, entry.items())

    def _author(self, entry: _Entry) -> None:
        if not self.work.creators:
            self.work.creators = entry.items()

    def _summary(self, entry: _Entry) -> None:
        self.work.summary = _summary_html(entry.html)

    def _series(self, entry: _Entry) -> None:
        """ "Name [2]": FanFicFare writes the position in brackets."""
        match = _FFF_SERIES.fullmatch(entry.text)
        if match is None:
            self.work.problems.append(f"series {entry.text!r} has no position ([n]); not kept")
            return
        name = match.group(1)
        self.work.series = [part for part in self.work.series if part.title != name]
        self.work.series.append(SeriesMembership(title=name, position=int(match.group(2))))

    def _source(self, entry: _Entry) -> None:
        if entry.text.startswith(("http://", "https://")):
            self.work.source_url = entry.text
            self.work.source_id = _ao3_id(entry.text)

    def _status(self, entry: _Entry) -> None:
        self.status = entry.text

    def _published(self, entry: _Entry) -> None:
        self.work.published = self._date(entry) or self.work.published

    def _updated(self, entry: _Entry) -> None:
        self.work.updated = self._date(entry) or self.work.updated

    def _date(self, entry: _Entry) -> date | None:
        day = _parse_day(entry.text)
        if day is None:
            self.work.problems.append(
                f"{entry.label.casefold()} date {entry.text!r} is not a date Quire can read"
            )
        return day

    def _chapters(self, entry: _Entry) -> None:
        """ "3", or "3/5" and "3/?" from the AO3 adapter's chapters/total."""
        match = _FFF_CHAPTERS.fullmatch(entry.text.replace(",", ""))
        if match is None:
            self.work.problems.append(f"{entry.label} {entry.text!r} is not a chapter count")
            return
        self.chapters_posted = int(match.group(1))
        if match.group(2) and match.group(2) != "?":
            self.chapters_total = int(match.group(2))

    def _total_chapters(self, entry: _Entry) -> None:
        self.chapters_total = self._number(entry)

    def _words(self, entry: _Entry) -> None:
        self.work.declared_word_count = self._number(entry)

    def _number(self, entry: _Entry) -> int | None:
        digits = entry.text.replace(",", "").strip()
        if digits.isdecimal():
            return int(digits)
        self.work.problems.append(f"{entry.label} {entry.text!r} is not a number")
        return None

    def _collections(self, entry: _Entry) -> None:
        self.work.collections = entry.items()


def _tags_of(tag_type: TagType) -> Callable[[_FanFicFarePage, _Entry], None]:
    return lambda page, entry: page._tags(tag_type, entry.items())


_FFF_FIELDS: Final[dict[str, Callable[[_FanFicFarePage, _Entry], None]]] = {
    "author": _FanFicFarePage._author,
    "authors": _FanFicFarePage._author,
    # FanFicFare's "category" is the fandom on most sites, AO3 included.
    "category": _tags_of(TagType.FANDOM),
    "categories": _tags_of(TagType.FANDOM),
    "fandom": _tags_of(TagType.FANDOM),
    "fandoms": _tags_of(TagType.FANDOM),
    # Its AO3 adapter puts freeform tags and AO3's categories into "genre".
    "genre": _tags_of(TagType.FREEFORM),
    "genres": _tags_of(TagType.FREEFORM),
    "freeform tags": _tags_of(TagType.FREEFORM),
    "additional tags": _tags_of(TagType.FREEFORM),
    "ao3 categories": _tags_of(TagType.CATEGORY),
    "characters": _tags_of(TagType.CHARACTER),
    "relationships": _tags_of(TagType.RELATIONSHIP),
    "pairing": _tags_of(TagType.RELATIONSHIP),
    "pairings": _tags_of(TagType.RELATIONSHIP),
    "ships": _tags_of(TagType.RELATIONSHIP),
    "rating": _FanFicFarePage._rating,
    "warnings": _FanFicFarePage._warnings,
    "archive warnings": _FanFicFarePage._warnings,
    "status": _FanFicFarePage._status,
    "published": _FanFicFarePage._published,
    "updated": _FanFicFarePage._updated,
    "chapters": _FanFicFarePage._chapters,
    "chapters/total chapters": _FanFicFarePage._chapters,
    "total chapters": _FanFicFarePage._total_chapters,
    "words": _FanFicFarePage._words,
    "summary": _FanFicFarePage._summary,
    "description": _FanFicFarePage._summary,
    "series": _FanFicFarePage._series,
    "additional series": _FanFicFarePage._series,
    "story url": _FanFicFarePage._source,
    "source": _FanFicFarePage._source,
    "url": _FanFicFarePage._source,
    "collections": _FanFicFarePage._collections,
}

_FFF_IGNORED: Final = frozenset(
    {
        # The file's own facts, counters that change daily, ids already in the URL, and
        # what the package file states more exactly (its language code).
        "packaged", "publisher", "site", "language", "comments", "kudos", "hits",
        "bookmarks", "story id", "author id", "author url", "series url", "site abbrev",
        "downloader version", "file format", "file extension", "extra tags", "title",
        "restricted to registered users", "bookmarked", "bookmark tags", "bookmark summary",
        "bookmark private", "bookmark rec",
    }
)  # fmt: skip


def _fff_entries(body: lxml.html.HtmlElement) -> list[_Entry]:
    """The title page's entries, each label with its value.

    FanFicFare writes "<b>Label:</b> value<br />" lines in a div, or table rows
    "<td><b>Label:</b></td><td>value</td>" when titlepage_use_table is set. A
    value runs from its label to the next label. The summary, usually last, may
    hold bold "Note:" text of its own, so it runs to the end of the element its
    label sits in.
    """
    entries = []
    summary_scope: lxml.html.HtmlElement | None = None
    for bold in body.iter("b", "strong"):
        label = _fff_label(bold)
        parent = bold.getparent()
        if label is None or parent is None or _is_inside(bold, summary_scope):
            continue
        is_summary = label.casefold() in ("summary", "description")
        siblings = []
        for sibling in bold.itersiblings():
            if not is_summary and _fff_label(sibling) is not None:
                break
            siblings.append(sibling)
        while siblings and siblings[-1].tag == "br" and not (siblings[-1].tail or "").strip():
            siblings.pop()  # the line break that ends every entry
        markup = escape(bold.tail or "", quote=False) + "".join(
            lxml.html.tostring(sibling, encoding="unicode", with_tail=True) for sibling in siblings
        )
        text = (bold.tail or "") + "".join(_all_text(node) + (node.tail or "") for node in siblings)
        cell = parent.getnext()
        if not text.strip() and _local(parent) == "td" and cell is not None:
            markup, text = inner_html(cell), _all_text(cell)
        if is_summary:
            summary_scope = parent
        entries.append(_Entry(label=label, html=markup, text=" ".join(text.split())))
    return entries


def _fff_label(element: lxml.html.HtmlElement) -> str | None:
    """The label a "<b>Label:</b>" element names; None for any other element."""
    if element.tag not in ("b", "strong"):
        return None
    text = element_text(element)
    if not text.endswith(":") or len(text) > _FFF_LABEL_LENGTH:
        return None
    return text[:-1].strip() or None


def _is_inside(element: lxml.html.HtmlElement, ancestor: lxml.html.HtmlElement | None) -> bool:
    return ancestor is not None and any(node is ancestor for node in element.iterancestors())
