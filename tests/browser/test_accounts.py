"""Accounts in Chromium: an admin opens sign-up, a newcomer signs up, follows the link
the server wrote to its mail folder, logs in and changes a preference.

Pages are served under a strict content security policy (no inline script or
style) and any console error fails the test.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot, strict_context

pytestmark = pytest.mark.browser

NEWCOMER = ("Wren_Reads", "wren@example.org", "lanterns over the harbour")


def emailed_link(mail_dir: Path, address: str, seconds: float = 15) -> str:
    """The confirmation link in the newest email the server wrote for `address`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in sorted(mail_dir.glob("*.log"), key=lambda path: path.stat().st_mtime):
            text = message.read_text(encoding="utf-8")
            if f"To: {address}" in text:
                found = re.search(r"https?://\S+/signup/confirm/\S+/", text)
                assert found, text
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no email to {address} in {mail_dir}")


def log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_sign_up_confirm_log_in_and_change_a_preference(
    browser: Browser,
    demo_url: str,
    demo_data_dir: Path,
    admin_with_an_import: tuple[str, str],
) -> None:
    context, errors = strict_context(browser, color_scheme="light")
    page = context.new_page()

    # An admin opens sign-up to everyone.
    page.goto(demo_url + "/login/")
    log_in(page, *admin_with_an_import)
    expect(page.get_by_role("heading", name="Running the archive")).to_be_visible()
    page.get_by_role("link", name="Archive settings").click()
    page.get_by_label("Open: anyone can create an account").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("The archive's settings are saved.")
    screenshot(page, "accounts-01-archive-settings")
    page.goto(demo_url + "/staff/invitations/")
    expect(page.get_by_role("heading", name="Invitations", exact=True)).to_be_visible()
    screenshot(page, "accounts-01b-invitation-queue")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")

    # A newcomer signs up.
    username, email, password = NEWCOMER
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    screenshot(page, "accounts-02-sign-up")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()

    # Before the link is followed, the account cannot log in.
    page.goto(demo_url + "/login/")
    log_in(page, username, password)
    expect(page.get_by_role("alert")).to_contain_text("isn't confirmed yet")

    # The server wrote the email to its data directory; the link switches the account on.
    page.goto(emailed_link(demo_data_dir / "mail", email))
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed.")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "accounts-03-log-in")
    log_in(page, email, password)
    expect(page.get_by_role("heading", name=username)).to_be_visible()
    header = page.get_by_role("navigation", name="Site")
    expect(header.get_by_role("link", name=username)).to_have_attribute("href", "/account/")
    screenshot(page, "accounts-04-dashboard")

    # A preference: archive warnings become a "Show warnings" disclosure.
    page.get_by_role("link", name="Change preferences").click()
    page.get_by_label("Hide archive warnings").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Your preferences are saved.")
    screenshot(page, "accounts-05-preferences")
    page.goto(demo_url + "/works/")
    first = page.locator("li.blurb").first
    disclosure = first.locator("details.spoiler")
    expect(disclosure.locator("summary")).to_have_text("Show warnings")
    expect(first.locator(".tag-list__item--warning").first).to_be_hidden()
    disclosure.locator("summary").click()
    expect(first.locator(".tag-list__item--warning").first).to_be_visible()
    screenshot(page, "accounts-06-warnings-shown-on-request")

    # A second pseud, and the profile that lists both.
    page.goto(demo_url + "/account/")
    page.get_by_role("link", name="New pseud").click()
    page.get_by_label("Name").fill("Wren at Night")
    page.get_by_label("Description").fill("<p>For the <em>darker</em> stories.</p>")
    page.get_by_role("button", name="Create pseud").click()
    expect(page.get_by_role("status")).to_contain_text("You can now write as Wren at Night.")
    expect(page.locator("h2.pseud__name")).to_have_count(2)
    screenshot(page, "accounts-07-pseuds")
    page.goto(demo_url + f"/users/{username}/profile/")
    expect(page.get_by_role("link", name="Wren at Night")).to_be_visible()
    screenshot(page, "accounts-08-profile")

    context.close()
    assert errors == []


def test_account_pages_fit_a_phone(browser: Browser, demo_url: str) -> None:
    context, errors = strict_context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="dark"
    )
    page = context.new_page()
    for path, name in [
        ("/login/", "accounts-09-phone-log-in"),
        ("/signup/", "accounts-10-phone-sign-up"),
    ]:
        page.goto(demo_url + path)
        no_sideways_scroll(page)
        screenshot(page, name)
    context.close()
    assert errors == []
