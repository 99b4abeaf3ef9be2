"""The Atom and OPDS writers, checked against the RELAX NG grammars the served feeds must pass
(and the grammars checked against documents that break the specs)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import feedparser
import pytest
from lxml import etree

from quire.core.feeds.atom import (
    ATOM_NS,
    Category,
    Entry,
    Feed,
    Link,
    Paging,
    Person,
    Text,
    timestamp,
    write_feed,
)
from quire.core.feeds.opds import (
    ACQUIRE,
    ACQUISITION,
    NAVIGATION,
    opensearch_description,
    paging_links,
)
from tests.app import feed_schemas

NOON = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
A = f"{{{ATOM_NS}}}"


def _work_entry(**changes: object) -> Entry:
    fields: dict[str, object] = {
        "id": "http://archive.test/works/1/",
        "title": "Lantern & Storm <1>",
        "updated": NOON,
        "authors": (Person("inkwell_otter", "http://archive.test/users/inkwell_otter/"),),
        "categories": (Category("Original Work", "Original Work", "http://archive.test/t/f"),),
        "content": Text("<p>A lantern, a storm.</p>", "html"),
        "links": (
            Link("http://archive.test/works/1/", "alternate", "text/html"),
            Link("http://archive.test/d/1/Lantern.epub", ACQUIRE, "application/epub+zip", "EPUB"),
        ),
        "language": "en",
        "issued": date(2025, 12, 24),
    }
    fields.update(changes)
    return Entry(**fields)  # type: ignore[arg-type]


def _catalog(*entries: Entry, kind: str = ACQUISITION) -> Feed:
    return Feed(
        id="http://archive.test/opds/recent/",
        title="Recent",
        updated=NOON,
        links=(
            Link("http://archive.test/opds/recent/", "self", kind),
            Link("http://archive.test/opds/", "start", NAVIGATION),
        ),
        entries=entries,
        authors=(Person("Quire", "http://archive.test/"),),
        paging=Paging(total=41, per_page=20, start_index=1),
    )


def test_timestamps_are_rfc_3339_with_a_zone() -> None:
    assert timestamp(NOON) == "2026-03-01T12:00:00Z"
    assert timestamp(NOON.astimezone(timezone(timedelta(hours=2)))) == "2026-03-01T14:00:00+02:00"
    with pytest.raises(ValueError, match="time zone"):
        timestamp(datetime(2026, 3, 1, 12, 0))


def test_an_acquisition_feed_passes_the_opds_grammar_and_reads_back() -> None:
    document = write_feed(_catalog(_work_entry()))
    tree = feed_schemas.opds().check(document)
    assert tree.findtext(f"{A}entry/{A}title") == "Lantern & Storm <1>"
    assert tree.findtext(f"{A}entry/{{http://purl.org/dc/terms/}}language") == "en"
    parsed = feedparser.parse(document)
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert entry.title == "Lantern & Storm <1>"
    assert entry.author == "inkwell_otter"
    assert [tag.term for tag in entry.tags] == ["Original Work"]
    assert entry.content[0].value == "<p>A lantern, a storm.</p>"
    assert parsed.feed.opensearch_totalresults == "41"


def test_text_that_xml_cannot_carry_is_dropped_not_fatal() -> None:
    document = write_feed(_catalog(_work_entry(title="Bell\x07 and\x0c book")))
    assert feed_schemas.opds().check(document).findtext(f"{A}entry/{A}title") == "Bell and book"


def test_link_counts_are_thread_counts() -> None:
    entry = Entry(
        id="http://archive.test/opds/tag/Angst/",
        title="Angst",
        updated=NOON,
        links=(Link("http://archive.test/opds/tag/Angst/", "subsection", ACQUISITION, count=12),),
        content=Text("12 works"),
    )
    document = write_feed(_catalog(entry, kind=NAVIGATION))
    link = feed_schemas.opds().check(document).find(f"{A}entry/{A}link")
    assert link is not None
    assert link.get("{http://purl.org/syndication/thread/1.0}count") == "12"


@pytest.mark.parametrize(
    ("number", "last", "rels"),
    [
        (1, 1, {"first": 1, "last": 1}),
        (1, 3, {"first": 1, "next": 2, "last": 3}),
        (2, 3, {"first": 1, "previous": 1, "next": 3, "last": 3}),
        (3, 3, {"first": 1, "previous": 2, "last": 3}),
        (1, 0, {"first": 1, "last": 1}),
    ],
)
def test_paging_links(number: int, last: int, rels: dict[str, int]) -> None:
    links = paging_links(number, last, lambda page: f"?page={page}", ACQUISITION)
    assert {link.rel: int(link.href.removeprefix("?page=")) for link in links} == rels
    assert {link.type for link in links} == {ACQUISITION}


def test_the_opensearch_description_passes_its_grammar() -> None:
    document = opensearch_description(
        short_name="A Very Long Archive Name Indeed",
        description="Search the archive.",
        catalog_template="http://archive.test/opds/search/?q={searchTerms}",
        page_template="http://archive.test/search/?q={searchTerms}",
    )
    tree = feed_schemas.opensearch().check(document)
    assert tree.findtext("{http://a9.com/-/spec/opensearch/1.1/}ShortName") == "A Very Long Arch"


# The grammars must refuse what the specs refuse, or passing them proves nothing.


def _errors(document: bytes) -> str:
    return "\n".join(feed_schemas.opds().errors(document))


def test_the_grammar_refuses_an_acquisition_entry_without_a_file() -> None:
    bare = _work_entry(links=(Link("http://archive.test/works/1/", "alternate", "text/html"),))
    document = write_feed(_catalog(_work_entry(), bare))
    assert "acquisition link" in _errors(document)


def test_the_grammar_refuses_html_summaries_in_catalogs() -> None:
    document = write_feed(_catalog(_work_entry(summary=Text("<b>bold</b>", "html"))))
    assert _errors(document)
    assert not feed_schemas.atom().errors(document)


def test_the_grammar_refuses_a_navigation_self_link_on_an_acquisition_feed() -> None:
    document = write_feed(_catalog(_work_entry(), kind=NAVIGATION))
    assert "self link" in _errors(document)


def test_the_grammar_refuses_feeds_missing_what_atom_requires() -> None:
    tree = etree.fromstring(write_feed(_catalog(_work_entry())))
    tree.remove(tree.find(f"{A}id"))
    assert feed_schemas.atom().errors(etree.tostring(tree))
    tree = etree.fromstring(write_feed(_catalog(_work_entry())))
    updated = tree.find(f"{A}entry/{A}updated")
    assert updated is not None
    updated.text = "2026-03-01 12:00"
    assert feed_schemas.atom().errors(etree.tostring(tree))


def test_the_grammar_wants_a_feed_author_when_an_entry_has_none() -> None:
    feed = Feed(
        id="http://archive.test/f",
        title="F",
        updated=NOON,
        entries=(_work_entry(authors=()),),
    )
    assert "author" in "\n".join(feed_schemas.atom().errors(write_feed(feed)))
