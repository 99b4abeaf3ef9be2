"""The comments section under a work or chapter: one include line in the work page
(comments/includes/section.html), which calls `{% work_comments %}`; and a comment's
author as a reader may know them, for notices elsewhere (`{% comment_author %}`)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import urlencode

from quire.comments import queries
from quire.comments.forms import CommentForm
from quire.comments.models import Comment
from quire.core.comments import REFUSALS, Commenting
from quire.core.visibility import GUEST, is_creator
from quire.permissions import viewer_for
from quire.works.models import Chapter, Work

register = template.Library()


@register.inclusion_tag("comments/includes/discussion.html", takes_context=True)
def work_comments(context: template.Context) -> dict[str, object]:
    """The work page's comments: the chapter's own when one chapter of several is shown,
    all of the work's on the entire-work view; new ones go to the chapter shown alone
    (a one-chapter work's only chapter), or to the entire work."""
    request: HttpRequest = context["request"]
    work: Work = context["work"]
    shown: list[Chapter] = context["shown"]
    chapters: list[Chapter] = context.get("chapters") or []
    single_chapter_view = bool(context.get("single_chapter_view"))
    viewer = viewer_for(request.user)
    scope = shown[0] if single_chapter_view else None
    target = shown[0] if len(shown) == 1 else None
    state = queries.commenting_on(viewer, work, target)
    found = queries.discussion(viewer, work, scope, page=request.GET.get("comments_page"))
    own_work = is_creator(viewer, work.access())
    user = request.user if request.user.is_authenticated else None
    if scope is None and len(chapters) > 1:
        form_label = "Comment on the entire work"
    elif single_chapter_view:
        form_label = f"Comment on {shown[0].heading}"
    else:
        form_label = "Comment"
    return {
        "request": request,
        "form_label": form_label,
        "work": work,
        "discussion": found,
        "target": target,
        "whole": scope is None and len(chapters) > 1,
        "state": state.value,
        "refusal": REFUSALS.get(state, ""),
        "form": CommentForm(user=user) if state is Commenting.OPEN else None,
        "own_work": own_work,
        "unreviewed": queries.unreviewed_count(work) if own_work else 0,
        "login_url": resolve_url(settings.LOGIN_URL)
        + "?"
        + urlencode({"next": request.get_full_path() + "#comments"}),
    }


@register.simple_tag(takes_context=True)
def comment_author(context: template.Context, comment: Comment, work: Work) -> str:
    """The name of a comment's author as the reader may know it (an inbox notice):
    "Anonymous Creator" on an anonymous work, "a deleted account" once gone."""
    request = context.get("request")
    viewer = GUEST if request is None else viewer_for(request.user)
    return comment.author_name_for(viewer, work.access()) or "a deleted account"
