"""Tag pages: what a tag is (type, canonical, synonyms, relations) and its works."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quire.permissions import viewer_for
from quire.tags import queries
from quire.works.queries import works_tagged
from quire.works.views import paginate


def tag_detail(request: HttpRequest, name: str) -> HttpResponse:
    """A tag and its works; a synonym's works are listed under its canonical tag, as on AO3."""
    tag = queries.tag_for_url_part(name)
    if tag is None:
        raise Http404(f"No tag named {name}.")
    if (
        tag.merger is not None
        and request.resolver_match
        and request.resolver_match.url_name == "works"
    ):
        return redirect(tag.merger.get_works_url())
    viewer = viewer_for(request.user)
    page = paginate(request, works_tagged(viewer, tag))
    context = {"tag": tag, "page": page, **queries.related_tags(tag)}
    return render(request, "tags/tag.html", context)
