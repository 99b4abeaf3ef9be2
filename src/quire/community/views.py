"""Kudos, bookmark and subscription buttons, bookmark listings, the inbox, the reading
history and marked-for-later list, and muting and blocking.

Every button is a POST form that works without JavaScript and comes back to the
page it was pressed on; views parse the request, call one action or query, render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quire.community import actions, queries
from quire.community.forms import BookmarkForm, BookmarkSearchForm
from quire.community.models import Bookmark, Reading, Subscription
from quire.community.visitors import guest_keys
from quire.people.models import User
from quire.people.queries import user_named
from quire.permissions import viewer_for
from quire.site.redirects import next_or
from quire.works.models import Series, Work
from quire.works.queries import visible_series, visible_works

BOOKMARKS_PER_PAGE = 20
ENTRIES_PER_PAGE = 30
READINGS_PER_PAGE = 20


def _member(request: HttpRequest) -> User:
    return cast(User, request.user)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """To the page the form came from (its `next` field), if it is one of ours."""
    return redirect(next_or(request, fallback))


def _visible_work(request: HttpRequest, work_id: int) -> Work:
    return get_object_or_404(visible_works(viewer_for(request.user)), pk=work_id)


def _visible_series(request: HttpRequest, series_id: int) -> Series:
    return get_object_or_404(visible_series(viewer_for(request.user)), pk=series_id)


# Kudos


@require_POST
def kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _visible_work(request, work_id)
    try:
        if request.user.is_authenticated:
            actions.do_leave_kudos(work, user=_member(request))
        else:
            keys = guest_keys(request, start_session=True)
            actions.do_leave_kudos(work, guest_address=keys.address, guest_session=keys.session)
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Thank you for leaving kudos!")
    return _back(request, work.get_absolute_url() + "#kudos")


# Bookmarks


@login_required
def bookmark_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _visible_work(request, work_id)
    return _bookmark_form(request, work=work)


@login_required
def bookmark_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _visible_series(request, series_id)
    return _bookmark_form(request, series=series)


def _bookmark_form(
    request: HttpRequest, *, work: Work | None = None, series: Series | None = None
) -> HttpResponse:
    """The bookmark form: a new bookmark, or the reader's own to change."""
    user = _member(request)
    existing = queries.bookmark_of(user, work=work, series=series)
    item_url = (work or series).get_absolute_url()  # type: ignore[union-attr]
    form = BookmarkForm(request.POST or None, user=user, bookmark=existing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_bookmark(
                user,
                pseud=data["pseud"],
                work=work,
                series=series,
                notes=data["notes"],
                tags=data["tags"],
                private=data["private"],
                rec=data["rec"],
            )
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, "Your bookmark is saved." if existing is None else "Bookmark updated."
            )
            return _back(request, item_url)
    context = {
        "form": form,
        "work": work,
        "series": series,
        "bookmark": existing,
        "item_url": item_url,
        "next": request.POST.get("next") or request.GET.get("next") or item_url,
    }
    return render(request, "community/bookmark_form.html", context)


