"""The OPDS catalog for e-reader apps (/opds/), the page that hands out its token, and the
Atom feeds of tags and creators.

Every list here starts from works.queries.downloadable_works: the catalog and the feeds
hand works out, so drafts and hidden works never appear, and restricted works only for
a signed-in reader (the web feeds are fetched without signing in: public works only).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode

from quire.community.queries import bookmarked_works_for, subscribed_works_for
from quire.core.feeds.atom import (
    ATOM_MEDIA_TYPE,
    Entry,
    Feed,
    Link,
    Paging,
    Person,
    Text,
    write_feed,
)
from quire.core.feeds.opds import (
    ACQUISITION,
    NAVIGATION,
    OPENSEARCH_DESCRIPTION,
    SHELF,
    SORT_NEW,
    SUBSCRIPTIONS,
    opensearch_description,
    paging_links,
)
from quire.core.tags import TagType, tag_to_url_part
from quire.core.visibility import GUEST, Viewer, can_download_work
from quire.feeds import entries, queries
from quire.feeds.actions import do_create_feed_token, do_revoke_feed_token
from quire.feeds.auth import BadCredentials, UnknownToken, catalog_viewer, challenge
from quire.people import queries as people_queries
from quire.people.models import Pseud, User
from quire.people.queries import archive_settings
from quire.permissions import download_filter
from quire.search import queries as search_queries
from quire.search.forms import PER_PAGE, SearchForm
from quire.tags.models import Tag
from quire.tags.queries import tag_for_url_part
from quire.works import downloads
from quire.works.models import Work
from quire.works.queries import (
    downloadable_works,
    downloads_by,
    filed_under,
    in_series_order,
    listed_downloads,
)

WEB_FEED_SIZE = 20
"""Entries in a tag's or creator's Atom feed: the most recently updated works."""


@dataclass(frozen=True, slots=True)
class Catalog:
    """One request's view of the catalog: who reads it and how its links are written
    (a token catalog's links all carry the token, so an app never loses it)."""

    request: HttpRequest
    viewer: Viewer
    token: str | None = None

    def path(self, url_name: str, /, **kwargs: object) -> str:
        if self.token is not None:
            return reverse(f"feeds:opds_token:{url_name}", kwargs={"token": self.token, **kwargs})
        return reverse(f"feeds:opds:{url_name}", kwargs=kwargs or None)

    def url(self, url_name: str, /, **kwargs: object) -> str:
        return self.absolute(self.path(url_name, **kwargs))

    def stable_id(self, url_name: str, /, **kwargs: object) -> str:
        """An id that is the same with or without a token: the plain catalog URL."""
        return self.absolute(reverse(f"feeds:opds:{url_name}", kwargs=kwargs or None))

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def scheme(self, tag_type: TagType) -> str:
        return self.stable_id("tags_of_type", tag_type=tag_type.value)

    def file_url(self, work: Work, filename: str) -> str:
        return self.url("download", work_id=work.pk, filename=filename)

    def series_url(self, series_id: int) -> str:
        return self.url("series", series_id=series_id)


@dataclass(frozen=True, slots=True)
class Section:
    """An entry of the catalog's root feed."""

    title: str
    description: str
    url_name: str
    kind: str
    rel: str = "subsection"
    members_only: bool = False


SECTIONS = (
    Section("Recently updated", "The newest works and chapters.", "recent", ACQUISITION, SORT_NEW),
    Section("Fandoms", "Works by fandom, with how many each has.", "fandoms", NAVIGATION),
    Section("Tags", "Works by tag: characters, relationships and more.", "tag_types", NAVIGATION),
    Section("Creators", "Works by the people who wrote them.", "creators", NAVIGATION),
    Section("Series", "Works that belong together, in order.", "series_index", NAVIGATION),
    Section(
        "Your bookmarks",
        "The works you bookmarked, the latest first.",
        "bookmarks",
        ACQUISITION,
        SHELF,
        members_only=True,
    ),
    Section(
        "Your subscriptions",
        "The works, series and creators you follow, latest update first.",
        "subscriptions",
        ACQUISITION,
        SUBSCRIPTIONS,
        members_only=True,
    ),
)
"""The members_only sections are the reader's own: only a signed-in reader gets them."""


def catalog_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Works out who reads (token, HTTP Basic or session) and hands the view a Catalog."""

    @wraps(view)
    def read(request: HttpRequest, token: str | None = None, **kwargs: Any) -> HttpResponseBase:
        try:
            viewer = catalog_viewer(request, token)
        except UnknownToken:
            raise Http404("No catalog at this address.") from None
        except BadCredentials:
            return challenge(_realm())
        response = view(request, Catalog(request, viewer, token), **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        if viewer.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    return read


def _site_name() -> str:
    """The archive's name as its pages show it (the admin's setting, else QUIRE_SITE_NAME)."""
    return archive_settings().name


def _realm() -> str:
    return f"{_site_name()} catalog"


@catalog_view
def root(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    now = timezone.now()
    signed_in = catalog.viewer.is_authenticated
    found = [
        _navigation_entry(
            catalog,
            section.title,
            section.url_name,
            {},
            now,
            section.description,
            section.kind,
            rel=section.rel,
        )
        for section in SECTIONS
        if signed_in or not section.members_only
    ]
    if not signed_in:
        found.append(
            _navigation_entry(
                catalog,
                "Sign in",
                "sign_in",
                {},
                now,
                "Sign in to see the works only members can read.",
                NAVIGATION,
            )
        )
    return _catalog_response(catalog, _site_name(), "root", {}, NAVIGATION, found, now, up=False)


@catalog_view
def recent(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    return _works_feed(catalog, listed_downloads(catalog.viewer), "Recently updated", "recent")


@catalog_view
def tag_types(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    now = timezone.now()
    found = [
        _navigation_entry(
            catalog,
            tag_type.plural_label,
            "tags_of_type",
            {"tag_type": tag_type.value},
            now,
            f"{tag_type.plural_label} with the works filed under each.",
        )
        for tag_type in TagType
    ]
    return _catalog_response(catalog, "Tags", "tag_types", {}, NAVIGATION, found, now)


@catalog_view
def tags_of_type(request: HttpRequest, catalog: Catalog, tag_type: str) -> HttpResponse:
    try:
        kind = TagType(tag_type)
    except ValueError:
        raise Http404("No such tag type.") from None
    tags = queries.tags_with_works(catalog.viewer, kind)
    return _listing_feed(
        catalog,
        tags,
        kind.plural_label,
        "tags_of_type",
        {"tag_type": tag_type},
        lambda tag: (tag.display_name, "tag", {"name": tag_to_url_part(tag.name)}),
        up="tag_types",
    )


@catalog_view
def tag_works(request: HttpRequest, catalog: Catalog, name: str) -> HttpResponse:
    tag = _tag_or_404(name)
    works = filed_under(listed_downloads(catalog.viewer), tag.merger or tag)
    return _works_feed(catalog, works, tag.display_name, "tag", {"name": name})


@catalog_view
def creators(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    return _listing_feed(
        catalog,
        queries.creators_with_works(catalog.viewer),
        "Creators",
        "creators",
        {},
        lambda pseud: (str(pseud), "creator", {"pseud_id": pseud.pk}),
    )


@catalog_view
def creator_works(request: HttpRequest, catalog: Catalog, pseud_id: int) -> HttpResponse:
    pseud = get_object_or_404(Pseud.objects.select_related("user"), pk=pseud_id)
    works = downloads_by(catalog.viewer, pseud=pseud)
    return _works_feed(catalog, works, str(pseud), "creator", {"pseud_id": pseud_id}, "creators")


@catalog_view
def series_index(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    return _listing_feed(
        catalog,
        queries.series_with_works(catalog.viewer),
        "Series",
        "series_index",
        {},
        lambda series: (series.title, "series", {"series_id": series.pk}),
    )


@catalog_view
def series_works(request: HttpRequest, catalog: Catalog, series_id: int) -> HttpResponse:
    series = get_object_or_404(queries.series_with_works(catalog.viewer), pk=series_id)
    works = in_series_order(downloadable_works(catalog.viewer), series)
    return _works_feed(
        catalog, works, series.title, "series", {"series_id": series_id}, "series_index"
    )


@catalog_view
def search(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    """The archive's own search (the /search/ form and backend), answered as a feed."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(error) for errors in form.errors.values() for error in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    query = form.query(search_queries.download_visibility(catalog.viewer))
    found, results = search_queries.search(catalog.viewer, replace(query, facets=False))
    works = [hit.work for hit in found if can_download_work(catalog.viewer, hit.work.access())]
    last = max(1, math.ceil(results.total / PER_PAGE))
    if query.page > last:
        raise Http404("No such page.")
    paging = (query.page, last, results.total)
    title = f"Search: {query.text}" if query.text else "Search"
    return _acquisition_response(catalog, works, title, "search", {}, "root", paging)


