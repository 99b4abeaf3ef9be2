"""The whole journey in Chromium, on an archive of its own, through the real pages: a
writer and a reader sign up and confirm by email, the writer posts a tagged work, the
reader leaves kudos, a comment (answered, and answered back), a bookmark and a
subscription, and finds the writer's next chapter in their inbox."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import run_quire, screenshot, serving, strict_context
from tests.browser.test_accounts import emailed_link, log_in

pytestmark = pytest.mark.browser

ADMIN = ("harbourmaster", "a-long-journey-admin-password")
WRITER = ("tamsin_writes", "tamsin@example.org", "a-long-journey-password")
READER = ("juniper_reads", "juniper@example.org", "another-long-journey-password")
TITLE = "Lamps Along the Tideway"
TAGS = {
    "fandom": "The Tideway Keepers (Original)",
    "relationship": "Mara Quill/Ilse Varga",
    "character": "Mara Quill",
    "freeform": "Slow Burn",
}
FIRST = "Mara lit the first lamp at dusk.\n\nAcross the water, a second light answered."
SECOND = ("The Second Lamp", "Ilse rowed over at midnight, with oil and a letter.")

CREATE_ADMIN = (
    "from quire.people.models import User\n"
    "User.objects.create_superuser({0!r}, email='harbour@example.org', password={1!r})"
)


@pytest.fixture(scope="module")
def journey_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A fresh, empty archive with an admin account; its URL and data directory."""
    data_dir = tmp_path_factory.mktemp("journey-archive")
    run_quire(data_dir, "manage", "shell", "-c", CREATE_ADMIN.format(*ADMIN))
    with serving(data_dir) as url:
        yield url, data_dir


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[tuple[BrowserContext, list[str]]]]:
    """Strict browser contexts the test opens; each must end without a console error."""
    opened: list[tuple[BrowserContext, list[str]]] = []
    yield opened
    for context, errors in opened:
        context.close()
        assert errors == [], errors


def open_page(browser: Browser, opened: list[tuple[BrowserContext, list[str]]]) -> Page:
    """A page in a new strict context, kept in `opened` for the check at the end."""
    context, errors = strict_context(browser, color_scheme="light")
    opened.append((context, errors))
    return context.new_page()


