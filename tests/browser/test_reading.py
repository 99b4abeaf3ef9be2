"""A reader's path through the demo archive in Chromium, with screenshots to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_home_shows_recent_works(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/")
    expect(page.get_by_role("heading", name="Recently updated")).to_be_visible()
    assert page.locator("li.blurb").count() >= 8
    expect(page.locator("li.blurb .required-tags").first).to_be_visible()
    screenshot(page, "01-home")


def test_adult_notice_then_reading_remembered(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name="Proof", exact=True).click()
    expect(page.get_by_role("heading", name="This work could have adult content")).to_be_visible()
    expect(page.locator(".chapter-text")).to_have_count(0)
    screenshot(page, "02-adult-notice")
    page.get_by_role("link", name="Yes, Continue").click()
    expect(page.locator(".chapter-text")).to_be_visible()
    expect(page.locator("h1.work-title")).to_have_text("Proof")
    screenshot(page, "03-explicit-work")
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name="Proof", exact=True).click()
    expect(page.locator(".chapter-text")).to_be_visible()


def test_page_through_chapters(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name="An Inventory of Small Kindnesses").click()
    expect(page.locator("h2.chapter-title")).to_contain_text("Chapter 1")
    screenshot(page, "04-chapter-1")
    seen = [page.locator("h2.chapter-title").inner_text()]
    top_nav = page.get_by_role("navigation", name="Chapters", exact=True)
    while top_nav.get_by_role("link", name="Next Chapter →").count():
        top_nav.get_by_role("link", name="Next Chapter →").click()
        seen.append(page.locator("h2.chapter-title").inner_text())
    assert [re.match(r"Chapter \d+", title).group(0) for title in seen] == [
        f"Chapter {number}" for number in range(1, len(seen) + 1)
    ]
    assert len(seen) == 4
    expect(page.locator("#work-endnotes")).to_be_visible()
    screenshot(page, "05-last-chapter")
    top_nav.get_by_role("link", name="Entire Work").click()
    expect(page.locator("section.chapter")).to_have_count(4)
    top_nav = page.get_by_role("navigation", name="Chapters", exact=True)
    top_nav.get_by_role("link", name="Chapter Index").click()
    expect(page.locator("ol.chapter-index li")).to_have_count(4)


def test_restricted_work_is_hidden_from_guests(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/works/")
    expect(page.get_by_role("link", name="The Cold Road North")).to_have_count(0)


def test_tag_creator_and_series_pages(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/works/")
    page.locator("li.blurb").filter(has_text="The Borrowed Umbrella").get_by_role(
        "link", name="Small Hours at Baker Street"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Small Hours at Baker Street")
    expect(page.locator("li.blurb")).to_have_count(3)
    screenshot(page, "06-series")
    page.locator("li.blurb").first.get_by_role("link", name="inkwell_otter").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("inkwell_otter")
    screenshot(page, "07-creator")
    page.locator("li.blurb").first.get_by_role(
        "link", name="Sherlock Holmes - Arthur Conan Doyle"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sherlock Holmes - Arthur Conan Doyle"
    )
    assert page.locator("li.blurb").count() >= 3
    screenshot(page, "08-tag")


def test_keyboard_reaches_the_content_first(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/works/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_small_screen_has_no_sideways_scrolling(browser: Browser, demo_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    for path in ["/", "/works/4/"]:
        phone.goto(demo_url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
    screenshot(phone, "09-phone-work")
    context.close()


def test_an_admin_reads_the_import_history(
    page: Page, demo_url: str, admin_with_an_import: tuple[str, str]
) -> None:
    username, password = admin_with_an_import
    page.goto(demo_url + "/imports/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Import history")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="broken.epub")).to_contain_text("Failed")
    expect(rows.filter(has_text="wip.html")).to_contain_text("Created")
    screenshot(page, "10-import-history")
    rows.filter(has_text="wip.html").get_by_role("link").first.click()
    expect(page.locator(".chapter-text").first).to_be_visible()


def test_a_wrangler_cleans_tags_and_filtering_follows(
    page: Page, demo_url: str, admin_with_an_import: tuple[str, str]
) -> None:
    username, password = admin_with_an_import
    page.goto(demo_url + "/tags/wrangle/?type=freeform")
    if page.get_by_label("Username").count():
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Tag wrangling")).to_be_visible()
    screenshot(page, "11-wrangling-queue")
    page.get_by_label("Tag name contains").fill("Friendship")
    page.get_by_role("button", name="Show").click()
    page.get_by_label("Friendship", exact=True).check()
    page.get_by_label("Action").select_option("canonical")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("Made 1 tag canonical.")

    page.goto(demo_url + "/tags/Found%20Family/edit/")
    page.get_by_label("Meta tags").fill("Friendship")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Found Family.")
    expect(page.locator("section", has_text="Meta tags")).to_contain_text("Friendship")

    # The background worker started by `quire serve` re-files the works; wait for it.
    friendship_works = demo_url + "/tags/Friendship/works/"
    for _ in range(40):
        page.goto(friendship_works)
        if page.get_by_role("link", name="A Matter of Small Returns").count():
            break
        page.wait_for_timeout(500)
    expect(page.get_by_role("link", name="A Matter of Small Returns")).to_be_visible()
    expect(page.get_by_role("link", name="The Borrowed Umbrella")).to_be_visible()
    screenshot(page, "12-filtered-through-meta-tag")


def test_suggested_tags_are_offered_with_evidence_and_added_on_request(
    page: Page, demo_url: str, admin_with_an_import: tuple[str, str]
) -> None:
    username, password = admin_with_an_import
    page.goto(demo_url + "/admin/login/?next=/works/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="What the Fog Kept").click()
    work_url = page.url
    page.goto(work_url.rstrip("/") + "/suggested-tags/")
    characters = page.get_by_role("group", name="Characters")
    expect(characters).to_contain_text("John Watson")
    expect(characters.locator(".evidence").first).to_be_visible()
    screenshot(page, "13-suggested-tags")
    offered = page.locator("input[type=checkbox]:not([disabled])")
    assert offered.count() > 0
    name = offered.first.get_attribute("value")
    offered.first.check()
    page.get_by_role("button", name="Add the ticked tags").click()
    expect(page.get_by_role("status")).to_contain_text(f"Added {name}.")


def test_search_inside_the_stories_with_the_keyboard(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/")
    page.get_by_role("link", name="Search", exact=True).click()
    box = page.get_by_label("Search words")
    # The worker started by `quire serve` indexes the demo in the background.
    for _ in range(40):
        box.fill("umbrella")
        box.press("Enter")
        if page.locator("li.blurb").count():
            break
        page.wait_for_timeout(500)
    expect(page.get_by_role("status")).to_contain_text("1 work found")
    expect(page.locator(".snippets mark").first).to_have_text("umbrella")
    screenshot(page, "14-search")
    page.get_by_label("Search words").fill("baker OR loom")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("works found")
    facets = page.get_by_role("complementary", name="Filters")
    fandom = facets.get_by_role("group", name="Fandoms").get_by_role("checkbox").first
    fandom.focus()
    page.keyboard.press("Space")
    expect(fandom).to_be_checked()
    facets.get_by_role("button", name="Sort and filter").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("found")
    screenshot(page, "15-search-filtered")