@catalog_view
def bookmarks(request: HttpRequest, catalog: Catalog) -> HttpResponseBase:
    """The reader's bookmarked works (their private bookmarks too): theirs alone."""
    return _readers_own(catalog, bookmarked_works_for, "Your bookmarks", "bookmarks")


@catalog_view
def subscriptions(request: HttpRequest, catalog: Catalog) -> HttpResponseBase:
    """The works the reader's subscriptions follow, latest update first."""
    return _readers_own(catalog, subscribed_works_for, "Your subscriptions", "subscriptions")


def _readers_own(
    catalog: Catalog, works_for: Callable[[User], QuerySet[Work]], title: str, name: str
) -> HttpResponseBase:
    """A feed of the member's own (quire.community.queries); a guest is asked to sign in."""
    reader = None
    if catalog.viewer.user_id is not None:
        reader = User.objects.filter(pk=catalog.viewer.user_id, is_active=True).first()
    if reader is None:
        return challenge(_realm())
    works = works_for(reader).filter(download_filter(catalog.viewer))
    return _works_feed(catalog, works, title, name)


@catalog_view
def opensearch(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    document = opensearch_description(
        short_name=_site_name(),
        description=f"Search the works of {_site_name()}: titles, tags and the stories.",
        catalog_template=catalog.url("search") + "?q={searchTerms}",
        page_template=catalog.absolute(reverse("search:search")) + "?q={searchTerms}",
    )
    return HttpResponse(document, content_type=OPENSEARCH_DESCRIPTION)


@catalog_view
def download(
    request: HttpRequest, catalog: Catalog, work_id: int, filename: str
) -> HttpResponseBase:
    """A file, as the work page's download menu gives it; an app reading as a guest is
    asked for a username and password when the work is for members only."""
    try:
        work, chapters, exporter = downloads.find_download(catalog.viewer, work_id, filename)
    except downloads.SignInRequired:
        return challenge(_realm())
    return downloads.download_response(request, work, chapters, exporter)


@catalog_view
def sign_in(request: HttpRequest, catalog: Catalog) -> HttpResponseBase:
    """For apps that send a password only when asked: ask, then go back to the root."""
    if not catalog.viewer.is_authenticated:
        return challenge(_realm())
    return redirect(catalog.path("root"))


def _tag_or_404(name: str) -> Tag:
    tag = tag_for_url_part(name)
    if tag is None:
        raise Http404(f"No tag named {name}.")
    return tag


def _navigation_entry(
    catalog: Catalog,
    title: str,
    name: str,
    kwargs: dict[str, object],
    updated: datetime,
    description: str,
    kind: str = NAVIGATION,
    count: int | None = None,
    rel: str = "subsection",
) -> Entry:
    return Entry(
        id=catalog.stable_id(name, **kwargs),
        title=title,
        updated=updated,
        links=(Link(catalog.url(name, **kwargs), rel, kind, title, count),),
        # Atom wants content or an alternate link; OPDS describes each section in content.
        content=Text(description),
    )


def _listing_feed(
    catalog: Catalog,
    items: QuerySet[Any],
    title: str,
    name: str,
    kwargs: dict[str, object],
    describe: Callable[[Any], tuple[str, str, dict[str, object]]],
    up: str = "root",
) -> HttpResponse:
    """A navigation feed of tags, creators or series, each leading to its works."""
    page = _page(catalog.request, items)
    now = timezone.now()
    found = []
    for item in page.object_list:
        label, target, target_kwargs = describe(item)
        count = cast(int, item.work_count)
        found.append(
            _navigation_entry(
                catalog,
                label,
                target,
                target_kwargs,
                now,
                f"{count:,} work{'s' if count != 1 else ''}",
                ACQUISITION,
                count,
            )
        )
    paging = (page.number, page.paginator.num_pages, page.paginator.count)
    return _catalog_response(catalog, title, name, kwargs, NAVIGATION, found, now, up, paging)


def _works_feed(
    catalog: Catalog,
    works: QuerySet[Work],
    title: str,
    name: str,
    kwargs: dict[str, object] | None = None,
    up: str = "root",
) -> HttpResponse:
    page = _page(catalog.request, works)
    paging = (page.number, page.paginator.num_pages, page.paginator.count)
    return _acquisition_response(
        catalog, list(page.object_list), title, name, kwargs or {}, up, paging
    )


def _acquisition_response(
    catalog: Catalog,
    works: Sequence[Work],
    title: str,
    name: str,
    kwargs: dict[str, object],
    up: str,
    paging: tuple[int, int, int],
) -> HttpResponse:
    found = [
        entries.catalog_entry(
            work, catalog.absolute, catalog.scheme, catalog.file_url, catalog.series_url
        )
        for work in works
    ]
    updated = max((work.modified_at for work in works), default=timezone.now())
    return _catalog_response(catalog, title, name, kwargs, ACQUISITION, found, updated, up, paging)


def _page(request: HttpRequest, items: QuerySet[Any]) -> Page[Any]:
    """One page of a list; a page that does not exist is a 404, never another page."""
    try:
        return Paginator(items, PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


def _catalog_response(
    catalog: Catalog,
    title: str,
    name: str,
    kwargs: dict[str, object],
    kind: str,
    found: Iterable[Entry],
    updated: datetime,
    up: str | bool = "root",
    paging: tuple[int, int, int] | None = None,
) -> HttpResponse:
    """A catalog feed with the links every feed has (self, start, up, search) and, for a
    list, the links to its other pages and the OpenSearch counts."""
    base = catalog.url(name, **kwargs)
    query = catalog.request.GET
    kept = [(key, value) for key in query if key != "page" for value in query.getlist(key)]

    def at(number: int) -> str:
        """The URL of page `number`, keeping the search's other parameters."""
        params = kept + ([("page", str(number))] if number > 1 else [])
        return f"{base}?{urlencode(params)}" if params else base

    number = paging[0] if paging else 1
    links = [
        Link(at(number), "self", kind),
        Link(catalog.url("root"), "start", NAVIGATION),
        Link(catalog.url("opensearch"), "search", OPENSEARCH_DESCRIPTION, "Search"),
    ]
    if isinstance(up, str):
        links.append(Link(catalog.url(up), "up", NAVIGATION))
    feed_paging = None
    if paging is not None:
        number, last, total = paging
        links.extend(paging_links(number, last, at, kind))
        feed_paging = Paging(total, PER_PAGE, (number - 1) * PER_PAGE + 1)
    feed = Feed(
        id=catalog.stable_id(name, **kwargs),
        title=title,
        updated=updated,
        links=tuple(links),
        entries=tuple(found),
        authors=(Person(_site_name(), catalog.absolute("/")),),
        paging=feed_paging,
    )
    return HttpResponse(write_feed(feed), content_type=kind)


# Atom feeds of the web pages: public works only, since feed readers never sign in.


def tag_feed(request: HttpRequest, name: str) -> HttpResponse:
    tag = _tag_or_404(name)
    if tag.merger is not None:
        return redirect("feeds:tag_feed", name=tag_to_url_part(tag.merger.name))
    works = filed_under(downloadable_works(GUEST), tag)
    return _web_feed(request, f"{tag.display_name} works", tag.get_works_url(), works)


def creator_feed(
    request: HttpRequest, username: str, pseud_name: str | None = None
) -> HttpResponse:
    user = people_queries.user_named(username)
    if user is None:
        raise Http404(f"No creator named {username}.")
    if pseud_name is None:
        works = downloads_by(GUEST, user=user)
        return _web_feed(request, f"Works by {user.username}", user.get_absolute_url(), works)
    pseud = people_queries.pseud_named(user, pseud_name)
    if pseud is None:
        raise Http404(f"{username} has no pseud named {pseud_name}.")
    works = downloads_by(GUEST, pseud=pseud)
    return _web_feed(request, f"Works by {pseud}", pseud.get_absolute_url(), works)


def _web_feed(request: HttpRequest, title: str, page: str, works: QuerySet[Work]) -> HttpResponse:
    shown = list(works[:WEB_FEED_SIZE])
    absolute = request.build_absolute_uri

    def scheme(tag_type: TagType) -> str:
        return absolute(reverse("feeds:opds:tags_of_type", kwargs={"tag_type": tag_type.value}))

    feed = Feed(
        id=absolute(page),
        title=f"{title} | {_site_name()}",
        updated=max((work.modified_at for work in shown), default=timezone.now()),
        links=(
            Link(absolute(request.path), "self", ATOM_MEDIA_TYPE),
            Link(absolute(page), "alternate", "text/html"),
        ),
        entries=tuple(entries.web_entry(work, absolute, scheme) for work in shown),
        authors=(Person(_site_name(), absolute("/")),),
    )
    return HttpResponse(write_feed(feed), content_type=f"{ATOM_MEDIA_TYPE}; charset=utf-8")


@login_required
def access(request: HttpRequest) -> HttpResponse:
    """Where a member finds the catalog's address for their e-reader, and makes, replaces
    or revokes the token for apps that cannot send a password."""
    user = cast(User, request.user)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            do_revoke_feed_token(user)
            messages.success(request, "The token is revoked: its catalog address no longer works.")
        else:
            do_create_feed_token(user)
            messages.success(request, "Your catalog address with a new token is ready.")
        return redirect("feeds:access")
    token = queries.token_of(user)
    context = {
        "catalog_url": request.build_absolute_uri(reverse("feeds:opds:root")),
        "token_url": request.build_absolute_uri(
            reverse("feeds:opds_token:root", kwargs={"token": token.key})
        )
        if token
        else "",
        "token": token,
    }
    return render(request, "feeds/access.html", context)
