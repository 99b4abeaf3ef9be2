"""A prompt meme's pages: its prompts (filtered by fandom, claimed, filled), one prompt
with its claims and fills, and claiming, unclaiming, linking a fill and, for the
maintainers, deleting a prompt.

An anonymous prompt's prompter is shown only to the maintainers and to themself
(quire.core.challenges.can_see_prompter); its "Post a fill" link names no gift recipient.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from quire.challenges import actions, queries
from quire.challenges.forms import FillForm, PromptFilterForm
from quire.challenges.models import Prompt
from quire.challenges.views import Page, attempt, challenge_page, member_of, new_work_url
from quire.core.challenges import can_see_prompter
from quire.core.visibility import can_see_creators
from quire.works.models import Work

PROMPTS_PER_PAGE = 20


def _meme(request: HttpRequest, name: str) -> Page:
    page = challenge_page(request, name)
    if not page.challenge.is_prompt_meme:
        raise Http404("This challenge has no prompts to claim.")
    return page


def _shown_prompter(page: Page, prompt: Prompt) -> bool:
    return can_see_prompter(
        viewer_id=page.viewer.user_id,
        prompter_id=prompt.signup.user_id,
        anonymous=prompt.anonymous,
        maintainer=page.maintains,
    )


def prompts(request: HttpRequest, name: str) -> HttpResponse:
    page = _meme(request, name)
    filters = PromptFilterForm(request.GET, fandoms=queries.meme_fandoms(page.challenge))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = queries.meme_prompts(
        page.challenge,
        queries.PromptFilters(
            fandom=chosen.get("fandom", ""),
            claimed=chosen.get("claimed", ""),
            filled=chosen.get("filled", ""),
        ),
    )
    listing = Paginator(found, PROMPTS_PER_PAGE).get_page(request.GET.get("page"))
    user_id = page.viewer.user_id
    context = page.context(
        filters=filters,
        page=listing,
        shown=[
            {
                "prompt": prompt,
                "prompter_shown": _shown_prompter(page, prompt),
                "claimed_by_me": any(claim.user_id == user_id for claim in prompt.claims.all()),
                "fills": sum(
                    bool(getattr(claim, "filled", False)) for claim in prompt.claims.all()
                ),
            }
            for prompt in listing
        ],
        open_now=queries.signups_open_now(page.challenge),
    )
    return render(request, "challenges/prompts.html", context)


def _named_fill(page: Page, fill: Work | None) -> Work | None:
    """A claim's fill beside its claimant's name only when the viewer may know who wrote
    it: an anonymous fill stays unpaired from its claimant (it is listed with the fills)."""
    if fill is None or not can_see_creators(page.viewer, fill.access()):
        return None
    return fill


def _prompt(page: Page, prompt_id: int) -> Prompt:
    found = queries.meme_prompt(page.challenge, prompt_id)
    if found is None:
        raise Http404("No such prompt.")
    return found


def prompt(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    page = _meme(request, name)
    shown = _prompt(page, prompt_id)
    claims = list(shown.claims.all())
    mine = next((claim for claim in claims if claim.user_id == page.viewer.user_id), None)
    fills = queries.fills_visible_to(page.viewer, claims)
    context = page.context(
        prompt=shown,
        prompter_shown=_shown_prompter(page, shown),
        claims=[(claim, _named_fill(page, fills.get(claim.pk))) for claim in claims],
        fills=list(fills.values()),
        mine=mine,
        fill_url=new_work_url(page.collection, None if shown.anonymous else shown.signup.user),
        fill_form=(
            FillForm(works=queries.own_works_in(page.collection, member_of(request)))
            if mine is not None
            else None
        ),
    )
    return render(request, "challenges/prompt.html", context)


@login_required
@require_POST
def claim(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    page = _meme(request, name)
    shown = _prompt(page, prompt_id)
    user = member_of(request)
    attempt(request, lambda: actions.do_claim(shown, user), "You have claimed this prompt.")
    return redirect("challenges:prompt", name, prompt_id)


@login_required
@require_POST
def unclaim(request: HttpRequest, name: str, prompt_id: int, claim_id: int) -> HttpResponse:
    page = _meme(request, name)
    shown = _prompt(page, prompt_id)
    found = next((claim for claim in shown.claims.all() if claim.pk == claim_id), None)
    if found is None:
        raise Http404("No such claim.")
    user = member_of(request)
    attempt(request, lambda: actions.do_unclaim(found, user), "The claim is withdrawn.")
    return redirect("challenges:prompt", name, prompt_id)


@login_required
@require_POST
def link_fill(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    page = _meme(request, name)
    shown = _prompt(page, prompt_id)
    user = member_of(request)
    mine = next((claim for claim in shown.claims.all() if claim.user_id == user.pk), None)
    if mine is None:
        raise Http404("Claim the prompt before you link a fill.")
    form = FillForm(request.POST, works=queries.own_works_in(page.collection, user))
    if form.is_valid():
        work = form.cleaned_data["work"]
        attempt(
            request,
            lambda: actions.do_link_fill(mine, user, work),
            f"“{work.title}” fills this prompt.",
        )
    else:
        messages.error(request, "Choose one of your works in this collection.")
    return redirect("challenges:prompt", name, prompt_id)


@login_required
def delete_prompt(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    page = challenge_page(request, name, maintainers=True)
    shown = _prompt(page, prompt_id)
    if request.method == "POST":
        user = member_of(request)
        if attempt(
            request, lambda: actions.do_delete_prompt(shown, user), "The prompt is deleted."
        ):
            return redirect("challenges:prompts", name)
        return redirect("challenges:prompt", name, prompt_id)
    return render(request, "challenges/delete_prompt.html", page.context(prompt=shown))
