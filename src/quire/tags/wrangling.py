"""The wrangling interface: the unwrangled queue, bulk actions, one tag's edit page, autocomplete.

Only people with the "wrangle tag" permission (the Tag Wranglers group, or
admins) reach these pages; every change goes through quire.tags.actions, which
re-derives the affected works' filter tags in the background.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from quire.site.redirects import next_or
from quire.tags import actions, queries
from quire.tags.forms import BulkAction, BulkWrangleForm, QueueFilterForm, TagEditForm, names_in
from quire.tags.models import Tag

TAGS_PER_PAGE = 50
wrangler_only = permission_required("tags.wrangle_tag")


@wrangler_only
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    tags = queries.wrangling_queue(
        tag_type=chosen.get("type", ""),
        search=chosen.get("q", ""),
        show=chosen.get("show") or "unwrangled",
    )
    page = Paginator(tags, TAGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "tags/wrangle.html",
        {
            "filters": filters,
            "page": page,
            "bulk": BulkWrangleForm(),
            "query": request.GET.urlencode(),
        },
    )


@wrangler_only
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkWrangleForm(request.POST)
    back = next_or(request, "tags:wrangle")
    if not form.is_valid():
        for error in form.errors.get("tags", []) + form.errors.get("action", []):
            messages.error(request, str(error))
        return redirect(back)
    tags: list[Tag] = list(form.cleaned_data["tags"])
    try:
        done = _apply_bulk(form.cleaned_data["action"], tags, form.cleaned_data["target"])
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(back)


@transaction.atomic
def _apply_bulk(action: str, tags: list[Tag], target_name: str) -> str:
    """Apply one action to all the tags, or none of them if one fails."""
    count = f"{len(tags)} tag{'s' if len(tags) != 1 else ''}"
    if action == BulkAction.CANONICAL:
        for tag in tags:
            actions.do_make_canonical(tag)
        return f"Made {count} canonical."
    if action == BulkAction.NON_CANONICAL:
        for tag in tags:
            actions.do_make_non_canonical(tag)
        return f"Made {count} not canonical."
    target = _target(target_name)
    if action == BulkAction.MERGE:
        for tag in tags:
            actions.do_merge_tag(tag, target)
        return f"Made {count} synonyms of {target.name}."
    if action == BulkAction.FANDOM:
        for tag in tags:
            actions.do_set_fandoms(tag, [*tag.parents.filter(type="fandom"), target])
        return f"Added {count} to the fandom {target.name}."
    if action == BulkAction.META:
        for tag in tags:
            actions.do_add_meta_tag(tag, target)
        return f"Gave {count} the meta tag {target.name}."
    raise ValueError(f"unknown action {action!r}")


def _target(name: str) -> Tag:
    found = queries.tags_named([name])
    if not found:
        raise ValueError(f'There is no tag named "{name}".' if name else "Name the tag to use.")
    return found[0]


@wrangler_only
def edit(request: HttpRequest, name: str) -> HttpResponse:
    tag = queries.tag_for_url_part(name)
    if tag is None:
        raise Http404(f"No tag named {name}.")
    if request.method == "POST":
        form = TagEditForm(request.POST)
        if form.is_valid():
            try:
                _save_edit(tag, form.cleaned_data)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Saved {tag.name}.")
                return redirect(tag.get_absolute_url())
    else:
        form = TagEditForm(
            initial={
                "canonical": tag.canonical,
                "synonym_of": tag.merger.name if tag.merger else "",
                "fandoms": ", ".join(
                    tag.parents.filter(type="fandom").values_list("name", flat=True)
                ),
                "meta_tags": ", ".join(tag.meta_tags.values_list("name", flat=True)),
            }
        )
    context = {"tag": tag, "form": form, **queries.related_tags(tag)}
    return render(request, "tags/edit.html", context)


@transaction.atomic
def _save_edit(tag: Tag, data: dict[str, object]) -> None:
    synonym_of = str(data["synonym_of"] or "")
    if synonym_of:
        actions.do_merge_tag(tag, _target(synonym_of))
    else:
        if tag.merger is not None:
            actions.do_unmerge(tag)
        if data["canonical"] and not tag.canonical:
            actions.do_make_canonical(tag)
        elif not data["canonical"] and tag.canonical:
            actions.do_make_non_canonical(tag)
    fandom_names = names_in(str(data["fandoms"] or ""))
    fandoms = queries.tags_named(fandom_names)
    missing = {name.lower() for name in fandom_names} - {fandom.name.lower() for fandom in fandoms}
    if missing:
        raise ValueError(f"No fandom tag named {', '.join(sorted(missing))}.")
    actions.do_set_fandoms(tag, fandoms)
    wanted_metas = queries.tags_named(names_in(str(data["meta_tags"] or "")))
    for meta in tag.meta_tags.all():
        if meta not in wanted_metas:
            actions.do_remove_meta_tag(tag, meta)
    for meta in wanted_metas:
        actions.do_add_meta_tag(tag, meta)


@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    """Tag names for any tag field, canonical first: [{name, type, canonical}]."""
    tags = queries.autocomplete(request.GET.get("q", ""), tag_type=request.GET.get("type", ""))
    return JsonResponse(
        [{"name": tag.name, "type": tag.type, "canonical": tag.canonical} for tag in tags],
        safe=False,
    )
