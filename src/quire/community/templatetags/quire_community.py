"""Template tags that put kudos, bookmarks and subscriptions on other apps' pages, each
one line in their template: a work's figures in its stats, the feedback area under a
work (with Mark for Later), the Subscribe button of a series or creator, the Mute and
Block buttons of a member's pages, and the inbox link in the header."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url

from quire.community import queries
from quire.community.forms import BookmarkForm
from quire.community.models import stats_of
from quire.community.updates import is_anonymous_account
from quire.community.visitors import guest_keys
from quire.core.visibility import can_leave_kudos, is_creator
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.models import Series, Work

register = template.Library()


@register.inclusion_tag("community/includes/work_stats.html")
def work_stats(work: Work) -> dict[str, object]:
    """`<dt>Kudos:</dt><dd>…` for the figures above zero, as AO3 leaves out the rest."""
    return {"work": work, "stats": stats_of(work)}


def _login_url(request: HttpRequest) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={request.get_full_path()}"


@register.inclusion_tag("community/includes/work_feedback.html", takes_context=True)
def work_feedback(context: template.Context, work: Work) -> dict[str, object]:
    """Kudos, bookmark and subscribe buttons under a work, and who left kudos."""
    request: HttpRequest = context["request"]
    viewer = viewer_for(request.user)
    access = work.access()
    user = request.user if request.user.is_authenticated else None
    found: dict[str, Any] = {
        "work": work,
        "request": request,
        "here": request.get_full_path(),
        "own_work": is_creator(viewer, access),
        "can_kudos": can_leave_kudos(viewer, access),
        "kudos": queries.kudos_list(work),
        "stats": stats_of(work),
        "login_url": _login_url(request),
        "signed_in": user is not None,
    }
    if user is None:
        found["kudos_left"] = queries.has_left_kudos(
            work, user=None, guest_address=guest_keys(request).address
        )
        return found
    bookmark = queries.bookmark_of(user, work=work)
    found.update(
        # Blocked by a creator: no Kudos button, and nothing that says why (it is private).
        can_kudos=found["can_kudos"] and not queries.blocked_by_a_creator(work, user),
        reading=queries.reading_of(user, work),
        kudos_left=queries.has_left_kudos(work, user=user),
        bookmark=bookmark,
        form=BookmarkForm(user=user, bookmark=bookmark),
        subscription=queries.subscription_to(user, work=work),
    )
    return found


@register.inclusion_tag("community/includes/subscribe.html", takes_context=True)
def subscribe_button(context: template.Context, target: Series | User) -> dict[str, object]:
    """Subscribe or Unsubscribe for a series or a creator (none for one's own page)."""
    request: HttpRequest = context["request"]
    found: dict[str, object] = {
        "target": target,
        "request": request,
        "here": request.get_full_path(),
        "login_url": _login_url(request),
        "is_series": isinstance(target, Series),
        "shown": True,
    }
    if not request.user.is_authenticated:
        return found
    user = request.user
    if isinstance(target, User):
        found["shown"] = target.pk != user.pk and not is_anonymous_account(target)
        found["subscription"] = queries.subscription_to(user, creator=target)
    else:
        found["subscription"] = queries.subscription_to(user, series=target)
    return found


@register.inclusion_tag("community/includes/series_actions.html", takes_context=True)
def series_actions(context: template.Context, series: Series) -> dict[str, object]:
    """Subscribe and Bookmark under a series' heading."""
    request: HttpRequest = context["request"]
    bookmark = None
    if request.user.is_authenticated:
        bookmark = queries.bookmark_of(request.user, series=series)
    return {"series": series, "bookmark": bookmark, "request": request}


@register.inclusion_tag("community/includes/inbox_link.html", takes_context=True)
def inbox_link(context: template.Context) -> dict[str, object]:
    """The header's Inbox link with the number of unread updates (signed-in readers)."""
    request: HttpRequest = context["request"]
    if not request.user.is_authenticated:
        return {"shown": False}
    unread = queries.unread_count(request.user)
    return {"shown": True, "unread": unread, "request": request}


@register.inclusion_tag("community/includes/creator_actions.html", takes_context=True)
def creator_actions(context: template.Context, creator: User) -> dict[str, object]:
    """Subscribe to a creator, and their bookmarks, under their page's heading."""
    return {"creator": creator, "request": context["request"]}


@register.inclusion_tag("community/includes/mute_block.html", takes_context=True)
def mute_block_buttons(context: template.Context, person: User) -> dict[str, object]:
    """Mute and Block (or Unmute and Unblock) on a member's pages, for another signed-in
    member; none on one's own pages nor on the staff's, who cannot be muted or blocked."""
    request: HttpRequest = context["request"]
    user = request.user
    if not isinstance(user, User) or queries.mute_block_refusal_for("mute", user, person):
        return {"shown": False}
    return {
        "shown": True,
        "person": person,
        "here": request.get_full_path(),
        "muted": queries.has_muted(user, person),
        "blocked": queries.has_blocked(user, person),
    }
