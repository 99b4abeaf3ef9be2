"""Every read for moderation: the report queue, the audit log, hidden works, barred
accounts and a member's warnings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from quire.moderation.models import AccountWarning, AuditEntry, Hiding, Report
from quire.people.models import User
from quire.permissions import barred_accounts_filter
from quire.works.models import Work


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """The queue's filters; an empty one means any."""

    kind: str = ""
    reason: str = ""
    status: str = "open"


def report_queue(filters: ReportFilters) -> QuerySet[Report]:
    """Reports newest first, with who sent and who handled them."""
    reports = Report.objects.select_related("reporter", "handled_by").order_by("-created_at", "-id")
    if filters.kind:
        reports = reports.filter(kind=filters.kind)
    if filters.reason:
        reports = reports.filter(reason=filters.reason)
    if filters.status:
        reports = reports.filter(status=filters.status)
    return reports


def open_report_count() -> int:
    return Report.objects.filter(status="open").count()


def report_by_id(report_id: int) -> Report | None:
    return Report.objects.select_related("reporter", "handled_by").filter(pk=report_id).first()


def reports_about(kind: str, object_id: int) -> QuerySet[Report]:
    return report_queue(ReportFilters(status="")).filter(kind=kind, object_id=object_id)


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    target_kind: str = ""
    target: str = ""
    """A target's id, or part of what it was called."""


def audit_log(filters: AuditFilters) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("report").order_by("-created_at", "-id")
    if filters.actor:
        entries = entries.filter(actor_name__iexact=filters.actor.strip())
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.target_kind:
        entries = entries.filter(target_kind=filters.target_kind)
    target = filters.target.strip()
    if target.isdigit():
        entries = entries.filter(Q(target_id=int(target)) | Q(target_label__icontains=target))
    elif target:
        entries = entries.filter(target_label__icontains=target)
    return entries


def audit_of(kind: str, object_id: int) -> QuerySet[AuditEntry]:
    """What admins did to one thing, newest first."""
    return audit_log(AuditFilters(target_kind=kind)).filter(target_id=object_id)


def audit_actor_names() -> list[str]:
    """Everyone who appears in the log as having done something, for the filter."""
    names = AuditEntry.objects.order_by("actor_name").values_list("actor_name", flat=True)
    return list(names.distinct())


def hiding_of(work: Work) -> Hiding | None:
    """Why an admin hid the work, if one said (None for a work that is not hidden)."""
    if not work.hidden:
        return None
    return Hiding.objects.filter(work=work).first()


def recent_hidings(limit: int = 20) -> list[Hiding]:
    hidings = Hiding.objects.select_related("work", "hidden_by", "banned_user")
    return list(hidings.filter(work__hidden=True).order_by("-created_at")[:limit])


def barred_accounts() -> QuerySet[User]:
    """Accounts banned or suspended right now, most recently barred first."""
    barred = User.objects.filter(barred_accounts_filter())
    return barred.order_by(F("banned_at").desc(nulls_last=True), "suspended_until", "id")


def account_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username.strip()).first()


def warnings_of(member: User) -> QuerySet[AccountWarning]:
    return AccountWarning.objects.filter(user=member).order_by("-created_at", "-id")


def unseen_warnings(member: User) -> list[AccountWarning]:
    return list(warnings_of(member).filter(seen_at__isnull=True))
