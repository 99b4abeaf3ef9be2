"""Every moderation write: reports, hiding works, warnings, suspensions and bans.

Each admin action checks the actor is an admin, makes its change and writes its
audit entry in one transaction, so the log never shows what did not happen and
nothing happens without an entry. An action taken from a report resolves it.
"""

from __future__ import annotations

import logging
import smtplib
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quire.core.moderation import (
    Action,
    Reason,
    Status,
    description_problem,
    is_suspended,
    note_problem,
    suspension_end,
)
from quire.moderation import ratelimit
from quire.moderation.audit import record
from quire.moderation.models import AccountWarning, Hiding, Report
from quire.moderation.targets import Target
from quire.people.emails import Site
from quire.people.models import User
from quire.permissions import standing_of, viewer_for
from quire.works.actions import do_set_hidden
from quire.works.models import Work

log = logging.getLogger(__name__)

BANNED_WORK_REASON = "Its creator's account is banned."


class ModerationError(Exception):
    """A moderation write refused for a reason the person can act on; the message says it."""


class TooManyReports(ModerationError):
    """The reporter sent as many reports as one may in an hour."""


# Reporting


def do_report(
    target: Target,
    *,
    reason: Reason,
    description: str,
    reporter: User | None,
    email: str = "",
    address: str = "",
) -> Report:
    """File a report of something the reporter can see: a member by account, a guest
    with an email address the admins can answer; limited per reporter."""
    problem = description_problem(description)
    if problem:
        raise ModerationError(problem)
    if reporter is None and not email.strip():
        raise ModerationError("Give an email address, so the admins can answer you.")
    key = ratelimit.reporter_key(None if reporter is None else reporter.pk, address)
    if not ratelimit.may_report(key):
        raise TooManyReports(
            "You have sent several reports in the last hour: please wait a while before "
            "sending another."
        )
    report = Report.objects.create(
        kind=target.kind.name,
        object_id=target.id,
        target_label=target.title,
        reason=reason,
        description=description.strip(),
        reporter=reporter,
        reporter_email="" if reporter is not None else email.strip(),
    )
    ratelimit.count_report(key)
    return report


# What admins do


def _require_admin(user: User) -> None:
    if not viewer_for(user).is_admin:
        raise PermissionDenied("Only the archive's admins can do this.")


def _allowed(admin: User, action: Action, note: str, *, member: User | None = None) -> str:
    """Check that `admin` may take `action` (on `member`'s account) with this note, and
    return the note as it is kept.

    Admins act on members: never on themselves or another admin (take away the other
    admin's staff status first), never on placeholder accounts.
    """
    _require_admin(admin)
    if member is not None:
        if member.pk == admin.pk:
            raise ModerationError("You can't do this to your own account.")
        if member.is_staff or member.is_superuser:
            raise ModerationError(
                f"{member.username} is an admin: take away their staff status first."
            )
        if member.is_placeholder:
            raise ModerationError(f"{member.username} is a placeholder for imported works.")
    problem = note_problem(action, note)
    if problem:
        raise ModerationError(problem)
    return note.strip()


def _close(report: Report | None, admin: User, status: Status, note: str) -> None:
    """Close an open report (a closed one keeps how it was closed)."""
    if report is None or not report.is_open:
        return
    report.status = status
    report.handled_by = admin
    report.handled_at = timezone.now()
    report.resolution = note
    report.save(update_fields=["status", "handled_by", "handled_at", "resolution"])


def _log_and_resolve(
    admin: User, action: Action, thing: Work | User, note: str, report: Report | None, outcome: str
) -> None:
    """Write the action's audit entry and resolve the report it was taken from, if any."""
    kind = "work" if isinstance(thing, Work) else "user"
    record(admin, action, thing, kind=kind, note=note, report=report)
    _close(report, admin, Status.RESOLVED, outcome)


