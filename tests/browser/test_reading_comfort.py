"""Reading comfort in Chromium: reader settings, chapter keys, print styles.

Every page here is served with a strict content security policy (no inline
script or style), and any console error fails the test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, screenshot, strict_context

pytestmark = pytest.mark.browser

MULTI_CHAPTER_WORK = "An Inventory of Small Kindnesses"
SETTINGS = "quire-reading"

# Background colours of <body>, per theme (quire.css).
PAPER = {
    "light": "rgb(251, 248, 243)",
    "dark": "rgb(27, 25, 23)",
    "sepia": "rgb(244, 236, 216)",
}

CONTRAST_FAILURES = """
() => {
  const parse = (colour) => {
    const match = colour.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const luminance = (rgb) => {
    const channel = (value) => {
      const v = value / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  };
  const over = (top, bottom) => bottom.map((v, i) => top[i] * top[3] + v * (1 - top[3]));
  const backdrop = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== "none") return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(element)) continue;
    seen.add(element);
    // AO3's rating/warning squares keep AO3's own colours whatever the theme.
    if (element.closest("[aria-hidden=true], .visually-hidden, .required-tags")) continue;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility !== "visible") continue;
    const background = backdrop(element);
    if (!background) continue;
    const colour = parse(style.color);
    const foreground = over(colour, background);
    const [a, b] = [luminance(foreground), luminance(background)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (parseInt(style.fontWeight, 10) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${ratio.toFixed(2)} ${style.color} on rgb(${background.map(Math.round)}): `
        + walker.currentNode.textContent.trim().slice(0, 40));
    }
  }
  return failures;
}
"""


@pytest.fixture
def reader(browser: Browser) -> Iterator[Page]:
    """A reader on a light-mode device; fails if the console shows an error."""
    context, errors = strict_context(browser, color_scheme="light")
    yield context.new_page()
    context.close()
    assert errors == []


@pytest.fixture
def night_reader(browser: Browser) -> Iterator[Page]:
    """A reader whose device is in dark mode."""
    context, errors = strict_context(browser, color_scheme="dark")
    yield context.new_page()
    context.close()
    assert errors == []


def remember(page: Page, settings: object) -> None:
    """Put settings in this origin's storage, as the panel would (or garbage, as a test)."""
    raw = settings if isinstance(settings, str) else json.dumps(settings)
    page.evaluate("([key, raw]) => localStorage.setItem(key, raw)", [SETTINGS, raw])


def viewport_screenshot(page: Page, name: str) -> None:
    """What the reader sees without scrolling (the panel sits at the top of a long page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def open_first_chapter(page: Page, demo_url: str) -> str:
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name=MULTI_CHAPTER_WORK).click()
    expect(page.locator("h2.chapter-title")).to_contain_text("Chapter 1")
    return page.url


def style_of(page: Page, selector: str, prop: str) -> str:
    return str(
        page.locator(selector)
        .first.evaluate(f"(element) => getComputedStyle(element).getPropertyValue('{prop}')")
        .strip()
    )


def text_width(page: Page) -> float:
    return float(page.locator("section.chapter").first.evaluate("(e) => e.offsetWidth"))


def open_settings(page: Page) -> None:
    """Open the panel. Right after a click that navigates, the button can be on screen
    before the deferred reading.js has wired it up, so a click that opened nothing is
    made again once the page has loaded (at most three times)."""
    toggle = page.get_by_role("button", name="Reading settings")
    panel = page.locator("#reading-settings-panel")
    for _ in range(3):
        page.wait_for_load_state("domcontentloaded")
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        if toggle.get_attribute("aria-expanded") == "true":
            break
        page.wait_for_timeout(200)
    expect(panel).to_be_visible()


def choose(page: Page, group: str, option: str) -> None:
    open_settings(page)
    panel = page.get_by_role("group", name=group)
    panel.get_by_role("radio", name=option, exact=True).check()


def test_each_setting_changes_the_text_and_is_remembered(reader: Page, demo_url: str) -> None:
    page = reader
    chapter_one = open_first_chapter(page, demo_url)
    text = ".chapter-text"
    assert style_of(page, text, "font-size") == "18px"
    assert "Georgia" in style_of(page, text, "font-family")
    assert style_of(page, "body", "background-color") == PAPER["light"]
    medium = text_width(page)

    choose(page, "Text size", "Larger")
    assert style_of(page, text, "font-size") == "23px"
    choose(page, "Text size", "Small")
    assert style_of(page, text, "font-size") == "16px"
    choose(page, "Text size", "Largest")
    assert style_of(page, text, "font-size") == "30px"
    # The metadata keeps its size: the settings are for the story.
    assert style_of(page, ".work-meta", "font-size") == "15.2px"

    choose(page, "Typeface", "Sans-serif")
    assert "Georgia" not in style_of(page, text, "font-family")
    assert "sans-serif" in style_of(page, text, "font-family")
    assert "sans-serif" in style_of(page, ".work-title", "font-family")

    choose(page, "Text size", "Normal")
    choose(page, "Line width", "Narrow")
    narrow = text_width(page)
    choose(page, "Line width", "Wide")
    wide = text_width(page)
    assert narrow < medium < wide

    choose(page, "Theme", "Sepia")
    assert style_of(page, "body", "background-color") == PAPER["sepia"]
    choose(page, "Theme", "Dark")
    assert style_of(page, "body", "background-color") == PAPER["dark"]

    page.reload()
    assert style_of(page, "body", "background-color") == PAPER["dark"]
    assert "sans-serif" in style_of(page, text, "font-family")
    assert text_width(page) == wide
    open_settings(page)
    for group, option in [("Typeface", "Sans-serif"), ("Line width", "Wide"), ("Theme", "Dark")]:
        expect(
            page.get_by_role("group", name=group).get_by_label(option, exact=True)
        ).to_be_checked()

    # The theme follows the reader across the site; the text settings stay on works.
    page.goto(demo_url + "/works/")
    assert style_of(page, "body", "background-color") == PAPER["dark"]
    screenshot(page, "26-works-in-dark-theme")
    page.goto(chapter_one)
    page.get_by_role("button", name="Reading settings").click()
    page.get_by_role("button", name="Reset to defaults").click()
    assert style_of(page, "body", "background-color") == PAPER["light"]
    assert text_width(page) == medium
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('{SETTINGS}'))")
    assert stored == {"theme": "auto", "size": "2", "font": "serif", "width": "medium"}


def test_saved_settings_are_on_the_page_before_it_is_drawn(reader: Page, demo_url: str) -> None:
    page = reader
    chapter_one = open_first_chapter(page, demo_url)
    remember(page, {"theme": "sepia", "size": "5"})
    # Record <html>'s attributes at the moment the parser reaches <body>.
    page.add_init_script(
        """
        new MutationObserver((changes, observer) => {
          if (document.body) {
            window.atFirstBody = document.documentElement.getAttribute("data-theme") + " "
              + document.documentElement.getAttribute("data-text-size");
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
        """
    )
    page.goto(chapter_one)
    assert page.evaluate("window.atFirstBody") == "sepia 5"
    head_script = page.locator("head script[src*='reading-prefs']")
    assert head_script.evaluate("(s) => !s.async && !s.defer")
    assert page.evaluate(
        "document.querySelector('head script[src*=reading-prefs]').compareDocumentPosition("
        "document.querySelector('head link[rel=stylesheet]')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    # Garbage in storage is ignored, not applied.
    for garbage in ['{"theme": "\\"><x", "size": 99}', "{not json", "null", "[1]"]:
        remember(page, garbage)
        page.reload()
        assert page.evaluate("document.documentElement.hasAttribute('data-theme')") is False
        assert style_of(page, ".chapter-text", "font-size") == "18px"


@pytest.mark.parametrize("theme", ["light", "dark", "sepia"])
def test_every_theme_has_readable_contrast(reader: Page, demo_url: str, theme: str) -> None:
    page = reader
    chapter_one = open_first_chapter(page, demo_url)
    remember(page, {"theme": theme})
    page.goto(chapter_one)
    assert style_of(page, "body", "background-color") == PAPER[theme]
    screenshot(page, f"20-reading-{theme}")
    open_settings(page)
    page.get_by_role("group", name="Text size").get_by_role("radio", name="Normal").focus()
    assert page.evaluate(CONTRAST_FAILURES) == []
    viewport_screenshot(page, f"21-settings-{theme}")
    for path in ["/", "/works/", "/search/?q=umbrella"]:
        page.goto(demo_url + path)
        assert page.evaluate(CONTRAST_FAILURES) == [], path


def test_auto_theme_follows_a_dark_device(night_reader: Page, demo_url: str) -> None:
    page = night_reader
    open_first_chapter(page, demo_url)
    assert style_of(page, "body", "background-color") == PAPER["dark"]
    assert page.evaluate(CONTRAST_FAILURES) == []
    open_settings(page)
    expect(page.get_by_role("group", name="Theme").get_by_label("Auto")).to_be_checked()
    choose(page, "Theme", "Light")
    assert style_of(page, "body", "background-color") == PAPER["light"]
    choose(page, "Theme", "Auto")
    assert style_of(page, "body", "background-color") == PAPER["dark"]


def test_the_settings_panel_works_with_the_keyboard_alone(reader: Page, demo_url: str) -> None:
    page = reader
    open_first_chapter(page, demo_url)
    toggle = page.get_by_role("button", name="Reading settings")
    for _ in range(40):
        page.keyboard.press("Tab")
        if toggle.evaluate("(t) => t === document.activeElement"):
            break
    expect(toggle).to_be_focused()
    assert toggle.evaluate("(t) => getComputedStyle(t).outlineStyle") == "solid"
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#reading-settings-panel")
    expect(panel).to_be_visible()

    page.keyboard.press("Tab")
    size = page.get_by_role("group", name="Text size")
    expect(size.get_by_role("radio", name="Normal")).to_be_focused()
    ring = "(input) => getComputedStyle(input.nextElementSibling).outlineStyle"
    assert size.get_by_role("radio", name="Normal").evaluate(ring) == "solid"
    page.keyboard.press("ArrowRight")
    expect(size.get_by_role("radio", name="Large", exact=True)).to_be_checked()
    assert style_of(page, ".chapter-text", "font-size") == "20px"
    # Arrows inside the panel change the setting, not the chapter.
    expect(page.locator("h2.chapter-title")).to_contain_text("Chapter 1")

    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Serif", exact=True)).to_be_focused()
    page.keyboard.press("ArrowRight")
    assert "Georgia" not in style_of(page, ".chapter-text", "font-family")

    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Medium")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("radio", name="Narrow")).to_be_checked()

    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Auto")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Dark")).to_be_checked()
    assert style_of(page, "body", "background-color") == PAPER["dark"]
    viewport_screenshot(page, "22-settings-open-by-keyboard")

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Reset to defaults")).to_be_focused()
    page.keyboard.press("Enter")
    assert style_of(page, "body", "background-color") == PAPER["light"]
    assert style_of(page, ".chapter-text", "font-size") == "18px"
    expect(page.get_by_role("radio", name="Auto")).to_be_checked()

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # A click elsewhere closes it too, and so does tabbing out of it.
    toggle.click()
    page.locator("h1.work-title").click()
    expect(panel).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    expect(panel).to_be_hidden()


def test_arrow_keys_turn_the_chapters(reader: Page, demo_url: str) -> None:
    page = reader
    open_first_chapter(page, demo_url)
    title = page.locator("h2.chapter-title")
    assert page.locator("head link[rel=next]").count() == 1
    assert page.locator("head link[rel=prev]").count() == 0
    next_links = page.locator(".chapter-nav a[rel=next]")
    expect(next_links).to_have_count(2)
    for index in range(2):
        expect(next_links.nth(index)).to_have_attribute("aria-keyshortcuts", "ArrowRight")
    expect(page.get_by_text("Change chapter with")).to_be_attached()

    def turn(key: str, chapter: str) -> None:
        page.keyboard.press(key)
        expect(title).to_contain_text(chapter)
        page.wait_for_load_state()  # reading.js runs once the page is parsed

    turn("ArrowRight", "Chapter 2")
    expect(page.locator(".chapter-nav a[rel=prev]").first).to_have_attribute(
        "aria-keyshortcuts", "ArrowLeft"
    )
    turn("ArrowLeft", "Chapter 1")
    turn("ArrowRight", "Chapter 2")
    turn("ArrowRight", "Chapter 3")
    turn("ArrowLeft", "Chapter 2")

    # Not while typing, nor with a modifier held.
    here = page.url
    find = page.get_by_label("Find in this work")
    find.click()
    find.type("tea")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("x")
    page.keyboard.press("ArrowRight")
    expect(find).to_have_value("texa")
    find.blur()
    for chord in ["Shift+ArrowRight", "Control+ArrowRight", "]"]:
        page.keyboard.press(chord)
    page.wait_for_timeout(400)
    assert page.url == here
    expect(title).to_contain_text("Chapter 2")

    # The entire work has no next page, so the keys do nothing there.
    page.get_by_role("navigation", name="Chapters", exact=True).get_by_role(
        "link", name="Entire Work"
    ).click()
    expect(page.locator("section.chapter")).to_have_count(4)
    full = page.url
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert page.url == full


def test_skip_to_the_text(reader: Page, demo_url: str) -> None:
    page = reader
    open_first_chapter(page, demo_url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the text")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#work-text")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is inside the story (the byline), not the site's navigation.
    assert page.evaluate("document.activeElement.closest('#work-text') !== null")


def test_print_shows_only_the_story_black_on_white(reader: Page, demo_url: str) -> None:
    page = reader
    chapter_one = open_first_chapter(page, demo_url)
    remember(page, {"theme": "dark", "size": "6", "font": "sans", "width": "narrow"})
    page.goto(chapter_one)
    page.locator(".chapter-text p").first.evaluate(
        """(p) => {
          const outside = document.createElement("a");
          outside.href = "https://example.org/story-notes";
          outside.textContent = "an outside link";
          const inside = document.createElement("a");
          inside.href = "/works/";
          inside.textContent = "an archive link";
          p.append(" ", outside, " ", inside);
        }"""
    )
    page.emulate_media(media="print")
    for hidden in [
        ".site-header",
        ".site-footer",
        ".chapter-nav",
        ".reading-settings",
        ".within-work",
        ".skip-link",
    ]:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".chapter-text")).to_be_visible()
    expect(page.locator("h1.work-title")).to_be_visible()
    assert style_of(page, "body", "background-color") == "rgb(255, 255, 255)"
    assert style_of(page, ".chapter-text", "color") == "rgb(0, 0, 0)"
    assert style_of(page, ".chapter-text", "font-size") == "16px"  # 12pt
    assert "Georgia" in style_of(page, ".chapter-text", "font-family")
    assert style_of(page, "h2.chapter-title", "break-after") == "avoid"
    after = "(a) => getComputedStyle(a, '::after').content"
    outside = page.get_by_role("link", name="an outside link").evaluate(after)
    assert outside == '" (" attr(href) ")"' or "example.org/story-notes" in outside
    assert page.get_by_role("link", name="an archive link").evaluate(after) == "none"
    screenshot(page, "24-print")
    page.goto(chapter_one + "?view_full_work=true")
    expect(page.locator("section.chapter")).to_have_count(4)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "24-print-entire-work.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()
    assert style_of(page, "body", "background-color") == PAPER["dark"]


def test_without_javascript_the_page_reads_normally(browser: Browser, demo_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False, color_scheme="dark"
    )
    page = context.new_page()
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name=MULTI_CHAPTER_WORK).click()
    expect(page.locator(".chapter-text")).to_be_visible()
    expect(page.get_by_role("button", name="Reading settings")).to_be_hidden()
    assert style_of(page, ".chapter-text", "font-size") == "18px"
    assert "Georgia" in style_of(page, ".chapter-text", "font-family")
    # The device's dark mode still applies.
    assert style_of(page, "body", "background-color") == PAPER["dark"]
    expect(page.get_by_role("navigation", name="Chapters", exact=True)).to_be_visible()
    expect(page.locator(".chapter-nav a[rel=next]").first).not_to_have_attribute(
        "aria-keyshortcuts", re.compile(".*")
    )
    context.close()


def test_the_panel_fits_a_phone(browser: Browser, demo_url: str) -> None:
    phone, errors = strict_context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="light"
    )
    page = phone.new_page()
    page.goto(demo_url + "/works/")
    page.get_by_role("link", name=MULTI_CHAPTER_WORK).click()
    open_settings(page)
    box = page.locator("#reading-settings-panel").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    viewport_screenshot(page, "25-phone-settings")
    phone.close()
    assert errors == []
