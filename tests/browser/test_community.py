"""A signed-in reader leaves kudos, bookmarks, subscribes, and finds the creator's new
chapter in their inbox, in Chromium against `quire serve --demo` (its worker delivers)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _quire_env, screenshot

pytestmark = pytest.mark.browser

WORK = "The Loom at Night"
READER = "rosa_reads"


def _in_archive(data_dir: Path, code: str) -> str:
    """Run Python in the served archive (`quire manage shell -c`), as its admin would."""
    command = [sys.executable, "-m", "quire", "--data-dir", str(data_dir), "manage", "shell"]
    done = subprocess.run(
        [*command, "-c", code], env=_quire_env(), check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


SIGN_IN = f"""
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from quire.people.actions import do_create_user
user = do_create_user("{READER}", email="rosa@example.org", password="a-long-browser-password")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""

NEW_CHAPTER = f"""
from quire.core.documents import ParsedChapter
from quire.works.actions import do_add_chapter
from quire.works.models import Work
work = Work.objects.get(title="{WORK}")
do_add_chapter(work, ParsedChapter(title="A Thread Picked Up", content="<p>She began again.</p>"))
"""


@pytest.fixture
def reader_page(browser: Browser, demo_url: str, demo_data_dir: Path) -> Page:
    """A page whose browser carries a signed-in session of a new reader."""
    key = _in_archive(demo_data_dir, SIGN_IN).splitlines()[-1]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": key, "url": demo_url}])
    return context.new_page()


def test_kudos_bookmark_subscribe_then_the_new_chapter_in_the_inbox(
    reader_page: Page, demo_url: str, demo_data_dir: Path
) -> None:
    page = reader_page
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name=WORK, exact=True).click()
    feedback = page.locator("#feedback")
    expect(feedback.get_by_role("button", name="Kudos")).to_be_visible()
    feedback.scroll_into_view_if_needed()
    screenshot(page, "community-01-work-controls")

    feedback.get_by_role("button", name="Kudos").click()
    expect(page.locator(".messages")).to_contain_text("Thank you for leaving kudos!")
    expect(page.locator("#kudos")).to_contain_text(f"{READER} left kudos on this work!")
    expect(page.locator("#feedback")).to_contain_text("You left kudos")
    expect(page.locator(".work-meta .stats")).to_contain_text("Kudos:1")

    page.locator("#feedback").get_by_role("link", name="Bookmark", exact=True).click()
    panel = page.locator("#bookmark-form")
    expect(panel).to_be_visible()
    panel.get_by_label("Notes").fill("<p>The <em>weaving</em> image stays with me.</p>")
    panel.get_by_label("Your tags").fill("Comfort Read, myth retellings")
    panel.get_by_label("Rec (recommend it to others)").check()
    panel.scroll_into_view_if_needed()
    screenshot(page, "community-02-bookmark-form")
    panel.get_by_role("button", name="Save bookmark").click()
    expect(page.locator(".messages")).to_contain_text("Your bookmark is saved.")
    expect(page.locator("#feedback").get_by_role("link", name="Edit bookmark")).to_be_visible()

    page.locator("#feedback").get_by_role("button", name="Subscribe").click()
    expect(page.locator(".messages")).to_contain_text(f"You're subscribed to “{WORK}”.")
    expect(page.locator("#feedback").get_by_role("button", name="Unsubscribe")).to_be_visible()
    page.locator("#feedback").scroll_into_view_if_needed()
    screenshot(page, "community-03-work-after")

    page.goto(demo_url + f"/users/{READER}/bookmarks/")
    bookmark = page.locator("li.bookmark")
    expect(bookmark.locator("h3.blurb__title")).to_have_text(WORK)
    expect(bookmark.locator(".bookmark__notes em")).to_have_text("weaving")
    expect(bookmark.get_by_role("link", name="Comfort Read")).to_be_visible()
    screenshot(page, "community-04-bookmarks")

    _in_archive(demo_data_dir, NEW_CHAPTER)
    inbox_link = page.get_by_role("navigation", name="Site").get_by_role("link", name="Inbox")
    deadline = time.monotonic() + 60
    while True:
        page.goto(demo_url + "/inbox/")
        if page.locator("li.inbox-entry").count() or time.monotonic() > deadline:
            break
        time.sleep(1)
    entry = page.locator("li.inbox-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(f"Chapter 3: A Thread Picked Up of {WORK}")
    expect(inbox_link).to_contain_text("1 unread")
    screenshot(page, "community-05-inbox")

    entry.get_by_role("link", name="Chapter 3: A Thread Picked Up").click()
    expect(page.locator("h2.chapter-title")).to_contain_text("A Thread Picked Up")
    expect(inbox_link).to_have_text("Inbox")

    # The same pages on a phone, in the dark theme a device may ask for.
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="dark")
    page.goto(demo_url + "/inbox/")
    expect(page.locator("li.inbox-entry")).to_have_count(1)
    screenshot(page, "community-06-inbox-phone-dark")
    page.goto(demo_url + f"/users/{READER}/bookmarks/")
    screenshot(page, "community-07-bookmarks-phone-dark")
