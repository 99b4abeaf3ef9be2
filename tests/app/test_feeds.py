"""The OPDS catalog and the Atom feeds: every feed served passes the grammars in schemas/,
reads back through feedparser, and never shows a work the reader may not take away."""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from lxml import etree, html

from quire.core.feeds.opds import ACQUISITION, NAVIGATION, OPENSEARCH_DESCRIPTION
from quire.core.tags import TagType, tag_to_url_part
from quire.feeds import queries as feed_queries
from quire.feeds.models import FeedToken
from quire.people.models import User
from quire.tags.actions import do_make_canonical, do_merge_tag, find_or_create_tags
from quire.works.actions import do_add_to_series, do_create_series, do_set_hidden
from quire.works.models import Work
from tests.app import feed_schemas
from tests.app.test_downloads import RecordingExporter

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PASSWORD = "a-long-test-password"
PUBLIC = {"Lantern", "Harbour"}
EVERYONE_SIGNED_IN = PUBLIC | {"Members"}


@pytest.fixture(autouse=True)
def quick_formats(monkeypatch: pytest.MonkeyPatch, settings, tmp_path: Path) -> None:
    """Two quick formats stand in for the real writers (test_downloads tests a real EPUB)."""
    from quire.works import downloads

    settings.DOWNLOAD_CACHE_DIR = tmp_path / "cache"
    made = [
        RecordingExporter("epub", "epub", "application/epub+zip", "EPUB"),
        RecordingExporter("html", "html", "text/html; charset=utf-8", "HTML"),
    ]
    monkeypatch.setattr(downloads, "formats", lambda: made)


@pytest.fixture
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


@pytest.fixture
def archive(make_work, make_user, author, own_index, django_capture_on_commit_callbacks) -> dict:
    """Public, restricted, draft and hidden works, in canonical fandoms and a series;
    a second creator whose only works are a draft and a hidden one."""
    partner = make_user("partner")
    with django_capture_on_commit_callbacks(execute=True):
        works = {
            "Lantern": make_work(
                "Lantern",
                chapters=["The lantern swung in the storm."],
                tags={TagType.CHARACTER: ["Mara Quill"], TagType.FREEFORM: ["Storms"]},
                summary="<p>A lantern, a <em>storm</em>.</p>",
            ),
            "Harbour": make_work("Harbour", chapters=["A quiet harbour, and a storm at sea."]),
            "Members": make_work(
                "Members",
                chapters=["A secret storm for members."],
                restricted=True,
                tags={TagType.FANDOM: ["Members Fandom"]},
            ),
            "Draft": make_work(
                "Draft",
                chapters=["An unfinished storm."],
                posted=False,
                tags={TagType.FANDOM: ["Secret Fandom"]},
            ),
            "Hidden": make_work(
                "Hidden",
                chapters=["A hidden storm."],
                tags={TagType.FANDOM: ["Secret Fandom"]},
            ),
            "Partner Draft": make_work("Partner Draft", posted=False, creators=[partner]),
            "Partner Hidden": make_work("Partner Hidden", creators=[partner]),
        }
        for name in ("Hidden", "Partner Hidden"):
            do_set_hidden(works[name], hidden=True)
    for tag in find_or_create_tags(
        TagType.FANDOM, ["Test Fandom", "Members Fandom", "Secret Fandom"]
    ):
        do_make_canonical(tag)
    series = do_create_series(creators=[author.default_pseud], title="Small Hours")
    for name in ("Harbour", "Members", "Draft", "Lantern"):
        do_add_to_series(series, works[name])
    only_hidden = do_create_series(creators=[author.default_pseud], title="Hidden Series")
    do_add_to_series(only_hidden, works["Hidden"])
    return {"works": works, "series": series, "partner": partner}


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def local(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, start: str, **headers: str) -> dict[str, etree._Element]:
    """Every catalog feed reachable from `start`, each checked against the OPDS grammar."""
    seen: dict[str, etree._Element] = {}
    queue = [start]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path, **headers)
        assert response.status_code == 200, path
        assert response["Content-Type"] in (NAVIGATION, ACQUISITION), path
        tree = feed_schemas.opds().check(response.content)
        self_type = tree.find(f"{ATOM}link[@rel='self']").get("type")
        assert self_type == response["Content-Type"], path
        seen[path] = tree
        for link in tree.iter(f"{ATOM}link"):
            target = local(link.get("href"))
            if "profile=opds-catalog" in (link.get("type") or "") and "/sign-in/" not in target:
                queue.append(target)
    return seen


