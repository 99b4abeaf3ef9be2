"""EPUB 3 downloads, written directly with zipfile (AO3 runs calibre for each one).

One XHTML file per part (title page with the preface, each chapter, the end notes),
an EPUB 3 navigation document with landmarks, an NCX for EPUB 2 reading systems, and
package metadata calibre reads back (series both as EPUB 3 collections and as
calibre's own meta). The same ExportWork always gives the same bytes: every date comes
from the work, never the clock, so downloads can be cached and compared.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Final
from uuid import NAMESPACE_URL, uuid5
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from quire.core.exporters.fragments import clean_url, local_links, xml_text
from quire.core.exporters.markup import Part, WorkMarkup, stylesheet, work_dates, work_markup
from quire.core.exporters.model import ExportWork
from quire.core.tags import TagType, display_name

__all__ = ["EpubExporter", "exporter", "write_epub"]

_EPOCH: Final = date(1980, 1, 1)
"""The earliest date a zip entry can carry; stands in when the work has no dates."""
_ZIP_END: Final = date(2107, 12, 31)
"""The last date a zip entry can carry."""

_CONTAINER: Final = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


@dataclass(frozen=True, slots=True)
class _File:
    """A part of the work as a file of the book."""

    part: Part
    href: str


def write_epub(export: ExportWork) -> bytes:
    """The EPUB file for `export`."""
    markup = work_markup(export)
    files = [_File(part, f"{part.name}.xhtml") for part in markup.parts]
    href_of = {anchor: item.href for item in files for anchor in item.part.ids}
    published, changed = work_dates(export)
    stamp = min(max(changed or _EPOCH, _EPOCH), _ZIP_END)

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:

        def add(name: str, text: str | bytes, *, compress: bool = True) -> None:
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.create_system = 3  # "Unix", whatever machine wrote it
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            data = text.encode("utf-8") if isinstance(text, str) else text
            book.writestr(info, data)

        add("mimetype", "application/epub+zip", compress=False)
        add("META-INF/container.xml", _CONTAINER)
        add("OEBPS/content.opf", _package(export, markup, files, published, changed))
        add("OEBPS/nav.xhtml", _navigation(markup, files))
        add("OEBPS/toc.ncx", _ncx(export, markup, files))
        add("OEBPS/style.css", stylesheet("book.css"))
        for item in files:
            add(f"OEBPS/{item.href}", _xhtml(markup, item, href_of))
    return buffer.getvalue()


# --- content documents ---------------------------------------------------------------------


def _head(markup: WorkMarkup, title: str, *, epub_namespace: bool = False) -> str:
    language = quoteattr(markup.language)
    namespace = ' xmlns:epub="http://www.idpf.org/2007/ops"' if epub_namespace else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"{namespace}'
        f" lang={language} xml:lang={language}>\n"
        f"<head>\n<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
    )


def _xhtml(markup: WorkMarkup, item: _File, href_of: dict[str, str]) -> str:
    section = item.part.section
    for link in local_links(section):
        anchor = link.get("href", "#")[1:]
        if anchor not in item.part.ids and anchor in href_of:
            link.set("href", f"{href_of[anchor]}#{anchor}")
    body = etree.tostring(section, encoding="unicode", method="xml")
    title = markup.title if item.part.kind == "preface" else item.part.label
    return f"{_head(markup, title)}<body>\n{body}\n</body>\n</html>\n"


def _navigation(markup: WorkMarkup, files: list[_File]) -> str:
    """The EPUB 3 navigation document: the table of contents and the landmarks."""
    entries = "\n".join(
        f'<li><a href="{item.href}">{escape(item.part.label)}</a></li>' for item in files
    )
    landmarks = [(files[0].href, "titlepage", "Title Page")]
    first_chapter = next((item for item in files if item.part.kind == "chapter"), None)
    if first_chapter:
        landmarks.append((first_chapter.href, "bodymatter", "Start of Content"))
    landmark_entries = "\n".join(
        f'<li><a epub:type="{kind}" href="{href}">{label}</a></li>'
        for href, kind, label in landmarks
    )
    return (
        _head(markup, markup.title, epub_namespace=True)
        + '<body>\n<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n'
        f"<ol>\n{entries}\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n'
        f"<ol>\n{landmark_entries}\n</ol>\n</nav>\n</body>\n</html>\n"
    )


def _ncx(export: ExportWork, markup: WorkMarkup, files: list[_File]) -> str:
    """The EPUB 2 table of contents, for reading systems that never learned EPUB 3."""
    points = "\n".join(
        f'<navPoint id="nav-{order}" playOrder="{order}">'
        f"<navLabel><text>{escape(item.part.label)}</text></navLabel>"
        f'<content src="{item.href}"/></navPoint>'
        for order, item in enumerate(files, start=1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n<head>\n'
        f'<meta name="dtb:uid" content={quoteattr(_identifier(export, markup))}/>\n'
        '<meta name="dtb:depth" content="1"/>\n'
        '<meta name="dtb:totalPageCount" content="0"/>\n'
        '<meta name="dtb:maxPageNumber" content="0"/>\n</head>\n'
        f"<docTitle><text>{escape(markup.title)}</text></docTitle>\n"
        f"<navMap>\n{points}\n</navMap>\n</ncx>\n"
    )


# --- package document ------------------------------------------------------------------------


def _identifier(export: ExportWork, markup: WorkMarkup) -> str:
    """The work's identifier, or one derived from what the file says (stable all the same)."""
    given = xml_text(export.identifier).strip() or xml_text(export.url).strip()
    if given:
        return given
    return f"urn:uuid:{uuid5(NAMESPACE_URL, '|'.join((markup.title, *markup.creators)))}"


