"""A challenge's pages for its participants: its home, signing up (and editing or
withdrawing), the sign-up summary, the tag set and nominations, an assignment (with
"Post to fulfill", choosing the fill and defaulting) and a member's own lists of
sign-ups, assignments and claims.

The maintainers' pages are in maintainer_views, a prompt meme's in meme_views. Views
parse the request, call one query or action and render; a refusal comes back as a
message naming the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quire.challenges import actions, queries
from quire.challenges.forms import FillForm, NominationForm, SignUpForm, TagSetForm
from quire.challenges.models import CHALLENGE_KINDS, Challenge, SignUp
from quire.collections.models import Collection
from quire.collections.queries import viewer_maintains
from quire.core.challenges import (
    CHALLENGE_TAG_TYPES,
    AssignmentState,
    ChallengeRules,
    Side,
    can_see_signup,
    can_see_summary,
)
from quire.core.matching import ALL
from quire.core.visibility import Viewer
from quire.people.models import User
from quire.permissions import viewer_for


@dataclass(frozen=True, slots=True)
class Page:
    """What every challenge page knows: the collection, its challenge, and the viewer."""

    collection: Collection
    challenge: Challenge
    maintains: bool
    viewer: Viewer

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "challenge": self.challenge,
            "maintains": self.maintains,
            "meme": self.challenge.is_prompt_meme,
            **more,
        }

    @property
    def url(self) -> str:
        return reverse("challenges:home", args=[self.collection.name])


def found_collection(request: HttpRequest, name: str) -> tuple[Collection, Challenge | None, bool]:
    """The collection (404 unless it is a gift exchange or prompt meme), its challenge and
    whether the viewer maintains it."""
    found = queries.collection_and_challenge(name)
    if found is None or found[0].kind not in CHALLENGE_KINDS:
        raise Http404("No such challenge.")
    collection, challenge = found
    return collection, challenge, viewer_maintains(viewer_for(request.user), collection)


def challenge_page(request: HttpRequest, name: str, *, maintainers: bool = False) -> Page:
    """The challenge at `name` (404 until its maintainers set it up); `maintainers`: a 403
    for anyone else."""
    collection, challenge, maintains = found_collection(request, name)
    if challenge is None:
        raise Http404("This challenge is not set up yet.")
    if maintainers and not maintains:
        raise PermissionDenied("Only the collection's owners and moderators can do that.")
    return Page(collection, challenge, maintains, viewer_for(request.user))


def member_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def attempt(request: HttpRequest, action: Callable[[], object], done: str) -> bool:
    """Run an action; say `done`, or the reason it was refused. True when it ran."""
    try:
        action()
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, done)
    return True


def new_work_url(collection: Collection, gift_for: User | None) -> str:
    """The posting form with the collection, and a gift for `gift_for`, filled in: where
    "Post to fulfill" and "Post a fill" lead."""
    query = {"collection": collection.name}
    if gift_for is not None:
        query["gift_for"] = gift_for.username
    return f"{reverse('works:new')}?{urlencode(query)}"


def base_url(request: HttpRequest) -> str:
    """The archive's address as the request reached it, for links in emails."""
    return request.build_absolute_uri("/")


# The challenge's home


def home(request: HttpRequest, name: str) -> HttpResponse:
    collection, challenge, maintains = found_collection(request, name)
    if challenge is None:
        context = {"collection": collection, "maintains": maintains, "challenge": None}
        return render(request, "challenges/not_set_up.html", context)
    page = Page(collection, challenge, maintains, viewer_for(request.user))
    user = request.user if request.user.is_authenticated else None
    context = page.context(
        open_now=queries.signups_open_now(challenge),
        signup=queries.signup_of(challenge, user),
        signup_count=challenge.signups.count(),
        summary_visible=can_see_summary(
            maintainer=maintains, summary_public=challenge.summary_public
        ),
        tag_set=queries.tag_set_of(challenge),
        asks=_asks(queries.challenge_rules(challenge)),
        mine=queries.assignments_of_user(user, challenge) if user else [],
    )
    return render(request, "challenges/home.html", context)


def _range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}" if low else f"up to {high}"


def _asks(rules: ChallengeRules) -> list[str]:
    """The tag rules in words, a line per tag type used: "Fandoms: 1 per request, …"."""
    lines = []
    for tag_type in CHALLENGE_TAG_TYPES:
        rule = rules.rule(tag_type)
        sides = [
            f"{_range(rule.required(side), rule.allowed(side))} per "
            f"{'prompt' if not rules.offers_taken else side.value}"
            for side in (Side.REQUEST, Side.OFFER)
            if rules.prompt_range(side)[1] and rule.allowed(side)
        ]
        if not sides:
            continue
        extras = ['"any" allowed'] if rule.any_allowed else []
        extras += ["optional tags welcome"] if rule.optional_allowed else []
        if rule.match_required == ALL:
            extras.append("a match shares them all")
        elif rule.match_required:
            extras.append(f"a match shares {rule.match_required}")
        lines.append(f"{tag_type.plural_label}: {'; '.join([', '.join(sides), *extras])}.")
    return lines


# Signing up


