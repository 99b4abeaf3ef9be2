"""Collection pages: the index, a collection's profile, its works (the search page's
form and sidebar narrowed to it), settings, members and items for its maintainers, and
a member's side: adding their works and answering collections' invitations.

Views parse the request, call one query or action, and render; a refusal from the rules
(quire.core.collections.Refused) comes back as a message naming the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quire.collections import actions, queries
from quire.collections.forms import CollectionForm, IndexFilters, MemberForm
from quire.collections.models import Collection, CollectionItem, Role
from quire.core.collections import Refused
from quire.core.visibility import can_edit_work
from quire.people.models import User
from quire.permissions import viewer_for
from quire.search.forms import SearchForm
from quire.search.views import searched
from quire.site.redirects import next_or
from quire.works.queries import visible_works

PER_PAGE = 20
ITEM_STATUSES = [
    ("pending", "Awaiting approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


def _member(request: HttpRequest) -> User:
    return cast(User, request.user)


def _collection(name: str) -> Collection:
    collection = queries.collection_named(name)
    if collection is None:
        raise Http404("No such collection.")
    return collection


def _maintained(request: HttpRequest, name: str) -> Collection:
    """The collection, if the signed-in member owns or moderates it (or its parent)."""
    collection = _collection(name)
    if not queries.viewer_maintains(viewer_for(request.user), collection):
        raise PermissionDenied("Only the collection's owners and moderators can do that.")
    return collection


def _attempt(request: HttpRequest, action: Callable[[], object], done: str) -> bool:
    """Run an action; say `done`, or the reason it was refused. True when it ran."""
    try:
        action()
    except Refused as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, done)
    return True


def index(request: HttpRequest) -> HttpResponse:
    filters = IndexFilters(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    collections = queries.collection_index(
        viewer_for(request.user),
        title=data.get("title", ""),
        kind=data.get("kind", ""),
        status=data.get("status", ""),
    )
    page = Paginator(collections, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "collections/index.html", {"filters": filters, "page": page})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    owner = _member(request)
    if request.method != "POST":
        parent = queries.collection_named(request.GET.get("parent", ""))
        initial = {"parent": str(parent.pk)} if parent else {}
        form = CollectionForm(owner=owner, initial=initial)
        return render(request, "collections/form.html", {"form": form, "heading": "New collection"})
    form = CollectionForm(request.POST, owner=owner)
    if form.is_valid():
        try:
            collection = actions.do_create_collection(
                owner,
                form.cleaned_data["name"],
                form.details(),
                parent=form.cleaned_data.get("parent"),
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{collection.title} is ready; you are its owner.")
            return redirect(collection)
    return render(request, "collections/form.html", {"form": form, "heading": "New collection"})


def profile(request: HttpRequest, name: str) -> HttpResponse:
    collection = _collection(name)
    about = queries.profile(viewer_for(request.user), collection)
    context = {"collection": collection, "about": about, "maintains": about.maintains}
    return render(request, "collections/profile.html", context)


def works(request: HttpRequest, name: str) -> HttpResponse:
    """The collection's works (its rounds' too), with the search page's filters; works
    still unrevealed show only to those who may see them, the rest get a count."""
    collection = _collection(name)
    ids = queries.with_rounds(collection)
    context = searched(
        request,
        SearchForm(request.GET),
        narrow=lambda query: replace(query, collection_ids=ids),
    )
    context |= {
        "collection": collection,
        "unrevealed_count": queries.unrevealed_count(ids),
        "maintains": queries.viewer_maintains(viewer_for(request.user), collection),
    }
    return render(request, "collections/works.html", context)


@login_required
def edit(request: HttpRequest, name: str) -> HttpResponse:
    collection = _maintained(request, name)
    editor = _member(request)
    form = CollectionForm(request.POST or None, owner=editor, collection=collection)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_collection(collection, editor, form.details())
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The collection's settings are saved.")
            return redirect(collection)
    context = {
        "form": form,
        "collection": collection,
        "heading": f"Settings of {collection.title}",
        "maintains": True,
        "owner": queries.role_of(collection, editor.pk) == Role.OWNER,
    }
    return render(request, "collections/form.html", context)


@login_required
def delete(request: HttpRequest, name: str) -> HttpResponse:
    collection = _maintained(request, name)
    if request.method == "POST":
        title = collection.title
        if _attempt(
            request,
            lambda: actions.do_delete_collection(collection, _member(request)),
            f"{title} is deleted; its works stay, out of it.",
        ):
            return redirect("collections:all")
        return redirect(collection)
    rounds = queries.rounds_of(collection)
    context = {"collection": collection, "rounds": rounds, "maintains": True}
    return render(request, "collections/delete.html", context)


@login_required
@require_POST
def join(request: HttpRequest, name: str) -> HttpResponse:
    collection = _collection(name)
    if request.POST.get("leave"):
        _attempt(
            request,
            lambda: actions.do_leave(collection, _member(request)),
            f"You left {collection.title}.",
        )
    else:
        _attempt(
            request,
            lambda: actions.do_join(collection, _member(request)),
            f"You joined {collection.title}.",
        )
    return redirect(collection)


@login_required
@require_POST
def reveal(request: HttpRequest, name: str) -> HttpResponse:
    """The maintainers' "Reveal works now" and "Reveal creators now" buttons."""
    collection = _maintained(request, name)
    member = _member(request)
    if request.POST.get("what") == "creators":
        _attempt(
            request,
            lambda: actions.do_reveal_creators(collection, member),
            "The creators are revealed: every work in the collection shows its creators.",
        )
    else:
        _attempt(
            request,
            lambda: actions.do_reveal_works(collection, member),
            "The works are revealed: they show everywhere now.",
        )
    return redirect(next_or(request, collection.get_absolute_url()))


