"""A stored work as a download: the ExportWork its files are written from, and the response.

Both the work page's download menu and the OPDS catalog hand out files through
download_response, so a file, its cache and its headers are the same whichever way
a reader asks. Who may download is decided before this (works.queries.downloadable_works).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.http.response import FileResponse, HttpResponseServerError
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from quire import __version__
from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.downloads import (
    CacheKey,
    DownloadCache,
    ascii_stem,
    content_disposition,
    version_of,
)
from quire.core.exporters import (
    Exporter,
    ExportProblem,
    ExportWork,
    SeriesLink,
    WorkStats,
    default_registry,
)
from quire.core.tags import TagType
from quire.core.visibility import Viewer
from quire.people.queries import archive_settings
from quire.works import queries
from quire.works.bylines import public_byline
from quire.works.models import Chapter, Work
from quire.works.templatetags.quire_works import language_name

logger = logging.getLogger(__name__)

Linker = Callable[[str], str]
"""Turns a site path into the URL written into a file (absolute for real downloads)."""


class SignInRequired(Exception):
    """A guest asked for a restricted work: signing in would let them have it."""


def find_download(
    viewer: Viewer, work_id: int, filename: str
) -> tuple[Work, list[Chapter], Exporter]:
    """The work, its chapters and the format a download URL asks for.

    Raises Http404 for an unknown format and for a work the viewer may not take away
    (drafts and hidden works, whoever asks), SignInRequired for a guest asking for a
    restricted one.
    """
    exporter = exporter_for(filename.rpartition(".")[2])
    if exporter is None:
        raise Http404("No such download format.")
    work = queries.downloadable_works(viewer).filter(pk=work_id).first()
    if work is None:
        if queries.sign_in_would_show(viewer, work_id):
            raise SignInRequired
        raise Http404("No such work.")
    chapters = queries.downloadable_chapters(viewer, work)
    if not chapters:
        raise Http404("This work has no posted chapters.")
    return work, chapters, exporter


def formats() -> list[Exporter]:
    """The download formats, in the order they are offered (EPUB first)."""
    return default_registry().exporters


def exporter_for(extension: str) -> Exporter | None:
    """The format a download URL's extension names ("epub", "pdf", "html", "txt")."""
    wanted = extension.lower()
    return next((each for each in formats() if each.extension == wanted), None)


def file_name(work: Work, exporter: Exporter) -> str:
    """The last part of a download URL: the title in ASCII, as AO3 names its downloads."""
    return f"{ascii_stem(work.title, f'work_{work.pk}')}.{exporter.extension}"


def download_url(work: Work, exporter: Exporter) -> str:
    return reverse("works:download", args=[work.pk, file_name(work, exporter)])


def export_work(work: Work, chapters: list[Chapter], link: Linker) -> ExportWork:
    """What every format is written from; `work` must come from downloadable_works
    (creators, tags and series prefetched) and `chapters` from downloadable_chapters.
    An anonymous work's file says "Anonymous", whoever asks (bylines.public_byline); as
    the byline is part of the file's version, a file written before the work became
    anonymous is never served after."""
    work_url = link(work.get_absolute_url())
    byline = public_byline(work)
    pseuds = byline.pseuds
    parts = list(work.series_parts.all())
    parsed = ParsedWork(
        title=work.title,
        chapters=[
            ParsedChapter(
                content=chapter.content,
                title=chapter.title,
                summary=chapter.summary,
                notes=chapter.notes,
                end_notes=chapter.end_notes,
                published=chapter.published,
                word_count=chapter.word_count,
            )
            for chapter in chapters
        ],
        creators=byline.credits,
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        language=work.language,
        tags={
            tag_type: names
            for tag_type in TagType
            if (names := [tag.name for tag in work.tags_of_type(tag_type)])
        },
        expected_chapters=work.expected_chapters,
        complete=work.complete,
        published=work.published,
        updated=work.updated,
        series=[SeriesMembership(part.series.title, part.position) for part in parts],
        source_url=work_url,
    )
    return ExportWork(
        work=parsed,
        stats=WorkStats(
            words=work.word_count,
            chapters_posted=len(chapters),
            chapters_expected=work.expected_chapters,
            published=work.published,
            updated=work.updated,
            completed=work.updated if work.complete and work.updated != work.published else None,
        ),
        identifier=work_url,
        url=work_url,
        archive_name=archive_settings().name,
        language_name=language_name(work.language),
        series=tuple(
            SeriesLink(part.series.title, part.position, link(part.series.get_absolute_url()))
            for part in parts
        ),
        modified=work.modified_at.date(),
        creator_urls={str(pseud): link(pseud.get_absolute_url()) for pseud in pseuds},
    )


def download_cache() -> DownloadCache:
    return DownloadCache(settings.DOWNLOAD_CACHE_DIR)


def download_response(
    request: HttpRequest, work: Work, chapters: list[Chapter], exporter: Exporter
) -> HttpResponseBase:
    """The file, from the cache when this version was written before, with a safe
    file name and the validators (ETag, Last-Modified) that let a client re-check it."""
    origin = request.build_absolute_uri("/").rstrip("/")
    # The version is taken from site-relative links, so one edit retires every
    # address's files at once, while each address keeps its own file.
    version = version_of(export_work(work, chapters, _site_relative), f"quire {__version__}")
    key = CacheKey(work.pk, version, exporter.format_name, exporter.extension, origin)
    cache = download_cache()
    etag = f'"{key.file_name.rsplit(".", 1)[0]}"'
    written = cache.written_at(key)
    last_modified = int(written if written is not None else time.time())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        export = export_work(work, chapters, lambda path: origin + path)
        try:
            cached = cache.fetch(key, lambda: exporter.export(export))
        except ExportProblem as problem:
            logger.warning("download of work %s as %s failed: %s", work.pk, exporter.label, problem)
            return HttpResponseServerError(
                f"This work could not be made into {exporter.label}: {problem.reason}",
                content_type="text/plain; charset=utf-8",
            )
        response = FileResponse(cached.file, content_type=exporter.media_type)
        fallback = f"work_{work.pk}"
        response["Content-Disposition"] = content_disposition(
            work.title, exporter.extension, fallback
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Restricted works must not sit in shared caches; every copy is re-checked.
    scope = {"private": True} if work.restricted else {"public": True}
    patch_cache_control(response, no_cache=True, **scope)
    return response


def _site_relative(path: str) -> str:
    return path


def offered(work: Work) -> list[tuple[Exporter, str]]:
    """Each format with its download URL, for the work page's menu."""
    return [(exporter, download_url(work, exporter)) for exporter in formats()]
