"""The admins' pages for accounts: the archive's settings and the invitation queue.

Who counts as an admin is the permission layer's answer (quire.permissions.viewer_for);
a guest is sent to log in, a member who is not an admin gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quire.core.moderation import Action
from quire.moderation.audit import form_changes, recorded
from quire.people import actions, queries
from quire.people.account_views import member_of, site_of
from quire.people.forms import ArchiveSettingsForm, GiveInvitationsForm, IssueInvitationsForm
from quire.permissions import viewer_for

QUEUE_SHOWN = 50
RECENT_INVITATIONS = 30

View = Callable[..., HttpResponse]


def admins_only(view: View) -> View:
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not viewer_for(request.user).is_admin:
            raise PermissionDenied("Only the archive's admins can see this page.")
        return view(request, *args, **kwargs)

    return checked


@admins_only
def archive_settings(request: HttpRequest) -> HttpResponse:
    form = ArchiveSettingsForm(request.POST or None, instance=queries.archive_settings())
    if request.method == "POST" and form.is_valid():
        admin = member_of(request)
        with recorded(
            admin, Action.CHANGE_SETTINGS, form.instance, kind="settings", note=form_changes(form)
        ):
            actions.do_update_archive_settings(admin, **form.cleaned_data)
        messages.success(request, "The archive's settings are saved.")
        return redirect("people:archive_settings")
    return render(request, "people/staff/archive_settings.html", {"form": form})


@admins_only
def invitations(request: HttpRequest) -> HttpResponse:
    """The queue, oldest first; send the next batch; give members invitations to share."""
    archive = queries.archive_settings()
    admin = member_of(request)
    issue = IssueInvitationsForm(initial={"count": archive.invitations_per_batch})
    give = GiveInvitationsForm()
    if request.method == "POST" and request.POST.get("action") == "issue":
        issue = IssueInvitationsForm(request.POST)
        if issue.is_valid():
            sent = actions.do_issue_invitations(
                admin, issue.cleaned_data["count"], site_of(request)
            )
            messages.success(
                request,
                f"Sent {len(sent)} invitation{'s' if len(sent) != 1 else ''} from the queue."
                if sent
                else "Nobody is waiting in the queue.",
            )
            return redirect("people:staff_invitations")
    elif request.method == "POST" and request.POST.get("action") == "give":
        give = GiveInvitationsForm(request.POST)
        if give.is_valid():
            member, count = give.cleaned_data["username"], give.cleaned_data["count"]
            try:
                actions.do_give_invitations(admin, member, count)
            except actions.AccountError as error:
                give.add_error("username", str(error))
            else:
                messages.success(
                    request,
                    f"Gave {member.username} {count} invitation{'s' if count != 1 else ''}.",
                )
                return redirect("people:staff_invitations")
    queue = queries.invitation_queue()
    context = {
        "archive": archive,
        "queue": queue[:QUEUE_SHOWN],
        "waiting": queue.count(),
        "issue": issue,
        "give": give,
        "recent": queries.recent_invitations()[:RECENT_INVITATIONS],
    }
    return render(request, "people/staff/invitations.html", context)