def acquired(feeds: dict[str, etree._Element]) -> set[str]:
    """Titles of the works in every acquisition feed crawled."""
    return {
        entry.findtext(f"{ATOM}title")
        for tree in feeds.values()
        for entry in tree.iter(f"{ATOM}entry")
        if entry.find(f"{ATOM}link[@rel='http://opds-spec.org/acquisition']") is not None
    }


def listed(feeds: dict[str, etree._Element], path: str) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feeds[path].iter(f"{ATOM}entry")]


def test_guests_crawl_a_valid_catalog_of_public_works_only(client: Client, archive) -> None:
    feeds = crawl(client, "/opds/")
    assert acquired(feeds) == PUBLIC
    assert listed(feeds, "/opds/") == [
        "Recently updated",
        "Fandoms",
        "Tags",
        "Creators",
        "Series",
        "Sign in",
    ]
    assert listed(feeds, "/opds/tags/fandom/") == ["Test Fandom"]
    assert listed(feeds, "/opds/creators/") == ["author"]
    assert listed(feeds, "/opds/series/") == ["Small Hours"]
    series = archive["series"]
    assert listed(feeds, f"/opds/series/{series.pk}/") == ["Harbour", "Lantern"]


@pytest.mark.parametrize("who", ["member", "author", "admin"])
def test_signed_in_readers_see_restricted_works_but_never_drafts_or_hidden_ones(
    client: Client, archive, make_user, who: str
) -> None:
    if who == "member":
        make_user("member")
    if who == "admin":
        admin = make_user("admin")
        admin.is_staff = True
        admin.save()
    feeds = crawl(client, "/opds/", **basic(who))
    assert acquired(feeds) == EVERYONE_SIGNED_IN
    assert "Sign in" not in listed(feeds, "/opds/")
    assert listed(feeds, "/opds/tags/fandom/") == ["Members Fandom", "Test Fandom"]
    assert listed(feeds, "/opds/creators/") == ["author"]
    assert listed(feeds, f"/opds/series/{archive['series'].pk}/") == [
        "Harbour",
        "Members",
        "Lantern",
    ]


def test_a_browser_session_reads_the_catalog_as_its_member(client: Client, archive, author) -> None:
    client.force_login(author)
    response = client.get("/opds/recent/")
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    assert acquired({"r": feed_schemas.opds().check(response.content)}) == EVERYONE_SIGNED_IN


