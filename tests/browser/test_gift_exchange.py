"""A gift exchange from sign-ups to reveal in Chromium against `quire serve --demo`, under
the strict CSP: a moderator creates the exchange and sets it up, three participants
sign up (Ana asks for a fandom only Ben offers), matching runs on the worker and
matches everyone with reasons, the assignments go out, Ben posts his gift from "Post to
fulfill", Cat defaults and Dan pinch hits, the moderator reveals, and Ana finds her gift
credited to Ben."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import screenshot, serving, strict_context
from tests.browser.test_accounts import log_in, no_sideways_scroll
from tests.browser.test_community import _in_archive

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-password"
KEEPER, ANA, BEN, CAT, DAN = "swap_keeper", "ana_reads", "ben_writes", "cat_drafts", "dan_helps"
RARE, COMMON = "Lantern Keepers", "Harbour Town"
GIFT = "The Lamp Left Burning"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("exchange-archive")
    with serving(data_dir, "--demo") as url:
        create = "from quire.people.actions import do_create_user\n" + "".join(
            f"do_create_user({name!r}, email='{name}@example.org', password={PASSWORD!r})\n"
            for name in (KEEPER, ANA, BEN, CAT, DAN)
        )
        _in_archive(data_dir, create)
        yield url, data_dir


class People:
    """A signed-in browser context per member, each with the errors it saw."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser, self.url = browser, url
        self.contexts: list[tuple[BrowserContext, list[str]]] = []

    def page_of(self, name: str) -> Page:
        context, errors = strict_context(self.browser, color_scheme="light")
        self.contexts.append((context, errors))
        page = context.new_page()
        page.goto(self.url + "/login/")
        log_in(page, name, PASSWORD)
        expect(
            page.get_by_role("navigation", name="Site").get_by_role("link", name=name)
        ).to_be_visible()
        return page

    def errors(self) -> list[str]:
        return [error for _, errors in self.contexts for error in errors]

    def close(self) -> None:
        for context, _ in self.contexts:
            context.close()


def sign_up(page: Page, url: str, request: str, offers: list[str]) -> None:
    page.goto(url + "/collections/winter_swap/")
    page.get_by_role("navigation", name="Winter Swap").get_by_role(
        "link", name="Gift exchange"
    ).click()
    page.get_by_role("link", name="Sign up", exact=True).click()
    page.locator("#id_request-1-fandom").fill(request)
    for number, fandom in enumerate(offers, start=1):
        page.locator(f"#id_offer-{number}-fandom").fill(fandom)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status").first).to_contain_text("You're signed up!")


def wait_for(page: Page, text: str, seconds: float = 60) -> None:
    """Reload until the page shows `text` (work the archive's worker does)."""
    deadline = time.monotonic() + seconds
    while text not in (page.locator("main").text_content() or ""):
        assert time.monotonic() < deadline, f"{text!r} did not appear in time"
        time.sleep(1)
        page.reload()


