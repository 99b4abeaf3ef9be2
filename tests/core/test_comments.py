"""The comment rules in quire.core.comments: who may comment, what each reader sees,
how threads are laid out, and how typed text becomes safe HTML."""

from __future__ import annotations

from dataclasses import replace

import pytest

from quire.core.comments import (
    ANONYMOUS_CREATOR,
    COMMENT_LIMIT,
    CommentAccess,
    Commenting,
    Shown,
    ThreadEntry,
    by_anonymous_creator,
    can_approve_comment,
    can_delete_comment,
    can_edit_comment,
    can_moderate,
    can_see_comment,
    comment_html,
    commenting,
    is_blank_html,
    lay_out,
    replying,
    shown,
    walk,
)
from quire.core.visibility import GUEST, Viewer, WorkAccess

CREATOR = Viewer(user_id=1)
MEMBER = Viewer(user_id=2)
ADMIN = Viewer(user_id=3, is_admin=True)
SUSPENDED = Viewer(user_id=4, suspended=True)

EVERYONE, MEMBERS, NOBODY = "everyone", "members", "nobody"
OPEN = Commenting.OPEN


def work(*, posted: bool = True, hidden: bool = False, restricted: bool = False) -> WorkAccess:
    return WorkAccess(
        posted=posted, hidden=hidden, restricted=restricted, creator_user_ids=frozenset({1})
    )


STATES = {
    "posted": work(),
    "draft": work(posted=False),
    "hidden": work(hidden=True),
    "restricted": work(restricted=True),
}

# Who may start a comment: (work state, permission) -> (guest, member, creator, admin).
MATRIX = {
    ("posted", EVERYONE): (OPEN, OPEN, OPEN, OPEN),
    ("posted", MEMBERS): (Commenting.MEMBERS_ONLY, OPEN, OPEN, OPEN),
    ("posted", NOBODY): (Commenting.DISABLED,) * 4,
    ("restricted", EVERYONE): (Commenting.UNAVAILABLE, OPEN, OPEN, OPEN),
    ("restricted", MEMBERS): (Commenting.UNAVAILABLE, OPEN, OPEN, OPEN),
    ("restricted", NOBODY): (Commenting.UNAVAILABLE,) + (Commenting.DISABLED,) * 3,
    **{(state, permission): (Commenting.UNAVAILABLE,) * 4 for state in ("draft", "hidden")
       for permission in (EVERYONE, MEMBERS, NOBODY)},
}  # fmt: skip


@pytest.mark.parametrize(("state", "permission"), sorted(MATRIX))
def test_who_may_comment(state: str, permission: str) -> None:
    viewers = (GUEST, MEMBER, CREATOR, ADMIN)
    found = tuple(commenting(viewer, STATES[state], permission) for viewer in viewers)
    assert found == MATRIX[state, permission]


def test_a_draft_chapter_takes_no_comments_even_from_its_creator() -> None:
    assert commenting(CREATOR, work(), EVERYONE, chapter_posted=False) is Commenting.UNAVAILABLE


def test_a_blocked_member_may_not_comment_but_a_creator_is_never_blocked() -> None:
    assert commenting(MEMBER, work(), EVERYONE, blocked=True) is Commenting.BLOCKED
    assert commenting(CREATOR, work(), EVERYONE, blocked=True) is OPEN
    # Turned off is the first thing anyone is told.
    assert commenting(MEMBER, work(), NOBODY, blocked=True) is Commenting.DISABLED


def test_a_suspended_member_may_not_comment() -> None:
    assert commenting(SUSPENDED, work(), EVERYONE) is Commenting.BARRED


def test_replies_need_an_open_live_thread() -> None:
    live = CommentAccess(author_user_id=2)
    assert replying(MEMBER, work(), EVERYONE, live) is OPEN
    frozen = CommentAccess(author_user_id=2, frozen=True)
    assert replying(MEMBER, work(), EVERYONE, frozen) is Commenting.FROZEN
    assert replying(CREATOR, work(), EVERYONE, frozen) is Commenting.FROZEN
    for closed in (CommentAccess(None, deleted=True), CommentAccess(2, hidden=True)):
        assert replying(MEMBER, work(), EVERYONE, closed) is Commenting.CLOSED
    assert replying(MEMBER, work(), NOBODY, live) is Commenting.DISABLED


