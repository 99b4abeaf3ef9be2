"""A member's own pages: the dashboard, profile and pseud editing, preferences and
the invitations they can share. Each acts on the signed-in member only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quire.people import actions, queries
from quire.people.account_views import member_of, site_of
from quire.people.emails import invitation_link
from quire.people.forms import EmailForm, PreferencesForm, ProfileForm, PseudForm
from quire.people.models import Pseud, User
from quire.permissions import viewer_for
from quire.works.queries import works_by_user

DASHBOARD_WORKS = 5


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    works = works_by_user(viewer_for(member), member)
    context = {
        "member": member,
        "works": works[:DASHBOARD_WORKS],
        "work_count": works.count(),
        "pseuds": queries.pseuds_of(member),
        "invitation_count": queries.unused_invitation_count(member),
        "has_invitations": queries.invitations_held_by(member).exists(),
    }
    return render(request, "people/dashboard/dashboard.html", context)


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = ProfileForm(request.POST or None, initial={"about": member.about})
    if request.method == "POST" and form.is_valid():
        actions.do_update_profile(member, about=form.cleaned_data["about"])
        messages.success(request, "Your profile is saved.")
        return redirect("people:profile", member.username)
    return render(request, "people/dashboard/profile_edit.html", {"form": form})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = PreferencesForm(request.POST or None, instance=queries.preferences_for(member))
    if request.method == "POST" and form.is_valid():
        actions.do_update_preferences(member, **form.cleaned_data)
        messages.success(request, "Your preferences are saved.")
        return redirect("people:preferences")
    return render(request, "people/dashboard/preferences.html", {"form": form})


def _own_pseud_or_404(member: User, pseud_id: int) -> Pseud:
    pseud = queries.own_pseud(member, pseud_id)
    if pseud is None:
        raise Http404("You have no such pseud.")
    return pseud


@login_required
def pseud_new(request: HttpRequest) -> HttpResponse:
    return _pseud_form(request, member_of(request), None)


@login_required
def pseud_edit(request: HttpRequest, pseud_id: int) -> HttpResponse:
    member = member_of(request)
    return _pseud_form(request, member, _own_pseud_or_404(member, pseud_id))


def _pseud_form(request: HttpRequest, member: User, pseud: Pseud | None) -> HttpResponse:
    """Adding a pseud (`pseud` None) or changing one: the same form and the same refusals."""
    initial = {"name": pseud.name, "description": pseud.description} if pseud else None
    form = PseudForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if pseud is None:
                added = actions.do_add_pseud(member, **form.cleaned_data)
                done = f"You can now write as {added.name}."
            else:
                done = f"Saved {actions.do_update_pseud(member, pseud, **form.cleaned_data).name}."
        except actions.AccountError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, done)
            return redirect("people:pseuds", member.username)
    return render(request, "people/dashboard/pseud_form.html", {"form": form, "pseud": pseud})


@login_required
def pseud_delete(request: HttpRequest, pseud_id: int) -> HttpResponse:
    """Asks first (GET), deletes on POST; the default pseud is refused either way."""
    member = member_of(request)
    pseud = _own_pseud_or_404(member, pseud_id)
    if request.method == "POST":
        try:
            default = actions.do_delete_pseud(member, pseud)
        except actions.AccountError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Deleted {pseud.name}; its works are now credited to {default.name}."
            )
        return redirect("people:pseuds", member.username)
    context = {"pseud": pseud, "default": member.default_pseud}
    return render(request, "people/dashboard/pseud_delete.html", context)


@login_required
@require_POST
def pseud_make_default(request: HttpRequest, pseud_id: int) -> HttpResponse:
    member = member_of(request)
    pseud = actions.do_set_default_pseud(member, _own_pseud_or_404(member, pseud_id))
    messages.success(request, f"{pseud.name} is now your default pseud.")
    return redirect("people:pseuds", member.username)


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations an admin gave this member: each one's link to pass on by hand,
    and a form to email it."""
    member = member_of(request)
    site = site_of(request)
    sending, sending_id = None, None
    if request.method == "POST":
        invitation = queries.own_invitation(member, _int(request.POST.get("invitation")))
        if invitation is None:
            raise Http404("You have no such invitation.")
        sending, sending_id = EmailForm(request.POST), invitation.pk
        if sending.is_valid():
            try:
                actions.do_send_invitation(member, invitation, sending.cleaned_data["email"], site)
            except actions.AccountError as error:
                sending.add_error("email", str(error))
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("people:invitations")
    rows = [
        (invitation, invitation_link(invitation, site))
        for invitation in queries.invitations_held_by(member)
    ]
    context = {"rows": rows, "sending": sending, "sending_id": sending_id, "now": timezone.now()}
    return render(request, "people/dashboard/invitations.html", context)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