@transaction.atomic
def do_hide_work(admin: User, work: Work, *, reason: str, report: Report | None = None) -> Work:
    """Hide a work from everyone but its creators and admins; its creators read `reason`."""
    reason = _allowed(admin, Action.HIDE_WORK, reason)
    do_set_hidden(work, hidden=True)
    Hiding.objects.update_or_create(
        work=work,
        defaults={
            "reason": reason,
            "hidden_by": admin,
            "banned_user": None,
            "created_at": timezone.now(),
        },
    )
    _log_and_resolve(admin, Action.HIDE_WORK, work, reason, report, f"Hid the work: {reason}")
    return work


@transaction.atomic
def do_unhide_work(
    admin: User, work: Work, *, note: str = "", report: Report | None = None
) -> Work:
    note = _allowed(admin, Action.UNHIDE_WORK, note)
    do_set_hidden(work, hidden=False)
    Hiding.objects.filter(work=work).delete()
    _log_and_resolve(
        admin,
        Action.UNHIDE_WORK,
        work,
        note,
        report,
        "Showed the work again" + (f": {note}" if note else "."),
    )
    return work


@transaction.atomic
def do_warn(
    admin: User, member: User, *, note: str, report: Report | None = None, site: Site | None = None
) -> AccountWarning:
    """Warn a member: kept on their account, shown when they next log in, and emailed
    once the transaction commits."""
    note = _allowed(admin, Action.WARN, note, member=member)
    warning = AccountWarning.objects.create(user=member, note=note, issued_by=admin, report=report)
    _log_and_resolve(admin, Action.WARN, member, note, report, f"Warned {member.username}: {note}")
    if site is not None and member.email:
        transaction.on_commit(partial(_email_warning, warning, site))
    return warning


def _email_warning(warning: AccountWarning, site: Site) -> None:
    """Email a warning; a mail server that refuses is logged (the warning still shows)."""
    context = {"warning": warning, "site": site, "url": site.absolute(reverse("moderation:mine"))}
    body = render_to_string("moderation/emails/warning.txt", context)
    try:
        send_mail(f"A warning from the admins of {site.name}", body, None, [warning.user.email])
    except (smtplib.SMTPException, OSError):
        log.exception("could not email warning %s", warning.pk)


def _save_standing(member: User) -> None:
    member.save(update_fields=["suspended_until", "banned_at", "standing_reason"])


@transaction.atomic
def do_suspend(
    admin: User, member: User, *, days: int, note: str, report: Report | None = None
) -> User:
    """Suspend a member for `days` days: they cannot log in or take part until then;
    their works stay up. The suspension ends by itself."""
    note = _allowed(admin, Action.SUSPEND, note, member=member)
    try:
        member.suspended_until = suspension_end(timezone.now(), days)
    except ValueError as error:
        raise ModerationError(str(error).capitalize() + ".") from None
    member.standing_reason = note
    _save_standing(member)
    entry_note = f"{days} day{'s' if days != 1 else ''}: {note}"
    _log_and_resolve(
        admin,
        Action.SUSPEND,
        member,
        entry_note,
        report,
        f"Suspended {member.username} for {entry_note}",
    )
    return member


@transaction.atomic
def do_unsuspend(
    admin: User, member: User, *, note: str = "", report: Report | None = None
) -> User:
    note = _allowed(admin, Action.UNSUSPEND, note, member=member)
    if not is_suspended(standing_of(member), timezone.now()):
        raise ModerationError(f"{member.username} is not suspended.")
    member.suspended_until = None
    if member.banned_at is None:
        member.standing_reason = ""
    _save_standing(member)
    record(admin, Action.UNSUSPEND, member, kind="user", note=note, report=report)
    return member


def _works_of(member: User) -> list[Work]:
    return list(Work.objects.filter(creatorships__pseud__user=member).distinct())


