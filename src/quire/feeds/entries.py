"""Works as feed entries, and the HTML summary an Atom reader shows for each.

The tag and creator feeds and the OPDS catalog describe a work the same way (id,
title, creators, tags, dates, its page); the catalog adds its files, the web feeds
a summary with the work's tags and stats, as AO3's feeds do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time

from lxml import html
from lxml.html import builder as E

from quire.core.feeds.atom import Category, Entry, Link, Person, Text
from quire.core.feeds.opds import ACQUIRE, ACQUISITION
from quire.core.tags import TagType
from quire.works import downloads
from quire.works.bylines import public_byline
from quire.works.models import Work
from quire.works.templatetags.quire_works import language_name

Absolute = Callable[[str], str]
"""Turns a site path into an absolute URL for the request's host."""


def work_entry(work: Work, absolute: Absolute, scheme: Callable[[TagType], str]) -> Entry:
    """What every feed says about a work; `scheme` names each tag type's vocabulary. An
    entry leaves the archive like a file: an anonymous work's author is "Anonymous"."""
    page = absolute(work.get_absolute_url())
    byline = public_byline(work)
    authors = tuple(
        Person(str(pseud), absolute(pseud.get_absolute_url())) for pseud in byline.pseuds
    )
    return Entry(
        id=page,
        title=work.title,
        updated=work.modified_at,
        published=_midnight(work.published),
        authors=(Person(byline.text),) if byline.anonymous else authors,
        categories=tuple(
            Category(tagging.tag.name, tagging.tag.display_name, scheme(tagging.tag.tag_type))
            for tagging in work.taggings.all()
        ),
        links=(Link(page, "alternate", "text/html", "Read online"),),
        language=work.language,
        issued=work.published,
    )


def catalog_entry(
    work: Work,
    absolute: Absolute,
    scheme: Callable[[TagType], str],
    file_url: Callable[[Work, str], str],
    series_url: Callable[[int], str],
) -> Entry:
    """A work in an OPDS acquisition feed: its summary as content, a link to each file
    (`file_url(work, file name)`) and to each series it belongs to."""
    entry = work_entry(work, absolute, scheme)
    # Apps match acquisition types exactly ("text/plain"), so parameters are left off.
    files = tuple(
        Link(
            file_url(work, downloads.file_name(work, each)),
            ACQUIRE,
            each.media_type.split(";")[0].strip(),
            each.label,
        )
        for each in downloads.formats()
    )
    series = tuple(
        Link(series_url(part.series_id), "collection", ACQUISITION, part.series.title)
        for part in work.series_parts.all()
    )
    return replace(
        entry,
        content=Text(work.summary, "html") if work.summary else None,
        links=entry.links + files + series,
    )


def web_entry(work: Work, absolute: Absolute, scheme: Callable[[TagType], str]) -> Entry:
    """A work in a tag's or creator's Atom feed, with its tags and stats in the summary."""
    return replace(
        work_entry(work, absolute, scheme), summary=Text(_summary(work, absolute), "html")
    )


def _summary(work: Work, absolute: Absolute) -> str:
    byline = E.P(f"by {public_byline(work).text}")
    body = E.DIV(byline)
    if work.summary:
        summary = E.BLOCKQUOTE()
        for piece in html.fragments_fromstring(work.summary):
            if isinstance(piece, str):
                summary.text = (summary.text or "") + piece
            else:
                summary.append(piece)
        body.append(summary)
    facts = E.UL()
    for tag_type in TagType:
        tags = work.tags_of_type(tag_type)
        if tags:
            item = E.LI(f"{tag_type.plural_label}: ")
            for position, tag in enumerate(tags):
                link = E.A(tag.display_name, href=absolute(tag.get_works_url()))
                link.tail = ", " if position < len(tags) - 1 else ""
                item.append(link)
            facts.append(item)
    facts.append(E.LI(f"Language: {language_name(work.language)}"))
    facts.append(E.LI(f"Words: {work.word_count:,}"))
    facts.append(E.LI(f"Chapters: {work.chapters_label}"))
    body.append(facts)
    return str(html.tostring(body, encoding="unicode"))


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)
