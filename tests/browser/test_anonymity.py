"""Anonymous and unrevealed works in Chromium against `quire serve --demo`, under the
strict CSP: a work in an anonymous collection is "by Anonymous" on its page, in the
works listing, in search results and in its EPUB's metadata, while its creator sees
their own name and a notice saying what readers see; a work in an unrevealed collection
is not found by another member."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot, strict_context
from tests.browser.test_accounts import log_in
from tests.browser.test_community import _in_archive

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-password"
WRITER = "veiled_writer"
READER = "curious_reader"
MASKED = "The Masked Lantern"
SEALED = "The Sealed Letter"
WORD = "quietmoth"
"""A word only the masked work's text holds: searching it finds that work alone."""

SETUP = f"""
from quire.collections.actions import CollectionDetails, do_add_work, do_create_collection
from quire.comments.actions import do_post_comment
from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.tags import TagType
from quire.people.actions import do_create_user
from quire.works.actions import do_create_work
from quire.works.models import Gift

writer = do_create_user({WRITER!r}, password={PASSWORD!r})
reader = do_create_user({READER!r}, password={PASSWORD!r})
keeper = do_create_user("fest_warden", password={PASSWORD!r})
tags = {{
    TagType.RATING: ["General Audiences"],
    TagType.WARNING: ["No Archive Warnings Apply"],
    TagType.FANDOM: ["Original Work"],
}}
for title, name, secret in [
    ({MASKED!r}, "masked-ball", "anonymous"),
    ({SEALED!r}, "sealed-letters", "unrevealed"),
]:
    fest = do_create_collection(
        keeper, name, CollectionDetails(title=name.replace("-", " ").title(), **{{secret: True}})
    )
    text = "<p>A {WORD} circled the lantern all night.</p><p>By morning it was gone.</p>"
    work = do_create_work(
        creators=[writer.default_pseud],
        parsed=ParsedWork(title=title, chapters=[ParsedChapter(text)], tags=tags),
        posted=True,
    )
    do_add_work(fest, work, writer)
    Gift.objects.create(work=work, recipient=reader)
    do_post_comment(work, text="Thank you for reading!", user=writer)
    print("work", work.pk)
"""


@pytest.fixture(scope="module")
def works(demo_url: str, demo_data_dir: Path) -> dict[str, int]:
    """The two works (and their collections), made in the served archive."""
    masked, sealed = re.findall(r"^work (\d+)$", _in_archive(demo_data_dir, SETUP), re.MULTILINE)
    return {MASKED: int(masked), SEALED: int(sealed)}


def signed_in(browser: Browser, url: str, username: str) -> Iterator[Page]:
    """A page signed in as `username` through the login page; fails on any console error."""
    context, errors = strict_context(browser, color_scheme="light")
    page = context.new_page()
    page.goto(url + "/login/")
    log_in(page, username, PASSWORD)
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name=username)
    ).to_be_visible()
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def reader(browser: Browser, demo_url: str, works: dict[str, int]) -> Iterator[Page]:
    yield from signed_in(browser, demo_url, READER)


@pytest.fixture
def writer(browser: Browser, demo_url: str, works: dict[str, int]) -> Iterator[Page]:
    yield from signed_in(browser, demo_url, WRITER)


def blurb_byline(page: Page, title: str) -> str:
    blurb = page.locator("li.blurb").filter(has=page.get_by_role("link", name=title, exact=True))
    return " ".join(blurb.locator(".blurb__byline").inner_text().split())


def test_readers_meet_anonymous_everywhere_and_no_unrevealed_work(
    reader: Page, demo_url: str, works: dict[str, int]
) -> None:
    page = reader
    page.goto(demo_url + "/works/")
    assert blurb_byline(page, MASKED) == "by Anonymous"
    expect(page.get_by_role("link", name=SEALED, exact=True)).to_have_count(0)
    assert WRITER not in page.content()
    screenshot(page, "anonymity-00-works-listing")

    page.get_by_role("link", name=MASKED, exact=True).click()
    expect(page.locator("h1.work-title")).to_have_text(MASKED)
    expect(page.locator("p.work-byline")).to_have_text("by Anonymous")
    expect(page.locator(".banner--secret")).to_have_count(0)
    expect(page.locator(".comment__byline")).to_have_text(["Anonymous Creator"])
    assert WRITER not in page.content()
    screenshot(page, "anonymity-01-work-page-reader")

    # Given to the reader, it is a gift from "Anonymous"; the unrevealed one waits.
    page.goto(demo_url + "/works/gifts/")
    expect(page.locator(".draft-list__title")).to_have_text([f"{MASKED} by Anonymous"])
    screenshot(page, "anonymity-05-gifts")

    # The server's worker indexes new works: wait until search finds this one.
    deadline = time.monotonic() + 60
    while True:
        page.goto(f"{demo_url}/search/?q={WORD}")
        if page.get_by_role("link", name=MASKED, exact=True).count():
            break
        assert time.monotonic() < deadline, "the work was not indexed in time"
        time.sleep(1)
    assert blurb_byline(page, MASKED) == "by Anonymous"
    assert page.get_by_role("link", name=SEALED, exact=True).count() == 0
    assert WRITER not in page.content()
    screenshot(page, "anonymity-02-search-results")

    epub = page.request.get(f"{demo_url}/downloads/{works[MASKED]}/The_Masked_Lantern.epub")
    assert epub.status == 200
    with zipfile.ZipFile(io.BytesIO(epub.body())) as book:
        package = next(name for name in book.namelist() if name.endswith(".opf"))
        metadata = book.read(package).decode()
        everything = b"".join(book.read(name) for name in book.namelist())
    assert re.findall(r"<dc:creator[^>]*>([^<]*)</dc:creator>", metadata) == ["Anonymous"]
    assert WRITER.encode() not in everything

    # Asked for by its address (with the reader's session), it is not found.
    missing = page.request.get(f"{demo_url}/works/{works[SEALED]}/")
    assert missing.status == 404
    assert SEALED not in missing.text()


def test_the_creator_sees_their_name_and_what_readers_see(
    writer: Page, demo_url: str, works: dict[str, int]
) -> None:
    page = writer
    page.goto(f"{demo_url}/works/{works[MASKED]}/")
    expect(page.locator("p.work-byline")).to_have_text(f"by Anonymous [{WRITER}]")
    notice = page.locator(".banner--secret")
    expect(notice).to_contain_text("Anonymous in Masked Ball")
    expect(notice).to_contain_text("readers see “Anonymous” instead of its creators")
    expect(notice.get_by_role("link", name="Masked Ball")).to_be_visible()
    screenshot(page, "anonymity-03-work-page-creator")

    page.goto(f"{demo_url}/works/{works[SEALED]}/")
    expect(page.locator("h1.work-title")).to_have_text(SEALED)
    expect(page.locator(".banner--secret")).to_contain_text("Unrevealed in Sealed Letters")
    expect(page.locator(".download-menu")).to_have_count(0)
    screenshot(page, "anonymity-04-unrevealed-creator")

    page.goto(f"{demo_url}/users/{WRITER}/")
    expect(page.locator("h3.blurb__title")).to_have_count(2)
    assert blurb_byline(page, MASKED) == f"by Anonymous [{WRITER}]"
