"""The HTML download: the whole work in one self-contained file, preface first.

It is a file people keep, open offline and feed to other tools, so its stylesheet is
inline and it links nothing of the site's. The PDF is rendered from this same
document with a print stylesheet added.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Final

from lxml import html as lxml_html

from quire.core.exporters.fragments import xml_text
from quire.core.exporters.markup import WorkMarkup, stylesheet, work_dates, work_markup
from quire.core.exporters.model import ExportWork
from quire.core.tags import TagType, display_name

__all__ = ["HtmlExporter", "exporter", "html_document"]

_SCREEN: Final = "body { max-width: 44em; margin: 0 auto; padding: 0 1em 2em; }"
"""A readable line length in a browser window (the PDF sets its own page instead)."""


def html_document(
    export: ExportWork, *, stylesheets: Iterable[str] = (), remote_images: bool = True
) -> str:
    """`export` as one HTML5 document, with `stylesheets` (CSS text) inline after book.css."""
    markup = work_markup(export, remote_images=remote_images)
    body = []
    for part in markup.parts:
        for pre in part.section.iter("pre"):
            if pre.text and pre.text.startswith("\n"):
                pre.text = "\n" + pre.text  # an HTML parser drops one leading newline
        body.append(lxml_html.tostring(part.section, encoding="unicode"))
    css = "\n".join((stylesheet("book.css"), *stylesheets))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(markup.language)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f"<title>{escape(_document_title(markup))}</title>\n"
        f"{_meta(export, markup)}"
        f"<style>\n{css}\n</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _document_title(markup: WorkMarkup) -> str:
    if markup.creators:
        return f"{markup.title} - {', '.join(markup.creators)}"
    return markup.title


def _meta(export: ExportWork, markup: WorkMarkup) -> str:
    """Document metadata; WeasyPrint copies it into the PDF's own."""
    published, changed = work_dates(export)
    entries = [("author", creator) for creator in markup.creators]
    tags = [
        xml_text(display_name(name))
        for tag_type in (TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER)
        for name in export.work.tag_names(tag_type)
    ]
    if tags:
        entries.append(("keywords", ", ".join(tags)))
    if markup.description:
        entries.append(("description", markup.description))
    entries.append(("generator", "Quire"))
    if published:
        entries.append(("dcterms.created", published.isoformat()))
    if changed:
        entries.append(("dcterms.modified", changed.isoformat()))
    return "".join(
        f'<meta name="{name}" content="{escape(content)}">\n' for name, content in entries
    )


class HtmlExporter:
    """The ``html`` download format."""

    format_name = "html"
    extension = "html"
    media_type = "text/html; charset=utf-8"
    label = "HTML"

    def export(self, work: ExportWork) -> bytes:
        return html_document(work, stylesheets=(_SCREEN,)).encode("utf-8")


exporter: Final = HtmlExporter()
