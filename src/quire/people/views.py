"""Public pages about a member: their works, one pseud's works, their profile and pseuds."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from quire.people import queries
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.queries import works_by_pseud, works_by_user
from quire.works.views import paginate


def _user_or_404(username: str) -> User:
    user = queries.user_named(username)
    if user is None:
        raise Http404(f"No creator named {username}.")
    return user


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    user = _user_or_404(username)
    page = paginate(request, works_by_user(viewer_for(request.user), user))
    context = {"creator": user, "pseuds": queries.pseuds_of(user), "page": page, "pseud": None}
    return render(request, "people/creator.html", context)


def pseud_detail(request: HttpRequest, username: str, pseud_name: str) -> HttpResponse:
    user = _user_or_404(username)
    pseud = queries.pseud_named(user, pseud_name)
    if pseud is None:
        raise Http404(f"{username} has no pseud named {pseud_name}.")
    page = paginate(request, works_by_pseud(viewer_for(request.user), pseud))
    context = {"creator": user, "pseuds": queries.pseuds_of(user), "page": page, "pseud": pseud}
    return render(request, "people/creator.html", context)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    """About text (sanitized when saved), joined date, pseuds, and where the works are."""
    user = _user_or_404(username)
    work_count = works_by_user(viewer_for(request.user), user).count()
    context = {"creator": user, "pseuds": queries.pseuds_of(user), "work_count": work_count}
    return render(request, "people/profile.html", context)


def pseud_list(request: HttpRequest, username: str) -> HttpResponse:
    """Everyone sees the names; the member also gets the buttons to manage them."""
    user = _user_or_404(username)
    context = {
        "creator": user,
        "pseuds": queries.pseuds_with_work_counts(user, viewer_for(request.user)),
        "is_owner": request.user.is_authenticated and request.user.pk == user.pk,
    }
    return render(request, "people/pseuds.html", context)
