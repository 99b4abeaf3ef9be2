"""Security headers, production settings, CSRF on every form and markup no user text can
inject, through Django's test client.

The CSRF and markup tests crawl an archive holding the XSS vectors in every field
(tests.app.xss_archive) as a guest, a reader, the member who wrote everything and an
admin, following every link from the pages each of them sees.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from lxml import html

from quire.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from quire.people.actions import do_create_user
from quire.people.models import User
from quire.site.security import content_security_policy
from tests.app.xss_archive import ADMIN, MEMBER, XssArchive, build_xss_archive
from tests.xss_vectors import SEARCH_TEXT, plain_chunks

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
READER = "vector_reader"

pytestmark = pytest.mark.django_db


# Headers


def test_every_page_carries_the_security_headers(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_policy_is_written_from_settings() -> None:
    from django.conf import settings

    assert content_security_policy(settings.CONTENT_SECURITY_POLICY) == CSP


def test_errors_and_feeds_carry_the_policy_too(client: Client) -> None:
    for url in ("/no-such-page/", "/opds/", "/opds/opensearch.xml"):
        response = client.get(url)
        assert response["Content-Security-Policy"] == CSP, url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_downloads_are_attachments_sandboxed_if_ever_shown(client: Client, make_work: Any) -> None:
    """The HTML download carries its own inline stylesheet: it must never be rendered as
    a page of the site's origin."""
    work = make_work("Lanterns")
    for extension in ("html", "epub", "txt"):
        response = client.get(f"/downloads/{work.pk}/Lanterns.{extension}")
        assert response.status_code == 200, extension
        assert response["Content-Disposition"].startswith("attachment;"), extension
        assert response["Content-Security-Policy"] == CSP + "; sandbox", extension
        assert response["X-Content-Type-Options"] == "nosniff"
        b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_a_refused_form_gets_the_archives_own_page() -> None:
    """Django's CSRF failure page has an inline stylesheet the policy would refuse."""
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x"})
    assert response.status_code == 403
    tree = html.fromstring(response.content)
    assert tree.xpath("//h1/text()") == ["Form not accepted"]
    assert injected_markup(tree) == []


# Cookies and HTTPS


