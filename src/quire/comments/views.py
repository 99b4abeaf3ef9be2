"""Posting, answering, editing, deleting and moderating comments, and their permalinks.

Everything works without JavaScript: a reply or an edit has its own page, every
button is a POST form that comes back to the comment it acted on, and a comment
refused comes back on a page with what was typed. Views parse the request, call
one action or query, render.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from quire.comments import actions, queries
from quire.comments.forms import CommentForm, EditCommentForm
from quire.comments.models import Comment
from quire.core.comments import REFUSALS, Commenting
from quire.core.visibility import is_creator
from quire.people.models import User
from quire.permissions import viewer_for
from quire.site.redirects import next_or
from quire.works.models import Chapter, Work
from quire.works.queries import visible_chapters, visible_works

UNREVIEWED_PER_PAGE = 30


def _member(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _signed_in(request: HttpRequest) -> User:
    return cast(User, request.user)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """To the page a button was pressed on (its `next` field), if it is one of ours."""
    return redirect(next_or(request, fallback))


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = queries.comment_for(viewer_for(request.user), comment_id)
    if comment is None:
        raise Http404("No such comment.")
    return comment


def _viewed(request: HttpRequest, comment_id: int) -> tuple[Comment, queries.CommentView]:
    """A comment the viewer may see, with what they may do with it."""
    comment = _comment(request, comment_id)
    return comment, queries.view_of(viewer_for(request.user), comment)


def _section_url(work: Work, chapter: Chapter | None) -> str:
    """The comments section a comment is posted from."""
    return (chapter or work).get_absolute_url() + "#comments"


def _after_posting(request: HttpRequest, comment: Comment) -> HttpResponseRedirect:
    if comment.unreviewed:
        messages.success(
            request,
            "Your comment was received. It will appear once a creator of the work approves it.",
        )
        if comment.user_id is None:  # a guest cannot see it until then
            return redirect(_section_url(comment.work, comment.chapter))
    else:
        messages.success(request, "Your comment was posted.")
    return redirect(comment.get_absolute_url())


def _post(
    request: HttpRequest,
    form: CommentForm,
    work: Work,
    *,
    chapter: Chapter | None = None,
    parent: Comment | None = None,
) -> Comment:
    data = form.cleaned_data
    return actions.do_post_comment(
        work,
        text=data["text"],
        user=_member(request),
        pseud=data.get("pseud"),
        guest_name=data.get("guest_name", ""),
        guest_email=data.get("guest_email", ""),
        chapter=chapter,
        parent=parent,
    )


@require_POST
def post_comment(request: HttpRequest, work_id: int) -> HttpResponse:
    """A new discussion under a chapter (the `chapter` field) or the entire work."""
    viewer = viewer_for(request.user)
    work = get_object_or_404(visible_works(viewer), pk=work_id)
    chapter = None
    if request.POST.get("chapter"):
        chapter = next(
            (c for c in visible_chapters(viewer, work) if str(c.pk) == request.POST["chapter"]),
            None,
        )
        if chapter is None:
            raise Http404("No such chapter in this work.")
    form = CommentForm(request.POST, user=_member(request))
    if form.is_valid():
        try:
            comment = _post(request, form, work, chapter=chapter)
        except actions.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _after_posting(request, comment)
    context = {"work": work, "chapter": chapter, "form": form, "mode": "comment"}
    return render(request, "comments/compose.html", context)


def _compose(
    request: HttpRequest,
    view: queries.CommentView,
    form: forms.Form | None,
    mode: str,
    *,
    refusal: str = "",
) -> HttpResponse:
    """The page beneath one comment: a reply to it, or an edit of it."""
    comment = view.comment
    context = {
        "work": comment.work,
        "chapter": comment.chapter,
        "view": view,
        "form": form,
        "mode": mode,
        "refusal": refusal,
    }
    return render(request, "comments/compose.html", context)


def reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The reply form, on a page of its own beneath the comment it answers."""
    parent, view = _viewed(request, comment_id)
    form = None
    if view.can_reply:
        data = request.POST if request.method == "POST" else None
        form = CommentForm(data, user=_member(request), prefix_id="reply")
        form.fields["text"].widget.attrs["autofocus"] = True  # the page is for this
        if request.method == "POST" and form.is_valid():
            try:
                comment = _post(request, form, parent.work, parent=parent)
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                return _after_posting(request, comment)
    why_not = "" if view.can_reply else REFUSALS.get(view.replying, REFUSALS[Commenting.CLOSED])
    return _compose(request, view, form, "reply", refusal=why_not)


