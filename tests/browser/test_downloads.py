"""Downloading a work in Chromium, with the keyboard only: the menu opens, the link is
reachable, and the file that arrives is an EPUB."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

WORK = "An Inventory of Small Kindnesses"


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement.textContent.trim()"))


def test_the_download_menu_works_from_the_keyboard(
    page: Page, demo_url: str, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name=WORK).click()
    menu = page.locator("details.download-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="EPUB")).to_be_hidden()

    # From the last tag of the work's header, Tab reaches the menu's button.
    page.locator(".work-meta a").last.focus()
    for _ in range(20):
        if page.evaluate("document.activeElement.matches('summary.download-menu__toggle')"):
            break
        page.keyboard.press("Tab")
    assert _focused(page).startswith("Download")

    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    formats = menu.get_by_role("link")
    expect(formats).to_have_text(["EPUB", "PDF", "HTML", "Text"])
    page.keyboard.press("Tab")
    assert _focused(page) == "EPUB"
    screenshot(page, "20-download-menu")

    with page.expect_download() as arriving:
        page.keyboard.press("Enter")
    download = arriving.value
    assert download.suggested_filename == "An Inventory of Small Kindnesses.epub"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as book:
        assert book.namelist()[0] == "mimetype"
        assert book.read("mimetype") == b"application/epub+zip"
        assert "OEBPS/content.opf" in book.namelist()

    # Space closes the menu again, as it opened it.
    page.locator("summary.download-menu__toggle").focus()
    page.keyboard.press("Space")
    expect(menu).not_to_have_attribute("open", "")
    assert errors == []
