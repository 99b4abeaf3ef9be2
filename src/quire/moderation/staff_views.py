"""The admins' moderation pages: the menu, the report queue, one reported thing with
its reports and what can be done about it, and the audit log.

Every page is for admins only (quire.people.staff_views.admins_only): a guest is
sent to log in, a member gets 403. What a reported thing is and who answers for it
come from quire.moderation.targets, read as an admin (so hidden works are found).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from quire.core.moderation import Status, available_actions, is_suspended
from quire.moderation import actions, queries
from quire.moderation.forms import (
    AuditFiltersForm,
    FindAccountForm,
    ModerationForm,
    QueueFiltersForm,
)
from quire.moderation.models import AccountWarning, Report
from quire.moderation.targets import Target, find_target, find_targets
from quire.people.account_views import member_of, site_of
from quire.people.models import User
from quire.people.staff_views import admins_only
from quire.permissions import standing_of, viewer_for
from quire.site.redirects import next_or

REPORTS_PER_PAGE = 20
ENTRIES_PER_PAGE = 50


def target_url(kind: str, object_id: int) -> str:
    return reverse("moderation:target", args=[kind, object_id])


@admins_only
def home(request: HttpRequest) -> HttpResponse:
    """The Moderation menu: reports, the audit log, accounts and the archive's settings."""
    context = {
        "open_reports": queries.open_report_count(),
        "barred": list(queries.barred_accounts()[:50]),
        "hidings": queries.recent_hidings(),
        "find": FindAccountForm(),
    }
    return render(request, "moderation/staff/home.html", context)


@admins_only
def find_account(request: HttpRequest) -> HttpResponse:
    form = FindAccountForm(request.GET or None)
    if form.is_valid():
        member = queries.account_named(form.cleaned_data["username"])
        if member is not None:
            return redirect(target_url("user", member.pk))
        messages.error(request, "No account has that username.")
    return redirect("moderation:home")


def _moderation_form(
    request: HttpRequest, target: Target | None, report: Report | None, *, bound: bool = False
) -> ModerationForm:
    """The action form for a thing (and the report being handled, if any)."""
    owners = target.owners if target is not None else []
    offered = available_actions(
        is_work=target is not None and target.kind.name == "work",
        hidden=bool(getattr(target.thing, "hidden", False)) if target is not None else False,
        accounts=[standing_of(owner) for owner in owners],
        report_open=None if report is None else report.is_open,
        now=timezone.now(),
    )
    prefix = f"r{report.pk}" if report is not None else "t"
    return ModerationForm(
        request.POST if bound else None,
        actions=offered,
        members=owners,
        auto_id=f"id_{prefix}_%s",
    )


@dataclass(frozen=True, slots=True)
class Account:
    """An account that answers for a reported thing, with its standing now."""

    user: User
    suspended: bool

    @property
    def standing_label(self) -> str:
        if self.user.banned_at is not None:
            return "Banned"
        if self.suspended and self.user.suspended_until is not None:
            until = date_format(timezone.localtime(self.user.suspended_until), "j M Y, H:i")
            return f"Suspended until {until}"
        return ""


def accounts_of(target: Target | None) -> list[Account]:
    now = timezone.now()
    owners = target.owners if target is not None else []
    return [Account(owner, is_suspended(standing_of(owner), now)) for owner in owners]


@dataclass(frozen=True, slots=True)
class QueueItem:
    report: Report
    target: Target | None
    form: ModerationForm

    @property
    def url(self) -> str:
        return target_url(self.report.kind, self.report.object_id)

    @property
    def accounts(self) -> list[Account]:
        return accounts_of(self.target)


@admins_only
def queue(request: HttpRequest) -> HttpResponse:
    """Reports, newest first, open ones unless the filters say otherwise."""
    asked = request.GET.copy()
    asked.setdefault("status", Status.OPEN)
    filters = QueueFiltersForm(asked)
    chosen = filters.cleaned_data if filters.is_valid() else {"status": Status.OPEN}
    reports = queries.report_queue(queries.ReportFilters(**chosen))
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    admin = viewer_for(request.user)
    targets = find_targets(admin, ((report.kind, report.object_id) for report in page))
    items = [
        QueueItem(report, target, _moderation_form(request, target, report))
        for report in page
        for target in [targets.get((report.kind, report.object_id))]
    ]
    context = {"filters": filters, "page": page, "items": items, "next": request.get_full_path()}
    return render(request, "moderation/staff/queue.html", context)


def _report_from(request: HttpRequest, kind: str, object_id: int) -> Report | None:
    """The report the action form handles (?report= or its hidden field): one about this
    very thing."""
    report_id = request.POST.get("report") or request.GET.get("report", "")
    if not report_id.isdigit():
        return None
    report = queries.report_by_id(int(report_id))
    if report is None or (report.kind, report.object_id) != (kind, object_id):
        raise Http404("That report is not about this.")
    return report


@admins_only
def target(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """One reported thing (a member's account page too): its reports, what admins did
    to it, and the action form. A thing that is gone still shows its reports, so they
    can be closed."""
    found = find_target(viewer_for(request.user), kind, object_id)
    reports = list(queries.reports_about(kind, object_id)[:50])
    if found is None and not reports:
        raise Http404("Nothing of that kind with that number.")
    here = target_url(kind, object_id)
    report = _report_from(request, kind, object_id)
    form = _moderation_form(request, found, report, bound=request.method == "POST")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_moderate(
                member_of(request),
                found,
                data["action"],
                note=data.get("note") or "",
                member=data.get("member"),
                days=data.get("days"),
                report=report,
                site=site_of(request),
            )
        except actions.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{data['action'].label}.")
            return redirect(next_or(request, here))
    context = {
        "kind": kind,
        "object_id": object_id,
        "target": found,
        "form": form,
        "handling": report,
        "accounts": accounts_of(found),
        "reports": reports,
        "history": list(queries.audit_of(kind, object_id)[:50]),
        "warnings": _warnings_if_account(found),
    }
    return render(request, "moderation/staff/target.html", context)


def _warnings_if_account(found: Target | None) -> list[AccountWarning]:
    if found is not None and isinstance(found.thing, User):
        return list(queries.warnings_of(found.thing)[:50])
    return []


@admins_only
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every admin action, newest first; read-only, filtered by actor, action and target."""
    filters = AuditFiltersForm(request.GET or None, actors=queries.audit_actor_names())
    chosen = filters.cleaned_data if filters.is_valid() else {}
    entries = queries.audit_log(queries.AuditFilters(**chosen))
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page}
    return render(request, "moderation/staff/audit_log.html", context)