@transaction.atomic
def do_ban(admin: User, member: User, *, note: str, report: Report | None = None) -> User:
    """Ban a member: they cannot log in, and every work credited to them is hidden
    (through Work.hidden, so every surface and the search index drop it at once) until
    the ban is lifted. Works an admin hid for another reason keep that reason."""
    note = _allowed(admin, Action.BAN, note, member=member)
    member.banned_at = timezone.now()
    member.standing_reason = note
    _save_standing(member)
    hidden = 0
    for work in _works_of(member):
        if work.hidden:
            continue
        do_set_hidden(work, hidden=True)
        Hiding.objects.update_or_create(
            work=work,
            defaults={"reason": BANNED_WORK_REASON, "hidden_by": admin, "banned_user": member},
        )
        hidden += 1
    entry_note = f"{note} ({hidden} work{'s' if hidden != 1 else ''} hidden)"
    _log_and_resolve(
        admin, Action.BAN, member, entry_note, report, f"Banned {member.username}: {note}"
    )
    return member


@transaction.atomic
def do_unban(admin: User, member: User, *, note: str = "", report: Report | None = None) -> User:
    """Lift a ban: the member can log in again and the works the ban hid are shown."""
    note = _allowed(admin, Action.UNBAN, note, member=member)
    if member.banned_at is None:
        raise ModerationError(f"{member.username} is not banned.")
    member.banned_at = None
    if not is_suspended(standing_of(member), timezone.now()):
        member.standing_reason = ""
    _save_standing(member)
    hidings = Hiding.objects.filter(banned_user=member).select_related("work")
    shown = 0
    for hiding in hidings:
        do_set_hidden(hiding.work, hidden=False)
        shown += 1
    hidings.delete()
    entry_note = f"{note} ({shown} work{'s' if shown != 1 else ''} shown again)".strip()
    record(admin, Action.UNBAN, member, kind="user", note=entry_note, report=report)
    return member


def _report_label(report: Report) -> str:
    return f"Report #{report.pk} ({report.kind}: {report.target_label})"


@transaction.atomic
def do_close_report(admin: User, report: Report, *, status: Status, note: str) -> Report:
    """Dismiss a report (nothing to do) or resolve it with a note saying what was done."""
    action = Action.DISMISS if status == Status.DISMISSED else Action.RESOLVE
    note = _allowed(admin, action, note)
    if not report.is_open:
        raise ModerationError("This report is closed already.")
    _close(report, admin, status, note)
    record(
        admin, action, report, kind="report", label=_report_label(report), note=note, report=report
    )
    return report


def do_moderate(
    admin: User,
    target: Target | None,
    action: Action,
    *,
    note: str,
    member: User | None = None,
    days: int | None = None,
    report: Report | None = None,
    site: Site | None = None,
) -> None:
    """Take one action chosen on a reported thing's page (or in the queue); a thing
    that is gone (`target` None) can only have its reports closed."""
    if action in (Action.RESOLVE, Action.DISMISS):
        if report is None:
            raise ModerationError("Choose a report to close.")
        status = Status.RESOLVED if action == Action.RESOLVE else Status.DISMISSED
        do_close_report(admin, report, status=status, note=note)
    elif target is None:
        raise ModerationError("This is gone: its reports can only be closed.")
    elif action in (Action.HIDE_WORK, Action.UNHIDE_WORK):
        if not isinstance(target.thing, Work):
            raise ModerationError("Only works can be hidden.")
        if action == Action.HIDE_WORK:
            do_hide_work(admin, target.thing, reason=note, report=report)
        else:
            do_unhide_work(admin, target.thing, note=note, report=report)
    else:
        if member is None or member.pk not in {owner.pk for owner in target.owners}:
            raise ModerationError("Choose one of the accounts that answer for this.")
        if action == Action.SUSPEND:
            do_suspend(admin, member, days=days or 0, note=note, report=report)
        elif action == Action.BAN:
            do_ban(admin, member, note=note, report=report)
        elif action == Action.UNSUSPEND:
            do_unsuspend(admin, member, note=note, report=report)
        elif action == Action.UNBAN:
            do_unban(admin, member, note=note, report=report)
        elif action == Action.WARN:
            do_warn(admin, member, note=note, report=report, site=site)
        else:
            raise ModerationError(f"{action.label} is not done from here.")


def do_mark_warnings_seen(member: User) -> int:
    return AccountWarning.objects.filter(user=member, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
