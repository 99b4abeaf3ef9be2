"""A collection in Chromium against `quire serve --demo`, under the strict CSP: its owner
makes a moderated anonymous collection, a member posts a work to it, the owner approves
it on the items page, the work shows on the collection's works page as by "Anonymous"
with the search sidebar's filters working there, and revealing the creators names them."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import screenshot, serving, strict_context
from tests.browser.test_accounts import log_in, no_sideways_scroll
from tests.browser.test_community import _in_archive

pytestmark = pytest.mark.browser

OWNER = ("fest_keeper", "a-long-browser-password")
MEMBER = ("quiet_quill", "a-long-browser-password")
TITLE = "Lanterns Over the Harbour"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A demo archive of this module's own, with the two members."""
    data_dir = tmp_path_factory.mktemp("collections-archive")
    with serving(data_dir, "--demo") as url:
        create = "from quire.people.actions import do_create_user\n" + "".join(
            f"do_create_user({name!r}, password={password!r})\n"
            for name, password in (OWNER, MEMBER)
        )
        _in_archive(data_dir, create)
        yield url, data_dir


def signed_in(
    browser: Browser, url: str, who: tuple[str, str]
) -> tuple[BrowserContext, Page, list[str]]:
    context, errors = strict_context(browser, color_scheme="light")
    page = context.new_page()
    page.goto(url + "/login/")
    log_in(page, *who)
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name=who[0])
    ).to_be_visible()
    return context, page, errors


def test_a_moderated_anonymous_collection_from_creation_to_reveal(
    browser: Browser, archive: tuple[str, Path]
) -> None:
    url, _ = archive
    owner_context, owner, owner_errors = signed_in(browser, url, OWNER)
    member_context, member, member_errors = signed_in(browser, url, MEMBER)

    # The owner starts the collection from the header's "Collections".
    owner.get_by_role("navigation", name="Site").get_by_role("link", name="Collections").click()
    expect(owner.get_by_role("heading", name="Collections", exact=True)).to_be_visible()
    owner.get_by_role("link", name="New collection").click()
    owner.get_by_role("button", name="Create collection").click()
    expect(owner.locator(".field--invalid").first).to_contain_text(
        "Give the collection an address."
    )
    owner.get_by_label("Address").fill("harbour_fest")
    owner.get_by_label("Title").fill("Harbour Fest")
    owner.get_by_label("Description").fill("Stories of the sea, one a day.")
    owner.get_by_label("Moderated: new works wait for a maintainer's approval").check()
    owner.get_by_label("Anonymous: creators are hidden until revealed").check()
    screenshot(owner, "collections-01-new")
    owner.get_by_role("button", name="Create collection").click()
    expect(owner.get_by_role("status").first).to_contain_text("you are its owner")
    expect(owner.locator(".collection-profile__facts")).to_contain_text(
        "Yes: works wait for approval"
    )
    no_sideways_scroll(owner)
    screenshot(owner, "collections-02-profile")
    owner.get_by_role("link", name="Collections", exact=True).first.click()
    expect(owner.locator(".collection-card", has_text="Harbour Fest")).to_contain_text("Moderated")
    screenshot(owner, "collections-02-index")

    # A member joins and posts a work to it from the collection's page.
    member.goto(url + "/collections/harbour_fest/")
    member.get_by_role("button", name="Join").click()
    expect(member.get_by_role("status").first).to_contain_text("You joined Harbour Fest.")
    member.get_by_role("link", name="Post a new work to Harbour Fest").click()
    expect(member.get_by_label("Post to collections")).to_have_value("harbour_fest")
    member.get_by_label("General Audiences").check()
    member.get_by_label("No Archive Warnings Apply").check()
    member.get_by_label("Fandoms").fill("Original Work")
    member.get_by_label("Additional tags").fill("Lighthouses")
    member.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    member.get_by_label("Chapter text").fill("The lanterns came out one by one over the water.")
    member.get_by_role("button", name="Post", exact=True).click()
    expect(member.locator("h1.work-title")).to_have_text(TITLE)
    work_url = member.url
    expect(member.locator(".work-meta")).not_to_contain_text("Harbour Fest")  # not approved yet
    member.goto(url + "/collection-items/")
    expect(member.locator(".item-card", has_text=TITLE)).to_contain_text(
        "Waiting for the collection"
    )
    screenshot(member, "collections-03-member-items")

    # The owner approves it on the items page.
    owner.goto(url + "/collections/harbour_fest/")
    owner.get_by_role("navigation", name="Harbour Fest").get_by_role("link", name="Items").click()
    card = owner.locator(".item-card", has_text=TITLE)
    expect(card).to_contain_text("Waiting for the collection")
    screenshot(owner, "collections-03-items")
    card.get_by_role("button", name=f"Approve {TITLE}").click()
    expect(owner.get_by_role("status").first).to_contain_text("is approved")

    # The works page: by Anonymous, for a reader; the sidebar filters.
    guest_context, guest_errors = strict_context(browser, color_scheme="light")
    guest = guest_context.new_page()
    works_url = url + "/collections/harbour_fest/works/"
    deadline = time.monotonic() + 60
    guest.goto(works_url)
    while guest.locator("h3.blurb__title", has_text=TITLE).count() == 0:
        assert time.monotonic() < deadline, "the approved work was not indexed in time"
        time.sleep(1)
        guest.reload()
    blurb = guest.locator("li.blurb", has_text=TITLE)
    expect(blurb.locator(".blurb__byline")).to_have_text("by Anonymous")
    guest.get_by_label("Include Lighthouses").check()
    guest.get_by_role("button", name="Sort and filter").click()
    expect(guest.locator("h3.blurb__title")).to_have_text([TITLE])
    expect(guest.get_by_role("status").first).to_contain_text("1 work found")
    no_sideways_scroll(guest)
    screenshot(guest, "collections-04-works")
    guest.get_by_label("Exclude Lighthouses").check()
    guest.get_by_label("Include Lighthouses").uncheck()
    guest.get_by_role("button", name="Sort and filter").click()
    expect(guest.locator("h3.blurb__title")).to_have_count(0)
    guest.goto(work_url)
    expect(guest.locator(".work-meta")).to_contain_text(re.compile(r"Collection:\s*Harbour Fest"))
    expect(guest.locator(".work-byline")).not_to_contain_text(MEMBER[0])

    # The owner reveals the creators: the name shows.
    owner.goto(url + "/collections/harbour_fest/")
    owner.get_by_role("button", name="Reveal creators now").click()
    expect(owner.get_by_role("status").first).to_contain_text("The creators are revealed")
    deadline = time.monotonic() + 60
    while True:
        guest.goto(works_url)
        byline = guest.locator("li.blurb", has_text=TITLE).locator(".blurb__byline")
        if MEMBER[0] in (byline.text_content() or ""):
            break
        assert time.monotonic() < deadline, "the revealed creator was not shown in time"
        time.sleep(1)
    screenshot(guest, "collections-05-revealed")

    for context in (owner_context, member_context, guest_context):
        context.close()
    assert owner_errors == member_errors == guest_errors == []
