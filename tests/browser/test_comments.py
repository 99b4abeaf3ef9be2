"""Comments in Chromium, under a strict content security policy: a member comments,
another replies with the keyboard alone, the creator freezes the thread and deletes a
comment, and a moderated work's comments wait on the creator's review page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import screenshot, strict_context
from tests.browser.test_community import _in_archive

pytestmark = pytest.mark.browser

TITLE = "Letters Across the Estuary"
CREATOR, COMMENTER, REPLIER = "wren_writes", "ash_reads", "birch_reads"

SETUP = f"""
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from quire.core.documents import ParsedChapter, ParsedWork
from quire.people.actions import do_create_user
from quire.works.actions import do_create_work

keys = {{}}
for name in {[CREATOR, COMMENTER, REPLIER]!r}:
    user = do_create_user(name, email=name + "@example.org", password="a-long-browser-password")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys[name] = session.session_key
    if name == "{CREATOR}":
        work = do_create_work(
            creators=[user.default_pseud],
            parsed=ParsedWork(
                title="{TITLE}",
                summary="<p>Two lighthouse keepers write to each other across the water.</p>",
                tags={{"rating": ["General Audiences"], "warning": ["No Archive Warnings Apply"],
                       "category": ["Gen"], "fandom": ["Original Work"]}},
                chapters=[ParsedChapter(content="<p>The lamp turned. She wrote again.</p>")],
            ),
            posted=True,
        )
        keys["work"] = work.pk
print(json.dumps(keys))
"""

# A second, longer discussion for the screenshots: a creator's answer, and an
# exchange deeper than the page indents, which lines up saying whom it answers.
DISCUSSION = f"""
from quire.comments.actions import do_post_comment
from quire.people.models import User
from quire.works.models import Work

work = Work.objects.get(title="{TITLE}")
ash, birch, wren = (User.objects.get(username=n) for n in {[COMMENTER, REPLIER, CREATOR]!r})
def say(text, by, parent=None):
    fresh = Work.objects.prefetch_related("creatorships__pseud").get(pk=work.pk)
    return do_post_comment(fresh, text=text, user=by, parent=parent)
top = say("The <i>weather</i> in the letters does so much.\\n\\nI could smell the salt.", birch)
answer = say("Thank you! The weather was the first thing I knew about this story.", wren, top)
parent = answer
for n in range(6):
    parent = say(f"Reply number {{n + 1}} in a long exchange.", ash if n % 2 else birch, parent)
do_post_comment(
    Work.objects.prefetch_related("creatorships__pseud").get(pk=work.pk),
    text="Lovely. Will there be more?",
    guest_name="Heron",
    guest_email="heron@example.org",
)
"""

MODERATE = f"""
from quire.works.models import Work
Work.objects.filter(title="{TITLE}").update(moderated_comments=True)
"""


@pytest.fixture(scope="module")
def archive(demo_url: str, demo_data_dir: Path) -> dict[str, object]:
    """Three members with signed-in sessions, and the creator's work."""
    return json.loads(_in_archive(demo_data_dir, SETUP).splitlines()[-1])


@pytest.fixture
def as_member(browser: Browser, demo_url: str, archive: dict[str, object]) -> Iterator:
    """Pages signed in as one of the members; each fails on any console error."""
    opened: list[tuple[BrowserContext, list[str]]] = []

    def open_as(username: str, color_scheme: str = "light") -> Page:
        context, errors = strict_context(browser, color_scheme=color_scheme)
        context.add_cookies([{"name": "sessionid", "value": archive[username], "url": demo_url}])
        opened.append((context, errors))
        return context.new_page()

    yield open_as
    for context, errors in opened:
        context.close()
        assert errors == []


