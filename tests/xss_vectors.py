"""Cross-site scripting vectors, written for Quire from the techniques of OWASP's XSS
filter evasion cheat sheet, and AO3's own sanitizer rules.

Every vector that could run calls ``xss(N)`` (or opens a dialog): the browser test
defines ``xss`` before any page script and fails if it is ever called. They are grouped
by technique; in one HTML field they are written one after another, so the ones that
swallow what follows them (unclosed tags, ``<plaintext>``) come last.
"""

from __future__ import annotations

from typing import Final

TECHNIQUES: Final[dict[str, tuple[str, ...]]] = {
    "script elements": (
        "<script>xss(1)</script>",
        "<ScRiPt>xss(2)</sCrIpT>",
        "<script src=/static/quire/reading.js?xss=3></script>",
        "<scr<script>ipt>xss(4)</scr</script>ipt>",
        "<script/any>xss(5)</script>",
        "<<script>xss(6);//<</script>",
        '<script type="module">xss(7)</script>',
        "</script><script>xss(8)</script>",
    ),
    "event handlers": (
        "<img src=x onerror=xss(9)>",
        "<img/src=x/onerror=xss(10)>",
        "<img src=x onerror\x0b=xss(11)>",
        '<p title="t" ONMOUSEOVER="xss(12)">hover</p>',
        "<details open ontoggle=xss(13)><summary>s</summary></details>",
        "<a href=# onclick=xss(14)>click</a>",
        "<body onload=xss(15)>",
        "<input autofocus onfocus=xss(16)>",
        "<select autofocus onfocus=xss(17)></select>",
        "<video><source onerror=xss(18)></video>",
        "<marquee onstart=xss(19)>m</marquee>",
        "<img src=x onerror=&#x78;&#x73;&#x73;&#x28;20&#x29;>",
        "<img src=x:y onerror=xss`21`>",
    ),
    "javascript:, vbscript: and data: URLs": (
        '<a href="javascript:xss(22)">a</a>',
        '<a href="JaVaScRiPt:xss(23)">a</a>',
        '<a href="jav&#x09;ascript:xss(24)">a</a>',
        '<a href="jav\nascript:xss(25)">a</a>',
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;xss(26)">a</a>',
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;xss(27)">a</a>',
        '<a href="&#0000106&#0000097vascript:xss(28)">a</a>',
        '<a href=" &#14; javascript:xss(29)">a</a>',
        '<a href="java\x00script:xss(30)">a</a>',
        '<a href="javascript&colon;xss(31)">a</a>',
        '<a href="javascript://%0Axss(32)">a</a>',
        '<a href="vbscript:msgbox(33)">a</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5wYXJlbnQueHNzKDM0KTwvc2NyaXB0Pg==">a</a>',
        '<img src="javascript:xss(35)">',
        '<img src="data:image/svg+xml;base64,'
        'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0ieHNzKDM2KSIvPg==">',
        '<q cite="javascript:xss(37)">q</q>',
        '<blockquote cite="vbscript:x(38)">b</blockquote>',
        '<form action="javascript:xss(39)"><button>go</button></form>',
        '<button formaction="javascript:xss(40)">b</button>',
        '<table background="javascript:xss(41)"><tr><td>t</td></tr></table>',
    ),
    "SVG and MathML": (
        "<svg onload=xss(42)>",
        "<svg><script>xss(43)</script></svg>",
        '<svg><a xlink:href="javascript:xss(44)"><text x="9" y="9">s</text></a></svg>',
        "<svg><animate onbegin=xss(45) attributeName=x dur=1s></svg>",
        "<svg><style><img src=x onerror=xss(46)></style></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=xss(47)>"
        "</style></mglyph></table></mtext></math>",
        '<math href="javascript:xss(48)">m</math>',
    ),
    "style and expressions": (
        '<p style="background:url(javascript:xss(49))">s</p>',
        '<p style="width:expression(xss(50))">s</p>',
        "<style>@import 'javascript:xss(51)';</style>",
        '<link rel=stylesheet href="javascript:xss(52)">',
        '<p class="x" style="-moz-binding:url(/xss.xml#53)">s</p>',
    ),
    "frames, objects and embeds": (
        '<iframe src="javascript:xss(54)"></iframe>',
        '<iframe srcdoc="&lt;script&gt;parent.xss(55)&lt;/script&gt;"></iframe>',
        '<object data="javascript:xss(56)"></object>',
        '<embed src="data:text/html,&lt;script&gt;parent.xss(57)&lt;/script&gt;">',
        "<frameset onload=xss(58)></frameset>",
    ),
    "meta refresh and base href": (
        '<meta http-equiv="refresh" content="0;url=javascript:xss(59)">',
        '<meta http-equiv="refresh" content="0;url=/works/?xss=60">',
        '<base href="javascript:xss(61)//">',
    ),
    "template, noscript and raw-text tricks": (
        "<template><img src=x onerror=xss(62)></template>",
        '<noscript><p title="</noscript><img src=x onerror=xss(63)>"></noscript>',
        '<noembed><p title="</noembed><img src=x onerror=xss(64)>"></noembed>',
        '<xmp><p title="</xmp><img src=x onerror=xss(65)>"></xmp>',
        '<textarea><p title="</textarea><img src=x onerror=xss(66)>"></textarea>',
        '<title><p title="</title><img src=x onerror=xss(67)>"></title>',
        '<!--<img src="--><img src=x onerror=xss(68)//">',
        "<![CDATA[<img src=x onerror=xss(69)>]]>",
        '<?xml-stylesheet href="javascript:xss(70)"?>',
    ),
    "entities and attribute breaking": (
        "&lt;script&gt;xss(71)&lt;/script&gt;",
        '"><img src=x onerror=xss(72)>',
        "'><img src=x onerror=xss(73)>",
        '" autofocus onfocus="xss(74)',
        "' onmouseover='xss(75)",
        '<p title="</p><script>xss(76)</script>">t</p>',
        '<a href="&#x26;#x6A;avascript:xss(77)">a</a>',
        "<img src=`x`onerror=xss(78)>",
        '<img """><script>xss(79)</script>">',
    ),
    "malformed and unclosed tags": (
        "<<img src=x onerror=xss(80)>>",
        '<a """ href="javascript:xss(81)">a</a>',
        "<img src=x onerror=xss(82)//",
        "<iframe src=javascript:xss(83)",
        "<plaintext><img src=x onerror=xss(84)>",
    ),
}