def test_only_a_creator_answers_a_comment_awaiting_review() -> None:
    waiting = CommentAccess(author_user_id=2, unreviewed=True)
    assert replying(CREATOR, work(), EVERYONE, waiting) is OPEN
    assert replying(MEMBER, work(), EVERYONE, waiting) is Commenting.CLOSED


def test_a_comment_awaiting_review_is_seen_by_the_creators_and_its_author_only() -> None:
    waiting = CommentAccess(author_user_id=2, unreviewed=True)
    other = Viewer(user_id=9)
    assert [can_see_comment(v, work(), waiting) for v in (GUEST, other, MEMBER, CREATOR)] == [
        False,
        False,
        True,
        True,
    ]
    assert not can_see_comment(ADMIN, work(), waiting)


def test_comments_follow_the_work_and_chapter_they_are_on() -> None:
    plain = CommentAccess(author_user_id=2)
    assert not can_see_comment(GUEST, work(restricted=True), plain)
    assert not can_see_comment(MEMBER, work(hidden=True), plain)
    assert can_see_comment(ADMIN, work(hidden=True), plain)
    assert not can_see_comment(MEMBER, work(), plain, chapter_posted=False)
    assert can_see_comment(CREATOR, work(), plain, chapter_posted=False)


def test_what_each_viewer_gets_of_a_comment() -> None:
    hidden = CommentAccess(author_user_id=2, hidden=True)
    assert shown(GUEST, work(), hidden) is Shown.HIDDEN
    assert shown(MEMBER, work(), hidden) is Shown.HIDDEN  # its own author too
    assert shown(CREATOR, work(), hidden) is Shown.TEXT
    assert shown(ADMIN, work(), hidden) is Shown.TEXT
    deleted = CommentAccess(author_user_id=None, deleted=True)
    assert shown(CREATOR, work(), deleted) is Shown.DELETED
    plain = CommentAccess(author_user_id=5)
    assert shown(MEMBER, work(), plain, muted=True) is Shown.MUTED
    assert shown(MEMBER, work(), plain) is Shown.TEXT
    assert shown(GUEST, work(), CommentAccess(5, unreviewed=True)) is Shown.ABSENT


def test_a_creators_comment_on_their_anonymous_work_is_anonymous_to_outsiders() -> None:
    """AO3 signs it "Anonymous Creator"; a mute does not hide it, since "someone you
    muted" would name the creator as surely."""
    anonymous = replace(work(), anonymous=True, maintainer_user_ids=frozenset({4}))
    by_creator, by_reader = CommentAccess(author_user_id=1), CommentAccess(author_user_id=2)
    assert ANONYMOUS_CREATOR == "Anonymous Creator"
    assert by_anonymous_creator(GUEST, anonymous, by_creator)
    assert by_anonymous_creator(MEMBER, anonymous, by_creator)
    for insider in (CREATOR, ADMIN, Viewer(user_id=4)):
        assert not by_anonymous_creator(insider, anonymous, by_creator)
    assert not by_anonymous_creator(GUEST, anonymous, by_reader)
    assert not by_anonymous_creator(GUEST, work(), by_creator)
    assert shown(MEMBER, anonymous, by_creator, muted=True) is Shown.TEXT
    assert shown(MEMBER, anonymous, by_reader, muted=True) is Shown.MUTED
    assert shown(ADMIN, anonymous, by_creator, muted=True) is Shown.MUTED


def test_edit_delete_approve_and_moderate() -> None:
    mine = CommentAccess(author_user_id=2)
    assert can_edit_comment(MEMBER, mine)
    assert not can_edit_comment(CREATOR, mine)
    assert not can_edit_comment(MEMBER, CommentAccess(2, frozen=True))
    assert not can_edit_comment(MEMBER, CommentAccess(2, hidden=True))
    assert not can_edit_comment(Viewer(user_id=2, suspended=True), mine)
    assert can_delete_comment(MEMBER, work(), mine)
    assert can_delete_comment(CREATOR, work(), mine)
    assert can_delete_comment(ADMIN, work(), mine)
    assert not can_delete_comment(Viewer(user_id=9), work(), mine)
    assert not can_delete_comment(GUEST, work(), CommentAccess(None))
    assert not can_delete_comment(CREATOR, work(), CommentAccess(None, deleted=True))
    waiting = CommentAccess(author_user_id=2, unreviewed=True)
    assert can_approve_comment(CREATOR, work(), waiting)
    assert not can_approve_comment(MEMBER, work(), waiting)
    assert not can_approve_comment(ADMIN, work(), waiting)
    assert not can_approve_comment(CREATOR, work(), mine)
    assert [can_moderate(v, work()) for v in (GUEST, MEMBER, CREATOR, ADMIN)] == [
        False,
        False,
        True,
        True,
    ]