@login_required
@require_POST
def delete_bookmark(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = get_object_or_404(Bookmark, pk=bookmark_id, user=_member(request))
    item_url = bookmark.item.get_absolute_url()
    actions.do_delete_bookmark(_member(request), bookmark)
    messages.success(request, "Bookmark deleted.")
    return _back(request, item_url)


def _bookmark_listing(
    request: HttpRequest,
    bookmarks: QuerySet[Bookmark],
    heading: str,
    **context: object,
) -> HttpResponse:
    form = BookmarkSearchForm(request.GET or None)
    found = queries.filter_bookmarks(bookmarks, form.filters())
    page = Paginator(found, BOOKMARKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/bookmarks.html",
        {"page": page, "form": form, "heading": heading, **context},
    )


def bookmark_search(request: HttpRequest) -> HttpResponse:
    bookmarks = queries.listed_bookmarks(viewer_for(request.user))
    return _bookmark_listing(request, bookmarks, "Bookmarks")


def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    owner = user_named(username)
    if owner is None:
        raise Http404(f"No reader named {username}.")
    bookmarks = queries.bookmarks_by(viewer_for(request.user), owner)
    return _bookmark_listing(request, bookmarks, f"Bookmarks by {owner.username}", owner=owner)


def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _visible_work(request, work_id)
    bookmarks = queries.bookmarks_of_work(viewer_for(request.user), work)
    return _bookmark_listing(request, bookmarks, f"Bookmarks of {work.title}", item=work)


def series_bookmarks(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _visible_series(request, series_id)
    bookmarks = queries.bookmarks_of_series(viewer_for(request.user), series)
    return _bookmark_listing(request, bookmarks, f"Bookmarks of {series.title}", item=series)


# Subscriptions


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    """GET: what the reader follows. POST: follow a work, a series or a creator."""
    user = _member(request)
    if request.method != "POST":
        context = {"subscriptions": queries.subscriptions_of(user)}
        return render(request, "community/subscriptions.html", context)
    work, series, creator = _subscription_target(request)
    target = work or series or creator
    try:
        actions.do_subscribe(user, work=work, series=series, creator=creator)
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"You're subscribed to {_name_of(target)}.")
    return _back(request, target.get_absolute_url())  # type: ignore[union-attr]


def _subscription_target(request: HttpRequest) -> tuple[Work | None, Series | None, User | None]:
    """The one thing a Subscribe form names, as the reader may see it (else a 404)."""
    if request.POST.get("work"):
        return _visible_work(request, _id(request.POST["work"])), None, None
    if request.POST.get("series"):
        return None, _visible_series(request, _id(request.POST["series"])), None
    creator = user_named(request.POST.get("creator", ""))
    if creator is None:
        raise Http404("Nothing to subscribe to.")
    return None, None, creator


def _id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("No such thing.") from None


def _name_of(target: object) -> str:
    if isinstance(target, User):
        return target.username
    return f"“{target}”"


@login_required
@require_POST
def unsubscribe(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = get_object_or_404(
        Subscription.objects.select_related("work", "series", "creator"),
        pk=subscription_id,
        user=_member(request),
    )
    target = subscription.work or subscription.series or subscription.creator
    actions.do_unsubscribe(_member(request), subscription)
    messages.success(request, f"You're no longer subscribed to {_name_of(target)}.")
    return _back(request, reverse("community:subscriptions"))


# The inbox


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """GET: the reader's updates. POST: mark some read or unread, or delete them."""
    user = _member(request)
    if request.method == "POST":
        _apply_inbox_action(request, user)
        return _back(request, reverse("community:inbox"))
    unread_only = request.GET.get("show") == "unread"
    entries = queries.inbox_of(user, unread_only=unread_only)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unread_only": unread_only, "unread": queries.unread_count(user)}
    return render(request, "community/inbox.html", context)


def _apply_inbox_action(request: HttpRequest, user: User) -> None:
    """One form, many buttons: "read:7" acts on one entry, "read" on the ticked ones."""
    action, _, one = request.POST.get("action", "").partition(":")
    ids = [_id(one)] if one else [_id(value) for value in request.POST.getlist("entry")]
    if action == "all_read":
        count = actions.do_mark_all_read(user)
        messages.success(request, f"Marked {count} update{'s' if count != 1 else ''} as read.")
        return
    if not ids:
        messages.error(request, "Tick the updates first.")
        return
    if action == "read":
        actions.do_mark_read(user, ids)
        messages.success(request, "Marked as read.")
    elif action == "unread":
        actions.do_mark_read(user, ids, read=False)
        messages.success(request, "Marked as unread.")
    elif action == "delete":
        actions.do_delete_entries(user, ids)
        messages.success(request, "Deleted.")


@login_required
def open_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Follow an update to its chapter or work, marking it read on the way."""
    user = _member(request)
    entry = get_object_or_404(queries.inbox_of(user), pk=entry_id)
    if not entry.is_read:
        actions.do_mark_read(user, [entry.pk])
    return redirect(entry.target_url())


# Reading history and marked for later


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """The works the reader opened, the latest visit first."""
    return _reading_list(request, queries.history_of(_member(request)), "history")


@login_required
def marked_for_later(request: HttpRequest) -> HttpResponse:
    return _reading_list(request, queries.marked_for_later_by(_member(request)), "later")


def _reading_list(request: HttpRequest, readings: QuerySet[Reading], showing: str) -> HttpResponse:
    page = Paginator(readings, READINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "showing": showing,
        "keeps_history": queries.keeps_history(_member(request)),
    }
    return render(request, "community/history.html", context)


@login_required
@require_POST
def mark_for_later(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _visible_work(request, work_id)
    try:
        actions.do_mark_for_later(_member(request), work)
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"“{work.title}” is marked for later.")
    return _back(request, work.get_absolute_url())


@login_required
@require_POST
def mark_as_read(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _visible_work(request, work_id)
    actions.do_mark_as_read(_member(request), work)
    messages.success(request, f"“{work.title}” is no longer marked for later.")
    return _back(request, work.get_absolute_url())


@login_required
@require_POST
def delete_from_history(request: HttpRequest, work_id: int) -> HttpResponse:
    if actions.do_delete_from_history(_member(request), work_id):
        messages.success(request, "Deleted from your history.")
    return _back(request, reverse("community:history"))


@login_required
@require_POST
def clear_history(request: HttpRequest) -> HttpResponse:
    count = actions.do_clear_history(_member(request))
    messages.success(
        request, f"Your history is cleared ({count} entr{'y' if count == 1 else 'ies'})."
    )
    return redirect("community:history")


@login_required
@require_POST
def history_setting(request: HttpRequest) -> HttpResponse:
    """Start or stop keeping the reader's history (the form says which: keep=yes/no)."""
    keep = request.POST.get("keep") == "yes"
    actions.do_keep_history(_member(request), keep=keep)
    if keep:
        messages.success(request, "Your history is kept again from now on.")
    else:
        messages.success(
            request, "Your history is no longer kept. What it holds stays until you delete it."
        )
    return redirect("community:history")


# Muting and blocking


@dataclass(frozen=True, slots=True)
class Choice:
    """Muting or blocking, as its pages and buttons say it."""

    verb: str
    done: str
    title: str
    do: Callable[[User, User], object]
    undo: Callable[[User, User], bool]
    is_on: Callable[[User, User], bool]
    listing: Callable[[User], QuerySet[User]]
    effects: tuple[str, ...]
    empty: str


CHOICES = {
    "mute": Choice(
        verb="mute",
        done="muted",
        title="Muted users",
        do=actions.do_mute,
        undo=actions.do_unmute,
        is_on=queries.has_muted,
        listing=queries.muted_people,
        effects=(
            "Their works won't show in your works listings, tag pages, searches, bookmark "
            "listings or e-reader catalog.",
            "Their comments will be hidden from you.",
            "You can still open their works and their pages directly.",
        ),
        empty="You haven't muted anyone.",
    ),
    "block": Choice(
        verb="block",
        done="blocked",
        title="Blocked users",
        do=actions.do_block,
        undo=actions.do_unblock,
        is_on=queries.has_blocked,
        listing=queries.blocked_people,
        effects=(
            "They won't be able to comment on your works, reply to your comments, or leave "
            "kudos on your works.",
            "They won't be able to add you as a co-creator or give you a gift.",
            "You will still see their works: mute them too if you'd rather not.",
        ),
        empty="You haven't blocked anyone.",
    ),
}


def _other(username: str) -> User:
    other = user_named(username)
    if other is None:
        raise Http404(f"No member named {username}.")
    return other


@login_required
def choose(request: HttpRequest, username: str, kind: str) -> HttpResponse:
    """GET: what muting (or blocking) someone does, and a button to do it. POST: do it."""
    choice, other = CHOICES[kind], _other(username)
    if request.method != "POST":
        context = {
            "choice": choice,
            "kind": kind,
            "other": other,
            "refusal": queries.mute_block_refusal_for(kind, _member(request), other),
            "already": choice.is_on(_member(request), other),
            "next": next_or(request, other.get_absolute_url()),
        }
        return render(request, "community/mute_block_confirm.html", context)
    try:
        choice.do(_member(request), other)
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"You {choice.done} {other.username}. They won't be told.")
    return _back(request, reverse(f"community:{choice.done}"))


@login_required
@require_POST
def unchoose(request: HttpRequest, username: str, kind: str) -> HttpResponse:
    choice, other = CHOICES[kind], _other(username)
    if choice.undo(_member(request), other):
        messages.success(request, f"You un{choice.done} {other.username}.")
    return _back(request, reverse(f"community:{choice.done}"))


@login_required
def chosen(request: HttpRequest, kind: str) -> HttpResponse:
    """The members the reader muted (or blocked), each with its Unmute button, and a
    form to mute someone by name."""
    choice = CHOICES[kind]
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        if user_named(username) is None:
            messages.error(request, f"There is no member named “{username}”.")
            return redirect(f"community:{choice.done}")
        return choose(request, username, kind)
    context = {"choice": choice, "kind": kind, "people": choice.listing(_member(request))}
    return render(request, "community/mute_block_list.html", context)
