"""Tag pages (what a tag is, and its works) and the tags suggested for a work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from quire.core.visibility import can_edit_work
from quire.permissions import viewer_for
from quire.tags import queries
from quire.tags.suggestions import SUGGESTION_GROUPS, grouped_suggestions, work_text
from quire.works.actions import do_add_tags
from quire.works.queries import visible_works, works_tagged
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


def work_suggestions(request: HttpRequest, work_id: int) -> HttpResponse:
    """Tags suggested from a work's text, offered to its creators and to wranglers."""
    viewer = viewer_for(request.user)
    work = get_object_or_404(visible_works(viewer), pk=work_id)
    if not (can_edit_work(viewer, work.access()) or request.user.has_perm("tags.wrangle_tag")):
        raise PermissionDenied("Only the work's creators and wranglers can tag it.")
    if request.method == "POST":
        chosen = {tag_type: request.POST.getlist(key) for key, _, tag_type in SUGGESTION_GROUPS}
        added = do_add_tags(work, {kind: names for kind, names in chosen.items() if names})
        messages.success(
            request, f"Added {', '.join(added)}." if added else "No new tags were added."
        )
        return redirect(work.get_absolute_url())
    present = [tagging.tag.name for tagging in work.taggings.all()]
    groups = grouped_suggestions(work_text(work), present)
    return render(request, "tags/suggestions.html", {"work": work, "groups": groups})
