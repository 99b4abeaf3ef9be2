"""Pages for writing: posting a work, drafts, editing a work and its chapters, deleting
and orphaning, co-creator invitations and gifts.

Each view parses the request, calls one action and renders. Who may change a work
is one rule, quire.core.visibility.can_edit_work (its creators), asked in
`own_work`: a work the member cannot see is a 404, one they can see but did not
create a 403. Guests are sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from quire.core.composing import TextFormat, chapter_html, typed_html
from quire.core.suggest import text_of_html
from quire.core.tags import TagType, display_name
from quire.core.visibility import can_edit_work
from quire.core.wordcount import count_words
from quire.people.models import User
from quire.permissions import viewer_for
from quire.tags.forms import names_in
from quire.tags.suggestions import grouped_suggestions
from quire.works import actions, queries
from quire.works.forms import NEW_SERIES, TAG_FIELDS, ChapterForm, WorkForm
from quire.works.models import Chapter, Work
from quire.works.templatetags.quire_works import language_name

PREVIEW, POST, DRAFT, SAVE, DISCARD = "preview", "post", "draft", "save", "discard"

SUGGESTION_TEXT_LIMIT = 300_000
"""Characters of a work's text read for tag suggestions: a long novel's opening says
what it is about, and reading all of it would slow every edit page."""

WorkPageContext = dict[str, Any]


def member_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def own_work(request: HttpRequest, work_id: int) -> Work:
    """The work, if the signed-in member is one of its creators (404 if they may not see
    it, 403 if they may see it but not change it)."""
    viewer = viewer_for(request.user)
    work = get_object_or_404(queries.visible_works(viewer), pk=work_id)
    if not can_edit_work(viewer, work.access()):
        raise PermissionDenied("Only the work's creators can change it.")
    return work


def _own_chapter(work: Work, chapter_id: int) -> Chapter:
    chapter = work.chapters.filter(pk=chapter_id).first()
    if chapter is None:
        raise Http404("No such chapter in this work.")
    chapter.work = work
    return chapter


# The work form: new works, edits and upload reviews share it.


def with_added_tag(post: QueryDict) -> tuple[QueryDict, str]:
    """A suggestion's one-click button (name "add_tag", value "type|name") puts the tag in
    its field of the submitted form, so it shows at once and is saved with the rest."""
    data = post.copy()
    chosen = data.pop("add_tag", [""])[-1]
    kind, _, name = chosen.partition("|")
    if not name or kind not in {tag_type.value for tag_type in TagType}:
        return data, ""
    tag_type = TagType(kind)
    if tag_type == TagType.RATING:
        data["rating"] = name
    elif tag_type == TagType.WARNING:
        data.setlist("warnings", list(dict.fromkeys([*data.getlist("warnings"), name])))
    else:
        field = next((key for key, typed in TAG_FIELDS.items() if typed == tag_type), None)
        if field is None:
            return data, ""
        names = names_in(data.get(field, ""))
        if name.lower() not in {known.lower() for known in names}:
            data[field] = ", ".join([*names, name])
    return data, name


def _suggestions(text_html: str, form: WorkForm) -> list[dict[str, object]]:
    text = text_of_html(text_html[:SUGGESTION_TEXT_LIMIT])
    if not text.strip():
        return []
    groups = grouped_suggestions(text, form.typed_tag_names())
    return [group for group in groups if group["items"]]


def _error_summary(*forms: Any) -> list[dict[str, str]]:
    """Every problem on the page, each linked to its field, for the summary at the top."""
    summary = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            if name == "__all__":
                summary += [{"label": "", "message": str(error), "id": ""} for error in errors]
                continue
            bound = form[name]
            summary += [
                {"label": str(bound.label), "message": str(error), "id": bound.auto_id}
                for error in errors
            ]
    return summary


def _preview(form: WorkForm | None, chapter: ChapterForm | None) -> dict[str, Any]:
    """What the work will look like, from valid forms: nothing is stored to show it."""
    shown: dict[str, Any] = {}
    if form is not None:
        details = form.details()
        shown["work"] = {
            "title": details.title,
            "creators": [str(pseud) for pseud in details.pseuds],
            "invited": [str(pseud) for pseud in details.invite],
            "tags": [
                (tag_type.label, [display_name(name) for name in details.tags.get(tag_type, [])])
                for tag_type in TagType
                if details.tags.get(tag_type)
            ],
            "language": language_name(details.language),
            "summary": typed_html(details.summary),
            "notes": typed_html(details.notes),
            "end_notes": typed_html(details.end_notes),
            "gifts": [member.username for member in details.gift_to],
            "inspiration": details.inspiration,
            "series": details.series.title if details.series else details.new_series_title,
            "restricted": details.restricted,
        }
    if chapter is not None:
        text = chapter.chapter_text()
        parsed = text.parsed()
        shown["chapter"] = {
            "title": parsed.title,
            "summary": parsed.summary,
            "notes": parsed.notes,
            "end_notes": parsed.end_notes,
            "content": parsed.content,
            "words": count_words(parsed.content),
            "markdown": text.text_format is TextFormat.MARKDOWN,
        }
    return shown


def _render_work_form(request: HttpRequest, context: WorkPageContext) -> HttpResponse:
    form, chapter = context["form"], context.get("chapter_form")
    context.setdefault("errors", _error_summary(form, chapter))
    context.setdefault("new_series", NEW_SERIES)
    return render(request, "works/posting/work_form.html", context)


@login_required
def new_work(request: HttpRequest) -> HttpResponse:
    """AO3's posting form: Preview shows the work without storing it; Post and Save as
    draft store it."""
    author = member_of(request)
    host = request.get_host()
    buttons = [(PREVIEW, "Preview", False), (DRAFT, "Save as draft", False), (POST, "Post", True)]
    context: WorkPageContext = {"heading": "Post a new work", "buttons": buttons}
    if request.method != "POST":
        # Challenge and collection pages link here with the gift or collection filled in.
        initial = {
            "collections": request.GET.get("collection", ""),
            "gift_to": request.GET.get("gift_for", ""),
        }
        form = WorkForm(author=author, site_host=host, initial=initial)
        context |= {"form": form, "chapter_form": ChapterForm()}
        return _render_work_form(request, context)
    data, added = with_added_tag(request.POST)
    form = WorkForm(data, author=author, site_host=host)
    chapter = ChapterForm(data)
    action = request.POST.get("action", PREVIEW)
    valid = form.is_valid() & chapter.is_valid()  # both, so every error shows at once
    if valid and not added and action in {POST, DRAFT}:
        try:
            work = actions.do_compose_work(
                author, form.details(), chapter.chapter_text(), posted=action == POST
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            done = "Your work is posted." if work.posted else "Your draft is saved."
            messages.success(request, done)
            return redirect(work)
    typed = data.get("chapter-text", "")
    format_ = TextFormat.MARKDOWN if data.get("chapter-text_format") == "markdown" else None
    text_html = chapter_html(typed, format_ or TextFormat.HTML) if typed else ""
    context |= {
        "form": form,
        "chapter_form": chapter,
        "preview": _preview(form, chapter) if valid else None,
        "suggestions": _suggestions(text_html, form),
        "added": added,
    }
    return _render_work_form(request, context)


def edit_work_page(
    request: HttpRequest,
    work: Work,
    *,
    context: WorkPageContext,
    done: Callable[[Work, str], HttpResponse],
    discard: bool = False,
) -> HttpResponse:
    """The edit form for a stored work (the edit page, and an upload's review page):
    Preview, Save (or Update), Post for a draft, and Discard when offered."""
    author = member_of(request)
    host = request.get_host()
    buttons = [(PREVIEW, "Preview", False)]
    if work.posted:
        buttons.append((SAVE, "Update", True))
    else:
        buttons += [(SAVE, "Save as draft", False), (POST, "Post", True)]
    if discard:
        buttons.append((DISCARD, "Discard", False))
    context = {"buttons": buttons, "work": work, **context}
    if request.method == "POST":
        action = request.POST.get("action", SAVE)
        if discard and action == DISCARD:
            actions.do_delete_work(work)
            return done(work, DISCARD)
        data, added = with_added_tag(request.POST)
        form = WorkForm(data, author=author, work=work, site_host=host)
        if form.is_valid() and not added and action in {SAVE, POST}:
            try:
                actions.do_update_work(work, author, form.details(), post=action == POST)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                return done(work, action)
        context |= {"preview": _preview(form, None) if form.is_valid() else None, "added": added}
    else:
        initial = WorkForm.initial_for(work, author)
        form = WorkForm(initial=initial, author=author, work=work, site_host=host)
    chapters = queries.chapters_for_editing(work)
    context |= {
        "form": form,
        "chapters": chapters,
        "invitations": work.creator_invitations.select_related("pseud__user"),
        "co_creators": [pseud for pseud in work.creator_pseuds if pseud.user_id != author.pk],
        "suggestions": _suggestions("\n".join(chapter.content for chapter in chapters), form),
    }
    return _render_work_form(request, context)


@login_required
def edit_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = own_work(request, work_id)

    def done(saved: Work, action: str) -> HttpResponse:
        messages.success(request, "Your work is posted." if action == POST else "Saved.")
        return redirect(saved)

    heading = f"Edit “{work.title}”"
    return edit_work_page(request, work, context={"heading": heading}, done=done)


@login_required
@require_POST
def post_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Post a draft from its own page (the work page's "Post" button)."""
    work = own_work(request, work_id)
    if work.posted:
        return redirect(work)
    try:
        actions.do_post_work(work)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("works:edit", work.pk)
    messages.success(request, "Your work is posted.")
    return redirect(work)


@login_required
def delete_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Asks first (GET); deletes on POST."""
    work = own_work(request, work_id)
    if request.method == "POST":
        title = work.title
        actions.do_delete_work(work)
        messages.success(request, f"“{title}” is deleted.")
        return redirect("people:dashboard")
    return render(request, "works/posting/confirm_delete.html", {"work": work})


@login_required
def orphan_work(request: HttpRequest, work_id: int) -> HttpResponse:
    """Asks first (GET), with the choice of keeping the pseud's name; orphans on POST."""
    work = own_work(request, work_id)
    member = member_of(request)
    if request.method == "POST":
        try:
            actions.do_orphan_work(
                work, member, keep_pseud_name=request.POST.get("keep_pseud") == "on"
            )
        except ValueError as error:
            messages.error(request, str(error))
            return redirect(work)
        messages.success(request, f"“{work.title}” is orphaned: it is no longer yours.")
        return redirect(work)
    own = [pseud for pseud in work.creator_pseuds if pseud.user_id == member.pk]
    return render(request, "works/posting/confirm_orphan.html", {"work": work, "own": own})


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    return render(request, "works/posting/drafts.html", {"drafts": queries.drafts_of(member)})


# Chapters.


def _chapter_page(
    request: HttpRequest,
    work: Work,
    form: ChapterForm,
    *,
    heading: str,
    buttons: list[tuple[str, str, bool]],
    chapter: Chapter | None = None,
) -> HttpResponse:
    preview = _preview(None, form) if form.is_bound and form.is_valid() else None
    context = {
        "work": work,
        "chapter": chapter,
        "form": form,
        "heading": heading,
        "buttons": buttons,
        "preview": preview,
        "errors": _error_summary(form),
    }
    return render(request, "works/posting/chapter_form.html", context)


@login_required
def new_chapter(request: HttpRequest, work_id: int) -> HttpResponse:
    """Add a chapter: posted at once to a posted work, or kept as a draft chapter."""
    work = own_work(request, work_id)
    if work.posted:
        buttons = [(PREVIEW, "Preview", False), (DRAFT, "Save as draft", False)]
        buttons.append((POST, "Post chapter", True))
    else:
        buttons = [(PREVIEW, "Preview", False), (DRAFT, "Save chapter", True)]
    number = work.chapters.count() + 1
    if request.method != "POST":
        form = ChapterForm(work=work, initial=ChapterForm.initial_for(work))
        return _chapter_page(request, work, form, heading=f"Add chapter {number}", buttons=buttons)
    form = ChapterForm(request.POST, work=work)
    action = request.POST.get("action", PREVIEW)
    if form.is_valid() and action in {POST, DRAFT}:
        chapter = actions.do_write_chapter(
            work,
            form.chapter_text(),
            posted=action == POST and work.posted,
            expected_chapters=form.expected(),
        )
        messages.success(request, "The chapter is posted." if chapter.posted else "Saved.")
        return redirect(chapter)
    return _chapter_page(request, work, form, heading=f"Add chapter {number}", buttons=buttons)


@login_required
def edit_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = own_work(request, work_id)
    chapter = _own_chapter(work, chapter_id)
    buttons = [(PREVIEW, "Preview", False)]
    if work.posted and not chapter.posted:
        buttons += [(SAVE, "Save as draft", False), (POST, "Post chapter", True)]
    else:
        buttons.append((SAVE, "Update", True))
    heading = f"Edit {chapter.heading}"
    if request.method != "POST":
        form = ChapterForm(work=work, initial=ChapterForm.initial_for(work, chapter))
        return _chapter_page(request, work, form, heading=heading, buttons=buttons, chapter=chapter)
    form = ChapterForm(request.POST, work=work)
    action = request.POST.get("action", PREVIEW)
    if form.is_valid() and action in {SAVE, POST}:
        actions.do_update_chapter(
            work,
            chapter,
            form.chapter_text(),
            expected_chapters=form.expected(),
            post=action == POST,
        )
        messages.success(request, "The chapter is posted." if action == POST else "Saved.")
        return redirect(chapter)
    return _chapter_page(request, work, form, heading=heading, buttons=buttons, chapter=chapter)


@login_required
@require_POST
def post_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = own_work(request, work_id)
    chapter = _own_chapter(work, chapter_id)
    if not work.posted:
        messages.error(request, "Post the work first: its chapters go up with it.")
    elif not chapter.posted:
        actions.do_post_chapter(chapter)
        messages.success(request, f"{chapter.heading} is posted.")
    return redirect(chapter)


@login_required
def delete_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """Asks first (GET); deletes on POST. The only chapter is refused: delete the work."""
    work = own_work(request, work_id)
    chapter = _own_chapter(work, chapter_id)
    if request.method == "POST":
        try:
            actions.do_delete_chapter(chapter)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The chapter is deleted; the rest are numbered again.")
        return redirect("works:edit", work.pk)
    only = work.chapters.count() == 1
    context = {"work": work, "chapter": chapter, "only": only}
    return render(request, "works/posting/confirm_delete_chapter.html", context)


@login_required
def reorder_chapters(request: HttpRequest, work_id: int) -> HttpResponse:
    """Each chapter gets a number field; the chapters are sorted by the numbers given
    (ties keep their old order), so no script is needed to reorder."""
    work = own_work(request, work_id)
    chapters = queries.chapters_for_editing(work)
    if request.method == "POST":
        wanted = []
        for chapter in chapters:
            try:
                place = float(request.POST.get(f"position-{chapter.pk}", chapter.position))
            except ValueError:
                place = chapter.position
            wanted.append((place, chapter.position, chapter.pk))
        actions.do_reorder_chapters(work, [chapter_id for *_, chapter_id in sorted(wanted)])
        messages.success(request, "The chapters are in their new order.")
        return redirect("works:edit", work.pk)
    return render(request, "works/posting/reorder.html", {"work": work, "chapters": chapters})


# Co-creators and gifts: answered by the member they were meant for.


@login_required
def creator_invitations(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    pending = queries.creator_invitations_for(member)
    if request.method == "POST":
        invitation = pending.filter(pk=_int(request.POST.get("invitation"))).first()
        if invitation is None:
            raise Http404("You have no such invitation.")
        accept = request.POST.get("answer") == "accept"
        work = actions.do_answer_creator_invitation(invitation, accept=accept)
        if accept:
            messages.success(request, f"You are now credited on “{work.title}”.")
            return redirect(work)
        messages.success(request, f"You declined to co-create “{work.title}”.")
        return redirect("works:creator_invitations")
    return render(request, "works/posting/invitations.html", {"invitations": pending})


@login_required
def gifts(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    received = queries.gifts_for(viewer_for(member), member)
    if request.method == "POST":
        gift = received.filter(pk=_int(request.POST.get("gift")), refused=False).first()
        if gift is None:
            raise Http404("You have no such gift.")
        actions.do_refuse_gift(gift)
        messages.success(request, f"You refused “{gift.work.title}”; it no longer shows your name.")
        return redirect("works:gifts")
    return render(request, "works/posting/gifts.html", {"gifts": received})


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