# Laying threads out


def entry(comment_id: int, parent_id: int | None = None, how: Shown = Shown.TEXT) -> ThreadEntry:
    return ThreadEntry(comment_id, parent_id, how)


def outline(entries: list[ThreadEntry], nesting: int = 5) -> list[tuple[int, int, int | None]]:
    """(comment, level on the page, whom it answers when shown flat), in page order."""
    found: list[tuple[int, int, int | None]] = []

    def visit(items: list, level: int) -> None:
        for item in items:
            found.append((item.comment_id, level, item.reply_to))
            visit(item.children, level + 1)

    visit(lay_out(entries, nesting=nesting), 0)
    return found


def test_replies_sit_under_the_comment_they_answer_oldest_first() -> None:
    entries = [entry(4, 1), entry(1), entry(2), entry(3, 1), entry(5, 3)]
    assert outline(entries) == [
        (1, 0, None),
        (3, 1, None),
        (5, 2, None),
        (4, 1, None),
        (2, 0, None),
    ]


def test_deep_replies_line_up_at_the_last_level_and_say_whom_they_answer() -> None:
    chain = [entry(1)] + [entry(n, n - 1) for n in range(2, 9)]  # 8 comments, 7 replies deep
    assert outline(chain, nesting=3) == [
        (1, 0, None),
        (2, 1, None),
        (3, 2, None),
        (4, 3, None),
        (5, 3, 4),
        (6, 3, 5),
        (7, 3, 6),
        (8, 3, 7),
    ]
    placed = lay_out(chain, nesting=3)
    assert [item.depth for item in walk(placed)] == list(range(8))


def test_a_very_deep_thread_does_not_exhaust_the_stack() -> None:
    chain = [entry(1)] + [entry(n, n - 1) for n in range(2, 5001)]
    assert len(walk(lay_out(chain))) == 5000


def test_placeholders_stay_only_while_they_hold_a_readable_reply() -> None:
    entries = [
        entry(1, how=Shown.DELETED),
        entry(2, 1),
        entry(3, how=Shown.DELETED),
        entry(4, 3, Shown.HIDDEN),  # a placeholder under a placeholder holds nothing
        entry(5, how=Shown.MUTED),
        entry(6, 5, Shown.DELETED),
        entry(7, 6),
    ]
    assert [(i, s) for i, s in ((p.comment_id, p.shown) for p in walk(lay_out(entries)))] == [
        (1, Shown.DELETED),
        (2, Shown.TEXT),
        (5, Shown.MUTED),
        (6, Shown.DELETED),
        (7, Shown.TEXT),
    ]


def test_a_comment_the_viewer_cannot_see_takes_its_replies_with_it() -> None:
    entries = [entry(1, how=Shown.ABSENT), entry(2, 1), entry(3), entry(4, 99)]
    assert outline(entries) == [(3, 0, None)]


# Text


def test_plain_text_becomes_paragraphs_and_line_breaks() -> None:
    assert comment_html("Loved it!\nSo much.\n\n\nMore, please < now") == (
        "<p>Loved it!<br>\nSo much.</p>\n<p>More, please &lt; now</p>"
    )


def test_html_the_commenter_wrote_is_kept_within_the_allowlist() -> None:
    typed = (
        '<p>Hi <b>there</b> <a href="javascript:alert(1)">x</a></p>'
        '<script>alert(1)</script><img src="https://e.org/a.png" onerror="alert(1)">'
        '<p style="color:red" class="site-header">styled</p>'
    )
    html = comment_html(typed)
    assert "<b>there</b>" in html
    for gone in ("script", "alert", "javascript:", "onerror", "style=", "class="):
        assert gone not in html
    assert '<img src="https://e.org/a.png">' in html


def test_blank_comments_are_blank() -> None:
    assert is_blank_html(comment_html("  <p> </p>\n\n<script>x</script> "))
    assert is_blank_html(comment_html("&nbsp;"))
    assert not is_blank_html(comment_html('<img src="https://e.org/a.png" alt="">'))
    assert not is_blank_html(comment_html("ok"))
    assert COMMENT_LIMIT == 10_000