VECTORS: Final[tuple[str, ...]] = tuple(v for group in TECHNIQUES.values() for v in group)

AO3_CASES: Final[tuple[str, ...]] = (
    '<p style="color: red" align="center" dir="rtl" lang="fr" title="kept">styled</p>',
    '<p class="ok-class 9bad -bad also_ok">classes</p>',
    '<a href="https://example.org/">a link that must get rel=nofollow</a>',
    '<a href="mailto:writer@example.org">mail</a> <a href="/works/">relative</a>',
    '<img src="mailto:writer@example.org" alt="not an image URL">',
    '<img src="ftp://example.org/x.png" alt="not http">',
    '<ol start="3" type="i"><li>list</li></ol>',
    '<table border="1"><tr><td colspan="2">t</td></tr></table>',
    "<noframes><img src=x onerror=xss(85)></noframes>",
    "<center><big><tt>old tags</tt></big></center><ruby>字<rp>(</rp><rt>ji</rt><rp>)</rp></ruby>",
)
"""AO3's allowlist (GUIDE §1): kept attributes, no style, classes only in work text,
rel="nofollow", http(s) images only, and elements removed with their content."""

ALL_HTML: Final = "\n".join((*AO3_CASES, *VECTORS))
"""Everything in one HTML field: the AO3 cases first, the greedy vectors last."""

SEARCH_TEXT: Final = '<b>"><img src=x onerror=xss(86)> </script><script>xss(87)</script>'
"""What a reader types into the search box, echoed on the results page."""


def plain_chunks(limit: int) -> list[str]:
    """The vectors joined by spaces into pieces of at most `limit` characters, for the
    plain-text fields (a title holds 255); a longer vector is cut, still a vector.

    Without NUL: Django's form fields refuse it, and PostgreSQL cannot store it.
    """
    vectors = [" ".join(vector.replace("\x00", "").split())[:limit] for vector in VECTORS]
    return _pack(vectors, limit, " ")


def html_chunks(limit: int, *, nul: bool = True) -> list[str]:
    """ALL_HTML in pieces of at most `limit` characters, cut between vectors, for the
    HTML fields that refuse longer text (a report's description holds 4,000); without
    NUL (`nul=False`) for text stored as typed rather than sanitized."""
    items = [*AO3_CASES, *VECTORS]
    return _pack(items if nul else [item.replace("\x00", "") for item in items], limit, "\n")


def _pack(items: list[str], limit: int, separator: str) -> list[str]:
    pieces: list[str] = []
    current = ""
    for item in items:
        if current and len(current) + len(separator) + len(item) > limit:
            pieces.append(current)
            current = item
        else:
            current = f"{current}{separator}{item}" if current else item
    return [*pieces, current]