def members(request: HttpRequest, name: str) -> HttpResponse:
    """Who is in the collection; its maintainers add, move and remove members here."""
    collection = _collection(name)
    maintains = queries.viewer_maintains(viewer_for(request.user), collection)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated or not maintains:
            raise PermissionDenied("Only the collection's owners and moderators manage members.")
        if _change_membership(request, collection, form):
            return redirect("collections:members", collection.name)
    context = {
        "collection": collection,
        "memberships": queries.members_of(collection),
        "maintains": maintains,
        "form": form,
        "roles": Role.choices,
    }
    return render(request, "collections/members.html", context)


def _change_membership(request: HttpRequest, collection: Collection, form: MemberForm) -> bool:
    actor = _member(request)
    membership_id = request.POST.get("membership")
    if membership_id is None:
        if not form.is_valid():
            return False
        user = form.cleaned_data["username"]
        role = form.cleaned_data["role"]
        return _attempt(
            request,
            lambda: actions.do_set_role(collection, actor, user, role),
            f"{user.username} is now a {Role(role).label.lower()} of {collection.title}.",
        )
    membership = queries.membership_of(collection, _int(membership_id))
    if membership is None:
        raise Http404("No such member.")
    if request.POST.get("remove"):
        return _attempt(
            request,
            lambda: actions.do_remove_member(collection, actor, membership),
            f"{membership.user.username} is no longer in {collection.title}.",
        )
    role = request.POST.get("role", "")
    return _attempt(
        request,
        lambda: actions.do_set_role(collection, actor, membership.user, role),
        f"{membership.user.username}'s role is changed.",
    )


@login_required
def items(request: HttpRequest, name: str) -> HttpResponse:
    """The maintainers' queue: works waiting, approved and rejected, with their buttons."""
    collection = _maintained(request, name)
    status = request.GET.get("status", "pending")
    if status not in dict(ITEM_STATUSES):
        status = "pending"
    if request.method == "POST":
        item = queries.item_in(collection, _int(request.POST.get("item")))
        if item is None:
            raise Http404("No such work in this collection.")
        _answer_as_maintainer(request, item)
        return redirect(f"{reverse('collections:items', args=[collection.name])}?status={status}")
    listed = Paginator(queries.items_for_maintainers(collection, status), PER_PAGE)
    context = {
        "collection": collection,
        "page": listed.get_page(request.GET.get("page")),
        "status": status,
        "statuses": ITEM_STATUSES,
        "maintains": True,
    }
    return render(request, "collections/items.html", context)


def _answer_as_maintainer(request: HttpRequest, item: CollectionItem) -> None:
    member = _member(request)
    answer = request.POST.get("answer")
    title = item.work.title
    if answer == "remove":
        _attempt(
            request,
            lambda: actions.do_remove_item(item, member),
            f"“{title}” is out of the collection.",
        )
        return
    approve = answer == "approve"
    _attempt(
        request,
        lambda: actions.do_moderate_item(item, member, approve=approve),
        f"“{title}” is {'approved' if approve else 'rejected'}.",
    )


@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    """A member's side: their works in collections, and collections' invitations to answer."""
    member = _member(request)
    if request.method == "POST":
        item = queries.own_item(member, _int(request.POST.get("item")))
        if item is None:
            raise Http404("You have no such work in a collection.")
        answer = request.POST.get("answer")
        title, where = item.work.title, item.collection.title
        if answer == "remove":
            _attempt(
                request,
                lambda: actions.do_remove_item(item, member),
                f"“{title}” is out of {where}.",
            )
        else:
            approve = answer == "approve"
            _attempt(
                request,
                lambda: actions.do_answer_item(item, member, approve=approve),
                f"“{title}” {'joins' if approve else 'stays out of'} {where}.",
            )
        return redirect("collections:my_items")
    page = Paginator(queries.items_of_creator(member), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "collections/my_items.html", {"page": page})


@login_required
def work_collections(request: HttpRequest, work_id: int) -> HttpResponse:
    """A work's collections: its creators add it to one, a collection's maintainers invite it."""
    viewer = viewer_for(request.user)
    work = get_object_or_404(visible_works(viewer), pk=work_id)
    member = _member(request)
    creator = can_edit_work(viewer, work.access())
    maintained = queries.maintained_by(member)
    if not creator and not maintained.exists():
        raise PermissionDenied("Only the work's creators or a collection's maintainers can.")
    if request.method == "POST":
        collection = queries.collection_named(request.POST.get("collection", "").strip())
        if collection is None:
            messages.error(request, "Collection: there is no collection at that address.")
        else:
            _attempt(
                request,
                lambda: actions.do_add_work(collection, work, member),
                f"“{work.title}” is {'added to' if creator else 'invited to'} {collection.title}"
                " (it may wait for approval).",
            )
        return redirect("collections:work", work.pk)
    context = {
        "work": work,
        "creator": creator,
        "maintained": maintained,
        "items": queries.items_of_work(work) if creator else None,
        "collections": queries.collections_of_work(work),
        "prefill": request.GET.get("collection", ""),
    }
    return render(request, "collections/work_collections.html", context)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
