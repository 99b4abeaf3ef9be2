"""Moderation rules that need neither a database nor a request.

An account is in good standing, suspended until a moment, or banned. A suspension
ends by itself when its moment passes (no job has to run for it), so every rule
about standing takes "now" as an argument. A barred account (suspended now, or
banned) may not sign in; an existing session of one is ended, and the permission
layer refuses it everything that adds to the archive (quire.core.visibility.
can_participate).

The reasons a reader can give follow AO3's abuse form; the admin actions are the
vocabulary of the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

DESCRIPTION_MAX: Final = 4_000
"""Characters in a report's description (AO3's abuse form allows a few thousand)."""
NOTE_MAX: Final = 2_000
"""Characters in an admin's note: a reason shown to a member, or a resolution."""
SUSPENSION_DAYS_MAX: Final = 3_650
"""Ten years: anything longer is a ban and should say so."""
BARRED_REFUSAL: Final = "Your account is suspended or banned, so you can't do this for now."
"""What an action refused to a barred account says (quire.core.visibility.can_participate)."""


class Reason(StrEnum):
    """Why a reader reports something."""

    SPAM = "spam"
    HARASSMENT = "harassment"
    PLAGIARISM = "plagiarism"
    WRONG_TAGS = "wrong_tags"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]

    @property
    def help(self) -> str:
        return _REASON_HELP[self]


_REASON_LABELS: Final = {
    Reason.SPAM: "Spam",
    Reason.HARASSMENT: "Harassment",
    Reason.PLAGIARISM: "Plagiarism",
    Reason.WRONG_TAGS: "Wrong rating or warnings",
    Reason.OTHER: "Something else",
}
_REASON_HELP: Final = {
    Reason.SPAM: "Advertising, commercial links, or the same thing posted over and over.",
    Reason.HARASSMENT: "Threats, abuse or targeting of a person.",
    Reason.PLAGIARISM: "Someone else's work posted without permission or credit.",
    Reason.WRONG_TAGS: "The rating or archive warnings don't match the content.",
    Reason.OTHER: "Anything else that breaks the archive's rules.",
}


class Status(StrEnum):
    """Where a report stands: waiting for an admin, or closed one way or the other."""

    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Action(StrEnum):
    """Everything an admin does that the audit log records."""

    HIDE_WORK = "hide_work"
    UNHIDE_WORK = "unhide_work"
    WARN = "warn"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    BAN = "ban"
    UNBAN = "unban"
    DISMISS = "dismiss"
    RESOLVE = "resolve"
    CHANGE_SETTINGS = "change_settings"
    ISSUE_INVITATIONS = "issue_invitations"
    GIVE_INVITATIONS = "give_invitations"

    @property
    def label(self) -> str:
        """What the audit log says was done."""
        return _ACTION_LABELS[self]

    @property
    def verb(self) -> str:
        """What the button or choice that does it says."""
        return _ACTION_VERBS.get(self, self.label)


_ACTION_VERBS: Final = {
    Action.HIDE_WORK: "Hide the work",
    Action.UNHIDE_WORK: "Show the work again",
    Action.WARN: "Warn",
    Action.SUSPEND: "Suspend",
    Action.UNSUSPEND: "Lift the suspension",
    Action.BAN: "Ban",
    Action.UNBAN: "Lift the ban",
    Action.RESOLVE: "Resolve",
    Action.DISMISS: "Dismiss",
}
_ACTION_LABELS: Final = {
    Action.HIDE_WORK: "Hid a work",
    Action.UNHIDE_WORK: "Unhid a work",
    Action.WARN: "Warned an account",
    Action.SUSPEND: "Suspended an account",
    Action.UNSUSPEND: "Lifted a suspension",
    Action.BAN: "Banned an account",
    Action.UNBAN: "Lifted a ban",
    Action.DISMISS: "Dismissed a report",
    Action.RESOLVE: "Resolved a report",
    Action.CHANGE_SETTINGS: "Changed the archive settings",
    Action.ISSUE_INVITATIONS: "Sent invitations from the queue",
    Action.GIVE_INVITATIONS: "Gave a member invitations",
}

