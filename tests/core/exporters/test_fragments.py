"""Work HTML becomes valid XHTML5: old elements and attributes turn into classes."""

from __future__ import annotations

import pytest
from lxml import etree

from quire.core.exporters.fragments import (
    IdRegistry,
    clean_fragment,
    clean_url,
    language_tag,
    link_fragments,
    xml_text,
)


def cleaned(html: str, *, remote_images: bool = False, base_url: str = "") -> str:
    fragment = clean_fragment(
        html,
        ids=IdRegistry(),
        keep_classes=True,
        base_url=base_url,
        remote_images=remote_images,
    )
    root = fragment.root
    return (root.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in root)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<center>Centred</center>", '<div class="center">Centred</div>'),
        ('<p align="CENTER">x</p>', '<p class="align-center">x</p>'),
        ('<p align="sideways">x</p>', "<p>x</p>"),
        (
            '<big>b</big><tt>t</tt><strike>s</strike><acronym title="t">a</acronym>',
            '<span class="big">b</span><span class="tt">t</span><s>s</s><abbr title="t">a</abbr>',
        ),
        (
            '<table border="1" width="50%" cellpadding="2" cellspacing="0" summary="s">'
            '<tr><td width="10" align="right" axis="a" abbr="b">c</td></tr></table>',
            '<table class="bordered" style="width: 50%"><tbody><tr>'
            '<td class="align-right" style="width: 10px">c</td></tr></tbody></table>',
        ),
        (
            '<table align="center"><tr><td colspan="0" rowspan="2">c</td></tr></table>',
            '<table class="centered"><tbody><tr><td rowspan="2">c</td></tr></tbody></table>',
        ),
        ('<ul type="circle"><li>one</li></ul>', '<ul class="list-circle"><li>one</li></ul>'),
        ('<ol type="X" start="three"><li>i</li></ol>', "<ol><li>i</li></ol>"),
        ('<ol type="i" start=" 4"><li>iv</li></ol>', '<ol type="i" start="4"><li>iv</li></ol>'),
        (
            '<p lang="en-GB" dir="LTR">ok</p><p lang="?" dir="up">bad</p>',
            '<p lang="en-GB" dir="ltr">ok</p><p>bad</p>',
        ),
    ],
    ids=lambda value: value[:40],
)
def test_obsolete_markup_becomes_classes(html: str, expected: str) -> None:
    assert cleaned(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # An inline element around blocks becomes a div that looks the same.
        ("<i><p>a</p><p>b</p></i>", '<div class="as-i"><p>a</p><p>b</p></div>'),
        (
            "<b><span><h2>h</h2></span></b>",
            '<div class="as-b"><div class="as-span"><h2>h</h2></div></div>',
        ),
        ("<h3><div>d</div></h3>", '<div class="as-h3"><div>d</div></div>'),
        # The indentation trick of old fic: dd with no dt, or no dl at all.
        (
            "<dl><dd>indented</dd></dl>",
            '<div class="as-dl"><div class="as-dd">indented</div></div>',
        ),
        ("<dd>alone</dd>", '<div class="as-dd">alone</div>'),
        ("<dl><dt>t</dt><dd>d</dd></dl>", "<dl><dt>t</dt><dd>d</dd></dl>"),
        ("<li>alone</li>", '<div class="as-li">alone</div>'),
        (
            "<ul><li>one</li><p>loose</p>text<li>two</li></ul>",
            '<ul><li>one</li><li class="unmarked"><p>loose</p>text</li><li>two</li></ul>',
        ),
        ("<details><p>no summary</p></details>", '<div class="as-details"><p>no summary</p></div>'),
        (
            "<details><summary>s</summary><p>x</p></details>",
            "<details><summary>s</summary><p>x</p></details>",
        ),
        ("<summary>alone</summary>", '<div class="as-summary">alone</div>'),
        ("<rt>alone</rt>", '<span class="as-rt">alone</span>'),
        (
            "<figure><p>a</p><figcaption>middle</figcaption><p>b</p></figure>",
            '<figure><p>a</p><div class="as-figcaption">middle</div><p>b</p></figure>',
        ),
        (
            "<table><tr><td>r</td></tr><caption>late</caption></table>",
            "<table><caption>late</caption><tbody><tr><td>r</td></tr></tbody></table>",
        ),
        (
            "<table><thead><tr><th>1</th></tr></thead><thead><tr><th>2</th></tr></thead></table>",
            "<table><thead><tr><th>1</th></tr></thead><tbody><tr><th>2</th></tr></tbody></table>",
        ),
        ("<dfn>a <dfn>b</dfn></dfn>", '<dfn>a <span class="as-dfn">b</span></dfn>'),
        # nh3 writes a second newline after <pre> for HTML parsers; the tree keeps one.
        ("<pre>\n\nblank first line</pre>", "<pre>\nblank first line</pre>"),
    ],
    ids=lambda value: value[:40],
)
def test_structure_is_made_valid(html: str, expected: str) -> None:
    assert cleaned(html) == expected


