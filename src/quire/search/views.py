"""The search page: a query box, AO3's filters, counts per tag in the sidebar, snippets."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quire.core.search.model import SearchQuery, Snippet
from quire.people import queries as people_queries
from quire.people.actions import (
    do_delete_saved_search,
    do_exclude,
    do_remove_exclusion,
    do_save_search,
)
from quire.people.models import User
from quire.permissions import viewer_for
from quire.search import queries
from quire.search.forms import PER_PAGE, SearchForm
from quire.tags.queries import tags_named
from quire.works.queries import visible_works


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    return render(request, "search/search.html", searched(request, form))


def searched(
    request: HttpRequest,
    form: SearchForm,
    *,
    narrow: Callable[[SearchQuery], SearchQuery] = lambda query: query,
) -> dict[str, object]:
    """The search page's context (results, counts, the sidebar's facets) for a bound form;
    `narrow` adds what another page fixes, such as a collection's page its collection."""
    context: dict[str, object] = {"form": form, "searched": False}
    if form.is_bound and form.is_valid():
        viewer = viewer_for(request.user)
        query = narrow(form.query(queries.visibility_of(viewer)))
        found, results = queries.search(viewer, query)
        pages = Paginator(range(results.total), PER_PAGE).get_page(query.page)
        context.update(
            searched=True,
            found=found,
            total=results.total,
            page=pages,
            facets=queries.facet_tags(results, query),
        )
    context["params"] = request.GET.urlencode()
    return context


@login_required
@require_POST
def save_search(request: HttpRequest) -> HttpResponse:
    params = request.POST.get("params", "")
    saved = do_save_search(_member(request), request.POST.get("name", ""), params)
    messages.success(request, f"Saved the search “{saved.name}”.")
    return redirect(f"{reverse('search:search')}?{params}")


@login_required
def saved(request: HttpRequest) -> HttpResponse:
    """The reader's saved searches and exclusion list, with forms to change both."""
    user = _member(request)
    if request.method == "POST":
        try:
            message = _change_saved(request)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return redirect("search:saved")
    context = {
        "searches": people_queries.saved_searches_of(user),
        "exclusions": people_queries.exclusions_of(user),
    }
    return render(request, "search/saved.html", context)


def _member(request: HttpRequest) -> User:
    """The signed-in reader (the views that call this require a login)."""
    return cast(User, request.user)


def _change_saved(request: HttpRequest) -> str:
    user = _member(request)
    action = request.POST.get("action")
    if action == "delete_search":
        do_delete_saved_search(user, int(request.POST.get("id", 0)))
        return "Deleted the saved search."
    if action == "remove_exclusion":
        do_remove_exclusion(user, int(request.POST.get("id", 0)))
        return "Removed from your exclusion list."
    if action == "exclude_tag":
        name = request.POST.get("name", "")
        found = tags_named([name])
        if not found:
            raise ValueError(f'There is no tag named "{name}".')
        do_exclude(user, tag=found[0])
        return f"Works tagged {found[0].name} will not show in your searches."
    if action == "exclude_creator":
        name = request.POST.get("name", "")
        creator = people_queries.user_named(name)
        if creator is None:
            raise ValueError(f'There is no creator named "{name}".')
        do_exclude(user, creator=creator)
        return f"Works by {creator.username} will not show in your searches."
    raise ValueError("Unknown change.")


def search_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Search inside one work: every chapter where the words appear."""
    viewer = viewer_for(request.user)
    work = get_object_or_404(visible_works(viewer), pk=work_id)
    text = request.GET.get("q", "")
    snippets: tuple[Snippet, ...] = ()
    if text.strip():
        query = SearchQuery(
            text=text,
            within_work_id=work.pk,
            facets=False,
            visibility=queries.visibility_of(viewer),
        )
        found, _ = queries.search(viewer, query)
        snippets = found[0].hit.snippets if found else ()
    return render(
        request, "search/within_work.html", {"work": work, "q": text, "snippets": snippets}
    )