ACCOUNT_ACTIONS: Final = frozenset(
    {Action.WARN, Action.SUSPEND, Action.UNSUSPEND, Action.BAN, Action.UNBAN}
)
"""Actions taken on an account rather than on the reported thing."""
NEEDS_A_NOTE: Final = frozenset(
    {Action.HIDE_WORK, Action.WARN, Action.SUSPEND, Action.BAN, Action.RESOLVE}
)
"""Actions whose note is shown to the member, or is the record of what was done."""


@dataclass(frozen=True, slots=True)
class Standing:
    """An account's standing: banned, suspended until a moment, or neither."""

    banned: bool = False
    suspended_until: datetime | None = None
    reason: str = ""


GOOD_STANDING: Final = Standing()


def is_suspended(standing: Standing, now: datetime) -> bool:
    """Suspended right now: the suspension's end is still to come."""
    return standing.suspended_until is not None and standing.suspended_until > now


def is_barred(standing: Standing, now: datetime) -> bool:
    """Banned, or suspended right now: may not sign in or add anything to the archive."""
    return standing.banned or is_suspended(standing, now)


def standing_message(standing: Standing, now: datetime) -> str | None:
    """What a barred member is told when they try to sign in (None: they are not)."""
    if standing.banned:
        text = "This account is banned"
    elif is_suspended(standing, now) and standing.suspended_until is not None:
        until = standing.suspended_until.astimezone(UTC)
        text = f"This account is suspended until {until.day} {until:%B %Y, %H:%M} UTC"
    else:
        return None
    reason = " ".join(standing.reason.split())
    return f"{text}: {reason}" if reason else f"{text}."


def suspension_end(now: datetime, days: int) -> datetime:
    """When a suspension of `days` days that starts `now` ends."""
    if not 1 <= days <= SUSPENSION_DAYS_MAX:
        raise ValueError(f"a suspension lasts 1 to {SUSPENSION_DAYS_MAX} days")
    return now + timedelta(days=days)


def description_problem(description: str) -> str | None:
    """Why a report's description cannot be sent as it is, or None when it can."""
    text = description.strip()
    if not text:
        return "Say what is wrong, so the admins know what to look for."
    if len(text) > DESCRIPTION_MAX:
        return f"Use at most {DESCRIPTION_MAX:,} characters."
    return None


def note_problem(action: Action, note: str) -> str | None:
    """Why an admin's note for `action` will not do, or None when it will."""
    text = note.strip()
    if action in NEEDS_A_NOTE and not text:
        return "Give a reason: it is kept in the audit log" + (
            "." if action == Action.RESOLVE else " and shown to the member."
        )
    if len(text) > NOTE_MAX:
        return f"Use at most {NOTE_MAX:,} characters."
    return None


def available_actions(
    *,
    is_work: bool,
    hidden: bool,
    accounts: list[Standing],
    report_open: bool | None,
    now: datetime,
) -> list[Action]:
    """What an admin can do from a reported thing's page, in the order offered.

    `accounts` are the standings of the accounts that answer for the thing (none for a
    guest's comment); `report_open` is None when no report is being handled.
    """
    offered: list[Action] = []
    if is_work:
        offered.append(Action.UNHIDE_WORK if hidden else Action.HIDE_WORK)
    if accounts:
        offered += [Action.WARN, Action.SUSPEND]
        if any(is_suspended(standing, now) for standing in accounts):
            offered.append(Action.UNSUSPEND)
        offered.append(Action.BAN)
        if any(standing.banned for standing in accounts):
            offered.append(Action.UNBAN)
    if report_open:
        offered += [Action.RESOLVE, Action.DISMISS]
    return offered
