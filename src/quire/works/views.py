"""Pages for reading: home, works index, a work chapter by chapter or whole, series.

Views parse the request, call queries, and render; visibility is decided in
quire.permissions, never here.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render

from quire.community.visitors import count_visit
from quire.core.tags import TagType, is_adult_rating
from quire.core.visibility import is_creator
from quire.people.queries import preferences_for
from quire.permissions import viewer_for
from quire.works import downloads, queries
from quire.works.models import Chapter, Work

WORKS_PER_PAGE = 20
ADULT_SESSION_KEY = "adult"


def paginate(request: HttpRequest, works: QuerySet[Work]) -> Page[Work]:
    """One page of a listing; out-of-range page numbers show the last page."""
    return Paginator(works, WORKS_PER_PAGE).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    return render(request, "works/home.html", {"works": queries.recent_works(viewer)})


def work_index(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    page = paginate(request, queries.listed_works(viewer))
    return render(request, "works/index.html", {"page": page, "heading": "Works"})


def _adult_notice_needed(request: HttpRequest, work: Work) -> bool:
    """AO3's adult-content notice: shown until the reader proceeds once in this browser,
    never to a reader whose preferences say so."""
    if request.GET.get("view_adult") == "true":
        request.session[ADULT_SESSION_KEY] = True
        return False
    if request.session.get(ADULT_SESSION_KEY):
        return False
    if preferences_for(request.user).view_adult:
        return False
    if is_creator(viewer_for(request.user), work.access()):
        return False
    ratings = {tag.name for tag in work.tags_of_type(TagType.RATING)}
    return is_adult_rating(ratings)


def _readable_work(request: HttpRequest, work_id: int) -> tuple[Work, list[Chapter]]:
    viewer = viewer_for(request.user)
    work = get_object_or_404(queries.visible_works(viewer), pk=work_id)
    chapters = queries.visible_chapters(viewer, work)
    if not chapters:
        raise Http404("This work has no chapters you can read.")
    return work, chapters


def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    """The work: the first chapter, or all of them with ?view_full_work=true (the
    default for readers whose preferences say so; =false then asks for one chapter)."""
    work, chapters = _readable_work(request, work_id)
    if _adult_notice_needed(request, work):
        return render(request, "works/adult_notice.html", {"work": work}, status=200)
    asked = request.GET.get("view_full_work")
    whole = asked == "true" or (asked != "false" and preferences_for(request.user).view_full_work)
    if whole or len(chapters) == 1:
        return _render_reading(request, work, chapters, shown=chapters)
    return _render_reading(request, work, chapters, shown=[chapters[0]])


def chapter_detail(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work, chapters = _readable_work(request, work_id)
    chapter = next((chapter for chapter in chapters if chapter.pk == chapter_id), None)
    if chapter is None:
        raise Http404("No such chapter in this work.")
    if _adult_notice_needed(request, work):
        return render(request, "works/adult_notice.html", {"work": work})
    return _render_reading(request, work, chapters, shown=[chapter])


def _render_reading(
    request: HttpRequest, work: Work, chapters: list[Chapter], *, shown: list[Chapter]
) -> HttpResponse:
    single = len(shown) == 1 and len(chapters) > 1
    count_visit(request, work, chapter=shown[0] if single else None)
    index = chapters.index(shown[0]) if single else 0
    context = {
        "work": work,
        "chapters": chapters,
        "shown": shown,
        "single_chapter_view": single,
        "previous_chapter": chapters[index - 1] if single and index > 0 else None,
        "next_chapter": chapters[index + 1] if single and index + 1 < len(chapters) else None,
        "is_last": not single or index == len(chapters) - 1,
        "is_first": not single or index == 0,
    }
    return render(request, "works/work.html", context)


def chapter_index(request: HttpRequest, work_id: int) -> HttpResponse:
    work, chapters = _readable_work(request, work_id)
    return render(request, "works/chapter_index.html", {"work": work, "chapters": chapters})


def series_index(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    series = Paginator(queries.visible_series(viewer), WORKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "works/series_index.html", {"page": series})


def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    series = get_object_or_404(queries.visible_series(viewer), pk=series_id)
    parts = queries.series_works(viewer, series)
    words = sum(work.word_count for _, work in parts)
    return render(
        request, "works/series.html", {"series": series, "parts": parts, "word_count": words}
    )


def download(request: HttpRequest, work_id: int, filename: str) -> HttpResponseBase:
    """A work as a file (/downloads/7/Title.epub); a guest asking for a restricted work
    is sent to sign in, as on AO3."""
    viewer = viewer_for(request.user)
    try:
        work, chapters, exporter = downloads.find_download(viewer, work_id, filename)
    except downloads.SignInRequired:
        return redirect_to_login(request.get_full_path())
    return downloads.download_response(request, work, chapters, exporter)