def _subjects(export: ExportWork) -> list[str]:
    """Every tag, once, in the preface's order: what calibre shows as the book's tags."""
    seen: dict[str, None] = {}
    for tag_type in TagType:
        for name in export.work.tag_names(tag_type):
            text = xml_text(display_name(name)).strip()
            if text:
                seen.setdefault(text, None)
    return list(seen)


def _metadata(
    export: ExportWork, markup: WorkMarkup, published: date | None, changed: date | None
) -> Iterable[str]:
    identifier = _identifier(export, markup)
    yield f'<dc:identifier id="uid">{escape(identifier)}</dc:identifier>'
    address = clean_url(export.url)
    if address:
        # calibre ignores identifiers that are bare http(s) URLs but keeps "url:" ones,
        # and shows them as a link to the work.
        yield f'<dc:identifier id="url">url:{escape(address)}</dc:identifier>'
    yield f"<dc:title>{escape(markup.title)}</dc:title>"
    for number, creator in enumerate(markup.creators, start=1):
        yield f'<dc:creator id="creator-{number}">{escape(creator)}</dc:creator>'
        yield (
            f'<meta refines="#creator-{number}" property="role" scheme="marc:relators">aut</meta>'
        )
    yield f"<dc:language>{escape(markup.language)}</dc:language>"
    for subject in _subjects(export):
        yield f"<dc:subject>{escape(subject)}</dc:subject>"
    if markup.description:
        yield f"<dc:description>{escape(markup.description)}</dc:description>"
    source = xml_text(export.url).strip()
    if source:
        yield f"<dc:source>{escape(source)}</dc:source>"
    publisher = xml_text(export.archive_name).strip()
    if publisher:
        yield f"<dc:publisher>{escape(publisher)}</dc:publisher>"
    if published:
        yield f"<dc:date>{published.isoformat()}</dc:date>"
    modified = max(changed or _EPOCH, _EPOCH)
    yield f'<meta property="dcterms:modified">{modified.isoformat()}T00:00:00Z</meta>'
    for number, link in enumerate(export.series, start=1):
        title = xml_text(link.title).strip()
        if not title:
            continue
        yield f'<meta property="belongs-to-collection" id="series-{number}">{escape(title)}</meta>'
        yield f'<meta refines="#series-{number}" property="collection-type">series</meta>'
        yield f'<meta refines="#series-{number}" property="group-position">{link.position}</meta>'
    first = next((link for link in export.series if xml_text(link.title).strip()), None)
    if first:
        # calibre reads one series, from its own meta; EPUB 3 readers use the collection.
        yield f'<meta name="calibre:series" content={quoteattr(xml_text(first.title).strip())}/>'
        yield f'<meta name="calibre:series_index" content="{first.position}"/>'


def _package(
    export: ExportWork,
    markup: WorkMarkup,
    files: list[_File],
    published: date | None,
    changed: date | None,
) -> str:
    metadata = "\n".join(_metadata(export, markup, published, changed))
    manifest = "\n".join(
        f'<item id="{item.part.name}" href="{item.href}" media-type="application/xhtml+xml"/>'
        for item in files
    )
    spine = "\n".join(f'<itemref idref="{item.part.name}"/>' for item in files)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid"'
        f" xml:lang={quoteattr(markup.language)}>\n"
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n{metadata}\n</metadata>\n'
        "<manifest>\n"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>\n'
        '<item id="style" href="style.css" media-type="text/css"/>\n'
        f"{manifest}\n</manifest>\n"
        f'<spine toc="ncx">\n{spine}\n</spine>\n</package>\n'
    )


class EpubExporter:
    """The ``epub`` download format."""

    format_name = "epub"
    extension = "epub"
    media_type = "application/epub+zip"
    label = "EPUB"

    def export(self, work: ExportWork) -> bytes:
        return write_epub(work)


exporter: Final = EpubExporter()