def test_images_become_links_unless_kept() -> None:
    html = '<img src="http://e.example/a.png" width="50%" height="20" border="0" align="left">'
    assert cleaned(html) == (
        '<a href="http://e.example/a.png" rel="nofollow" class="image-link">[Image]</a>'
    )
    assert cleaned(html, remote_images=True) == (
        '<img src="http://e.example/a.png" class="float-left" height="20" style="width: 50%"'
        ' alt=""/>'
    )


def test_an_image_inside_a_link_becomes_text() -> None:
    html = '<a href="https://e.example/"><img src="https://e.example/a.png" alt="cat"></a>'
    assert cleaned(html) == (
        '<a href="https://e.example/" rel="nofollow">'
        '<span class="image-link">[Image: cat]</span></a>'
    )


def test_relative_links_resolve_against_the_work_or_go() -> None:
    html = '<a href="notes.html">relative</a>'
    assert cleaned(html) == "<a>relative</a>"
    assert cleaned(html, base_url="https://archive.example/works/1") == (
        '<a href="https://archive.example/works/notes.html" rel="nofollow">relative</a>'
    )


def test_sanitizes_again() -> None:
    assert cleaned('<script>alert(1)</script><p onclick="x()">safe</p>') == "<p>safe</p>"
    assert cleaned('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"


def test_anchors_get_unique_ids_and_links_follow_them() -> None:
    ids = IdRegistry()
    first = clean_fragment('<a name="x">one</a><a name="x">twice</a>', ids=ids)
    second = clean_fragment(
        '<a name="x">two</a><a href="#x">mine</a><a href="#only-first">theirs</a>'
        '<a href="#nowhere">nowhere</a>',
        ids=ids,
    )
    third = clean_fragment('<a name="only-first">x</a>', ids=ids)
    link_fragments([first, second, third])
    assert [a.get("id") for a in first.root] == ["n-x", "n-x-2"]
    assert second.root[0].get("id") == "n-x-3"
    assert [a.get("href") for a in second.root][1:] == ["#n-x-3", "#n-only-first", None]
    assert second.root[3].get("rel") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a b?q=1 2#f g", "https://example.com/a%20b?q=1%202#f%20g"),
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("http://example.com/100%", "http://example.com/100%25"),
        ("http://example.com/%41", "http://example.com/%41"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("mailto:", None),
        ("http://exa mple.com/", None),
        ("http://[::1/", None),
        ("http://example.com:99999/", None),
        ("javascript:alert(1)", None),
        ("ftp://example.com/", None),
        ("//example.com/x", None),
        ("#fragment", None),
        ("", None),
    ],
)
def test_clean_url(url: str, expected: str | None) -> None:
    assert clean_url(url) == expected


def test_clean_url_for_images_refuses_mail() -> None:
    assert clean_url("mailto:a@example.com", images=True) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("pt_BR", "pt-BR"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("", "und"),
        ("English", "English"),
        ("??", "und"),
    ],
)
def test_language_tag(value: str, expected: str) -> None:
    assert language_tag(value) == expected


def test_xml_text_drops_what_xml_cannot_hold() -> None:
    assert xml_text("a\x00b\x0bc\ufffed\ud800e") == "abcde"
