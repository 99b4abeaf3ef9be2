"""OPDS 1.2 catalogs: the media types and relations e-reader apps look for, paging
links, and the OpenSearch description that lets an app search the archive.

An OPDS catalog is a set of Atom feeds (quire.core.feeds.atom): navigation feeds
whose entries lead to other feeds, and acquisition feeds whose entries are works
with links to their files.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from quire.core.feeds.atom import Link

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_DESCRIPTION = "application/opensearchdescription+xml"

ACQUIRE = "http://opds-spec.org/acquisition"
SORT_NEW = "http://opds-spec.org/sort/new"
SHELF = "http://opds-spec.org/shelf"
"""For a reader's bookmarks, when the archive has them."""
SUBSCRIPTIONS = "http://opds-spec.org/subscriptions"
"""For a reader's subscriptions, when the archive has them."""

OPENSEARCH_DESCRIPTION_NS = "http://a9.com/-/spec/opensearch/1.1/"
_SHORT_NAME_LIMIT = 16
"""OpenSearch allows at most 16 characters in ShortName."""


def paging_links(number: int, last: int, href: Callable[[int], str], media_type: str) -> list[Link]:
    """RFC 5005 paging links (first, previous, next, last) for page `number` of `last`."""
    links = [Link(href(1), "first", media_type)]
    if number > 1:
        links.append(Link(href(number - 1), "previous", media_type))
    if number < last:
        links.append(Link(href(number + 1), "next", media_type))
    links.append(Link(href(max(last, 1)), "last", media_type))
    return links


def opensearch_description(
    *, short_name: str, description: str, catalog_template: str, page_template: str = ""
) -> bytes:
    """The description document an app reads to learn how to search: `catalog_template`
    answers with an acquisition feed, `page_template` (optional) with the web page.
    Templates hold ``{searchTerms}`` where the reader's words go."""
    namespaces: dict[str | None, str] = {None: OPENSEARCH_DESCRIPTION_NS}
    # lxml-stubs leave out the None key that names lxml's default namespace.
    root = etree.Element(f"{{{OPENSEARCH_DESCRIPTION_NS}}}OpenSearchDescription", nsmap=namespaces)  # type: ignore[arg-type]
    _add(root, "ShortName", short_name[:_SHORT_NAME_LIMIT])
    _add(root, "Description", description)
    _add(root, "InputEncoding", "UTF-8")
    _add(root, "OutputEncoding", "UTF-8")
    for media_type, template in ((ACQUISITION, catalog_template), ("text/html", page_template)):
        if template:
            url = etree.SubElement(root, f"{{{OPENSEARCH_DESCRIPTION_NS}}}Url")
            url.set("type", media_type)
            url.set("template", template)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add(parent: etree._Element, name: str, text: str) -> None:
    etree.SubElement(parent, f"{{{OPENSEARCH_DESCRIPTION_NS}}}{name}").text = text
