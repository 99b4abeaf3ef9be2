"""Writing in Chromium against `quire serve --demo`, under the strict CSP to come (no
inline script or style may run): a member posts a two-chapter work, choosing tags with
the archive's autocompletion and the keyboard, finds it on the works index and in the
search, edits it, and uploads a zip of files to review."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import screenshot, serving, strict_context
from tests.browser.test_accounts import log_in, no_sideways_scroll
from tests.browser.test_community import _in_archive
from tests.zips import zip_of

pytestmark = pytest.mark.browser

WRITER = ("wren_writes", "a-long-browser-password")
TITLE = "The Fog at Baker Street"
FIRST = (
    "The fog came up the river before noon, and by one o'clock Holmes had given up the "
    "window.\n\nWatson read the paper aloud; neither of them listened."
)
SECOND = "A knock, at last. Mrs. Hudson, and behind her a stranger with a *wet* umbrella."


@pytest.fixture(scope="module")
def posting_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A demo archive of this module's own: the works and uploads posted here must not
    change what the other browser tests find in the shared one."""
    data_dir = tmp_path_factory.mktemp("posting-archive")
    with serving(data_dir, "--demo") as url:
        yield url, data_dir


@pytest.fixture
def demo_url(posting_archive: tuple[str, Path]) -> str:
    return posting_archive[0]


@pytest.fixture
def demo_data_dir(posting_archive: tuple[str, Path]) -> Path:
    return posting_archive[1]


@pytest.fixture
def writer(browser: Browser, demo_url: str, demo_data_dir: Path) -> Iterator[Page]:
    """A new member, signed in through the login page; fails on any console error."""
    create = (
        "from quire.people.actions import do_create_user\n"
        "from quire.people.models import User\n"
        "if not User.objects.filter(username={0!r}).exists():\n"
        "    do_create_user({0!r}, password={1!r})"
    )
    _in_archive(demo_data_dir, create.format(*WRITER))
    context, errors = strict_context(browser, color_scheme="light")
    page = context.new_page()
    page.goto(demo_url + "/login/")
    log_in(page, *WRITER)
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name=WRITER[0])
    ).to_be_visible()
    yield page
    context.close()
    assert errors == []


def choose_from_autocomplete(field: Locator, typed: str, wanted: str) -> None:
    """Type the start of a tag, wait for the archive's suggestion, take it with the
    keyboard; Enter then ends the tag, ready for the next."""
    field.focus()
    field.press_sequentially(typed, delay=40)
    option = field.page.locator(f"datalist#{field.get_attribute('list')} option[value='{wanted}']")
    expect(option).to_have_count(1)
    field.press("ArrowDown")
    field.press("Enter")
    if field.input_value().rstrip(", ") != wanted:  # headless: no native list to pick from
        field.fill(wanted)
        field.press("Enter")
    expect(field).to_have_value(wanted + ", ")


def search_titles(page: Page, demo_url: str, words: str) -> list[str]:
    page.goto(f"{demo_url}/search/?q={words}")
    return [title.strip() for title in page.locator("h3.blurb__title").all_text_contents()]


