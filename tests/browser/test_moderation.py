"""Moderation in Chromium: a reader reports a work, an admin opens the queue from the
Moderation menu, hides the work and suspends its creator, and reads the audit log.

Served under the strict content security policy (no inline script or style); any
console error fails the test. The test puts the archive back as it found it (the
work shown again, the suspension lifted), through the same pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, screenshot, strict_context
from tests.browser.test_accounts import log_in, no_sideways_scroll
from tests.browser.test_community import _in_archive

pytestmark = pytest.mark.browser

WORK = "Ce que l'horloge ne disait pas"
CREATOR = "teacup_tempest"
READER = ("nightjar_reads", "a-long-browser-password")

MAKE_READER = f"""
from quire.people.actions import do_create_user
do_create_user("{READER[0]}", email="nightjar@example.org", password="{READER[1]}")
"""


def test_a_reader_reports_and_an_admin_hides_the_work_and_suspends_its_creator(
    browser: Browser,
    demo_url: str,
    demo_data_dir: Path,
    admin_with_an_import: tuple[str, str],
) -> None:
    _in_archive(demo_data_dir, MAKE_READER)
    reader_context, reader_errors = strict_context(browser, color_scheme="light")
    admin_context, admin_errors = strict_context(browser, color_scheme="light")
    reader, admin = reader_context.new_page(), admin_context.new_page()

    # A reader finds the work and reports it.
    reader.goto(demo_url + "/login/")
    log_in(reader, *READER)
    reader.goto(demo_url + "/works/")
    reader.get_by_role("link", name=WORK).click()
    work_url = reader.url
    report_link = reader.get_by_role("link", name="Report this work")
    report_link.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(ARTIFACTS / "moderation-00-report-link.png"))
    report_link.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(f"Report {WORK}")
    screenshot(reader, "moderation-01-report-form")
    reader.get_by_role("button", name="Send the report").click()
    expect(reader.locator(".errorlist").first).to_be_visible()
    reader.get_by_label("Wrong rating or warnings").check()
    reader.get_by_label("Tell us more").fill(
        "Chapter 2 has a graphic fight scene, but the work says no archive warnings apply."
    )
    reader.get_by_role("button", name="Send the report").click()
    expect(reader.get_by_role("status").first).to_contain_text("your report is with the")
    expect(reader.locator("h1.work-title")).to_have_text(WORK)

    # An admin opens the queue from the Moderation menu.
    admin.goto(demo_url + "/login/")
    log_in(admin, *admin_with_an_import)
    admin.get_by_role("navigation", name="Site").get_by_role("link", name="Moderation").click()
    expect(admin.get_by_role("heading", name="Moderation", level=1)).to_be_visible()
    screenshot(admin, "moderation-02-menu")
    admin.get_by_role("link", name="The report queue").click()
    card = admin.locator("li.report-card").filter(has_text=WORK)
    expect(card).to_contain_text("Wrong rating or warnings")
    expect(card).to_contain_text(f"reported by {READER[0]}")
    expect(card).to_contain_text(f"By: {CREATOR}")
    screenshot(admin, "moderation-03-queue")

    # It hides the work, with a reason its creator will read.
    card.get_by_text("Take action").click()
    card.get_by_label("Hide the work").check()
    card.get_by_label("Note", exact=True).fill("Needs the Graphic Depictions Of Violence warning.")
    screenshot(admin, "moderation-04-queue-action")
    card.get_by_role("button", name="Apply").click()
    expect(admin.get_by_role("status").first).to_contain_text("Hid a work")
    expect(admin.locator("li.report-card").filter(has_text=WORK)).to_have_count(0)
    admin.goto(work_url)
    expect(admin.locator(".banner--hidden")).to_contain_text(
        "This work is hidden by an admin: Needs the Graphic Depictions Of Violence warning."
    )
    admin.screenshot(path=str(ARTIFACTS / "moderation-04b-hidden-notice.png"))

    # It suspends the creator for three days, from the creator's account page.
    admin.get_by_role("navigation", name="Site").get_by_role("link", name="Moderation").click()
    admin.get_by_label("Username").fill(CREATOR)
    admin.get_by_role("button", name="Open its page").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(CREATOR)
    admin.get_by_label("Suspend", exact=True).check()
    admin.get_by_label("Days of suspension").fill("3")
    admin.get_by_label("Note", exact=True).fill(
        "Repeatedly mistagging works after being asked to fix them."
    )
    admin.get_by_role("button", name="Apply").click()
    expect(admin.get_by_role("status").first).to_contain_text("Suspended an account")
    expect(admin.locator(".pill--barred").first).to_contain_text("Suspended until")
    screenshot(admin, "moderation-05-account")

    # Readers no longer find the work; the audit log says who did what.
    reader.goto(demo_url + "/works/")
    expect(reader.get_by_role("link", name=WORK)).to_have_count(0)
    admin.goto(demo_url + "/staff/moderation/audit/")
    rows = admin.locator("table.audit-table tbody tr")
    expect(rows.nth(0)).to_contain_text("Suspended an account")
    expect(rows.nth(1)).to_contain_text("Hid a work")
    expect(rows.nth(1)).to_contain_text(WORK)
    no_sideways_scroll(admin)
    screenshot(admin, "moderation-06-audit-log")
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.goto(demo_url + "/staff/moderation/reports/?status=")
    no_sideways_scroll(admin)
    screenshot(admin, "moderation-07-queue-phone")
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.goto(demo_url + "/staff/moderation/audit/")

    # Put the archive back: the work shown again, the suspension lifted.
    admin.get_by_role("link", name=CREATOR).first.click()
    admin.get_by_label("Lift the suspension").check()
    admin.get_by_role("button", name="Apply").click()
    expect(admin.get_by_role("status").first).to_contain_text("Lifted a suspension")
    admin.goto(demo_url + "/staff/moderation/audit/")
    admin.get_by_role("link", name=WORK).first.click()
    admin.get_by_label("Show the work again").check()
    admin.get_by_role("button", name="Apply").click()
    expect(admin.get_by_role("status").first).to_contain_text("Unhid a work")
    reader.goto(demo_url + "/works/")
    expect(reader.get_by_role("link", name=WORK)).to_be_visible()

    reader_context.close()
    admin_context.close()
    assert reader_errors == []
    assert admin_errors == []
