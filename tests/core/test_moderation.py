"""Moderation rules without a database: standing, what barred members may do, the
checks on reports and notes, and what an admin is offered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quire.core.moderation import (
    DESCRIPTION_MAX,
    GOOD_STANDING,
    NOTE_MAX,
    SUSPENSION_DAYS_MAX,
    Action,
    Reason,
    Standing,
    available_actions,
    description_problem,
    is_barred,
    is_suspended,
    note_problem,
    standing_message,
    suspension_end,
)
from quire.core.visibility import (
    Viewer,
    WorkAccess,
    can_edit_work,
    can_leave_kudos,
    can_participate,
    can_view_work,
)

NOW = datetime(2026, 5, 3, 14, 30, tzinfo=UTC)
SUSPENDED = Standing(suspended_until=NOW + timedelta(days=3), reason="Spamming links.")
LAPSED = Standing(suspended_until=NOW - timedelta(seconds=1), reason="Old.")
BANNED = Standing(banned=True, reason="Harassment.")
WORK = WorkAccess(posted=True, hidden=False, restricted=False, creator_user_ids=frozenset({1}))


def test_a_suspension_lasts_until_its_moment_and_then_ends_by_itself() -> None:
    assert is_suspended(SUSPENDED, NOW)
    assert is_barred(SUSPENDED, NOW)
    assert not is_suspended(SUSPENDED, NOW + timedelta(days=3))
    assert not is_barred(LAPSED, NOW)
    assert not is_barred(GOOD_STANDING, NOW)


def test_a_ban_bars_whatever_the_time() -> None:
    assert is_barred(BANNED, NOW)
    assert is_barred(BANNED, NOW + timedelta(days=10_000))
    assert not is_suspended(BANNED, NOW)


def test_the_sign_in_message_says_what_and_why() -> None:
    assert standing_message(BANNED, NOW) == "This account is banned: Harassment."
    assert standing_message(SUSPENDED, NOW) == (
        "This account is suspended until 6 May 2026, 14:30 UTC: Spamming links."
    )
    assert standing_message(Standing(banned=True), NOW) == "This account is banned."
    assert standing_message(LAPSED, NOW) is None
    assert standing_message(GOOD_STANDING, NOW) is None


def test_suspensions_last_one_day_to_ten_years() -> None:
    assert suspension_end(NOW, 7) == NOW + timedelta(days=7)
    assert suspension_end(NOW, SUSPENSION_DAYS_MAX) == NOW + timedelta(days=SUSPENSION_DAYS_MAX)
    for days in (0, -1, SUSPENSION_DAYS_MAX + 1):
        with pytest.raises(ValueError, match="1 to"):
            suspension_end(NOW, days)


def test_barred_members_read_but_take_no_part() -> None:
    barred = Viewer(user_id=2, suspended=True)
    assert can_view_work(barred, WORK)
    assert not can_participate(barred)
    assert not can_leave_kudos(barred, WORK)
    assert can_leave_kudos(Viewer(user_id=2), WORK)
    assert can_participate(Viewer())
    assert not can_edit_work(Viewer(user_id=1, suspended=True), WORK)
    assert can_edit_work(Viewer(user_id=1), WORK)


def test_a_report_says_what_is_wrong_in_a_bounded_description() -> None:
    assert description_problem("Chapter 3 is copied from a published novel.") is None
    assert (
        description_problem("   \n ") == "Say what is wrong, so the admins know what to look for."
    )
    assert description_problem("x" * DESCRIPTION_MAX) is None
    assert description_problem("x" * (DESCRIPTION_MAX + 1)) == "Use at most 4,000 characters."


@pytest.mark.parametrize("action", list(Action))
def test_actions_seen_by_the_member_need_a_reason(action: Action) -> None:
    needs = action in {Action.HIDE_WORK, Action.WARN, Action.SUSPEND, Action.BAN, Action.RESOLVE}
    assert (note_problem(action, " ") is not None) == needs
    assert note_problem(action, "Because.") is None
    assert note_problem(action, "x" * (NOTE_MAX + 1)) == "Use at most 2,000 characters."
    assert action.label and action.verb


def test_every_reason_is_explained() -> None:
    assert [reason.label for reason in Reason] == [
        "Spam",
        "Harassment",
        "Plagiarism",
        "Wrong rating or warnings",
        "Something else",
    ]
    assert all(reason.help.endswith(".") for reason in Reason)


def test_what_an_admin_is_offered_follows_the_state_of_things() -> None:
    offered = available_actions(
        is_work=True, hidden=False, accounts=[GOOD_STANDING], report_open=True, now=NOW
    )
    assert offered == [
        Action.HIDE_WORK,
        Action.WARN,
        Action.SUSPEND,
        Action.BAN,
        Action.RESOLVE,
        Action.DISMISS,
    ]
    hidden_by_banned = available_actions(
        is_work=True, hidden=True, accounts=[BANNED, SUSPENDED], report_open=None, now=NOW
    )
    assert hidden_by_banned == [
        Action.UNHIDE_WORK,
        Action.WARN,
        Action.SUSPEND,
        Action.UNSUSPEND,
        Action.BAN,
        Action.UNBAN,
    ]
    gone = available_actions(is_work=False, hidden=False, accounts=[], report_open=True, now=NOW)
    assert gone == [Action.RESOLVE, Action.DISMISS]
    closed = available_actions(
        is_work=False, hidden=False, accounts=[LAPSED], report_open=False, now=NOW
    )
    assert closed == [Action.WARN, Action.SUSPEND, Action.BAN]
