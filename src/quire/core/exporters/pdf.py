"""The PDF download: the HTML download laid out in pages by WeasyPrint.

WeasyPrint is a Python HTML/CSS layout engine with print CSS (page sizes, running
heads, page counters, page breaks, bookmarks from headings) and needs only Pango from
the system, so the PDF comes from the same markup as the EPUB and the HTML download.
It fetches nothing: work images become links, and any other URL is refused, so a
download never waits on (or is steered to) another server.
"""

from __future__ import annotations

from typing import Final, NoReturn

from quire.core.exporters import ExportProblem
from quire.core.exporters.html import html_document
from quire.core.exporters.markup import stylesheet
from quire.core.exporters.model import ExportWork

__all__ = ["PdfExporter", "exporter", "write_pdf"]

PAGE_SIZES: Final = frozenset({"A4", "A5", "A6", "B5", "letter", "legal"})


def _refuse(url: str, *args: object, **kwargs: object) -> NoReturn:
    raise ValueError(f"PDF downloads load nothing from outside: {url}")


def write_pdf(export: ExportWork, *, page_size: str = "A5") -> bytes:
    """The PDF for `export` on pages of `page_size` (a CSS page size name)."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size {page_size!r} is not one of {sorted(PAGE_SIZES)}")
    from weasyprint import HTML  # a heavy import, paid only when a PDF is made

    page = f"@page {{ size: {page_size}; }}"
    document = html_document(
        export, stylesheets=(stylesheet("print.css"), page), remote_images=False
    )
    try:
        pdf: bytes | None = HTML(string=document, url_fetcher=_refuse).write_pdf(
            presentational_hints=True
        )
    except (ValueError, RecursionError) as error:  # layout gave up on pathological markup
        raise ExportProblem(export.work.title, f"the PDF could not be laid out ({error})") from None
    if pdf is None:
        raise ExportProblem(export.work.title, "the PDF renderer returned nothing")
    return pdf


class PdfExporter:
    """The ``pdf`` download format, on A5 pages unless told otherwise."""

    format_name = "pdf"
    extension = "pdf"
    media_type = "application/pdf"
    label = "PDF"

    def __init__(self, page_size: str = "A5") -> None:
        self.page_size = page_size

    def export(self, work: ExportWork) -> bytes:
        return write_pdf(work, page_size=self.page_size)


exporter: Final = PdfExporter()
