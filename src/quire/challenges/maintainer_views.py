"""A challenge's pages for its maintainers: settings, the sign-ups, matching (generate,
review, edit, send) and the sent assignments (defaults, pinch hits, overdue ones,
reminders, the reveal).

Views parse the request, call one query or action and render; the helpers they share
with the participants' pages are in quire.challenges.views.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quire.challenges import actions, queries
from quire.challenges.forms import ChallengeSettingsForm, PairForm, PinchHitForm, error_summary
from quire.challenges.views import (
    attempt,
    base_url,
    challenge_page,
    found_collection,
    member_of,
)
from quire.collections.models import CollectionKind
from quire.core.challenges import AssignmentState


@login_required
def settings(request: HttpRequest, name: str) -> HttpResponse:
    """Set up the challenge (the form starts from the kind's defaults) or change it."""
    collection, challenge, maintains = found_collection(request, name)
    if not maintains:
        raise PermissionDenied("Only the collection's owners and moderators can do that.")
    tag_rules = (
        queries.tag_rules_of(challenge)
        if challenge is not None
        else queries.default_tag_rules(collection)
    )
    form = ChallengeSettingsForm(
        request.POST or None,
        collection=collection,
        new=challenge is None,
        initial=ChallengeSettingsForm.initial_for(challenge, collection, tag_rules),
    )
    if request.method == "POST" and form.is_valid():
        user = member_of(request)
        if attempt(
            request,
            lambda: actions.do_save_challenge(collection, user, form.settings()),
            "The challenge is saved.",
        ):
            return redirect("challenges:home", name)
    context = {
        "collection": collection,
        "challenge": challenge,
        "maintains": True,
        "meme": collection.kind == CollectionKind.PROMPT_MEME,
        "form": form,
        "errors": error_summary([form]),
    }
    return render(request, "challenges/settings.html", context)


@login_required
def signups(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    context = page.context(signups=queries.signups_of(page.challenge))
    return render(request, "challenges/signups.html", context)


# Matching


@login_required
def matching(request: HttpRequest, name: str) -> HttpResponse:
    """The latest run's state (the page refreshes itself while it runs) and the draft
    assignments to review and edit; once sent, the assignments page takes over."""
    page = challenge_page(request, name, maintainers=True)
    if page.challenge.assignments_sent_at is not None:
        return redirect("challenges:assignments", name)
    run = queries.latest_run(page.challenge)
    running = queries.run_in_progress(page.challenge)
    context = page.context(
        run=run,
        running=running,
        review=queries.review_of(page.challenge) if running is None else None,
    )
    return render(request, "challenges/matching.html", context)


@login_required
@require_POST
def run_matching(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    user = member_of(request)
    attempt(
        request,
        lambda: actions.do_request_matching(page.challenge, user),
        "Matching has started.",
    )
    return redirect("challenges:matching", name)


@login_required
@require_POST
def pair(request: HttpRequest, name: str) -> HttpResponse:
    """A maintainer's change: a giver for a recipient, replacing the assignment given."""
    page = challenge_page(request, name, maintainers=True)
    form = PairForm(request.POST, challenge=page.challenge)
    if not form.is_valid():
        messages.error(request, "Choose both a giver and a recipient.")
        return redirect("challenges:matching", name)
    replacing = page.challenge.assignments.filter(pk=request.POST.get("replacing") or 0).first()
    giver, recipient = form.cleaned_data["giver"], form.cleaned_data["recipient"]
    user = member_of(request)
    attempt(
        request,
        lambda: actions.do_pair(page.challenge, user, giver, recipient, replacing=replacing),
        f"{giver.user.username} now gives to {recipient.user.username}.",
    )
    return redirect("challenges:matching", name)


@login_required
@require_POST
def remove_pair(request: HttpRequest, name: str, assignment_id: int) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    assignment = get_object_or_404(page.challenge.assignments, pk=assignment_id)
    user = member_of(request)
    attempt(
        request,
        lambda: actions.do_remove_pair(assignment, user),
        "The assignment is removed; matching will not make it again.",
    )
    return redirect("challenges:matching", name)


@login_required
@require_POST
def send(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    user = member_of(request)
    if attempt(
        request,
        lambda: actions.do_send_assignments(page.challenge, user, base_url=base_url(request)),
        "The assignments are sent: every giver gets an email.",
    ):
        return redirect("challenges:assignments", name)
    return redirect("challenges:matching", name)


# After sending


@login_required
def assignments(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    rows = queries.sent_assignments(page.challenge)
    members = queries.members_of(page.collection)
    context = page.context(
        rows=rows,
        defaulted=[row for row in rows if row.state == AssignmentState.DEFAULTED],
        overdue=[row for row in rows if row.overdue],
        open_count=sum(row.state == AssignmentState.OPEN for row in rows),
        fulfilled_count=sum(row.state == AssignmentState.FULFILLED for row in rows),
        without_giver=queries.unmatched_after_sending(page.challenge),
        volunteers=queries.pinch_hitters(page.challenge),
        members=members,
        pinch_form=PinchHitForm(challenge=page.challenge, members=members),
        now=timezone.now(),
    )
    return render(request, "challenges/assignments.html", context)


@login_required
@require_POST
def pinch_hit(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    form = PinchHitForm(
        request.POST, challenge=page.challenge, members=queries.members_of(page.collection)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("challenges:assignments", name)
    recipient, hitter = form.cleaned_data["recipient"], form.cleaned_data["hitter"]
    user = member_of(request)
    attempt(
        request,
        lambda: actions.do_assign_pinch_hitter(
            page.challenge, user, recipient, hitter, base_url=base_url(request)
        ),
        f"{hitter.username} is pinch hitting for {recipient.user.username}, and has been emailed.",
    )
    return redirect("challenges:assignments", name)


@login_required
@require_POST
def remind(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    user = member_of(request)
    try:
        count = actions.do_send_reminders(
            timezone.now(), base_url=base_url(request), challenge=page.challenge, by=user
        )
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        if count:
            messages.success(request, f"{count} reminder{'s' if count != 1 else ''} sent.")
        else:
            messages.info(
                request,
                "Nobody needed a reminder: no open assignment is due soon, or its giver was "
                "reminded today.",
            )
    return redirect("challenges:assignments", name)