def test_a_gift_exchange_from_signups_to_reveal(
    browser: Browser, archive: tuple[str, Path]
) -> None:
    url, _ = archive
    people = People(browser, url)
    keeper = people.page_of(KEEPER)

    # The moderator creates the exchange and sets it up.
    keeper.goto(url + "/collections/new/")
    keeper.get_by_label("Address").fill("winter_swap")
    keeper.get_by_label("Title").fill("Winter Swap")
    keeper.get_by_label("Kind").select_option("gift_exchange")
    keeper.get_by_role("button", name="Create collection").click()
    keeper.get_by_role("navigation", name="Winter Swap").get_by_role(
        "link", name="Gift exchange"
    ).click()
    keeper.get_by_role("link", name="Set up the challenge").click()
    keeper.get_by_label("Sign-ups are open").check()
    keeper.get_by_label("Offers: at most").fill("2")
    keeper.get_by_label("Assignments are due on").fill("2031-01-10T12:00")
    keeper.get_by_label("Participants may see the sign-up summary").check()
    expect(keeper.get_by_label('Characters: "Any" allowed')).to_be_checked()
    screenshot(keeper, "exchange-01-settings")
    keeper.get_by_role("button", name="Set up the challenge").click()
    expect(keeper.get_by_role("status").first).to_contain_text("The challenge is saved.")
    expect(keeper.locator(".challenge-status h2")).to_have_text("Sign-ups are open")
    no_sideways_scroll(keeper)
    screenshot(keeper, "exchange-02-overview")

    # Three participants sign up; Ana's first try names what is missing.
    ana, ben, cat = people.page_of(ANA), people.page_of(BEN), people.page_of(CAT)
    ana.goto(url + "/collections/winter_swap/signups/new/")
    ana.locator("#id_offer-1-fandom").fill(COMMON)
    ana.get_by_role("button", name="Sign up").click()
    summary = ana.locator(".error-summary")
    expect(summary).to_contain_text("Request 1 · Fandoms: choose at least 1 fandom.")
    screenshot(ana, "exchange-03-signup-error")
    summary.get_by_role("link").first.click()
    expect(ana.locator("#id_request-1-fandom")).to_be_focused()
    ana.locator("#id_request-1-fandom").fill(RARE)
    ana.locator("#id_request-1-character_any").check()
    ana.locator("#id_request-1-description").fill("Quiet lamplight, and someone coming home.")
    ana.get_by_role("button", name="Sign up").click()
    expect(ana.get_by_role("status").first).to_contain_text("You're signed up!")
    screenshot(ana, "exchange-04-signup")
    sign_up(ben, url, COMMON, [COMMON, RARE])
    sign_up(cat, url, COMMON, [COMMON])

    keeper.goto(url + "/collections/winter_swap/summary/")
    expect(keeper.locator(".summary-table tbody tr")).to_have_count(2)
    screenshot(keeper, "exchange-05-summary")

    # Matching runs on the worker; the page follows it and shows everyone matched.
    keeper.goto(url + "/collections/winter_swap/matching/")
    keeper.get_by_role("button", name="Generate matches").click()
    expect(keeper.locator(".matching-run strong")).to_have_text("3 of 3", timeout=60_000)
    table = keeper.locator(".review-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    ana_row = table.locator("tr", has=keeper.get_by_role("rowheader", name=ANA))
    expect(ana_row).to_contain_text(BEN)
    expect(ana_row).to_contain_text(f"Request 1 matches offer 2 (Fandom: {RARE}")
    expect(keeper.get_by_role("heading", name="Not matched")).to_have_count(0)
    no_sideways_scroll(keeper)
    screenshot(keeper, "exchange-06-matches")
    keeper.get_by_role("button", name="Send assignments").click()
    expect(keeper.get_by_role("status").first).to_contain_text("The assignments are sent")

    # Ben finds his assignment and posts his gift from "Post to fulfill".
    ben.goto(url + "/account/")
    ben.get_by_role("link", name=f"Your gift for {ANA}").click()
    expect(ben.locator(".prompt-card")).to_contain_text(RARE)
    expect(ben.locator(".prompt-card")).to_contain_text("Quiet lamplight")
    screenshot(ben, "exchange-07-assignment")
    ben.get_by_role("link", name="Post to fulfill").click()
    expect(ben.get_by_label("Post to collections")).to_have_value("winter_swap")
    expect(ben.get_by_label("Gift this work to")).to_have_value(ANA)
    ben.get_by_label("General Audiences").check()
    ben.get_by_label("No Archive Warnings Apply").check()
    ben.get_by_label("Fandoms").fill(RARE)
    ben.get_by_role("textbox", name="Title", exact=True).fill(GIFT)
    ben.get_by_label("Chapter text").fill("The lamp was still burning when she came back.")
    ben.get_by_role("button", name="Post", exact=True).click()
    expect(ben.locator("h1.work-title")).to_have_text(GIFT)
    gift_url = ben.url
    ben.goto(url + "/challenges/assignments/")
    expect(ben.locator(".challenge-list")).to_contain_text("Fulfilled")

    # Cat can't make hers; the moderator sees the default and Dan pinch hits.
    cat.goto(url + "/challenges/assignments/")
    cat.locator(".challenge-list a").first.click()
    cat.get_by_text("I can't do this").click()
    cat.get_by_role("button", name="Default on this assignment").click()
    expect(cat.get_by_role("status").first).to_contain_text("You have defaulted")
    dan = people.page_of(DAN)
    dan.goto(url + "/collections/winter_swap/")
    dan.get_by_role("button", name="Join").click()
    keeper.goto(url + "/collections/winter_swap/assignments/")
    expect(keeper.locator(".assignment-table")).to_contain_text("Defaulted")
    keeper.get_by_label("Pinch hitter").fill(DAN)
    screenshot(keeper, "exchange-08-default")
    keeper.get_by_role("button", name="Assign the pinch hitter").click()
    expect(keeper.get_by_role("status").first).to_contain_text(f"{DAN} is pinch hitting")
    expect(keeper.locator(".assignment-table")).to_contain_text("Covered by a pinch hitter")
    screenshot(keeper, "exchange-09-pinch-hit")
    dan.goto(url + "/challenges/assignments/")
    expect(dan.locator(".challenge-list")).to_contain_text("Pinch hit")

    # Until the reveal, Ana cannot see her gift; then she finds it, credited to Ben.
    assert ana.request.get(gift_url).status == 404
    keeper.get_by_role("button", name="Reveal works now").click()
    expect(keeper.get_by_role("status").first).to_contain_text("The works are revealed")
    keeper.goto(url + "/collections/winter_swap/assignments/")
    keeper.get_by_role("button", name="Reveal creators now").click()
    expect(keeper.get_by_role("status").first).to_contain_text("The creators are revealed")
    ana.goto(url + "/works/gifts/")
    ana.get_by_role("link", name=GIFT).click()
    expect(ana.locator("h1.work-title")).to_have_text(GIFT)
    expect(ana.locator(".work-byline")).to_contain_text(BEN)
    no_sideways_scroll(ana)
    screenshot(ana, "exchange-10-gift")

    errors = people.errors()
    people.close()
    assert errors == []
