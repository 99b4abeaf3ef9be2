"""A reader keeps a history, marks a work for later and mutes a creator, whose works then
leave the works index and the search, in Chromium against `quire serve --demo` under the
strict CSP to come (no inline script or style may run)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot, strict_context
from tests.browser.test_accounts import log_in
from tests.browser.test_community import _in_archive

pytestmark = pytest.mark.browser

READER = ("mina_mutes", "a-long-browser-password")
CREATOR = "lanternfish"
THEIRS = ("The Adventure of the Grinning Absence", "The Cold Road North")
"""Their works: one co-created with another creator, one of their own."""
OTHERS = "The Loom at Night"


@pytest.fixture
def reader(browser: Browser, demo_url: str, demo_data_dir: Path) -> Iterator[Page]:
    """A new member, signed in through the login page; fails on any console error."""
    create = "from quire.people.actions import do_create_user; do_create_user({!r}, password={!r})"
    _in_archive(demo_data_dir, create.format(*READER))
    context, errors = strict_context(browser)
    page = context.new_page()
    page.goto(demo_url + "/login/")
    log_in(page, *READER)
    site = page.get_by_role("navigation", name="Site")
    expect(site.get_by_role("link", name=READER[0])).to_be_visible()
    yield page
    context.close()
    assert errors == []


def titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator("h3.blurb__title").all_text_contents()]


def search_titles(page: Page, demo_url: str, words: str) -> list[str]:
    page.goto(f"{demo_url}/search/?q={words}")
    return titles(page)


def test_history_mark_for_later_and_muting_a_creator(reader: Page, demo_url: str) -> None:
    page = reader
    # The demo's works are indexed by the server's worker: wait until search finds them.
    deadline = time.monotonic() + 60
    while THEIRS[0] not in search_titles(page, demo_url, "grinning"):
        assert time.monotonic() < deadline, "the demo was not indexed in time"
        time.sleep(1)
    assert THEIRS[1] in search_titles(page, demo_url, "road")

    # Reading leaves a history; one work is marked for later from its page.
    page.goto(demo_url + "/works/")
    for title in (OTHERS, THEIRS[0]):
        page.goto(demo_url + "/works/")
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.locator("h1.work-title")).to_have_text(title)
    page.locator("#feedback").get_by_role("button", name="Mark for Later").click()
    expect(page.locator(".messages")).to_contain_text(f"“{THEIRS[0]}” is marked for later.")
    expect(page.locator("#feedback").get_by_role("button", name="Mark as Read")).to_be_visible()
    page.locator("#feedback").scroll_into_view_if_needed()
    screenshot(page, "mute-00-work-marked-for-later")

    page.goto(demo_url + "/history/")
    readings = page.locator("li.reading h3.blurb__title")
    expect(readings).to_have_text([THEIRS[0], OTHERS])
    expect(page.locator("li.reading").first).to_contain_text("Marked for later")
    screenshot(page, "mute-01-history")
    page.get_by_role("link", name="Marked for later").click()
    expect(page.locator("li.reading h3.blurb__title")).to_have_text([THEIRS[0]])

    # The creator's profile offers Mute and Block; muting asks first and says what it does.
    page.goto(f"{demo_url}/users/{CREATOR}/profile/")
    controls = page.locator(".person-controls")
    expect(controls.get_by_role("link", name=f"Mute {CREATOR}")).to_be_visible()
    expect(controls.get_by_role("link", name=f"Block {CREATOR}")).to_be_visible()
    screenshot(page, "mute-02-profile-buttons")
    controls.get_by_role("link", name=f"Mute {CREATOR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mute {CREATOR}?")
    screenshot(page, "mute-03-confirm")
    page.get_by_role("button", name=f"Yes, mute {CREATOR}").click()
    # Back on the profile (the strict-CSP route follows the redirect itself, so the
    # address bar keeps the form's URL: look at the page instead).
    expect(page.get_by_role("heading", level=1)).to_have_text(CREATOR)
    expect(page.locator(".messages")).to_contain_text(f"You muted {CREATOR}.")
    expect(controls.get_by_role("button", name=f"Unmute {CREATOR}")).to_be_visible()
    screenshot(page, "mute-04-profile-muted")
    # Their own page still lists what they wrote, and says they are muted, to this reader.
    page.goto(f"{demo_url}/users/{CREATOR}/")
    expect(page.locator("h3.blurb__title")).to_have_count(2)
    expect(page.locator(".person-controls__note")).to_have_text(
        f"You muted {CREATOR}. Only you can see this."
    )
    screenshot(page, "mute-05-creator-page-muted")

    # Their works, co-created ones too, leave the works index and the search.
    page.goto(demo_url + "/works/")
    expect(page.get_by_role("link", name=OTHERS, exact=True)).to_be_visible()
    for title in THEIRS:
        expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)
    assert search_titles(page, demo_url, "grinning") == []
    assert THEIRS[1] not in search_titles(page, demo_url, "road")
    assert not set(THEIRS) & set(search_titles(page, demo_url, ""))
    # Muting forbids nothing: the work still opens, and stays in the reader's history.
    page.goto(demo_url + "/history/")
    expect(page.locator("li.reading h3.blurb__title")).to_have_text([THEIRS[0], OTHERS])

    page.goto(demo_url + "/muted/")
    expect(page.locator(".person-list__name")).to_have_text([CREATOR])
    screenshot(page, "mute-06-muted-list")
    page.get_by_role("button", name=f"Unmute {CREATOR}").click()
    expect(page.locator(".messages")).to_contain_text(f"You unmuted {CREATOR}.")
    page.goto(demo_url + "/works/")
    expect(page.get_by_role("link", name=THEIRS[0], exact=True)).to_be_visible()

    # The same pages on a phone in the dark theme.
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="dark")
    page.goto(demo_url + "/history/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "mute-07-history-phone-dark")
    page.goto(f"{demo_url}/users/{CREATOR}/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "mute-08-creator-phone-dark")