def sign_up_and_log_in(page: Page, url: str, mail_dir: Path, who: tuple[str, str, str]) -> None:
    """Sign up on the form, follow the emailed link, log in; ends on the dashboard."""
    username, email, password = who
    page.goto(url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(emailed_link(mail_dir, email))
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed.")
    log_in(page, username, password)
    expect(page.get_by_role("heading", name=username)).to_be_visible()
    site = page.get_by_role("navigation", name="Site")
    expect(site.get_by_role("link", name=username)).to_be_visible()


def inbox_entry(page: Page, url: str, text: str, seconds: float = 30) -> Locator:
    """The inbox entry containing `text`, reloading the inbox until the worker delivers it."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url + "/inbox/")
        entry = page.locator("li.inbox-entry", has_text=text)
        if entry.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(entry).to_have_count(1)
    return entry


def stat(name: str, count: int) -> re.Pattern[str]:
    """A work's "Kudos: 1"-style stat, as the page's text has it."""
    return re.compile(rf"{name}:\s*{count}(?!\d)")


def test_from_sign_up_to_the_next_chapter(
    browser: Browser,
    journey_archive: tuple[str, Path],
    contexts: list[tuple[BrowserContext, list[str]]],
) -> None:
    url, data_dir = journey_archive
    mail_dir = data_dir / "mail"

    # The admin opens sign-up to everyone on the archive settings page.
    admin = open_page(browser, contexts)
    admin.goto(url + "/login/")
    log_in(admin, *ADMIN)
    admin.get_by_role("link", name="Archive settings").click()
    admin.get_by_label("Open: anyone can create an account").check()
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_role("status")).to_contain_text("The archive's settings are saved.")

    # 1. The writer signs up, confirms and logs in.
    writer = open_page(browser, contexts)
    sign_up_and_log_in(writer, url, mail_dir, WRITER)
    screenshot(writer, "journey-01-writer-dashboard")

    # 2. The writer posts chapter 1 of a two-chapter work, with every kind of tag.
    site = writer.get_by_role("navigation", name="Site")
    site.get_by_role("link", name="Post new work").click()
    expect(writer.get_by_role("heading", name="Post a new work")).to_be_visible()
    writer.get_by_label("Teen And Up Audiences").check()
    writer.get_by_label("No Archive Warnings Apply").check()
    writer.get_by_label("F/F", exact=True).check()
    writer.get_by_label("Fandoms").fill(TAGS["fandom"])
    writer.get_by_label("Relationships").fill(TAGS["relationship"])
    writer.get_by_label("Characters").fill(TAGS["character"])
    writer.get_by_label("Additional tags").fill(TAGS["freeform"])
    writer.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    writer.get_by_label("Summary", exact=True).fill("Two keepers, one river, a lamp each.")
    writer.get_by_label("Planned chapters").fill("2")
    writer.get_by_label("Chapter title").fill("Dusk")
    writer.get_by_label("Chapter text").fill(FIRST)
    writer.get_by_role("button", name="Post", exact=True).click()
    expect(writer.get_by_role("status").first).to_contain_text("Your work is posted.")
    expect(writer.locator("h1.work-title")).to_have_text(TITLE)
    work_url = writer.url
    meta = writer.locator("dl.work-meta")
    for name in ["Teen And Up Audiences", "No Archive Warnings Apply", "F/F", *TAGS.values()]:
        expect(meta.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(meta.locator(".stats")).to_contain_text(re.compile(r"Chapters:\s*1/2"))
    screenshot(writer, "journey-02-work-posted")

    # 3. A second person signs up, confirms and logs in, in a browser of their own.
    reader = open_page(browser, contexts)
    sign_up_and_log_in(reader, url, mail_dir, READER)

    # 4. The reader finds the work, leaves kudos and a comment.
    reader.goto(url + "/works/")
    reader.get_by_role("link", name=TITLE, exact=True).click()
    expect(reader.locator("h1.work-title")).to_have_text(TITLE)
    expect(reader.locator(".chapter-text")).to_contain_text("a second light answered")
    feedback = reader.locator("#feedback")
    feedback.get_by_role("button", name="Kudos").click()
    expect(reader.locator(".messages")).to_contain_text("Thank you for leaving kudos!")
    expect(reader.locator("#kudos")).to_contain_text(f"{READER[0]} left kudos on this work!")
    comments = reader.locator("#comments")
    comments.get_by_label("Comment", exact=True).fill("The answering light made me gasp.")
    comments.get_by_role("button", name="Post comment").click()
    expect(reader.locator(".messages")).to_contain_text("Your comment was posted.")
    expect(reader.locator("#comments-heading")).to_have_text("Comments (1)")
    stats = reader.locator(".work-meta .stats")
    expect(stats).to_contain_text(stat("Kudos", 1))
    expect(stats).to_contain_text(stat("Comments", 1))
    screenshot(reader, "journey-03-work-after-kudos-and-comment")

    # 5. The writer sees the comment in their inbox and on the work, and replies.
    entry = inbox_entry(writer, url, f"A new comment by {READER[0]} on {TITLE}")
    screenshot(writer, "journey-04-writer-inbox")
    entry.get_by_role("link", name="A new comment").click()
    writer_comments = writer.locator("#comments")
    expect(writer_comments).to_contain_text("The answering light made me gasp.")
    writer_comments.get_by_role("link", name=f"Reply to {READER[0]}").click()
    writer.get_by_label("Your reply").fill("Thank you! Wait until you see who lit it.")
    writer.get_by_role("button", name="Post reply").click()
    expect(writer.locator(".messages")).to_contain_text("Your comment was posted.")

    # The reader hears of the reply and answers it: a thread three deep.
    entry = inbox_entry(reader, url, f"A reply by {WRITER[0]} to your comment on {TITLE}")
    entry.get_by_role("link", name="A reply").click()
    reader.locator("#comments").get_by_role("link", name=f"Reply to {WRITER[0]}").click()
    reader.get_by_label("Your reply").fill("Ilse, surely. I will be waiting.")
    reader.get_by_role("button", name="Post reply").click()
    expect(reader.locator(".messages")).to_contain_text("Your comment was posted.")
    reader.goto(work_url)
    thread = reader.locator("#comments > ol.comment-thread > li")
    expect(thread).to_have_count(1)
    answer = thread.locator(":scope > ol.comment-thread--replies > li")
    expect(answer.locator("article.comment").first).to_contain_text("Wait until you see")
    expect(answer.locator(".pill--creator")).to_have_count(1)
    expect(answer.locator("ol.comment-thread--replies article.comment")).to_contain_text(
        "Ilse, surely."
    )
    expect(reader.locator("#comments-heading")).to_have_text("Comments (3)")
    expect(reader.locator(".work-meta .stats")).to_contain_text(stat("Comments", 3))
    reader.locator("#comments").scroll_into_view_if_needed()
    screenshot(reader, "journey-05-thread")
    inbox_entry(writer, url, f"A reply by {READER[0]} to your comment on {TITLE}")

    # The reader bookmarks the work with a note and tags, and subscribes to it.
    reader.locator("#feedback").get_by_role("link", name="Bookmark", exact=True).click()
    panel = reader.locator("#bookmark-form")
    panel.get_by_label("Notes").fill("Read this one on a <em>rainy</em> night.")
    panel.get_by_label("Your tags").fill("Lighthouses, To Reread")
    panel.get_by_role("button", name="Save bookmark").click()
    expect(reader.locator(".messages")).to_contain_text("Your bookmark is saved.")
    reader.locator("#feedback").get_by_role("button", name="Subscribe").click()
    expect(reader.locator(".messages")).to_contain_text(f"You're subscribed to “{TITLE}”.")
    expect(reader.locator("#feedback").get_by_role("button", name="Unsubscribe")).to_be_visible()
    reader.goto(url + f"/users/{READER[0]}/bookmarks/")
    bookmark = reader.locator("li.bookmark")
    expect(bookmark).to_have_count(1)
    expect(bookmark.locator("h3.blurb__title")).to_have_text(TITLE)
    expect(bookmark.locator(".bookmark__notes em")).to_have_text("rainy")
    expect(bookmark.get_by_role("link", name="To Reread")).to_be_visible()
    screenshot(reader, "journey-06-reader-bookmarks")

    # 6. The writer adds chapter 2; the worker brings it to the reader's inbox.
    writer.goto(work_url)
    tools = writer.get_by_role("navigation", name="Your work")
    tools.get_by_role("link", name="Add chapter").click()
    expect(writer.get_by_role("heading", name="Add chapter 2")).to_be_visible()
    writer.get_by_label("Chapter title").fill(SECOND[0])
    writer.get_by_label("Chapter text").fill(SECOND[1])
    writer.get_by_role("button", name="Post chapter").click()
    expect(writer.locator("h2.chapter-title")).to_contain_text(f"Chapter 2: {SECOND[0]}")

    heading = f"Chapter 2: {SECOND[0]}"
    entry = inbox_entry(reader, url, f"{heading} of {TITLE} by {WRITER[0]}")
    expect(entry.locator(".pill--unread")).to_be_visible()
    inbox_link = reader.get_by_role("navigation", name="Site").get_by_role("link", name="Inbox")
    expect(inbox_link).to_contain_text("1 unread")
    screenshot(reader, "journey-07-reader-inbox")
    entry.get_by_role("link", name=heading).click()
    expect(reader.locator("h2.chapter-title")).to_contain_text(heading)
    expect(reader.locator(".chapter-text")).to_contain_text("with oil and a letter")
    expect(reader.locator(".work-meta .stats")).to_contain_text("2/2")
    expect(inbox_link).to_have_text("Inbox")
    screenshot(reader, "journey-08-new-chapter")