def test_cookies_are_http_only_and_same_site_and_not_secure_on_plain_http(
    client: Client,
) -> None:
    """A laptop at http://localhost must keep working: a Secure cookie never comes back
    over http."""
    do_create_user("cookie_eater", password="a-long-test-password")
    client.get("/login/")
    response = client.post(
        "/login/", {"username": "cookie_eater", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
        assert not cookie["secure"], name


HTTPS_SETTINGS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def _settings_with(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """The real settings module's values, read in a new process with `env`."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n)"
        f" for n in {sorted(HTTPS_SETTINGS)!r} + ['DEBUG']}}))"
    )
    done = _quire(["manage", "shell", "-c", code], env, tmp_path)
    assert done.returncode == 0, done.stderr
    values: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return values


def _quire(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QUIRE_", "DJANGO_"))}
    environment = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "quire.site.settings",
        "QUIRE_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    command = [sys.executable, "-m", "quire", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False)


PRODUCTION = {
    "QUIRE_SECRET_KEY": secrets.token_urlsafe(50),
    "QUIRE_ALLOWED_HOSTS": "archive.example.org",
}


def test_check_deploy_passes_with_https(tmp_path: Path) -> None:
    env = {**PRODUCTION, "QUIRE_HTTPS": "1"}
    done = _quire(["manage", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    values = _settings_with(env, tmp_path)
    assert values == {
        **{k: list(v) if isinstance(v, tuple) else v for k, v in HTTPS_SETTINGS.items()},
        "DEBUG": False,
    }


def test_check_deploy_passes_on_a_plain_http_laptop(tmp_path: Path) -> None:
    """The default (no QUIRE_HTTPS): production mode, but nothing that needs TLS."""
    done = _quire(["manage", "check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    values = _settings_with({}, tmp_path)
    assert values["DEBUG"] is False
    assert not values["SESSION_COOKIE_SECURE"]
    assert not values["CSRF_COOKIE_SECURE"]
    assert not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_behind_an_https_proxy(client: Client) -> None:
    """With QUIRE_HTTPS's settings: plain http is sent to https, the proxy's header is
    believed, HSTS is sent and the cookies are Secure."""
    with override_settings(**HTTPS_SETTINGS):
        secure = Client()
        redirected = secure.get("/login/")
        assert redirected.status_code == 301
        assert redirected["Location"] == "https://testserver/login/"
        page = secure.get("/login/", headers={"X-Forwarded-Proto": "https"})
        assert page.status_code == 200
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert secure.cookies["csrftoken"]["secure"]


# The crawl

SKIPPED = re.compile(
    r"^/(?:static|media|downloads)/|^/opds/(?!access/)|^/admin/.|\.atom$|^/tags/autocomplete/"
)
PER_ROUTE = 2
"""Pages opened per URL pattern and visitor: a few works, tags, users… not all of them."""


@dataclass
class Page:
    url: str
    tree: html.HtmlElement


@dataclass
class Crawl:
    """What one visitor saw: the HTML pages, and each POST form with the page it was on."""

    client: Client
    pages: list[Page] = field(default_factory=list)
    forms: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    """action URL → (page it was found on, the form's fields without the token)."""
    tokenless: list[str] = field(default_factory=list)


def _route(path: str) -> str | None:
    try:
        return str(resolve(path).route)
    except Resolver404:
        return None


def _fields(form: html.HtmlElement) -> dict[str, str]:
    values = {}
    for element in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        if element.get("name") != "csrfmiddlewaretoken":
            values[element.get("name")] = element.get("value") or ""
    return values


def crawl(client: Client, seeds: list[str], limit: int = 250) -> Crawl:
    """Every same-site page reachable by links from `seeds`, a few per URL pattern."""
    seen: set[str] = set()
    per_route: Counter[str] = Counter()
    queue = deque(seeds)
    done = Crawl(client)
    while queue and len(done.pages) < limit:
        url = queue.popleft()
        route = _route(urlsplit(url).path)
        if url in seen or route is None or per_route[route] >= PER_ROUTE:
            continue
        seen.add(url)
        per_route[route] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        tree = html.fromstring(response.content)
        done.pages.append(Page(url, tree))
        forms = cast(
            list[html.HtmlElement],
            tree.xpath("//form[translate(@method, 'POST', 'post') = 'post']"),
        )
        for form in forms:
            action = urljoin(url, form.get("action") or url)
            if not form.xpath(
                ".//input[@name='csrfmiddlewaretoken' and string-length(@value) > 20]"
            ):
                done.tokenless.append(f"{action} on {url}")
            done.forms.setdefault(action, (url, _fields(form)))
        for href in cast(list[str], tree.xpath("//a/@href")):
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc in {"", "testserver"} and not SKIPPED.search(parts.path):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return done


@pytest.fixture(scope="module")
def xss_archive(django_db_setup: None, django_db_blocker: Any) -> Iterator[XssArchive]:
    """Built once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        archive = build_xss_archive()
        do_create_user(READER, password="a-long-test-password")
        yield archive
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def crawls(xss_archive: XssArchive, django_db_blocker: Any) -> dict[str, Crawl]:
    everyone = ["/", *xss_archive.guest]
    members = ["/account/", "/inbox/", "/history/", "/subscriptions/", "/search/saved/"]
    seeds = {
        "guest": everyone,
        READER: [*members, *everyone],
        MEMBER: [*xss_archive.member, *members, *everyone],
        ADMIN: [*xss_archive.admin, "/admin/", *members, *everyone],
    }
    found = {}
    with django_db_blocker.unblock():
        for who, urls in seeds.items():
            client = Client(enforce_csrf_checks=True)
            if who != "guest":
                client.force_login(User.objects.get(username=who))
            found[who] = crawl(client, urls)
    return found


VISITORS = ["guest", READER, MEMBER, ADMIN]


@pytest.mark.parametrize("who", VISITORS)
def test_the_crawl_reaches_the_pages_that_matter(crawls: dict[str, Crawl], who: str) -> None:
    assert len(crawls[who].pages) >= 40
    assert len(crawls[who].forms) >= 3


# CSRF


@pytest.mark.parametrize("who", VISITORS)
def test_every_post_form_carries_the_csrf_token(crawls: dict[str, Crawl], who: str) -> None:
    assert crawls[who].tokenless == []


@pytest.mark.parametrize("who", VISITORS)
def test_every_post_action_refuses_a_request_without_the_token(
    crawls: dict[str, Crawl], who: str
) -> None:
    """Posted as that visitor (the session cookie goes with it, as a forged cross-site
    form's would) with the form's own fields, only the token left out."""
    crawled = crawls[who]
    accepted = []
    for action, (page, fields) in crawled.forms.items():
        # Within Django's limit on fields (the admin's form of a work with a hundred
        # tags has more): past it a post is refused before the CSRF check is reached.
        response = crawled.client.post(action, dict(list(fields.items())[:500]))
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{action} (from {page}): {response.status_code}")
    assert accepted == []


# XSS: what the server sends


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "cite", "data", "background", "poster")
ACTIVE_ELEMENTS = (
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
    "template", "xmp", "plaintext", "noembed", "noframes", "style", "isindex", "marquee",
)  # fmt: skip
DANGEROUS_URL = re.compile(r"^\s*(?:javascript|vbscript|livescript|data):", re.IGNORECASE)
CONTROLS = re.compile(r"[\x00-\x20]")


def injected_markup(tree: html.HtmlElement, *, django_admin: bool = False) -> list[str]:
    """Everything on a page that user text could have put there and must not have.

    Django's admin pages draw icons as inline SVG and load /admin/jsi18n/, their own.
    """
    ours = ("/static/", "/admin/jsi18n/") if django_admin else ("/static/",)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() in {"style", "srcdoc"}:
                found.append(f"<{element.tag} {name}={value!r}>")
            if name.lower() in URL_ATTRIBUTES and DANGEROUS_URL.match(CONTROLS.sub("", value)):
                found.append(f"<{element.tag} {name}={value!r}>")
        if element.tag in ACTIVE_ELEMENTS and not (django_admin and element.tag == "svg"):
            found.append(f"<{element.tag}>")
        if element.tag == "script" and (
            (element.text or "").strip() or not element.get("src", "").startswith(ours)
        ):
            found.append(f"<script src={element.get('src')!r}>{element.text or ''}")
        stylesheet = element.tag == "link" and element.get("href", "").startswith("/static/")
        parent = element.getparent()
        in_head = parent is not None and parent.tag == "head"
        if element.tag in {"meta", "link"} and not in_head and not stylesheet:
            found.append(f"<{element.tag}> outside <head>")
    return found


def outside_the_allowlist(tree: html.HtmlElement) -> list[str]:
    """Elements and attributes in user HTML (.userstuff) that AO3's allowlist lacks."""
    found = []
    for block in tree.xpath("//*[contains(concat(' ', @class, ' '), ' userstuff ')]"):
        for element in block.iterdescendants():
            if not isinstance(element.tag, str):
                continue
            if element.tag not in ALLOWED_TAGS:
                found.append(f"<{element.tag}>")
            allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(element.tag, frozenset())
            allowed |= {"class", "rel"} if element.tag == "a" else {"class"}
            found += [f"<{element.tag} {name}>" for name in element.attrib if name not in allowed]
            if (
                element.tag == "a"
                and element.get("href")
                and "nofollow" not in element.get("rel", "")
            ):
                found.append(f"<a href={element.get('href')!r}> without rel=nofollow")
    return found


@pytest.mark.parametrize("who", VISITORS)
def test_no_page_carries_markup_from_user_text(crawls: dict[str, Crawl], who: str) -> None:
    problems = {
        page.url: injected_markup(page.tree, django_admin=page.url.startswith("/admin/"))
        + outside_the_allowlist(page.tree)
        for page in crawls[who].pages
    }
    assert {url: found for url, found in problems.items() if found} == {}


def test_the_vector_pages_were_among_those_checked(
    crawls: dict[str, Crawl], xss_archive: XssArchive
) -> None:
    for who, urls in (
        ("guest", xss_archive.guest),
        (MEMBER, xss_archive.member),
        (ADMIN, xss_archive.admin),
    ):
        opened = {page.url for page in crawls[who].pages}
        assert set(urls) - opened == set(), who


def _shown(page: Page) -> str:
    """The page's text and attribute values, as a reader or a form would see them."""
    values = cast(list[str], page.tree.xpath("//@*"))
    return " ".join([page.tree.text_content(), *values])


def test_the_vectors_reach_the_pages(crawls: dict[str, Crawl], xss_archive: XssArchive) -> None:
    """The pages above are worth checking: each field's vectors are on them, as text."""
    opened = {page.url: _shown(page) for page in crawls["guest"].pages}
    opened |= {page.url: _shown(page) for page in crawls[MEMBER].pages}
    named = xss_archive.named
    titles = plain_chunks(255)
    expected = {
        named["work"]: [*titles, *plain_chunks(100), *(f"fandom: {t}" for t in plain_chunks(135))],
        named["works"]: titles,
        named["tag"]: [f"freeform: {plain_chunks(135)[0]}"],
        named["byline"]: [plain_chunks(40)[0]],
        named["bookmarks"]: plain_chunks(150),
        named["series"]: [titles[0]],
        named["search"]: [SEARCH_TEXT],
        "/search/saved/": plain_chunks(100),
    }
    missing = {
        url: [text for text in texts if text not in opened[url]] for url, texts in expected.items()
    }
    assert {url: texts for url, texts in missing.items() if texts} == {}


def test_wrangling_goes_back_only_to_a_page_of_ours(client: Client) -> None:
    """The bulk form's `next` once redirected anywhere (an open redirect)."""
    admin = do_create_user("wrangling_admin", password="a-long-test-password")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    for target, expected in (("https://evil.example/", "/tags/wrangle/"), ("/tags/", "/tags/")):
        response = client.post("/tags/wrangle/bulk/", {"next": target, "action": "canonical"})
        assert response.status_code == 302
        assert response["Location"] == expected


def test_a_byline_with_a_slash_still_makes_a_pseud_with_a_page(client: Client) -> None:
    """Found by the vectors: an imported document's creator named "A/B" gave a pseud
    whose URL could not be made, and every page showing it failed."""
    from quire.people.actions import do_get_placeholder_pseud

    pseud = do_get_placeholder_pseud("Jane/John </b>")
    assert pseud.name == "Jane-John <-b>"
    assert client.get(pseud.get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/tags/a%00b/", "/users/a%00b/", "/search/?q=a%00b"])
def test_a_nul_in_the_address_is_a_bad_request_not_a_server_error(client, address: str) -> None:
    response = client.get(address)
    assert response.status_code == 400
    assert "Content-Security-Policy" in response
