"""The search page: a query box, AO3's filters, counts per tag in the sidebar, snippets."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quire.permissions import viewer_for
from quire.search import queries
from quire.search.forms import PER_PAGE, SearchForm


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "searched": False}
    if request.GET and form.is_valid():
        viewer = viewer_for(request.user)
        query = form.query(queries.visibility_of(viewer))
        found, results = queries.search(viewer, query)
        pages = Paginator(range(results.total), PER_PAGE).get_page(query.page)
        context.update(
            searched=True,
            found=found,
            total=results.total,
            page=pages,
            facets=queries.facet_tags(results, query),
        )
    return render(request, "search/search.html", context)