@login_required
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, view = _viewed(request, comment_id)
    if not view.can_edit:
        raise PermissionDenied("You can only edit your own comments while they are up.")
    if request.method == "POST":
        form = EditCommentForm(request.POST)
        if form.is_valid():
            try:
                actions.do_edit_comment(
                    _signed_in(request), comment, text=form.cleaned_data["text"]
                )
            except actions.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Your comment was updated.")
                return redirect(comment.get_absolute_url())
    else:
        form = EditCommentForm(initial={"text": comment.content})
    return _compose(request, view, form, "edit")


@login_required
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Asks first (a page of its own); the moderation page's button posts straight here."""
    comment, view = _viewed(request, comment_id)
    if not view.can_delete:
        raise PermissionDenied("Only the commenter or a creator of the work can delete it.")
    if request.method != "POST":
        context = {"view": view, "work": comment.work, "has_replies": comment.replies.exists()}
        return render(request, "comments/delete.html", context)
    parent = comment.parent
    section = _section_url(comment.work, comment.chapter)
    actions.do_delete_comment(_signed_in(request), comment)
    messages.success(request, "The comment was deleted.")
    kept = Comment.objects.filter(pk=comment_id).exists()  # a placeholder holding replies
    fallback = (
        comment.get_absolute_url()
        if kept
        else parent.get_absolute_url()
        if parent and Comment.objects.filter(pk=parent.pk).exists()
        else section
    )
    return _back(request, fallback)


MODERATION: dict[str, str] = {
    "approve": "The comment was approved.",
    "freeze": "The thread was frozen: it takes no replies.",
    "unfreeze": "The thread takes replies again.",
    "hide": "The comment was hidden.",
    "unhide": "The comment is shown again.",
}
"""The buttons a creator (or an admin) has on a comment, each its own URL
(quire.comments.urls), and what the page says once it is done."""


@require_POST
@login_required
def moderate(request: HttpRequest, comment_id: int, act: str) -> HttpResponse:
    comment = _comment(request, comment_id)
    user = _signed_in(request)
    try:
        if act == "approve":
            actions.do_approve_comment(user, comment)
        elif act in {"freeze", "unfreeze"}:
            actions.do_set_frozen(user, comment, frozen=act == "freeze")
        else:
            actions.do_set_comment_hidden(user, comment, hidden=act == "hide")
    except actions.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, MODERATION[act])
    return _back(request, comment.get_absolute_url())


def permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    """/comments/7/ leads to the page the comment is on, scrolled to it."""
    comment = _comment(request, comment_id)
    viewer = viewer_for(request.user)
    chapters = visible_chapters(viewer, comment.work)
    place = queries.place_of(viewer, comment, chapters)
    url = place.url
    if place.page > 1:
        url += ("&" if "?" in url else "?") + f"comments_page={place.page}"
    return redirect(f"{url}#{place.anchor}")


@login_required
def unreviewed(request: HttpRequest, work_id: int) -> HttpResponse:
    """A creator's queue of comments waiting for approval on one work."""
    viewer = viewer_for(request.user)
    work = get_object_or_404(visible_works(viewer), pk=work_id)
    if not is_creator(viewer, work.access()):
        raise PermissionDenied("Only the work's creators review its comments.")
    page = Paginator(queries.unreviewed_comments(work), UNREVIEWED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "comments/unreviewed.html", {"work": work, "page": page})