def test_wrong_or_malformed_basic_credentials_are_challenged(client: Client, archive) -> None:
    for headers in (
        basic("author", "wrong"),
        basic("nobody"),
        {"HTTP_AUTHORIZATION": "Basic not-base64!"},
        {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"no colon").decode()},
    ):
        response = client.get("/opds/", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith('Basic realm="Quire catalog"')
    assert client.get("/opds/", HTTP_AUTHORIZATION="Bearer abc").status_code == 200


def test_basic_auth_never_opens_a_session(client: Client, archive) -> None:
    response = client.get("/opds/recent/", **basic("author"))
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session
    assert client.get("/opds/recent/").content.count(b"<entry>") == len(PUBLIC)


def test_the_sign_in_entry_asks_for_a_password_then_goes_home(client: Client, archive) -> None:
    assert client.get("/opds/sign-in/").status_code == 401
    response = client.get("/opds/sign-in/", **basic("author"))
    assert response.status_code == 302
    assert response["Location"] == "/opds/"


def test_catalog_downloads_follow_the_same_rules(client: Client, archive) -> None:
    feeds = crawl(client, "/opds/", **basic("author"))
    files = {
        local(link.get("href"))
        for tree in feeds.values()
        for link in tree.iter(f"{ATOM}link")
        if link.get("rel") == "http://opds-spec.org/acquisition"
    }
    assert len(files) == 2 * len(EVERYONE_SIGNED_IN)
    for path in files:
        assert client.get(path, **basic("author")).status_code == 200, path
    members = archive["works"]["Members"]
    members_file = next(path for path in files if path.startswith(f"/opds/downloads/{members.pk}/"))
    guest = client.get(members_file)
    assert guest.status_code == 401
    assert "WWW-Authenticate" in guest
    for name in ("Draft", "Hidden"):
        work = archive["works"][name]
        assert client.get(f"/opds/downloads/{work.pk}/x.epub", **basic("author")).status_code == 404


def test_entries_carry_what_an_e_reader_shows(client: Client, archive) -> None:
    document = client.get("/opds/recent/").content
    parsed = feedparser.parse(document)
    assert not parsed.bozo
    lantern = next(entry for entry in parsed.entries if entry.title == "Lantern")
    work = archive["works"]["Lantern"]
    assert lantern.id == f"http://testserver/works/{work.pk}/"
    assert lantern.author == "author"
    assert lantern.content[0].type == "text/html"
    assert lantern.content[0].value == "<p>A lantern, a <em>storm</em>.</p>"
    assert lantern.dcterms_language == "en"
    assert {tag.term for tag in lantern.tags} >= {"Test Fandom", "Mara Quill", "Storms", "Gen"}
    links = {(link.rel, link.type): link.href for link in lantern.links}
    assert links["alternate", "text/html"] == f"http://testserver/works/{work.pk}/"
    assert links["http://opds-spec.org/acquisition", "application/epub+zip"] == (
        f"http://testserver/opds/downloads/{work.pk}/Lantern.epub"
    )
    assert links["http://opds-spec.org/acquisition", "text/html"].endswith("/Lantern.html")
    assert links["collection", ACQUISITION] == (
        f"http://testserver/opds/series/{archive['series'].pk}/"
    )
    feed_links = {link.rel: link for link in parsed.feed.links}
    assert feed_links["search"].type == OPENSEARCH_DESCRIPTION
    assert feed_links["start"].href == "http://testserver/opds/"


def test_the_root_links_each_section_with_the_right_kind(client: Client, archive) -> None:
    parsed = feedparser.parse(client.get("/opds/").content)
    kinds = {entry.title: (entry.links[0].rel, entry.links[0].type) for entry in parsed.entries}
    assert kinds["Recently updated"] == ("http://opds-spec.org/sort/new", ACQUISITION)
    assert kinds["Fandoms"] == ("subsection", NAVIGATION)
    assert kinds["Series"] == ("subsection", NAVIGATION)


def test_fandoms_list_their_work_counts(client: Client, archive, make_work) -> None:
    make_work("Third")
    tree = feed_schemas.opds().check(client.get("/opds/fandoms/").content)
    entry = tree.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Test Fandom"
    assert entry.findtext(f"{ATOM}content") == "3 works"
    link = entry.find(f"{ATOM}link")
    assert link.get("{http://purl.org/syndication/thread/1.0}count") == "3"
    assert link.get("type") == ACQUISITION
    fandom = local(link.get("href"))
    assert fandom == f"/opds/tag/{tag_to_url_part('Test Fandom')}/".replace(" ", "%20")
    assert len(listed({fandom: feed_schemas.opds().check(client.get(fandom).content)}, fandom)) == 3


def test_long_lists_come_in_pages(client: Client, make_work) -> None:
    for number in range(45):
        make_work(f"Work {number:02}")
    seen: list[str] = []
    path: str | None = "/opds/recent/"
    pages = 0
    while path:
        tree = feed_schemas.opds().check(client.get(path).content)
        pages += 1
        os_ns = "{http://a9.com/-/spec/opensearch/1.1/}"
        assert tree.findtext(f"{os_ns}totalResults") == "45"
        assert tree.findtext(f"{os_ns}startIndex") == str(len(seen) + 1)
        seen += [entry.findtext(f"{ATOM}title") for entry in tree.iter(f"{ATOM}entry")]
        rels = {link.get("rel"): local(link.get("href")) for link in tree.iter(f"{ATOM}link")}
        assert rels["first"] == "/opds/recent/"
        assert rels["last"] == "/opds/recent/?page=3"
        assert ("previous" in rels) == (pages > 1)
        path = rels.get("next")
    assert pages == 3
    assert len(seen) == len(set(seen)) == 45
    assert client.get("/opds/recent/?page=4").status_code == 404
    assert client.get("/opds/recent/?page=x").status_code == 404


@pytest.fixture
def member(make_user) -> User:
    return make_user("member")


def test_a_token_reads_the_catalog_as_its_owner_without_a_session(
    client: Client, archive, member
) -> None:
    client.force_login(member)
    page = html.fromstring(client.get("/opds/access/").content)
    assert not page.xpath("//input[@id='token-url']")
    client.post("/opds/access/", {"action": "create"})
    page = html.fromstring(client.get("/opds/access/").content)
    token_url = page.xpath("//input[@id='token-url']/@value")[0]
    token = FeedToken.objects.get(user=member)
    assert token_url == f"http://testserver/opds/t/{token.key}/"
    app = Client()
    feeds = crawl(app, local(token_url))
    assert acquired(feeds) == EVERYONE_SIGNED_IN
    hrefs = [link.get("href") for tree in feeds.values() for link in tree.iter(f"{ATOM}link")]
    catalog_links = [href for href in hrefs if "/opds/" in href]
    assert all(f"/opds/t/{token.key}/" in href for href in catalog_links)
    assert "_auth_user_id" not in app.session
    assert app.get("/search/saved/").status_code == 302  # a token is not a session
    ids = {tree.findtext(f"{ATOM}id") for tree in feeds.values()}
    assert not any(token.key in feed_id for feed_id in ids)


def test_replacing_or_revoking_a_token_retires_its_address(client: Client, member) -> None:
    client.force_login(member)
    client.post("/opds/access/", {"action": "create"})
    first = FeedToken.objects.get(user=member).key
    client.post("/opds/access/", {"action": "create"})
    second = FeedToken.objects.get(user=member).key
    assert first != second
    app = Client()
    assert app.get(f"/opds/t/{first}/").status_code == 404
    assert app.get(f"/opds/t/{second}/").status_code == 200
    client.post("/opds/access/", {"action": "revoke"})
    assert not FeedToken.objects.filter(user=member).exists()
    assert app.get(f"/opds/t/{second}/").status_code == 404


def test_tokens_are_compared_in_constant_time(member, monkeypatch: pytest.MonkeyPatch) -> None:
    from quire.feeds.actions import do_create_feed_token

    token = do_create_feed_token(member)
    compared: list[bytes] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(feed_queries.hmac, "compare_digest", spy)
    wrong = token.selector + "x" * len(token.secret)
    assert feed_queries.reader_for_token(wrong) is None
    assert feed_queries.reader_for_token(token.key) == member
    assert compared == [b"x" * len(token.secret), token.secret.encode()]
    member.is_active = False
    member.save()
    assert feed_queries.reader_for_token(token.key) is None


def test_the_token_page_is_for_signed_in_members_and_changes_only_by_post(
    client: Client, member
) -> None:
    assert client.get("/opds/access/").status_code == 302
    client.force_login(member)
    client.get("/opds/access/?action=create")
    assert not FeedToken.objects.exists()
    assert Client(enforce_csrf_checks=True).post(
        "/opds/access/", {"action": "create"}
    ).status_code in (
        302,
        403,
    )
    assert not FeedToken.objects.exists()


def test_opensearch_runs_the_archives_search(client: Client, archive, author) -> None:
    description = client.get("/opds/opensearch.xml")
    assert description["Content-Type"] == OPENSEARCH_DESCRIPTION
    tree = feed_schemas.opensearch().check(description.content)
    os_ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    template = tree.find(f"{os_ns}Url[@type='{ACQUISITION}']").get("template")
    assert template == "http://testserver/opds/search/?q={searchTerms}"

    def titles(words: str, **headers: str) -> set[str]:
        response = client.get(local(template.replace("{searchTerms}", words)), **headers)
        feed = feed_schemas.opds().check(response.content)
        return {entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")}

    assert titles("lantern") == {"Lantern"}
    assert titles("storm") == PUBLIC
    assert titles("storm", **basic("author")) == EVERYONE_SIGNED_IN
    assert titles("unfinished", **basic("author")) == set()
    response = client.get("/opds/search/?q=storm&words_from=x")
    assert response.status_code == 400


# The Atom feeds of tags and creators, fetched without signing in.


def test_tag_feeds_list_public_works_for_everyone(client: Client, archive, author) -> None:
    path = reverse("feeds:tag_feed", kwargs={"name": "Test Fandom"})
    assert path == "/tags/Test%20Fandom/feed.atom"
    client.force_login(author)
    response = client.get(path)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed_schemas.atom().check(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert {entry.title for entry in parsed.entries} == PUBLIC
    assert parsed.feed.title == "Test Fandom works | Quire"
    lantern = next(entry for entry in parsed.entries if entry.title == "Lantern")
    work = archive["works"]["Lantern"]
    assert lantern.link == f"http://testserver/works/{work.pk}/"
    assert lantern.author == "author"
    assert "Storms" in {tag.term for tag in lantern.tags}
    summary = html.fromstring(lantern.summary)
    assert "A lantern, a storm." in summary.text_content()
    assert "Characters: Mara Quill" in summary.text_content()
    assert "http://testserver/tags/Storms/works/" in summary.xpath("//a/@href")


def test_a_synonyms_feed_is_its_canonical_tags_feed(client: Client, archive) -> None:
    canonical = find_or_create_tags(TagType.FANDOM, ["Test Fandom"])[0]
    synonym = find_or_create_tags(TagType.FANDOM, ["TF"])[0]
    do_merge_tag(synonym, canonical)
    response = client.get("/tags/TF/feed.atom")
    assert response.status_code == 302
    assert response["Location"] == "/tags/Test%20Fandom/feed.atom"
    assert client.get("/tags/No Such Tag/feed.atom").status_code == 404


def test_creator_feeds_list_public_works(client: Client, archive, author) -> None:
    for path in ("/users/author/feed.atom", "/users/author/pseuds/author/feed.atom"):
        parsed = feedparser.parse(
            feed_schemas.atom().check(client.get(path).content) is not None
            and client.get(path).content
        )
        assert {entry.title for entry in parsed.entries} == PUBLIC, path
    partner = feed_schemas.atom().check(client.get("/users/partner/feed.atom").content)
    assert partner.find(f"{ATOM}entry") is None
    assert client.get("/users/nobody/feed.atom").status_code == 404
    assert client.get("/users/author/pseuds/nobody/feed.atom").status_code == 404


def test_tag_and_creator_pages_announce_their_feeds(client: Client, archive) -> None:
    for page, feed in (
        ("/tags/Test%20Fandom/works/", "/tags/Test%20Fandom/feed.atom"),
        ("/users/author/", "/users/author/feed.atom"),
        ("/users/author/pseuds/author/", "/users/author/pseuds/author/feed.atom"),
    ):
        tree = html.fromstring(client.get(page).content)
        hrefs = tree.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")
        assert hrefs == [feed], page
        assert client.get(feed).status_code == 200


def test_works_of_unposted_or_hidden_state_never_reach_any_feed(client: Client, archive) -> None:
    everything = b"".join(
        client.get(path).content
        for path in (
            "/tags/Secret%20Fandom/feed.atom",
            "/users/partner/feed.atom",
            "/users/author/feed.atom",
        )
    )
    for name in ("Draft", "Hidden", "Partner Draft", "Partner Hidden", "Members"):
        assert name.encode() not in everything
    assert Work.objects.count() == 7