def _signup_form_page(
    request: HttpRequest, page: Page, form: SignUpForm, signup: SignUp | None
) -> HttpResponse:
    context = page.context(
        form=form,
        signup=signup,
        errors=form.error_summary() if form.is_bound else [],
        tag_set=queries.tag_set_of(page.challenge),
        open_now=queries.signups_open_now(page.challenge),
    )
    return render(request, "challenges/signup_form.html", context)


def _save_signup(
    request: HttpRequest, form: SignUpForm, save: Callable[[actions.SignUpDetails], SignUp]
) -> SignUp | None:
    if not form.is_valid():
        return None
    try:
        return save(form.details())
    except actions.SignUpRefused as refusal:
        form.add_problems(refusal.problems)
    except actions.Refused as refusal:
        form.add_error(None, str(refusal))
    return None


@login_required
def sign_up(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name)
    user = member_of(request)
    existing = queries.signup_of(page.challenge, user)
    if existing is not None:
        return redirect("challenges:edit_signup", name, existing.pk)
    rules = queries.challenge_rules(page.challenge)
    form = SignUpForm(request.POST or None, rules=rules)
    if request.method == "POST":
        saved = _save_signup(
            request, form, lambda details: actions.do_sign_up(page.challenge, user, details)
        )
        if saved is not None:
            messages.success(
                request,
                "You're signed up!"
                if not page.challenge.is_prompt_meme
                else "Your prompts are posted.",
            )
            return redirect("challenges:signup", name, saved.pk)
    return _signup_form_page(request, page, form, None)


def _visible_signup(request: HttpRequest, page: Page, signup_id: int) -> SignUp:
    """A sign-up, for its participant and the maintainers."""
    signup = queries.signups_of(page.challenge).filter(pk=signup_id).first()
    if signup is None:
        raise Http404("No such sign-up.")
    if not can_see_signup(owner=signup.user_id == page.viewer.user_id, maintainer=page.maintains):
        raise PermissionDenied("Only the participant and the maintainers see a sign-up.")
    return signup


