"""Atom (RFC 4287) feeds, with the extensions OPDS catalogs use.

One writer serves the web's tag and creator feeds and the OPDS catalog: OPDS is
Atom with a few more elements (Dublin Core language and dates, OpenSearch counts,
thread counts on links), which are written only when they are set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/terms/"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
THREAD_NS = "http://purl.org/syndication/thread/1.0"

ATOM_MEDIA_TYPE = "application/atom+xml"
NAMESPACES: dict[str | None, str] = {
    None: ATOM_NS,
    "dc": DC_NS,
    "opensearch": OPENSEARCH_NS,
    "thr": THREAD_NS,
}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry; old fic files sometimes hold them."""


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    rel: str = "alternate"
    type: str = ""
    title: str = ""
    count: int | None = None
    """How many entries the linked feed holds (thr:count), a hint for e-reader apps."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    uri: str = ""


@dataclass(frozen=True, slots=True)
class Category:
    term: str
    label: str = ""
    scheme: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """A text construct: plain text, or HTML that Atom carries escaped."""

    value: str
    type: Literal["text", "html"] = "text"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    updated: datetime
    authors: tuple[Person, ...] = ()
    links: tuple[Link, ...] = ()
    categories: tuple[Category, ...] = ()
    summary: Text | None = None
    content: Text | None = None
    published: datetime | None = None
    language: str = ""
    """The work's language (dc:language), for catalogs."""
    issued: date | None = None
    """When the work was first published (dc:issued), for catalogs."""


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a page sits in a longer list (OpenSearch's response elements)."""

    total: int
    per_page: int
    start_index: int


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    title: str
    updated: datetime
    links: tuple[Link, ...] = ()
    entries: tuple[Entry, ...] = ()
    authors: tuple[Person, ...] = ()
    subtitle: str = ""
    icon: str = ""
    paging: Paging | None = None


def timestamp(moment: datetime) -> str:
    """RFC 3339 as Atom wants it; a time without a zone would be ambiguous, so it is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Atom dates need a time zone: {moment!r}")
    written = moment.replace(microsecond=0).isoformat()
    if written.endswith("+00:00"):
        return written[: -len("+00:00")] + "Z"
    return written


def write_feed(feed: Feed) -> bytes:
    """The feed as a UTF-8 XML document."""
    # lxml-stubs leave out the None key that names lxml's default namespace.
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap=NAMESPACES)  # type: ignore[arg-type]
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", timestamp(feed.updated))
    if feed.icon:
        _text(root, "icon", feed.icon)
    _people(root, feed.authors)
    _links(root, feed.links)
    if feed.paging is not None:
        _text(root, "totalResults", str(feed.paging.total), OPENSEARCH_NS)
        _text(root, "itemsPerPage", str(feed.paging.per_page), OPENSEARCH_NS)
        _text(root, "startIndex", str(feed.paging.start_index), OPENSEARCH_NS)
    for entry in feed.entries:
        _entry(root, entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(parent: etree._Element, entry: Entry) -> None:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _text(element, "updated", timestamp(entry.updated))
    if entry.published is not None:
        _text(element, "published", timestamp(entry.published))
    _people(element, entry.authors)
    if entry.language:
        _text(element, "language", entry.language, DC_NS)
    if entry.issued is not None:
        _text(element, "issued", entry.issued.isoformat(), DC_NS)
    for category in entry.categories:
        attributes = {"term": category.term, "label": category.label, "scheme": category.scheme}
        _empty(element, "category", attributes)
    for name, construct in (("summary", entry.summary), ("content", entry.content)):
        if construct is not None:
            _text(element, name, construct.value).set("type", construct.type)
    _links(element, entry.links)


def _people(parent: etree._Element, people: Iterable[Person]) -> None:
    for person in people:
        author = etree.SubElement(parent, f"{{{ATOM_NS}}}author")
        _text(author, "name", person.name)
        if person.uri:
            _text(author, "uri", person.uri)


def _links(parent: etree._Element, links: Iterable[Link]) -> None:
    for link in links:
        element = _empty(
            parent,
            "link",
            {"rel": link.rel, "href": link.href, "type": link.type, "title": link.title},
        )
        if link.count is not None:
            element.set(f"{{{THREAD_NS}}}count", str(link.count))


def _text(parent: etree._Element, name: str, value: str, ns: str = ATOM_NS) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    element.text = _NOT_XML.sub("", value)
    return element


def _empty(parent: etree._Element, name: str, attributes: dict[str, str]) -> etree._Element:
    """An element with only attributes; empty values are left out rather than written blank."""
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}")
    for key, value in attributes.items():
        if value:
            element.set(key, _NOT_XML.sub("", value))
    return element
