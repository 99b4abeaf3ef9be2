"""No user text runs script, in Chromium: the XSS vectors (tests.xss_vectors) in every
field of an archive of their own, each page opened under the site's real content
security policy and again with CSP switched off, so a vector that only the policy
stopped still fails the test.

Every vector that runs calls ``xss(N)`` or opens a dialog; the page is then searched
for what could run later (event handler attributes, javascript: links, frames, inline
scripts and styles) and for markup outside AO3's allowlist in user HTML. Many vectors
share a page, so the whole archive takes a few dozen page loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Page
from playwright.sync_api import Error as PlaywrightError

from quire.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from tests.browser.conftest import run_quire, serving, strict_context

pytestmark = pytest.mark.browser

HOOK = """
window.__ran = [];
window.xss = (id) => window.__ran.push(String(id));
document.addEventListener("securitypolicyviolation", (event) => window.__ran.push(
  `refused by CSP: ${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
"""
"""Defined before any page script: what a vector calls when it runs, and a record of
anything the policy had to refuse (the site itself needs no refusal)."""

FIND_INJECTED = """
([allowedTags, allowedAttributes, djangoAdmin]) => {
  const found = [];
  const say = (element, what) => found.push(`<${element.localName}> ${what}`);
  const dangerous = /^(?:javascript|vbscript|livescript|data):/i;
  const urls = ["href", "src", "action", "formaction", "cite", "data", "background",
                "poster", "xlink:href"];
  for (const element of document.querySelectorAll("*")) {
    for (const { name, value } of element.attributes) {
      if (name.startsWith("on") || name === "srcdoc") say(element, name);
      if (name === "style" && !djangoAdmin) say(element, name);
      if (urls.includes(name) && dangerous.test(value.replace(/[\\u0000-\\u0020]/g, "")))
        say(element, `${name}=${value}`);
    }
  }
  const active = "iframe, frame, frameset, object, embed, applet, base, math, template, "
    + "xmp, plaintext, noembed, noframes, style, marquee, body meta, "
    + "body link:not([href^='/static/'])" + (djangoAdmin ? "" : ", svg");
  for (const element of document.querySelectorAll(active)) say(element, "element");
  const ours = djangoAdmin ? ["/static/", "/admin/jsi18n/"] : ["/static/"];
  for (const script of document.scripts) {
    const from = script.src.slice(location.origin.length);
    if (!script.src.startsWith(location.origin) || !ours.some((start) => from.startsWith(start))
        || script.text.trim())
      say(script, script.outerHTML.slice(0, 80));
  }
  for (const link of document.links) {
    if (!["http:", "https:", "mailto:"].includes(link.protocol)) say(link, link.href);
  }
  for (const element of document.querySelectorAll(".userstuff *")) {
    const tag = element.localName;
    if (!allowedTags.includes(tag)) say(element, "outside the allowlist");
    const allowed = [...allowedAttributes["*"], ...(allowedAttributes[tag] || []), "class"];
    if (tag === "a") allowed.push("rel");
    for (const { name } of element.attributes) {
      if (!allowed.includes(name)) say(element, `attribute ${name} outside the allowlist`);
    }
    if (tag === "a" && element.hasAttribute("href") && !/\\bnofollow\\b/.test(element.rel))
      say(element, "link without rel=nofollow");
  }
  return found;
}
"""
ALLOWLIST = [
    sorted(ALLOWED_TAGS),
    {tag: sorted(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
]
DJANGO_ADMIN = "/admin/"
"""Django's admin draws icons as inline SVG, loads its translations from /admin/jsi18n/ and
styles widgets from script (allowed by the policy, unlike style attributes in markup)."""


@dataclass(frozen=True)
class Site:
    url: str
    pages: dict[str, list[str]]
    sessions: dict[str, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The vectors' archive, built and indexed before it is served."""
    data_dir = tmp_path_factory.mktemp("xss-archive")
    run_quire(data_dir, "migrate")
    code = "from tests.app.xss_archive import build_for_a_browser; print(build_for_a_browser())"
    built = json.loads(run_quire(data_dir, "manage", "shell", "-c", code).strip().splitlines()[-1])
    run_quire(data_dir, "worker", "--batch")
    with serving(data_dir) as url:
        yield Site(url, built["pages"], built["sessions"])


def _visit(page: Page, url: str, dialogs: list[str]) -> list[str]:
    """What ran or was injected on one page: empty when it is safe."""
    dialogs.clear()
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_timeout(150)  # animation events, a meta refresh
    try:
        problems: list[str] = page.evaluate("window.__ran")
        admin = urlsplit(url).path.startswith(DJANGO_ADMIN)
        problems += page.evaluate(FIND_INJECTED, [*ALLOWLIST, admin])
    except PlaywrightError as error:  # the page went elsewhere while being read
        problems = [str(error)]
    problems += [f"dialog: {message}" for message in dialogs]
    if page.url != url:
        problems.append(f"went on to {page.url}")
    return problems


@pytest.mark.parametrize("csp", ["the site's CSP", "no CSP"])
@pytest.mark.parametrize("who", ["guest", "member", "admin"])
def test_no_vector_runs_on_any_page(browser: Browser, site: Site, who: str, csp: str) -> None:
    options: dict[str, Any] = {"bypass_csp": csp == "no CSP"}
    context, errors = strict_context(browser, **options)
    context.add_init_script(HOOK)
    if who != "guest":
        cookie = {"name": "sessionid", "value": site.sessions[who], "url": site.url}
        context.add_cookies([cookie])  # type: ignore[list-item]
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type} {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    found = {}
    for path in site.pages[who]:
        problems = _visit(page, site.url + path, dialogs)
        if problems:
            found[path] = problems
    context.close()
    assert found == {}
    # Images the vectors point at ("x") are missing: that is all the console may say.
    assert [error for error in errors if "Failed to load resource" not in error] == []