def signup(request: HttpRequest, name: str, signup_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    shown = _visible_signup(request, page, signup_id)
    own = shown.user_id == page.viewer.user_id
    context = page.context(
        signup=shown,
        sides=[
            (side, prompts)
            for side, prompts in (("request", shown.requests), ("offer", shown.offers))
            if prompts
        ],
        own=own,
        may_change=(own and queries.signups_open_now(page.challenge)) or page.maintains,
    )
    return render(request, "challenges/signup.html", context)


@login_required
def edit_signup(request: HttpRequest, name: str, signup_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    existing = _visible_signup(request, page, signup_id)
    rules = queries.challenge_rules(page.challenge)
    form = SignUpForm(request.POST or None, rules=rules, signup=existing)
    if request.method == "POST":
        user = member_of(request)
        saved = _save_signup(
            request, form, lambda details: actions.do_update_signup(existing, user, details)
        )
        if saved is not None:
            messages.success(request, "The sign-up is saved.")
            return redirect("challenges:signup", name, saved.pk)
    return _signup_form_page(request, page, form, existing)


@login_required
def delete_signup(request: HttpRequest, name: str, signup_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    existing = _visible_signup(request, page, signup_id)
    if request.method == "POST":
        user = member_of(request)
        if attempt(
            request, lambda: actions.do_delete_signup(existing, user), "The sign-up is deleted."
        ):
            return redirect(page.url)
        return redirect("challenges:signup", name, existing.pk)
    return render(request, "challenges/delete_signup.html", page.context(signup=existing))


def summary(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name)
    if not can_see_summary(maintainer=page.maintains, summary_public=page.challenge.summary_public):
        raise PermissionDenied("The maintainers have not made the sign-up summary public.")
    tag_type, counts, tags = queries.summary_of(page.challenge)
    lines = [(tags[line.tag_id], line) for line in counts.lines]
    context = page.context(tag_type=tag_type, summary=counts, lines=lines)
    return render(request, "challenges/summary.html", context)


# The tag set and nominations


def tag_set(request: HttpRequest, name: str) -> HttpResponse:
    """The tag set for everyone; nominations for participants; editing and reviewing
    nominations for the maintainers."""
    page = challenge_page(request, name)
    challenge = page.challenge
    current = queries.tag_set_of(challenge)
    nominate = NominationForm(
        request.POST if "nominate" in request.POST else None, prefix="nominate"
    )
    edit = TagSetForm(
        request.POST if "tag_set" in request.POST else None,
        prefix="tag-set",
        initial={
            tag_type.value: ", ".join(tag.name for tag in tags)
            for tag_type, tags in current.items()
        },
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('people:login')}?{urlencode({'next': request.path})}")
        if _tag_set_saved(request, challenge, nominate, edit):
            return redirect("challenges:tag_set", name)
    user = request.user if request.user.is_authenticated else None
    context = page.context(
        tag_set=[(tag_type, current.get(tag_type, [])) for tag_type in CHALLENGE_TAG_TYPES],
        limited=bool(current),
        nominate=nominate,
        edit=edit,
        mine=queries.nominations_of(challenge, user=user) if user else [],
        pending=queries.pending_nominations(challenge) if page.maintains else [],
    )
    return render(request, "challenges/tag_set.html", context)


def _tag_set_saved(
    request: HttpRequest, challenge: Challenge, nominate: NominationForm, edit: TagSetForm
) -> bool:
    """A nomination, or the maintainers' tag set; True once it is stored."""
    user = member_of(request)
    if nominate.is_bound and nominate.is_valid():
        data = nominate.cleaned_data
        return attempt(
            request,
            lambda: actions.do_nominate(
                challenge, user, data["tag_type"], data["name"], data["fandom"]
            ),
            f"Thank you: “{data['name']}” is nominated.",
        )
    if edit.is_bound and edit.is_valid():
        return attempt(
            request,
            lambda: actions.do_set_tag_set(challenge, user, edit.names()),
            "The tag set is saved.",
        )
    return False


@login_required
@require_POST
def review_nominations(request: HttpRequest, name: str) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    pending = queries.pending_nominations(page.challenge)
    approve = list(pending.filter(pk__in=request.POST.getlist("approve")))
    reject = list(pending.filter(pk__in=request.POST.getlist("reject")))
    user = member_of(request)
    count = len(approve) + len(reject)
    attempt(
        request,
        lambda: actions.do_review_nominations(page.challenge, user, approve=approve, reject=reject),
        f"{count} nomination{'s' if count != 1 else ''} reviewed.",
    )
    return redirect("challenges:tag_set", name)


@login_required
@require_POST
def withdraw_nomination(request: HttpRequest, name: str, nomination_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    user = member_of(request)
    nomination = queries.nominations_of(page.challenge, user=user).filter(pk=nomination_id).first()
    if nomination is None:
        raise Http404("No such nomination of yours.")
    attempt(
        request,
        lambda: actions.do_withdraw_nomination(nomination, user),
        "The nomination is withdrawn.",
    )
    return redirect("challenges:tag_set", name)


# An assignment, for its giver


def _own_assignment(request: HttpRequest, page: Page, assignment_id: int) -> queries.AssignmentRow:
    """The assignment, for its giver (once sent) or the maintainers."""
    row = queries.assignment_for(page.challenge, assignment_id)
    if row is None:
        raise Http404("No such assignment.")
    giving = row.assignment.giving_user
    mine = giving is not None and giving.pk == page.viewer.user_id
    if not page.maintains and not (mine and row.assignment.sent_at is not None):
        raise Http404("No such assignment.")
    return row


@login_required
def assignment(request: HttpRequest, name: str, assignment_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    row = _own_assignment(request, page, assignment_id)
    user = member_of(request)
    giving = row.assignment.giving_user
    mine = giving is not None and giving.pk == user.pk
    recipient = row.assignment.recipient
    requests = []
    if recipient is not None:
        full = queries.signups_of(page.challenge).get(pk=recipient.pk)
        requests = full.requests
    context = page.context(
        row=row,
        mine=mine,
        requests=requests,
        works=queries.fulfilling_works(page.viewer, row),
        post_url=new_work_url(page.collection, recipient.user if recipient else None),
        fill_form=FillForm(works=queries.own_works_in(page.collection, user)) if mine else None,
        open=row.state == AssignmentState.OPEN,
    )
    return render(request, "challenges/assignment.html", context)


@login_required
@require_POST
def default(request: HttpRequest, name: str, assignment_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    row = _own_assignment(request, page, assignment_id)
    user = member_of(request)
    attempt(
        request,
        lambda: actions.do_default(row.assignment, user),
        "You have defaulted on this assignment. The maintainers will find a pinch hitter.",
    )
    return redirect("challenges:assignment", name, assignment_id)


@login_required
@require_POST
def choose_fill(request: HttpRequest, name: str, assignment_id: int) -> HttpResponse:
    page = challenge_page(request, name)
    row = _own_assignment(request, page, assignment_id)
    user = member_of(request)
    form = FillForm(request.POST, works=queries.own_works_in(page.collection, user))
    if form.is_valid():
        work = form.cleaned_data["work"]
        attempt(
            request,
            lambda: actions.do_choose_fill(row.assignment, user, work),
            f"“{work.title}” is your gift for this assignment.",
        )
    else:
        messages.error(request, "Choose one of your works in this collection.")
    return redirect("challenges:assignment", name, assignment_id)


# A member's own lists


@login_required
def my_signups(request: HttpRequest) -> HttpResponse:
    signups = queries.signups_of_user(member_of(request))
    return render(request, "challenges/my_signups.html", {"signups": signups})


@login_required
def my_assignments(request: HttpRequest) -> HttpResponse:
    rows = queries.assignments_of_user(member_of(request))
    return render(request, "challenges/my_assignments.html", {"rows": rows})


@login_required
def my_claims(request: HttpRequest) -> HttpResponse:
    claims = list(queries.claims_of_user(member_of(request)))
    fills = queries.fills_visible_to(viewer_for(request.user), claims)
    context = {"claims": [(claim, fills.get(claim.pk)) for claim in claims]}
    return render(request, "challenges/my_claims.html", context)