def test_post_a_two_chapter_work_and_find_it(writer: Page, demo_url: str) -> None:
    page = writer
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Post new work").click()
    expect(page.get_by_role("heading", name="Post a new work")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "posting-01-new-work-form")

    # Posting with nothing filled in: the problems are summed up, the focus on them.
    page.get_by_role("button", name="Post", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose a rating.")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("Fandoms")).click()
    expect(page.get_by_label("Fandoms")).to_be_focused()

    # Required tags, by keyboard: arrows move between ratings, space ticks a warning.
    page.get_by_label("General Audiences").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Teen And Up Audiences")).to_be_checked()
    page.get_by_label("No Archive Warnings Apply").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("No Archive Warnings Apply")).to_be_checked()
    page.get_by_label("Gen", exact=True).focus()
    page.keyboard.press("Space")
    choose_from_autocomplete(
        page.get_by_label("Fandoms"), "Sherlock", "Sherlock Holmes - Arthur Conan Doyle"
    )
    choose_from_autocomplete(page.get_by_label("Characters"), "John W", "John Watson")
    choose_from_autocomplete(
        page.get_by_label("Characters"), "Mrs. Hud", "John Watson, Mrs. Hudson"
    )
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value(
        ""
    )  # Enter sent nothing
    page.get_by_label("Additional tags").fill("Fog, Rainy Day")

    page.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    page.get_by_label("Summary", exact=True).fill("A long afternoon indoors.")
    page.get_by_label("Planned chapters").fill("2")
    page.get_by_label("Chapter title").fill("Noon")
    page.get_by_label("Chapter text").fill(FIRST)

    # Preview: the work as it will look, nothing saved yet, and suggested tags.
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("section.preview")
    expect(preview).to_contain_text(TITLE)
    expect(preview).to_contain_text("Watson read the paper aloud")
    expect(preview).to_contain_text("Teen And Up Audiences")
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value(TITLE)
    screenshot(page, "posting-02-preview")
    chips = page.locator("button.suggestion-chip[data-tag-type='character']")
    if chips.count():
        chip = chips.first
        name = chip.get_attribute("data-tag-name") or ""
        chip.click()
        expect(chip).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_label("Characters")).to_have_value(re.compile(re.escape(name)))

    # Post from under the preview.
    preview.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Your work is posted.")
    expect(page.locator("h1.work-title")).to_have_text(TITLE)
    work_url = page.url

    # The second chapter, posted from the work page's "Add chapter".
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Add chapter").click()
    expect(page.get_by_role("heading", name="Add chapter 2")).to_be_visible()
    page.get_by_label("Chapter title").fill("A Knock")
    page.get_by_label("Markdown").check()
    page.get_by_label("Chapter text").fill(SECOND)
    screenshot(page, "posting-07-add-chapter")
    page.get_by_role("button", name="Post chapter").click()
    expect(page.locator("h2.chapter-title")).to_contain_text("Chapter 2: A Knock")
    expect(page.locator(".chapter-text em")).to_have_text("wet")

    # On the works index at once, and in the search once the worker has indexed it.
    page.goto(demo_url + "/works/")
    blurb = page.locator("li.blurb", has=page.get_by_role("link", name=TITLE, exact=True))
    expect(blurb).to_contain_text("2/2")
    deadline = time.monotonic() + 60
    while TITLE not in search_titles(page, demo_url, "umbrella"):
        assert time.monotonic() < deadline, "the new work was not indexed in time"
        time.sleep(1)

    # The edit page: the metadata, the chapters beside it, suggestions from the text.
    page.goto(work_url)
    tools = page.get_by_role("navigation", name="Your work")
    tools.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name=f"Edit “{TITLE}”")).to_be_visible()
    expect(page.locator(".chapter-list li")).to_have_count(2)
    no_sideways_scroll(page)
    screenshot(page, "posting-03-edit-page")
    # Reordering: the script's "move up" button renumbers; the order is saved.
    page.get_by_role("link", name="Reorder").click()
    page.get_by_role("button", name="Move up: Chapter 2: A Knock").click()
    expect(page.get_by_label("Place of Chapter 2: A Knock")).to_have_value("1")
    screenshot(page, "posting-08-reorder")
    page.get_by_role("button", name="Save the order").click()
    expect(page.locator(".chapter-list li").first).to_contain_text("Chapter 1: A Knock")
    page.get_by_role("link", name="Reorder").click()
    page.get_by_role("button", name="Move down: Chapter 1: A Knock").click()
    page.get_by_role("button", name="Save the order").click()
    expect(page.locator(".chapter-list li").first).to_contain_text("Chapter 1: Noon")
    page.get_by_label("Summary", exact=True).fill("A long, foggy afternoon indoors.")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("section.summary")).to_contain_text("foggy afternoon")
    expect(page.get_by_role("navigation", name="Your work")).to_be_visible()
    screenshot(page, "posting-05-work-page-for-its-creator")


def test_upload_a_zip_and_review_it(writer: Page, demo_url: str, tmp_path: Path) -> None:
    page = writer
    story = "The Lantern Road\n\nThey walked until the lanterns ran out.\n\nThen they kept walking."
    bundle = tmp_path / "stories.zip"
    bundle.write_bytes(
        zip_of({"lantern-road.txt": story.encode(), "cover.png": b"\x89PNG\r\n\x1a\n" + bytes(64)})
    )
    page.goto(demo_url + "/account/")
    page.get_by_role("link", name="Upload works from files").click()
    page.get_by_label("Files").set_input_files(str(bundle))
    page.get_by_role("button", name="Upload and read").click()
    expect(page.locator(".upload-list")).to_contain_text("cover.png")
    expect(page.locator(".upload-list__item--failed")).to_contain_text("Not read")
    page.get_by_role("link", name="Review the works").click()
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value("The Lantern Road")
    screenshot(page, "posting-04-upload-review")
    page.get_by_label("General Audiences").check()
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".upload-list")).to_contain_text("Posted")
    page.goto(demo_url + "/account/")
    expect(page.get_by_role("heading", name="Writing")).to_be_visible()
    screenshot(page, "posting-06-dashboard")
