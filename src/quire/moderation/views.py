"""Pages for everyone: the report form, and a member's own warnings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quire.core.moderation import Reason
from quire.moderation import actions, queries
from quire.moderation.forms import ReportForm
from quire.moderation.targets import find_target
from quire.people import throttle
from quire.people.account_views import member_of
from quire.permissions import viewer_for


def report(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """Report something the visitor can see; guests leave an email address."""
    target = find_target(viewer_for(request.user), kind, object_id)
    if target is None:
        raise Http404("There is nothing here to report.")
    reporter = member_of(request) if request.user.is_authenticated else None
    form = ReportForm(request.POST or None, guest=reporter is None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_report(
                target,
                reason=Reason(data["reason"]),
                description=data["description"],
                reporter=reporter,
                email=data.get("email", ""),
                address=throttle.client_ip(request),
            )
        except actions.TooManyReports as error:
            form.add_error(None, str(error))
            status = 429
        except actions.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Thank you: your report is with the archive's admins, who will look at it."
            )
            return redirect(target.url)
    context = {"form": form, "target": target, "guest": reporter is None}
    return render(request, "moderation/report.html", context, status=status)


@login_required
def my_warnings(request: HttpRequest) -> HttpResponse:
    """The warnings the archive's admins sent this member, newest first."""
    member = member_of(request)
    warnings = list(queries.warnings_of(member))
    actions.do_mark_warnings_seen(member)
    return render(request, "moderation/warnings.html", {"warnings": warnings})
