"""The HTML download: one self-contained document, the same preface and chapters."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import html as lxml_html

from quire.core.exporters import ExportWork
from quire.core.exporters.html import exporter, html_document
from tests.core.exporters.samples import (
    bare_export,
    export_works,
    old_markup_export,
    sample_export,
)


def flat(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def page() -> lxml_html.HtmlElement:
    data = exporter.export(sample_export())
    assert data.startswith(b"<!DOCTYPE html>\n")
    return lxml_html.document_fromstring(data.decode("utf-8"))


def test_self_contained(page: lxml_html.HtmlElement) -> None:
    assert page.get("lang") == "en"
    assert page.xpath("//head/meta[@charset='utf-8']")
    assert page.xpath("//link") == []
    assert page.xpath("//script") == []
    (style,) = page.xpath("//style")
    assert "dl.tags" in (style.text or "")
    assert page.xpath("//title/text()") == ["The Keeper's Daughter - wren, Marlowe"]
    assert page.xpath("//meta[@name='author']/@content") == ["wren", "Marlowe"]


def test_preface_then_chapters_then_end_notes(page: lxml_html.HtmlElement) -> None:
    sections = page.xpath("//body/section")
    assert [section.get("id") for section in sections] == [
        "preface",
        "chapter-1",
        "chapter-2",
        "chapter-3",
        "afterword",
    ]
    preface = sections[0]
    assert flat(preface.xpath(".//h1")[0]) == "The Keeper's Daughter"
    assert flat(preface.xpath(".//p[@class='source']")[0]) == (
        "Posted originally on Harbour Archive at https://archive.example/works/42."
    )
    assert [flat(dt) for dt in preface.xpath(".//dt")][-1] == "Stats:"
    assert [flat(h2) for h2 in page.xpath("//h2[@class='chapter-title']")] == [
        "Chapter 1: Landfall",
        "Chapter 2",
        "Chapter 3",
    ]
    assert "Thanks to my beta." in flat(sections[-1])


def test_links_stay_inside_the_document(page: lxml_html.HtmlElement) -> None:
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    for href in page.xpath("//a[starts-with(@href, '#')]/@href"):
        assert href[1:] in ids
    assert page.xpath("//a[.='the first night']/@href") == ["#n-start"]
    assert page.xpath("//p[@class='endnote-link']/a/@href") == ["#endnotes", "#chapter-1-endnotes"]


def test_web_images_stay_images(page: lxml_html.HtmlElement) -> None:
    assert page.xpath("//img/@src") == ["https://images.example/harbour.jpg"]
    assert page.xpath("//img/@alt") == ["the harbour"]


def test_preformatted_text_keeps_its_first_blank_line() -> None:
    # An HTML5 parser drops one newline right after <pre>, so the markup must carry two.
    assert "<pre>\n\npreformatted" in html_document(old_markup_export())


def test_bare_work() -> None:
    page = lxml_html.document_fromstring(html_document(bare_export()))
    assert page.get("lang") == "und"
    assert page.xpath("//title/text()") == ["Untitled"]
    assert page.xpath("//p[@class='byline']") == []


def test_same_work_same_bytes() -> None:
    assert exporter.export(sample_export()) == exporter.export(sample_export())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_works())
def test_any_work_gives_a_document(export: ExportWork) -> None:
    page = lxml_html.document_fromstring(html_document(export))
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    for href in page.xpath("//a[starts-with(@href, '#')]/@href"):
        assert href[1:] in ids