def test_a_discussion_from_first_comment_to_frozen_thread(
    as_member, demo_url: str, demo_data_dir: Path, archive: dict[str, object]
) -> None:
    work_url = f"{demo_url}/works/{archive['work']}/"

    # A member leaves a comment.
    ash = as_member(COMMENTER)
    ash.goto(work_url)
    comments = ash.locator("#comments")
    expect(comments.get_by_role("heading", name="Comments (0)")).to_be_visible()
    comments.get_by_label("Comment", exact=True).fill("The first letter's last line made me cry.")
    comments.get_by_role("button", name="Post comment").click()
    expect(ash.locator(".messages")).to_contain_text("Your comment was posted.")
    first = ash.locator("article.comment").first
    expect(first).to_contain_text("The first letter's last line made me cry.")
    expect(ash.locator("#comments-heading")).to_have_text("Comments (1)")
    expect(ash.locator(".work-meta .stats")).to_contain_text("Comments:1")

    # Another replies, with the keyboard alone: Tab to "Reply", Enter, type, Tab, Enter.
    birch = as_member(REPLIER)
    birch.goto(work_url)
    reply_name = f"Reply to {COMMENTER}"
    for _ in range(200):
        birch.keyboard.press("Tab")
        if birch.evaluate("document.activeElement.textContent.trim()") == reply_name:
            break
    else:
        pytest.fail("the Reply link cannot be reached with Tab")
    assert birch.evaluate("document.activeElement.matches(':focus-visible')")
    birch.keyboard.press("Enter")
    expect(birch.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(birch.get_by_label("Your reply")).to_be_focused()
    birch.keyboard.type("Mine too, and I read it twice.")
    screenshot(birch, "comments-00-reply-page")
    birch.keyboard.press("Tab")
    expect(birch.get_by_role("button", name="Post reply")).to_be_focused()
    birch.keyboard.press("Enter")
    expect(birch.locator(".messages")).to_contain_text("Your comment was posted.")
    reply = birch.locator("ol.comment-thread--replies article.comment")
    expect(reply).to_contain_text("Mine too, and I read it twice.")

    # The commenter hears of it in their inbox, and the creator of both comments.
    ash.goto(demo_url + "/inbox/")
    expect(ash.locator("li.inbox-entry")).to_contain_text(
        f"A reply by {REPLIER} to your comment on {TITLE}"
    )
    wren = as_member(CREATOR)
    wren.goto(demo_url + "/inbox/")
    expect(wren.locator("li.inbox-entry")).to_have_count(2)

    # The creator freezes the thread, then deletes its first comment.
    wren.goto(work_url)
    top = wren.locator("#comments > ol.comment-thread > li").first
    top.locator("article.comment").first.get_by_role("button", name="Freeze thread").click()
    expect(wren.locator(".messages")).to_contain_text("The thread was frozen")
    expect(wren.locator(".pill--frozen")).to_have_count(2)
    wren.locator("article.comment").first.get_by_role("link", name="Delete").click()
    expect(wren.get_by_role("heading", name="Delete this comment?")).to_be_visible()
    wren.get_by_role("button", name="Yes, delete it").click()
    expect(wren.locator(".comment--placeholder")).to_contain_text("(Previous comment deleted.)")
    expect(wren.locator("article.comment")).to_contain_text("Mine too")

    birch.goto(work_url)
    expect(birch.locator("#comments").get_by_role("link", name=reply_name)).to_have_count(0)
    expect(birch.locator(".pill--frozen")).to_have_count(2)
    expect(birch.locator("#comments-heading")).to_have_text("Comments (1)")

    # A longer discussion, in the light and the dark theme.
    _in_archive(demo_data_dir, DISCUSSION)
    birch.goto(work_url + "?comments_page=1#comments")  # a new address: the page reloads
    expect(birch.locator(".comment__where").first).to_contain_text("in reply to")
    screenshot(birch, "comments-01-thread-light")
    night = as_member(REPLIER, color_scheme="dark")
    night.goto(work_url + "#comments")
    expect(night.locator("#comments-heading")).to_contain_text("Comments")
    screenshot(night, "comments-02-thread-dark")
    night.set_viewport_size({"width": 390, "height": 844})
    night.goto(work_url + "#comments")
    assert night.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(night, "comments-03-thread-phone-dark")

    # Moderated: a new comment waits on the creator's review page.
    _in_archive(demo_data_dir, MODERATE)
    ash.goto(work_url)
    ash.locator("#comments").get_by_label("Comment", exact=True).fill("Is the lighthouse real?")
    ash.locator("#comments").get_by_role("button", name="Post comment").click()
    expect(ash.locator(".messages")).to_contain_text("once a creator of the work approves it")
    expect(ash.locator(".pill--waiting")).to_have_text("Awaiting review")
    wren.goto(work_url)
    wren.get_by_role("link", name="Unreviewed comments (1)").click()
    expect(wren.get_by_role("heading", name=f"Unreviewed comments on {TITLE}")).to_be_visible()
    screenshot(wren, "comments-04-moderation")
    wren.get_by_role("button", name=f"Approve the comment by {COMMENTER}").click()
    expect(wren.locator(".messages")).to_contain_text("The comment was approved.")
    expect(wren.locator(".empty")).to_have_text("No comments are waiting for review.")
